package testdb

import (
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"
)

// InstallDDLLog makes db record every DDL command from now on, through event
// triggers writing to ddl_audit.log (a schema of its own, so it does not show
// in the current schema): on ddl_command_end for what is created or altered,
// and on sql_drop for what is dropped, which ddl_command_end reports no
// object for. Needs a superuser.
func InstallDDLLog(tb testing.TB, db *gorm.DB) {
	tb.Helper()
	Exec(tb, db, `
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

// DDLCommands returns what InstallDDLLog recorded, in order, as
// "<command tag> <object type> <object identity>".
func DDLCommands(tb testing.TB, db *gorm.DB) []string {
	tb.Helper()
	var cmds []string
	require.NoError(tb, db.Raw(`SELECT command_tag || ' ' || coalesce(object_type, '') || ' ' || coalesce(object_identity, '')
		FROM ddl_audit.log ORDER BY n`).Scan(&cmds).Error)
	return cmds
}

// CreateTableCounts counts the CREATE TABLE commands recorded per table.
func CreateTableCounts(tb testing.TB, db *gorm.DB) map[string]int {
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

// CatalogDump describes every object of the current schema, one line each,
// sorted: relations, columns (information_schema), constraints with
// pg_get_constraintdef, indexes with pg_get_indexdef (pg_indexes), and
// sequences with their type, parameters and owning column.
func CatalogDump(tb testing.TB, db *gorm.DB) []string {
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
