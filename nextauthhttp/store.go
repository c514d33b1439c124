package nextauthhttp

import (
	"context"
	"time"

	legacy "github.com/gormauth/gormauth/internal/legacy73"
	"github.com/gormauth/gormauth/repository"
)

// store is what Load needs of a legacy.
type store interface {
	// load returns the valid session of token with its user
	// (*models.Session or *authjs.Session), after the
	// sliding expiry, and the expiry to send the cookie again with (zero:
	// do not send it).
	load(ctx context.Context, token string) (sess any, resend time.Time, err error)
	// cookie is the session cookie of the repository's application.
	cookie() Cookie
	// strict is the store reading sessions from the primary only.
	strict() store
}

func storeOf[R Repository](repo R) store {
	switch r := any(repo).(type) {
	case *legacy.Repository:
		if r != nil {
			return beta73{r}
		}
	case *repository.Repository:
		if r != nil {
			return authJS{r}
		}
	}
	panic("nextauthhttp: nil repository")
}

// beta73 reads NextAuth.js 2.0.0-beta.73's sessions, and sends the cookie
// again when the sliding expiry extended the session, as NextAuth.js did.
type beta73 struct{ repo *legacy.Repository }

func (b beta73) load(ctx context.Context, token string) (any, time.Time, error) {
	sess, err := b.repo.Sessions.WithUser(ctx, token)
	if err != nil {
		return nil, time.Time{}, err
	}
	extended, err := b.repo.Sessions.Refresh(ctx, sess)
	if err != nil || !extended {
		return sess, time.Time{}, err
	}
	return sess, sess.Expires, nil
}

func (b beta73) cookie() Cookie { return NextAuthCookie() }
func (b beta73) strict() store  { return beta73{b.repo.Strict()} }

// authJS reads the sessions of package adapter's repository, and sends the
// cookie again as the flavour's JavaScript side does: on every request with
// Expires = now + MaxAge, as Auth.js's session endpoint does, whether or
// not the row was extended; or, on beta.73's tables, when the sliding
// expiry extended the session.
type authJS struct{ repo *repository.Repository }

func (a authJS) load(ctx context.Context, token string) (any, time.Time, error) {
	sess, err := a.repo.Sessions.WithUser(ctx, token)
	if err != nil {
		return nil, time.Time{}, err
	}
	extended, err := a.repo.Sessions.Refresh(ctx, sess)
	switch {
	case err != nil:
		return nil, time.Time{}, err
	case a.repo.Flavour().SendsCookieEachRequest():
		o := a.repo.Options()
		return sess, o.Now().Add(o.MaxAge), nil
	case extended:
		return sess, sess.Expires, nil
	}
	return sess, time.Time{}, nil
}

func (a authJS) cookie() Cookie { return AuthJSCookie(a.repo.Flavour()) }
func (a authJS) strict() store  { return authJS{a.repo.Strict()} }
