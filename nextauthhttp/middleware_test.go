package nextauthhttp_test

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
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

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/internal/harness/testdb"
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

// assertResent checks that w sends the session cookie again, once, under
// name, with token and the attributes the JavaScript side gives it, over
// plain HTTP, expiring at expires.
func assertResent(t *testing.T, w *httptest.ResponseRecorder, name, token string, expires time.Time) {
	t.Helper()
	c := w.Result().Cookies()
	require.Len(t, c, 1, "%q", w.Header().Values("Set-Cookie"))
	assert.Equal(t, name, c[0].Name)
	assert.Equal(t, nextauthhttp.EncodeValue(token), c[0].Value)
	assert.Equal(t, "/", c[0].Path)
	assert.True(t, c[0].HttpOnly)
	assert.False(t, c[0].Secure)
	assert.Equal(t, http.SameSiteLaxMode, c[0].SameSite)
	assert.Equal(t, expires.Unix(), c[0].Expires.Unix(), "expires %s", expires)
}

// otherCookieName is the session cookie name of the other generation of
// the JavaScript side: Auth.js v5's for NextAuth.js (beta.73, v4), and
// NextAuth.js's for Auth.js v5.
func otherCookieName(f *gormauth.Flavour) string {
	if f.CookieName(false) == "authjs.session-token" {
		return "next-auth.session-token"
	}
	return "authjs.session-token"
}

