package repository

import (
	"time"

	"github.com/gormauth/gormauth/internal/wallclock"
	"github.com/gormauth/gormauth/models"
)

// The timestamp columns are timestamp without time zone and hold the wall
// clock of Options.Location. The repository writes c.wall(t) for an instant
// t, bound as a time labelled UTC so that every driver and protocol mode
// writes its fields unchanged.
//
// It reads them with the column lists below: each timestamp AT TIME ZONE
// 'UTC', a timestamp with time zone whose UTC clock is the stored wall clock.
// Neither the session's TimeZone nor a scan location the driver was given (a
// TimeZone in the gorm DSN) moves such a value; a driver that turned the wall
// clock itself into a time in its zone would lose the hour that zone skips.
// c.instants turns the values read into the instants they stand for; the
// …Fields functions list the destinations of a row read with each list.
const (
	userColumns = `id, name, email, email_verified AT TIME ZONE 'UTC' AS email_verified, image,
		created AT TIME ZONE 'UTC' AS created, updated AT TIME ZONE 'UTC' AS updated`
	accountColumns = `id, compound_id, user_id, provider_type, provider_id, provider_account_id,
		refresh_token, access_token, access_token_expires AT TIME ZONE 'UTC' AS access_token_expires,
		created AT TIME ZONE 'UTC' AS created, updated AT TIME ZONE 'UTC' AS updated`
	sessionColumns = `id, user_id, expires AT TIME ZONE 'UTC' AS expires, session_token, access_token,
		created AT TIME ZONE 'UTC' AS created, updated AT TIME ZONE 'UTC' AS updated`
	verificationColumns = `id, identifer, token, expires AT TIME ZONE 'UTC' AS expires,
		created AT TIME ZONE 'UTC' AS created, updated AT TIME ZONE 'UTC' AS updated`
)

func userFields(u *models.User) []any {
	return []any{&u.ID, &u.Name, &u.Email, &u.EmailVerified, &u.Image, &u.Created, &u.Updated}
}

func accountFields(a *models.Account) []any {
	return []any{&a.ID, &a.CompoundID, &a.UserID, &a.ProviderType, &a.ProviderID, &a.ProviderAccountID,
		&a.RefreshToken, &a.AccessToken, &a.AccessTokenExpires, &a.Created, &a.Updated}
}

func sessionFields(s *models.Session) []any {
	return []any{&s.ID, &s.UserID, &s.Expires, &s.SessionToken, &s.AccessToken, &s.Created, &s.Updated}
}

func verificationFields(v *models.VerificationRequest) []any {
	return []any{&v.ID, &v.Identifier, &v.Token, &v.Expires, &v.Created, &v.Updated}
}

// now returns the current instant at the microsecond precision PostgreSQL
// stores, in UTC.
func (c *core) now() time.Time {
	return c.opts.Now().UTC().Truncate(time.Microsecond)
}

// wall returns the value a timestamp column holds for the instant t.
func (c *core) wall(t time.Time) time.Time {
	return wallclock.Of(t, c.opts.Location)
}

// wallPtr is wall for a nullable column.
func (c *core) wallPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	w := c.wall(*t)
	return &w
}

// stored returns the instant that reading back c.wall(t) gives: t at
// microsecond precision, or an hour earlier when Location shows its wall
// clock twice (the first is read back, as JavaScript does).
func (c *core) stored(t time.Time) time.Time {
	return wallclock.Instant(c.wall(t), c.opts.Location)
}

// storedPtr is stored for a nullable column.
func (c *core) storedPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	s := c.stored(*t)
	return &s
}

// instants replaces each value read with one of the column lists by the
// instant it stands for, in UTC. Nil pointers are skipped.
func (c *core) instants(ts ...*time.Time) {
	for _, t := range ts {
		if t != nil {
			*t = wallclock.Instant(t.UTC(), c.opts.Location)
		}
	}
}

// The read… methods apply instants to every timestamp of a row read with
// its column list, and return the row.

func (c *core) readUser(u *models.User) *models.User {
	if u != nil {
		c.instants(u.EmailVerified, &u.Created, &u.Updated)
	}
	return u
}

func (c *core) readAccount(a *models.Account) *models.Account {
	c.instants(a.AccessTokenExpires, &a.Created, &a.Updated)
	return a
}

func (c *core) readSession(s *models.Session) *models.Session {
	c.instants(&s.Expires, &s.Created, &s.Updated)
	c.readUser(s.User)
	return s
}

func (c *core) readVerification(v *models.VerificationRequest) *models.VerificationRequest {
	c.instants(&v.Expires, &v.Created, &v.Updated)
	return v
}

// expired reports whether a row that expires at the instant expires has
// expired at now: NextAuth.js keeps a session or sign-in token while
// now ≤ expires.
func expired(expires, now time.Time) bool {
	return now.After(expires)
}

// ended reports whether sess is no longer valid at now: expired, or past
// created + MaxLifetime.
func (c *core) ended(sess *models.Session, now time.Time) bool {
	return expired(sess.Expires, now) || c.opts.MaxLifetime > 0 && expired(sess.Created.Add(c.opts.MaxLifetime), now)
}

// expiry returns the expires of a session created at created that is
// opened or extended at now: now + MaxAge, but not past created +
// MaxLifetime.
func (c *core) expiry(created, now time.Time) time.Time {
	e := now.Add(c.opts.MaxAge)
	if end := created.Add(c.opts.MaxLifetime); c.opts.MaxLifetime > 0 && end.Before(e) {
		return end
	}
	return e
}

// checkTime rejects a time that a timestamp column cannot hold as the
// wall clock of Location (4714 BC to 294276 AD) or that NextAuth.js cannot
// read back (a JavaScript Date ends at +275760-09-13T00:00:00Z): see
// Options.Location. Anything else is stored at microsecond precision,
// rounded down.
func (c *core) checkTime(op, name string, t *time.Time) error {
	if t == nil || wallclock.Holds(*t, c.opts.Location) {
		return nil
	}
	return invalid(op, "%s is outside what a timestamp column holds on the wall clock of %s (4714 BC to 294276 AD) and a JavaScript Date reads back (%s)",
		name, c.opts.Location, wallclock.JS)
}

// clock returns Options.Now (see now) once it and the times an operation
// derives from it (now + each of ahead: a session's or a sign-in token's
// expiry) are checked with checkTime. Every operation that reads the clock
// calls it before it sends anything.
func (c *core) clock(op string, ahead ...time.Duration) (time.Time, error) {
	now := c.now()
	if err := c.checkTime(op, "the current time (Options.Now)", &now); err != nil {
		return now, err
	}
	for _, d := range ahead {
		// now is within a Date's range, so now + d cannot overflow.
		if t := now.Add(d); !wallclock.Holds(t, c.opts.Location) {
			return now, invalid(op, "the current time (Options.Now) plus %s is outside what a timestamp column holds on the wall clock of %s and a JavaScript Date reads back (%s)",
				d, c.opts.Location, wallclock.JS)
		}
	}
	return now, nil
}
