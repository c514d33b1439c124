package gormauth

import (
	"context"

	"gorm.io/gorm"

	"github.com/gormauth/gormauth/internal/schema"
)

// AutoMigrate makes sure the four NextAuth.js tables (users, accounts,
// sessions, verification_requests) exist in db's current schema exactly as
// NextAuth.js 2.0.0-beta.73 creates them, with the same column types,
// nullability, defaults, and constraint and index names. It uses db's
// Statement.Context; see AutoMigrateContext. Use it instead of GORM's
// db.AutoMigrate on the models, which names primary keys and unique
// constraints differently (see the package documentation).
func AutoMigrate(db *gorm.DB) error {
	ctx := context.Background()
	if db.Statement != nil && db.Statement.Context != nil {
		ctx = db.Statement.Context
	}
	return AutoMigrateContext(ctx, db)
}

// AutoMigrateContext is AutoMigrate with a context.
//
// It first reads the catalog in one query. When the tables conform (extra
// nullable or defaulted columns, extra indexes and extra check or foreign-key
// constraints are tolerated), it returns nil after that one query: no lock,
// no transaction, no DDL.
//
// When something is missing, it opens a transaction, takes the advisory lock
// pg_advisory_xact_lock(0x676f726d61757468) so that concurrent callers
// (replicas starting together) create the tables once, reads the catalog
// again, and creates only what is still missing: whole tables (id as serial,
// so an integer column with the sequence <table>_id_seq; constraints named
// as TypeORM names them) and missing primary keys, unique constraints and
// indexes of existing tables. Existing data is kept. The transaction is READ
// COMMITTED, so the second read sees what another caller committed; when db
// is already a transaction, a savepoint is used instead and the lock is held
// until that transaction ends.
//
// AutoMigrate never drops or alters anything that exists. When an existing
// table is incompatible (see DifferenceKind.Incompatible: a column missing
// or of another type, nullability or default; a primary key or unique
// constraint under another name; a name taken by another relation; an extra
// NOT NULL column without default), it returns a *SchemaError listing each
// such difference, and changes nothing at all, not even the tables that
// could have been created. Other errors come from reading the catalog or
// from DDL (for example a unique constraint that existing rows violate); the
// transaction is then rolled back too.
//
// Table names are fixed; db's NamingStrategy, table prefix and logger do not
// change them. Timestamps are not touched, so the session TimeZone does not
// matter.
func AutoMigrateContext(ctx context.Context, db *gorm.DB) error {
	return schema.Migrate(ctx, db, expectedSchema())
}
