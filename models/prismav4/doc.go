// Package prismav4 holds the GORM models of the tables of NextAuth.js v4
// with @next-auth/prisma-adapter, on the Prisma schema of its documentation
// (gormauth.PrismaV4): "User", "Account", "Session" and "VerificationToken",
// so that a GORM application reads and writes them directly
// (db.Find(&users)).
//
// The struct tags reproduce the tables Prisma's schema engine creates
// (prisma migrate diff): column names, types, nullability, keys, index and
// foreign-key names. Each TableName is fixed, whatever NamingStrategy the
// *gorm.DB has. Create the tables with gormauth.AutoMigrate(ctx, db,
// gormauth.PrismaV4), or let Prisma create them, rather than with
// db.AutoMigrate (see package gormauth); db.AutoMigrate on these models
// finds nothing to change in the tables all the same.
//
// Ids are text: cuids, which the Prisma client makes (@default(cuid())); a
// create through these models fills an empty ID with one. The timestamp
// columns are timestamp(3) without time zone holding the UTC wall clock, to
// the millisecond. The hooks keep them so through plain GORM: Create and
// Save write every timestamp of the model as UTC truncated to the
// millisecond (whatever its zone), and reads label the wall clock as UTC.
// Values given in a map (db.Model(&s).Update("expires", t)) bypass the
// hooks: give those in UTC.
//
// The provider tokens of Account and the token of Session and
// VerificationToken are secrets: fmt, log/slog and encoding/json never show
// them.
package prismav4
