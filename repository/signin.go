package repository

import (
	"context"
	"errors"
	"fmt"

	"github.com/gormauth/gormauth/internal/fail"
	"github.com/gormauth/gormauth/internal/input"
	"github.com/gormauth/gormauth/internal/sqlexec"
)

// SignInResult is what a sign-in flow made or found.
type SignInResult struct {
	// User is the user who is signed in after the flow.
	User *User
	// Session is the new session, whose SessionToken goes in the cookie; nil
	// when the flow opened none (the request was signed in already and
	// stays in its session).
	Session *Session
	// Account is the provider account the flow linked, or nil.
	Account *Account
	// IsNewUser reports whether the flow created User.
	IsNewUser bool
	// Unlinked holds the provider of each account that SignInEmail removed
	// from User, sorted, so that the application can tell the person; nil
	// when it removed none. See SignInEmail.
	Unlinked []string
}

// OAuthSignIn is what an OAuth provider's callback reports about the person
// signing in.
type OAuthSignIn struct {
	// Account is the provider account and the tokens to store if the flow
	// links it: Provider and ProviderAccountID are required; Type defaults
	// to "oauth"; the seven token fields are stored as given (TokenType
	// lower-cased but in v4's flavour, as Auth.js v5 receives it); ID,
	// UserID and the clock columns are set by the flow.
	Account Account
	// Name, Email and Image are the profile, used when the flow creates
	// the user. Email, if not nil, is lower-cased with LowerEmail before it
	// is looked up or stored, as Auth.js does; it must not be empty. The
	// Prisma flavour (Auth.js v5) cannot create a user without one.
	Name, Email, Image *string
	// EmailVerified reports that the provider verified Email. A user the
	// flow creates then has EmailVerified set to the flow's now, and a
	// later SignInEmail keeps its accounts; otherwise it is nil, as in
	// Auth.js.
	EmailVerified bool
	// SignedIn is the session the request came with (from
	// Sessions.WithUser), or nil. A request that is signed in links the
	// provider account to its user instead of signing in anew.
	SignedIn *Session
}

// EmailSignIn is what the link of an email sign-in carries back, and the
// session the request came with.
type EmailSignIn struct {
	// SignInToken is the link's email and plain token.
	SignInToken
	// SignedIn is the session the request came with, or nil. If it belongs
	// to another user than the address's, it is deleted, as Auth.js signs
	// that user out.
	SignedIn *Session
}

// SignInOAuth signs a person in with an OAuth provider account, with
// Auth.js's rules (its handleLoginOrRegister):
//   - the provider account is linked: if the request is signed in as
//     another user, ErrAccountNotLinked; as the same user, nothing changes;
//     otherwise its user signs in with a new session;
//   - it is not linked and the request is signed in: it is linked to the
//     signed-in user, whatever the profile's email;
//   - it is not linked, and the lower-cased profile email is exactly the
//     email of an existing user: ErrAccountNotLinked, writing nothing, or,
//     with Options.AllowDangerousEmailAccountLinking, the account is linked
//     to that user and they sign in;
//   - otherwise the user is created from the profile (EmailVerified now if
//     p.EmailVerified, else nil), the account linked and a session opened.
//
// A returning user signs in with one statement. The other paths run in one
// transaction that holds advisory locks of the provider account and the
// email address, so concurrent sign-ins of one new identity make one user
// and one account row on every flavour, with or without unique keys (the
// lock waits need READ COMMITTED, PostgreSQL's default, to see what the
// previous holder committed). An account row whose user is gone (deleted
// outside the repository, where no foreign key cascades) is replaced. A
// user deleted while the flow signs them in (Users.Delete committing
// between its steps) is looked for again, as if the flow had started after
// the deletion: the person signs in as a new user, or, for a request signed
// in as the deleted user, the flow returns ErrNotFound.
func (r *Repository) SignInOAuth(ctx context.Context, p OAuthSignIn) (*SignInResult, error) {
	const op = "SignInOAuth"
	if err := fail.Ctx(op, ctx); err != nil {
		return nil, err
	}
	c := r.core
	a, profile, err := c.oauthInput(op, p)
	if err != nil {
		return nil, err
	}
	// Only a flow that is not signed in opens a session: only it makes a
	// token, as Auth.js calls generateSessionToken only to create one.
	var token string
	if p.SignedIn == nil {
		if token, err = c.sessionToken(op); err != nil {
			return nil, err
		}
		// A returning user: one statement, no transaction needed.
		res, err := c.signInLinked(ctx, AccountKey{a.Provider, a.ProviderAccountID}, token)
		if err != nil {
			return nil, fail.DB(op, err)
		}
		if res != nil {
			return res, nil
		}
	}
	var res *SignInResult
	err = c.retryIfUserGone(ctx, func(tx *sqlexec.Tx) (err error) {
		res, err = c.signInOAuth(ctx, tx, a, profile, p.SignedIn, token)
		return err
	})
	switch {
	case errors.Is(err, errUserGone):
		return nil, fmt.Errorf("gormauth: %s: user: %w: %w", op, ErrNotFound, err)
	case errors.Is(err, ErrAccountNotLinked), errors.Is(err, ErrInvalidInput):
		return nil, fmt.Errorf("gormauth: %s: %w", op, err)
	case errors.Is(err, ErrNotFound):
		return nil, fail.NotFound(op + ": signed-in user")
	case err != nil:
		return nil, fail.DB(op, err)
	}
	return res, nil
}

