package repository

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/gormauth/gormauth/internal/fail"
	"github.com/gormauth/gormauth/internal/ids"
	"github.com/gormauth/gormauth/internal/input"
	"github.com/gormauth/gormauth/internal/jsstring"
	"github.com/gormauth/gormauth/internal/sqlexec"
	"github.com/gormauth/gormauth/models"
)

// ErrInvalidEmail is returned (wrapped, with ErrInvalidInput) by the
// identifier normalisers for an address Auth.js refuses to send a sign-in
// link to.
var ErrInvalidEmail = errors.New("invalid email address format")

// NormalizeIdentifier is Auth.js v5's default normaliser of the email
// address a person types to get a sign-in link (@auth/core's
// defaultNormalizer): Unicode NFKC, then JavaScript's toLowerCase
// (LowerEmail) and trim; an address with a double quote, or that is not
// exactly two non-empty parts around one "@", is refused; then the domain is
// cut at its first ",", and refused if that leaves it empty. So
// "  Alice@Example.COM " becomes "alice@example.com", and
// "alice@example.com,evil@attacker.com" is refused.
func NormalizeIdentifier(email string) (string, error) {
	if email == "" {
		return "", ErrInvalidEmail
	}
	s := jsstring.Trim(jsstring.Lower(norm.NFKC.String(email)))
	if strings.Contains(s, `"`) {
		return "", ErrInvalidEmail
	}
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || domain == "" || strings.Contains(domain, "@") {
		return "", ErrInvalidEmail
	}
	domain, _, _ = strings.Cut(domain, ",")
	if domain == "" {
		return "", ErrInvalidEmail
	}
	return local + "@" + domain, nil
}

// NormalizeIdentifierV4 is NextAuth.js v4's default normaliser: the rules
// of NormalizeIdentifier, and a domain (after the cut at ",") without a "."
// is refused too, so "a@localhost" is.
func NormalizeIdentifierV4(email string) (string, error) {
	s, err := NormalizeIdentifier(email)
	if err != nil {
		return "", err
	}
	if _, domain, _ := strings.Cut(s, "@"); !strings.Contains(domain, ".") {
		return "", ErrInvalidEmail
	}
	return s, nil
}

// LowerEmail lower-cases an email address as Auth.js does before it looks
// up or stores an OAuth profile's address: JavaScript's toLowerCase, whose
// full Unicode mapping differs from strings.ToLower (İ becomes i + U+0307;
// a word-final Σ becomes ς).
func LowerEmail(email string) string { return jsstring.Lower(email) }

// NewSignInToken returns a new email sign-in token as Auth.js makes them:
// 64 lowercase hexadecimal characters from 32 bytes of crypto/rand.
func NewSignInToken() (string, error) { return ids.Hex() }

// HashToken returns what the sign-in tokens table holds for the plain
// token: the lowercase hexadecimal SHA-256 of the token followed by the
// secrets joined with commas, as Auth.js's createHash(`${token}${secret}`)
// gives it for a secret that is a string (one element) or a list.
func HashToken(token string, secret []string) string {
	return models.HashToken(token, strings.Join(secret, ","))
}

// SignInToken is what an email sign-in link carries: the address and the
// plain token. A struct, so that the two strings cannot be swapped.
type SignInToken struct {
	// Identifier is the email address. Verifications.Create normalises it
	// (Options.NormalizeIdentifier); the other operations take it exactly as
	// the link gives it back, as Auth.js does.
	Identifier string
	// Token is the plain token sent in the link (NewSignInToken). It is
	// never stored: the row holds HashToken(Token, Options.Secret).
	Token string `json:"-"`
}

// key checks t and returns what its row is found by: the identifier and
// the hash of the token with the secret.
func (c *core) tokenKey(op string, t SignInToken) (identifier, hash string, err error) {
	if err := c.checkSecret(op); err != nil {
		return "", "", err
	}
	if err := input.Check(op,
		input.Field{Name: "identifier", Value: t.Identifier, Max: MaxEmailLen, MaxChars: c.chars()},
		input.Field{Name: "token", Value: t.Token, Max: MaxTokenLen}); err != nil {
		return "", "", err
	}
	identifier = t.Identifier
	if c.f.LowerCasesIdentifiers() {
		identifier = LowerEmail(identifier)
	}
	return identifier, HashToken(t.Token, c.opts.Secret), nil
}

