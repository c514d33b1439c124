package testdb

import (
	"fmt"
	"os"
	"testing"
)

// MainWithDatabase is Main for a package whose Example functions open their
// database as a reader's program would, from an environment variable: it
// also sets env (such as "DATABASE_URL") to a fresh, empty database for the
// examples, and drops that database at the end. The examples share it, so
// each should leave it as it found it. Call it from TestMain:
//
//	func TestMain(m *testing.M) { testdb.MainWithDatabase(m, "DATABASE_URL") }
func MainWithDatabase(m *testing.M, env string) {
	os.Exit(run(withDatabase{m: m, env: env}))
}

// withDatabase runs m with env set to a fresh database.
type withDatabase struct {
	m   *testing.M
	env string
}

func (w withDatabase) Run() int {
	dsn, drop, err := NewDatabase()
	if err != nil {
		fmt.Fprintf(os.Stderr, "testdb: a database for the examples: %v\n", err)
		return 1
	}
	defer func() {
		if err := drop(); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
	}()
	if err := os.Setenv(w.env, dsn); err != nil {
		fmt.Fprintf(os.Stderr, "testdb: setting %s: %v\n", w.env, err)
		return 1
	}
	return w.m.Run()
}
