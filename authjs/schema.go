package authjs

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/plugin/dbresolver"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/internal/schema"
)

// AutoMigrate makes sure the tables of flavour f exist in db's current
// schema exactly as its documented schema has them (the DDL Prisma's engine,
// drizzle-kit or the pg adapter's schema.sql gives), and issues no DDL at
// all on a database those tools created. It creates what is missing (whole
// tables, missing indexes and foreign keys) under an advisory lock, so that
// replicas may start together, and never drops or alters anything that
// exists: an incompatible table gets a *gormauth.SchemaError and nothing is
// changed. It costs one catalog query when the tables are there.
//
// Where Prisma or drizzle-kit owns the schema (the application's own
// migrations create the tables), let them create it and call CheckSchema
// from Go instead: AutoMigrate creates the same schema, but two tools that
// create tables invite a migration history that disagrees with the
// database.
func AutoMigrate(ctx context.Context, db *gorm.DB, f *Flavour) error {
	if f == nil {
		return errors.New("gormauth: authjs.AutoMigrate: nil flavour")
	}
	return schema.Migrate(ctx, db, f.expected())
}

// CheckSchema compares the tables of flavour f in db's current schema with
// its documented schema and returns every difference, read-only (one
// catalog query). A primary key that the Drizzle docs' schema lacks is a
// gormauth.MissingOptionalIndex: a warning, not an incompatibility. The
// error is non-nil only when the catalog cannot be read.
func CheckSchema(ctx context.Context, db *gorm.DB, f *Flavour) ([]gormauth.Difference, error) {
	if f == nil {
		return nil, errors.New("gormauth: authjs.CheckSchema: nil flavour")
	}
	return schema.Check(ctx, db, f.expected())
}

// ErrNoTables is returned by Detect when the current schema holds none of
// the tables it looks for.
var ErrNoTables = errors.New("gormauth: no Auth.js or NextAuth.js tables in the current schema")

// ErrBeta73 is returned by Detect for a database of NextAuth.js
// 2.0.0-beta.73 (its table verification_requests): use package repository.
var ErrBeta73 = errors.New("gormauth: the tables are NextAuth.js 2.0.0-beta.73's: use package repository")

// Detect tells the flavour of the tables in db's current schema from their
// names, in one query: users with verification_token is Pg; "user" with
// "verificationToken" is Drizzle, or DrizzleDocs when account has no
// primary key; "User" with "VerificationToken" is Prisma, or PrismaV4 when
// "Session" has an id column. It returns ErrBeta73 for NextAuth.js
// 2.0.0-beta.73's tables and ErrNoTables when none is there. It only
// reads, on the primary.
func Detect(ctx context.Context, db *gorm.DB) (*Flavour, error) {
	var found struct {
		Pg, Prisma, PrismaV4, Drizzle, DrizzlePK, Beta73 bool
	}
	row := db.WithContext(ctx).Clauses(dbresolver.Write).Raw(`WITH rel AS (
		SELECT c.oid, c.relname FROM pg_catalog.pg_class c
		WHERE c.relnamespace = pg_catalog.to_regnamespace(pg_catalog.current_schema())::oid
		  AND c.relkind IN ('r', 'p'))
	SELECT
		EXISTS (SELECT 1 FROM rel WHERE relname = 'users') AND EXISTS (SELECT 1 FROM rel WHERE relname = 'verification_token'),
		EXISTS (SELECT 1 FROM rel WHERE relname = 'User') AND EXISTS (SELECT 1 FROM rel WHERE relname = 'VerificationToken'),
		EXISTS (SELECT 1 FROM rel r JOIN pg_catalog.pg_attribute a ON a.attrelid = r.oid
			WHERE r.relname = 'Session' AND a.attname = 'id' AND a.attnum > 0 AND NOT a.attisdropped),
		EXISTS (SELECT 1 FROM rel WHERE relname = 'user') AND EXISTS (SELECT 1 FROM rel WHERE relname = 'verificationToken'),
		EXISTS (SELECT 1 FROM rel r JOIN pg_catalog.pg_constraint con ON con.conrelid = r.oid
			WHERE r.relname = 'account' AND con.contype = 'p'),
		EXISTS (SELECT 1 FROM rel WHERE relname = 'verification_requests')`).Row()
	if err := row.Scan(&found.Pg, &found.Prisma, &found.PrismaV4, &found.Drizzle, &found.DrizzlePK, &found.Beta73); err != nil {
		return nil, fmt.Errorf("gormauth: detecting the flavour: %w", err)
	}
	var flavours []*Flavour
	if found.Pg {
		flavours = append(flavours, Pg)
	}
	if found.Prisma {
		if found.PrismaV4 {
			flavours = append(flavours, PrismaV4)
		} else {
			flavours = append(flavours, Prisma)
		}
	}
	if found.Drizzle {
		if found.DrizzlePK {
			flavours = append(flavours, Drizzle)
		} else {
			flavours = append(flavours, DrizzleDocs)
		}
	}
	switch {
	case len(flavours) == 1:
		return flavours[0], nil
	case len(flavours) > 1:
		return nil, fmt.Errorf("gormauth: the current schema holds the tables of several flavours (%s and %s): name the one to use",
			flavours[0].Name(), flavours[1].Name())
	case found.Beta73:
		return nil, ErrBeta73
	}
	return nil, ErrNoTables
}