func TestMiddleware(t *testing.T) {
	t.Parallel()
	eachFlavour(t, func(t *testing.T, f *gormauth.Flavour) {
		e := newEnv(t, f, nextauthhttp.Options{})
		ctx := context.Background()

		t.Run("ValidCookie", func(t *testing.T) {
			u, s := e.mustSession(t, "valid@example.com")
			w := e.get(e.plain(s.SessionToken))
			got := decodeMe(t, w)
			assert.Equal(t, u.ID, got.User.ID)
			assert.Equal(t, "valid@example.com", *got.User.Email)
			assert.Equal(t, s.ID, got.SessionID)
			assert.Equal(t, s.SessionToken, got.Token)
			if e.resends() {
				assert.Len(t, w.Result().Cookies(), 1, "Auth.js sends the cookie on every request")
			} else {
				assert.Empty(t, w.Header().Values("Set-Cookie"), "a fresh session is not due for a refresh")
			}
			assert.Len(t, e.tracer.Statements(), 1, "session and user in one query: %q", e.tracer.Statements())
		})
		t.Run("Missing", func(t *testing.T) {
			e.tracer.Reset()
			assertUnauthorized(t, e.get(""))
			assertUnauthorized(t, e.get("other=1; next-auth.csrf-token=abc; authjs.csrf-token=abc"))
			assert.Empty(t, e.tracer.Statements())
		})
		t.Run("OtherGenerationsCookie", func(t *testing.T) {
			_, s := e.mustSession(t, "other@example.com")
			assertUnauthorized(t, e.get(otherCookieName(f)+"="+s.SessionToken))
			assertUnauthorized(t, e.get("__Secure-"+otherCookieName(f)+"="+s.SessionToken))
			assert.Empty(t, e.tracer.Statements())
		})
		t.Run("Unknown", func(t *testing.T) {
			token, err := f.NewSessionToken()
			require.NoError(t, err)
			e.tracer.Reset()
			assertUnauthorized(t, e.get(e.plain(token)))
			assert.Len(t, e.tracer.Statements(), 1, "a well-formed unknown token is looked up")
		})
		t.Run("Expired", func(t *testing.T) {
			_, s := e.mustSession(t, "expired@example.com")
			e.setSession(t, s.SessionToken, "expires", start.Add(-time.Second))
			assertUnauthorized(t, e.get(e.plain(s.SessionToken)))
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
					assertUnauthorized(t, e.get(e.plain(value)))
					assert.Empty(t, e.tracer.Statements(), "a malformed cookie is rejected without a query")
				})
			}
		})
		t.Run("CustomTokens", func(t *testing.T) {
			// Tokens a session.generateSessionToken may make: base64 with / + =
			// arrives percent-encoded, as the JavaScript side sets it.
			for _, token := range []string{"SJdj+x/LGSO9a5Qz+/w8ZA==", "abc123", "a b;c,d\"e\\f%g", "Zoë's-token~*()!"} {
				u, s := e.mustSession(t, "custom@example.com")
				e.setSession(t, s.SessionToken, "sessionToken", token)
				got := decodeMe(t, e.get(e.plain(nextauthhttp.EncodeValue(token))))
				assert.Equal(t, u.ID, got.User.ID, "token %q", token)
				assert.Equal(t, token, got.Token)
				require.NoError(t, e.repo.Users.Delete(ctx, u.ID))
			}
		})
		t.Run("OddTokensLookedUp", func(t *testing.T) {
			// Never stricter than the JavaScript side: what it would look up is
			// looked up, and refused when no session has it.
			for _, value := range []string{"abc123", "a%20b", "x;y", "abc%zz", "%C0%80", "'()*!~"} {
				e.tracer.Reset()
				assertUnauthorized(t, e.get(e.plain(value)))
				assert.Len(t, e.tracer.Statements(), 1, "%q is looked up", value)
			}
		})
		t.Run("SessionDeletedMidway", func(t *testing.T) {
			_, s := e.mustSession(t, "midway@example.com")
			decodeMe(t, e.get(e.plain(s.SessionToken)))
			require.NoError(t, e.repo.Sessions.Delete(ctx, s.SessionToken))
			assertUnauthorized(t, e.get(e.plain(s.SessionToken)))
		})
		t.Run("UserDeleted", func(t *testing.T) {
			// Deleted behind the repository's back: where no foreign key
			// cascades (beta.73, pg), the session row outlives its user.
			u, s := e.mustSession(t, "gone@example.com")
			e.exec(t, `DELETE FROM {users} WHERE id::text = ?`, u.ID)
			assertUnauthorized(t, e.get(e.plain(s.SessionToken)))
		})
		t.Run("SecureCookieOverPlainHTTP", func(t *testing.T) {
			// TLS ended at a proxy: the browser sent the __Secure- cookie.
			u, s := e.mustSession(t, "proxied@example.com")
			assert.Equal(t, u.ID, decodeMe(t, e.get(e.secure(s.SessionToken))).User.ID)
		})
		t.Run("SecureCookieFirstOverPlainHTTP", func(t *testing.T) {
			// A plain cookie can be planted; a __Secure- one only from a
			// secure origin.
			_, s := e.mustSession(t, "both@example.com")
			u, other := e.mustSession(t, "other-user@example.com")
			w := e.get(e.plain(s.SessionToken) + "; " + e.secure(other.SessionToken))
			assert.Equal(t, u.ID, decodeMe(t, w).User.ID)
		})
		t.Run("ForwardedProtoIgnoredByDefault", func(t *testing.T) {
			_, s := e.mustSession(t, "untrusted@example.com")
			w := e.get(e.plain(s.SessionToken), func(r *http.Request) { r.Header.Set("X-Forwarded-Proto", "https") })
			decodeMe(t, w)
		})
		t.Run("NotFromContext", func(t *testing.T) {
			_, ok := nextauthhttp.UserFrom(ctx)
			assert.False(t, ok)
			_, ok = nextauthhttp.SessionFrom(ctx)
			assert.False(t, ok)
			assert.False(t, nextauthhttp.SignedIn(ctx))
		})
	})
}

