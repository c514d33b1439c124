package gormauth

import (
	"github.com/gormauth/gormauth/internal/schema"
)

// DifferenceKind says how a table in the database differs from the expected
// schema (NextAuth.js's, or an Auth.js adapter's), and so
// what AutoMigrate does about it: it creates what is missing (MissingTable,
// MissingIndex, MissingForeignKey), tolerates what is extra but harmless
// (ExtraColumn, ExtraIndex, ExtraConstraint) and a key that a variant of the
// documented schema lacks (MissingOptionalIndex), and refuses everything
// else (DifferenceKind.Incompatible).
type DifferenceKind = schema.DifferenceKind

// The kinds of Difference.
const (
	// MissingTable: the table does not exist. AutoMigrate creates it.
	MissingTable = schema.MissingTable
	// MissingIndex: a primary key, unique constraint or index is missing on
	// an existing table, and nothing else holds its name. AutoMigrate
	// creates it.
	MissingIndex = schema.MissingIndex
	// MissingColumn: an existing table lacks a column. Incompatible.
	MissingColumn = schema.MissingColumn
	// ColumnType: a column has another type. Incompatible.
	ColumnType = schema.ColumnType
	// ColumnNullability: a column is NULL where NOT NULL is expected, or the
	// other way round. Incompatible.
	ColumnNullability = schema.ColumnNullability
	// ColumnDefault: a column has another default, or none, or is an
	// identity or generated column. Incompatible.
	ColumnDefault = schema.ColumnDefault
	// IndexDefinition: an index or constraint with the expected name exists
	// but differs (columns, uniqueness, method, predicate, constraint or
	// plain index, referenced table or actions), or the table's primary key
	// is on other columns. Incompatible.
	IndexDefinition = schema.IndexDefinition
	// IndexRenamed: the expected primary key, unique constraint or index, or
	// foreign key, exists under another name, such as GORM's
	// "uni_users_email" or "users_pkey". The schema is then not the expected
	// one exactly, and GORM's AutoMigrate has failed on, or dropped,
	// constraints named otherwise than it expects. Incompatible.
	IndexRenamed = schema.IndexRenamed
	// NameTaken: a name the schema needs (table, sequence of a serial
	// column, index or constraint) is held by another relation, such as a
	// view called users or an index "userId" on another table. Incompatible.
	NameTaken = schema.NameTaken
	// ExtraRequiredColumn: an existing table has a column that is not in the
	// schema and is NOT NULL without a default, so inserts that leave it out
	// fail. Incompatible.
	ExtraRequiredColumn = schema.ExtraRequiredColumn
	// ExtraColumn: an existing table has a column that is not in the schema
	// but is nullable or has a default. Tolerated.
	ExtraColumn = schema.ExtraColumn
	// ExtraIndex: an existing table has an index or unique/exclusion
	// constraint that is not in the schema. Tolerated.
	ExtraIndex = schema.ExtraIndex
	// ExtraConstraint: an existing table has a check or foreign-key
	// constraint that is not in the schema. Tolerated.
	ExtraConstraint = schema.ExtraConstraint
	// MissingForeignKey: an existing table lacks a foreign key of the
	// schema (the Auth.js Prisma and Drizzle schemas have them). AutoMigrate
	// creates it.
	MissingForeignKey = schema.MissingForeignKey
	// MissingOptionalIndex: an existing table lacks a key that a variant of
	// the documented schema lacks too: the primary keys of account and
	// verificationToken in the Auth.js Drizzle docs' schema. A warning:
	// tolerated, and not created.
	MissingOptionalIndex = schema.MissingOptionalIndex
)

// Difference is one way in which the database differs from the expected
// schema: Kind, Table, Column (for an index or constraint on one column,
// that column), Index (the name of the index or constraint concerned: the
// expected one, or the one found for the extra kinds), Found (what the
// database holds; "" when something is missing) and Expected (what the
// schema holds; "" when something is extra). String prints it in one line,
// such as
//
//	users.email: column type differs: found integer, expected character varying
type Difference = schema.Difference

// SchemaError is returned by AutoMigrate when an existing table is
// incompatible with the expected schema; AutoMigrate then changes nothing
// at all, not even the tables that could be created. Schema is the
// PostgreSQL schema that was checked (current_schema()); Differences are the
// incompatible differences (at least one; use CheckSchema for all of them).
// Match it with errors.As:
//
//	var se *gormauth.SchemaError
//	if errors.As(err, &se) { for _, d := range se.Differences { … } }
type SchemaError = schema.Error
