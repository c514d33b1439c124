package schema

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/plugin/dbresolver"
)

// LockKey is the key of the transaction-level advisory lock Migrate takes
// before creating anything: "gormauth" in ASCII, 0x676f726d61757468. Every
// schema uses it, so concurrent migrations of a database take turns.
const LockKey int64 = 0x676f726d61757468

// Check compares the tables of s in the current schema of db with s and
// returns every difference, in schema order: table by table, columns
// before indexes before constraints. It only reads: one catalog query, no
// lock, no transaction. The error is non-nil only when the catalog cannot
// be read.
func Check(ctx context.Context, db *gorm.DB, s Schema) ([]Difference, error) {
	cat, err := readCatalog(ctx, db.Session(&gorm.Session{NewDB: true, Context: ctx}), s)
	if err != nil {
		return nil, err
	}
	return compare(s, cat).diffs, nil
}

// Migrate makes sure the tables of s exist in db's current schema as s
// describes them. It reads the catalog in one query; when nothing is
// missing, it returns after that one query. Otherwise it opens a READ
// COMMITTED transaction (a savepoint when db is a transaction already),
// takes the advisory lock LockKey, reads the catalog again and creates only
// what is still missing. It never drops or alters what exists: when an
// existing table is incompatible, it returns an *Error listing each
// incompatible difference and changes nothing at all.
func Migrate(ctx context.Context, db *gorm.DB, s Schema) error {
	db = db.Session(&gorm.Session{NewDB: true, Context: ctx})
	cat, err := readCatalog(ctx, db, s)
	if err != nil {
		return err
	}
	p := compare(s, cat)
	if err := p.incompatible(); err != nil {
		return err
	}
	if len(p.ddl) == 0 {
		return nil
	}
	var inner error
	// The transaction begins on the primary when a resolver routes
	// statements; inside it, every statement stays there.
	err = db.Clauses(dbresolver.Write).Transaction(func(tx *gorm.DB) error {
		inner = createMissing(ctx, tx, s)
		return inner
	}, &sql.TxOptions{Isolation: sql.LevelReadCommitted})
	if err != nil && !errors.Is(err, inner) {
		return fmt.Errorf("gormauth: creating the tables: %w", err)
	}
	return err
}

// createMissing runs in Migrate's transaction: it takes the lock, reads the
// catalog again and creates what is still missing.
func createMissing(ctx context.Context, tx *gorm.DB, s Schema) error {
	if err := tx.Exec("SELECT pg_catalog.pg_advisory_xact_lock(?)", LockKey).Error; err != nil {
		return fmt.Errorf("gormauth: taking the advisory lock %#x: %w", LockKey, err)
	}
	cat, err := readCatalog(ctx, tx, s)
	if err != nil {
		return err
	}
	p := compare(s, cat)
	if err := p.incompatible(); err != nil {
		return err
	}
	for _, stmt := range p.ddl {
		if err := tx.Exec(stmt).Error; err != nil {
			return fmt.Errorf("gormauth: creating what is missing: %s: %w", stmt, err)
		}
	}
	return nil
}
