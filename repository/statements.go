package repository

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

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

// link inserts a (with CompoundID, Created and Updated set) if its user
// exists and sets a.ID; a.ID stays 0 when the user does not exist.
func link(db *gorm.DB, a *models.Account) error {
	return db.Raw(`INSERT INTO accounts (compound_id, user_id, provider_type, provider_id,
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
		"expires":  a.AccessTokenExpires,
		"now":      a.Created,
	}).Find(&a.ID).Error
}

// openSession inserts a new session for userID, expiring at now+maxAge, with
// two fresh random tokens. It returns ErrNotFound (unwrapped) when the user
// does not exist.
func openSession(db *gorm.DB, userID int32, now time.Time, maxAge time.Duration) (*models.Session, error) {
	sessionToken, err := NewToken()
	if err != nil {
		return nil, err
	}
	accessToken, err := NewToken()
	if err != nil {
		return nil, err
	}
	s := &models.Session{
		UserID:       userID,
		Expires:      now.Add(maxAge),
		SessionToken: sessionToken,
		AccessToken:  accessToken,
		Created:      now,
		Updated:      now,
	}
	err = db.Raw(`INSERT INTO sessions (user_id, expires, session_token, access_token, created, updated)
		SELECT CAST(@user AS integer), CAST(@expires AS timestamp), @session, @access,
			CAST(@now AS timestamp), CAST(@now AS timestamp)
		WHERE EXISTS (SELECT 1 FROM users WHERE id = @user FOR KEY SHARE)
		RETURNING id`, map[string]any{
		"user":    userID,
		"expires": s.Expires,
		"session": sessionToken,
		"access":  accessToken,
		"now":     now,
	}).Find(&s.ID).Error
	if err != nil {
		return nil, err
	}
	if s.ID == 0 {
		return nil, ErrNotFound
	}
	return s, nil
}

// deleteExpired deletes the rows of table whose expires is before now, at
// most batch rows a statement, until none is left; it returns how many it
// deleted. Rows locked by another transaction are skipped, so concurrent
// clean-ups do not wait for each other.
func deleteExpired(ctx context.Context, db *gorm.DB, op, table string, now time.Time, batch int) (int64, error) {
	if batch <= 0 {
		batch = DefaultBatchSize
	}
	stmt := fmt.Sprintf(`DELETE FROM %[1]s WHERE id IN
		(SELECT id FROM %[1]s WHERE expires < ? LIMIT ? FOR UPDATE SKIP LOCKED)`, table)
	var total int64
	for {
		if err := ctxError(op, ctx); err != nil {
			return total, err
		}
		res := db.Exec(stmt, now, batch)
		if res.Error != nil {
			return total, dbError(op, res.Error)
		}
		total += res.RowsAffected
		if res.RowsAffected < int64(batch) {
			return total, nil
		}
	}
}

// useToken deletes the sign-in token's row in one statement and returns it
// if it was still valid at now; nil if there was none or it had expired.
func useToken(db *gorm.DB, t SignInToken, now time.Time) (*models.VerificationRequest, error) {
	var rows []models.VerificationRequest
	err := db.Raw(`DELETE FROM verification_requests WHERE identifer = ? AND token = ? RETURNING *`,
		t.identifier(), t.hash()).Find(&rows).Error
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	row := &rows[0]
	if now.After(row.Expires) {
		return nil, nil
	}
	return row, nil
}

// findOne reads the first row q matches into dest, or returns
// gorm.ErrRecordNotFound. Unlike Take, a miss is not logged as an error by
// GORM: a request without a valid session is not worth a log line.
func findOne(q *gorm.DB, dest any) error {
	res := q.Limit(1).Find(dest)
	if res.Error == nil && res.RowsAffected == 0 {
		return gorm.ErrRecordNotFound
	}
	return res.Error
}
