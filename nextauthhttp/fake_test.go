package nextauthhttp_test

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/nextauthhttp"
	"github.com/gormauth/gormauth/repository"
)

// fakeRepository is a Repository without a database: Authenticate answers
// sess, with cookieExpires, for sess's token, ErrNotFound for any other,
// and err for every token when err is set. It records the tokens and
// contexts it was called with.
type fakeRepository struct {
	flavour       *gormauth.Flavour
	sess          *repository.Session
	cookieExpires time.Time
	err           error

	mu     sync.Mutex
	tokens []string
	ctxs   []context.Context
}

func (f *fakeRepository) Authenticate(ctx context.Context, token string) (*repository.Session, time.Time, error) {
	f.mu.Lock()
	f.tokens = append(f.tokens, token)
	f.ctxs = append(f.ctxs, ctx)
	f.mu.Unlock()
	switch {
	case f.err != nil:
		return nil, time.Time{}, f.err
	case f.sess == nil || token != f.sess.SessionToken:
		return nil, time.Time{}, fmt.Errorf("fake: %w", repository.ErrNotFound)
	}
	return f.sess, f.cookieExpires, nil
}

func (f *fakeRepository) Flavour() *gormauth.Flavour { return f.flavour }

// calls returns the tokens Authenticate was called with.
func (f *fakeRepository) calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.tokens...)
}

// probe is a next handler that records what Load put in the context.
type probe struct {
	called   bool
	sess     *repository.Session
	user     *repository.User
	signedIn bool
}

func (p *probe) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.called = true
	p.sess, _ = nextauthhttp.SessionFrom(r.Context())
	p.user, _ = nextauthhttp.UserFrom(r.Context())
	p.signedIn = nextauthhttp.SignedIn(r.Context())
	w.WriteHeader(http.StatusNoContent)
}

// ctxKey marks the request's context, to see that it reaches Authenticate.
type ctxKey struct{}

// fakeCase is a request to the middleware over a fakeRepository.
type fakeCase struct {
	f      *gormauth.Flavour
	repo   *fakeRepository
	opts   nextauthhttp.Options
	log    *syncBuffer
	cookie string // the Cookie header; none if empty
	tls    bool
}

// serve sends the request through Load (Middleware when refuse is set)
// to a new probe.
func (c *fakeCase) serve(refuse bool) (*httptest.ResponseRecorder, *probe) {
	if c.log == nil {
		c.log = &syncBuffer{}
	}
	opts := c.opts
	opts.Logger = slog.New(slog.NewJSONHandler(c.log, nil))
	mw := nextauthhttp.Load(c.repo, opts)
	if refuse {
		mw = nextauthhttp.Middleware(c.repo, opts)
	}
	p := &probe{}
	r := httptest.NewRequest(http.MethodGet, "http://app.example.com/api/me?x=1", nil)
	r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, "request"))
	if c.cookie != "" {
		r.Header.Set("Cookie", c.cookie)
	}
	if c.tls {
		r.TLS = &tls.ConnectionState{}
	}
	w := httptest.NewRecorder()
	mw(p).ServeHTTP(w, r)
	return w, p
}

// TestMiddlewareFakeRepository tests the middleware's side of the contract
// with a Repository that is not package repository's: what it does with
// each answer of Authenticate, and where it reads the cookie's name.
func TestMiddlewareFakeRepository(t *testing.T) {
	t.Parallel()
	for _, f := range gormauth.Flavours() {
		t.Run(f.Name(), func(t *testing.T) {
			t.Parallel()
			testFake(t, f)
		})
	}
}

