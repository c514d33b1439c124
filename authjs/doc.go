// Package authjs holds the rows of the Auth.js flavours' tables
// (gormauth.Prisma, PrismaV4, Drizzle, DrizzleDocs, Pg) in the shape of
// Auth.js's Adapter types: User, Account, Session and VerificationToken,
// with ids as strings whatever the column's type, as Auth.js passes them.
// The repository that reads and writes them is package authjs/adapter.
package authjs
