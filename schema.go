package gormauth

import (
	"github.com/gormauth/gormauth/internal/schema"
	"github.com/gormauth/gormauth/models"
)

// The expected schema: the four tables exactly as NextAuth.js 2.0.0-beta.73's
// TypeORM adapter creates them on PostgreSQL (testdata/nextauth-schema.json).
// It is built by a function rather than held in a package variable, so that
// no caller can change it.

// Column types as format_type() spells them for these columns.
const (
	typeInteger   = "integer"
	typeVarchar   = "character varying"
	typeText      = "text"
	typeTimestamp = "timestamp without time zone"
)

// defaultNow is the default of every created and updated column.
const defaultNow = "now()"

// expectedSchema returns the four tables in the order NextAuth.js's schema
// lists them (users, accounts, sessions, verification_requests).
func expectedSchema() schema.Schema {
	return schema.Schema{Name: "NextAuth.js's schema", Tables: []schema.Table{
		newSpecTable(models.UsersTable,
			[]schema.Column{
				{Name: "name", Type: typeVarchar, Nullable: true},
				{Name: "email", Type: typeVarchar, Nullable: true},
				{Name: "email_verified", Type: typeTimestamp, Nullable: true},
				{Name: "image", Type: typeVarchar, Nullable: true},
			},
			[]string{"email"}, nil),
		newSpecTable(models.AccountsTable,
			[]schema.Column{
				{Name: "compound_id", Type: typeVarchar},
				{Name: "user_id", Type: typeInteger},
				{Name: "provider_type", Type: typeVarchar},
				{Name: "provider_id", Type: typeVarchar},
				{Name: "provider_account_id", Type: typeVarchar},
				{Name: "refresh_token", Type: typeText, Nullable: true},
				{Name: "access_token", Type: typeText, Nullable: true},
				{Name: "access_token_expires", Type: typeTimestamp, Nullable: true},
			},
			[]string{"compound_id"},
			[]schema.Index{
				{Name: "providerAccountId", Columns: []string{"provider_account_id"}},
				{Name: "providerId", Columns: []string{"provider_id"}},
				{Name: "userId", Columns: []string{"user_id"}},
			}),
		newSpecTable(models.SessionsTable,
			[]schema.Column{
				{Name: "user_id", Type: typeInteger},
				{Name: "expires", Type: typeTimestamp},
				{Name: "session_token", Type: typeVarchar},
				{Name: "access_token", Type: typeVarchar},
			},
			[]string{"access_token", "session_token"}, nil),
		newSpecTable(models.VerificationRequestsTable,
			[]schema.Column{
				{Name: "identifer", Type: typeVarchar},
				{Name: "token", Type: typeVarchar},
				{Name: "expires", Type: typeTimestamp},
			},
			[]string{"token"}, nil),
	}}
}

// newSpecTable returns the table called name with the serial id, then
// middle, then created and updated; a primary key on id, a unique constraint
// on each column of unique, and the plain indexes. Constraint names are
// TypeORM's. Indexes are listed primary key first, then unique constraints,
// then plain indexes; their order carries no meaning.
func newSpecTable(name string, middle []schema.Column, unique []string, plain []schema.Index) schema.Table {
	t := schema.Table{Name: name}
	t.Columns = append(t.Columns, schema.Column{Name: "id", Type: typeInteger, Serial: true})
	t.Columns = append(t.Columns, middle...)
	t.Columns = append(t.Columns,
		schema.Column{Name: "created", Type: typeTimestamp, Default: defaultNow},
		schema.Column{Name: "updated", Type: typeTimestamp, Default: defaultNow},
	)
	t.Indexes = append(t.Indexes, schema.Index{
		Name: models.ConstraintName("PK", name, "id"), Columns: []string{"id"}, Kind: schema.PrimaryKey,
	})
	for _, col := range unique {
		t.Indexes = append(t.Indexes, schema.Index{
			Name: models.ConstraintName("UQ", name, col), Columns: []string{col}, Kind: schema.Unique,
		})
	}
	t.Indexes = append(t.Indexes, plain...)
	return t
}
