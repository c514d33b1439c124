package gothauth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/markbates/goth"

	legacy "github.com/gormauth/gormauth/internal/legacy73"
	"github.com/gormauth/gormauth/models"
	"github.com/gormauth/gormauth/nextauthhttp"
	"github.com/gormauth/gormauth/repository"
)

// The profile goth reports, as the repositories take it: the name (goth's
// Name, else the user name), the email if the provider verified it, and the
// picture, nil where goth has none.
func profile(u goth.User, emailVerified bool) (name, email, image *string) {
	if emailVerified {
		email = nonEmpty(u.Email)
	}
	return nonEmpty(u.Name, u.NickName), email, nonEmpty(u.AvatarURL)
}

func nonEmpty(ss ...string) *string {
	for _, s := range ss {
		if s != "" {
			return &s
		}
	}
	return nil
}

// SignIn returns the OAuth sign-in of NextAuth.js 2.0.0-beta.73's
// repository for u, whom goth signed in: the provider account (goth's
// provider name and user id), its access and refresh tokens and their
// expiry, and the profile (Name, or NickName when the provider gives no
// name; Email; AvatarURL), each nil where goth has none. emailVerified says
// whether the provider verified u.Email (see VerifiedEmail): an address it
// did not verify is left out (Email nil), a verified one is passed with
// EmailVerified, so that a user the sign-in creates is verified.
//
//	in := gothauth.SignIn(u, gothauth.VerifiedEmail(provider, u))
func SignIn(u goth.User, emailVerified bool) legacy.OAuthSignIn {
	in := legacy.OAuthSignIn{
		Account:      legacy.AccountKey{ProviderID: u.Provider, ProviderAccountID: u.UserID},
		ProviderType: "oauth",
		AccessToken:  nonEmpty(u.AccessToken),
		RefreshToken: nonEmpty(u.RefreshToken),
	}
	if !u.ExpiresAt.IsZero() {
		in.AccessTokenExpires = &u.ExpiresAt
	}
	in.Name, in.Email, in.Image = profile(u, emailVerified)
	in.EmailVerified = in.Email != nil
	return in
}

// AuthJSSignIn returns the OAuth sign-in of an Auth.js flavour's
// repository for u: the provider account with type "oidc" when goth has an
// ID token and "oauth" otherwise, the access, refresh and ID tokens,
// expires_at in seconds since the epoch, and the profile as SignIn takes it
// (an email the provider did not verify left out, a verified one passed
// with EmailVerified).
func AuthJSSignIn(u goth.User, emailVerified bool) repository.OAuthSignIn {
	a := repository.Account{Provider: u.Provider, ProviderAccountID: u.UserID, Type: "oauth",
		AccessToken: nonEmpty(u.AccessToken), RefreshToken: nonEmpty(u.RefreshToken), IDToken: nonEmpty(u.IDToken)}
	if u.IDToken != "" {
		a.Type = "oidc"
	}
	if !u.ExpiresAt.IsZero() {
		at := u.ExpiresAt.Unix()
		a.ExpiresAt = &at
	}
	in := repository.OAuthSignIn{Account: a}
	in.Name, in.Email, in.Image = profile(u, emailVerified)
	in.EmailVerified = in.Email != nil
	return in
}

func signerOf[R nextauthhttp.Repository](repo R) (signer, error) {
	switch r := any(repo).(type) {
	case *legacy.Repository:
		if r != nil {
			return beta73{r}, nil
		}
	case *repository.Repository:
		if r != nil {
			return authJS{r}, nil
		}
	}
	return nil, errors.New("gothauth: nil repository")
}

// errForeignSession: the request is signed in (Load ran before Callback)
// with a session of another repository than the Handler's.
var errForeignSession = errors.New("gothauth: the request's session is not of the Handler's repository: give Load and New the same one")

type beta73 struct{ repo *legacy.Repository }

func (b beta73) signIn(ctx context.Context, u goth.User, verified bool) (string, time.Time, error) {
	res, err := b.repo.SignInOAuth(ctx, SignIn(u, verified))
	if err != nil {
		return "", time.Time{}, err
	}
	return res.Session.SessionToken, res.Session.Expires, nil
}

func (b beta73) signOut(ctx context.Context) error {
	sess, ok := nextauthhttp.SessionFrom(ctx)
	if !ok {
		return nil
	}
	if err := b.repo.Sessions.Delete(ctx, sess.SessionToken); err != nil && !errors.Is(err, legacy.ErrNotFound) {
		return err
	}
	return nil
}

func (b beta73) link(ctx context.Context, u goth.User, verified bool) error {
	current, ok := nextauthhttp.SessionFrom(ctx)
	if !ok {
		return errForeignSession
	}
	in := SignIn(u, verified)
	err := b.repo.Accounts.Link(ctx, &models.Account{UserID: current.UserID, ProviderType: in.ProviderType,
		ProviderID: u.Provider, ProviderAccountID: u.UserID, AccessToken: in.AccessToken, RefreshToken: in.RefreshToken,
		AccessTokenExpires: in.AccessTokenExpires})
	if !errors.Is(err, legacy.ErrAlreadyExists) {
		return err
	}
	linked, lookup := b.repo.Accounts.ByKey(ctx, in.Account)
	switch {
	case lookup != nil:
		return lookup
	case linked.UserID != current.UserID:
		return fmt.Errorf("gothauth: %w", ErrLinkedToOther)
	}
	return nil // linked to this user already
}

type authJS struct{ repo *repository.Repository }

// signIn signs in, never linking: the sign-in carries no SignedIn session,
// even for a signed-in request. Where the flavour cannot create a user
// without an email and the provider verified none, only a provider
// account linked already signs in: a new one is ErrUnverifiedEmail,
// before anything is written.
func (a authJS) signIn(ctx context.Context, u goth.User, verified bool) (string, time.Time, error) {
	in := AuthJSSignIn(u, verified)
	if in.Email == nil && a.repo.Flavour().EmailRequired() {
		_, err := a.repo.Accounts.ByKey(ctx, repository.AccountKey{Provider: in.Account.Provider, ProviderAccountID: in.Account.ProviderAccountID})
		if errors.Is(err, repository.ErrNotFound) {
			return "", time.Time{}, fmt.Errorf("gothauth: %w: %s", ErrUnverifiedEmail, u.Provider)
		}
		if err != nil {
			return "", time.Time{}, err
		}
	}
	res, err := a.repo.SignInOAuth(ctx, in)
	if err != nil {
		return "", time.Time{}, err
	}
	return res.Session.SessionToken, res.Session.Expires, nil
}

func (a authJS) signOut(ctx context.Context) error {
	sess, ok := nextauthhttp.AuthJSSessionFrom(ctx)
	if !ok {
		return nil
	}
	if err := a.repo.Sessions.Delete(ctx, sess.SessionToken); err != nil && !errors.Is(err, repository.ErrNotFound) {
		return err
	}
	return nil
}

func (a authJS) link(ctx context.Context, u goth.User, verified bool) error {
	in := AuthJSSignIn(u, verified)
	var ok bool
	if in.SignedIn, ok = nextauthhttp.AuthJSSessionFrom(ctx); !ok {
		return errForeignSession
	}
	_, err := a.repo.SignInOAuth(ctx, in)
	if errors.Is(err, repository.ErrAccountNotLinked) {
		return fmt.Errorf("gothauth: %w", ErrLinkedToOther) // linked to another user
	}
	return err
}
