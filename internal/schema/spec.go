// Package schema compares a PostgreSQL schema with the one an application
// expects, and creates what is missing: the machinery behind
// gormauth.AutoMigrate and gormauth.CheckSchema, for every flavour's
// tables.
//
// A Schema describes the expected tables: columns with their types as
// format_type() shows them, nullability and defaults; primary keys, unique
// constraints, unique and plain indexes, and foreign keys, each under its
// exact name. Check reads the catalog in one query and lists every
// Difference; Migrate creates what is missing under an advisory lock and
// never drops or alters anything that exists.
package schema

import (
	"strings"
)

// Schema is what an application expects of its tables in the current schema.
type Schema struct {
	// Name names the schema in messages: "NextAuth.js's schema", say.
	Name string
	// Tables are the expected tables, in the order to create them (a table
	// before those whose foreign keys reference it).
	Tables []Table
}

// Table is one expected table.
type Table struct {
	Name string
	// Columns in ordinal order (the order is not compared).
	Columns []Column
	// Indexes: primary key, unique constraints and indexes, plain indexes.
	Indexes []Index
	// ForeignKeys of the table.
	ForeignKeys []ForeignKey
}

// Column is one expected column.
type Column struct {
	Name string
	// Type as format_type() shows it: "integer", "character varying(255)",
	// "timestamp(3) without time zone", ….
	Type     string
	Nullable bool
	// Default as pg_get_expr() shows it, or "" for none. A Serial column's
	// default is set for it.
	Default string
	// Serial: an integer column whose default is the next value of a
	// sequence <table>_<column>_seq owned by it (created as serial).
	Serial bool
}

// IndexKind is what an expected index is.
type IndexKind int

// The kinds of Index.
const (
	// Plain is an index created by CREATE INDEX.
	Plain IndexKind = iota
	// UniqueIndex is a unique index created by CREATE UNIQUE INDEX, with no
	// constraint (as Prisma makes them).
	UniqueIndex
	// Unique is a UNIQUE constraint (and the index behind it).
	Unique
	// PrimaryKey is a PRIMARY KEY constraint (and the index behind it).
	PrimaryKey
)

// Index is one expected index or index-backed constraint.
type Index struct {
	Name    string
	Columns []string
	Kind    IndexKind
	// Optional marks a key that a variant of the documented schema in use
	// lacks (the Auth.js Drizzle docs' tables have no primary key on account
	// and verificationToken): missing, it is reported as a warning
	// (MissingOptionalIndex) and not created on an existing table.
	Optional bool
}

// ForeignKey is one expected foreign-key constraint.
type ForeignKey struct {
	Name       string
	Columns    []string
	References string   // the referenced table, in the same schema
	RefColumns []string // its columns
	// OnDelete and OnUpdate are the referential actions ("CASCADE", …);
	// "" is NO ACTION.
	OnDelete, OnUpdate string
}

// sequence returns the name of the sequence behind a serial column.
func (t Table) sequence(c Column) string { return t.Name + "_" + c.Name + "_seq" }

// columnDefault is c's default as pg_get_expr shows it.
func (t Table) columnDefault(c Column) string {
	if c.Serial {
		return "nextval(" + quoteLiteral(t.sequence(c)) + "::regclass)"
	}
	return c.Default
}

// column returns t's column called name, if any.
func (t Table) column(name string) (Column, bool) {
	for _, c := range t.Columns {
		if c.Name == name {
			return c, true
		}
	}
	return Column{}, false
}

// names returns every name of a relation t needs: the table, its
// sequences and its indexes.
func (t Table) names() []string {
	names := []string{t.Name}
	for _, c := range t.Columns {
		if c.Serial {
			names = append(names, t.sequence(c))
		}
	}
	for _, ix := range t.Indexes {
		names = append(names, ix.Name)
	}
	return names
}

// constraintDef is how pg_get_constraintdef shows the constraint behind
// ix, or "" when ix is an index alone.
func (ix Index) constraintDef() string {
	switch ix.Kind {
	case PrimaryKey:
		return "PRIMARY KEY (" + identList(ix.Columns) + ")"
	case Unique:
		return "UNIQUE (" + identList(ix.Columns) + ")"
	}
	return ""
}

// isConstraint reports whether ix is a constraint (primary key or unique).
func (ix Index) isConstraint() bool { return ix.Kind == PrimaryKey || ix.Kind == Unique }

// methodDef is how pg_get_indexdef shows ix after " USING ".
func (ix Index) methodDef() string {
	return "btree (" + identList(ix.Columns) + ")"
}

