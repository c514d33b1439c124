package repository

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gormauth/gormauth/internal/fail"
	"github.com/gormauth/gormauth/internal/ids"
	"github.com/gormauth/gormauth/internal/input"
	"github.com/gormauth/gormauth/internal/sqlexec"
	"github.com/gormauth/gormauth/internal/wallclock"
)

// Sessions reads and writes the sessions table. Get it from
// Repository.Sessions. Expired sessions are never returned: a session is
// valid while now ≤ expires, and Auth.js refuses one when expires < now.
type Sessions struct{ c *core }

// maxAttempts bounds the retries of an operation that lost a race to a
// concurrent writer of the same row.
const maxAttempts = 3

func (c *core) checkToken(op, name, token string) error {
	return input.Check(op, input.Field{Name: name, Value: token, Max: MaxTokenLen, MaxChars: c.chars()})
}

// NewSessionToken returns a new session token as Auth.js makes them
// (crypto.randomUUID): a random version 4 UUID in lowercase, from
// crypto/rand. It is the default of Options.GenerateSessionToken.
func NewSessionToken() (string, error) { return ids.UUID() }

// sessionToken returns the token of a session op is about to open, from
// Options.GenerateSessionToken, checked as every session token is. Every
// operation that opens a session calls it before it sends anything.
func (c *core) sessionToken(op string) (string, error) {
	token, err := c.opts.GenerateSessionToken()
	if err != nil {
		return "", fmt.Errorf("gormauth: %s: Options.GenerateSessionToken: %w", op, err)
	}
	if err := c.checkToken(op, "the session token from Options.GenerateSessionToken", token); err != nil {
		return "", err
	}
	return token, nil
}

// Create opens a session for the user (Auth.js's createSession, as its
// sign-in flows call it): a new token (Options.GenerateSessionToken)
// expiring MaxAge from now, and an id where the table has one. One
// statement; it returns ErrNotFound, and writes nothing, if the user does
// not exist.
func (s *Sessions) Create(ctx context.Context, userID string) (*Session, error) {
	const op = "Sessions.Create"
	if err := fail.Ctx(op, ctx); err != nil {
		return nil, err
	}
	if err := s.c.checkUserID(op, "user id", userID); err != nil {
		return nil, err
	}
	if _, err := s.c.clock(op, s.c.opts.MaxAge); err != nil {
		return nil, err
	}
	token, err := s.c.sessionToken(op)
	if err != nil {
		return nil, err
	}
	sess, err := s.c.openSession(ctx, s.c.x.On(sqlexec.Primary), userID, token)
	if errors.Is(err, ErrNotFound) {
		return nil, fail.NotFound(op + ": user")
	}
	if err != nil {
		return nil, fail.DB(op, err)
	}
	return sess, nil
}

// newSession returns the session openSession inserts: token (from
// sessionToken), a new id, and times as they read back.
func (c *core) newSession(userID, token string) (*Session, error) {
	_, _, sessions := c.f.IDs()
	id, err := c.newID(sessions)
	if err != nil {
		return nil, err
	}
	now := c.now()
	sess := &Session{ID: id, SessionToken: token, UserID: userID, Expires: c.expiry(&now, now)}
	if c.f.ClockColumns() {
		at := c.stored(now) // as it reads back
		sess.CreatedAt, sess.UpdatedAt = &at, &at
	}
	return sess, nil
}

// sessionArgs are the values of createSession's and signInLinked's
// parameters for sess.
func (c *core) sessionArgs(sess *Session) map[string]any {
	now := c.now()
	if sess.CreatedAt != nil {
		now = *sess.CreatedAt
	}
	args := map[string]any{"id": sess.ID, "token": sess.SessionToken, "user": sess.UserID,
		"expires": c.bind(sess.Expires), "now": c.bind(now)}
	if c.accessTokens {
		// beta.73's sessions.access_token: 32 random bytes in hex, as
		// NextAuth.js makes it.
		b := make([]byte, 32)
		_, _ = rand.Read(b) // never fails (crypto/rand)
		tok := hex.EncodeToString(b)
		args["access_token"], sess.AccessToken = tok, &tok
	}
	return args
}

