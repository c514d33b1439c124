package repository

import (
	"context"
	"errors"

	"github.com/gormauth/gormauth/internal/input"
	"github.com/gormauth/gormauth/internal/sqlexec"
	"github.com/gormauth/gormauth/models"
)

// Users reads and writes the users table. Get it from Repository.Users.
type Users struct{ c *core }

func (s *Users) check(op string, u *models.User) error {
	if err := checkEmail(op, u); err != nil {
		return err
	}
	if err := check(op, profileFields(u)...); err != nil {
		return err
	}
	return s.c.checkTime(op, "email verified", u.EmailVerified)
}

// checkEmail checks that u is not nil and its email, if any, not empty.
func checkEmail(op string, u *models.User) error {
	if u == nil {
		return invalid(op, "nil user")
	}
	if u.Email != nil && *u.Email == "" {
		return invalid(op, "email is empty (nil means no email)")
	}
	return nil
}

// profileFields are a user's name, email and image, in that order, as
// input checks them.
func profileFields(u *models.User) []field {
	return []field{opt("name", u.Name, MaxNameLen), opt("email", u.Email, MaxEmailLen), opt("image", u.Image, MaxImageLen)}
}

// Create inserts u and sets its ID, Created and Updated. u.ID must be 0.
// The email is stored exactly as given: NextAuth.js's adapter does the same,
// and its sign-in flows (like SignInOAuth and SignInEmail here) lower-case
// an address before they create a user with it; pass LowerEmail(address)
// for a user that signs in by email. EmailVerified is stored at microsecond
// precision, and u is given the values as they read back. It returns
// ErrAlreadyExists if another user has the same email.
func (s *Users) Create(ctx context.Context, u *models.User) error {
	const op = "Users.Create"
	if err := ctxError(op, ctx); err != nil {
		return err
	}
	if err := s.check(op, u); err != nil {
		return err
	}
	if u.ID != 0 {
		return invalid(op, "user already has id %d", u.ID)
	}
	c := s.c
	now, err := c.clock(op)
	if err != nil {
		return err
	}
	var id int32
	_, err = c.x.QueryRow(ctx, sqlexec.Primary, `INSERT INTO users (name, email, email_verified, image, created, updated)
		VALUES ($1, $2, $3::timestamp, $4, $5::timestamp, $5::timestamp) RETURNING id`,
		[]any{u.Name, u.Email, c.wallPtr(u.EmailVerified), u.Image, c.wall(now)}, &id)
	if err != nil {
		return dbError(op, err)
	}
	u.ID = id
	u.Created, u.Updated = c.stored(now), c.stored(now)
	u.EmailVerified = c.storedPtr(u.EmailVerified)
	return nil
}

// ByID returns the user with the given id, or ErrNotFound.
func (s *Users) ByID(ctx context.Context, id int32) (*models.User, error) {
	const op = "Users.ByID"
	if err := ctxError(op, ctx); err != nil {
		return nil, err
	}
	if err := checkID(op, "user id", id); err != nil {
		return nil, err
	}
	return s.c.user(ctx, op, sqlexec.ReplicaOrPrimary, `SELECT `+userColumns+` FROM users WHERE id = $1`, id)
}

// ByEmail returns the user whose email is exactly email, or ErrNotFound.
//
// The match is exact, as NextAuth.js's getUserByEmail and the unique
// constraint on users.email are: "Alice@example.com" does not find
// "alice@example.com". Both sign-in flows lower-case the address (the OAuth
// profile's email and the email sign-in identifier, with JavaScript's
// toLowerCase) before they look a user up or create one, as NextAuth.js
// does, so users created by signing in have lower-case addresses: to find
// a user as a sign-in would, pass LowerEmail(address).
func (s *Users) ByEmail(ctx context.Context, email string) (*models.User, error) {
	const op = "Users.ByEmail"
	if err := ctxError(op, ctx); err != nil {
		return nil, err
	}
	if err := check(op, field{Name: "email", Value: email, Max: MaxEmailLen}); err != nil {
		return nil, err
	}
	return s.c.user(ctx, op, sqlexec.ReplicaOrPrimary, `SELECT `+userColumns+` FROM users WHERE email = $1`, email)
}

// ByAccount returns the user to whom the provider account key is linked,
// in one query, or ErrNotFound.
func (s *Users) ByAccount(ctx context.Context, key AccountKey) (*models.User, error) {
	const op = "Users.ByAccount"
	if err := ctxError(op, ctx); err != nil {
		return nil, err
	}
	if err := key.check(op); err != nil {
		return nil, err
	}
	return s.c.user(ctx, op, sqlexec.ReplicaOrPrimary, userByAccount, key.CompoundID())
}

