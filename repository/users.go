package repository

import (
	"context"
	"errors"
	"time"

	"github.com/gormauth/gormauth/internal/fail"
	"github.com/gormauth/gormauth/internal/input"
	"github.com/gormauth/gormauth/internal/sqlexec"
)

// Users reads and writes the users table. Get it from Repository.Users.
type Users struct{ c *core }

func (s *Users) check(op string, u *User) error {
	if err := s.checkEmail(op, u); err != nil {
		return err
	}
	return s.c.checkProfile(op, u)
}

// checkEmail checks that u is not nil and has an email where the flavour
// requires one, and not an empty one.
func (s *Users) checkEmail(op string, u *User) error {
	if u == nil {
		return fail.Invalid(op, "nil user")
	}
	if u.Email != nil && *u.Email == "" {
		return fail.Invalid(op, "email is empty (nil means no email)")
	}
	if u.Email == nil && s.c.f.EmailRequired() {
		return fail.Invalid(op, "no email: the flavour's users.email is NOT NULL")
	}
	return nil
}

// checkProfile checks a user's name, email and image, and EmailVerified.
func (c *core) checkProfile(op string, u *User) error {
	if err := input.Check(op, c.profileFields(u)...); err != nil {
		return err
	}
	return c.checkTime(op, "email verified", u.EmailVerified)
}

// updateUserKept is Users.Update for the rare user with a value over its
// limit (kept): rather than read the row and compare first (two
// statements, and the row may change between them), one UPDATE writes only
// where each such value equals the stored one, and says whether the user
// exists, to tell ErrInvalidInput from ErrNotFound.
func (c *core) updateUserKept(ctx context.Context, op string, values map[string]any, fields []input.Field, kept []bool) error {
	values["keep_name"], values["keep_email"], values["keep_image"] = kept[0], kept[1], kept[2]
	var wrote, exists bool
	_, err := c.x.QueryRow(ctx, sqlexec.Primary, c.q.updateUserKept.sql, c.q.updateUserKept.args(values), &wrote, &exists)
	switch {
	case err != nil:
		return fail.DB(op, err)
	case !exists:
		return fail.NotFound(op)
	case !wrote:
		return fail.Invalid(op, "%s: over the limit and not the value stored (only a stored value over a limit is written back)", input.Names(fields, kept))
	}
	return nil
}