// openSession inserts a new session with token for the user, if the user
// exists (holding a KEY SHARE lock on the user's row until the statement
// ends, so that a concurrent deletion of the user waits and deletes it
// too), and returns it; ErrNotFound if there is no such user.
func (c *core) openSession(ctx context.Context, q sqlexec.Querier, userID, token string) (*Session, error) {
	sess, err := c.newSession(userID, token)
	if err != nil {
		return nil, err
	}
	var id string
	found, err := q.QueryRow(ctx, c.q.createSession.sql, c.q.createSession.args(c.sessionArgs(sess)), &id)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, ErrNotFound
	}
	sess.ID = id
	return sess, nil
}

// ByToken returns the valid session whose session token (the cookie value)
// is token, or ErrNotFound. Tokens of any form are looked up: Auth.js's
// UUIDs and the 64 hexadecimal characters of older applications.
func (s *Sessions) ByToken(ctx context.Context, token string) (*Session, error) {
	const op = "Sessions.ByToken"
	if err := fail.Ctx(op, ctx); err != nil {
		return nil, err
	}
	if err := s.c.checkToken(op, "session token", token); err != nil {
		return nil, err
	}
	now, err := s.c.clock(op)
	if err != nil {
		return nil, err
	}
	return s.c.session(ctx, op, s.c.sessionRoute(), s.c.q.sessionByToken, token, now)
}

// ByAccessToken returns the valid session whose NextAuth.js 2.0.0-beta.73
// access token (Session.AccessToken, the session.accessToken its client
// holds) is token, or ErrNotFound. On a flavour whose sessions have no
// access token (every flavour but gormauth.Beta73) it returns an error
// matching errors.ErrUnsupported and sends nothing.
func (s *Sessions) ByAccessToken(ctx context.Context, token string) (*Session, error) {
	const op = "Sessions.ByAccessToken"
	if err := fail.Ctx(op, ctx); err != nil {
		return nil, err
	}
	if !s.c.accessTokens {
		return nil, fmt.Errorf("gormauth: %s: the %s flavour's sessions have no access token: %w", op, s.c.f.Name(), errors.ErrUnsupported)
	}
	if err := s.c.checkToken(op, "access token", token); err != nil {
		return nil, err
	}
	now, err := s.c.clock(op)
	if err != nil {
		return nil, err
	}
	return s.c.session(ctx, op, s.c.sessionRoute(), s.c.q.sessionByAccessToken, token, now)
}

// session reads the session query (sessionByToken or sessionByAccessToken)
// finds for token; ErrNotFound if there is none or it has ended at now.
func (c *core) session(ctx context.Context, op string, route sqlexec.Route, query, token string, now time.Time) (*Session, error) {
	var sess Session
	found, err := c.x.QueryRow(ctx, route, query, []any{token}, sessionFields(&sess)...)
	if err != nil {
		return nil, fail.DB(op, err)
	}
	if !found || c.ended(c.readSession(&sess), now) {
		return nil, fail.NotFound(op)
	}
	return &sess, nil
}

// WithUser returns the valid session whose session token is token, with its
// User filled in, in one query (Auth.js's getSessionAndUser): the lookup
// behind every authenticated request. It returns ErrNotFound if the session
// is absent or expired or its user no longer exists. Unlike Auth.js, it
// does not delete an expired session it finds: Sessions.DeleteExpired (or
// package cleanup) does, so that a read stays a read, on a replica too.
func (s *Sessions) WithUser(ctx context.Context, token string) (*Session, error) {
	const op = "Sessions.WithUser"
	if err := fail.Ctx(op, ctx); err != nil {
		return nil, err
	}
	c := s.c
	if err := c.checkToken(op, "session token", token); err != nil {
		return nil, err
	}
	now, err := c.clock(op)
	if err != nil {
		return nil, err
	}
	sess := &Session{User: &User{}}
	found, err := c.x.QueryRow(ctx, c.sessionRoute(), c.q.sessionWithUser, []any{token},
		append(sessionFields(sess), userFields(sess.User)...)...)
	if err != nil {
		return nil, fail.DB(op, err)
	}
	if !found || c.ended(c.readSession(sess), now) {
		return nil, fail.NotFound(op)
	}
	return sess, nil
}