// expected returns the documented schema of f.
func (f *Flavour) expected() schema.Schema {
	return schema.Schema{Name: "the schema of " + f.about, Tables: f.schema()}
}

// tables is a flavour's tables, in the order to create them.
type tables = []schema.Table

// Column types as format_type() shows them.
const (
	typeText        = "text"
	typeInteger     = "integer"
	typeBigint      = "bigint"
	typeBoolean     = "boolean"
	typeVarchar255  = "character varying(255)"
	typeTimestamptz = "timestamp with time zone"
	typeTimestamp   = "timestamp without time zone"
	typeTimestamp3  = "timestamp(3) without time zone"
)

func col(name, typ string) schema.Column { return schema.Column{Name: name, Type: typ} }
func nullable(name, typ string) schema.Column {
	return schema.Column{Name: name, Type: typ, Nullable: true}
}
func key(name string, cols ...string) schema.Index {
	return schema.Index{Name: name, Columns: cols, Kind: schema.PrimaryKey}
}

func uniqueIndex(name string, cols ...string) schema.Index {
	return schema.Index{Name: name, Columns: cols, Kind: schema.UniqueIndex}
}

func uniqueConstraint(name string, cols ...string) schema.Index {
	return schema.Index{Name: name, Columns: cols, Kind: schema.Unique}
}

// toUser returns the foreign key of table's "userId" on the users table.
func toUser(name, users, onUpdate string) schema.ForeignKey {
	return schema.ForeignKey{Name: name, Columns: []string{"userId"}, References: users, RefColumns: []string{"id"},
		OnDelete: "CASCADE", OnUpdate: onUpdate}
}

// The token columns of an account, in Prisma's and Drizzle's order.
func accountTokenColumns(expiresAt string) []schema.Column {
	return []schema.Column{
		nullable("refresh_token", typeText), nullable("access_token", typeText), nullable("expires_at", expiresAt),
		nullable("token_type", typeText), nullable("scope", typeText), nullable("id_token", typeText),
		nullable("session_state", typeText),
	}
}

// authenticatorColumns are the WebAuthn table's columns in Prisma and
// Drizzle; the repository does not use it.
func authenticatorColumns() []schema.Column {
	return []schema.Column{
		col("credentialID", typeText), col("userId", typeText), col("providerAccountId", typeText),
		col("credentialPublicKey", typeText), col("counter", typeInteger), col("credentialDeviceType", typeText),
		col("credentialBackedUp", typeBoolean), nullable("transports", typeText),
	}
}