// profileFields are a user's name, email and image, in that order, as
// input checks them.
func (c *core) profileFields(u *User) []input.Field {
	chars := c.chars()
	return []input.Field{
		{Name: "name", Value: deref(u.Name), Max: MaxNameLen, Optional: true, MaxChars: chars},
		{Name: "email", Value: deref(u.Email), Max: MaxEmailLen, Optional: true, MaxChars: chars},
		input.Opt("image", u.Image, MaxImageLen),
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// Create inserts u (Auth.js's createUser) and sets its ID, and its
// CreatedAt and UpdatedAt where the flavour has them. u.ID must be "": the
// id is made as the flavour makes it (a cuid, a UUID, or the serial the
// database gives), and Auth.js's own adapters ignore the id Auth.js passes
// too. The email is stored exactly as given; the sign-in flows lower-case
// an address before they create a user with it. EmailVerified is stored at
// the flavour's precision and u is given the values as they read back. It
// returns ErrAlreadyExists if another user has the same email, in the
// flavours where users.email is unique (all but pg), and ErrInvalidInput
// for a user without an email where the flavour requires one (Prisma).
func (s *Users) Create(ctx context.Context, u *User) error {
	const op = "Users.Create"
	if err := fail.Ctx(op, ctx); err != nil {
		return err
	}
	if err := s.check(op, u); err != nil {
		return err
	}
	if u.ID != "" {
		return fail.Invalid(op, "user already has an id")
	}
	if _, err := s.c.clock(op); err != nil {
		return err
	}
	row, err := s.c.createUser(ctx, s.c.x.On(sqlexec.Primary), u.Name, u.Email, u.EmailVerified, u.Image)
	if err != nil {
		return fail.DB(op, err)
	}
	*u = *row
	return nil
}

// createUser inserts a user and returns it as it reads back.
func (c *core) createUser(ctx context.Context, q sqlexec.Querier, name, email *string, verified *time.Time, image *string) (*User, error) {
	users, _, _ := c.f.IDs()
	id, err := c.newID(users)
	if err != nil {
		return nil, err
	}
	now := c.now()
	u := &User{ID: id, Name: name, Email: email, EmailVerified: c.storedPtr(verified), Image: image}
	if c.f.ClockColumns() {
		at := c.stored(now) // as it reads back
		u.CreatedAt, u.UpdatedAt = &at, &at
	}
	_, err = q.QueryRow(ctx, c.q.createUser.sql, c.q.createUser.args(map[string]any{
		"id": id, "name": name, "email": email, "verified": c.bindPtr(verified), "image": image, "now": c.bind(now),
	}), &u.ID)
	if err != nil {
		return nil, err
	}
	return u, nil
}

// ByID returns the user with the given id (Auth.js's getUser), or
// ErrNotFound. An id the flavour cannot have (not a positive integer, in
// pg's) is ErrInvalidInput.
func (s *Users) ByID(ctx context.Context, id string) (*User, error) {
	const op = "Users.ByID"
	if err := fail.Ctx(op, ctx); err != nil {
		return nil, err
	}
	if err := s.c.checkUserID(op, "user id", id); err != nil {
		return nil, err
	}
	return s.c.user(ctx, op, sqlexec.ReplicaOrPrimary, s.c.q.userByID, id)
}

// ByEmail returns the user whose email is exactly email (Auth.js's
// getUserByEmail), or ErrNotFound. The match is exact, as in every Auth.js
// adapter; the sign-in flows lower-case an address before they look it up,
// so pass LowerEmail(address) to find a user as a sign-in would. In the pg
// flavour, where emails are not unique, the first match is returned, as
// the pg adapter does.
func (s *Users) ByEmail(ctx context.Context, email string) (*User, error) {
	const op = "Users.ByEmail"
	if err := fail.Ctx(op, ctx); err != nil {
		return nil, err
	}
	if err := input.Check(op, input.Field{Name: "email", Value: email, Max: MaxEmailLen, MaxChars: s.c.chars()}); err != nil {
		return nil, err
	}
	return s.c.user(ctx, op, sqlexec.ReplicaOrPrimary, s.c.q.userByEmail, email)
}

// ByAccount returns the user to whom the provider account key is linked
// (Auth.js's getUserByAccount), in one query, or ErrNotFound.
func (s *Users) ByAccount(ctx context.Context, key AccountKey) (*User, error) {
	const op = "Users.ByAccount"
	if err := fail.Ctx(op, ctx); err != nil {
		return nil, err
	}
	if err := key.check(op, s.c.chars()); err != nil {
		return nil, err
	}
	return s.c.user(ctx, op, sqlexec.ReplicaOrPrimary, s.c.q.userByAccount, key.Provider, key.ProviderAccountID)
}

// user reads the user query returns, or ErrNotFound.
func (c *core) user(ctx context.Context, op string, route sqlexec.Route, query string, args ...any) (*User, error) {
	u, err := c.userOn(ctx, c.x.On(route), query, args...)
	if err != nil {
		return nil, fail.DB(op, err)
	}
	if u == nil {
		return nil, fail.NotFound(op)
	}
	return u, nil
}

// userOn reads the user query returns on q, or nil if there is none.
func (c *core) userOn(ctx context.Context, q sqlexec.Querier, query string, args ...any) (*User, error) {
	var u User
	found, err := q.QueryRow(ctx, query, args, userFields(&u)...)
	if err != nil || !found {
		return nil, err
	}
	return c.readUser(&u), nil
}

// Update writes u's Name, Email (as given), EmailVerified and Image to the
// row with u.ID (Auth.js's updateUser), and UpdatedAt where the flavour has
// it; u's times are given the values as they read back. A name, email or
// image over its limit is accepted only where it equals the value stored in
// the row (one the JavaScript side wrote, read back with ByID): such a
// user can still be updated, but a new value over a limit is
// ErrInvalidInput and nothing is written. It returns ErrNotFound if there
// is no such user and ErrAlreadyExists if the email belongs to another user
// where emails are unique.
func (s *Users) Update(ctx context.Context, u *User) error {
	const op = "Users.Update"
	if err := fail.Ctx(op, ctx); err != nil {
		return err
	}
	if err := s.checkEmail(op, u); err != nil {
		return err
	}
	c := s.c
	fields := c.profileFields(u)
	kept, err := input.CheckKept(op, fields...)
	if err != nil {
		return err
	}
	if err := c.checkTime(op, "email verified", u.EmailVerified); err != nil {
		return err
	}
	if err := c.checkUserID(op, "user id", u.ID); err != nil {
		return err
	}
	now, err := c.clock(op)
	if err != nil {
		return err
	}
	values := map[string]any{
		"id": u.ID, "name": u.Name, "email": u.Email, "verified": c.bindPtr(u.EmailVerified), "image": u.Image, "now": c.bind(now),
	}
	if !kept[0] && !kept[1] && !kept[2] {
		n, err := c.x.Exec(ctx, c.q.updateUser.sql, c.q.updateUser.args(values)...)
		if err != nil {
			return fail.DB(op, err)
		}
		if n == 0 {
			return fail.NotFound(op)
		}
	} else if err := c.updateUserKept(ctx, op, values, fields, kept); err != nil {
		return err
	}
	u.EmailVerified = c.storedPtr(u.EmailVerified)
	if c.f.ClockColumns() {
		at := c.stored(now) // as it reads back
		u.UpdatedAt = &at
	}
	return nil
}

// Delete deletes the user with the given id together with its accounts and
// sessions (Auth.js's deleteUser), in one transaction, whether or not the
// flavour's foreign keys would: the pg adapter's schema has none. It first
// locks the user's row, so that sessions and accounts being inserted for the
// user at the same moment are deleted too or not inserted. It returns
// ErrNotFound, and deletes nothing, if there is no such user.
func (s *Users) Delete(ctx context.Context, id string) error {
	const op = "Users.Delete"
	if err := fail.Ctx(op, ctx); err != nil {
		return err
	}
	if err := s.c.checkUserID(op, "user id", id); err != nil {
		return err
	}
	c := s.c
	err := c.x.Tx(ctx, func(tx *sqlexec.Tx) error {
		var locked string
		found, err := tx.QueryRow(ctx, c.q.lockUser, []any{id}, &locked)
		if err != nil {
			return err
		}
		if !found {
			return ErrNotFound
		}
		_, err = tx.Exec(ctx, c.q.deleteUser.sql, c.q.deleteUser.args(map[string]any{"id": id})...)
		return err
	})
	if errors.Is(err, ErrNotFound) {
		return fail.NotFound(op)
	}
	return fail.DB(op, err)
}

// userStatements renders the statements of the users table.
func (q *statements) userStatements(w flavourSQL) {
	q.userByID = w.render(`SELECT {userCols u} FROM {users} u WHERE u."id" = {uid $1}`)
	q.userByEmail = w.render(`SELECT {userCols u} FROM {users} u WHERE u."email" = $1 LIMIT 1`)
	q.userByAccount = w.render(`SELECT {userCols u} FROM {users} u
		WHERE u."id" = (SELECT a.{userId} FROM {accounts} a WHERE a.{provider} = $1 AND a.{providerAccountId} = $2 LIMIT 1)`)
	q.lockUserByEmail = q.userByEmail + ` FOR UPDATE`
	q.lockUser = w.render(`SELECT "id"::text FROM {users} WHERE "id" = {uid $1} FOR UPDATE`)
	q.createUser = named(w.render(`INSERT INTO {users} ({newId users}"name", "email", {emailVerified}, "image"{clock users})
		VALUES ({newIdValue users}@name, @email, @verified::{ts}, @image{clockValues users}) RETURNING "id"::text`))
	q.updateUser = named(w.render(`UPDATE {users} SET "name" = @name, "email" = @email, {emailVerified} = @verified::{ts},
		"image" = @image{touch users} WHERE "id" = {uid @id}`))
	// updateUserKept is updateUser for a user some of whose values are over
	// their limits: it writes the row only where each such value (keep_…)
	// equals the one stored, and says whether it wrote and whether the user
	// exists.
	q.updateUserKept = named(w.render(`WITH u AS (UPDATE {users} SET "name" = @name, "email" = @email,
			{emailVerified} = @verified::{ts}, "image" = @image{touch users}
		WHERE "id" = {uid @id} AND (NOT @keep_name::boolean OR "name" = @name)
			AND (NOT @keep_email::boolean OR "email" = @email) AND (NOT @keep_image::boolean OR "image" = @image)
		RETURNING 1)
		SELECT EXISTS (SELECT 1 FROM u), EXISTS (SELECT 1 FROM {users} WHERE "id" = {uid @id})`))
	q.verifyUser = named(w.render(`UPDATE {users} u SET {emailVerified} = @verified::{ts}{touch users} WHERE u."id" = {uid @id}
		RETURNING {userCols u}`))
	q.deleteUser = named(w.render(`WITH a AS (DELETE FROM {accounts} WHERE {userId} = {uid @id}),
		s AS (DELETE FROM {sessions} WHERE {userId} = {uid @id})
		DELETE FROM {users} WHERE "id" = {uid @id}`))
}
