package nextauthhttp_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/internal/harness/testdb"
	"github.com/gormauth/gormauth/nextauthhttp"
	"github.com/gormauth/gormauth/repository"
)

// authJSEnv is a database with flavour f's tables, an adapter repository
// on a test clock, and Middleware around a handler that answers the
// Auth.js user.
type authJSEnv struct {
	repo    *repository.Repository
	clock   *testdb.Clock
	handler http.Handler
}

func newAuthJSEnv(t *testing.T, f *gormauth.Flavour, opts nextauthhttp.Options) *authJSEnv {
	t.Helper()
	db := testdb.Open(t)
	require.NoError(t, gormauth.AutoMigrate(context.Background(), db, f))
	e := &authJSEnv{clock: testdb.NewClock(start)}
	e.repo = repository.New(db, f, repository.Options{Now: e.clock.Now})
	e.handler = nextauthhttp.Middleware(e.repo, opts)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, ok := nextauthhttp.AuthJSUserFrom(r.Context())
		s, ok2 := nextauthhttp.AuthJSSessionFrom(r.Context())
		_, beta := nextauthhttp.UserFrom(r.Context())
		if !ok || !ok2 || beta {
			w.WriteHeader(http.StatusTeapot)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]string{"id": u.ID, "email": *u.Email, "token": s.SessionToken})
	}))
	return e
}

func (e *authJSEnv) get(cookies ...*http.Cookie) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodGet, "http://app.example.com/api/me", nil)
	for _, c := range cookies {
		r.AddCookie(c)
	}
	w := httptest.NewRecorder()
	e.handler.ServeHTTP(w, r)
	return w
}

// The middleware authenticates by the flavour's cookie and, as Auth.js's
// session endpoint, sends it again on every request with Expires = now +
// MaxAge, extending the row when it is due.
func TestMiddlewareAuthJS(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, f := range gormauth.AuthJSFlavours() {
		t.Run(f.Name(), func(t *testing.T) {
			t.Parallel()
			e := newAuthJSEnv(t, f, nextauthhttp.Options{})
			u := &repository.User{Email: ptr("alice@example.com")}
			require.NoError(t, e.repo.Users.Create(ctx, u))
			s, err := e.repo.Sessions.Create(ctx, u.ID)
			require.NoError(t, err)
			name := "authjs.session-token"
			if f.V4() {
				name = "next-auth.session-token"
			}

			e.clock.Advance(time.Hour)
			w := e.get(&http.Cookie{Name: name, Value: s.SessionToken})
			require.Equal(t, http.StatusOK, w.Code, w.Body.String())
			var got map[string]string
			require.NoError(t, json.Unmarshal(w.Body.Bytes(), &got))
			assert.Equal(t, u.ID, got["id"])
			cookies := w.Result().Cookies()
			require.Len(t, cookies, 1, "the cookie is sent again although the session was not extended")
			assert.Equal(t, name, cookies[0].Name)
			assert.Equal(t, s.SessionToken, cookies[0].Value)
			assert.Equal(t, start.Add(time.Hour+repository.DefaultMaxAge), cookies[0].Expires)
			row, err := e.repo.Sessions.ByToken(ctx, s.SessionToken)
			require.NoError(t, err)
			assert.Equal(t, start.Add(repository.DefaultMaxAge), row.Expires, "not due: the row is unchanged")

			e.clock.Advance(repository.DefaultUpdateAge)
			w = e.get(&http.Cookie{Name: name, Value: s.SessionToken})
			require.Equal(t, http.StatusOK, w.Code)
			row, err = e.repo.Sessions.ByToken(ctx, s.SessionToken)
			require.NoError(t, err)
			assert.Equal(t, start.Add(time.Hour+repository.DefaultUpdateAge+repository.DefaultMaxAge), row.Expires, "due: extended")

			other := "next-auth.session-token"
			if f.V4() {
				other = "authjs.session-token"
			}
			assert.Equal(t, http.StatusUnauthorized, e.get(&http.Cookie{Name: other, Value: s.SessionToken}).Code,
				"the other generation's cookie name")
			require.NoError(t, e.repo.Sessions.Delete(ctx, s.SessionToken))
			w = e.get(&http.Cookie{Name: name, Value: s.SessionToken})
			assert.Equal(t, http.StatusUnauthorized, w.Code)
			assert.Empty(t, w.Result().Cookies())
		})
	}
}

