package gormauth

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/plugin/dbresolver"

	"github.com/gormauth/gormauth/internal/schema"
)

// AutoMigrate makes sure the tables of flavour f exist in db's current
// schema exactly as its own tool creates them (NextAuth.js 2.0.0-beta.73's
// TypeORM models, Prisma's engine, drizzle-kit, or the pg adapter's
// schema.sql): the same columns, types, nullability and defaults, and the
// same key, constraint and index names, so that the tool finds nothing to
// change in tables AutoMigrate made, and AutoMigrate issues no DDL on
// tables the tool made.
//
// It first reads the catalog in one query. When the tables conform (extra
// nullable or defaulted columns, extra indexes and extra check or
// foreign-key constraints are tolerated), it returns nil after that one
// query: no lock, no transaction, no DDL.
//
// When something is missing, it opens a transaction, takes the advisory
// lock pg_advisory_xact_lock(0x676f726d61757468) so that concurrent callers
// (replicas starting together) create the tables once, reads the catalog
// again, and creates only what is still missing: whole tables, and missing
// keys, indexes and foreign keys of existing tables. Existing data is kept.
// The transaction is READ COMMITTED, so the second read sees what another
// caller committed; when db is already a transaction, a savepoint is used
// instead and the lock is held until that transaction ends.
//
// AutoMigrate never drops or alters anything that exists. When an existing
// table is incompatible (see DifferenceKind.Incompatible: a column missing
// or of another type, nullability or default; a key or constraint under
// another name; a name taken by another relation; an extra NOT NULL column
// without default), it returns a *SchemaError listing each such difference,
// and changes nothing at all, not even the tables that could have been
// created. Other errors come from reading the catalog or from DDL (for
// example a unique constraint that existing rows violate); the transaction
// is then rolled back too. Table names are fixed; db's NamingStrategy,
// table prefix and logger do not change them.
//
// Do not use GORM's db.AutoMigrate on the models instead: it names keys and
// constraints its own way, and what it does to existing ones depends on
// struct tags and GORM version (see the package documentation). Where
// Prisma or drizzle-kit owns the schema (the application's own migrations
// create the tables), let them create it and call CheckSchema from Go: two
// tools that create tables invite a migration history that disagrees with
// the database.
func AutoMigrate(ctx context.Context, db *gorm.DB, f *Flavour) error {
	if f == nil {
		return errors.New("gormauth: AutoMigrate: nil flavour")
	}
	return schema.Migrate(ctx, db, f.expected())
}

// CheckSchema compares the tables of flavour f in db's current schema with
// the schema its tool creates, and returns every difference: a missing
// table, column or index; a column of another type, nullability or
// default; an index or constraint that differs or has another name; a name
// held by another relation; and extra columns, indexes and constraints. A
// missing table is reported once, not column by column; column order is not
// compared. A primary key that the Drizzle docs' schema lacks is a
// MissingOptionalIndex: a warning, not an incompatibility. The differences
// come in schema order: table by table, columns before indexes.
//
// An empty result means the tables conform. CheckSchema only reads: one
// catalog query, no lock, no transaction. It suits health checks and CI;
// AutoMigrate makes the same comparison. The error is non-nil only when the
// catalog cannot be read.
func CheckSchema(ctx context.Context, db *gorm.DB, f *Flavour) ([]Difference, error) {
	if f == nil {
		return nil, errors.New("gormauth: CheckSchema: nil flavour")
	}
	return schema.Check(ctx, db, f.expected())
}

// ErrNoTables is returned by Detect when the current schema holds none of
// the tables it looks for.
var ErrNoTables = errors.New("gormauth: no Auth.js or NextAuth.js tables in the current schema")

