// Package prisma holds the GORM models of the tables of Auth.js v5 with
// @auth/prisma-adapter, on the Prisma schema of the Auth.js documentation
// (gormauth.Prisma): "User", "Account", "Session", "VerificationToken" and
// "Authenticator", so that a GORM application reads and writes them
// directly (db.Find(&users)).
//
// The struct tags reproduce the tables Prisma's schema engine creates
// (prisma migrate diff): column names, types, nullability, defaults, keys,
// index and foreign-key names. Each TableName is fixed, whatever
// NamingStrategy the *gorm.DB has. Create the tables with
// gormauth.AutoMigrate(ctx, db, gormauth.Prisma), or let Prisma create them,
// rather than with db.AutoMigrate (see package gormauth). Should an
// application call db.AutoMigrate on these models all the same, it finds
// nothing to change in the tables (size:64 on the createdAt columns is the
// length GORM reads for a timestamp: without it, GORM would set their
// default again on every run).
//
// Ids are text: cuids, which the Prisma client makes (@default(cuid())); a
// create through these models fills an empty ID with one. The timestamp
// columns are timestamp(3) without time zone holding the UTC wall clock, to
// the millisecond. The hooks keep them so through plain GORM: Create and
// Save write every timestamp of the model as UTC truncated to the
// millisecond (whatever its zone); a create fills a zero CreatedAt and
// UpdatedAt with the current time, as the Prisma client does; every update
// through a model sets UpdatedAt, as @updatedAt does; reads label the wall
// clock as UTC. Values given in a map (db.Model(&s).Update("expires", t))
// bypass the hooks: give those in UTC.
//
// The provider tokens of Account and the token of Session and
// VerificationToken are secrets: fmt, log/slog and encoding/json never show
// them.
package prisma
