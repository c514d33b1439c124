// Package gormauth lets a Go service share NextAuth.js's PostgreSQL tables
// (users, accounts, sessions, verification_requests, as NextAuth.js
// 2.0.0-beta.73 creates them with its built-in TypeORM models) through GORM.
//
// Create or check the tables once at start-up, then use the repository:
//
//	db, err := gorm.Open(postgres.Open(dsn), &gorm.Config{})
//	if err != nil { … }
//	if err := gormauth.AutoMigrate(db); err != nil { … }
//	repo := repository.New(db, repository.Options{}) // users, accounts, sessions, sign-in links
//
// # Schema
//
// AutoMigrate creates exactly the schema NextAuth.js creates: the same
// columns in the same order with the same types, nullability and defaults,
// and the same primary key, unique constraint and index names (TypeORM's
// "PK_…" and "UQ_…", and "userId", "providerId", "providerAccountId"). So
// NextAuth.js (synchronize=true) finds nothing to change in tables
// AutoMigrate made, and AutoMigrate issues no DDL on tables NextAuth.js
// made. Do not use GORM's db.AutoMigrate on the models: on an empty
// database it names the primary keys and unique constraints its own way
// ("users_pkey", "uni_users_email", and "idx_…" indexes without the
// models' tags), so the schema is no longer NextAuth.js's: TypeORM lets the
// constraint names pass but drops and re-creates indexes named otherwise;
// and what GORM does to NextAuth.js's existing constraints depends on struct
// tags and GORM version (it has failed on them, and dropped them).
//
// AutoMigrate costs one catalog query when the tables are already there. It
// creates what is missing under an advisory lock, so replicas may call it
// concurrently; it never drops or alters anything, and refuses with a
// *SchemaError (and changes nothing) when an existing table is incompatible.
//
// CheckSchema makes the same comparison read-only and returns every
// Difference, including the extra columns and indexes AutoMigrate tolerates;
// use it in health checks and CI.
//
// The models themselves are in package models; the queries NextAuth.js
// makes are in package repository.
package gormauth