// userByAccount reads the user linked to the account whose compound_id is
// $1.
const userByAccount = `SELECT ` + userColumns + ` FROM users
	WHERE id = (SELECT user_id FROM accounts WHERE compound_id = $1)`

// user reads the user query returns, or ErrNotFound.
func (c *core) user(ctx context.Context, op string, route sqlexec.Route, query string, args ...any) (*models.User, error) {
	var u models.User
	found, err := c.x.QueryRow(ctx, route, query, args, userFields(&u)...)
	if err != nil {
		return nil, dbError(op, err)
	}
	if !found {
		return nil, notFound(op)
	}
	return c.readUser(&u), nil
}

// Update writes u's Name, Email (as given, like Create), EmailVerified and
// Image to the row with u.ID and sets u.Updated; u's times are given the
// values as they read back. A name, email or image over its limit is
// accepted only where it equals the value stored in the row (one
// NextAuth.js wrote, read back with ByID): such a user can still be
// updated, but a new value over a limit is ErrInvalidInput and nothing is
// written. It returns ErrNotFound if there is no such user and
// ErrAlreadyExists if the email belongs to another user.
func (s *Users) Update(ctx context.Context, u *models.User) error {
	const op = "Users.Update"
	if err := ctxError(op, ctx); err != nil {
		return err
	}
	if err := checkEmail(op, u); err != nil {
		return err
	}
	fields := profileFields(u)
	kept, err := input.CheckKept(op, fields...)
	if err != nil {
		return err
	}
	c := s.c
	if err := c.checkTime(op, "email verified", u.EmailVerified); err != nil {
		return err
	}
	if err := checkID(op, "user id", u.ID); err != nil {
		return err
	}
	now, err := c.clock(op)
	if err != nil {
		return err
	}
	args := []any{u.Name, u.Email, c.wallPtr(u.EmailVerified), u.Image, c.wall(now), u.ID}
	if !kept[0] && !kept[1] && !kept[2] {
		n, err := c.x.Exec(ctx, `UPDATE users SET name = $1, email = $2, email_verified = $3::timestamp, image = $4,
			updated = $5::timestamp WHERE id = $6`, args...)
		if err != nil {
			return dbError(op, err)
		}
		if n == 0 {
			return notFound(op)
		}
	} else {
		// The rare case of a value over its limit: rather than read the
		// row and compare first (two statements, and the row may change
		// between them), the one UPDATE writes only where each such value
		// equals the stored one, and says whether the user exists, to tell
		// ErrInvalidInput from ErrNotFound.
		var wrote, exists bool
		_, err := c.x.QueryRow(ctx, sqlexec.Primary, `WITH u AS (UPDATE users SET name = $1, email = $2,
				email_verified = $3::timestamp, image = $4, updated = $5::timestamp
			WHERE id = $6 AND (NOT $7::boolean OR name = $1) AND (NOT $8::boolean OR email = $2)
				AND (NOT $9::boolean OR image = $4)
			RETURNING 1)
			SELECT EXISTS (SELECT 1 FROM u), EXISTS (SELECT 1 FROM users WHERE id = $6)`,
			append(args, kept[0], kept[1], kept[2]), &wrote, &exists)
		switch {
		case err != nil:
			return dbError(op, err)
		case !exists:
			return notFound(op)
		case !wrote:
			return invalid(op, "%s: over the limit and not the value stored (only a stored value over a limit is written back)",
				input.Names(fields, kept))
		}
	}
	u.Updated = c.stored(now)
	u.EmailVerified = c.storedPtr(u.EmailVerified)
	return nil
}

// Delete deletes the user with the given id together with its accounts and
// sessions, in one transaction. It first locks the user's row, so sessions
// and accounts being inserted for the user at the same moment are either
// deleted too or not inserted at all. It returns ErrNotFound, and deletes
// nothing, if there is no such user.
func (s *Users) Delete(ctx context.Context, id int32) error {
	const op = "Users.Delete"
	if err := ctxError(op, ctx); err != nil {
		return err
	}
	if err := checkID(op, "user id", id); err != nil {
		return err
	}
	err := s.c.x.Tx(ctx, func(tx *sqlexec.Tx) error {
		var locked int32
		found, err := tx.QueryRow(ctx, `SELECT id FROM users WHERE id = $1 FOR UPDATE`, []any{id}, &locked)
		if err != nil {
			return err
		}
		if !found {
			return ErrNotFound
		}
		_, err = tx.Exec(ctx, `WITH a AS (DELETE FROM accounts WHERE user_id = $1),
			s AS (DELETE FROM sessions WHERE user_id = $1)
			DELETE FROM users WHERE id = $1`, id)
		return err
	})
	if errors.Is(err, ErrNotFound) {
		return notFound(op)
	}
	if err != nil {
		return dbError(op, err)
	}
	return nil
}
