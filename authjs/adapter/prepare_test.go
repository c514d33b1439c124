package adapter_test

import (
	"database/sql"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth/authjs/adapter"
)

// TestStatementsPrepare: PostgreSQL parses and plans every statement of
// every flavour against the flavour's own tables (PREPARE checks each
// table, column, cast and parameter type), so that a statement naming a
// column a flavour lacks fails here, whichever operation would run it.
func TestStatementsPrepare(t *testing.T) {
	t.Parallel()
	eachFlavour(t, func(t *testing.T, e *env) {
		db, err := sql.Open("pgx", e.dsn)
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		stmts := adapter.Statements(e.repo)
		require.NotEmpty(t, stmts)
		for name, stmt := range stmts {
			_, err := db.Exec("PREPARE s AS " + stmt)
			require.NoError(t, err, "%s: %s", name, stmt)
			_, err = db.Exec("DEALLOCATE s")
			require.NoError(t, err)
		}
	})
}
