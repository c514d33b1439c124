package testdb

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// templates are the template databases made by FromTemplate, by key.
var templates struct {
	sync.Mutex
	made map[string]*template
}

type template struct {
	once sync.Once
	name string
	err  error
}

// FromTemplate creates a fresh database for tb, as New does, as a copy of
// a template database that setup filled once per key and run: setup gets
// the template's DSN and must close its connections before it returns. A
// copy is much faster than running setup again. The templates are dropped
// when Main returns.
func FromTemplate(tb testing.TB, key string, setup func(dsn string) error) string {
	tb.Helper()
	if admin == nil {
		tb.Fatal("testdb: call testdb.Main(m) from TestMain")
	}
	templates.Lock()
	if templates.made == nil {
		templates.made = map[string]*template{}
	}
	tp := templates.made[key]
	if tp == nil {
		tp = &template{name: fmt.Sprintf("gormauth_tmpl_%s_%d", runID, counter.Add(1))}
		templates.made[key] = tp
	}
	templates.Unlock()
	tp.once.Do(func() {
		if _, tp.err = admin.Exec(`CREATE DATABASE "` + tp.name + `"`); tp.err != nil {
			return
		}
		tp.err = setup(WithDatabase(adminURL, tp.name))
	})
	require.NoError(tb, tp.err, "testdb: making template %s", key)
	name := fmt.Sprintf("gormauth_test_%s_%d", runID, counter.Add(1))
	_, err := admin.Exec(`CREATE DATABASE "` + name + `" TEMPLATE "` + tp.name + `"`)
	require.NoError(tb, err, "testdb: creating database %s from template %s", name, key)
	tb.Cleanup(func() {
		if _, err := admin.Exec(`DROP DATABASE IF EXISTS "` + name + `" WITH (FORCE)`); err != nil {
			tb.Errorf("testdb: dropping database %s: %v", name, err)
		}
	})
	return WithDatabase(adminURL, name)
}

// dropTemplates drops the template databases.
func dropTemplates() {
	templates.Lock()
	defer templates.Unlock()
	for _, tp := range templates.made {
		admin.Exec(`DROP DATABASE IF EXISTS "` + tp.name + `" WITH (FORCE)`) //nolint:errcheck // best effort at exit
	}
	templates.made = nil
}
