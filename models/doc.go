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
// Nullable columns are pointers. Timestamps hold the UTC wall clock; values
// read through GORM are normalised to time.UTC by AfterFind hooks, whatever
// time zone the driver was configured with.
//
// Create the tables with gormauth.AutoMigrate rather than db.AutoMigrate: only
// the former gives the constraints NextAuth.js's exact names.
package models