// The sliding expiry extends a session at most once per UpdateAge, and the
// cookie is sent again as the flavour's JavaScript side sends it: by
// Auth.js (and NextAuth.js v4) on every request with Expires = now +
// MaxAge, whether or not the row was extended; by NextAuth.js beta.73 only
// when it was, with the new expiry.
func TestMiddlewareSlidingExpiry(t *testing.T) {
	t.Parallel()
	eachFlavour(t, func(t *testing.T, f *gormauth.Flavour) {
		e := newEnv(t, f, nextauthhttp.Options{})
		_, s := e.mustSession(t, "sliding@example.com")
		created := s.Expires
		require.Equal(t, start.Add(repository.DefaultMaxAge), created)
		name := f.CookieName(false)

		// unextended checks the answer to a request that extended nothing.
		unextended := func(t *testing.T, w *httptest.ResponseRecorder) {
			t.Helper()
			if e.resends() {
				assertResent(t, w, name, s.SessionToken, e.clock.Now().Add(repository.DefaultMaxAge))
			} else {
				assert.Empty(t, w.Header().Values("Set-Cookie"), "not extended: no cookie")
			}
		}

		t.Run("NotDue", func(t *testing.T) {
			e.clock.Advance(23 * time.Hour)
			e.tracer.Reset()
			w := e.get(e.plain(s.SessionToken))
			decodeMe(t, w)
			assert.Zero(t, e.tracer.Count("UPDATE"), "no write before UpdateAge has passed: %q", e.tracer.Statements())
			assert.Equal(t, created, e.expires(t, s.SessionToken), "not due: the row is unchanged")
			unextended(t, w)
		})
		want := start.Add(24*time.Hour + time.Second + repository.DefaultMaxAge)
		t.Run("Due", func(t *testing.T) {
			e.clock.Advance(time.Hour + time.Second) // 24 h 1 s after creation
			e.tracer.Reset()
			w := e.get(e.plain(s.SessionToken))
			decodeMe(t, w)
			assert.Equal(t, 1, e.tracer.Count("UPDATE"), "%q", e.tracer.Statements())
			require.Equal(t, want, e.clock.Now().Add(repository.DefaultMaxAge))
			assert.Equal(t, want, e.expires(t, s.SessionToken), "due: extended")
			assertResent(t, w, name, s.SessionToken, want)
		})
		t.Run("JustRefreshed", func(t *testing.T) {
			e.clock.Advance(time.Minute)
			e.tracer.Reset()
			w := e.get(e.plain(s.SessionToken))
			decodeMe(t, w)
			assert.Zero(t, e.tracer.Count("UPDATE"))
			assert.Equal(t, want, e.expires(t, s.SessionToken))
			unextended(t, w)
		})
		t.Run("ExpiredAfterMaxAgeUnused", func(t *testing.T) {
			e.clock.Advance(repository.DefaultMaxAge)
			assertUnauthorized(t, e.get(e.plain(s.SessionToken)))
		})
	})
}

// TestMiddlewareLocation: beside NextAuth.js beta.73 running in Auckland,
// whose rows hold Auckland's wall clock, the middleware decides expiry and
// the sliding expiry in absolute terms and sends the cookie with the
// instant the session now ends.
func TestMiddlewareLocation(t *testing.T) {
	t.Parallel()
	auckland, err := time.LoadLocation("Pacific/Auckland")
	require.NoError(t, err)
	e := newEnvRepo(t, gormauth.Beta73, nextauthhttp.Options{}, repository.Options{Location: auckland})
	u, _ := e.mustSession(t, "auckland@example.com")
	now := e.clock.Now()
	insert := func(token string, expires time.Time) {
		t.Helper()
		wall := expires.In(auckland).Format("2006-01-02 15:04:05") // as NextAuth.js in Auckland writes it
		e.exec(t, `INSERT INTO {sessions} (user_id, expires, session_token, access_token)
			VALUES (?::integer, ?::timestamp, ?, ?)`, u.ID, wall, token, token+"-access")
	}
	fresh := strings.Repeat("a", 64)
	insert(fresh, now.Add(6*time.Hour)) // 6 hours left, last extended 29.75 days ago: due
	gone := strings.Repeat("b", 64)
	insert(gone, now.Add(-time.Hour)) // expired an hour ago

	w := e.get(e.plain(fresh))
	decodeMe(t, w)
	want := now.Add(repository.DefaultMaxAge)
	c := w.Result().Cookies()
	require.Len(t, c, 1, "extended, and the cookie sent again")
	assert.Equal(t, want.Unix(), c[0].Expires.Unix(), "the cookie expires at the instant, %s", want)
	var stored string
	require.NoError(t, e.db.Raw("SELECT expires::text FROM sessions WHERE session_token = ?", fresh).Row().Scan(&stored))
	assert.Equal(t, want.In(auckland).Format("2006-01-02 15:04:05"), stored, "Auckland's wall clock")

	assertUnauthorized(t, e.get(e.plain(gone)))
}

