package gormauth

import (
	"context"
	"encoding/json"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/gormauth/gormauth/internal/harness/testdb"
)

// TestMain gives each test its own database (testdb) and the Examples
// theirs in DATABASE_URL.
func TestMain(m *testing.M) { testdb.MainWithDatabase(m, "DATABASE_URL") }

// readTestdata returns the content of testdata/name.
func readTestdata(tb testing.TB, name string) string {
	tb.Helper()
	b, err := os.ReadFile("testdata/" + name)
	require.NoError(tb, err)
	return string(b)
}

// loadNextAuthSchema loads the schema NextAuth.js created
// (testdata/nextauth-typeorm.sql, a pg_dump) into db.
func loadNextAuthSchema(tb testing.TB, db *gorm.DB) {
	tb.Helper()
	testdb.Exec(tb, db, readTestdata(tb, "nextauth-typeorm.sql"))
}

// liveSpecFile reads every table of the current schema in the shape of
// testdata/nextauth-schema.json: columns from information_schema.columns,
// indexes (with the constraints they back) from pg_index.
func liveSpecFile(tb testing.TB, db *gorm.DB) specFile {
	tb.Helper()
	var raw string
	require.NoError(tb, db.Raw(`
SELECT coalesce(json_object_agg(t.relname, json_build_object(
  'columns', (
    SELECT json_agg(json_build_object('name', c.column_name, 'type', c.data_type,
      'nullable', c.is_nullable = 'YES', 'default', c.column_default) ORDER BY c.ordinal_position)
    FROM information_schema.columns c
    WHERE c.table_schema = current_schema() AND c.table_name = t.relname),
  'indexes', (
    SELECT json_agg(json_build_object('name', ic.relname,
      'columns', (SELECT json_agg(a.attname ORDER BY k.n)
                  FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, n)
                  JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum),
      'unique', i.indisunique, 'primary', i.indisprimary))
    FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
    WHERE i.indrelid = t.oid))), '{}')::text
FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE n.nspname = current_schema() AND t.relkind = 'r'`).Row().Scan(&raw))
	var f specFile
	require.NoError(tb, json.Unmarshal([]byte(raw), &f))
	f.sortIndexes()
	return f
}

// countingLogger is a GORM logger that records every statement GORM runs.
type countingLogger struct {
	mu  sync.Mutex
	sql []string
}

func (l *countingLogger) LogMode(logger.LogLevel) logger.Interface { return l }
func (l *countingLogger) Info(context.Context, string, ...any)     {}
func (l *countingLogger) Warn(context.Context, string, ...any)     {}
func (l *countingLogger) Error(context.Context, string, ...any)    {}

func (l *countingLogger) Trace(_ context.Context, _ time.Time, fc func() (string, int64), _ error) {
	s, _ := fc()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sql = append(l.sql, s)
}

// take returns the statements recorded since the last take.
func (l *countingLogger) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.sql
	l.sql = nil
	return s
}
