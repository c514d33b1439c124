package schema

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"
	"gorm.io/plugin/dbresolver"
)

// catalog is what the database holds for the tables of a Schema, as read by
// one query (catalogQuery) in one round trip.
type catalog struct {
	// Schema is current_schema(): where the tables are looked for and
	// created.
	Schema *string `json:"schema"`
	// Relations are the relations of Schema whose names the expected schema
	// uses (tables, sequences, indexes), whatever they belong to.
	Relations []catalogRelation `json:"relations"`
	// Columns are the columns of the expected tables that exist as tables.
	Columns []catalogColumn `json:"columns"`
	// Indexes are the indexes of those tables, with the constraint each
	// backs.
	Indexes []catalogIndex `json:"indexes"`
	// Constraints are their constraints that have no index of their own
	// (check and foreign key constraints).
	Constraints []catalogConstraint `json:"constraints"`
}

// catalogRelation is one row of pg_class.
type catalogRelation struct {
	Name string `json:"name"`
	// Kind is pg_class.relkind: r table, p partitioned table, i index,
	// S sequence, v view, m materialized view, f foreign table, …
	Kind string `json:"kind"`
	// Table is, for an index, the table it belongs to.
	Table *string `json:"table"`
}

// catalogColumn is one live column.
type catalogColumn struct {
	Table     string  `json:"table"`
	Name      string  `json:"name"`
	Type      string  `json:"type"` // format_type(): "character varying", "integer", …
	NotNull   bool    `json:"notnull"`
	Default   *string `json:"default"`   // pg_get_expr of the default, or of the generation expression
	Identity  string  `json:"identity"`  // pg_attribute.attidentity: "", "a" always, "d" by default
	Generated string  `json:"generated"` // pg_attribute.attgenerated: "" or "s" stored
}

// catalogIndex is one live index.
type catalogIndex struct {
	Table   string `json:"table"`
	Name    string `json:"name"`
	Unique  bool   `json:"unique"`
	Primary bool   `json:"primary"`
	// Constraint is the type of the constraint the index backs: "p", "u",
	// "x", or "" for a plain index.
	Constraint    string  `json:"constraint"`
	ConstraintDef *string `json:"condef"` // pg_get_constraintdef, if a constraint
	IndexDef      string  `json:"indexdef"`
}

// catalogConstraint is one live check or foreign-key constraint.
type catalogConstraint struct {
	Table      string `json:"table"`
	Name       string `json:"name"`
	Type       string `json:"type"`
	Definition string `json:"def"`
}

// catalogQuery returns the SQL that reads the catalog for the tables of
// s: one statement, one row, one JSON value. It reads pg_catalog only
// (information_schema's views are much slower) and only the current schema.
func catalogQuery(s Schema) string {
	var tables, names []string
	for _, t := range s.Tables {
		tables = append(tables, quoteLiteral(t.Name))
		for _, name := range t.names() {
			names = append(names, quoteLiteral(name))
		}
	}
	r := strings.NewReplacer(
		"$tables", strings.Join(tables, ", "),
		"$names", strings.Join(names, ", "),
	)
	return r.Replace(`WITH rel AS (
  SELECT c.oid, c.relname, c.relkind::text AS relkind
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = pg_catalog.current_schema() AND c.relname IN ($names)
), tbl AS (
  SELECT oid, relname FROM rel WHERE relkind IN ('r', 'p') AND relname IN ($tables)
)
SELECT pg_catalog.json_build_object(
  'schema', pg_catalog.current_schema(),
  'relations', (
    SELECT pg_catalog.json_agg(pg_catalog.json_build_object(
      'name', r.relname, 'kind', r.relkind, 'table', it.relname))
    FROM rel r
    LEFT JOIN pg_catalog.pg_index i ON i.indexrelid = r.oid
    LEFT JOIN pg_catalog.pg_class it ON it.oid = i.indrelid),
  'columns', (
    SELECT pg_catalog.json_agg(pg_catalog.json_build_object(
      'table', t.relname, 'name', a.attname,
      'type', pg_catalog.format_type(a.atttypid, a.atttypmod),
      'notnull', a.attnotnull,
      'default', pg_catalog.pg_get_expr(d.adbin, d.adrelid),
      'identity', a.attidentity::text, 'generated', a.attgenerated::text)
      ORDER BY t.relname, a.attnum)
    FROM tbl t
    JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum),
  'indexes', (
    SELECT pg_catalog.json_agg(pg_catalog.json_build_object(
      'table', t.relname, 'name', ic.relname,
      'unique', i.indisunique, 'primary', i.indisprimary,
      'constraint', coalesce(con.contype::text, ''),
      'condef', pg_catalog.pg_get_constraintdef(con.oid),
      'indexdef', pg_catalog.pg_get_indexdef(i.indexrelid))
      ORDER BY t.relname, ic.relname)
    FROM tbl t
    JOIN pg_catalog.pg_index i ON i.indrelid = t.oid
    JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
    LEFT JOIN pg_catalog.pg_constraint con
      ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x')),
  'constraints', (
    SELECT pg_catalog.json_agg(pg_catalog.json_build_object(
      'table', t.relname, 'name', con.conname, 'type', con.contype::text,
      'def', pg_catalog.pg_get_constraintdef(con.oid))
      ORDER BY t.relname, con.conname)
    FROM tbl t
    JOIN pg_catalog.pg_constraint con ON con.conrelid = t.oid AND con.contype IN ('c', 'f'))
)::text`)
}

// readCatalog runs catalogQuery on db (one statement).
func readCatalog(ctx context.Context, db *gorm.DB, s Schema) (*catalog, error) {
	var raw string
	// On the primary, when a resolver sends reads to replicas: a replica
	// may not have the latest DDL yet.
	row := db.WithContext(ctx).Clauses(dbresolver.Write).Raw(catalogQuery(s)).Row()
	if err := row.Scan(&raw); err != nil {
		return nil, fmt.Errorf("gormauth: reading the catalog: %w", err)
	}
	var c catalog
	if err := json.Unmarshal([]byte(raw), &c); err != nil {
		return nil, fmt.Errorf("gormauth: reading the catalog: decoding its answer: %w", err)
	}
	if c.Schema == nil {
		return nil, errors.New("gormauth: reading the catalog: no current schema " +
			"(search_path names no existing schema), so there is nowhere to find or create the tables")
	}
	return &c, nil
}