// NoCookieRefresh: the session is still extended, the cookie never sent.
func TestMiddlewareNoCookieRefresh(t *testing.T) {
	t.Parallel()
	eachFlavour(t, func(t *testing.T, f *gormauth.Flavour) {
		e := newEnv(t, f, nextauthhttp.Options{NoCookieRefresh: true})
		_, s := e.mustSession(t, "nocookie@example.com")
		e.clock.Advance(time.Hour)
		w := e.get(e.plain(s.SessionToken))
		decodeMe(t, w)
		assert.Empty(t, w.Header().Values("Set-Cookie"), "not even where the flavour sends it on every request")
		e.clock.Advance(25 * time.Hour)
		e.tracer.Reset()
		w = e.get(e.plain(s.SessionToken))
		decodeMe(t, w)
		assert.Equal(t, 1, e.tracer.Count("UPDATE"), "the session is still extended")
		assert.Equal(t, e.clock.Now().Add(repository.DefaultMaxAge), e.expires(t, s.SessionToken))
		assert.Empty(t, w.Header().Values("Set-Cookie"))
	})
}

func TestMiddlewareOptions(t *testing.T) {
	t.Parallel()

	t.Run("CookieNames", func(t *testing.T) {
		t.Parallel()
		eachFlavour(t, func(t *testing.T, f *gormauth.Flavour) {
			e := newEnv(t, f, nextauthhttp.Options{CookieName: "sid", SecureCookieName: "__Secure-sid"})
			u, s := e.mustSession(t, "names@example.com")
			assert.Equal(t, u.ID, decodeMe(t, e.get("sid="+s.SessionToken)).User.ID)
			assert.Equal(t, u.ID, decodeMe(t, e.get("__Secure-sid="+s.SessionToken)).User.ID)
			assertUnauthorized(t, e.get(e.plain(s.SessionToken)))
			assertUnauthorized(t, e.get(e.secure(s.SessionToken)))

			e.clock.Advance(25 * time.Hour)
			w := e.get("sid=" + s.SessionToken)
			decodeMe(t, w)
			assertResent(t, w, "sid", s.SessionToken, e.clock.Now().Add(repository.DefaultMaxAge))
		})
	})
	t.Run("Unauthorized", func(t *testing.T) {
		t.Parallel()
		repo := &fakeRepository{flavour: gormauth.Prisma}
		h := nextauthhttp.Middleware(repo, nextauthhttp.Options{
			Unauthorized: http.RedirectHandler("/api/auth/signin", http.StatusFound)})(http.HandlerFunc(meHandler))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/api/me", nil))
		assert.Equal(t, http.StatusFound, w.Code)
		assert.Equal(t, "/api/auth/signin", w.Header().Get("Location"))
	})
	t.Run("NilRepository", func(t *testing.T) {
		t.Parallel()
		assert.PanicsWithValue(t, "nextauthhttp: nil repository", func() { nextauthhttp.Middleware(nil, nextauthhttp.Options{}) })
		assert.PanicsWithValue(t, "nextauthhttp: nil repository", func() { nextauthhttp.Load(nil, nextauthhttp.Options{}) })
		assert.PanicsWithValue(t, "nextauthhttp: nil repository", func() { nextauthhttp.CookieOf(nil, nextauthhttp.Options{}) })
		assert.Panics(t, func() { nextauthhttp.Load((*repository.Repository)(nil), nextauthhttp.Options{}) })
	})
}

