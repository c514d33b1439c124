package gormauth

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/gormauth/gormauth/internal/harness/testdb"
)

func TestCheckSchema(t *testing.T) {
	t.Parallel()
	// check runs CheckSchema on db and checks that it issued no DDL,
	// changed nothing and sent one statement.
	check := func(t *testing.T, db *gorm.DB, counter *countingLogger) []Difference {
		t.Helper()
		testdb.InstallDDLLog(t, db)
		before := testdb.CatalogDump(t, db)
		counter.take()
		diffs, err := CheckSchema(context.Background(), db, Beta73)
		require.NoError(t, err)
		assert.Len(t, counter.take(), 1, "one catalog query")
		assert.Empty(t, testdb.DDLCommands(t, db), "no DDL")
		assert.Equal(t, before, testdb.CatalogDump(t, db), "nothing changed")
		return diffs
	}
	open := func(t *testing.T) (*gorm.DB, *countingLogger) {
		counter := &countingLogger{}
		return testdb.OpenURL(t, testdb.New(t), &gorm.Config{Logger: counter}), counter
	}

	t.Run("empty database", func(t *testing.T) {
		t.Parallel()
		db, counter := open(t)
		assert.Equal(t, []Difference{
			{Kind: MissingTable, Table: "users",
				Expected: "table with columns id, name, email, email_verified, image, created, updated"},
			{Kind: MissingTable, Table: "accounts",
				Expected: "table with columns id, compound_id, user_id, provider_type, provider_id, provider_account_id, " +
					"refresh_token, access_token, access_token_expires, created, updated"},
			{Kind: MissingTable, Table: "sessions",
				Expected: "table with columns id, user_id, expires, session_token, access_token, created, updated"},
			{Kind: MissingTable, Table: "verification_requests",
				Expected: "table with columns id, identifer, token, expires, created, updated"},
		}, check(t, db, counter))
	})

	t.Run("NextAuth.js database", func(t *testing.T) {
		t.Parallel()
		db, counter := open(t)
		loadNextAuthSchema(t, db)
		assert.Empty(t, check(t, db, counter))
	})

	t.Run("made by AutoMigrate", func(t *testing.T) {
		t.Parallel()
		db, counter := open(t)
		require.NoError(t, AutoMigrate(context.Background(), db, Beta73))
		assert.Empty(t, check(t, db, counter))
	})

	t.Run("modified", func(t *testing.T) {
		t.Parallel()
		db, counter := open(t)
		loadNextAuthSchema(t, db)
		testdb.Exec(t, db, `
ALTER TABLE users ADD COLUMN nickname text;
ALTER TABLE users ADD COLUMN plan text NOT NULL DEFAULT 'free';
CREATE INDEX users_name ON users (name);
ALTER TABLE accounts ALTER COLUMN access_token TYPE varchar;
DROP INDEX "providerId";
ALTER TABLE sessions ADD CONSTRAINT expires_after_created CHECK (expires > created);
ALTER TABLE sessions ADD CONSTRAINT fk_sessions_user FOREIGN KEY (user_id) REFERENCES users (id);`)
		diffs := check(t, db, counter)
		assert.Equal(t, []Difference{
			{Kind: ExtraColumn, Table: "users", Column: "nickname", Found: "text NULL"},
			{Kind: ExtraColumn, Table: "users", Column: "plan", Found: "text NOT NULL DEFAULT 'free'::text"},
			{Kind: ExtraIndex, Table: "users", Index: "users_name",
				Found: "CREATE INDEX users_name ON public.users USING btree (name)"},
			{Kind: ColumnType, Table: "accounts", Column: "access_token",
				Found: "character varying", Expected: "text"},
			{Kind: MissingIndex, Table: "accounts", Column: "provider_id", Index: "providerId",
				Expected: `INDEX "providerId" (provider_id)`},
			{Kind: ExtraConstraint, Table: "sessions", Index: "expires_after_created",
				Found: `CONSTRAINT "expires_after_created" CHECK ((expires > created))`},
			{Kind: ExtraConstraint, Table: "sessions", Index: "fk_sessions_user",
				Found: `CONSTRAINT "fk_sessions_user" FOREIGN KEY (user_id) REFERENCES users(id)`},
		}, diffs)

		// AutoMigrate refuses only the column type; after it is fixed, it
		// creates the index and keeps the extras.
		var se *SchemaError
		require.ErrorAs(t, AutoMigrate(context.Background(), db, Beta73), &se)
		assert.Equal(t, []Difference{diffs[3]}, se.Differences)
		testdb.Exec(t, db, `ALTER TABLE accounts ALTER COLUMN access_token TYPE text`)
		require.NoError(t, AutoMigrate(context.Background(), db, Beta73))
		after, err := CheckSchema(context.Background(), db, Beta73)
		require.NoError(t, err)
		assert.Equal(t, []Difference{diffs[0], diffs[1], diffs[2], diffs[5], diffs[6]}, after)
	})
}

func TestCheckSchemaReadError(t *testing.T) {
	t.Parallel()
	db := testdb.Open(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	diffs, err := CheckSchema(ctx, db, Beta73)
	assert.ErrorIs(t, err, context.Canceled)
	assert.ErrorContains(t, err, "gormauth: reading the catalog")
	assert.Nil(t, diffs)
}