// Authenticate is what a request carrying the session cookie token runs,
// as the flavour's JavaScript side runs it: the valid session with its
// User (WithUser), then the sliding expiry (Refresh). cookieExpires is
// when the cookie sent again with the response should expire, zero when the
// JavaScript side would not send it: Auth.js (and NextAuth.js v4) sends it
// on every request with now + MaxAge; NextAuth.js beta.73 only when the
// expiry was pushed, with the new expiry (gormauth.Flavour.SendsCookieEachRequest).
// It returns ErrNotFound when the session is absent, expired or its user
// gone. Package nextauthhttp's middleware calls it on every request.
func (r *Repository) Authenticate(ctx context.Context, token string) (sess *Session, cookieExpires time.Time, err error) {
	sess, err = r.Sessions.WithUser(ctx, token)
	if err != nil {
		return nil, time.Time{}, err
	}
	extended, err := r.Sessions.Refresh(ctx, sess)
	switch {
	case err != nil:
		return nil, time.Time{}, err
	case r.core.f.SendsCookieEachRequest():
		return sess, r.core.opts.Now().Add(r.core.opts.MaxAge), nil
	case extended:
		return sess, sess.Expires, nil
	}
	return sess, time.Time{}, nil
}

// Due reports whether the sliding expiry extends sess now: when it was
// last extended UpdateAge ago or more, i.e. expires − MaxAge + UpdateAge ≤
// now (more than UpdateAge ago in Beta73: see gormauth.Flavour.Due), and,
// with MaxLifetime, it expires before createdAt + MaxLifetime. It does not touch the database. A nil session is never due.
func (s *Sessions) Due(sess *Session) bool {
	if sess == nil {
		return false
	}
	c, o := s.c, s.c.opts
	now := c.now()
	return c.f.Due(sess.Expires, now, o.MaxAge, o.UpdateAge) && sess.Expires.Before(c.expiry(sess.CreatedAt, now))
}

// Refresh applies Auth.js's sliding expiry to sess, a session just read
// (Auth.js's updateSession with a new expires, as its session endpoint
// calls it): if it is Due, its expires is pushed to now + MaxAge (no later
// than createdAt + MaxLifetime, with that option) in one statement and sess
// is updated; otherwise nothing is written. It reports
// whether it wrote. Concurrent refreshes of one session write once and never
// move expires backwards: the statement writes only if the row still holds
// the expiry sess was read with, and a refresh that finds it changed reads
// the row again instead. It returns ErrNotFound if the session was deleted
// or expired in the meantime.
func (s *Sessions) Refresh(ctx context.Context, sess *Session) (bool, error) {
	const op = "Sessions.Refresh"
	if err := fail.Ctx(op, ctx); err != nil {
		return false, err
	}
	if sess == nil {
		return false, fail.Invalid(op, "nil session")
	}
	now, err := s.c.clock(op, s.c.opts.MaxAge)
	if err != nil {
		return false, err
	}
	if s.c.ended(sess, now) {
		return false, fail.NotFound(op)
	}
	if !s.Due(sess) {
		return false, nil
	}
	return s.extend(ctx, op, sess, false)
}

// ForceRefresh pushes sess's expires to now + MaxAge (no later than
// createdAt + MaxLifetime, with that option) whether or not it is Due, and
// updates sess. It never moves expires backwards: if the row
// already expires later, sess is given that expiry and nothing is written.
// It returns ErrNotFound if the session is absent or expired.
func (s *Sessions) ForceRefresh(ctx context.Context, sess *Session) error {
	const op = "Sessions.ForceRefresh"
	if err := fail.Ctx(op, ctx); err != nil {
		return err
	}
	if sess == nil {
		return fail.Invalid(op, "nil session")
	}
	_, err := s.extend(ctx, op, sess, true)
	return err
}

