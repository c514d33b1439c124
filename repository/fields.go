package repository

import (
	"time"
)

// The destinations of a row read with the column lists of statements.go,
// and the conversion of what was read.

func userFields(u *User) []any {
	return []any{&u.ID, &u.Name, &u.Email, &u.EmailVerified, &u.Image, &u.CreatedAt, &u.UpdatedAt}
}

func (c *core) readUser(u *User) *User {
	if u != nil {
		c.instants(u.EmailVerified, u.CreatedAt, u.UpdatedAt)
	}
	return u
}

// accountRow is an account as read, with beta.73's expiry time, which
// readAccount turns into ExpiresAt.
type accountRow struct {
	Account
	expires *time.Time // accounts.access_token_expires (beta.73), or nil
}

func (a *accountRow) fields() []any {
	return []any{&a.ID, &a.UserID, &a.Type, &a.Provider, &a.ProviderAccountID, &a.RefreshToken, &a.AccessToken,
		&a.IDToken, &a.ExpiresAt, &a.TokenType, &a.Scope, &a.SessionState, &a.CreatedAt, &a.UpdatedAt, &a.expires}
}

// readAccount returns the account read into a, its times instants in UTC
// and beta.73's expiry time as ExpiresAt in seconds (rounded down).
func (c *core) readAccount(a *accountRow) *Account {
	c.instants(a.CreatedAt, a.UpdatedAt, a.expires)
	if a.expires != nil {
		at := a.expires.Unix()
		a.ExpiresAt = &at
	}
	return &a.Account
}

// expiresTime is the parameter beta.73's access_token_expires takes for
// expiresAt, seconds since the epoch: the flavour zone's wall clock.
func (c *core) expiresTime(expiresAt *int64) *time.Time {
	if expiresAt == nil {
		return nil
	}
	t := time.Unix(*expiresAt, 0)
	return c.bindPtr(&t)
}

func sessionFields(s *Session) []any {
	return []any{&s.ID, &s.SessionToken, &s.UserID, &s.Expires, &s.AccessToken, &s.CreatedAt, &s.UpdatedAt}
}

func (c *core) readSession(s *Session) *Session {
	c.instants(&s.Expires, s.CreatedAt, s.UpdatedAt)
	c.readUser(s.User)
	return s
}

func tokenFields(v *VerificationToken) []any {
	return []any{&v.Identifier, &v.Token, &v.Expires}
}

func (c *core) readToken(v *VerificationToken) *VerificationToken {
	c.instants(&v.Expires)
	return v
}

// expired reports whether something that expires at expires has expired
// at now: Auth.js keeps a session or sign-in token while now ≤ expires
// (it refuses one when expires < now).
func expired(expires, now time.Time) bool { return expires.Before(now) }

// ended reports whether sess is no longer valid at now: expired, or past
// CreatedAt + MaxLifetime (a session without CreatedAt has ended when
// there is a lifetime).
func (c *core) ended(sess *Session, now time.Time) bool {
	if expired(sess.Expires, now) {
		return true
	}
	if c.opts.MaxLifetime == 0 {
		return false
	}
	return sess.CreatedAt == nil || expired(sess.CreatedAt.Add(c.opts.MaxLifetime), now)
}

// expiry returns the expires, as stored, of a session created at created
// (nil: not recorded) that is opened or extended at now: now + MaxAge, but
// not past created + MaxLifetime.
func (c *core) expiry(created *time.Time, now time.Time) time.Time {
	e := now.Add(c.opts.MaxAge)
	if created != nil && c.opts.MaxLifetime > 0 {
		if end := created.Add(c.opts.MaxLifetime); end.Before(e) {
			e = end
		}
	}
	return c.stored(e)
}
