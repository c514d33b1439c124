package repository

import (
	"context"
	"time"

	"github.com/gormauth/gormauth/internal/sqlexec"
	"github.com/gormauth/gormauth/models"
)

// SignInToken is what an email sign-in link carries, with the application
// secret: a struct, so the three strings cannot be swapped by mistake.
type SignInToken struct {
	// Identifier is the email address. It is lower-cased as NextAuth.js
	// does (LowerEmail: JavaScript's toLowerCase, whose full Unicode mapping
	// differs from strings.ToLower for İ and a word-final Σ) before it is
	// stored or compared; MaxEmailLen applies to the lower-cased address.
	Identifier string
	// Token is the plain token sent in the link. It is never stored: the
	// row holds models.HashToken(Token, Secret).
	Token string `json:"-"`
	// Secret is the application's secret (NextAuth.js's `secret` option).
	// It may be empty, as NextAuth.js allows, but should not be.
	Secret string `json:"-"`
}

// key checks t and returns what its row is found by: the lower-cased
// identifier and the hash of token and secret.
func (t SignInToken) key(op string) (identifier, hash string, err error) {
	if err := check(op,
		field{Name: "token", Value: t.Token, Max: MaxTokenLen},
		field{Name: "secret", Value: t.Secret, Max: MaxSecretLen, Optional: true}); err != nil {
		return "", "", err
	}
	identifier, err = lowerEmail(op, "identifier", t.Identifier)
	if err != nil {
		return "", "", err
	}
	return identifier, models.HashToken(t.Token, t.Secret), nil
}

// Verifications reads and writes the verification_requests table: email
// sign-in tokens. Get it from Repository.Verifications. A token is valid
// while now ≤ expires; expired tokens are never returned. Returned rows
// hold the instants their columns stand for in Options.Location.
type Verifications struct{ c *core }

// insertToken stores a sign-in token.
const insertToken = `INSERT INTO verification_requests (identifer, token, expires, created, updated)
	VALUES ($1, $2, $3::timestamp, $4::timestamp, $4::timestamp) RETURNING id`

// Create stores a sign-in token valid for maxAge (DefaultVerificationMaxAge
// if 0): only the hash of token and secret is written, with the lower-cased
// identifier. It returns ErrAlreadyExists if the same hash is already stored
// (the same token and secret twice).
func (v *Verifications) Create(ctx context.Context, t SignInToken, maxAge time.Duration) (*models.VerificationRequest, error) {
	const op = "Verifications.Create"
	row, args, err := v.prepare(ctx, op, t, maxAge)
	if err != nil {
		return nil, err
	}
	if _, err := v.c.x.QueryRow(ctx, sqlexec.Primary, insertToken, args, &row.ID); err != nil {
		return nil, dbError(op, err)
	}
	return row, nil
}

// Replace is Create for a link that supersedes those sent before: in one
// transaction it deletes every sign-in token of the address (the
// identifier lower-cased, as Create stores it) and stores t's, so that an
// earlier link stops working and a flood of requests leaves one working
// link. The transaction holds an advisory lock of the address, which
// SignInEmail takes too, so that concurrent calls for one address leave
// exactly one token. It checks t and maxAge as Create does and returns the
// same errors; on an error nothing is deleted.
func (v *Verifications) Replace(ctx context.Context, t SignInToken, maxAge time.Duration) (*models.VerificationRequest, error) {
	const op = "Verifications.Replace"
	row, args, err := v.prepare(ctx, op, t, maxAge)
	if err != nil {
		return nil, err
	}
	err = v.c.x.Tx(ctx, func(tx *sqlexec.Tx) error {
		if _, err := tx.Exec(ctx, lockEmail, emailLock(row.Identifier)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, deleteTokens, row.Identifier); err != nil {
			return err
		}
		_, err := tx.QueryRow(ctx, insertToken, args, &row.ID)
		return err
	})
	if err != nil {
		return nil, dbError(op, err)
	}
	return row, nil
}