// prismaTables is Auth.js v5's Prisma schema (testdata/authjs/prisma-schema.sql).
func prismaTables() tables {
	clock := []schema.Column{
		{Name: "createdAt", Type: typeTimestamp3, Default: "CURRENT_TIMESTAMP"},
		col("updatedAt", typeTimestamp3),
	}
	return tables{
		{Name: "User",
			Columns: append([]schema.Column{col("id", typeText), nullable("name", typeText), col("email", typeText),
				nullable("emailVerified", typeTimestamp3), nullable("image", typeText)}, clock...),
			Indexes: []schema.Index{key("User_pkey", "id"), uniqueIndex("User_email_key", "email")}},
		{Name: "Account",
			Columns: append(append([]schema.Column{col("userId", typeText), col("type", typeText), col("provider", typeText),
				col("providerAccountId", typeText)}, accountTokenColumns(typeInteger)...), clock...),
			Indexes:     []schema.Index{key("Account_pkey", "provider", "providerAccountId")},
			ForeignKeys: []schema.ForeignKey{toUser("Account_userId_fkey", "User", "CASCADE")}},
		{Name: "Session",
			Columns: append([]schema.Column{col("sessionToken", typeText), col("userId", typeText),
				col("expires", typeTimestamp3)}, clock...),
			Indexes:     []schema.Index{uniqueIndex("Session_sessionToken_key", "sessionToken")},
			ForeignKeys: []schema.ForeignKey{toUser("Session_userId_fkey", "User", "CASCADE")}},
		{Name: "VerificationToken",
			Columns: []schema.Column{col("identifier", typeText), col("token", typeText), col("expires", typeTimestamp3)},
			Indexes: []schema.Index{key("VerificationToken_pkey", "identifier", "token")}},
		{Name: "Authenticator",
			Columns: authenticatorColumns(),
			Indexes: []schema.Index{key("Authenticator_pkey", "userId", "credentialID"),
				uniqueIndex("Authenticator_credentialID_key", "credentialID")},
			ForeignKeys: []schema.ForeignKey{toUser("Authenticator_userId_fkey", "User", "CASCADE")}},
	}
}

// prismaV4Tables is NextAuth.js v4's Prisma schema
// (testdata/authjs-v4/prisma-v4-schema.sql).
func prismaV4Tables() tables {
	return tables{
		{Name: "User",
			Columns: []schema.Column{col("id", typeText), nullable("name", typeText), nullable("email", typeText),
				nullable("emailVerified", typeTimestamp3), nullable("image", typeText)},
			Indexes: []schema.Index{key("User_pkey", "id"), uniqueIndex("User_email_key", "email")}},
		{Name: "Account",
			Columns: append([]schema.Column{col("id", typeText), col("userId", typeText), col("type", typeText),
				col("provider", typeText), col("providerAccountId", typeText)}, accountTokenColumns(typeInteger)...),
			Indexes: []schema.Index{key("Account_pkey", "id"),
				uniqueIndex("Account_provider_providerAccountId_key", "provider", "providerAccountId")},
			ForeignKeys: []schema.ForeignKey{toUser("Account_userId_fkey", "User", "CASCADE")}},
		{Name: "Session",
			Columns: []schema.Column{col("id", typeText), col("sessionToken", typeText), col("userId", typeText),
				col("expires", typeTimestamp3)},
			Indexes:     []schema.Index{key("Session_pkey", "id"), uniqueIndex("Session_sessionToken_key", "sessionToken")},
			ForeignKeys: []schema.ForeignKey{toUser("Session_userId_fkey", "User", "CASCADE")}},
		{Name: "VerificationToken",
			Columns: []schema.Column{col("identifier", typeText), col("token", typeText), col("expires", typeTimestamp3)},
			Indexes: []schema.Index{uniqueIndex("VerificationToken_token_key", "token"),
				uniqueIndex("VerificationToken_identifier_token_key", "identifier", "token")}},
	}
}

