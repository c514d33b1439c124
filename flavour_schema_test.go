package gormauth_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/internal/harness/testdb"
)

// toolDDL is, for each flavour, the DDL its own tool emits (or, for the pg
// adapter, the dump of its schema.sql), and the file describing the schema
// the real packages made, both measured with the real packages
// (testdata/authjs, testdata/authjs-v4).
var toolDDL = map[*gormauth.Flavour]struct{ ddl, described string }{
	gormauth.Prisma:      {"authjs/prisma-migrate-diff.sql", "authjs/prisma-schema.json"},
	gormauth.PrismaV4:    {"authjs-v4/prisma-v4-migrate-diff.sql", "authjs-v4/prisma-v4-schema.json"},
	gormauth.Drizzle:     {"authjs/drizzle-builtin-tables.sql", ""},
	gormauth.DrizzleDocs: {"authjs/drizzle-kit-generate.sql", "authjs/drizzle-schema.json"},
	gormauth.Pg:          {"authjs/pg-schema.sql", "authjs/pg-schema.json"},
}

func readTestdata(tb testing.TB, name string) string {
	tb.Helper()
	b, err := os.ReadFile("testdata/" + name)
	require.NoError(tb, err)
	return string(b)
}

// toolMade returns a fresh database whose tables f's own tool made.
func toolMade(t *testing.T, f *gormauth.Flavour) *gorm.DB {
	t.Helper()
	db := testdb.Open(t)
	testdb.Exec(t, db, readTestdata(t, toolDDL[f].ddl))
	return db
}

// TestAutoMigrateCreatesTheDocumentedSchema: on an empty database
// AutoMigrate creates exactly what the flavour's own tool creates (every
// relation, column, constraint, index and sequence alike), and that is the
// schema the real packages were measured on.
func TestAutoMigrateCreatesTheDocumentedSchema(t *testing.T) {
	t.Parallel()
	for _, f := range gormauth.AuthJSFlavours() {
		t.Run(f.Name(), func(t *testing.T) {
			t.Parallel()
			ours := testdb.Open(t)
			require.NoError(t, gormauth.AutoMigrate(context.Background(), ours, f))
			assert.Equal(t, testdb.CatalogDump(t, toolMade(t, f)), testdb.CatalogDump(t, ours))
			if described := toolDDL[f].described; described != "" {
				assert.Equal(t, describedSchema(t, described), liveSchema(t, ours), "as %s describes it", described)
			}
			diffs, err := gormauth.CheckSchema(context.Background(), ours, f)
			require.NoError(t, err)
			assert.Empty(t, diffs)
		})
	}
}

// TestAutoMigrateOnToolMadeSchema: on tables the flavour's own tool made,
// AutoMigrate issues no DDL and CheckSchema finds nothing; a Drizzle
// database made from the docs' schema passes Drizzle's checks with a warning
// for each key it lacks.
func TestAutoMigrateOnToolMadeSchema(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, f := range gormauth.AuthJSFlavours() {
		t.Run(f.Name(), func(t *testing.T) {
			t.Parallel()
			db := toolMade(t, f)
			testdb.InstallDDLLog(t, db)
			require.NoError(t, gormauth.AutoMigrate(ctx, db, f))
			assert.Empty(t, testdb.DDLCommands(t, db))
			diffs, err := gormauth.CheckSchema(ctx, db, f)
			require.NoError(t, err)
			assert.Empty(t, diffs)
		})
	}
	t.Run("DrizzleOnDocsSchema", func(t *testing.T) {
		t.Parallel()
		db := toolMade(t, gormauth.DrizzleDocs)
		testdb.InstallDDLLog(t, db)
		require.NoError(t, gormauth.AutoMigrate(ctx, db, gormauth.Drizzle))
		assert.Empty(t, testdb.DDLCommands(t, db), "the missing keys are not added")
		diffs, err := gormauth.CheckSchema(ctx, db, gormauth.Drizzle)
		require.NoError(t, err)
		var missing []string
		for _, d := range diffs {
			assert.Equal(t, gormauth.MissingOptionalIndex, d.Kind, "%s", d)
			assert.False(t, d.Incompatible())
			missing = append(missing, d.Table+"."+d.Index)
		}
		assert.Equal(t, []string{"account.account_provider_providerAccountId_pk",
			"verificationToken.verificationToken_identifier_token_pk",
			"authenticator.authenticator_userId_credentialID_pk"}, missing)
	})
	t.Run("DrizzleDocsOnBuiltinTables", func(t *testing.T) {
		t.Parallel()
		db := toolMade(t, gormauth.Drizzle)
		diffs, err := gormauth.CheckSchema(ctx, db, gormauth.DrizzleDocs)
		require.NoError(t, err)
		for _, d := range diffs {
			assert.Equal(t, gormauth.ExtraIndex, d.Kind, "%s", d)
		}
		assert.Len(t, diffs, 3, "the keys the docs' schema lacks, as extra")
		require.NoError(t, gormauth.AutoMigrate(ctx, db, gormauth.DrizzleDocs))
	})
}