// describe returns ix as DDL-like text, for messages.
func (ix Index) describe() string {
	switch ix.Kind {
	case Plain:
		return "INDEX " + quoteIdent(ix.Name) + " (" + identList(ix.Columns) + ")"
	case UniqueIndex:
		return "UNIQUE INDEX " + quoteIdent(ix.Name) + " (" + identList(ix.Columns) + ")"
	}
	return "CONSTRAINT " + quoteIdent(ix.Name) + " " + ix.constraintDef()
}

// constraintDef is how pg_get_constraintdef shows fk.
func (fk ForeignKey) constraintDef() string {
	s := "FOREIGN KEY (" + identList(fk.Columns) + ") REFERENCES " + shownIdent(fk.References) + "(" + identList(fk.RefColumns) + ")"
	if fk.OnUpdate != "" {
		s += " ON UPDATE " + fk.OnUpdate
	}
	if fk.OnDelete != "" {
		s += " ON DELETE " + fk.OnDelete
	}
	return s
}

// describe returns fk as DDL-like text, for messages.
func (fk ForeignKey) describe() string {
	return "CONSTRAINT " + quoteIdent(fk.Name) + " " + fk.constraintDef()
}

// describe returns c as a column definition, for messages.
func (t Table) describeColumn(c Column) string {
	s := c.Type
	if c.Nullable {
		s += " NULL"
	} else {
		s += " NOT NULL"
	}
	if def := t.columnDefault(c); def != "" {
		s += " DEFAULT " + def
	}
	return s
}

// quoteIdent always double-quotes an identifier, as DDL we write does.
func quoteIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// QuoteIdent is quoteIdent, for the callers that write SQL for a schema.
func QuoteIdent(s string) string { return quoteIdent(s) }

// quoteLiteral quotes s as an SQL string literal.
func quoteLiteral(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// keywords are the SQL key words that PostgreSQL quotes when it shows an
// identifier (those not "unreserved"), among the words a table or column
// name is likely to be.
var keywords = map[string]bool{
	"all": true, "analyse": true, "analyze": true, "and": true, "any": true, "array": true, "as": true,
	"asc": true, "between": true, "bigint": true, "bit": true, "boolean": true, "both": true, "case": true,
	"cast": true, "char": true, "character": true, "check": true, "coalesce": true, "collate": true,
	"column": true, "constraint": true, "create": true, "cross": true, "current_date": true,
	"current_role": true, "current_time": true, "current_timestamp": true, "current_user": true,
	"dec": true, "decimal": true, "default": true, "desc": true, "distinct": true, "do": true,
	"else": true, "end": true, "except": true, "exists": true, "false": true, "fetch": true,
	"float": true, "for": true, "foreign": true, "from": true, "grant": true, "group": true,
	"having": true, "in": true, "inner": true, "int": true, "integer": true, "intersect": true,
	"interval": true, "into": true, "is": true, "join": true, "left": true, "like": true, "limit": true,
	"localtime": true, "localtimestamp": true, "natural": true, "not": true, "null": true,
	"numeric": true, "offset": true, "on": true, "only": true, "or": true, "order": true, "outer": true,
	"primary": true, "real": true, "references": true, "right": true, "row": true, "select": true,
	"session_user": true, "smallint": true, "some": true, "table": true, "then": true, "time": true,
	"timestamp": true, "to": true, "true": true, "union": true, "unique": true, "user": true,
	"using": true, "values": true, "varchar": true, "when": true, "where": true, "window": true,
	"with": true,
}

// shownIdent quotes an identifier the way PostgreSQL's ruleutils show it:
// only when it is not a plain lower-case name, or is a key word.
func shownIdent(s string) string {
	if s == "" || keywords[s] {
		return quoteIdent(s)
	}
	for i, r := range s {
		if !(r >= 'a' && r <= 'z' || r == '_' || i > 0 && (r >= '0' && r <= '9' || r == '$')) {
			return quoteIdent(s)
		}
	}
	return s
}

// identList joins column names as PostgreSQL shows them in definitions.
func identList(cols []string) string {
	shown := make([]string, len(cols))
	for i, c := range cols {
		shown[i] = shownIdent(c)
	}
	return strings.Join(shown, ", ")
}

// quotedList joins column names as DDL we write does.
func quotedList(cols []string) string {
	q := make([]string, len(cols))
	for i, c := range cols {
		q[i] = quoteIdent(c)
	}
	return strings.Join(q, ", ")
}
