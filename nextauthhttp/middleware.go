package nextauthhttp

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/internal/fail"
	"github.com/gormauth/gormauth/internal/input"
	"github.com/gormauth/gormauth/repository"
)

// MaxTokenLen is the most bytes WellFormed accepts in a session token: the
// repositories' limit (input.MaxTokenLen), beyond which they refuse a token
// anyway.
const MaxTokenLen = input.MaxTokenLen

// Repository is what the middleware needs of a repository: package
// repository's *Repository, on any flavour, is one. Authenticate loads the
// valid session of a token with its user and applies the sliding expiry,
// reporting when to send the cookie again (zero: do not); its errors
// matching repository.ErrNotFound or ErrInvalidInput leave the request
// anonymous, any other is answered 500. Flavour names the application's
// session cookie (CookieFor). A fake that satisfies it tests HTTP code
// without a database.
type Repository interface {
	Authenticate(ctx context.Context, token string) (sess *repository.Session, cookieExpires time.Time, err error)
	Flavour() *gormauth.Flavour
}

// Options configures Load and Middleware. The zero value means the
// documented defaults, which match NextAuth.js's and Auth.js's.
type Options struct {
	// CookieName is the name of the session cookie over plain HTTP. Default:
	// the repository's flavour's, CookieFor(repo.Flavour()).Name.
	CookieName string
	// SecureCookieName is the name of the session cookie over HTTPS.
	// Default: the repository's application's, as CookieName.
	SecureCookieName string
	// TrustProxyHeaders makes a request with the header
	// X-Forwarded-Proto: https count as HTTPS. Set it only behind a proxy
	// that sets or strips that header; otherwise only r.TLS counts.
	TrustProxyHeaders bool
	// Unauthorized answers the requests Middleware refuses, those without a
	// valid session. Default: status 401 with the JSON body
	// {"error":"unauthorized"}.
	Unauthorized http.Handler
	// Logger receives database errors (never a token). Default
	// slog.Default().
	Logger *slog.Logger
	// NoCookieRefresh stops the middleware from sending the session cookie
	// again with a later expiry. Default false: the cookie is refreshed as
	// the application's own handler refreshes it (NextAuth.js beta.73 when
	// the sliding expiry extends the session; Auth.js on every request, with
	// Expires = now + MaxAge).
	NoCookieRefresh bool
}

// cookie returns the session cookie opts name, with def's names where
// opts name none.
func (o Options) cookie(def Cookie) Cookie {
	c := Cookie{Name: o.CookieName, SecureName: o.SecureCookieName, TrustProxyHeaders: o.TrustProxyHeaders}
	if c.Name == "" {
		c.Name = def.Name
	}
	if c.SecureName == "" {
		c.SecureName = def.SecureName
	}
	return c
}

// CookieOf returns the session cookie that Load and Middleware read for
// repo with opts: use it to set the cookie after a sign-in made in Go and
// to clear it on signing out, with the same names and attributes as the
// application's JavaScript side. It panics if repo is nil, as Load does.
func CookieOf(repo Repository, opts Options) Cookie {
	if repo == nil {
		panic("nextauthhttp: nil repository")
	}
	return opts.cookie(CookieFor(repo.Flavour()))
}

// Load returns middleware that authenticates a request by its session
// cookie when it carries one, and always calls the next handler: with the
// session and its user in the request's context when the session is valid
// (SessionFrom, UserFrom, SignedIn), without them otherwise. Put it in
// front of pages that anyone may see but that greet a signed-in user;
// Require (or Middleware) refuses the requests without a session. Database
// errors are answered 500 and logged. It panics if repo is nil. Where a
// session signed out a moment ago must be refused at once although reads go
// to replicas, give it repo.Strict() (repository.Options.StrictRevocation).
func Load(repo Repository, opts Options) func(http.Handler) http.Handler {
	l := &loader{repo: repo, cookie: CookieOf(repo, opts), opts: opts}
	if l.opts.Logger == nil {
		l.opts.Logger = slog.Default()
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { l.serve(w, r, next) })
	}
}