// drizzleTables is the Drizzle adapter's own tables
// (testdata/authjs/drizzle-builtin-tables.sql); optionalKeys marks the keys
// the docs' schema lacks as optional.
func drizzleTables() tables { return drizzle(true, true) }

// drizzleDocsTables is the Drizzle schema of the Auth.js docs
// (testdata/authjs/drizzle-schema.sql): without those keys.
func drizzleDocsTables() tables { return drizzle(false, false) }

func drizzle(withKeys, optional bool) tables {
	maybe := func(ix schema.Index) []schema.Index {
		if !withKeys {
			return nil
		}
		ix.Optional = optional
		return []schema.Index{ix}
	}
	return tables{
		{Name: "user",
			Columns: []schema.Column{col("id", typeText), nullable("name", typeText), nullable("email", typeText),
				nullable("emailVerified", typeTimestamp), nullable("image", typeText)},
			Indexes: []schema.Index{key("user_pkey", "id"), uniqueConstraint("user_email_unique", "email")}},
		{Name: "account",
			Columns: append([]schema.Column{col("userId", typeText), col("type", typeText), col("provider", typeText),
				col("providerAccountId", typeText)}, accountTokenColumns(typeInteger)...),
			Indexes:     maybe(key("account_provider_providerAccountId_pk", "provider", "providerAccountId")),
			ForeignKeys: []schema.ForeignKey{toUser("account_userId_user_id_fk", "user", "")}},
		{Name: "session",
			Columns:     []schema.Column{col("sessionToken", typeText), col("userId", typeText), col("expires", typeTimestamp)},
			Indexes:     []schema.Index{key("session_pkey", "sessionToken")},
			ForeignKeys: []schema.ForeignKey{toUser("session_userId_user_id_fk", "user", "")}},
		{Name: "verificationToken",
			Columns: []schema.Column{col("identifier", typeText), col("token", typeText), col("expires", typeTimestamp)},
			Indexes: maybe(key("verificationToken_identifier_token_pk", "identifier", "token"))},
		{Name: "authenticator",
			Columns: authenticatorColumns(),
			Indexes: append(maybe(key("authenticator_userId_credentialID_pk", "userId", "credentialID")),
				uniqueConstraint("authenticator_credentialID_unique", "credentialID")),
			ForeignKeys: []schema.ForeignKey{toUser("authenticator_userId_user_id_fk", "user", "")}},
	}
}

// pgTables is the pg adapter's schema.sql (testdata/authjs/pg-schema.sql).
func pgTables() tables {
	id := schema.Column{Name: "id", Type: typeInteger, Serial: true}
	return tables{
		{Name: "verification_token",
			Columns: []schema.Column{col("identifier", typeText), col("expires", typeTimestamptz), col("token", typeText)},
			Indexes: []schema.Index{key("verification_token_pkey", "identifier", "token")}},
		{Name: "accounts",
			Columns: []schema.Column{id, col("userId", typeInteger), col("type", typeVarchar255), col("provider", typeVarchar255),
				col("providerAccountId", typeVarchar255), nullable("refresh_token", typeText), nullable("access_token", typeText),
				nullable("expires_at", typeBigint), nullable("id_token", typeText), nullable("scope", typeText),
				nullable("session_state", typeText), nullable("token_type", typeText)},
			Indexes: []schema.Index{key("accounts_pkey", "id")}},
		{Name: "sessions",
			Columns: []schema.Column{id, col("userId", typeInteger), col("expires", typeTimestamptz), col("sessionToken", typeVarchar255)},
			Indexes: []schema.Index{key("sessions_pkey", "id")}},
		{Name: "users",
			Columns: []schema.Column{id, nullable("name", typeVarchar255), nullable("email", typeVarchar255),
				nullable("emailVerified", typeTimestamptz), nullable("image", typeText)},
			Indexes: []schema.Index{key("users_pkey", "id")}},
	}
}
