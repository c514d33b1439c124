package repository_test

import (
	"database/sql"
	"testing"

	"github.com/stretchr/testify/require"

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
