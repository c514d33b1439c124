// Package gormauth lets a Go service share the PostgreSQL tables of a
// NextAuth.js or Auth.js application through GORM: users, linked provider
// accounts, sessions and email sign-in tokens, in the schema the
// application's own tool made.
//
// Each schema is a Flavour: Auth.js v5 with its Prisma, Drizzle or pg
// adapter (Prisma, Drizzle, DrizzleDocs, Pg), NextAuth.js v4 with its Prisma
// adapter (PrismaV4), and NextAuth.js 2.0.0-beta.73's own tables (Beta73).
// Name the flavour, or let Detect tell it from the tables' names, and create
// or check the tables once at start-up:
//
//	f, err := gormauth.Detect(ctx, db) // or name it: gormauth.Prisma
//	if err != nil { … }
//	if err := gormauth.AutoMigrate(ctx, db, f); err != nil { … }
//
// Package repository runs the queries and sign-in flows on every flavour's
// tables, with one set of types; packages models (Beta73), models/prisma,
// models/prismav4, models/drizzle and models/pg hold each flavour's GORM
// models, for queries of your own.
//
// # Schemas
//
// The flavours differ in table and column names, in how ids are made
// (serial integers, or text the writer makes: cuid for Prisma, UUID for
// Drizzle), in the type of their timestamps (timestamp with time zone, or
// timestamp holding a wall clock: UTC's, to the millisecond for Prisma; for
// Beta73 the zone of the Node.js process), in the clock columns a writer
// must fill, in the width of accounts.expires_at, in users.email's
// nullability, and in which keys exist.
//
// AutoMigrate creates a flavour's schema exactly as its tool does
// (NextAuth.js beta.73's TypeORM models, Prisma's schema engine,
// drizzle-kit, the pg adapter's schema.sql): the same columns with the same
// types, nullability and defaults, and the same key, constraint and index
// names. So the tool finds nothing to change in tables AutoMigrate made,
// and AutoMigrate issues no DDL on tables the tool made. It costs one
// catalog query when the tables are already there; it creates what is
// missing under an advisory lock, so replicas may call it concurrently; it
// never drops or alters anything, and refuses with a *SchemaError (and
// changes nothing) when an existing table is incompatible. Where Prisma or
// drizzle-kit owns the schema, let the application's own migrations create
// it, and only check it from Go.
//
// Do not use GORM's db.AutoMigrate on the models: on an empty database it
// names the keys and constraints its own way ("users_pkey",
// "uni_users_email", "idx_…"), so the schema is no longer the tool's
// (NextAuth.js beta.73's TypeORM drops and re-creates indexes named
// otherwise), and what it does to existing constraints depends on struct
// tags and GORM version (it has failed on them, and dropped them).
//
// CheckSchema makes the same comparison read-only and returns every
// Difference, including the extra columns and indexes AutoMigrate
// tolerates; use it in health checks and CI.
package gormauth
