package repository

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gormauth/gormauth/internal/sqlexec"
	"github.com/gormauth/gormauth/models"
)

// SignInResult is what a sign-in flow made or found.
type SignInResult struct {
	// User is the user who signed in.
	User *models.User
	// Session is the new session; its SessionToken goes in the cookie.
	Session *models.Session
	// IsNewUser reports whether the flow created User.
	IsNewUser bool
	// Unlinked holds the provider (provider_id) of each account that
	// SignInEmail removed from User, sorted, so that the application can
	// tell the person; nil when it removed none. See SignInEmail.
	Unlinked []string
}

// OAuthSignIn is what an OAuth provider reports about the person signing in.
type OAuthSignIn struct {
	// Account is the provider account; required.
	Account AccountKey
	// ProviderType is stored in accounts.provider_type; default "oauth".
	ProviderType string
	// AccessToken, RefreshToken and AccessTokenExpires are the provider's
	// tokens, stored when the account is linked. Optional.
	AccessToken        *string `json:"-"`
	RefreshToken       *string `json:"-"`
	AccessTokenExpires *time.Time
	// Name, Email and Image are the provider's profile, used when the flow
	// creates the user. Optional. Email is lower-cased (LowerEmail) before
	// it is looked up or stored, as NextAuth.js does; MaxEmailLen applies
	// to the lower-cased address.
	Name  *string
	Email *string
	Image *string
	// EmailVerified reports that the provider verified Email. A user the
	// flow creates then has EmailVerified set to the flow's now, and a
	// later SignInEmail keeps its accounts; otherwise it is nil.
	EmailVerified bool
}

// maxAttempts bounds the retries of a sign-in flow that lost a race on a
// unique key to a concurrent sign-in.
const maxAttempts = 3

// errLostRace tells the retry loop that a concurrent sign-in of the same
// provider account committed first.
var errLostRace = errors.New("lost a race to a concurrent sign-in")

// SignInOAuth signs a person in with an OAuth provider account, as
// NextAuth.js does:
//   - if the provider account is linked, its user signs in;
//   - otherwise, if the profile's email, lower-cased with JavaScript's
//     toLowerCase (LowerEmail), is exactly the email of an existing user,
//     it returns ErrAccountNotLinked and writes nothing: linking a provider
//     to a user is explicit (Accounts.Link while the user is signed in),
//     never automatic by email;
//   - otherwise it creates the user from the profile, with the lower-cased
//     email (verified now if p.EmailVerified, else not), and links the
//     account.
//
// Then it opens a session. All writes happen in one transaction. When a
// concurrent sign-in of the same provider account wins a race, this one
// retries and signs in to the user the other created, so the caller sees no
// unique violation. (The retry needs each statement to see what others
// committed: READ COMMITTED, PostgreSQL's default. Inside a caller's
// REPEATABLE READ or SERIALIZABLE transaction a lost race is returned as
// ErrAlreadyExists, or as a serialization failure to retry whole.)
//
// An empty profile email counts as none, as in NextAuth.js. An account row
// whose user no longer exists (deleted outside the repository: there are no
// foreign keys) is replaced by the new user's.
func (r *Repository) SignInOAuth(ctx context.Context, p OAuthSignIn) (*SignInResult, error) {
	const op = "SignInOAuth"
	if err := ctxError(op, ctx); err != nil {
		return nil, err
	}
	if p.ProviderType == "" {
		p.ProviderType = "oauth"
	}
	if p.Email != nil && *p.Email == "" {
		p.Email = nil // as NextAuth.js, an empty email is no email
	}
	if err := p.Account.check(op); err != nil {
		return nil, err
	}
	if err := check(op,
		field{Name: "provider type", Value: p.ProviderType, Max: MaxProviderFieldLen},
		opt("access token", p.AccessToken, MaxProviderTokenLen),
		opt("refresh token", p.RefreshToken, MaxProviderTokenLen),
		opt("name", p.Name, MaxNameLen),
		opt("image", p.Image, MaxImageLen)); err != nil {
		return nil, err
	}
	if err := r.core.checkTime(op, "access token expiry", p.AccessTokenExpires); err != nil {
		return nil, err
	}
	if p.Email != nil {
		email, err := lowerEmail(op, "email", *p.Email)
		if err != nil {
			return nil, err
		}
		p.Email = &email
	}
	if _, err := r.core.clock(op, r.core.opts.MaxAge); err != nil {
		return nil, err
	}
	var lost error
	for attempt := 0; attempt < maxAttempts; attempt++ {
		res, err := r.signInOAuth(ctx, p)
		switch {
		case err == nil:
			return res, nil
		case errors.Is(err, ErrAccountNotLinked):
			return nil, fmt.Errorf("gormauth: %s: %w", op, ErrAccountNotLinked)
		case !isUniqueViolation(err) && !errors.Is(err, errLostRace):
			return nil, dbError(op, err)
		}
		lost = err // a concurrent sign-in won a unique key: look again
	}
	return nil, fmt.Errorf("gormauth: %s: %w: gave up after %d attempts lost to concurrent sign-ins: %w",
		op, ErrAlreadyExists, maxAttempts, lost)
}

