package nextauthhttp_test

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/plugin/dbresolver"

	"github.com/gormauth/gormauth/internal/harness/testdb"
	legacy "github.com/gormauth/gormauth/internal/legacy73"
	"github.com/gormauth/gormauth/models"
	"github.com/gormauth/gormauth/nextauthhttp"
	"github.com/gormauth/gormauth/repository"
)

// get sends GET /api/me with the Cookie header cookie (none if empty)
// straight to the handler.
func (e *env) get(cookie string, mod ...func(*http.Request)) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodGet, "/api/me", nil)
	if cookie != "" {
		r.Header.Set("Cookie", cookie)
	}
	for _, f := range mod {
		f(r)
	}
	w := httptest.NewRecorder()
	e.handler.ServeHTTP(w, r)
	return w
}

func plain(token string) string  { return nextauthhttp.CookieName + "=" + token }
func secure(token string) string { return nextauthhttp.SecureCookieName + "=" + token }

// assertUnauthorized checks the default 401 answer.
func assertUnauthorized(t *testing.T, w *httptest.ResponseRecorder) {
	t.Helper()
	assert.Equal(t, http.StatusUnauthorized, w.Code)
	assert.Equal(t, "application/json; charset=utf-8", w.Header().Get("Content-Type"))
	assert.Equal(t, "no-store", w.Header().Get("Cache-Control"))
	assert.JSONEq(t, `{"error":"unauthorized"}`, w.Body.String())
	assert.Empty(t, w.Header().Values("Set-Cookie"))
}

// decodeMe decodes meHandler's answer.
func decodeMe(t *testing.T, w *httptest.ResponseRecorder) me {
	t.Helper()
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	var got me
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &got))
	require.NotNil(t, got.User)
	return got
}

