package gothauth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/markbates/goth"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/nextauthhttp"
	"github.com/gormauth/gormauth/repository"
)

// nonEmpty returns the first of ss that is not empty, or nil.
func nonEmpty(ss ...string) *string {
	for _, s := range ss {
		if s != "" {
			return &s
		}
	}
	return nil
}

// SignIn returns the repository's OAuth sign-in for u, whom goth signed
// in: the provider account (goth's provider name and user id) with type
// "oidc" when goth has an ID token and "oauth" otherwise, its access,
// refresh and ID tokens and expires_at in seconds since the epoch, and the
// profile (Name, or NickName when the provider gives no name; Email;
// AvatarURL), each nil where goth has none. emailVerified says whether the
// provider verified u.Email (see VerifiedEmail): an address it did not
// verify is left out (Email nil), a verified one is passed with
// EmailVerified, so that a user the sign-in creates is verified. SignedIn
// is nil: set it to link the provider account to the signed-in user. For
// gormauth.Beta73, whose NextAuth.js knows no "oidc", set Account.Type to
// "oauth", as the Handler does.
//
//	in := gothauth.SignIn(u, gothauth.VerifiedEmail(provider, u))
//	res, err := repo.SignInOAuth(ctx, in)
func SignIn(u goth.User, emailVerified bool) repository.OAuthSignIn {
	a := repository.Account{Provider: u.Provider, ProviderAccountID: u.UserID, Type: "oauth",
		AccessToken: nonEmpty(u.AccessToken), RefreshToken: nonEmpty(u.RefreshToken), IDToken: nonEmpty(u.IDToken)}
	if u.IDToken != "" {
		a.Type = "oidc"
	}
	if !u.ExpiresAt.IsZero() {
		at := u.ExpiresAt.Unix()
		a.ExpiresAt = &at
	}
	in := repository.OAuthSignIn{Account: a, Name: nonEmpty(u.Name, u.NickName), Image: nonEmpty(u.AvatarURL)}
	if emailVerified {
		in.Email = nonEmpty(u.Email)
	}
	in.EmailVerified = in.Email != nil
	return in
}

// signInOf is SignIn for the Handler's flavour: NextAuth.js
// 2.0.0-beta.73 knows no "oidc" provider type and stores "oauth" for
// every OAuth provider.
func (h *Handler) signInOf(u goth.User, verified bool) repository.OAuthSignIn {
	in := SignIn(u, verified)
	if h.repo.Flavour() == gormauth.Beta73 {
		in.Account.Type = "oauth"
	}
	return in
}

// errForeignSession: the request is signed in (Load ran before Callback)
// with a session the Handler's repository does not have.
var errForeignSession = errors.New("gothauth: the request's session is not one of the Handler's repository: give Load and New the same one")

// signIn signs u in and returns the new session's token and expiry,
// never linking: the sign-in carries no SignedIn session, even for a
// signed-in request. Where the flavour cannot create a user without an
// email and the provider verified none, only a provider account linked
// already signs in: a new one is ErrUnverifiedEmail, before anything is
// written.
func (h *Handler) signIn(ctx context.Context, u goth.User, verified bool) (string, time.Time, error) {
	in := h.signInOf(u, verified)
	if in.Email == nil && h.repo.Flavour().EmailRequired() {
		_, err := h.repo.Accounts.ByKey(ctx, repository.AccountKey{Provider: in.Account.Provider, ProviderAccountID: in.Account.ProviderAccountID})
		if errors.Is(err, repository.ErrNotFound) {
			return "", time.Time{}, fmt.Errorf("gothauth: %w: %s", ErrUnverifiedEmail, u.Provider)
		}
		if err != nil {
			return "", time.Time{}, err
		}
	}
	res, err := h.repo.SignInOAuth(ctx, in)
	if err != nil {
		return "", time.Time{}, err
	}
	return res.Session.SessionToken, res.Session.Expires, nil
}

// signOut deletes the session the request of ctx is signed in with, if
// any.
func (h *Handler) signOut(ctx context.Context) error {
	sess, ok := nextauthhttp.SessionFrom(ctx)
	if !ok {
		return nil
	}
	if err := h.repo.Sessions.Delete(ctx, sess.SessionToken); err != nil && !errors.Is(err, repository.ErrNotFound) {
		return err
	}
	return nil
}

// link links u's provider account to the user signed in on ctx, as the
// repository's SignInOAuth decides for a signed-in request: a provider
// account linked to another user is ErrLinkedToOther. The session must be
// one of the Handler's repository, so that a Load given another repository
// (another flavour, or another database) cannot have an account linked to
// a user of its own by id.
func (h *Handler) link(ctx context.Context, u goth.User, verified bool) error {
	current, ok := nextauthhttp.SessionFrom(ctx)
	if !ok {
		return errForeignSession
	}
	// On the primary: a session signed out a moment ago, still on a
	// replica, must not link an account to its user.
	own, err := h.repo.Strict().Sessions.ByToken(ctx, current.SessionToken)
	switch {
	case errors.Is(err, repository.ErrNotFound), errors.Is(err, repository.ErrInvalidInput):
		return errForeignSession
	case err != nil:
		return err
	case own.UserID != current.UserID:
		return errForeignSession
	}
	in := h.signInOf(u, verified)
	in.SignedIn = own
	_, err = h.repo.SignInOAuth(ctx, in)
	if errors.Is(err, repository.ErrAccountNotLinked) {
		return fmt.Errorf("gothauth: %w", ErrLinkedToOther) // linked to another user
	}
	return err
}
