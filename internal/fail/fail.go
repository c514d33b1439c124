// Package fail makes the errors of package repository: one set of
// sentinel errors, matched with errors.Is, wrapped with the name of the
// operation, and never carrying a value (a token, a secret) in their text.
package fail

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"
)

// The sentinel errors; package repository exports them under the same
// names and documents them.
var (
	ErrNotFound         = errors.New("not found")
	ErrAlreadyExists    = errors.New("already exists")
	ErrInvalidInput     = errors.New("invalid input")
	ErrAccountNotLinked = errors.New("account not linked: the email belongs to another user")
)

// Invalid returns an ErrInvalidInput for op with a description of what is
// wrong. The description never contains the value itself.
func Invalid(op, format string, args ...any) error {
	return fmt.Errorf("gormauth: %s: %w: %s", op, ErrInvalidInput, fmt.Sprintf(format, args...))
}

// NotFound returns an ErrNotFound for op.
func NotFound(op string) error {
	return fmt.Errorf("gormauth: %s: %w", op, ErrNotFound)
}

// DB wraps an error from the database for op, translating unique
// violations into ErrAlreadyExists and GORM's record-not-found into
// ErrNotFound. Neither GORM's nor pgx's error text carries bound
// parameters, so no token reaches the message.
func DB(op string, err error) error {
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
		return NotFound(op)
	}
	return fmt.Errorf("gormauth: %s: %w", op, err)
}

// Ctx reports a context that is nil, cancelled or past its deadline, so
// that nothing is attempted with it.
func Ctx(op string, ctx context.Context) error {
	if ctx == nil {
		return Invalid(op, "nil context")
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("gormauth: %s: %w", op, err)
	}
	return nil
}

// IsUniqueViolation reports whether err is PostgreSQL's unique_violation
// (SQLSTATE 23505).
func IsUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505" || errors.Is(err, gorm.ErrDuplicatedKey)
}