func (r *Repository) signInOAuth(ctx context.Context, p OAuthSignIn) (*SignInResult, error) {
	c := r.core
	compound := p.Account.CompoundID()

	// A returning user: one statement, no transaction needed.
	if res, err := signInLinked(ctx, c, compound); res != nil || err != nil {
		return res, err
	}

	var res *SignInResult
	err := c.x.Tx(ctx, func(tx *sqlexec.Tx) error {
		if p.Email != nil {
			var taken, linked bool
			if _, err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE email = $1),
				EXISTS (SELECT 1 FROM accounts WHERE compound_id = $2)`, []any{*p.Email, compound}, &taken, &linked); err != nil {
				return err
			}
			if taken && linked {
				// A concurrent sign-in of this same provider account has
				// created the user (and linked the account in the same
				// transaction) since the lookup above: look again.
				return errLostRace
			}
			if taken {
				return ErrAccountNotLinked
			}
		}
		// An account whose user is gone (deleted outside the repository:
		// there are no foreign keys) would lock this provider account out;
		// it is replaced.
		if _, err := tx.Exec(ctx, `DELETE FROM accounts WHERE compound_id = $1
			AND NOT EXISTS (SELECT 1 FROM users WHERE users.id = accounts.user_id)`, compound); err != nil {
			return err
		}
		now := c.now()
		u := &models.User{Name: p.Name, Email: p.Email, Image: p.Image, Created: c.stored(now), Updated: c.stored(now)}
		if p.EmailVerified && p.Email != nil {
			u.EmailVerified = &u.Created
		}
		if _, err := tx.QueryRow(ctx, `INSERT INTO users (name, email, email_verified, image, created, updated)
			VALUES ($1, $2, $3::timestamp, $4, $5::timestamp, $5::timestamp) RETURNING id`,
			[]any{u.Name, u.Email, c.wallPtr(u.EmailVerified), u.Image, c.wall(now)}, &u.ID); err != nil {
			return err
		}
		a := &models.Account{
			CompoundID:         compound,
			UserID:             u.ID,
			ProviderType:       p.ProviderType,
			ProviderID:         p.Account.ProviderID,
			ProviderAccountID:  p.Account.ProviderAccountID,
			RefreshToken:       p.RefreshToken,
			AccessToken:        p.AccessToken,
			AccessTokenExpires: p.AccessTokenExpires,
		}
		if err := link(ctx, c, tx, a, now); err != nil {
			return err
		}
		sess, err := openSession(ctx, c, tx, u.ID, now)
		if err != nil {
			return err
		}
		res = &SignInResult{User: u, Session: sess, IsNewUser: true}
		return nil
	})
	return res, err
}

// signInLinkedUser reads the user linked to the account $1 and inserts a
// session for them. It locks the user's row, then the account's: a sign-in
// that waits for the user's row while SignInEmail unlinks the account
// (holding the user's row FOR UPDATE) finds the account deleted and signs
// no one in.
const signInLinkedUser = `WITH u AS (
		SELECT ` + userColumns + ` FROM users
		JOIN (SELECT user_id FROM accounts WHERE compound_id = $1) a ON a.user_id = users.id
		FOR KEY SHARE OF users, a),
	s AS (
		INSERT INTO sessions (user_id, expires, session_token, access_token, created, updated)
		SELECT u.id, $2::timestamp, $3, $4, $5::timestamp, $5::timestamp FROM u
		RETURNING id)
	SELECT u.*, s.id FROM u, s`

// signInLinked opens a session for the user linked to the account whose
// compound_id is compound, in one statement that finds the user and inserts
// the session (holding KEY SHARE locks on the user, as openSession does, and
// on the account).
// It returns nil and no error when no user is linked, or the linked user is
// gone.
func signInLinked(ctx context.Context, c *core, compound string) (*SignInResult, error) {
	now := c.now()
	sess, err := newSession(c, 0, now)
	if err != nil {
		return nil, err
	}
	u := &models.User{}
	found, err := c.x.QueryRow(ctx, sqlexec.Primary, signInLinkedUser,
		[]any{compound, c.wall(c.expiry(now, now)), sess.SessionToken, sess.AccessToken, c.wall(now)},
		append(userFields(u), &sess.ID)...)
	if err != nil || !found {
		return nil, err
	}
	sess.UserID = u.ID
	return &SignInResult{User: c.readUser(u), Session: sess}, nil
}

// userVerified locks the user whose email is $1, if there is one, and
// says whether its address is still unverified.
const userVerified = `SELECT email_verified IS NULL FROM users WHERE email = $1 FOR UPDATE`

// verifiedUser finds or creates the user whose email is $1 and sets its
// email_verified to $2, and says whether it created it.
const verifiedUser = `INSERT INTO users (email, email_verified, created, updated)
	VALUES ($1, $2::timestamp, $2::timestamp, $2::timestamp)
	ON CONFLICT (email) DO UPDATE SET email_verified = EXCLUDED.email_verified, updated = EXCLUDED.updated
	RETURNING ` + userColumns + `, (xmax = 0)`

// dropLinks deletes the accounts of the user $1 and, if it had any, all its
// sessions, and returns the accounts' provider_id, sorted.
const dropLinks = `WITH a AS (DELETE FROM accounts WHERE user_id = $1 RETURNING provider_id),
		s AS (DELETE FROM sessions WHERE user_id = $1 AND EXISTS (SELECT 1 FROM a))
	SELECT provider_id FROM a ORDER BY provider_id`

// SignInEmail signs a person in with an email sign-in link, as NextAuth.js
// does, in one transaction: it redeems the token (once: see
// Verifications.Use) and deletes the address's other sign-in tokens, so
// that no other link sent to it works any more, finds the user whose email
// is the lower-cased identifier or creates one, sets the user's
// EmailVerified to now, and opens a session. It returns ErrNotFound if the
// token is unknown, used or expired (an expired token is deleted, and
// nothing else is written). The transaction holds the advisory lock of the
// address that Verifications.Replace takes.
//
// It differs from NextAuth.js 2.0.0-beta.73 on purpose in two ways. It sets
// EmailVerified, which beta.73's adapter never records (later NextAuth.js
// releases set it at email sign-in, as this does). And when it verifies an
// address for the first time (the user's EmailVerified was nil) and that
// user has linked provider accounts, it deletes those accounts and all the
// user's sessions before it opens the new one, and reports their providers
// in SignInResult.Unlinked; NextAuth.js and Auth.js keep them. Such a user
// was created by an OAuth sign-in whose provider vouched for an address
// nobody had proven: possibly an attacker's, who would otherwise sign in
// again through his provider account as the person who now owns the
// address (pre-account takeover). The accounts are dropped rather than the
// sign-in refused, so that the owner of the address always gets in, and
// without asking, since a link in a mail cannot tell the owner from the
// attacker's provider account; the owner links their provider accounts
// again (Accounts.Link) while signed in. No account is kept, not even one
// of a provider that verifies addresses: the address it verified is that
// of the provider account, which may be linked to a user of another
// address (the attacker's own GitHub account, linked while he was signed
// in as the user he made).
func (r *Repository) SignInEmail(ctx context.Context, t SignInToken) (*SignInResult, error) {
	const op = "SignInEmail"
	if err := ctxError(op, ctx); err != nil {
		return nil, err
	}
	identifier, hash, err := t.key(op)
	if err != nil {
		return nil, err
	}
	c := r.core
	if _, err := c.clock(op, c.opts.MaxAge); err != nil {
		return nil, err
	}
	var res *SignInResult
	for attempt := 0; attempt < maxAttempts; attempt++ {
		if res, err = r.signInEmail(ctx, identifier, hash); !errors.Is(err, errLostRace) {
			break
		}
	}
	if errors.Is(err, errLostRace) {
		return nil, fmt.Errorf("gormauth: %s: %w: gave up after %d attempts lost to concurrent sign-ins: %w",
			op, ErrAlreadyExists, maxAttempts, err)
	}
	if err != nil {
		return nil, dbError(op, err)
	}
	if res == nil {
		return nil, notFound(op + ": sign-in token")
	}
	return res, nil
}

// signInEmail is SignInEmail's transaction. It returns a nil result, and
// no error, for a token that is not valid, and commits the deletion of an
// expired one; errLostRace when a concurrent sign-in created the
// address's user while it looked, to start again.
func (r *Repository) signInEmail(ctx context.Context, identifier, hash string) (*SignInResult, error) {
	c := r.core
	var res *SignInResult
	err := c.x.Tx(ctx, func(tx *sqlexec.Tx) error {
		if _, err := tx.Exec(ctx, lockEmail, emailLock(identifier)); err != nil {
			return err
		}
		now := c.now()
		row, err := useToken(ctx, c, tx, identifier, hash, now)
		if err != nil || row == nil {
			return err // nil commits the deletion of an expired token
		}
		// The links sent before or after this one stop working.
		if _, err := tx.Exec(ctx, deleteTokens, identifier); err != nil {
			return err
		}
		var unverified bool
		found, err := tx.QueryRow(ctx, userVerified, []any{row.Identifier}, &unverified)
		if err != nil {
			return err
		}
		// Find or create in one statement; ON CONFLICT also settles two
		// concurrent first sign-ins of one address on one user.
		u := &models.User{}
		var inserted bool
		if _, err := tx.QueryRow(ctx, verifiedUser, []any{row.Identifier, c.wall(now)},
			append(userFields(u), &inserted)...); err != nil {
			return err
		}
		if !found && !inserted {
			// Created since userVerified looked: whether it was verified
			// is unknown.
			return errLostRace
		}
		var unlinked []string
		if found && unverified {
			err := tx.Query(ctx, dropLinks, []any{u.ID}, func(r sqlexec.Scanner) error {
				var provider string
				if err := r.Scan(&provider); err != nil {
					return err
				}
				unlinked = append(unlinked, provider)
				return nil
			})
			if err != nil {
				return err
			}
		}
		sess, err := openSession(ctx, c, tx, u.ID, now)
		if err != nil {
			return err
		}
		res = &SignInResult{User: c.readUser(u), Session: sess, IsNewUser: inserted, Unlinked: unlinked}
		return nil
	})
	return res, err
}