// Require returns middleware that calls the next handler only for requests
// Load found a valid session for, and answers the others with unauthorized
// (nil: status 401 with the JSON body {"error":"unauthorized"}). Use it
// after Load.
func Require(unauthorized http.Handler) func(http.Handler) http.Handler {
	if unauthorized == nil {
		unauthorized = http.HandlerFunc(writeUnauthorized)
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !SignedIn(r.Context()) {
				unauthorized.ServeHTTP(w, r)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// Middleware returns middleware that lets through only requests that carry
// the session cookie of a valid session, with the session and its user in
// the request's context: Load followed by Require(opts.Unauthorized). See
// the package documentation for what it does to each request. It panics if
// repo is nil.
func Middleware(repo Repository, opts Options) func(http.Handler) http.Handler {
	load, require := Load(repo, opts), Require(opts.Unauthorized)
	return func(next http.Handler) http.Handler { return load(require(next)) }
}

type loader struct {
	repo   Repository
	cookie Cookie
	opts   Options
}

func (l *loader) serve(w http.ResponseWriter, r *http.Request, next http.Handler) {
	token, ok := l.cookie.Read(r)
	if !ok || !WellFormed(token) {
		next.ServeHTTP(w, r)
		return
	}
	ctx := r.Context()
	sess, resend, err := l.repo.Authenticate(ctx, token)
	switch {
	case errors.Is(err, fail.ErrNotFound), errors.Is(err, fail.ErrInvalidInput):
		next.ServeHTTP(w, r)
		return
	case err != nil:
		l.opts.Logger.LogAttrs(ctx, slog.LevelError, "nextauthhttp: loading the session failed",
			slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Any("error", err))
		writeJSONError(w, http.StatusInternalServerError, "internal server error")
		return
	}
	if !resend.IsZero() && !l.opts.NoCookieRefresh {
		l.cookie.Set(w, r, token, resend)
	}
	next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, sessionKey{}, sess)))
}

// WellFormed reports whether s could be a session token, a cheap check
// made before any database query. It accepts every token a
// session.generateSessionToken option of NextAuth.js or Auth.js can make
// and the JavaScript side can read back: Auth.js's UUIDs, NextAuth.js
// beta.73's hex, base64 with / + =, base64url, nanoid, and any other
// non-empty text, since Auth.js itself accepts any (there is no minimum
// length: a short token is the application's choice). It rejects only what
// no session row can hold: the empty string, more than MaxTokenLen bytes,
// a NUL byte (PostgreSQL's text cannot hold one) and invalid UTF-8 (neither
// can PostgreSQL, and JavaScript cannot set it as a cookie). s is the
// decoded token, as Cookie.Read returns it.
func WellFormed(s string) bool {
	return s != "" && len(s) <= MaxTokenLen && strings.IndexByte(s, 0) < 0 && utf8.ValidString(s)
}

type sessionKey struct{}

// SessionFrom returns the session Load put in ctx, with its User filled
// in, and true; or nil and false when ctx holds none.
func SessionFrom(ctx context.Context) (*repository.Session, bool) {
	sess, ok := ctx.Value(sessionKey{}).(*repository.Session)
	return sess, ok && sess != nil
}

// UserFrom returns the signed-in user Load put in ctx and true, or nil and
// false (see SessionFrom).
func UserFrom(ctx context.Context) (*repository.User, bool) {
	sess, ok := SessionFrom(ctx)
	if !ok || sess.User == nil {
		return nil, false
	}
	return sess.User, true
}

// SignedIn reports whether Load found a valid session for the request of
// ctx.
func SignedIn(ctx context.Context) bool {
	_, ok := SessionFrom(ctx)
	return ok
}

// writeUnauthorized is the default answer of Require.
func writeUnauthorized(w http.ResponseWriter, _ *http.Request) {
	writeJSONError(w, http.StatusUnauthorized, "unauthorized")
}

// writeJSONError answers {"error": msg} with status.
func writeJSONError(w http.ResponseWriter, status int, msg string) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
}
