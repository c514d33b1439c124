package gormauth

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth/internal/harness/nextauthjs"
	"github.com/gormauth/gormauth/internal/harness/testdb"
	"github.com/gormauth/gormauth/models"
)

// These tests run NextAuth.js 2.0.0-beta.73's own TypeORM adapter (from
// npm, with TypeORM 0.2.25: see internal/harness/nextauthjs) with
// synchronize=true, so they need Node.js and npm, and npm ci needs the npm
// registry. Without node or npm they fail, saying how to install them.

// requireNextAuth installs NextAuth.js (npm ci, when node_modules is not
// already what package-lock.json pins).
func requireNextAuth(t *testing.T) {
	t.Helper()
	d, err := nextauthjs.Install(context.Background())
	require.NoError(t, err)
	if d > 0 {
		t.Logf("npm ci took %s", d.Round(time.Millisecond))
	}
}

// nextAuthSync runs NextAuth.js's synchronize on dsn and checks that it
// ran the pinned versions.
func nextAuthSync(t *testing.T, dsn string) *nextauthjs.SyncResult {
	t.Helper()
	res, err := nextauthjs.Sync(context.Background(), dsn)
	require.NoError(t, err)
	assert.Equal(t, "2.0.0-beta.73", res.Versions.NextAuth)
	assert.Equal(t, "0.2.25", res.Versions.TypeORM)
	t.Logf("NextAuth.js sync: node process %s (adapter open + log %d ms, open with synchronize %d ms); node %s, pg %s",
		res.Elapsed.Round(time.Millisecond), res.MS.Plan, res.MS.Sync, res.Versions.Node, res.Versions.PG)
	return res
}

// TestNextAuthSynchronizeAfterAutoMigrate: on tables gormauth.AutoMigrate
// made, NextAuth.js's synchronize finds nothing to change and runs no DDL.
func TestNextAuthSynchronizeAfterAutoMigrate(t *testing.T) {
	t.Parallel()
	requireNextAuth(t)
	dsn := testdb.New(t)
	db := testdb.OpenURL(t, dsn)
	require.NoError(t, AutoMigrate(context.Background(), db, Beta73))
	testdb.InstallDDLLog(t, db)
	before := testdb.CatalogDump(t, db)

	res := nextAuthSync(t, dsn)
	assert.Empty(t, res.WouldRun, "TypeORM's synchronize would change nothing")
	assert.Empty(t, res.AfterSync)
	assert.Empty(t, testdb.DDLCommands(t, db), "no DDL during NextAuth.js's synchronize")
	assert.Equal(t, before, testdb.CatalogDump(t, db), "catalog unchanged")
}

// TestNextAuthSynchronizeAfterGORMAutoMigrate runs NextAuth.js's
// synchronize on tables GORM's own db.AutoMigrate made from the models.
// Their primary keys and unique constraints have GORM's names
// ("users_pkey", "uni_users_email", …), yet TypeORM 0.2.25 finds nothing
// to change: it compares primary keys and single-column unique constraints
// by their columns, not by name (names count only for indexes and
// multi-column unique constraints). gormauth.CheckSchema does see the names.
func TestNextAuthSynchronizeAfterGORMAutoMigrate(t *testing.T) {
	t.Parallel()
	requireNextAuth(t)
	dsn := testdb.New(t)
	db := testdb.OpenURL(t, dsn)
	require.NoError(t, db.AutoMigrate(&models.User{}, &models.Account{}, &models.Session{}, &models.VerificationRequest{}))
	testdb.InstallDDLLog(t, db)
	before := testdb.CatalogDump(t, db)

	res := nextAuthSync(t, dsn)
	for _, q := range res.WouldRun {
		t.Logf("NextAuth.js would run: %s", q)
	}
	assert.Empty(t, res.WouldRun, "TypeORM 0.2.25 ignores the names of primary keys and single-column unique constraints")
	assert.Empty(t, testdb.DDLCommands(t, db))
	assert.Equal(t, before, testdb.CatalogDump(t, db))

	diffs, err := CheckSchema(context.Background(), db, Beta73)
	require.NoError(t, err)
	assert.Len(t, diffs, 9, "4 primary keys and 5 unique constraints under GORM's names: %v", diffs)
}

