package repository

import (
	"context"
	"errors"
	"time"

	"github.com/gormauth/gormauth/internal/sqlexec"
	"github.com/gormauth/gormauth/models"
)

// Sessions reads and writes the sessions table. Get it from
// Repository.Sessions. Expired sessions are never returned: a session is
// valid while now ≤ expires, as in NextAuth.js. Returned sessions hold the
// instants their columns stand for in Options.Location.
type Sessions struct{ c *core }

func checkToken(op, name, token string) error {
	return check(op, field{Name: name, Value: token, Max: MaxTokenLen})
}

// Create opens a session for the user: two fresh tokens of 32 random bytes
// from crypto/rand (lowercase hex), expiring MaxAge from now. One statement;
// it returns ErrNotFound, and writes nothing, if the user does not exist.
func (s *Sessions) Create(ctx context.Context, userID int32) (*models.Session, error) {
	const op = "Sessions.Create"
	if err := ctxError(op, ctx); err != nil {
		return nil, err
	}
	if err := checkID(op, "user id", userID); err != nil {
		return nil, err
	}
	now, err := s.c.clock(op, s.c.opts.MaxAge)
	if err != nil {
		return nil, err
	}
	sess, err := openSession(ctx, s.c, s.c.x.On(sqlexec.Primary), userID, now)
	if errors.Is(err, ErrNotFound) {
		return nil, notFound(op + ": user")
	}
	if err != nil {
		return nil, dbError(op, err)
	}
	return sess, nil
}

// ByToken returns the valid session whose session token (the cookie value)
// is token, or ErrNotFound.
func (s *Sessions) ByToken(ctx context.Context, token string) (*models.Session, error) {
	return s.find(ctx, "Sessions.ByToken", "session token", "session_token", token)
}

// ByAccessToken returns the valid session whose access token is token, or
// ErrNotFound.
func (s *Sessions) ByAccessToken(ctx context.Context, token string) (*models.Session, error) {
	return s.find(ctx, "Sessions.ByAccessToken", "access token", "access_token", token)
}

func (s *Sessions) find(ctx context.Context, op, name, column, token string) (*models.Session, error) {
	if err := ctxError(op, ctx); err != nil {
		return nil, err
	}
	if err := checkToken(op, name, token); err != nil {
		return nil, err
	}
	now, err := s.c.clock(op)
	if err != nil {
		return nil, err
	}
	return s.c.session(ctx, op, s.c.sessionRoute(), now, `SELECT `+sessionColumns+` FROM sessions WHERE `+column+` = $1`, token)
}

// session reads the session query returns; ErrNotFound if there is none
// or it has ended at now.
func (c *core) session(ctx context.Context, op string, route sqlexec.Route, now time.Time, query string, args ...any) (*models.Session, error) {
	var sess models.Session
	found, err := c.x.QueryRow(ctx, route, query, args, sessionFields(&sess)...)
	if err != nil {
		return nil, dbError(op, err)
	}
	if !found || c.ended(c.readSession(&sess), now) {
		return nil, notFound(op)
	}
	return &sess, nil
}

// WithUser returns the valid session whose session token is token, with its
// User filled in, in one query: the lookup behind every authenticated
// request. It returns ErrNotFound if the session is absent or expired or its
// user no longer exists.
func (s *Sessions) WithUser(ctx context.Context, token string) (*models.Session, error) {
	const op = "Sessions.WithUser"
	if err := ctxError(op, ctx); err != nil {
		return nil, err
	}
	if err := checkToken(op, "session token", token); err != nil {
		return nil, err
	}
	c := s.c
	now, err := c.clock(op)
	if err != nil {
		return nil, err
	}
	sess := &models.Session{User: &models.User{}}
	u := sess.User
	found, err := c.x.QueryRow(ctx, c.sessionRoute(), sessionWithUser, []any{token},
		&sess.ID, &sess.UserID, &sess.Expires, &sess.SessionToken, &sess.AccessToken, &sess.Created, &sess.Updated,
		&u.ID, &u.Name, &u.Email, &u.EmailVerified, &u.Image, &u.Created, &u.Updated)
	if err != nil {
		return nil, dbError(op, err)
	}
	if !found || c.ended(c.readSession(sess), now) {
		return nil, notFound(op)
	}
	return sess, nil
}

// sessionWithUser reads a session and its user with one join, the
// timestamps as the column lists of times.go read them.
const sessionWithUser = `SELECT s.id, s.user_id, s.expires AT TIME ZONE 'UTC', s.session_token, s.access_token,
		s.created AT TIME ZONE 'UTC', s.updated AT TIME ZONE 'UTC',
		u.id, u.name, u.email, u.email_verified AT TIME ZONE 'UTC', u.image,
		u.created AT TIME ZONE 'UTC', u.updated AT TIME ZONE 'UTC'
	FROM sessions s JOIN users u ON u.id = s.user_id
	WHERE s.session_token = $1`