// extend sets the session's expires to now + MaxAge if the row still
// expires when sess says; when another writer changed it first, it reads
// the row into sess and, if force and the row still expires sooner, tries
// again.
func (s *Sessions) extend(ctx context.Context, op string, sess *Session, force bool) (bool, error) {
	c := s.c
	if err := c.checkToken(op, "session token", sess.SessionToken); err != nil {
		return false, err
	}
	now, err := c.clock(op, c.opts.MaxAge)
	if err != nil {
		return false, err
	}
	if c.ended(sess, now) {
		return false, fail.NotFound(op)
	}
	expires := c.expiry(sess.CreatedAt, now)
	for attempt := 1; ; attempt++ {
		if sess.Expires.Before(expires) {
			var row Session
			found, err := c.x.QueryRow(ctx, sqlexec.Primary, c.q.extendSession.sql, c.q.extendSession.args(map[string]any{
				"token": sess.SessionToken, "expires": c.bind(expires), "old": c.bind(sess.Expires), "now": c.bind(now),
			}), sessionFields(&row)...)
			if err != nil {
				return false, fail.DB(op, err)
			}
			if found {
				c.readSession(&row)
				sess.Expires, sess.UpdatedAt = row.Expires, row.UpdatedAt
				return true, nil
			}
		}
		// Nothing written: a concurrent refresh got there first, or the
		// session is gone, or (forced) it already expires later. Tell which,
		// from the primary, which has the other refresh's write.
		cur, err := c.session(ctx, op, sqlexec.Primary, c.q.sessionByToken, sess.SessionToken, now)
		if err != nil {
			return false, err
		}
		sess.Expires, sess.UpdatedAt = cur.Expires, cur.UpdatedAt
		if !force || !cur.Expires.Before(expires) || attempt == maxAttempts {
			return false, nil
		}
	}
}

// Delete deletes the session whose session token is token (signing out;
// Auth.js's deleteSession), or returns ErrNotFound.
func (s *Sessions) Delete(ctx context.Context, token string) error {
	const op = "Sessions.Delete"
	if err := fail.Ctx(op, ctx); err != nil {
		return err
	}
	if err := s.c.checkToken(op, "session token", token); err != nil {
		return err
	}
	n, err := s.c.x.Exec(ctx, s.c.q.deleteSession, token)
	if err != nil {
		return fail.DB(op, err)
	}
	if n == 0 {
		return fail.NotFound(op)
	}
	return nil
}

// DeleteByUser deletes every session of the user (signing out everywhere)
// and returns how many there were. It returns ErrNotFound, and deletes
// nothing, if the user does not exist.
func (s *Sessions) DeleteByUser(ctx context.Context, userID string) (int64, error) {
	const op = "Sessions.DeleteByUser"
	if err := fail.Ctx(op, ctx); err != nil {
		return 0, err
	}
	if err := s.c.checkUserID(op, "user id", userID); err != nil {
		return 0, err
	}
	var userExists bool
	var deleted int64
	_, err := s.c.x.QueryRow(ctx, sqlexec.Primary, s.c.q.deleteSessionsByUser, []any{userID}, &userExists, &deleted)
	if err != nil {
		return 0, fail.DB(op, err)
	}
	if !userExists {
		return 0, fail.NotFound(op + ": user")
	}
	return deleted, nil
}

// SessionInfo describes one of a user's sessions without its session
// token, for a page that shows where the user is signed in.
type SessionInfo struct {
	// Handle identifies the session to the user's own pages: 32
	// hexadecimal characters of a SHA-256 of the session token, from which
	// the token cannot be found. It does not authenticate a request;
	// DeleteByHandle takes it.
	Handle string
	// CreatedAt is when the session was opened, where the flavour records
	// it (Prisma, Auth.js v5); nil otherwise.
	CreatedAt *time.Time
	// Extended is when the session was opened or last extended by the
	// sliding expiry: Expires − MaxAge.
	Extended time.Time
	// Expires is when the session ends.
	Expires time.Time
}

// handlePrefix is hashed before the session token to make its handle.
const handlePrefix = "gormauth-session-handle:"

// sessionHandle returns the handle of the session whose token is token.
func sessionHandle(token string) string {
	sum := sha256.Sum256([]byte(handlePrefix + token))
	return hex.EncodeToString(sum[:16])
}

// Is reports whether i describes s.
func (i SessionInfo) Is(s *Session) bool {
	return s != nil && i.Handle == sessionHandle(s.SessionToken)
}