func (c *core) checkSecret(op string) error {
	if len(c.opts.Secret) == 0 {
		return fail.Invalid(op, "no secret: set Options.Secret to the application's AUTH_SECRET")
	}
	fields := make([]input.Field, len(c.opts.Secret))
	for i, s := range c.opts.Secret {
		fields[i] = input.Field{Name: "secret", Value: s, Max: MaxSecretLen}
	}
	if err := input.Check(op, fields...); err != nil {
		return err
	}
	if n := len(strings.Join(c.opts.Secret, ",")); n > MaxSecretLen {
		return fail.Invalid(op, "the secrets joined are %d bytes, more than %d", n, MaxSecretLen)
	}
	return nil
}

// Verifications reads and writes the sign-in tokens table. Get it from
// Repository.Verifications. A token is valid while now ≤ expires; expired
// tokens are never returned.
type Verifications struct{ c *core }

// Create stores a sign-in token for t.Identifier, normalised with
// Options.NormalizeIdentifier, valid for maxAge (DefaultVerificationMaxAge
// if 0), as Auth.js's email sign-in does before it mails the link (its
// createVerificationToken): only HashToken(t.Token, Options.Secret) is
// written. The returned row holds the normalised identifier, which the link
// must carry (CallbackURL). An address the normaliser refuses is
// ErrInvalidInput (and ErrInvalidEmail).
func (v *Verifications) Create(ctx context.Context, t SignInToken, maxAge time.Duration) (*VerificationToken, error) {
	const op = "Verifications.Create"
	row, args, err := v.prepare(ctx, op, t, maxAge)
	if err != nil {
		return nil, err
	}
	if _, err := v.c.x.Exec(ctx, v.c.q.insertToken.sql, args...); err != nil {
		return nil, fail.DB(op, err)
	}
	return row, nil
}

// Replace is Create for a link that supersedes those sent before: in one
// transaction it deletes every sign-in token of the address (the
// identifier normalised, as Create stores it) and stores t's, so that an
// earlier link stops working and a flood of requests leaves one working
// link. The transaction holds the advisory lock of the address that
// SignInEmail takes, so that concurrent calls for one address leave exactly
// one token. It checks t and maxAge as Create does and returns the same
// errors; on an error nothing is deleted.
func (v *Verifications) Replace(ctx context.Context, t SignInToken, maxAge time.Duration) (*VerificationToken, error) {
	const op = "Verifications.Replace"
	row, args, err := v.prepare(ctx, op, t, maxAge)
	if err != nil {
		return nil, err
	}
	c := v.c
	err = c.x.Tx(ctx, func(tx *sqlexec.Tx) error {
		if _, err := tx.Exec(ctx, c.q.lock, emailLock(row.Identifier)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, c.q.deleteTokens, row.Identifier); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, c.q.insertToken.sql, args...)
		return err
	})
	if err != nil {
		return nil, fail.DB(op, err)
	}
	return row, nil
}

// prepare checks what Create and Replace are given and returns the row to
// store and insertToken's arguments.
func (v *Verifications) prepare(ctx context.Context, op string, t SignInToken, maxAge time.Duration) (*VerificationToken, []any, error) {
	if err := fail.Ctx(op, ctx); err != nil {
		return nil, nil, err
	}
	c := v.c
	if maxAge < 0 {
		return nil, nil, fail.Invalid(op, "max age %s is negative", maxAge)
	}
	if maxAge == 0 {
		maxAge = DefaultVerificationMaxAge
	}
	if err := input.Check(op, input.Field{Name: "identifier", Value: t.Identifier, Max: 3 * MaxEmailLen}); err != nil {
		return nil, nil, err
	}
	identifier, err := c.opts.NormalizeIdentifier(t.Identifier)
	if err != nil {
		return nil, nil, fmt.Errorf("gormauth: %s: %w: identifier refused: %w", op, ErrInvalidInput, err)
	}
	t.Identifier = identifier
	identifier, hash, err := c.tokenKey(op, t)
	if err != nil {
		return nil, nil, err
	}
	now, err := c.clock(op, maxAge)
	if err != nil {
		return nil, nil, err
	}
	expires := now.Add(maxAge)
	row := &VerificationToken{Identifier: identifier, Token: hash, Expires: c.stored(expires)}
	return row, c.q.insertToken.args(map[string]any{"identifier": identifier, "token": hash, "expires": c.bind(expires), "now": c.bind(now)}), nil
}

// CallbackURL returns the link Auth.js mails for a sign-in token:
// {authURL}/callback/{provider}?callbackUrl=…&token=…&email=…, where
// authURL is the application's Auth.js base URL with its base path (such as
// "https://app.example.com/api/auth"), provider the email provider's id
// ("nodemailer", "resend", "email", …), and callbackURL where Auth.js sends
// the browser after signing in. t.Identifier must be the normalised address
// Verifications.Create returned.
func CallbackURL(authURL, provider, callbackURL string, t SignInToken) string {
	q := url.Values{"callbackUrl": {callbackURL}, "token": {t.Token}, "email": {t.Identifier}}
	return strings.TrimSuffix(authURL, "/") + "/callback/" + url.PathEscape(provider) + "?" + q.Encode()
}

