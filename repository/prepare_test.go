package repository_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/internal/harness/testdb"
	"github.com/gormauth/gormauth/repository"
)

// TestStatementsPrepare: PostgreSQL parses and plans every statement of
// every flavour against the flavour's own tables (PREPARE checks each
// table, column, cast and parameter type), so that a statement naming a
// column a flavour lacks fails here, whichever operation would run it.
func TestStatementsPrepare(t *testing.T) {
	t.Parallel()
	eachFlavour(t, func(t *testing.T, e *env) {
		prepareAll(t, e.dsn, repository.Statements(e.repo))
	})
	// beta.73's tables, which the engine does not run yet: its statements
	// already name their columns.
	t.Run("beta73", func(t *testing.T) {
		t.Parallel()
		dsn := testdb.New(t)
		require.NoError(t, gormauth.AutoMigrate(context.Background(), testdb.OpenURL(t, dsn), gormauth.Beta73))
		prepareAll(t, dsn, repository.StatementsOf(gormauth.Beta73))
	})
}

// prepareAll has the database at dsn prepare each statement.
func prepareAll(t *testing.T, dsn string, stmts map[string]string) {
	t.Helper()
	require.NotEmpty(t, stmts)
	db, err := sql.Open("pgx", dsn)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	for name, stmt := range stmts {
		_, err := db.Exec("PREPARE s AS " + stmt)
		require.NoError(t, err, "%s: %s", name, stmt)
		_, err = db.Exec("DEALLOCATE s")
		require.NoError(t, err)
	}
}
