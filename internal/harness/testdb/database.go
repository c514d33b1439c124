package testdb

import (
	"errors"
	"fmt"
)

// NewDatabase creates a fresh, empty database like New, for code that has
// no testing.TB, such as Example functions. It returns the database's DSN
// and a function that drops it. It works only while Main runs the tests.
func NewDatabase() (dsn string, drop func() error, err error) {
	if admin == nil {
		return "", nil, errors.New("testdb: call testdb.Main(m) from TestMain")
	}
	name := fmt.Sprintf("gormauth_test_%s_%d", runID, counter.Add(1))
	if _, err := admin.Exec(`CREATE DATABASE "` + name + `"`); err != nil {
		return "", nil, fmt.Errorf("testdb: creating database %s: %w", name, err)
	}
	drop = func() error {
		if _, err := admin.Exec(`DROP DATABASE IF EXISTS "` + name + `" WITH (FORCE)`); err != nil {
			return fmt.Errorf("testdb: dropping database %s: %w", name, err)
		}
		return nil
	}
	return WithDatabase(adminURL, name), drop, nil
}