// oauthInput checks what SignInOAuth is given and returns the account to
// link (its type defaulted, the fields the flow sets cleared) and the
// profile of the user it would create (the email lower-cased, verified now
// if the provider verified it).
func (c *core) oauthInput(op string, p OAuthSignIn) (Account, *User, error) {
	a := p.Account
	if a.Type == "" {
		a.Type = "oauth"
	}
	a.ID, a.UserID, a.CreatedAt, a.UpdatedAt = "", "", nil, nil
	if err := c.checkAccount(op, &a); err != nil {
		return a, nil, err
	}
	if p.SignedIn != nil {
		if err := c.checkUserID(op, "signed-in user id", p.SignedIn.UserID); err != nil {
			return a, nil, err
		}
	}
	if p.Email != nil {
		if err := input.Check(op, input.Field{Name: "email", Value: *p.Email, Max: 3 * MaxEmailLen}); err != nil {
			return a, nil, err
		}
		email := LowerEmail(*p.Email)
		p.Email = &email
	}
	profile := &User{Name: p.Name, Email: p.Email, Image: p.Image}
	if err := c.checkProfile(op, profile); err != nil {
		return a, nil, err
	}
	now, err := c.clock(op, c.opts.MaxAge)
	if err != nil {
		return a, nil, err
	}
	if p.EmailVerified && p.Email != nil {
		profile.EmailVerified = &now
	}
	return a, profile, nil
}

// signInLinked opens a session for the user linked to the provider account
// key in one statement, which finds the user and inserts the session with
// token (holding KEY SHARE locks on the user, as openSession does, and on
// the account). It
// returns nil and no error when no user is linked, or the linked user is
// gone.
func (c *core) signInLinked(ctx context.Context, key AccountKey, token string) (*SignInResult, error) {
	sess, err := c.newSession("", token)
	if err != nil {
		return nil, err
	}
	args := c.sessionArgs(sess)
	args["provider"], args["account"] = key.Provider, key.ProviderAccountID
	u := &User{}
	found, err := c.x.QueryRow(ctx, sqlexec.Primary, c.q.signInLinked.sql, c.q.signInLinked.args(args),
		append(userFields(u), &sess.ID)...)
	if err != nil || !found {
		return nil, err
	}
	sess.UserID = u.ID
	return &SignInResult{User: c.readUser(u), Session: sess}, nil
}

// signInOAuth is SignInOAuth's transaction, for a provider account that
// was not linked when signInLinked looked, or a request signed in. The
// session it opens, if the request is not signed in, has token.
func (c *core) signInOAuth(ctx context.Context, tx *sqlexec.Tx, a Account, profile *User, signedIn *Session, token string) (*SignInResult, error) {
	key := AccountKey{a.Provider, a.ProviderAccountID}
	// The account's lock, then the email's: every flow takes them in this
	// order (SignInEmail takes only the email's).
	if _, err := tx.Exec(ctx, c.q.lock, accountLock(key)); err != nil {
		return nil, err
	}
	if profile.Email != nil {
		if _, err := tx.Exec(ctx, c.q.lock, emailLock(*profile.Email)); err != nil {
			return nil, err
		}
	}
	// An account row whose user is gone would lock this provider account
	// out; it is replaced.
	if _, err := tx.Exec(ctx, c.q.deleteOrphanAccounts, key.Provider, key.ProviderAccountID); err != nil {
		return nil, err
	}
	linked, err := c.userOn(ctx, tx, c.q.userByAccount, key.Provider, key.ProviderAccountID)
	if err != nil {
		return nil, err
	}
	switch {
	case linked != nil && signedIn != nil && linked.ID != signedIn.UserID:
		return nil, ErrAccountNotLinked // linked to another user
	case linked != nil && signedIn != nil:
		return &SignInResult{User: linked}, nil // linked to this one already
	case linked != nil:
		// A concurrent sign-in of the same identity linked it since
		// signInLinked looked.
		sess, err := c.openSession(ctx, tx, linked.ID, token)
		if errors.Is(err, ErrNotFound) {
			return nil, errUserGone
		}
		if err != nil {
			return nil, err
		}
		return &SignInResult{User: linked, Session: sess}, nil
	case signedIn != nil:
		user, err := c.userOn(ctx, tx, c.q.userByID, signedIn.UserID)
		if err != nil {
			return nil, err
		}
		if user == nil {
			return nil, ErrNotFound
		}
		if err := c.linkTo(ctx, tx, &a, user); err != nil {
			return nil, err
		}
		return &SignInResult{User: user, Account: &a}, nil
	}
	return c.signUpOAuth(ctx, tx, a, profile, token)
}