func testFake(t *testing.T, f *gormauth.Flavour) {
	const token = "SJdj+x/LGSO9a5Qz+/w8ZA==" // sent percent-encoded
	plain := f.CookieName(false) + "=" + nextauthhttp.EncodeValue(token)
	user := &repository.User{ID: "u1", Email: ptr("alice@example.com")}
	newCase := func() *fakeCase {
		return &fakeCase{f: f, cookie: plain, repo: &fakeRepository{flavour: f,
			sess: &repository.Session{SessionToken: token, UserID: user.ID, User: user}}}
	}
	expires := time.Date(2031, 2, 3, 4, 5, 6, 0, time.UTC)

	// anonymous checks that Load let the request through without a
	// session, and that Middleware refused it with the default 401.
	anonymous := func(t *testing.T, c *fakeCase) {
		t.Helper()
		w, p := c.serve(false)
		assert.Equal(t, http.StatusNoContent, w.Code)
		assert.True(t, p.called, "Load always calls the next handler")
		assert.False(t, p.signedIn)
		assert.Nil(t, p.sess)
		assert.Nil(t, p.user)
		assert.Empty(t, w.Header().Values("Set-Cookie"))
		w, p = c.serve(true)
		assert.False(t, p.called, "Require refuses it")
		assertUnauthorized(t, w)
		assert.Empty(t, c.log.String(), "nothing is logged")
	}

	t.Run("NoCookie", func(t *testing.T) {
		for _, cookie := range []string{"", "other=1", otherCookieName(f) + "=" + token, "__Secure-" + otherCookieName(f) + "=" + token} {
			c := newCase()
			c.cookie = cookie
			anonymous(t, c)
			assert.Empty(t, c.repo.calls(), "%q: Authenticate is not called", cookie)
		}
	})
	t.Run("Malformed", func(t *testing.T) {
		c := newCase()
		c.cookie = f.CookieName(false) + "=" + nextauthhttp.EncodeValue(token) + "%00"
		anonymous(t, c)
		assert.Empty(t, c.repo.calls(), "a token no row can hold is not looked up")
	})
	t.Run("Valid", func(t *testing.T) {
		for _, secure := range []bool{false, true} {
			c := newCase()
			if secure {
				c.cookie, c.tls = f.CookieName(true)+"="+nextauthhttp.EncodeValue(token), true
			}
			w, p := c.serve(false)
			assert.Equal(t, http.StatusNoContent, w.Code)
			require.True(t, p.called)
			assert.True(t, p.signedIn)
			assert.Same(t, c.repo.sess, p.sess, "the session Authenticate returned")
			assert.Same(t, user, p.user)
			assert.Empty(t, w.Header().Values("Set-Cookie"), "a zero cookieExpires: the cookie is not sent")
			assert.Equal(t, []string{token}, c.repo.calls(), "the decoded token, once")
			assert.Equal(t, "request", c.repo.ctxs[0].Value(ctxKey{}), "the request's context")

			w, p = c.serve(true)
			assert.Equal(t, http.StatusNoContent, w.Code)
			assert.Same(t, user, p.user)
			assert.Empty(t, c.log.String())
		}
	})
	t.Run("SessionWithoutUser", func(t *testing.T) {
		c := newCase()
		c.repo.sess.User = nil
		w, p := c.serve(true)
		assert.Equal(t, http.StatusNoContent, w.Code, "a session is a session")
		assert.True(t, p.signedIn)
		assert.Same(t, c.repo.sess, p.sess)
		assert.Nil(t, p.user, "UserFrom has no user to give")
	})
	t.Run("CookieResent", func(t *testing.T) {
		c := newCase()
		c.repo.cookieExpires = expires
		w, p := c.serve(true)
		assert.True(t, p.signedIn)
		cs := w.Result().Cookies()
		require.Len(t, cs, 1)
		assert.Equal(t, f.CookieName(false), cs[0].Name)
		assert.Equal(t, nextauthhttp.EncodeValue(token), cs[0].Value, "encoded as the JavaScript side encodes it")
		assert.Equal(t, expires, cs[0].Expires.UTC(), "the expiry Authenticate reported")
		assert.Equal(t, "/", cs[0].Path)
		assert.True(t, cs[0].HttpOnly)
		assert.False(t, cs[0].Secure)
		assert.Equal(t, http.SameSiteLaxMode, cs[0].SameSite)

		c.cookie, c.tls = f.CookieName(true)+"="+nextauthhttp.EncodeValue(token), true
		w, _ = c.serve(false)
		cs = w.Result().Cookies()
		require.Len(t, cs, 1)
		assert.Equal(t, f.CookieName(true), cs[0].Name)
		assert.True(t, cs[0].Secure)
		assert.Equal(t, expires, cs[0].Expires.UTC())

		c.opts.NoCookieRefresh = true
		w, p = c.serve(false)
		assert.True(t, p.signedIn)
		assert.Empty(t, w.Header().Values("Set-Cookie"), "NoCookieRefresh")
	})
	t.Run("CookieNames", func(t *testing.T) {
		c := newCase()
		c.repo.cookieExpires = expires
		c.opts = nextauthhttp.Options{CookieName: "sid", SecureCookieName: "__Secure-sid"}
		anonymous(t, c)
		c.cookie = "sid=" + nextauthhttp.EncodeValue(token)
		w, p := c.serve(true)
		assert.True(t, p.signedIn)
		cs := w.Result().Cookies()
		require.Len(t, cs, 1)
		assert.Equal(t, "sid", cs[0].Name)
		assert.Equal(t, nextauthhttp.Cookie{Name: "sid", SecureName: "__Secure-sid"}, nextauthhttp.CookieOf(c.repo, c.opts))
		assert.Equal(t, nextauthhttp.CookieFor(f), nextauthhttp.CookieOf(c.repo, nextauthhttp.Options{}))
	})
	for _, sentinel := range []error{repository.ErrNotFound, repository.ErrInvalidInput} {
		t.Run(fmt.Sprint(sentinel), func(t *testing.T) {
			c := newCase()
			c.repo.cookieExpires = expires
			c.repo.err = fmt.Errorf("sessions: with user: %w", sentinel)
			anonymous(t, c)
			assert.Equal(t, []string{token, token}, c.repo.calls())
		})
	}
	t.Run("DatabaseError", func(t *testing.T) {
		for _, refuse := range []bool{false, true} {
			c := newCase()
			c.repo.err = fmt.Errorf("sessions: with user: %w", errors.New("connection refused"))
			w, p := c.serve(refuse)
			assert.False(t, p.called, "the next handler does not run")
			assert.Equal(t, http.StatusInternalServerError, w.Code)
			assert.JSONEq(t, `{"error":"internal server error"}`, w.Body.String())
			assert.Equal(t, "application/json; charset=utf-8", w.Header().Get("Content-Type"))
			assert.Equal(t, "no-store", w.Header().Get("Cache-Control"))
			assert.Equal(t, "nosniff", w.Header().Get("X-Content-Type-Options"))
			assert.Empty(t, w.Header().Values("Set-Cookie"))

			var entry map[string]any
			assert.NoError(t, json.Unmarshal([]byte(c.log.String()), &entry), "one JSON line: %s", c.log)
			assert.Equal(t, "ERROR", entry["level"])
			assert.Equal(t, "nextauthhttp: loading the session failed", entry["msg"])
			assert.Equal(t, "GET", entry["method"])
			assert.Equal(t, "/api/me", entry["path"])
			assert.Equal(t, "sessions: with user: connection refused", entry["error"])
			for _, secret := range []string{token, nextauthhttp.EncodeValue(token), token[:8]} {
				assert.NotContains(t, c.log.String(), secret, "the log never holds the token")
			}
		}
	})
	t.Run("Require", func(t *testing.T) {
		// Require alone, with no Load before it, finds no session.
		p := &probe{}
		w := httptest.NewRecorder()
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("Cookie", plain)
		nextauthhttp.Require(nil)(p).ServeHTTP(w, r)
		assert.False(t, p.called)
		assertUnauthorized(t, w)

		login := http.RedirectHandler("/login", http.StatusSeeOther)
		w = httptest.NewRecorder()
		nextauthhttp.Require(login)(p).ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/", nil))
		assert.False(t, p.called)
		assert.Equal(t, http.StatusSeeOther, w.Code)
		assert.Equal(t, "/login", w.Header().Get("Location"))

		// Middleware is Load then Require(opts.Unauthorized).
		c := newCase()
		c.cookie = ""
		c.opts.Unauthorized = login
		w, p = c.serve(true)
		assert.False(t, p.called)
		assert.Equal(t, http.StatusSeeOther, w.Code)
		c.cookie = plain
		w, p = c.serve(true)
		assert.True(t, p.called)
		assert.Equal(t, http.StatusNoContent, w.Code)
	})
}