// TestNextAuthSynchronizeControl shows that the harness sees what
// NextAuth.js's synchronize changes: on AutoMigrate's tables with an index
// renamed, a unique constraint dropped and a column made NOT NULL, TypeORM
// would run (and runs) statements that restore NextAuth.js's schema.
func TestNextAuthSynchronizeControl(t *testing.T) {
	t.Parallel()
	requireNextAuth(t)
	dsn := testdb.New(t)
	db := testdb.OpenURL(t, dsn)
	require.NoError(t, AutoMigrate(context.Background(), db, Beta73))
	pristine := testdb.CatalogDump(t, db)
	testdb.Exec(t, db, `
ALTER INDEX "userId" RENAME TO idx_accounts_user_id;
ALTER TABLE sessions DROP CONSTRAINT "UQ_b02a7acc05fe8194bed8433cf25";
ALTER TABLE users ALTER COLUMN image SET NOT NULL;`)
	testdb.InstallDDLLog(t, db)

	res := nextAuthSync(t, dsn)
	for _, q := range res.WouldRun {
		t.Logf("NextAuth.js would run: %s", q)
	}
	assert.Equal(t, []string{
		`DROP INDEX "idx_accounts_user_id"`,
		`ALTER TABLE "users" ALTER COLUMN "image" DROP NOT NULL`,
		`ALTER TABLE "sessions" ADD CONSTRAINT "UQ_b02a7acc05fe8194bed8433cf25" UNIQUE ("access_token")`,
		`CREATE INDEX "userId" ON "accounts" ("user_id") `, // TypeORM's trailing space
	}, res.WouldRun)
	assert.Empty(t, res.AfterSync, "after synchronize, nothing left to change")
	assert.Equal(t, []string{
		"DROP INDEX index public.idx_accounts_user_id",
		"ALTER TABLE table public.users",
		"ALTER TABLE table public.sessions",
		`CREATE INDEX index public."userId"`,
	}, testdb.DDLCommands(t, db), "synchronize ran that DDL")
	assert.Equal(t, pristine, testdb.CatalogDump(t, db), "NextAuth.js's schema restored")
}

// TestNextAuthSynchronizeThenAutoMigrate: on tables NextAuth.js's
// synchronize made in an empty database, gormauth.AutoMigrate issues no DDL
// and CheckSchema finds no difference; and the catalog is the one of
// testdata/nextauth-typeorm.sql, the fixture the other tests load.
func TestNextAuthSynchronizeThenAutoMigrate(t *testing.T) {
	t.Parallel()
	requireNextAuth(t)
	dsn := testdb.New(t)
	db := testdb.OpenURL(t, dsn)

	res := nextAuthSync(t, dsn)
	assert.NotEmpty(t, res.WouldRun, "synchronize creates the tables")
	assert.Empty(t, res.AfterSync)
	for _, q := range res.WouldRun {
		t.Logf("NextAuth.js would run: %s", q)
	}

	testdb.InstallDDLLog(t, db)
	require.NoError(t, AutoMigrate(context.Background(), db, Beta73))
	assert.Empty(t, testdb.DDLCommands(t, db), "AutoMigrate issues no DDL")
	diffs, err := CheckSchema(context.Background(), db, Beta73)
	require.NoError(t, err)
	assert.Empty(t, diffs)

	fixture := testdb.Open(t)
	loadNextAuthSchema(t, fixture)
	assert.Equal(t, testdb.CatalogDump(t, fixture), testdb.CatalogDump(t, db), "the fixture is what the adapter creates")
}