// TestAutoMigrateCompletes: on a database where some tables are missing
// and an index and a foreign key were dropped, AutoMigrate creates exactly
// those, keeping the rows.
func TestAutoMigrateCompletes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := toolMade(t, gormauth.Prisma)
	testdb.Exec(t, db, `INSERT INTO "User" (id, email, "updatedAt") VALUES ('u1', 'kept@example.com', now());
		DROP TABLE "Authenticator"; DROP INDEX "User_email_key";
		ALTER TABLE "Session" DROP CONSTRAINT "Session_userId_fkey"`)
	diffs, err := gormauth.CheckSchema(ctx, db, gormauth.Prisma)
	require.NoError(t, err)
	var kinds []string
	for _, d := range diffs {
		kinds = append(kinds, d.Table+" "+d.Kind.String())
	}
	assert.ElementsMatch(t, []string{"User missing index", "Session missing foreign key", "Authenticator missing table"}, kinds)
	testdb.InstallDDLLog(t, db)
	require.NoError(t, gormauth.AutoMigrate(ctx, db, gormauth.Prisma))
	assert.Equal(t, []string{
		`CREATE INDEX index public."User_email_key"`,
		`CREATE TABLE table public."Authenticator"`,
		`CREATE INDEX index public."Authenticator_pkey"`,
		`CREATE INDEX index public."Authenticator_credentialID_key"`,
		`ALTER TABLE table public."Session"`,
		`ALTER TABLE table public."Authenticator"`,
	}, testdb.DDLCommands(t, db))
	assert.Equal(t, testdb.CatalogDump(t, toolMade(t, gormauth.Prisma)), testdb.CatalogDump(t, db))
	var email string
	require.NoError(t, db.Raw(`SELECT email FROM "User"`).Row().Scan(&email))
	assert.Equal(t, "kept@example.com", email)
}

// TestAutoMigrateRefusesIncompatible: a column of another type is reported
// and nothing is changed.
func TestAutoMigrateRefusesIncompatible(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := toolMade(t, gormauth.Pg)
	testdb.Exec(t, db, `DROP TABLE sessions; ALTER TABLE users ALTER COLUMN email TYPE text`)
	testdb.InstallDDLLog(t, db)
	err := gormauth.AutoMigrate(ctx, db, gormauth.Pg)
	var se *gormauth.SchemaError
	require.ErrorAs(t, err, &se)
	require.Len(t, se.Differences, 1)
	assert.Equal(t, gormauth.ColumnType, se.Differences[0].Kind)
	assert.Equal(t, "users.email: column type differs: found text, expected character varying(255)", se.Differences[0].String())
	assert.Contains(t, err.Error(), "incompatible with the schema of Auth.js v5 with @auth/pg-adapter")
	assert.Empty(t, testdb.DDLCommands(t, db), "not even the missing sessions table is created")
}