// Due reports whether the sliding expiry should extend sess now: when it was
// last extended more than UpdateAge ago, i.e. now > expires − MaxAge +
// UpdateAge, and, with MaxLifetime, it expires before created +
// MaxLifetime. It does not touch the database. A nil session is never due.
func (s *Sessions) Due(sess *models.Session) bool {
	if sess == nil {
		return false
	}
	c, o := s.c, s.c.opts
	now := c.now()
	return now.After(sess.Expires.Add(o.UpdateAge-o.MaxAge)) && sess.Expires.Before(c.stored(c.expiry(sess.Created, now)))
}

// Refresh applies NextAuth.js's sliding expiry to sess, a session just read:
// if it is Due, its expires is pushed to now + MaxAge (no later than
// created + MaxLifetime, with that option) in one statement and
// sess is updated; otherwise nothing is written. It reports whether it
// wrote. Concurrent refreshes of one session write once and never move
// expires backwards: the statement writes only if the row still holds the
// expiry sess was read with, and the refresh that finds it changed reads
// the row again instead. It returns ErrNotFound if the session was deleted
// or expired in the meantime.
func (s *Sessions) Refresh(ctx context.Context, sess *models.Session) (bool, error) {
	const op = "Sessions.Refresh"
	if err := ctxError(op, ctx); err != nil {
		return false, err
	}
	if sess == nil {
		return false, invalid(op, "nil session")
	}
	now, err := s.c.clock(op, s.c.opts.MaxAge)
	if err != nil {
		return false, err
	}
	if s.c.ended(sess, now) {
		return false, notFound(op)
	}
	if !s.Due(sess) {
		return false, nil
	}
	return s.extend(ctx, op, sess, false)
}

// ForceRefresh pushes sess's expires to now + MaxAge (no later than
// created + MaxLifetime, with that option) whether or not it is Due, and
// updates sess. It never moves expires backwards: if the row
// already expires later (a refresh by a clock that runs ahead), sess is
// given that expiry and nothing is written. It returns ErrNotFound if the
// session is absent or expired.
func (s *Sessions) ForceRefresh(ctx context.Context, sess *models.Session) error {
	const op = "Sessions.ForceRefresh"
	if err := ctxError(op, ctx); err != nil {
		return err
	}
	if sess == nil {
		return invalid(op, "nil session")
	}
	_, err := s.extend(ctx, op, sess, true)
	return err
}

// extendSession sets the expiry of the session $3 to $1 if it still
// expires at $4 (compare-and-set).
const extendSession = `UPDATE sessions SET expires = $1::timestamp, updated = $2::timestamp
	WHERE session_token = $3 AND expires = $4::timestamp
	RETURNING ` + sessionColumns

// extend sets the session's expires to now + MaxAge if the row still
// expires when sess says; when another writer changed it first, it reads
// the row into sess and, if force and the row still expires sooner, tries
// again.
func (s *Sessions) extend(ctx context.Context, op string, sess *models.Session, force bool) (bool, error) {
	if err := checkToken(op, "session token", sess.SessionToken); err != nil {
		return false, err
	}
	now, err := s.c.clock(op, s.c.opts.MaxAge)
	if err != nil {
		return false, err
	}
	if s.c.ended(sess, now) {
		return false, notFound(op)
	}
	expires := s.c.expiry(sess.Created, now)
	for attempt := 1; ; attempt++ {
		if sess.Expires.Before(expires) {
			var row models.Session
			found, err := s.c.x.QueryRow(ctx, sqlexec.Primary, extendSession,
				[]any{s.c.wall(expires), s.c.wall(now), sess.SessionToken, s.c.wall(sess.Expires)}, sessionFields(&row)...)
			if err != nil {
				return false, dbError(op, err)
			}
			if found {
				s.c.readSession(&row)
				sess.Expires, sess.Updated = row.Expires, row.Updated
				return true, nil
			}
		}
		// Nothing written: a concurrent refresh got there first, or the
		// session is gone, or (forced) it already expires later. Tell which,
		// from the primary, which has the other refresh's write.
		cur, err := s.c.session(ctx, op, sqlexec.Primary, now, `SELECT `+sessionColumns+` FROM sessions WHERE session_token = $1`, sess.SessionToken)
		if err != nil {
			return false, err
		}
		sess.Expires, sess.Updated = cur.Expires, cur.Updated
		if !force || !cur.Expires.Before(expires) || attempt == maxAttempts {
			return false, nil
		}
	}
}

// Delete deletes the session whose session token is token (signing out),
// or returns ErrNotFound.
func (s *Sessions) Delete(ctx context.Context, token string) error {
	const op = "Sessions.Delete"
	if err := ctxError(op, ctx); err != nil {
		return err
	}
	if err := checkToken(op, "session token", token); err != nil {
		return err
	}
	n, err := s.c.x.Exec(ctx, `DELETE FROM sessions WHERE session_token = $1`, token)
	if err != nil {
		return dbError(op, err)
	}
	if n == 0 {
		return notFound(op)
	}
	return nil
}

