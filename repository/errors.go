package repository

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"
)

// Errors returned by the repository, wrapped with the name of the operation.
// Match them with errors.Is.
var (
	// ErrNotFound: no row matched, or the row matched has expired.
	ErrNotFound = errors.New("not found")
	// ErrAlreadyExists: a unique value is taken (an email, a linked
	// provider account, a token). The Postgres error (SQLSTATE 23505) is
	// wrapped too; its ConstraintName says which.
	ErrAlreadyExists = errors.New("already exists")
	// ErrInvalidInput: an argument was rejected before anything was sent to
	// the database (empty, too long, a NUL byte, invalid UTF-8, an id ≤ 0, a
	// time outside what a timestamp column holds).
	ErrInvalidInput = errors.New("invalid input")
	// ErrAccountNotLinked: an OAuth sign-in came from a provider account that
	// is not linked to any user, and its email belongs to an existing user.
	// As in NextAuth.js, the account is not linked automatically: the user
	// must sign in another way and link it explicitly (Accounts.Link).
	ErrAccountNotLinked = errors.New("account not linked: the email belongs to another user")
)

// invalid returns an ErrInvalidInput for op with a description of what is
// wrong. The description never contains the value itself.
func invalid(op, format string, args ...any) error {
	return fmt.Errorf("gormauth: %s: %w: %s", op, ErrInvalidInput, fmt.Sprintf(format, args...))
}

// notFound returns an ErrNotFound for op.
func notFound(op string) error {
	return fmt.Errorf("gormauth: %s: %w", op, ErrNotFound)
}

// dbError wraps an error from the database for op, translating unique
// violations into ErrAlreadyExists and GORM's record-not-found into
// ErrNotFound. Neither GORM's nor pgx's error text carries bound
// parameters, so no token reaches the message.
func dbError(op string, err error) error {
	if err == nil {
		return nil
	}
	var pgErr *pgconn.PgError
	switch {
	case errors.As(err, &pgErr) && pgErr.Code == "23505":
		return fmt.Errorf("gormauth: %s: %w (%s): %w", op, ErrAlreadyExists, pgErr.ConstraintName, err)
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return fmt.Errorf("gormauth: %s: %w: %w", op, ErrAlreadyExists, err)
	case errors.Is(err, gorm.ErrRecordNotFound):
		return notFound(op)
	}
	return fmt.Errorf("gormauth: %s: %w", op, err)
}

// ctxError reports a context that is already cancelled or past its deadline,
// so that nothing is attempted with it.
func ctxError(op string, ctx context.Context) error {
	if ctx == nil {
		return invalid(op, "nil context")
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("gormauth: %s: %w", op, err)
	}
	return nil
}
