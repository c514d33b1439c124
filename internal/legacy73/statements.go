package repository

import (
	"context"
	"fmt"
	"time"

	"github.com/gormauth/gormauth/internal/sqlexec"
	"github.com/gormauth/gormauth/internal/wallclock"
	"github.com/gormauth/gormauth/models"
)

// The statements shared by single operations and the sign-in flows. Each is
// one round trip. Those that insert a row for a user insert nothing when the
// user does not exist, and hold a KEY SHARE lock on the user's row while they
// insert: a concurrent Users.Delete (which locks the row FOR UPDATE first)
// either waits for the insert and deletes the new row too, or makes the
// insert wait and then insert nothing. So the repository never leaves a row
// pointing at a deleted user.

// linkAccount inserts an account for the user $2 if that user exists.
const linkAccount = `INSERT INTO accounts (compound_id, user_id, provider_type, provider_id,
		provider_account_id, refresh_token, access_token, access_token_expires, created, updated)
	SELECT $1, $2::integer, $3, $4, $5, $6::text, $7::text, $8::timestamp, $9::timestamp, $9::timestamp
	WHERE EXISTS (SELECT 1 FROM users WHERE id = $2 FOR KEY SHARE)
	RETURNING id`

// link inserts a (with CompoundID set) if its user exists, at now, and sets
// a.ID, a.Created, a.Updated and a.AccessTokenExpires as they read back;
// a.ID stays 0 when the user does not exist.
func link(ctx context.Context, c *core, q sqlexec.Querier, a *models.Account, now time.Time) error {
	_, err := q.QueryRow(ctx, linkAccount,
		[]any{a.CompoundID, a.UserID, a.ProviderType, a.ProviderID, a.ProviderAccountID,
			a.RefreshToken, a.AccessToken, c.wallPtr(a.AccessTokenExpires), c.wall(now)},
		&a.ID)
	a.Created, a.Updated = c.stored(now), c.stored(now)
	a.AccessTokenExpires = c.storedPtr(a.AccessTokenExpires)
	return err
}

// insertSession inserts a session for the user $1 if that user exists.
const insertSession = `INSERT INTO sessions (user_id, expires, session_token, access_token, created, updated)
	SELECT $1::integer, $2::timestamp, $3, $4, $5::timestamp, $5::timestamp
	WHERE EXISTS (SELECT 1 FROM users WHERE id = $1 FOR KEY SHARE)
	RETURNING id`

// openSession inserts a new session for userID, expiring at now+MaxAge
// (capped by MaxLifetime), with two fresh random tokens. It returns
// ErrNotFound (unwrapped) when the user does not exist.
func openSession(ctx context.Context, c *core, q sqlexec.Querier, userID int32, now time.Time) (*models.Session, error) {
	s, err := newSession(c, userID, now)
	if err != nil {
		return nil, err
	}
	found, err := q.QueryRow(ctx, insertSession,
		[]any{userID, c.wall(c.expiry(now, now)), s.SessionToken, s.AccessToken, c.wall(now)},
		&s.ID)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, ErrNotFound
	}
	return s, nil
}

// newSession returns the session openSession inserts, without its ID: two
// fresh tokens, and times as they read back.
func newSession(c *core, userID int32, now time.Time) (*models.Session, error) {
	sessionToken, err := NewToken()
	if err != nil {
		return nil, err
	}
	accessToken, err := NewToken()
	if err != nil {
		return nil, err
	}
	return &models.Session{
		UserID:       userID,
		Expires:      c.stored(c.expiry(now, now)),
		SessionToken: sessionToken,
		AccessToken:  accessToken,
		Created:      c.stored(now),
		Updated:      c.stored(now),
	}, nil
}

// deleteExpired deletes the rows of table that expired before now, at most
// batch rows a statement, until none is left; it returns how many it
// deleted. Rows locked by another transaction are skipped, so concurrent
// clean-ups do not wait for each other. On the day clocks change in
// Location a row may outlive its expiry by up to the change before it is
// deleted: the statement compares wall clocks, and deletes only those that
// have expired for certain (wallclock.ExpiredBefore).
func deleteExpired(ctx context.Context, c *core, op, table string, batch int) (int64, error) {
	if batch <= 0 {
		batch = DefaultBatchSize
	}
	stmt := fmt.Sprintf(`DELETE FROM %[1]s WHERE id IN
		(SELECT id FROM %[1]s WHERE expires < $1::timestamp LIMIT $2 FOR UPDATE SKIP LOCKED)`, table)
	now, err := c.clock(op)
	if err != nil {
		return 0, err
	}
	before := wallclock.ExpiredBefore(now, c.opts.Location)
	if before.Before(wallclock.Min) {
		before = wallclock.Min // nothing is stored before it
	}
	n, err := c.x.ExecBatches(ctx, stmt, before, batch)
	if err != nil {
		return n, dbError(op, err)
	}
	return n, nil
}

// lockEmail takes the transaction's advisory lock of the key $1
// (emailLock), which SignInEmail and Verifications.Replace hold while they
// change an address's sign-in tokens.
const lockEmail = `SELECT pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended($1, 0))`

// emailLock returns the key of the advisory lock of the lower-cased
// address identifier.
func emailLock(identifier string) string { return "gormauth:email:" + identifier }

// deleteTokens deletes every sign-in token of the address $1.
const deleteTokens = `DELETE FROM verification_requests WHERE identifer = $1`

// deleteToken deletes a sign-in token's row and returns it.
const deleteToken = `DELETE FROM verification_requests WHERE identifer = $1 AND token = $2
	RETURNING ` + verificationColumns

// useToken deletes the sign-in token's row (identifier already lower-cased)
// in one statement and returns it if it was still valid at now; nil if
// there was none or it had expired.
func useToken(ctx context.Context, c *core, q sqlexec.Querier, identifier, hash string, now time.Time) (*models.VerificationRequest, error) {
	var v models.VerificationRequest
	found, err := q.QueryRow(ctx, deleteToken, []any{identifier, hash}, verificationFields(&v)...)
	if err != nil || !found {
		return nil, err
	}
	if expired(c.readVerification(&v).Expires, now) {
		return nil, nil
	}
	return &v, nil
}
