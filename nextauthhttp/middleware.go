package nextauthhttp

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gormauth/gormauth/models"
	"github.com/gormauth/gormauth/repository"
)

// NextAuth.js's names of the session cookie.
const (
	// CookieName is the session cookie's name over plain HTTP.
	CookieName = "next-auth.session-token"
	// SecureCookieName is the session cookie's name over HTTPS.
	SecureCookieName = "__Secure-next-auth.session-token"
)

// Limits of WellFormed.
const (
	MinTokenLen = 16                     // shorter values are not tokens anyone generates
	MaxTokenLen = repository.MaxTokenLen // 512: longer values are rejected by the repository too
)

// Options configures Middleware. The zero value means the documented
// defaults, which match NextAuth.js's.
type Options struct {
	// CookieName is the name of the session cookie over plain HTTP. Default
	// CookieName ("next-auth.session-token").
	CookieName string
	// SecureCookieName is the name of the session cookie over HTTPS. Default
	// SecureCookieName ("__Secure-next-auth.session-token").
	SecureCookieName string
	// TrustProxyHeaders makes a request with the header
	// X-Forwarded-Proto: https count as HTTPS. Set it only behind a proxy
	// that sets or strips that header; otherwise only r.TLS counts.
	TrustProxyHeaders bool
	// Unauthorized answers requests without a valid session. Default: status
	// 401 with the JSON body {"error":"unauthorized"}.
	Unauthorized http.Handler
	// Logger receives database errors (never a token). Default
	// slog.Default().
	Logger *slog.Logger
	// NoCookieRefresh stops the middleware from sending the cookie again
	// with the new expiry when the sliding expiry extends a session. Default
	// false: the cookie is refreshed, as NextAuth.js does.
	NoCookieRefresh bool
	// StrictRevocation reads sessions from the primary only when the
	// repository's *gorm.DB sends reads to replicas (see
	// repository.Options.StrictRevocation): a session signed out a moment
	// ago is refused at once rather than once the replica has caught up.
	// Set it on the middleware of the routes where that matters; the
	// repository's own option applies to every route.
	StrictRevocation bool
}

func (o Options) withDefaults() Options {
	if o.CookieName == "" {
		o.CookieName = CookieName
	}
	if o.SecureCookieName == "" {
		o.SecureCookieName = SecureCookieName
	}
	if o.Unauthorized == nil {
		o.Unauthorized = http.HandlerFunc(unauthorized)
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// Middleware returns middleware that lets through only requests that carry
// the session cookie of a valid session, with the session and its user in
// the request's context (SessionFrom, UserFrom). See the package
// documentation for what it does to each request. It panics if repo is nil.
func Middleware(repo *repository.Repository, opts Options) func(http.Handler) http.Handler {
	if repo == nil {
		panic("nextauthhttp: Middleware: nil repository")
	}
	opts = opts.withDefaults()
	if opts.StrictRevocation {
		repo = repo.Strict()
	}
	return func(next http.Handler) http.Handler {
		return &handler{repo: repo, opts: opts, next: next}
	}
}

type handler struct {
	repo *repository.Repository
	opts Options
	next http.Handler
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	cookie := h.sessionCookie(r)
	if cookie == nil || !WellFormed(cookie.Value) {
		h.opts.Unauthorized.ServeHTTP(w, r)
		return
	}
	ctx := r.Context()
	sess, err := h.repo.Sessions.WithUser(ctx, cookie.Value)
	if err == nil {
		var extended bool
		extended, err = h.repo.Sessions.Refresh(ctx, sess)
		if extended && !h.opts.NoCookieRefresh {
			http.SetCookie(w, h.refreshed(r, cookie, sess.Expires))
		}
	}
	switch {
	case errors.Is(err, repository.ErrNotFound), errors.Is(err, repository.ErrInvalidInput):
		h.opts.Unauthorized.ServeHTTP(w, r)
		return
	case err != nil:
		h.opts.Logger.LogAttrs(ctx, slog.LevelError, "nextauthhttp: loading the session failed",
			slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Any("error", err))
		writeJSONError(w, http.StatusInternalServerError, "internal server error")
		return
	}
	h.next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, sessionKey{}, sess)))
}

// sessionCookie returns the session cookie the request should be
// authenticated by, or nil.
func (h *handler) sessionCookie(r *http.Request) *http.Cookie {
	if IsHTTPS(r, h.opts.TrustProxyHeaders) {
		c, _ := r.Cookie(h.opts.SecureCookieName)
		return c
	}
	if c, err := r.Cookie(h.opts.CookieName); err == nil {
		return c
	}
	c, _ := r.Cookie(h.opts.SecureCookieName)
	return c
}

// refreshed returns the session cookie to send after the session was
// extended to expires, with the attributes NextAuth.js gives it.
func (h *handler) refreshed(r *http.Request, c *http.Cookie, expires time.Time) *http.Cookie {
	return &http.Cookie{
		Name:     c.Name,
		Value:    c.Value,
		Path:     "/",
		Expires:  expires,
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
		Secure:   strings.HasPrefix(c.Name, "__Secure-") || IsHTTPS(r, h.opts.TrustProxyHeaders),
	}
}

// IsHTTPS reports whether r came over HTTPS: r.TLS is set or, when
// trustProxy is true, the first X-Forwarded-Proto value is "https".
func IsHTTPS(r *http.Request, trustProxy bool) bool {
	if r.TLS != nil {
		return true
	}
	if !trustProxy {
		return false
	}
	proto, _, _ := strings.Cut(r.Header.Get("X-Forwarded-Proto"), ",")
	return strings.EqualFold(strings.TrimSpace(proto), "https")
}

// WellFormed reports whether s could be a session token, a cheap check
// made before any database query. NextAuth.js's tokens are 64 lowercase hex
// characters; WellFormed accepts more, so that tokens made by other
// generators (UUIDs, base64, base64url) still work: MinTokenLen to
// MaxTokenLen characters, each an ASCII letter or digit or one of - _ . ~ + / =.
// Anything else (empty, too short or long, spaces, quotes, control
// characters, NUL, non-ASCII) is rejected.
func WellFormed(s string) bool {
	if len(s) < MinTokenLen || len(s) > MaxTokenLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '-', c == '_', c == '.', c == '~', c == '+', c == '/', c == '=':
		default:
			return false
		}
	}
	return true
}

type sessionKey struct{}

// SessionFrom returns the session the middleware put in ctx, with its User
// filled in, and true; or nil and false when ctx did not pass through the
// middleware.
func SessionFrom(ctx context.Context) (*models.Session, bool) {
	sess, ok := ctx.Value(sessionKey{}).(*models.Session)
	return sess, ok && sess != nil
}

// UserFrom returns the signed-in user the middleware put in ctx and true,
// or nil and false when ctx did not pass through the middleware.
func UserFrom(ctx context.Context) (*models.User, bool) {
	sess, ok := SessionFrom(ctx)
	if !ok || sess.User == nil {
		return nil, false
	}
	return sess.User, true
}

// unauthorized is the default Options.Unauthorized.
func unauthorized(w http.ResponseWriter, _ *http.Request) {
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