// Detect tells the flavour of the tables in db's current schema from their
// names, in one query: users with verification_token is Pg; "user" with
// "verificationToken" is Drizzle, or DrizzleDocs when account has no
// primary key; "User" with "VerificationToken" is Prisma, or PrismaV4 when
// "Session" has an id column; users with verification_requests is Beta73.
// It returns ErrNoTables when none is there. It only
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
		EXISTS (SELECT 1 FROM rel WHERE relname = 'users') AND EXISTS (SELECT 1 FROM rel WHERE relname = 'verification_requests')`).Row()
	if err := row.Scan(&found.Pg, &found.Prisma, &found.PrismaV4, &found.Drizzle, &found.DrizzlePK, &found.Beta73); err != nil {
		return nil, fmt.Errorf("gormauth: detecting the flavour: %w", err)
	}
	var flavours []*Flavour
	if found.Pg {
		flavours = append(flavours, Pg)
	}
	if found.Beta73 {
		flavours = append(flavours, Beta73)
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
	tText        = "text"
	tInteger     = "integer"
	tBigint      = "bigint"
	tBoolean     = "boolean"
	tVarchar255  = "character varying(255)"
	tTimestamptz = "timestamp with time zone"
	tTimestamp   = "timestamp without time zone"
	tTimestamp3  = "timestamp(3) without time zone"
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
		nullable("refresh_token", tText), nullable("access_token", tText), nullable("expires_at", expiresAt),
		nullable("token_type", tText), nullable("scope", tText), nullable("id_token", tText),
		nullable("session_state", tText),
	}
}

// authenticatorColumns are the WebAuthn table's columns in Prisma and
// Drizzle; the repository does not use it.
func authenticatorColumns() []schema.Column {
	return []schema.Column{
		col("credentialID", tText), col("userId", tText), col("providerAccountId", tText),
		col("credentialPublicKey", tText), col("counter", tInteger), col("credentialDeviceType", tText),
		col("credentialBackedUp", tBoolean), nullable("transports", tText),
	}
}

// prismaTables is Auth.js v5's Prisma schema (testdata/authjs/prisma-schema.sql).
func prismaTables() tables {
	clock := []schema.Column{
		{Name: "createdAt", Type: tTimestamp3, Default: "CURRENT_TIMESTAMP"},
		col("updatedAt", tTimestamp3),
	}
	return tables{
		{Name: "User",
			Columns: append([]schema.Column{col("id", tText), nullable("name", tText), col("email", tText),
				nullable("emailVerified", tTimestamp3), nullable("image", tText)}, clock...),
			Indexes: []schema.Index{key("User_pkey", "id"), uniqueIndex("User_email_key", "email")}},
		{Name: "Account",
			Columns: append(append([]schema.Column{col("userId", tText), col("type", tText), col("provider", tText),
				col("providerAccountId", tText)}, accountTokenColumns(tInteger)...), clock...),
			Indexes:     []schema.Index{key("Account_pkey", "provider", "providerAccountId")},
			ForeignKeys: []schema.ForeignKey{toUser("Account_userId_fkey", "User", "CASCADE")}},
		{Name: "Session",
			Columns: append([]schema.Column{col("sessionToken", tText), col("userId", tText),
				col("expires", tTimestamp3)}, clock...),
			Indexes:     []schema.Index{uniqueIndex("Session_sessionToken_key", "sessionToken")},
			ForeignKeys: []schema.ForeignKey{toUser("Session_userId_fkey", "User", "CASCADE")}},
		{Name: "VerificationToken",
			Columns: []schema.Column{col("identifier", tText), col("token", tText), col("expires", tTimestamp3)},
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
			Columns: []schema.Column{col("id", tText), nullable("name", tText), nullable("email", tText),
				nullable("emailVerified", tTimestamp3), nullable("image", tText)},
			Indexes: []schema.Index{key("User_pkey", "id"), uniqueIndex("User_email_key", "email")}},
		{Name: "Account",
			Columns: append([]schema.Column{col("id", tText), col("userId", tText), col("type", tText),
				col("provider", tText), col("providerAccountId", tText)}, accountTokenColumns(tInteger)...),
			Indexes: []schema.Index{key("Account_pkey", "id"),
				uniqueIndex("Account_provider_providerAccountId_key", "provider", "providerAccountId")},
			ForeignKeys: []schema.ForeignKey{toUser("Account_userId_fkey", "User", "CASCADE")}},
		{Name: "Session",
			Columns: []schema.Column{col("id", tText), col("sessionToken", tText), col("userId", tText),
				col("expires", tTimestamp3)},
			Indexes:     []schema.Index{key("Session_pkey", "id"), uniqueIndex("Session_sessionToken_key", "sessionToken")},
			ForeignKeys: []schema.ForeignKey{toUser("Session_userId_fkey", "User", "CASCADE")}},
		{Name: "VerificationToken",
			Columns: []schema.Column{col("identifier", tText), col("token", tText), col("expires", tTimestamp3)},
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
			Columns: []schema.Column{col("id", tText), nullable("name", tText), nullable("email", tText),
				nullable("emailVerified", tTimestamp), nullable("image", tText)},
			Indexes: []schema.Index{key("user_pkey", "id"), uniqueConstraint("user_email_unique", "email")}},
		{Name: "account",
			Columns: append([]schema.Column{col("userId", tText), col("type", tText), col("provider", tText),
				col("providerAccountId", tText)}, accountTokenColumns(tInteger)...),
			Indexes:     maybe(key("account_provider_providerAccountId_pk", "provider", "providerAccountId")),
			ForeignKeys: []schema.ForeignKey{toUser("account_userId_user_id_fk", "user", "")}},
		{Name: "session",
			Columns:     []schema.Column{col("sessionToken", tText), col("userId", tText), col("expires", tTimestamp)},
			Indexes:     []schema.Index{key("session_pkey", "sessionToken")},
			ForeignKeys: []schema.ForeignKey{toUser("session_userId_user_id_fk", "user", "")}},
		{Name: "verificationToken",
			Columns: []schema.Column{col("identifier", tText), col("token", tText), col("expires", tTimestamp)},
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
	id := schema.Column{Name: "id", Type: tInteger, Serial: true}
	return tables{
		{Name: "verification_token",
			Columns: []schema.Column{col("identifier", tText), col("expires", tTimestamptz), col("token", tText)},
			Indexes: []schema.Index{key("verification_token_pkey", "identifier", "token")}},
		{Name: "accounts",
			Columns: []schema.Column{id, col("userId", tInteger), col("type", tVarchar255), col("provider", tVarchar255),
				col("providerAccountId", tVarchar255), nullable("refresh_token", tText), nullable("access_token", tText),
				nullable("expires_at", tBigint), nullable("id_token", tText), nullable("scope", tText),
				nullable("session_state", tText), nullable("token_type", tText)},
			Indexes: []schema.Index{key("accounts_pkey", "id")}},
		{Name: "sessions",
			Columns: []schema.Column{id, col("userId", tInteger), col("expires", tTimestamptz), col("sessionToken", tVarchar255)},
			Indexes: []schema.Index{key("sessions_pkey", "id")}},
		{Name: "users",
			Columns: []schema.Column{id, nullable("name", tVarchar255), nullable("email", tVarchar255),
				nullable("emailVerified", tTimestamptz), nullable("image", tText)},
			Indexes: []schema.Index{key("users_pkey", "id")}},
	}
}