// Find returns the valid sign-in token without using it up, or
// ErrNotFound.
func (v *Verifications) Find(ctx context.Context, t SignInToken) (*VerificationToken, error) {
	const op = "Verifications.Find"
	if err := fail.Ctx(op, ctx); err != nil {
		return nil, err
	}
	c := v.c
	identifier, hash, err := c.tokenKey(op, t)
	if err != nil {
		return nil, err
	}
	now, err := c.clock(op)
	if err != nil {
		return nil, err
	}
	var row VerificationToken
	found, err := c.x.QueryRow(ctx, sqlexec.ReplicaOrPrimary, c.q.findToken, []any{identifier, hash}, tokenFields(&row)...)
	if err != nil {
		return nil, fail.DB(op, err)
	}
	if !found || expired(c.readToken(&row).Expires, now) {
		return nil, fail.NotFound(op)
	}
	return &row, nil
}

// Use redeems the sign-in token (Auth.js's useVerificationToken): it
// deletes the row and returns it, in one statement (DELETE … RETURNING), so
// of any number of concurrent redeems of one token exactly one succeeds. An
// expired token is deleted too, and reported as ErrNotFound, as Auth.js
// does. The identifier must be exactly the stored one.
func (v *Verifications) Use(ctx context.Context, t SignInToken) (*VerificationToken, error) {
	const op = "Verifications.Use"
	if err := fail.Ctx(op, ctx); err != nil {
		return nil, err
	}
	identifier, hash, err := v.c.tokenKey(op, t)
	if err != nil {
		return nil, err
	}
	if _, err := v.c.clock(op); err != nil {
		return nil, err
	}
	row, err := v.c.useToken(ctx, v.c.x.On(sqlexec.Primary), identifier, hash)
	if err != nil {
		return nil, fail.DB(op, err)
	}
	if row == nil {
		return nil, fail.NotFound(op)
	}
	return row, nil
}

// useToken deletes the sign-in token's rows in one statement and returns
// the row if it was still valid; nil if there was none or it had expired.
// Where the table has no key (Drizzle's docs schema) the same token could
// have been stored twice; every copy is deleted.
func (c *core) useToken(ctx context.Context, q sqlexec.Querier, identifier, hash string) (*VerificationToken, error) {
	var row VerificationToken
	found, err := q.QueryRow(ctx, c.q.deleteToken, []any{identifier, hash}, tokenFields(&row)...)
	if err != nil || !found {
		return nil, err
	}
	if expired(c.readToken(&row).Expires, c.now()) {
		return nil, nil
	}
	return &row, nil
}

// Delete deletes the sign-in token, valid or not, or returns ErrNotFound.
func (v *Verifications) Delete(ctx context.Context, t SignInToken) error {
	const op = "Verifications.Delete"
	if err := fail.Ctx(op, ctx); err != nil {
		return err
	}
	identifier, hash, err := v.c.tokenKey(op, t)
	if err != nil {
		return err
	}
	var row VerificationToken
	found, err := v.c.x.On(sqlexec.Primary).QueryRow(ctx, v.c.q.deleteToken, []any{identifier, hash}, tokenFields(&row)...)
	if err != nil {
		return fail.DB(op, err)
	}
	if !found {
		return fail.NotFound(op)
	}
	return nil
}

// DeleteExpired deletes every expired sign-in token, batchSize rows a
// statement (DefaultBatchSize if ≤ 0), and returns how many it deleted.
func (v *Verifications) DeleteExpired(ctx context.Context, batchSize int) (int64, error) {
	return v.c.deleteExpired(ctx, "Verifications.DeleteExpired", v.c.q.deleteExpiredTokens, batchSize)
}

// tokenStatements renders the statements of the sign-in tokens table.
func (q *statements) tokenStatements(w flavourSQL) {
	q.insertToken = named(w.render(`INSERT INTO {tokens} ({identifier}, "token", "expires"{clock tokens})
		VALUES (@identifier, @token, @expires::{ts}{clockValues tokens})`))
	q.findToken = w.render(`SELECT {tokenCols} FROM {tokens} WHERE {identifier} = $1 AND "token" = $2 LIMIT 1`)
	q.deleteToken = w.render(`DELETE FROM {tokens} WHERE {identifier} = $1 AND "token" = $2 RETURNING {tokenCols}`)
	q.deleteExpiredTokens = w.deleteExpired("tokens")
	q.deleteTokens = w.render(`DELETE FROM {tokens} WHERE {identifier} = $1`)
}
