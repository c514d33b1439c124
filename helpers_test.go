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

	"github.com/gormauth/gormauth/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

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

// installDDLLog makes db record every DDL command from now on, through event
// triggers writing to ddl_audit.log (a schema of its own, so it does not show
// in the current schema): on ddl_command_end for what is created or altered,
// and on sql_drop for what is dropped, which ddl_command_end reports no
// object for. Needs a superuser.
func installDDLLog(tb testing.TB, db *gorm.DB) {
	tb.Helper()
	testdb.Exec(tb, db, `
CREATE SCHEMA ddl_audit;
CREATE TABLE ddl_audit.log (
  n serial PRIMARY KEY,
  command_tag text NOT NULL,
  object_type text,
  object_identity text
);
CREATE FUNCTION ddl_audit.record() RETURNS event_trigger LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
  FOR r IN SELECT * FROM pg_event_trigger_ddl_commands() LOOP
    INSERT INTO ddl_audit.log (command_tag, object_type, object_identity)
    VALUES (r.command_tag, r.object_type, r.object_identity);
  END LOOP;
END $$;
CREATE FUNCTION ddl_audit.record_drop() RETURNS event_trigger LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
  FOR r IN SELECT * FROM pg_event_trigger_dropped_objects() WHERE original LOOP
    INSERT INTO ddl_audit.log (command_tag, object_type, object_identity)
    VALUES (tg_tag, r.object_type, r.object_identity);
  END LOOP;
END $$;
CREATE EVENT TRIGGER ddl_audit ON ddl_command_end EXECUTE FUNCTION ddl_audit.record();
CREATE EVENT TRIGGER ddl_audit_drop ON sql_drop EXECUTE FUNCTION ddl_audit.record_drop();
`)
}

// ddlCommands returns what installDDLLog recorded, in order, as
// "<command tag> <object type> <object identity>".
func ddlCommands(tb testing.TB, db *gorm.DB) []string {
	tb.Helper()
	var cmds []string
	require.NoError(tb, db.Raw(`SELECT command_tag || ' ' || coalesce(object_type, '') || ' ' || coalesce(object_identity, '')
		FROM ddl_audit.log ORDER BY n`).Scan(&cmds).Error)
	return cmds
}

// createTableCounts counts the CREATE TABLE commands recorded per table.
func createTableCounts(tb testing.TB, db *gorm.DB) map[string]int {
	tb.Helper()
	var rows []struct {
		Table string
		N     int
	}
	require.NoError(tb, db.Raw(`SELECT object_identity AS "table", count(*) AS n FROM ddl_audit.log
		WHERE command_tag = 'CREATE TABLE' AND object_type = 'table' GROUP BY 1`).Scan(&rows).Error)
	counts := map[string]int{}
	for _, r := range rows {
		counts[r.Table] = r.N
	}
	return counts
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

// catalogDump describes every object of the current schema, one line each,
// sorted: relations, columns (information_schema), constraints with
// pg_get_constraintdef, indexes with pg_get_indexdef (pg_indexes), and
// sequences with their type, parameters and owning column.
func catalogDump(tb testing.TB, db *gorm.DB) []string {
	tb.Helper()
	var lines []string
	require.NoError(tb, db.Raw(`
WITH ns AS (SELECT oid FROM pg_namespace WHERE nspname = current_schema())
SELECT 'relation ' || c.relname || ' kind ' || c.relkind::text
FROM pg_class c WHERE c.relnamespace = (SELECT oid FROM ns)
UNION ALL
SELECT format('column %s.%s #%s %s len %s %s default %s identity %s generated %s',
  table_name, column_name, ordinal_position, data_type, coalesce(character_maximum_length::text, '-'),
  CASE is_nullable WHEN 'YES' THEN 'NULL' ELSE 'NOT NULL' END, coalesce(column_default, '-'),
  is_identity, is_generated)
FROM information_schema.columns WHERE table_schema = current_schema()
UNION ALL
SELECT format('constraint %s %s %s %s', rel.relname, con.conname, con.contype, pg_get_constraintdef(con.oid))
FROM pg_constraint con JOIN pg_class rel ON rel.oid = con.conrelid
WHERE con.connamespace = (SELECT oid FROM ns)
UNION ALL
SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = current_schema()
UNION ALL
SELECT format('sequence %s %s start %s min %s max %s increment %s cycle %s cache %s owned by %s',
  s.sequencename, s.data_type, s.start_value, s.min_value, s.max_value, s.increment_by, s.cycle, s.cache_size,
  (SELECT coalesce(string_agg(tc.relname || '.' || a.attname, ','), 'nothing')
   FROM pg_depend d
   JOIN pg_class tc ON tc.oid = d.refobjid
   JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
   WHERE d.classid = 'pg_class'::regclass AND d.objid = format('%I.%I', s.schemaname, s.sequencename)::regclass
     AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'a'))
FROM pg_sequences s WHERE s.schemaname = current_schema()
ORDER BY 1`).Scan(&lines).Error)
	return lines
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
