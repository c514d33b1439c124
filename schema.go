package gormauth

import (
	"strings"

	"github.com/gormauth/gormauth/models"
)

// The expected schema: the four tables exactly as NextAuth.js 2.0.0-beta.73's
// TypeORM adapter creates them on PostgreSQL (testdata/nextauth-schema.json).
// It is built by a function rather than held in a package variable, so that
// no caller can change it.

// Column types as information_schema.columns.data_type and format_type()
// spell them for these columns.
const (
	typeInteger   = "integer"
	typeVarchar   = "character varying"
	typeText      = "text"
	typeTimestamp = "timestamp without time zone"
)

// defaultNow is the default of every created and updated column.
const defaultNow = "now()"

// specColumn is one expected column.
type specColumn struct {
	Name     string
	Type     string
	Nullable bool
	Default  string // "" when the column has no default
}

// Kinds of expected index.
const (
	indexPlain   = iota // CREATE INDEX
	indexUnique         // CONSTRAINT … UNIQUE
	indexPrimary        // CONSTRAINT … PRIMARY KEY
)

// specIndex is one expected index: a primary key or unique constraint (with
// its backing index of the same name), or a plain index.
type specIndex struct {
	Name    string
	Columns []string
	Kind    int
}

// specTable is one expected table: its columns in ordinal order and its
// indexes.
type specTable struct {
	Name    string
	Columns []specColumn
	Indexes []specIndex
}

// Sequence returns the name of the sequence behind t's serial id column.
func (t specTable) Sequence() string { return t.Name + "_id_seq" }

// column returns t's column called name, if any.
func (t specTable) column(name string) (specColumn, bool) {
	for _, c := range t.Columns {
		if c.Name == name {
			return c, true
		}
	}
	return specColumn{}, false
}

// constraintDef is how pg_get_constraintdef shows the constraint behind ix,
// or "" for a plain index.
func (ix specIndex) constraintDef() string {
	switch ix.Kind {
	case indexPrimary:
		return "PRIMARY KEY (" + identList(ix.Columns) + ")"
	case indexUnique:
		return "UNIQUE (" + identList(ix.Columns) + ")"
	}
	return ""
}

// methodDef is how pg_get_indexdef shows ix after " USING ".
func (ix specIndex) methodDef() string {
	return "btree (" + identList(ix.Columns) + ")"
}

// describe returns ix as DDL-like text, for messages.
func (ix specIndex) describe() string {
	if ix.Kind == indexPlain {
		return "INDEX " + quoteIdent(ix.Name) + " (" + identList(ix.Columns) + ")"
	}
	return "CONSTRAINT " + quoteIdent(ix.Name) + " " + ix.constraintDef()
}

// describe returns c as a column definition, for messages.
func (c specColumn) describe() string {
	s := c.Type
	if c.Nullable {
		s += " NULL"
	} else {
		s += " NOT NULL"
	}
	if c.Default != "" {
		s += " DEFAULT " + c.Default
	}
	return s
}

// expectedSchema returns the four tables in the order NextAuth.js's schema
// lists them (users, accounts, sessions, verification_requests).
func expectedSchema() []specTable {
	return []specTable{
		newSpecTable(models.UsersTable,
			[]specColumn{
				{Name: "name", Type: typeVarchar, Nullable: true},
				{Name: "email", Type: typeVarchar, Nullable: true},
				{Name: "email_verified", Type: typeTimestamp, Nullable: true},
				{Name: "image", Type: typeVarchar, Nullable: true},
			},
			[]string{"email"}, nil),
		newSpecTable(models.AccountsTable,
			[]specColumn{
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
			[]specIndex{
				{Name: "providerAccountId", Columns: []string{"provider_account_id"}},
				{Name: "providerId", Columns: []string{"provider_id"}},
				{Name: "userId", Columns: []string{"user_id"}},
			}),
		newSpecTable(models.SessionsTable,
			[]specColumn{
				{Name: "user_id", Type: typeInteger},
				{Name: "expires", Type: typeTimestamp},
				{Name: "session_token", Type: typeVarchar},
				{Name: "access_token", Type: typeVarchar},
			},
			[]string{"access_token", "session_token"}, nil),
		newSpecTable(models.VerificationRequestsTable,
			[]specColumn{
				{Name: "identifer", Type: typeVarchar},
				{Name: "token", Type: typeVarchar},
				{Name: "expires", Type: typeTimestamp},
			},
			[]string{"token"}, nil),
	}
}

// newSpecTable returns the table called name with the serial id, then
// middle, then created and updated; a primary key on id, a unique constraint
// on each column of unique, and the plain indexes. Constraint names are
// TypeORM's. Indexes are listed primary key first, then unique constraints,
// then plain indexes; their order carries no meaning.
func newSpecTable(name string, middle []specColumn, unique []string, plain []specIndex) specTable {
	t := specTable{Name: name}
	t.Columns = append(t.Columns, specColumn{
		Name: "id", Type: typeInteger,
		Default: "nextval('" + t.Sequence() + "'::regclass)",
	})
	t.Columns = append(t.Columns, middle...)
	t.Columns = append(t.Columns,
		specColumn{Name: "created", Type: typeTimestamp, Default: defaultNow},
		specColumn{Name: "updated", Type: typeTimestamp, Default: defaultNow},
	)
	t.Indexes = append(t.Indexes, specIndex{
		Name: models.ConstraintName("PK", name, "id"), Columns: []string{"id"}, Kind: indexPrimary,
	})
	for _, col := range unique {
		t.Indexes = append(t.Indexes, specIndex{
			Name: models.ConstraintName("UQ", name, col), Columns: []string{col}, Kind: indexUnique,
		})
	}
	t.Indexes = append(t.Indexes, plain...)
	return t
}

// quoteIdent always double-quotes an identifier, as DDL we write does.
func quoteIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// shownIdent quotes an identifier the way PostgreSQL's ruleutils show it:
// only when it is not a plain lower-case name. (Enough for our column names,
// none of which is a keyword.)
func shownIdent(s string) string {
	if s == "" {
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