// TestAutoMigrateConcurrent: eight start-ups at once on an empty database,
// each with its own pool, all succeed and create each table once.
func TestAutoMigrateConcurrent(t *testing.T) {
	t.Parallel()
	for _, f := range gormauth.AuthJSFlavours() {
		t.Run(f.Name(), func(t *testing.T) {
			t.Parallel()
			dsn := testdb.New(t)
			setup := testdb.OpenURL(t, dsn)
			testdb.InstallDDLLog(t, setup)
			const n = 8
			dbs := make([]*gorm.DB, n)
			for i := range dbs {
				dbs[i] = testdb.OpenURL(t, dsn)
			}
			var wg sync.WaitGroup
			errs := make([]error, n)
			for i := range dbs {
				wg.Go(func() { errs[i] = gormauth.AutoMigrate(context.Background(), dbs[i], f) })
			}
			wg.Wait()
			for _, err := range errs {
				require.NoError(t, err)
			}
			counts := testdb.CreateTableCounts(t, setup)
			for table, count := range counts {
				assert.Equal(t, 1, count, table)
			}
			assert.GreaterOrEqual(t, len(counts), 4, "every table created: %v", counts)
			assert.Equal(t, testdb.CatalogDump(t, toolMade(t, f)), testdb.CatalogDump(t, setup))
		})
	}
}

// TestDetect: the flavour of every tool-made schema, NextAuth.js
// 2.0.0-beta.73's tables, and none.
func TestDetect(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, f := range gormauth.AuthJSFlavours() {
		t.Run(f.Name(), func(t *testing.T) {
			t.Parallel()
			got, err := gormauth.Detect(ctx, toolMade(t, f))
			require.NoError(t, err)
			assert.Same(t, f, got)
		})
	}
	t.Run("Beta73", func(t *testing.T) {
		t.Parallel()
		db := testdb.Open(t)
		require.NoError(t, gormauth.AutoMigrate(context.Background(), db, gormauth.Beta73))
		got, err := gormauth.Detect(ctx, db)
		require.NoError(t, err)
		assert.Same(t, gormauth.Beta73, got)
	})
	t.Run("Empty", func(t *testing.T) {
		t.Parallel()
		_, err := gormauth.Detect(ctx, testdb.Open(t))
		assert.ErrorIs(t, err, gormauth.ErrNoTables)
	})
	t.Run("Several", func(t *testing.T) {
		t.Parallel()
		db := toolMade(t, gormauth.Pg)
		require.NoError(t, gormauth.AutoMigrate(ctx, db, gormauth.Drizzle))
		_, err := gormauth.Detect(ctx, db)
		require.Error(t, err)
		assert.False(t, errors.Is(err, gormauth.ErrNoTables))
		assert.Contains(t, err.Error(), "several flavours")
	})
}

// schemaFile is the shape of the <a>-schema.json files: tables by name.
type schemaFile map[string]struct {
	Columns []struct {
		Name     string  `json:"name"`
		Type     string  `json:"type"`
		Nullable bool    `json:"nullable"`
		Default  *string `json:"default"`
	} `json:"columns"`
	Indexes []struct {
		Name    string   `json:"name"`
		Columns []string `json:"columns"`
		Unique  bool     `json:"unique"`
		Primary bool     `json:"primary"`
	} `json:"indexes"`
	Constraints []struct {
		Name       string `json:"name"`
		Type       string `json:"type"`
		Definition string `json:"definition"`
	} `json:"constraints"`
}

// flatten returns the file as sorted lines, to compare.
func (f schemaFile) flatten() []string {
	var lines []string
	for table, t := range f {
		for _, c := range t.Columns {
			def := "-"
			if c.Default != nil {
				def = *c.Default
			}
			lines = append(lines, fmt.Sprintf("column %s.%s %s nullable=%t default=%s", table, c.Name, c.Type, c.Nullable, def))
		}
		for _, ix := range t.Indexes {
			lines = append(lines, fmt.Sprintf("index %s.%s (%s) unique=%t primary=%t", table, ix.Name, strings.Join(ix.Columns, ","), ix.Unique, ix.Primary))
		}
		for _, con := range t.Constraints {
			lines = append(lines, fmt.Sprintf("constraint %s.%s %s %s", table, con.Name, con.Type, con.Definition))
		}
	}
	sort.Strings(lines)
	return lines
}

func describedSchema(t *testing.T, name string) []string {
	t.Helper()
	var f schemaFile
	require.NoError(t, json.Unmarshal([]byte(readTestdata(t, name)), &f))
	return f.flatten()
}