// ListByUser returns the user's valid sessions, newest first (by
// CreatedAt where the flavour has it, else by Expires). A user without
// sessions, or no user, gives an empty list.
func (s *Sessions) ListByUser(ctx context.Context, userID string) ([]SessionInfo, error) {
	const op = "Sessions.ListByUser"
	if err := fail.Ctx(op, ctx); err != nil {
		return nil, err
	}
	c := s.c
	if err := c.checkUserID(op, "user id", userID); err != nil {
		return nil, err
	}
	now, err := c.clock(op)
	if err != nil {
		return nil, err
	}
	list := []SessionInfo{}
	err = c.x.Query(ctx, c.sessionRoute(), c.q.sessionsByUser, []any{userID, c.bind(now)}, func(r sqlexec.Scanner) error {
		var sess Session
		if err := r.Scan(sessionFields(&sess)...); err != nil {
			return err
		}
		if c.ended(c.readSession(&sess), now) {
			return nil
		}
		list = append(list, SessionInfo{Handle: sessionHandle(sess.SessionToken), CreatedAt: sess.CreatedAt,
			Extended: sess.Expires.Add(-c.opts.MaxAge), Expires: sess.Expires})
		return nil
	})
	if err != nil {
		return nil, fail.DB(op, err)
	}
	return list, nil
}

// DeleteByHandle deletes the user's session whose handle (SessionInfo) is
// handle: signing out one device from a list of them. It returns
// ErrNotFound, and deletes nothing, unless that session belongs to the
// user, so that a handle sent by one user never ends another's session.
func (s *Sessions) DeleteByHandle(ctx context.Context, userID, handle string) error {
	const op = "Sessions.DeleteByHandle"
	if err := fail.Ctx(op, ctx); err != nil {
		return err
	}
	c := s.c
	if err := c.checkUserID(op, "user id", userID); err != nil {
		return err
	}
	if len(handle) != 32 || strings.Trim(handle, "0123456789abcdef") != "" {
		return fail.Invalid(op, "handle is not 32 lowercase hexadecimal characters")
	}
	n, err := c.x.Exec(ctx, c.q.deleteSessionByHandle, userID, handle)
	if err != nil {
		return fail.DB(op, err)
	}
	if n == 0 {
		return fail.NotFound(op)
	}
	return nil
}

// DeleteOthers deletes every session of keep's user but keep (signing out
// of the other devices) and returns how many it deleted.
func (s *Sessions) DeleteOthers(ctx context.Context, keep *Session) (int64, error) {
	const op = "Sessions.DeleteOthers"
	if err := fail.Ctx(op, ctx); err != nil {
		return 0, err
	}
	if keep == nil {
		return 0, fail.Invalid(op, "nil session")
	}
	c := s.c
	if err := c.checkUserID(op, "user id", keep.UserID); err != nil {
		return 0, err
	}
	if err := c.checkToken(op, "session token", keep.SessionToken); err != nil {
		return 0, err
	}
	n, err := c.x.Exec(ctx, c.q.deleteOtherSessions, keep.UserID, keep.SessionToken)
	if err != nil {
		return 0, fail.DB(op, err)
	}
	return n, nil
}

// DeleteExpired deletes every expired session, batchSize rows a statement
// (DefaultBatchSize if ≤ 0) so that no statement holds many locks, and
// returns how many it deleted. Rows another transaction holds are skipped.
// It stops between batches when ctx is done.
func (s *Sessions) DeleteExpired(ctx context.Context, batchSize int) (int64, error) {
	return s.c.deleteExpired(ctx, "Sessions.DeleteExpired", s.c.q.deleteExpiredSessions, batchSize)
}

// deleteExpired runs query, one of the deleteExpired statements, in
// batches.
func (c *core) deleteExpired(ctx context.Context, op, query string, batch int) (int64, error) {
	if err := fail.Ctx(op, ctx); err != nil {
		return 0, err
	}
	if batch <= 0 {
		batch = DefaultBatchSize
	}
	now, err := c.clock(op)
	if err != nil {
		return 0, err
	}
	n, err := c.x.ExecBatches(ctx, query, c.expiredBefore(now), batch)
	if err != nil {
		return n, fail.DB(op, err)
	}
	return n, nil
}