// signUpOAuth is signInOAuth for a provider account linked to no one and a
// request not signed in: the account is linked to the user whose email the
// profile has (with AllowDangerousEmailAccountLinking; ErrAccountNotLinked
// otherwise) or to a user made from the profile, and a session opened.
func (c *core) signUpOAuth(ctx context.Context, tx *sqlexec.Tx, a Account, profile *User, token string) (*SignInResult, error) {
	res := &SignInResult{}
	if profile.Email != nil {
		owner, err := c.userOn(ctx, tx, c.q.userByEmail, *profile.Email)
		if err != nil {
			return nil, err
		}
		if owner != nil && !c.opts.AllowDangerousEmailAccountLinking {
			return nil, ErrAccountNotLinked
		}
		res.User = owner
	}
	if res.User == nil {
		if profile.Email == nil && c.f.EmailRequired() {
			return nil, fail.Invalid("SignInOAuth", "the profile has no email, and the flavour's users.email is NOT NULL")
		}
		user, err := c.createUser(ctx, tx, profile.Name, profile.Email, profile.EmailVerified, profile.Image)
		if err != nil {
			return nil, err
		}
		res.User, res.IsNewUser = user, true
	}
	if err := c.linkTo(ctx, tx, &a, res.User); err != nil {
		if errors.Is(err, ErrNotFound) && !res.IsNewUser {
			return nil, errUserGone // the email's owner
		}
		return nil, err
	}
	res.Account = &a
	sess, err := c.openSession(ctx, tx, res.User.ID, token)
	if err != nil {
		return nil, err
	}
	res.Session = sess
	return res, nil
}

// linkTo links a to user in tx, which holds the account's lock.
func (c *core) linkTo(ctx context.Context, tx *sqlexec.Tx, a *Account, user *User) error {
	a.UserID = user.ID
	inserted, err := c.link(ctx, tx, a)
	if err != nil {
		return err
	}
	if !inserted {
		return ErrNotFound // the user was deleted meanwhile
	}
	return nil
}

// errUserGone reports, inside a sign-in flow's transaction, that a user the
// flow found was deleted before it could sign them in.
var errUserGone = errors.New("the user was deleted during the sign-in")

// retryIfUserGone runs f in a transaction, and again, in a new one, while
// f returns errUserGone (at most maxAttempts times): the deletion has
// committed, and the next statements see it. It returns f's last error.
func (c *core) retryIfUserGone(ctx context.Context, f func(tx *sqlexec.Tx) error) error {
	var err error
	for range maxAttempts {
		if err = c.x.Tx(ctx, f); !errors.Is(err, errUserGone) {
			break
		}
	}
	return err
}

