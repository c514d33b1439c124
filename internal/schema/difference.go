package schema

import (
	"fmt"
	"strings"
)

// DifferenceKind says how a table in the database differs from the expected
// schema, and so what AutoMigrate does about it: it creates what is missing
// (MissingTable, MissingIndex, MissingForeignKey), tolerates what is extra
// but harmless (ExtraColumn, ExtraIndex, ExtraConstraint) and a key that a
// variant of the documented schema lacks (MissingOptionalIndex), and refuses
// everything else.
type DifferenceKind int

// The kinds of Difference.
const (
	// MissingTable: the table does not exist. AutoMigrate creates it.
	MissingTable DifferenceKind = iota + 1
	// MissingIndex: a primary key, unique constraint or plain index is
	// missing on an existing table, and nothing else holds its name.
	// AutoMigrate creates it.
	MissingIndex
	// MissingColumn: an existing table lacks a column. Incompatible.
	MissingColumn
	// ColumnType: a column has another type. Incompatible.
	ColumnType
	// ColumnNullability: a column is NULL where NOT NULL is expected, or the
	// other way round. Incompatible.
	ColumnNullability
	// ColumnDefault: a column has another default, or none, or is an
	// identity or generated column. Incompatible.
	ColumnDefault
	// IndexDefinition: an index or constraint with the expected name exists
	// but differs (columns, uniqueness, method, predicate, constraint or
	// plain index), or the table's primary key is on other columns.
	// Incompatible.
	IndexDefinition
	// IndexRenamed: the expected primary key or unique constraint exists
	// under another name, such as GORM's "uni_users_email" or "users_pkey".
	// The schema is then not NextAuth.js's exactly, and GORM's AutoMigrate
	// has failed on, or dropped, constraints named otherwise than it
	// expects. Incompatible.
	IndexRenamed
	// NameTaken: a name the schema needs (table, sequence <table>_id_seq,
	// index or constraint) is held by another relation, such as a view
	// called users or an index "userId" on another table. Incompatible.
	NameTaken
	// ExtraRequiredColumn: an existing table has a column that is not in the
	// schema and is NOT NULL without a default, so inserts that leave it out
	// fail. Incompatible.
	ExtraRequiredColumn
	// ExtraColumn: an existing table has a column that is not in the schema
	// but is nullable or has a default. Tolerated.
	ExtraColumn
	// ExtraIndex: an existing table has an index or unique/exclusion
	// constraint that is not in the schema. Tolerated.
	ExtraIndex
	// ExtraConstraint: an existing table has a check or foreign-key
	// constraint that is not in the schema. Tolerated.
	ExtraConstraint
	// MissingForeignKey: an existing table lacks a foreign key of the
	// schema. AutoMigrate creates it.
	MissingForeignKey
	// MissingOptionalIndex: an existing table lacks a primary key or unique
	// constraint that a variant of the documented schema lacks too (the
	// Auth.js Drizzle docs' account and verificationToken tables). A
	// warning: tolerated, and not created.
	MissingOptionalIndex
)

// String returns a short description such as "missing column".
func (k DifferenceKind) String() string {
	switch k {
	case MissingTable:
		return "missing table"
	case MissingIndex:
		return "missing index"
	case MissingColumn:
		return "missing column"
	case ColumnType:
		return "column type differs"
	case ColumnNullability:
		return "column nullability differs"
	case ColumnDefault:
		return "column default differs"
	case IndexDefinition:
		return "index differs"
	case IndexRenamed:
		return "constraint under another name"
	case NameTaken:
		return "name taken"
	case ExtraRequiredColumn:
		return "extra NOT NULL column without default"
	case ExtraColumn:
		return "extra column"
	case ExtraIndex:
		return "extra index"
	case ExtraConstraint:
		return "extra constraint"
	case MissingForeignKey:
		return "missing foreign key"
	case MissingOptionalIndex:
		return "missing key (a warning: a variant of the documented schema lacks it too)"
	}
	return fmt.Sprintf("DifferenceKind(%d)", int(k))
}

// Incompatible reports whether AutoMigrate refuses a database with a
// difference of kind k: true for everything except the missing kinds (which
// it creates) and the extra kinds it tolerates.
func (k DifferenceKind) Incompatible() bool {
	switch k {
	case MissingTable, MissingIndex, MissingForeignKey, ExtraColumn, ExtraIndex, ExtraConstraint, MissingOptionalIndex:
		return false
	}
	return true
}

// Difference is one way in which the database differs from the expected
// schema.
type Difference struct {
	// Kind says what differs.
	Kind DifferenceKind
	// Table is the table concerned.
	Table string
	// Column is the column concerned, if any (for an index or constraint on
	// one column, that column).
	Column string
	// Index is the name of the index or constraint concerned, if any: the
	// expected name, or the name found for ExtraIndex and ExtraConstraint.
	Index string
	// Found describes what the database holds; "" when something is missing.
	Found string
	// Expected describes what the schema holds; "" when something is extra.
	Expected string
}

// String returns the difference in one line, such as
//
//	users.email: column type differs: found integer, expected character varying
func (d Difference) String() string {
	var b strings.Builder
	b.WriteString(d.Table)
	if d.Column != "" {
		b.WriteString("." + d.Column)
	}
	if d.Index != "" {
		b.WriteString(" (" + quoteIdent(d.Index) + ")")
	}
	b.WriteString(": " + d.Kind.String())
	b.WriteString(": found " + orNone(d.Found))
	b.WriteString(", expected " + orNone(d.Expected))
	return b.String()
}

// Incompatible reports whether AutoMigrate refuses a database with d (see
// DifferenceKind.Incompatible).
func (d Difference) Incompatible() bool { return d.Kind.Incompatible() }

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// Error is returned by Migrate when an existing table is incompatible with
// the expected schema. Migrate then changes nothing at all, not even the
// tables that could be created. Match it with errors.As:
//
//	var se *gormauth.SchemaError
//	if errors.As(err, &se) { for _, d := range se.Differences { … } }
type Error struct {
	// Schema is the PostgreSQL schema that was checked (current_schema()).
	Schema string
	// Differences are the incompatible differences (at least one); use
	// CheckSchema for all of them.
	Differences []Difference

	name string // Schema.Name of the expected schema
}

// Error lists every incompatible difference.
func (e *Error) Error() string {
	parts := make([]string, len(e.Differences))
	for i, d := range e.Differences {
		parts[i] = d.String()
	}
	name := e.name
	if name == "" {
		name = "the expected schema"
	}
	return fmt.Sprintf("gormauth: tables in schema %q are incompatible with %s, so nothing was changed: %s",
		e.Schema, name, strings.Join(parts, "; "))
}