// DeleteByUser deletes every session of the user (signing out everywhere)
// and returns how many there were. It returns ErrNotFound, and deletes
// nothing, if the user does not exist.
func (s *Sessions) DeleteByUser(ctx context.Context, userID int32) (int64, error) {
	const op = "Sessions.DeleteByUser"
	if err := ctxError(op, ctx); err != nil {
		return 0, err
	}
	if err := checkID(op, "user id", userID); err != nil {
		return 0, err
	}
	var userExists bool
	var deleted int64
	_, err := s.c.x.QueryRow(ctx, sqlexec.Primary, `WITH d AS (DELETE FROM sessions
			WHERE user_id = $1 AND EXISTS (SELECT 1 FROM users WHERE id = $1) RETURNING 1)
		SELECT EXISTS (SELECT 1 FROM users WHERE id = $1), (SELECT count(*) FROM d)`,
		[]any{userID}, &userExists, &deleted)
	if err != nil {
		return 0, dbError(op, err)
	}
	if !userExists {
		return 0, notFound(op + ": user")
	}
	return deleted, nil
}

// SessionInfo describes one of a user's sessions without its session
// token, for a page that shows where the user is signed in.
type SessionInfo struct {
	// Handle identifies the session to the user's own pages: its access
	// token, which NextAuth.js made to identify a session to client code.
	// It does not authenticate a request; DeleteByHandle takes it.
	Handle string
	// Created is when the session was opened, Updated when it was last
	// extended, Expires when it ends.
	Created, Updated, Expires time.Time
}

// Is reports whether i describes s.
func (i SessionInfo) Is(s *models.Session) bool { return s != nil && i.Handle == s.AccessToken }

// ListByUser returns the user's valid sessions, newest first. A user
// without sessions, or no user, gives an empty list.
func (s *Sessions) ListByUser(ctx context.Context, userID int32) ([]SessionInfo, error) {
	const op = "Sessions.ListByUser"
	if err := ctxError(op, ctx); err != nil {
		return nil, err
	}
	if err := checkID(op, "user id", userID); err != nil {
		return nil, err
	}
	c := s.c
	now, err := c.clock(op)
	if err != nil {
		return nil, err
	}
	list := []SessionInfo{}
	err = c.x.Query(ctx, c.sessionRoute(), `SELECT `+sessionColumns+` FROM sessions WHERE user_id = $1
		ORDER BY created DESC, id DESC`, []any{userID}, func(r sqlexec.Scanner) error {
		var sess models.Session
		if err := r.Scan(sessionFields(&sess)...); err != nil {
			return err
		}
		if !c.ended(c.readSession(&sess), now) {
			list = append(list, SessionInfo{Handle: sess.AccessToken, Created: sess.Created, Updated: sess.Updated, Expires: sess.Expires})
		}
		return nil
	})
	if err != nil {
		return nil, dbError(op, err)
	}
	return list, nil
}

// DeleteByHandle deletes the user's session whose handle (SessionInfo) is
// handle: signing out one device from a list of them. It returns
// ErrNotFound, and deletes nothing, unless that session belongs to the
// user, so that a handle sent by one user never ends another's session.
func (s *Sessions) DeleteByHandle(ctx context.Context, userID int32, handle string) error {
	const op = "Sessions.DeleteByHandle"
	if err := ctxError(op, ctx); err != nil {
		return err
	}
	if err := checkID(op, "user id", userID); err != nil {
		return err
	}
	if err := checkToken(op, "handle", handle); err != nil {
		return err
	}
	n, err := s.c.x.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1 AND access_token = $2`, userID, handle)
	if err != nil {
		return dbError(op, err)
	}
	if n == 0 {
		return notFound(op)
	}
	return nil
}

// DeleteOthers deletes every session of keep's user but keep (signing out
// of the other devices) and returns how many it deleted.
func (s *Sessions) DeleteOthers(ctx context.Context, keep *models.Session) (int64, error) {
	const op = "Sessions.DeleteOthers"
	if err := ctxError(op, ctx); err != nil {
		return 0, err
	}
	if keep == nil {
		return 0, invalid(op, "nil session")
	}
	if err := checkID(op, "user id", keep.UserID); err != nil {
		return 0, err
	}
	if err := checkToken(op, "session token", keep.SessionToken); err != nil {
		return 0, err
	}
	n, err := s.c.x.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1 AND session_token <> $2`, keep.UserID, keep.SessionToken)
	if err != nil {
		return 0, dbError(op, err)
	}
	return n, nil
}

// DeleteExpired deletes every expired session, batchSize rows a statement
// (DefaultBatchSize if ≤ 0) so that no statement holds many locks, and
// returns how many it deleted. It stops between batches when ctx is done.
func (s *Sessions) DeleteExpired(ctx context.Context, batchSize int) (int64, error) {
	const op = "Sessions.DeleteExpired"
	if err := ctxError(op, ctx); err != nil {
		return 0, err
	}
	return deleteExpired(ctx, s.c, op, models.SessionsTable, batchSize)
}