// liveSchema reads the current schema of db in the shape of the
// <a>-schema.json files.
func liveSchema(t *testing.T, db *gorm.DB) []string {
	t.Helper()
	var raw string
	require.NoError(t, db.Raw(`
SELECT coalesce(json_object_agg(t.relname, json_build_object(
  'columns', (
    SELECT json_agg(json_build_object('name', c.column_name, 'type', c.data_type,
      'nullable', c.is_nullable = 'YES', 'default', c.column_default))
    FROM information_schema.columns c
    WHERE c.table_schema = current_schema() AND c.table_name = t.relname),
  'indexes', (
    SELECT json_agg(json_build_object('name', ic.relname,
      'columns', (SELECT json_agg(a.attname ORDER BY k.n)
                  FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, n)
                  JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum),
      'unique', i.indisunique, 'primary', i.indisprimary))
    FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
    WHERE i.indrelid = t.oid),
  'constraints', (
    SELECT json_agg(json_build_object('name', con.conname,
      'type', CASE con.contype WHEN 'p' THEN 'primary key' WHEN 'u' THEN 'unique' WHEN 'f' THEN 'foreign key' ELSE con.contype::text END,
      'definition', pg_get_constraintdef(con.oid)))
    FROM pg_constraint con WHERE con.conrelid = t.oid))), '{}')::text
FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE n.nspname = current_schema() AND t.relkind = 'r'`).Row().Scan(&raw))
	var f schemaFile
	require.NoError(t, json.Unmarshal([]byte(raw), &f))
	return f.flatten()
}

// Column spells Auth.js's column names as each flavour does.
func TestColumn(t *testing.T) {
	t.Parallel()
	for _, f := range gormauth.AuthJSFlavours() {
		assert.Equal(t, "userId", f.Column("userId"), f.Name())
	}
	for name, beta := range map[string]string{"userId": "user_id", "emailVerified": "email_verified",
		"sessionToken": "session_token", "provider": "provider_id", "type": "provider_type",
		"providerAccountId": "provider_account_id", "createdAt": "created", "expires": "expires"} {
		assert.Equal(t, beta, gormauth.Beta73.Column(name), name)
	}
}

func TestHas(t *testing.T) {
	t.Parallel()
	assert.True(t, gormauth.Beta73.Has("accounts", "compound_id"))
	assert.True(t, gormauth.Beta73.Has("verification_requests", "created"))
	assert.False(t, gormauth.Beta73.Has("accounts", "id_token"))
	assert.True(t, gormauth.Prisma.Has("Account", "id_token"))
	assert.False(t, gormauth.Prisma.Has("VerificationToken", "createdAt"))
	assert.False(t, gormauth.Pg.Has("nowhere", "id"))
	// The schema's created columns are named as Column names them.
	for _, f := range gormauth.Flavours() {
		users, _, _, _ := f.Tables()
		assert.Equal(t, f.ClockColumns(), f.Has(users, f.Column("createdAt")), f.Name())
	}
}

// The rules of each flavour's JavaScript side: its session tokens, its
// sliding-expiry threshold, its sign-in addresses and its clock.
func TestFlavourRules(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	maxAge, updateAge := 30*24*time.Hour, 24*time.Hour
	threshold := now.Add(maxAge - updateAge) // expires at which now is exactly the threshold
	for _, f := range gormauth.Flavours() {
		tok, err := f.NewSessionToken()
		require.NoError(t, err)
		beta := f == gormauth.Beta73
		if beta {
			assert.Regexp(t, `^[0-9a-f]{64}$`, tok)
		} else {
			assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, tok, f.Name())
		}
		assert.Equal(t, !beta, f.Due(threshold, now, maxAge, updateAge), "%s: at the threshold", f.Name())
		assert.True(t, f.Due(threshold.Add(-time.Microsecond), now, maxAge, updateAge), f.Name())
		assert.False(t, f.Due(threshold.Add(time.Microsecond), now, maxAge, updateAge), f.Name())
		assert.Equal(t, beta, f.LowerCasesIdentifiers(), f.Name())
		assert.Equal(t, beta, f.LocalTime(), f.Name())
		assert.Equal(t, !beta, f.SendsCookieEachRequest(), f.Name())
	}
}
