// Package authjs describes the tables that today's NextAuth.js applications
// keep in PostgreSQL through an Auth.js adapter, so that a Go service can
// share them: Auth.js v5 (@auth/core) with @auth/prisma-adapter,
// @auth/drizzle-adapter or @auth/pg-adapter, and NextAuth.js v4 with
// @next-auth/prisma-adapter. (NextAuth.js 2.0.0-beta.73's own tables are
// package gormauth's and package repository's.)
//
// Each adapter keeps its own schema; a Flavour names one:
//
//	f, err := authjs.Detect(ctx, db) // from the tables' names: authjs.Prisma, authjs.Drizzle, authjs.Pg, …
//	err = authjs.AutoMigrate(ctx, db, authjs.Drizzle)   // creates the documented schema when it is missing
//	diffs, err := authjs.CheckSchema(ctx, db, authjs.Prisma) // read-only, for health checks and CI
//	repo := adapter.New(db, f, adapter.Options{Secret: []string{os.Getenv("AUTH_SECRET")}})
//
// The queries are package authjs/adapter's: the Adapter methods of Auth.js
// and its sign-in flows, with Auth.js's rules.
//
// # Schemas
//
// The flavours differ in table names, in how ids are made (serial integers,
// or text made by the writer: cuid for Prisma, UUID for Drizzle), in the
// type of their timestamps (timestamp with time zone, or timestamp holding
// the UTC wall clock, to the millisecond for Prisma), in the clock columns a
// writer must fill (Prisma's "createdAt" and "updatedAt" in Auth.js v5), in
// the width of accounts.expires_at, in users.email's nullability, and in
// which keys exist. Their column names agree. AutoMigrate creates each
// schema exactly as its tool does (Prisma's schema engine, drizzle-kit,
// the pg adapter's schema.sql) and issues no DDL on a database the tool
// created; CheckSchema reports every difference.
//
// Where Prisma or drizzle-kit owns the schema, let the application's own
// migrations create it, and only check it from Go.
package authjs
