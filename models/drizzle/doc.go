// Package drizzle holds the GORM models of the tables of Auth.js v5 with
// @auth/drizzle-adapter (gormauth.Drizzle): "user", account, session,
// "verificationToken" and authenticator, so that a GORM application reads
// and writes them directly (db.Find(&users)).
//
// The struct tags reproduce the tables drizzle-kit creates from the
// adapter's own table definitions: column names, types, nullability and
// keys. Each TableName is fixed, whatever NamingStrategy the *gorm.DB has.
// The same models serve the Drizzle schema of the Auth.js docs
// (gormauth.DrizzleDocs), which only lacks the primary keys of account,
// verificationToken and authenticator: the models still name those keys,
// which GORM uses to update and delete a row, and which such a table keeps
// unique only by the application's care. Create the tables with
// gormauth.AutoMigrate(ctx, db, gormauth.Drizzle), or let drizzle-kit
// create them, rather than with db.AutoMigrate, which cannot give the
// composite primary keys and unique constraints drizzle-kit's names (see
// package gormauth); db.AutoMigrate on these models finds nothing to change
// in the tables all the same.
//
// Ids are text: UUIDs, which the adapter's tables make
// ($defaultFn(crypto.randomUUID)); a create through these models fills an
// empty ID with one. The timestamp columns are timestamp without time zone
// holding the UTC wall clock, to the microsecond. The hooks keep them so
// through plain GORM: Create and Save write every timestamp of the model as
// UTC truncated to the microsecond (whatever its zone), and reads label the
// wall clock as UTC. Values given in a map
// (db.Model(&s).Update("expires", t)) bypass the hooks: give those in UTC.
//
// The provider tokens of Account and the token of Session and
// VerificationToken are secrets: fmt, log/slog and encoding/json never show
// them.
package drizzle
