package repository

import (
	"context"
	"errors"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/gormauth/gormauth/models"
)

// Users reads and writes the users table. Get it from Repository.Users.
type Users struct{ c *core }

func (s *Users) check(op string, u *models.User) error {
	if u == nil {
		return invalid(op, "nil user")
	}
	if u.Email != nil && *u.Email == "" {
		return invalid(op, "email is empty (nil means no email)")
	}
	if err := check(op,
		opt("name", u.Name, MaxNameLen),
		opt("email", u.Email, MaxEmailLen),
		opt("image", u.Image, MaxImageLen)); err != nil {
		return err
	}
	return s.c.checkTime(op, "email verified", u.EmailVerified)
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
	now := s.c.now()
	row := *u
	row.Created, row.Updated = s.c.wall(now), s.c.wall(now)
	row.EmailVerified = s.c.wallPtr(u.EmailVerified)
	if err := s.c.conn(ctx).Omit(clause.Associations).Create(&row).Error; err != nil {
		return dbError(op, err)
	}
	row.Created, row.Updated = s.c.stored(now), s.c.stored(now)
	row.EmailVerified = s.c.storedPtr(u.EmailVerified)
	*u = row
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
	var u models.User
	if err := findOne(s.c.conn(ctx).Raw(`SELECT `+userColumns+` FROM users WHERE id = ?`, id), &u); err != nil {
		return nil, dbError(op, err)
	}
	return s.c.readUser(&u), nil
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
	if err := check(op, field{name: "email", value: email, max: MaxEmailLen}); err != nil {
		return nil, err
	}
	var u models.User
	if err := findOne(s.c.conn(ctx).Raw(`SELECT `+userColumns+` FROM users WHERE email = ?`, email), &u); err != nil {
		return nil, dbError(op, err)
	}
	return s.c.readUser(&u), nil
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
	var u models.User
	err := findOne(s.c.conn(ctx).Raw(`SELECT `+userColumns+` FROM users
		WHERE id = (SELECT user_id FROM accounts WHERE compound_id = ?)`, key.CompoundID()), &u)
	if err != nil {
		return nil, dbError(op, err)
	}
	return s.c.readUser(&u), nil
}

// Update writes u's Name, Email (as given, like Create), EmailVerified and
// Image to the row with u.ID and sets u.Updated; u's times are given the
// values as they read back. It returns ErrNotFound if there is no such user
// and ErrAlreadyExists if the email belongs to another user.
func (s *Users) Update(ctx context.Context, u *models.User) error {
	const op = "Users.Update"
	if err := ctxError(op, ctx); err != nil {
		return err
	}
	if err := s.check(op, u); err != nil {
		return err
	}
	if err := checkID(op, "user id", u.ID); err != nil {
		return err
	}
	now := s.c.now()
	res := s.c.conn(ctx).Model(&models.User{}).Where("id = ?", u.ID).Updates(map[string]any{
		"name":           u.Name,
		"email":          u.Email,
		"email_verified": s.c.wallPtr(u.EmailVerified),
		"image":          u.Image,
		"updated":        s.c.wall(now),
	})
	if res.Error != nil {
		return dbError(op, res.Error)
	}
	if res.RowsAffected == 0 {
		return notFound(op)
	}
	u.Updated = s.c.stored(now)
	u.EmailVerified = s.c.storedPtr(u.EmailVerified)
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
	err := s.c.conn(ctx).Transaction(func(tx *gorm.DB) error {
		var ids []int32
		if err := tx.Raw("SELECT id FROM users WHERE id = ? FOR UPDATE", id).Find(&ids).Error; err != nil {
			return err
		}
		if len(ids) == 0 {
			return ErrNotFound
		}
		return tx.Exec(`WITH a AS (DELETE FROM accounts WHERE user_id = @id),
			s AS (DELETE FROM sessions WHERE user_id = @id)
			DELETE FROM users WHERE id = @id`, map[string]any{"id": id}).Error
	})
	if errors.Is(err, ErrNotFound) {
		return notFound(op)
	}
	if err != nil {
		return dbError(op, err)
	}
	return nil
}