func TestMiddleware(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nextauthhttp.Options{})
	ctx := context.Background()

	t.Run("ValidCookie", func(t *testing.T) {
		u, s := e.mustSession(t, "valid@example.com")
		w := e.get(plain(s.SessionToken))
		got := decodeMe(t, w)
		assert.Equal(t, u.ID, got.User.ID)
		assert.Equal(t, "valid@example.com", *got.User.Email)
		assert.Equal(t, s.ID, got.SessionID)
		assert.Empty(t, w.Header().Values("Set-Cookie"), "a fresh session is not due for a refresh")
		assert.Len(t, e.tracer.Statements(), 1, "session and user in one query: %q", e.tracer.Statements())
	})
	t.Run("Missing", func(t *testing.T) {
		e.tracer.Reset()
		assertUnauthorized(t, e.get(""))
		assertUnauthorized(t, e.get("other=1; next-auth.csrf-token=abc"))
		assert.Empty(t, e.tracer.Statements())
	})
	t.Run("Unknown", func(t *testing.T) {
		token, err := legacy.NewToken()
		require.NoError(t, err)
		e.tracer.Reset()
		assertUnauthorized(t, e.get(plain(token)))
		assert.Len(t, e.tracer.Statements(), 1, "a well-formed unknown token is looked up")
	})
	t.Run("Expired", func(t *testing.T) {
		_, s := e.mustSession(t, "expired@example.com")
		require.NoError(t, e.db.WithContext(ctx).Exec(`UPDATE sessions SET expires = ? WHERE id = ?`,
			start.Add(-time.Second), s.ID).Error)
		assertUnauthorized(t, e.get(plain(s.SessionToken)))
	})
	t.Run("Malformed", func(t *testing.T) {
		_, s := e.mustSession(t, "malformed@example.com")
		for name, value := range map[string]string{
			"Empty":          "",
			"TooLong":        strings.Repeat("a", nextauthhttp.MaxTokenLen+1),
			"EncodedTooLong": strings.Repeat("%2F", nextauthhttp.MaxTokenLen+1),
			"Huge":           strings.Repeat("f", 64<<10),
			"EncodedNUL":     s.SessionToken + "%00",
			"NUL":            s.SessionToken + "\x00",
			"Quote":          s.SessionToken + `"`,
			"Backslash":      s.SessionToken + `\`,
			"NonASCII":       s.SessionToken + "é",
			"ControlChar":    s.SessionToken + "\x7f",
		} {
			t.Run(name, func(t *testing.T) {
				e.tracer.Reset()
				assertUnauthorized(t, e.get(plain(value)))
				assert.Empty(t, e.tracer.Statements(), "a malformed cookie is rejected without a query")
			})
		}
	})
	t.Run("CustomTokens", func(t *testing.T) {
		// Tokens a session.generateSessionToken may make: base64 with / + =
		// arrives percent-encoded, as the JavaScript side sets it.
		for _, token := range []string{"SJdj+x/LGSO9a5Qz+/w8ZA==", "abc123", "a b;c,d\"e\\f%g", "Zoë's-token~*()!"} {
			u, s := e.mustSession(t, "custom@example.com")
			require.NoError(t, e.db.Exec(`UPDATE sessions SET session_token = ? WHERE id = ?`, token, s.ID).Error)
			got := decodeMe(t, e.get(plain(nextauthhttp.EncodeValue(token))))
			assert.Equal(t, u.ID, got.User.ID, "token %q", token)
			require.NoError(t, e.db.Exec(`DELETE FROM users WHERE id = ?`, u.ID).Error)
		}
	})
	t.Run("OddTokensLookedUp", func(t *testing.T) {
		// Never stricter than the JavaScript side: what it would look up is
		// looked up, and refused when no session has it.
		for _, value := range []string{"abc123", "a%20b", "x;y", "abc%zz", "%C0%80", "'()*!~"} {
			e.tracer.Reset()
			assertUnauthorized(t, e.get(plain(value)))
			assert.Len(t, e.tracer.Statements(), 1, "%q is looked up", value)
		}
	})
	t.Run("SessionDeletedMidway", func(t *testing.T) {
		_, s := e.mustSession(t, "midway@example.com")
		decodeMe(t, e.get(plain(s.SessionToken)))
		require.NoError(t, e.repo.Sessions.Delete(ctx, s.SessionToken))
		assertUnauthorized(t, e.get(plain(s.SessionToken)))
	})
	t.Run("UserDeleted", func(t *testing.T) {
		u, s := e.mustSession(t, "gone@example.com")
		require.NoError(t, e.db.Exec(`DELETE FROM users WHERE id = ?`, u.ID).Error)
		assertUnauthorized(t, e.get(plain(s.SessionToken)))
	})
	t.Run("SecureCookieOverPlainHTTP", func(t *testing.T) {
		// TLS ended at a proxy: the browser sent the __Secure- cookie.
		u, s := e.mustSession(t, "proxied@example.com")
		assert.Equal(t, u.ID, decodeMe(t, e.get(secure(s.SessionToken))).User.ID)
	})
	t.Run("SecureCookieFirstOverPlainHTTP", func(t *testing.T) {
		// A plain cookie can be planted; a __Secure- one only from a
		// secure origin.
		_, s := e.mustSession(t, "both@example.com")
		u, other := e.mustSession(t, "other@example.com")
		w := e.get(plain(s.SessionToken) + "; " + secure(other.SessionToken))
		assert.Equal(t, u.ID, decodeMe(t, w).User.ID)
	})
	t.Run("ForwardedProtoIgnoredByDefault", func(t *testing.T) {
		_, s := e.mustSession(t, "untrusted@example.com")
		w := e.get(plain(s.SessionToken), func(r *http.Request) { r.Header.Set("X-Forwarded-Proto", "https") })
		decodeMe(t, w)
	})
	t.Run("NotFromContext", func(t *testing.T) {
		_, ok := nextauthhttp.UserFrom(ctx)
		assert.False(t, ok)
		_, ok = nextauthhttp.SessionFrom(ctx)
		assert.False(t, ok)
	})
}

func TestMiddlewareTLS(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nextauthhttp.Options{})
	srv := httptest.NewTLSServer(e.handler)
	t.Cleanup(srv.Close)
	client := srv.Client()
	u, s := e.mustSession(t, "tls@example.com")

	get := func(cookie string) *http.Response {
		req, err := http.NewRequest(http.MethodGet, srv.URL+"/api/me", nil)
		require.NoError(t, err)
		req.Header.Set("Cookie", cookie)
		resp, err := client.Do(req)
		require.NoError(t, err)
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}

	t.Run("SecureCookie", func(t *testing.T) {
		resp := get(secure(s.SessionToken))
		require.Equal(t, http.StatusOK, resp.StatusCode)
		var got me
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&got))
		assert.Equal(t, u.ID, got.User.ID)
	})
	t.Run("PlainCookieRefused", func(t *testing.T) {
		// Over HTTPS only the __Secure- cookie counts: a plain cookie may
		// have been planted over HTTP (session fixation).
		resp := get(plain(s.SessionToken))
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
		body, _ := io.ReadAll(resp.Body)
		assert.JSONEq(t, `{"error":"unauthorized"}`, string(body))
	})
	t.Run("RefreshedCookieIsSecure", func(t *testing.T) {
		e.clock.Advance(25 * time.Hour)
		resp := get(secure(s.SessionToken))
		require.Equal(t, http.StatusOK, resp.StatusCode)
		cookies := resp.Cookies()
		require.Len(t, cookies, 1)
		assert.Equal(t, nextauthhttp.SecureCookieName, cookies[0].Name)
		assert.True(t, cookies[0].Secure)
		assert.True(t, cookies[0].HttpOnly)
	})
}

func TestMiddlewareTrustProxyHeaders(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nextauthhttp.Options{TrustProxyHeaders: true})
	u, s := e.mustSession(t, "proxy@example.com")
	https := func(r *http.Request) { r.Header.Set("X-Forwarded-Proto", "https") }

	t.Run("SecureCookie", func(t *testing.T) {
		assert.Equal(t, u.ID, decodeMe(t, e.get(secure(s.SessionToken), https)).User.ID)
	})
	t.Run("PlainCookieRefused", func(t *testing.T) {
		assertUnauthorized(t, e.get(plain(s.SessionToken), https))
	})
	t.Run("PlainHTTP", func(t *testing.T) {
		decodeMe(t, e.get(plain(s.SessionToken)))
	})
	t.Run("RefreshedCookieIsSecure", func(t *testing.T) {
		e.clock.Advance(25 * time.Hour)
		w := e.get(secure(s.SessionToken), https)
		decodeMe(t, w)
		c := w.Result().Cookies()
		require.Len(t, c, 1)
		assert.True(t, c[0].Secure)
	})
}

func TestMiddlewareSlidingExpiry(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nextauthhttp.Options{})
	_, s := e.mustSession(t, "sliding@example.com")
	created := s.Expires

	t.Run("NotDue", func(t *testing.T) {
		e.clock.Advance(23 * time.Hour)
		e.tracer.Reset()
		w := e.get(plain(s.SessionToken))
		decodeMe(t, w)
		assert.Zero(t, e.tracer.Count("UPDATE"), "no write before UpdateAge has passed: %q", e.tracer.Statements())
		assert.Empty(t, w.Header().Values("Set-Cookie"))
		assert.Equal(t, created, e.expires(t, s.SessionToken))
	})
	t.Run("Due", func(t *testing.T) {
		e.clock.Advance(time.Hour + time.Second) // 24 h 1 s after creation
		e.tracer.Reset()
		w := e.get(plain(s.SessionToken))
		decodeMe(t, w)
		assert.Equal(t, 1, e.tracer.Count("UPDATE"), "%q", e.tracer.Statements())
		want := e.clock.Now().Add(legacy.DefaultMaxAge)
		assert.Equal(t, want, e.expires(t, s.SessionToken))

		c := w.Result().Cookies()
		require.Len(t, c, 1)
		assert.Equal(t, nextauthhttp.CookieName, c[0].Name)
		assert.Equal(t, s.SessionToken, c[0].Value)
		assert.Equal(t, "/", c[0].Path)
		assert.True(t, c[0].HttpOnly)
		assert.False(t, c[0].Secure)
		assert.Equal(t, http.SameSiteLaxMode, c[0].SameSite)
		assert.Equal(t, want.Unix(), c[0].Expires.Unix())
	})
	t.Run("JustRefreshed", func(t *testing.T) {
		e.clock.Advance(time.Minute)
		e.tracer.Reset()
		w := e.get(plain(s.SessionToken))
		decodeMe(t, w)
		assert.Zero(t, e.tracer.Count("UPDATE"))
		assert.Empty(t, w.Header().Values("Set-Cookie"))
	})
	t.Run("ExpiredAfterMaxAgeUnused", func(t *testing.T) {
		e.clock.Advance(legacy.DefaultMaxAge)
		assertUnauthorized(t, e.get(plain(s.SessionToken)))
	})
}

// TestMiddlewareLocation: beside NextAuth.js running in Auckland, whose
// rows hold Auckland's wall clock, the middleware decides expiry and the
// sliding expiry in absolute terms and sends the cookie with the instant the
// session now ends.
func TestMiddlewareLocation(t *testing.T) {
	t.Parallel()
	auckland, err := time.LoadLocation("Pacific/Auckland")
	require.NoError(t, err)
	e := newEnvRepo(t, nextauthhttp.Options{}, legacy.Options{Location: auckland})
	u, _ := e.mustSession(t, "auckland@example.com")
	now := e.clock.Now()
	insert := func(token string, expires time.Time) {
		t.Helper()
		wall := expires.In(auckland).Format("2006-01-02 15:04:05") // as NextAuth.js in Auckland writes it
		require.NoError(t, e.db.Exec(`INSERT INTO sessions (user_id, expires, session_token, access_token)
			VALUES (?, ?::timestamp, ?, ?)`, u.ID, wall, token, token+"-access").Error)
	}
	fresh := strings.Repeat("a", 64)
	insert(fresh, now.Add(6*time.Hour)) // 6 hours left, last extended 29.75 days ago: due
	gone := strings.Repeat("b", 64)
	insert(gone, now.Add(-time.Hour)) // expired an hour ago

	w := e.get(plain(fresh))
	decodeMe(t, w)
	want := now.Add(legacy.DefaultMaxAge)
	c := w.Result().Cookies()
	require.Len(t, c, 1, "extended, and the cookie sent again")
	assert.Equal(t, want.Unix(), c[0].Expires.Unix(), "the cookie expires at the instant, %s", want)
	var stored string
	require.NoError(t, e.db.Raw("SELECT expires::text FROM sessions WHERE session_token = ?", fresh).Row().Scan(&stored))
	assert.Equal(t, want.In(auckland).Format("2006-01-02 15:04:05"), stored, "Auckland's wall clock")

	assertUnauthorized(t, e.get(plain(gone)))
}

func TestMiddlewareNoCookieRefresh(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nextauthhttp.Options{NoCookieRefresh: true})
	_, s := e.mustSession(t, "nocookie@example.com")
	e.clock.Advance(25 * time.Hour)
	w := e.get(plain(s.SessionToken))
	decodeMe(t, w)
	assert.Equal(t, 1, e.tracer.Count("UPDATE"), "the session is still extended")
	assert.Empty(t, w.Header().Values("Set-Cookie"))
}

func TestMiddlewareOptions(t *testing.T) {
	t.Parallel()

	t.Run("CookieNames", func(t *testing.T) {
		e := newEnv(t, nextauthhttp.Options{CookieName: "sid", SecureCookieName: "__Secure-sid"})
		u, s := e.mustSession(t, "names@example.com")
		assert.Equal(t, u.ID, decodeMe(t, e.get("sid="+s.SessionToken)).User.ID)
		assert.Equal(t, u.ID, decodeMe(t, e.get("__Secure-sid="+s.SessionToken)).User.ID)
		assertUnauthorized(t, e.get(plain(s.SessionToken)))
	})
	t.Run("Unauthorized", func(t *testing.T) {
		e := newEnv(t, nextauthhttp.Options{Unauthorized: http.RedirectHandler("/api/auth/signin", http.StatusFound)})
		w := e.get("")
		assert.Equal(t, http.StatusFound, w.Code)
		assert.Equal(t, "/api/auth/signin", w.Header().Get("Location"))
	})
	t.Run("NilRepository", func(t *testing.T) {
		assert.Panics(t, func() { nextauthhttp.Middleware((*legacy.Repository)(nil), nextauthhttp.Options{}) })
		assert.Panics(t, func() { nextauthhttp.Load((*repository.Repository)(nil), nextauthhttp.Options{}) })
	})
}

func TestMiddlewareDatabaseError(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nextauthhttp.Options{})
	_, s := e.mustSession(t, "dberror@example.com")
	require.NoError(t, e.db.Exec(`ALTER TABLE users RENAME TO users_gone`).Error)

	w := e.get(plain(s.SessionToken))
	assert.Equal(t, http.StatusInternalServerError, w.Code)
	assert.JSONEq(t, `{"error":"internal server error"}`, w.Body.String())
	assert.Equal(t, "application/json; charset=utf-8", w.Header().Get("Content-Type"))
	log := e.log.String()
	assert.Contains(t, log, "loading the session failed")
	assert.Contains(t, log, "path=/api/me")
	assert.NotContains(t, log, s.SessionToken)
	assert.NotContains(t, log, s.SessionToken[:16], "not even part of the token")
}

func TestMiddlewareDefaultLogger(t *testing.T) {
	// Not parallel: it swaps slog.Default to see that a middleware without
	// Options.Logger logs there.
	var def syncBuffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&def, nil)))
	t.Cleanup(func() { slog.SetDefault(old) })

	e := newEnv(t, nextauthhttp.Options{})
	h := nextauthhttp.Middleware(e.repo, nextauthhttp.Options{})(http.HandlerFunc(meHandler))
	_, s := e.mustSession(t, "logger@example.com")
	require.NoError(t, e.db.Exec(`DROP TABLE sessions`).Error)
	r := httptest.NewRequest(http.MethodGet, "/api/me", nil)
	r.Header.Set("Cookie", plain(s.SessionToken))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	assert.Equal(t, http.StatusInternalServerError, w.Code)
	assert.Contains(t, def.String(), "loading the session failed")
	assert.NotContains(t, def.String(), s.SessionToken)
	assert.Empty(t, e.log.String(), "the env's own middleware was not used")
}

func TestWellFormed(t *testing.T) {
	t.Parallel()
	token, err := legacy.NewToken()
	require.NoError(t, err)
	tests := []struct {
		name  string
		value string
		want  bool
	}{
		{"NextAuthToken", token, true},
		{"UUID", "3f2504e0-4f89-41d3-9a0c-0305e82c3301", true},
		{"Base64", "q83vEjRWeJCrze8SNFZ4kA==", true},
		{"Base64URL", "q83vEjRWeJCrze8SNFZ4kA_-", true},
		{"UpperHex", strings.ToUpper(token), true},
		{"Base64Slash", "SJdj+x/LGSO9a5Qz+/w8ZA==", true},
		{"Nanoid", "V1StGXR8_Z5jdHi6B-myT", true},
		{"OneChar", "a", true},
		{"MaxLen", strings.Repeat("a", nextauthhttp.MaxTokenLen), true},
		{"MaxLenMultibyte", strings.Repeat("é", nextauthhttp.MaxTokenLen/2), true},
		{"Space", token[:10] + " " + token[11:], true},
		{"Newline", token + "\n", true},
		{"Quote", `"` + token + `"`, true},
		{"Comma", token + ",", true},
		{"Semicolon", token + ";", true},
		{"Percent", token + "%41", true},
		{"NonASCII", token[:62] + "é", true},
		{"Empty", "", false},
		{"TooLong", strings.Repeat("a", nextauthhttp.MaxTokenLen+1), false},
		{"TooLongMultibyte", strings.Repeat("é", nextauthhttp.MaxTokenLen/2) + "a", false},
		{"NUL", token[:63] + "\x00", false},
		{"InvalidUTF8", token[:63] + "\xff", false},
		{"Surrogate", token + "\xed\xa0\x80", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, nextauthhttp.WellFormed(tt.value))
		})
	}
}

func TestIsHTTPS(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		tls        bool
		proto      string
		trustProxy bool
		want       bool
	}{
		{"PlainHTTP", false, "", true, false},
		{"TLS", true, "", false, true},
		{"TLSForwardedHTTP", true, "http", true, true},
		{"ForwardedUntrusted", false, "https", false, false},
		{"ForwardedTrusted", false, "https", true, true},
		{"ForwardedTrustedUpper", false, "HTTPS", true, true},
		{"ForwardedList", false, "https, http", true, true},
		{"ForwardedListHTTPFirst", false, "http, https", true, false},
		{"ForwardedHTTP", false, "http", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			if tt.tls {
				r.TLS = &tls.ConnectionState{}
			}
			if tt.proto != "" {
				r.Header.Set("X-Forwarded-Proto", tt.proto)
			}
			assert.Equal(t, tt.want, nextauthhttp.IsHTTPS(r, tt.trustProxy))
		})
	}
}

func BenchmarkMiddleware(b *testing.B) {
	e := newEnv(b, nextauthhttp.Options{})
	_, s := e.mustSession(b, "bench@example.com")
	cookie := plain(s.SessionToken)
	for b.Loop() {
		r := httptest.NewRequest(http.MethodGet, "/api/me", nil)
		r.Header.Set("Cookie", cookie)
		w := httptest.NewRecorder()
		e.handler.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d", w.Code)
		}
	}
}

// TestMiddlewareStrictRevocation: behind dbresolver with a lagging replica,
// a session signed out on the primary keeps authenticating through the
// replica until it catches up, unless the middleware is strict.
func TestMiddlewareStrictRevocation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	primaryURL, replicaURL := testdb.Replicated(t)
	db := testdb.OpenURL(t, primaryURL)
	migrate(t, db)
	replica := testdb.OpenURL(t, replicaURL)
	require.NoError(t, db.Use(dbresolver.Register(dbresolver.Config{
		Replicas: []gorm.Dialector{postgres.New(postgres.Config{Conn: replica.ConnPool})},
	})))
	repo := legacy.New(db, legacy.Options{})
	email := "strict@example.com"
	u := &models.User{Email: &email}
	require.NoError(t, repo.Users.Create(ctx, u))
	s, err := repo.Sessions.Create(ctx, u.ID)
	require.NoError(t, err)
	lenient := nextauthhttp.Middleware(repo, nextauthhttp.Options{})(http.HandlerFunc(meHandler))
	strict := nextauthhttp.Middleware(repo, nextauthhttp.Options{StrictRevocation: true})(http.HandlerFunc(meHandler))
	get := func(h http.Handler) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodGet, "/api/me", nil)
		r.Header.Set("Cookie", plain(s.SessionToken))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	decodeMe(t, get(lenient)) // the replica lacks it: read on the primary
	decodeMe(t, get(strict))
	testdb.CaughtUp(t)

	require.NoError(t, repo.Sessions.Delete(ctx, s.SessionToken))
	signedOut := time.Now()
	assertUnauthorized(t, get(strict))
	w := get(lenient)
	if time.Since(signedOut) < testdb.ReplicaDelay-100*time.Millisecond {
		assert.Equal(t, http.StatusOK, w.Code, "the lagging replica still has the session")
	}
	testdb.CaughtUp(t)
	assertUnauthorized(t, get(lenient))
}

// Load lets every request through with the session when there is one;
// Require after it refuses the others; the cookie of a session extended
// by the sliding expiry is sent again by Load.
func TestLoadBeta73(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nextauthhttp.Options{})
	u, s := e.mustSession(t, "load@example.com")
	greet := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if user, ok := nextauthhttp.UserFrom(r.Context()); ok {
			fmt.Fprintf(w, "hello %d", user.ID)
			return
		}
		_, authjs := nextauthhttp.AuthJSUserFrom(r.Context())
		fmt.Fprintf(w, "hello stranger %v %v", nextauthhttp.SignedIn(r.Context()), authjs)
	})
	h := nextauthhttp.Load(e.repo, nextauthhttp.Options{})(greet)
	req := func(cookie string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodGet, "http://app.example.com/", nil)
		if cookie != "" {
			r.Header.Set("Cookie", cookie)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	assert.Equal(t, "hello stranger false false", req("").Body.String())
	assert.Equal(t, "hello stranger false false", req(plain("0123456789abcdef0123456789abcdef")).Body.String())
	assert.Equal(t, fmt.Sprintf("hello %d", u.ID), req(plain(s.SessionToken)).Body.String())

	e.clock.Advance(legacy.DefaultUpdateAge + time.Second)
	w := req(plain(s.SessionToken))
	require.Len(t, w.Result().Cookies(), 1, "extended: the cookie is sent again")
	assert.Equal(t, start.Add(legacy.DefaultUpdateAge+time.Second+legacy.DefaultMaxAge), w.Result().Cookies()[0].Expires)
}
