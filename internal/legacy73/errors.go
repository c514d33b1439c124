package repository

import (
	"context"

	"github.com/gormauth/gormauth/internal/fail"
)

// Errors returned by the repository, wrapped with the name of the operation.
// Match them with errors.Is. Package authjs/adapter returns the same errors.
var (
	// ErrNotFound: no row matched, or the row matched has expired.
	ErrNotFound = fail.ErrNotFound
	// ErrAlreadyExists: a unique value is taken (an email, a linked
	// provider account, a token). The Postgres error (SQLSTATE 23505) is
	// wrapped too; its ConstraintName says which.
	ErrAlreadyExists = fail.ErrAlreadyExists
	// ErrInvalidInput: an argument was rejected before anything was sent to
	// the database (empty, too long, a NUL byte, invalid UTF-8, an id ≤ 0, a
	// time, Options.Now included, outside the range Options.Location
	// states).
	ErrInvalidInput = fail.ErrInvalidInput
	// ErrAccountNotLinked: an OAuth sign-in came from a provider account that
	// is not linked to any user, and its email belongs to an existing user.
	// As in NextAuth.js, the account is not linked automatically: the user
	// must sign in another way and link it explicitly (Accounts.Link).
	ErrAccountNotLinked = fail.ErrAccountNotLinked
)

// The helpers of package fail, under short names.

func invalid(op, format string, args ...any) error { return fail.Invalid(op, format, args...) }

func notFound(op string) error { return fail.NotFound(op) }

func dbError(op string, err error) error { return fail.DB(op, err) }

func ctxError(op string, ctx context.Context) error { return fail.Ctx(op, ctx) }

func isUniqueViolation(err error) bool { return fail.IsUniqueViolation(err) }