// Load lets every request through, with the user when there is one;
// Require refuses the requests without one.
func TestLoadAndRequire(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.Open(t)
	require.NoError(t, gormauth.AutoMigrate(ctx, db, gormauth.Drizzle))
	repo := repository.New(db, gormauth.Drizzle, repository.Options{})
	u := &repository.User{Email: ptr("alice@example.com")}
	require.NoError(t, repo.Users.Create(ctx, u))
	s, err := repo.Sessions.Create(ctx, u.ID)
	require.NoError(t, err)

	greet := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, ok := nextauthhttp.AuthJSUserFrom(r.Context()); ok {
			w.Write([]byte("hello " + *u.Email))
			return
		}
		assert.False(t, nextauthhttp.SignedIn(r.Context()))
		w.Write([]byte("hello stranger"))
	})
	load := nextauthhttp.Load(repo, nextauthhttp.Options{})
	mux := http.NewServeMux()
	mux.Handle("/", greet)
	mux.Handle("/private", nextauthhttp.Require(nil)(greet))
	mux.Handle("/login-first", nextauthhttp.Require(http.RedirectHandler("/login", http.StatusSeeOther))(greet))
	h := load(mux)

	get := func(path string, token string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodGet, "http://app.example.com"+path, nil)
		if token != "" {
			r.AddCookie(&http.Cookie{Name: nextauthhttp.AuthJSCookieName, Value: token})
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	assert.Equal(t, "hello stranger", get("/", "").Body.String())
	assert.Equal(t, "hello alice@example.com", get("/", s.SessionToken).Body.String())
	assert.Equal(t, "hello stranger", get("/", "unknown-token-0123456789").Body.String(), "an unknown session: a stranger")
	w := get("/private", "")
	assert.Equal(t, http.StatusUnauthorized, w.Code)
	assert.JSONEq(t, `{"error":"unauthorized"}`, w.Body.String())
	assert.Equal(t, "hello alice@example.com", get("/private", s.SessionToken).Body.String())
	w = get("/login-first", "")
	assert.Equal(t, http.StatusSeeOther, w.Code)
	assert.Equal(t, "/login", w.Header().Get("Location"))

	assert.Equal(t, nextauthhttp.AuthJSCookie(gormauth.Drizzle), nextauthhttp.CookieOf(repo, nextauthhttp.Options{}))
	assert.Equal(t, nextauthhttp.Cookie{Name: "sid", SecureName: "__Secure-authjs.session-token", TrustProxyHeaders: true},
		nextauthhttp.CookieOf(repo, nextauthhttp.Options{CookieName: "sid", TrustProxyHeaders: true}))
}

// TestCookieDowngradeBehindProxy: behind a proxy that ends TLS, with
// TrustProxyHeaders off (a supported set-up), the browser sends the
// __Secure- cookie over what reaches Go as plain HTTP. The middleware must
// send it back under the name it came with, Secure, not under the plain
// name without Secure (which a man in the middle could then read and
// overwrite); and when both names are present the __Secure- one wins, so
// that a plain cookie planted over HTTP or by a sibling subdomain cannot
// replace the person's session with the attacker's.
func TestCookieDowngradeBehindProxy(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newAuthJSEnv(t, gormauth.Prisma, nextauthhttp.Options{})
	session := func(email string) (*repository.User, string) {
		u := &repository.User{Email: ptr(email)}
		require.NoError(t, e.repo.Users.Create(ctx, u))
		s, err := e.repo.Sessions.Create(ctx, u.ID)
		require.NoError(t, err)
		return u, s.SessionToken
	}
	victim, victimToken := session("victim@example.com")
	_, attackerToken := session("attacker@example.com")
	secureC := &http.Cookie{Name: nextauthhttp.AuthJSSecureCookieName, Value: victimToken}
	planted := &http.Cookie{Name: nextauthhttp.AuthJSCookieName, Value: attackerToken}

	t.Run("ResentUnderItsOwnName", func(t *testing.T) {
		w := e.get(secureC)
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		c := w.Result().Cookies()
		require.Len(t, c, 1)
		assert.Equal(t, nextauthhttp.AuthJSSecureCookieName, c[0].Name)
		assert.True(t, c[0].Secure, "a __Secure- token is never sent back without Secure")
		assert.True(t, c[0].HttpOnly)
	})
	t.Run("SecureNameWins", func(t *testing.T) {
		for _, order := range [][]*http.Cookie{{planted, secureC}, {secureC, planted}} {
			w := e.get(order...)
			require.Equal(t, http.StatusOK, w.Code, w.Body.String())
			var got map[string]string
			require.NoError(t, json.Unmarshal(w.Body.Bytes(), &got))
			assert.Equal(t, victim.ID, got["id"], "the planted plain cookie must not replace the __Secure- one")
			c := w.Result().Cookies()
			require.Len(t, c, 1)
			assert.Equal(t, nextauthhttp.AuthJSSecureCookieName, c[0].Name)
		}
	})
	t.Run("PlainAlone", func(t *testing.T) {
		w := e.get(planted)
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		c := w.Result().Cookies()
		require.Len(t, c, 1)
		assert.Equal(t, nextauthhttp.AuthJSCookieName, c[0].Name)
		assert.False(t, c[0].Secure)
	})
}

