package repository

import (
	"context"
	"time"

	"github.com/gormauth/gormauth/models"
)

// SignInToken is what an email sign-in link carries, with the application
// secret: a struct, so the three strings cannot be swapped by mistake.
type SignInToken struct {
	// Identifier is the email address. It is lower-cased as NextAuth.js
	// does (JavaScript's toLowerCase, whose full Unicode mapping differs from
	// strings.ToLower for İ and a word-final Σ) before it is stored or
	// compared.
	Identifier string
	// Token is the plain token sent in the link. It is never stored: the
	// row holds models.HashToken(Token, Secret).
	Token string
	// Secret is the application's secret (NextAuth.js's `secret` option).
	// It may be empty, as NextAuth.js allows, but should not be.
	Secret string
}

func (t SignInToken) check(op string) error {
	return check(op,
		field{name: "identifier", value: t.Identifier, max: MaxEmailLen},
		field{name: "token", value: t.Token, max: MaxTokenLen},
		field{name: "secret", value: t.Secret, max: MaxSecretLen, optional: true})
}

func (t SignInToken) identifier() string { return lowerJS(t.Identifier) }
func (t SignInToken) hash() string       { return models.HashToken(t.Token, t.Secret) }

// Verifications reads and writes the verification_requests table: email
// sign-in tokens. Get it from Repository.Verifications. A token is valid
// while now ≤ expires; expired tokens are never returned.
type Verifications struct{ c *core }

// Create stores a sign-in token valid for maxAge (DefaultVerificationMaxAge
// if 0): only the hash of token and secret is written, with the lower-cased
// identifier. It returns ErrAlreadyExists if the same hash is already stored
// (the same token and secret twice).
func (v *Verifications) Create(ctx context.Context, t SignInToken, maxAge time.Duration) (*models.VerificationRequest, error) {
	const op = "Verifications.Create"
	if err := ctxError(op, ctx); err != nil {
		return nil, err
	}
	if err := t.check(op); err != nil {
		return nil, err
	}
	if maxAge < 0 {
		return nil, invalid(op, "max age %s is negative", maxAge)
	}
	if maxAge == 0 {
		maxAge = DefaultVerificationMaxAge
	}
	now := v.c.now()
	row := &models.VerificationRequest{
		Identifier: t.identifier(),
		Token:      t.hash(),
		Expires:    now.Add(maxAge),
		Created:    now,
		Updated:    now,
	}
	if err := v.c.conn(ctx).Create(row).Error; err != nil {
		return nil, dbError(op, err)
	}
	return row, nil
}

// Find returns the valid sign-in token without using it up, or
// ErrNotFound.
func (v *Verifications) Find(ctx context.Context, t SignInToken) (*models.VerificationRequest, error) {
	const op = "Verifications.Find"
	if err := ctxError(op, ctx); err != nil {
		return nil, err
	}
	if err := t.check(op); err != nil {
		return nil, err
	}
	var row models.VerificationRequest
	err := findOne(v.c.conn(ctx).Where("identifer = ? AND token = ? AND expires >= ?", t.identifier(), t.hash(), v.c.now()), &row)
	if err != nil {
		return nil, dbError(op, err)
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
	if err := t.check(op); err != nil {
		return nil, err
	}
	row, err := useToken(v.c.conn(ctx), t, v.c.now())
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
	if err := t.check(op); err != nil {
		return err
	}
	res := v.c.conn(ctx).Where("identifer = ? AND token = ?", t.identifier(), t.hash()).
		Delete(&models.VerificationRequest{})
	if res.Error != nil {
		return dbError(op, res.Error)
	}
	if res.RowsAffected == 0 {
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
	return deleteExpired(ctx, v.c.conn(ctx), op, models.VerificationRequestsTable, v.c.now(), batchSize)
}