// SignInEmail signs a person in with an email sign-in link, with Auth.js's
// rules, in one transaction: it redeems the token (once: see
// Verifications.Use; the identifier exactly as stored) and, unlike Auth.js,
// deletes the address's other sign-in tokens, so that no other link sent to
// it works any more, finds the user whose
// email is the identifier or creates one, sets the user's EmailVerified to
// now, and opens a session. If the request was signed in as another user,
// that session is deleted (a new user keeps it, as in Auth.js). It returns
// ErrNotFound if the token is unknown, used or expired (an expired token is
// deleted, and nothing else is written). The transaction holds an advisory
// lock of the address, so that concurrent first sign-ins of one address
// make one user on every flavour, also where emails are not unique (pg).
// If the address's user is deleted while the flow signs them in, the flow
// starts again, finds no user and creates one, as Auth.js would had it
// started after the deletion.
//
// Unlike Auth.js, when it verifies an address for the first time (the
// user's EmailVerified was nil) and that user has linked provider accounts,
// it deletes those accounts and all the user's sessions before it opens the
// new one, and reports their providers in SignInResult.Unlinked; Auth.js
// keeps them. Such a user was created by an OAuth sign-in whose provider
// vouched for an address nobody had proven: possibly an attacker's, who
// would otherwise sign in again through his provider account as the person
// who now owns the address (pre-account takeover). The accounts are
// dropped rather than the sign-in refused, so that the owner of the address
// always gets in, and without asking, since a link in a mail cannot tell
// the owner from the attacker's provider account; the owner links their
// provider accounts again while signed in. No account is kept, not even one
// of a provider that verifies addresses: the address it verified is that
// of the provider account, which may be linked to a user of another
// address (the attacker's own GitHub account, linked while he was signed
// in as the user he made).
func (r *Repository) SignInEmail(ctx context.Context, in EmailSignIn) (*SignInResult, error) {
	const op = "SignInEmail"
	if err := fail.Ctx(op, ctx); err != nil {
		return nil, err
	}
	c := r.core
	identifier, hash, err := c.tokenKey(op, in.SignInToken)
	if err != nil {
		return nil, err
	}
	if in.SignedIn != nil {
		if err := c.checkToken(op, "signed-in session token", in.SignedIn.SessionToken); err != nil {
			return nil, err
		}
	}
	if _, err := c.clock(op, c.opts.MaxAge); err != nil {
		return nil, err
	}
	token, err := c.sessionToken(op)
	if err != nil {
		return nil, err
	}
	var res *SignInResult
	err = c.retryIfUserGone(ctx, func(tx *sqlexec.Tx) (err error) {
		res, err = c.signInEmail(ctx, tx, identifier, hash, in.SignedIn, token)
		return err
	})
	switch {
	case errors.Is(err, ErrInvalidInput):
		return nil, fmt.Errorf("gormauth: %s: %w", op, err)
	case errors.Is(err, errUserGone):
		return nil, fmt.Errorf("gormauth: %s: user: %w: %w", op, ErrNotFound, err)
	case err != nil:
		return nil, fail.DB(op, err)
	case res == nil:
		return nil, fail.NotFound(op + ": sign-in token")
	}
	return res, nil
}

// signInEmail is SignInEmail's transaction. It returns a nil result, and
// no error, for a token that is not valid: the transaction commits the
// deletion of an expired one. The session it opens has sessionToken.
func (c *core) signInEmail(ctx context.Context, tx *sqlexec.Tx, identifier, hash string, signedIn *Session, sessionToken string) (*SignInResult, error) {
	if _, err := tx.Exec(ctx, c.q.lock, emailLock(identifier)); err != nil {
		return nil, err
	}
	token, err := c.useToken(ctx, tx, identifier, hash)
	if err != nil || token == nil {
		return nil, err
	}
	// The links sent before or after this one stop working.
	if _, err := tx.Exec(ctx, c.q.deleteTokens, identifier); err != nil {
		return nil, err
	}
	now := c.now()
	res := &SignInResult{}
	owner, err := c.userOn(ctx, tx, c.q.lockUserByEmail, identifier)
	if err != nil {
		return nil, err
	}
	if owner != nil {
		if signedIn != nil && signedIn.UserID != owner.ID {
			if _, err := tx.Exec(ctx, c.q.deleteSession, signedIn.SessionToken); err != nil {
				return nil, err
			}
		}
		res.User, err = c.userOn(ctx, tx, c.q.verifyUser.sql, c.q.verifyUser.args(map[string]any{
			"id": owner.ID, "verified": c.bind(now), "now": c.bind(now)})...)
		if err != nil {
			return nil, err
		}
		if res.User == nil {
			// A guard: lockUserByEmail holds the row, so no deletion
			// can come between.
			return nil, errUserGone
		}
		if owner.EmailVerified == nil {
			if res.Unlinked, err = c.dropLinks(ctx, tx, owner.ID); err != nil {
				return nil, err
			}
		}
	} else {
		res.User, err = c.createUser(ctx, tx, nil, &identifier, &now, nil)
		if err != nil {
			return nil, err
		}
		res.IsNewUser = true
	}
	if res.Session, err = c.openSession(ctx, tx, res.User.ID, sessionToken); err != nil {
		return nil, err
	}
	return res, nil
}

// dropLinks deletes the accounts of the user and, if it had any, all its
// sessions, in tx, and returns the accounts' providers, sorted.
func (c *core) dropLinks(ctx context.Context, tx *sqlexec.Tx, userID string) ([]string, error) {
	var providers []string
	err := tx.Query(ctx, c.q.dropLinks, []any{userID}, func(r sqlexec.Scanner) error {
		var provider string
		if err := r.Scan(&provider); err != nil {
			return err
		}
		providers = append(providers, provider)
		return nil
	})
	return providers, err
}