// A handler that signs out behind the middleware, which sent the cookie
// again with a later expiry, answers one Set-Cookie line for the name:
// the clearing one.
func TestClearReplacesRefresh(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newAuthJSEnv(t, gormauth.Prisma, nextauthhttp.Options{})
	cookie := nextauthhttp.AuthJSCookie(gormauth.Prisma)
	signOut := nextauthhttp.Load(e.repo, nextauthhttp.Options{})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cookie.Clear(w, r)
	}))
	u := &repository.User{Email: ptr("clear@example.com")}
	require.NoError(t, e.repo.Users.Create(ctx, u))
	s, err := e.repo.Sessions.Create(ctx, u.ID)
	require.NoError(t, err)
	r := httptest.NewRequest(http.MethodPost, "http://app.example.com/signout", nil)
	r.AddCookie(&http.Cookie{Name: nextauthhttp.AuthJSCookieName, Value: s.SessionToken})
	w := httptest.NewRecorder()
	signOut.ServeHTTP(w, r)
	lines := w.Header().Values("Set-Cookie")
	require.Len(t, lines, 1, "%q", lines)
	assert.Contains(t, lines[0], "Max-Age=0")
}

// TestSiblingCookie: a sibling subdomain over HTTPS sets a __Secure-
// session cookie of its own for the parent domain with a longer Path; the
// browser sends it before the person's. The request must not be taken for
// the attacker's session (or the person's: nothing tells which is whose).
func TestSiblingCookie(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newAuthJSEnv(t, gormauth.Prisma, nextauthhttp.Options{})
	token := func(email string) string {
		u := &repository.User{Email: ptr(email)}
		require.NoError(t, e.repo.Users.Create(ctx, u))
		s, err := e.repo.Sessions.Create(ctx, u.ID)
		require.NoError(t, err)
		return s.SessionToken
	}
	victim, attacker := token("victim@example.com"), token("attacker@example.com")
	for _, tls := range []bool{false, true} {
		for _, name := range []string{nextauthhttp.AuthJSSecureCookieName, nextauthhttp.AuthJSCookieName} {
			if tls && name == nextauthhttp.AuthJSCookieName {
				continue // over HTTPS the plain name is never read
			}
			r := request(tls)
			r.AddCookie(&http.Cookie{Name: name, Value: attacker})
			r.AddCookie(&http.Cookie{Name: name, Value: victim})
			w := httptest.NewRecorder()
			e.handler.ServeHTTP(w, r)
			assert.Equal(t, http.StatusUnauthorized, w.Code, "%s (TLS %v): %s", name, tls, w.Body.String())
			assert.Empty(t, w.Header().Values("Set-Cookie"))
		}
	}
}

// On beta.73's tables, the middleware over package adapter's repository
// reads next-auth.session-token and sends the cookie again as NextAuth.js
// beta.73 does: only when the sliding expiry extended the session.
func TestMiddlewareAdapterBeta73(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newAuthJSEnv(t, gormauth.Beta73, nextauthhttp.Options{})
	u := &repository.User{Email: ptr("alice@example.com")}
	require.NoError(t, e.repo.Users.Create(ctx, u))
	s, err := e.repo.Sessions.Create(ctx, u.ID)
	require.NoError(t, err)
	cookie := &http.Cookie{Name: nextauthhttp.CookieName, Value: s.SessionToken}

	e.clock.Advance(time.Hour)
	w := e.get(cookie)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	assert.Empty(t, w.Result().Cookies(), "not extended: no cookie")

	e.clock.Advance(repository.DefaultUpdateAge)
	w = e.get(cookie)
	require.Equal(t, http.StatusOK, w.Code)
	c := w.Result().Cookies()
	require.Len(t, c, 1, "extended: the cookie again")
	assert.Equal(t, nextauthhttp.CookieName, c[0].Name)
	assert.Equal(t, start.Add(time.Hour+repository.DefaultUpdateAge+repository.DefaultMaxAge).Unix(), c[0].Expires.Unix())
}