// expiredBefore is the cutoff of deleteExpired at now: rows whose expires
// is before it have expired. Where the columns hold UTC it is now; where
// they hold a zone's wall clock (Beta73 with Options.Location), the latest
// wall clock before which every wall clock reads back as an instant before
// now (wallclock.ExpiredBefore), so that a row holding a wall clock the
// zone skips or repeats is never deleted while reads still find it valid.
func (c *core) expiredBefore(now time.Time) time.Time {
	if !c.f.LocalTime() || c.zone == time.UTC {
		return c.bind(now)
	}
	w := wallclock.ExpiredBefore(c.truncate(now), c.zone)
	if w.Before(wallclock.Min) {
		return wallclock.Min
	}
	return w
}

// sessionStatements renders the statements of the sessions table.
func (q *statements) sessionStatements(w flavourSQL) {
	q.sessionByToken = w.render(`SELECT {sessionCols s} FROM {sessions} s WHERE s.{sessionToken} = $1 LIMIT 1`)
	if w.f.Has(w.table("sessions"), "access_token") {
		q.sessionByAccessToken = w.render(`SELECT {sessionCols s} FROM {sessions} s WHERE s."access_token" = $1 LIMIT 1`)
	}
	q.sessionWithUser = w.render(`SELECT {sessionCols s}, {userCols u}
		FROM {sessions} s JOIN {users} u ON u."id" = s.{userId}
		WHERE s.{sessionToken} = $1 LIMIT 1`)
	q.deleteSession = w.render(`DELETE FROM {sessions} WHERE {sessionToken} = $1`)
	newestFirst := `s."expires" DESC`
	if w.f.ClockColumns() {
		newestFirst = `s.{createdAt} DESC, s."expires" DESC`
	}
	q.sessionsByUser = w.render(`SELECT {sessionCols s} FROM {sessions} s
		WHERE s.{userId} = {uid $1} AND s."expires" >= $2::{ts} ORDER BY ` + newestFirst)
	q.deleteSessionByHandle = w.render(`DELETE FROM {sessions} WHERE {userId} = {uid $1}
		AND left(encode(sha256(convert_to('` + handlePrefix + `' || {sessionToken}, 'UTF8')), 'hex'), 32) = $2`)
	q.deleteOtherSessions = w.render(`DELETE FROM {sessions} WHERE {userId} = {uid $1} AND {sessionToken} <> $2`)
	q.deleteSessionsByUser = w.render(`WITH d AS (DELETE FROM {sessions}
			WHERE {userId} = {uid $1} AND EXISTS (SELECT 1 FROM {users} WHERE "id" = {uid $1}) RETURNING 1)
		SELECT EXISTS (SELECT 1 FROM {users} WHERE "id" = {uid $1}), (SELECT count(*) FROM d)`)
	q.deleteExpiredSessions = w.deleteExpired("sessions")
	q.createSession = named(w.render(`INSERT INTO {sessions} ({newId sessions}{sessionToken}, {userId}, "expires"{accessToken}{clock sessions})
		SELECT {newIdValue sessions}@token, {uid @user}, @expires::{ts}{accessTokenValue}{clockValues sessions}
		WHERE EXISTS (SELECT 1 FROM {users} WHERE "id" = {uid @user} FOR KEY SHARE)
		RETURNING {readId sessions}`))
	q.extendSession = named(w.render(`UPDATE {sessions} s SET "expires" = @expires::{ts}{touch sessions}
		WHERE s.{sessionToken} = @token AND s."expires" = @old::{ts}
		RETURNING {sessionCols s}`))
	// signInLinked locks the user's row, then the account's: a sign-in that
	// waits for the user's row while SignInEmail unlinks the account
	// (holding the user's row FOR UPDATE) finds the account deleted and
	// signs no one in.
	q.signInLinked = named(w.render(`WITH u AS (
			SELECT {userCols u} FROM {users} u JOIN {accounts} a ON a.{userId} = u."id"
			WHERE a.{provider} = @provider AND a.{providerAccountId} = @account
			LIMIT 1 FOR KEY SHARE OF u, a),
		s AS (
			INSERT INTO {sessions} ({newId sessions}{sessionToken}, {userId}, "expires"{accessToken}{clock sessions})
			SELECT {newIdValue sessions}@token, {uidOf u.id}, @expires::{ts}{accessTokenValue}{clockValues sessions} FROM u
			RETURNING {readId sessions} AS session_id)
		SELECT u.*, s.session_id FROM u, s`))
}
