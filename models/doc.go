// Package models holds the GORM models of the four tables that NextAuth.js
// (2.0.0-beta.73, built-in models, PostgreSQL) creates: users, accounts,
// sessions and verification_requests.
//
// The struct tags reproduce NextAuth.js's columns exactly: names, types
// (integer ids from serial sequences, character varying with no length,
// text, timestamp without time zone), nullability, defaults and the unique
// and plain indexes. Each model's TableName is fixed, so the models map onto
// the same tables whatever NamingStrategy or table prefix the host
// application configured on its *gorm.DB.
//
// Nullable columns are pointers. The timestamp columns hold a wall clock
// without a zone: UTC's by default, or the zone NextAuth.js's Node.js process
// runs in (repository.Options.Location). The repository reads and writes
// them itself and returns the instants they stand for. Read through plain
// GORM, the AfterFind hooks label the wall clock as UTC (undoing a TimeZone
// the driver was configured with), which is the instant only when the
// columns hold UTC; and plain GORM creates stamp a zero Created and Updated
// with the current UTC wall clock.
//
// Create the tables with gormauth.AutoMigrate rather than db.AutoMigrate: only
// the former gives the constraints NextAuth.js's exact names.
package models