// prepare checks what Create and Replace are given and returns the row to
// store, without its ID, and insertToken's arguments.
func (v *Verifications) prepare(ctx context.Context, op string, t SignInToken, maxAge time.Duration) (*models.VerificationRequest, []any, error) {
	if err := ctxError(op, ctx); err != nil {
		return nil, nil, err
	}
	identifier, hash, err := t.key(op)
	if err != nil {
		return nil, nil, err
	}
	if maxAge < 0 {
		return nil, nil, invalid(op, "max age %s is negative", maxAge)
	}
	if maxAge == 0 {
		maxAge = DefaultVerificationMaxAge
	}
	c := v.c
	now, err := c.clock(op, maxAge)
	if err != nil {
		return nil, nil, err
	}
	expires := now.Add(maxAge)
	row := &models.VerificationRequest{Identifier: identifier, Token: hash,
		Expires: c.stored(expires), Created: c.stored(now), Updated: c.stored(now)}
	return row, []any{identifier, hash, c.wall(expires), c.wall(now)}, nil
}

// Find returns the valid sign-in token without using it up, or
// ErrNotFound.
func (v *Verifications) Find(ctx context.Context, t SignInToken) (*models.VerificationRequest, error) {
	const op = "Verifications.Find"
	if err := ctxError(op, ctx); err != nil {
		return nil, err
	}
	identifier, hash, err := t.key(op)
	if err != nil {
		return nil, err
	}
	now, err := v.c.clock(op)
	if err != nil {
		return nil, err
	}
	var row models.VerificationRequest
	found, err := v.c.x.QueryRow(ctx, sqlexec.ReplicaOrPrimary, `SELECT `+verificationColumns+` FROM verification_requests
		WHERE identifer = $1 AND token = $2`, []any{identifier, hash}, verificationFields(&row)...)
	if err != nil {
		return nil, dbError(op, err)
	}
	if !found || expired(v.c.readVerification(&row).Expires, now) {
		return nil, notFound(op)
	}
	return &row, nil
}

// Use redeems the sign-in token: it deletes the row and returns it, in one
// statement (DELETE … RETURNING), so of any number of concurrent redeems of
// one token exactly one succeeds. An expired token is deleted too, and
// reported as ErrNotFound, as NextAuth.js does.
func (v *Verifications) Use(ctx context.Context, t SignInToken) (*models.VerificationRequest, error) {
	const op = "Verifications.Use"
	if err := ctxError(op, ctx); err != nil {
		return nil, err
	}
	identifier, hash, err := t.key(op)
	if err != nil {
		return nil, err
	}
	now, err := v.c.clock(op)
	if err != nil {
		return nil, err
	}
	row, err := useToken(ctx, v.c, v.c.x.On(sqlexec.Primary), identifier, hash, now)
	if err != nil {
		return nil, dbError(op, err)
	}
	if row == nil {
		return nil, notFound(op)
	}
	return row, nil
}

// Delete deletes the sign-in token, valid or not, or returns ErrNotFound.
func (v *Verifications) Delete(ctx context.Context, t SignInToken) error {
	const op = "Verifications.Delete"
	if err := ctxError(op, ctx); err != nil {
		return err
	}
	identifier, hash, err := t.key(op)
	if err != nil {
		return err
	}
	n, err := v.c.x.Exec(ctx, `DELETE FROM verification_requests WHERE identifer = $1 AND token = $2`, identifier, hash)
	if err != nil {
		return dbError(op, err)
	}
	if n == 0 {
		return notFound(op)
	}
	return nil
}

// DeleteExpired deletes every expired sign-in token, batchSize rows a
// statement (DefaultBatchSize if ≤ 0), and returns how many it deleted.
func (v *Verifications) DeleteExpired(ctx context.Context, batchSize int) (int64, error) {
	const op = "Verifications.DeleteExpired"
	if err := ctxError(op, ctx); err != nil {
		return 0, err
	}
	return deleteExpired(ctx, v.c, op, models.VerificationRequestsTable, batchSize)
}