func TestMiddlewareDatabaseError(t *testing.T) {
	t.Parallel()
	eachFlavour(t, func(t *testing.T, f *gormauth.Flavour) {
		e := newEnv(t, f, nextauthhttp.Options{})
		_, s := e.mustSession(t, "dberror@example.com")
		e.exec(t, `ALTER TABLE {users} RENAME TO users_gone`)

		w := e.get(e.plain(s.SessionToken))
		assert.Equal(t, http.StatusInternalServerError, w.Code)
		assert.JSONEq(t, `{"error":"internal server error"}`, w.Body.String())
		assert.Equal(t, "application/json; charset=utf-8", w.Header().Get("Content-Type"))
		assert.Equal(t, "no-store", w.Header().Get("Cache-Control"))
		assert.Empty(t, w.Header().Values("Set-Cookie"))
		log := e.log.String()
		assert.Contains(t, log, "loading the session failed")
		assert.Contains(t, log, "path=/api/me")
		assert.NotContains(t, log, s.SessionToken)
		assert.NotContains(t, log, s.SessionToken[:16], "not even part of the token")
	})
}

func TestMiddlewareDefaultLogger(t *testing.T) {
	// Not parallel: it swaps slog.Default to see that a middleware without
	// Options.Logger logs there; nor are its subtests.
	var def syncBuffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&def, nil)))
	t.Cleanup(func() { slog.SetDefault(old) })

	for _, f := range gormauth.Flavours() {
		t.Run(f.Name(), func(t *testing.T) {
			e := newEnv(t, f, nextauthhttp.Options{})
			h := nextauthhttp.Middleware(e.repo, nextauthhttp.Options{})(http.HandlerFunc(meHandler))
			_, s := e.mustSession(t, "logger@example.com")
			e.exec(t, `DROP TABLE {sessions}`)
			r := httptest.NewRequest(http.MethodGet, "/api/me", nil)
			r.Header.Set("Cookie", e.plain(s.SessionToken))
			w := httptest.NewRecorder()
			before := len(def.String())
			h.ServeHTTP(w, r)
			assert.Equal(t, http.StatusInternalServerError, w.Code)
			logged := def.String()[before:]
			assert.Contains(t, logged, "loading the session failed")
			assert.NotContains(t, logged, s.SessionToken)
			assert.Empty(t, e.log.String(), "the env's own middleware was not used")
		})
	}
}

