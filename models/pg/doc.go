// Package pg holds the GORM models of the tables of Auth.js v5 with
// @auth/pg-adapter, on its schema.sql (gormauth.Pg): users, accounts,
// sessions and verification_token, so that a GORM application reads and
// writes them directly (db.Find(&users)).
//
// The struct tags reproduce schema.sql's tables: column names, types,
// nullability, defaults and keys. Each TableName is fixed, whatever
// NamingStrategy the *gorm.DB has. Create the tables with
// gormauth.AutoMigrate(ctx, db, gormauth.Pg), or with schema.sql, rather
// than with db.AutoMigrate (see package gormauth); db.AutoMigrate on these
// models finds nothing to change in the tables all the same.
//
// Ids are serial integers, which the database gives on insert. The
// timestamp columns are timestamp with time zone: they hold instants, to
// the microsecond, whatever the zone of the time written, and the driver
// reads them in the process's local zone. Create and Save put the model's
// timestamps in UTC truncated to the microsecond, so that it holds what the
// column holds. The schema has no foreign keys
// and no unique key but the sign-in token's: deleting a user leaves its
// accounts and sessions, and nothing keeps an email or a provider account
// unique, which package repository does itself.
//
// The provider tokens of Account and the token of Session and
// VerificationToken are secrets: fmt, log/slog and encoding/json never show
// them.
package pg
