package repository

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

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
//
// Raw statements read their rows with Find, never Scan: GORM's Scan logs
// through its own recorder, which prints the bound values (tokens) whatever
// the repository's redacting logger says; Find logs through the latter.

// link inserts a (with CompoundID set) if its user exists, at now, and sets
// a.ID, a.Created, a.Updated and a.AccessTokenExpires as they read back;
// a.ID stays 0 when the user does not exist.
func link(c *core, db *gorm.DB, a *models.Account, now time.Time) error {
	err := db.Raw(`INSERT INTO accounts (compound_id, user_id, provider_type, provider_id,
			provider_account_id, refresh_token, access_token, access_token_expires, created, updated)
		SELECT @compound, CAST(@user AS integer), @type, @provider, @account,
			CAST(@refresh AS text), CAST(@access AS text), CAST(@expires AS timestamp),
			CAST(@now AS timestamp), CAST(@now AS timestamp)
		WHERE EXISTS (SELECT 1 FROM users WHERE id = @user FOR KEY SHARE)
		RETURNING id`, map[string]any{
		"compound": a.CompoundID,
		"user":     a.UserID,
		"type":     a.ProviderType,
		"provider": a.ProviderID,
		"account":  a.ProviderAccountID,
		"refresh":  a.RefreshToken,
		"access":   a.AccessToken,
		"expires":  c.wallPtr(a.AccessTokenExpires),
		"now":      c.wall(now),
	}).Find(&a.ID).Error
	a.Created, a.Updated = c.stored(now), c.stored(now)
	a.AccessTokenExpires = c.storedPtr(a.AccessTokenExpires)
	return err
}

// openSession inserts a new session for userID, expiring at now+MaxAge,
// with two fresh random tokens. It returns ErrNotFound (unwrapped) when the
// user does not exist.
func openSession(c *core, db *gorm.DB, userID int32, now time.Time) (*models.Session, error) {
	sessionToken, err := NewToken()
	if err != nil {
		return nil, err
	}
	accessToken, err := NewToken()
	if err != nil {
		return nil, err
	}
	expires := now.Add(c.opts.MaxAge)
	s := &models.Session{
		UserID:       userID,
		Expires:      c.stored(expires),
		SessionToken: sessionToken,
		AccessToken:  accessToken,
		Created:      c.stored(now),
		Updated:      c.stored(now),
	}
	err = db.Raw(`INSERT INTO sessions (user_id, expires, session_token, access_token, created, updated)
		SELECT CAST(@user AS integer), CAST(@expires AS timestamp), @session, @access,
			CAST(@now AS timestamp), CAST(@now AS timestamp)
		WHERE EXISTS (SELECT 1 FROM users WHERE id = @user FOR KEY SHARE)
		RETURNING id`, map[string]any{
		"user":    userID,
		"expires": c.wall(expires),
		"session": sessionToken,
		"access":  accessToken,
		"now":     c.wall(now),
	}).Find(&s.ID).Error
	if err != nil {
		return nil, err
	}
	if s.ID == 0 {
		return nil, ErrNotFound
	}
	return s, nil
}

// deleteExpired deletes the rows of table that expired before now, at most
// batch rows a statement, until none is left; it returns how many it
// deleted. Rows locked by another transaction are skipped, so concurrent
// clean-ups do not wait for each other. On the day clocks change in
// Location a row may outlive its expiry by up to the change before it is
// deleted: the statement compares wall clocks, and deletes only those that
// have expired for certain (wallclock.ExpiredBefore).
func deleteExpired(ctx context.Context, c *core, db *gorm.DB, op, table string, batch int) (int64, error) {
	if batch <= 0 {
		batch = DefaultBatchSize
	}
	stmt := fmt.Sprintf(`DELETE FROM %[1]s WHERE id IN
		(SELECT id FROM %[1]s WHERE expires < CAST(? AS timestamp) LIMIT ? FOR UPDATE SKIP LOCKED)`, table)
	before := wallclock.ExpiredBefore(c.now(), c.opts.Location)
	var total int64
	for {
		if err := ctxError(op, ctx); err != nil {
			return total, err
		}
		res := db.Exec(stmt, before, batch)
		if res.Error != nil {
			return total, dbError(op, res.Error)
		}
		total += res.RowsAffected
		if res.RowsAffected < int64(batch) {
			return total, nil
		}
	}
}

// useToken deletes the sign-in token's row (identifier already lower-cased)
// in one statement and returns it if it was still valid at now; nil if
// there was none or it had expired.
func useToken(c *core, db *gorm.DB, identifier, hash string, now time.Time) (*models.VerificationRequest, error) {
	var rows []models.VerificationRequest
	err := db.Raw(`DELETE FROM verification_requests WHERE identifer = ? AND token = ? RETURNING `+verificationColumns,
		identifier, hash).Find(&rows).Error
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	row := c.readVerification(&rows[0])
	if expired(row.Expires, now) {
		return nil, nil
	}
	return row, nil
}

// findOne reads the first row q (a SELECT of one row at most) returns into
// dest, or returns gorm.ErrRecordNotFound. Unlike Take, a miss is not logged
// as an error by GORM: a request without a valid session is not worth a log
// line.
func findOne(q *gorm.DB, dest any) error {
	res := q.Find(dest)
	if res.Error == nil && res.RowsAffected == 0 {
		return gorm.ErrRecordNotFound
	}
	return res.Error
}