func TestWellFormed(t *testing.T) {
	t.Parallel()
	token, err := gormauth.Beta73.NewSessionToken()
	require.NoError(t, err)
	uuid, err := gormauth.Prisma.NewSessionToken()
	require.NoError(t, err)
	tests := []struct {
		name  string
		value string
		want  bool
	}{
		{"NextAuthToken", token, true},
		{"AuthJSToken", uuid, true},
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
	for _, f := range gormauth.Flavours() {
		b.Run(f.Name(), func(b *testing.B) {
			e := newEnv(b, f, nextauthhttp.Options{})
			_, s := e.mustSession(b, "bench@example.com")
			cookie := e.plain(s.SessionToken)
			for b.Loop() {
				r := httptest.NewRequest(http.MethodGet, "/api/me", nil)
				r.Header.Set("Cookie", cookie)
				w := httptest.NewRecorder()
				e.handler.ServeHTTP(w, r)
				if w.Code != http.StatusOK {
					b.Fatalf("status %d", w.Code)
				}
			}
		})
	}
}

// TestMiddlewareStrictRevocation: behind dbresolver with a lagging replica,
// a session signed out on the primary keeps authenticating through the
// replica until it catches up, unless the middleware is given the strict
// repository (repo.Strict()).
func TestMiddlewareStrictRevocation(t *testing.T) {
	t.Parallel()
	eachFlavour(t, func(t *testing.T, f *gormauth.Flavour) {
		ctx := context.Background()
		primaryURL, replicaURL := testdb.Replicated(t)
		db := testdb.OpenURL(t, primaryURL)
		migrate(t, db, f)
		replica := testdb.OpenURL(t, replicaURL)
		require.NoError(t, db.Use(dbresolver.Register(dbresolver.Config{
			Replicas: []gorm.Dialector{postgres.New(postgres.Config{Conn: replica.ConnPool})},
		})))
		repo := repository.New(db, f, repository.Options{})
		u := &repository.User{Email: ptr("strict@example.com")}
		require.NoError(t, repo.Users.Create(ctx, u))
		s, err := repo.Sessions.Create(ctx, u.ID)
		require.NoError(t, err)
		lenient := nextauthhttp.Middleware(repo, nextauthhttp.Options{})(http.HandlerFunc(meHandler))
		strict := nextauthhttp.Middleware(repo.Strict(), nextauthhttp.Options{})(http.HandlerFunc(meHandler))
		get := func(h http.Handler) *httptest.ResponseRecorder {
			r := httptest.NewRequest(http.MethodGet, "/api/me", nil)
			r.Header.Set("Cookie", f.CookieName(false)+"="+s.SessionToken)
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
	})
}

// Load lets every request through, with the session and its user when
// there is one; Require after it refuses the others; the cookie of a
// session extended by the sliding expiry is sent again by Load; CookieOf
// is the cookie Load reads.
func TestLoadAndRequire(t *testing.T) {
	t.Parallel()
	eachFlavour(t, func(t *testing.T, f *gormauth.Flavour) {
		e := newEnv(t, f, nextauthhttp.Options{})
		u, s := e.mustSession(t, "alice@example.com")
		greet := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if user, ok := nextauthhttp.UserFrom(r.Context()); ok {
				fmt.Fprintf(w, "hello %s %s", user.ID, *user.Email)
				return
			}
			_, hasSession := nextauthhttp.SessionFrom(r.Context())
			fmt.Fprintf(w, "hello stranger %v %v", nextauthhttp.SignedIn(r.Context()), hasSession)
		})
		mux := http.NewServeMux()
		mux.Handle("/", greet)
		mux.Handle("/private", nextauthhttp.Require(nil)(greet))
		mux.Handle("/login-first", nextauthhttp.Require(http.RedirectHandler("/login", http.StatusSeeOther))(greet))
		h := nextauthhttp.Load(e.repo, nextauthhttp.Options{})(mux)
		get := func(path, cookie string) *httptest.ResponseRecorder {
			r := httptest.NewRequest(http.MethodGet, "http://app.example.com"+path, nil)
			if cookie != "" {
				r.Header.Set("Cookie", cookie)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			return w
		}
		hello := fmt.Sprintf("hello %s alice@example.com", u.ID)

		assert.Equal(t, "hello stranger false false", get("/", "").Body.String())
		assert.Equal(t, "hello stranger false false", get("/", e.plain("0123456789abcdef0123456789abcdef")).Body.String(),
			"an unknown session: a stranger")
		assert.Equal(t, "hello stranger false false", get("/", e.plain("unknown-token-0123456789")).Body.String())
		assert.Equal(t, hello, get("/", e.plain(s.SessionToken)).Body.String())
		assertUnauthorized(t, get("/private", ""))
		assertUnauthorized(t, get("/private", e.plain("unknown-token-0123456789")))
		assert.Equal(t, hello, get("/private", e.plain(s.SessionToken)).Body.String())
		w := get("/login-first", "")
		assert.Equal(t, http.StatusSeeOther, w.Code)
		assert.Equal(t, "/login", w.Header().Get("Location"))
		assert.Equal(t, hello, get("/login-first", e.plain(s.SessionToken)).Body.String())

		e.clock.Advance(repository.DefaultUpdateAge + time.Second)
		w = get("/", e.plain(s.SessionToken))
		assert.Equal(t, hello, w.Body.String())
		require.Len(t, w.Result().Cookies(), 1, "extended: the cookie is sent again")
		assert.Equal(t, start.Add(repository.DefaultUpdateAge+time.Second+repository.DefaultMaxAge).Unix(),
			w.Result().Cookies()[0].Expires.Unix())

		assert.Equal(t, nextauthhttp.CookieFor(f), nextauthhttp.CookieOf(e.repo, nextauthhttp.Options{}))
		assert.Equal(t, nextauthhttp.Cookie{Name: "sid", SecureName: f.CookieName(true), TrustProxyHeaders: true},
			nextauthhttp.CookieOf(e.repo, nextauthhttp.Options{CookieName: "sid", TrustProxyHeaders: true}))
	})
}
