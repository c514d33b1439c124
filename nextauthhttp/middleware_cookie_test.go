package nextauthhttp_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/nextauthhttp"
	"github.com/gormauth/gormauth/repository"
)

// serve sends r, with cookies added, straight to the env's handler.
func (e *env) serve(r *http.Request, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	for _, c := range cookies {
		r.AddCookie(c)
	}
	w := httptest.NewRecorder()
	e.handler.ServeHTTP(w, r)
	return w
}

// due moves the env's clock past UpdateAge, so that every session is due
// for the sliding expiry and the next request to each sends its cookie
// again on every flavour, beta.73 included.
func (e *env) due() { e.clock.Advance(repository.DefaultUpdateAge + time.Second) }

func TestMiddlewareTLS(t *testing.T) {
	t.Parallel()
	eachFlavour(t, func(t *testing.T, f *gormauth.Flavour) {
		e := newEnv(t, f, nextauthhttp.Options{})
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
			resp := get(e.secure(s.SessionToken))
			require.Equal(t, http.StatusOK, resp.StatusCode)
			var got me
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&got))
			assert.Equal(t, u.ID, got.User.ID)
		})
		t.Run("PlainCookieRefused", func(t *testing.T) {
			// Over HTTPS only the __Secure- cookie counts: a plain cookie may
			// have been planted over HTTP (session fixation).
			resp := get(e.plain(s.SessionToken))
			assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
			body, _ := io.ReadAll(resp.Body)
			assert.JSONEq(t, `{"error":"unauthorized"}`, string(body))
			assert.Empty(t, resp.Cookies())
		})
		t.Run("RefreshedCookieIsSecure", func(t *testing.T) {
			e.clock.Advance(25 * time.Hour)
			resp := get(e.secure(s.SessionToken))
			require.Equal(t, http.StatusOK, resp.StatusCode)
			cookies := resp.Cookies()
			require.Len(t, cookies, 1)
			assert.Equal(t, f.CookieName(true), cookies[0].Name)
			assert.True(t, cookies[0].Secure)
			assert.True(t, cookies[0].HttpOnly)
		})
	})
}

func TestMiddlewareTrustProxyHeaders(t *testing.T) {
	t.Parallel()
	eachFlavour(t, func(t *testing.T, f *gormauth.Flavour) {
		e := newEnv(t, f, nextauthhttp.Options{TrustProxyHeaders: true})
		u, s := e.mustSession(t, "proxy@example.com")
		https := func(r *http.Request) { r.Header.Set("X-Forwarded-Proto", "https") }

		t.Run("SecureCookie", func(t *testing.T) {
			assert.Equal(t, u.ID, decodeMe(t, e.get(e.secure(s.SessionToken), https)).User.ID)
		})
		t.Run("PlainCookieRefused", func(t *testing.T) {
			assertUnauthorized(t, e.get(e.plain(s.SessionToken), https))
		})
		t.Run("PlainHTTP", func(t *testing.T) {
			decodeMe(t, e.get(e.plain(s.SessionToken)))
		})
		t.Run("RefreshedCookieIsSecure", func(t *testing.T) {
			e.clock.Advance(25 * time.Hour)
			w := e.get(e.secure(s.SessionToken), https)
			decodeMe(t, w)
			c := w.Result().Cookies()
			require.Len(t, c, 1)
			assert.Equal(t, f.CookieName(true), c[0].Name)
			assert.True(t, c[0].Secure)
		})
	})
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
	eachFlavour(t, func(t *testing.T, f *gormauth.Flavour) {
		e := newEnv(t, f, nextauthhttp.Options{})
		victim, victimS := e.mustSession(t, "victim@example.com")
		_, attackerS := e.mustSession(t, "attacker@example.com")
		secureC := &http.Cookie{Name: f.CookieName(true), Value: victimS.SessionToken}
		planted := &http.Cookie{Name: f.CookieName(false), Value: attackerS.SessionToken}
		get := func(cookies ...*http.Cookie) *httptest.ResponseRecorder {
			e.due()
			return e.serve(httptest.NewRequest(http.MethodGet, "http://app.example.com/api/me", nil), cookies...)
		}

		t.Run("ResentUnderItsOwnName", func(t *testing.T) {
			w := get(secureC)
			decodeMe(t, w)
			c := w.Result().Cookies()
			require.Len(t, c, 1)
			assert.Equal(t, f.CookieName(true), c[0].Name)
			assert.True(t, c[0].Secure, "a __Secure- token is never sent back without Secure")
			assert.True(t, c[0].HttpOnly)
		})
		t.Run("SecureNameWins", func(t *testing.T) {
			for _, order := range [][]*http.Cookie{{planted, secureC}, {secureC, planted}} {
				w := get(order...)
				assert.Equal(t, victim.ID, decodeMe(t, w).User.ID, "the planted plain cookie must not replace the __Secure- one")
				c := w.Result().Cookies()
				require.Len(t, c, 1)
				assert.Equal(t, f.CookieName(true), c[0].Name)
				assert.Equal(t, nextauthhttp.EncodeValue(victimS.SessionToken), c[0].Value)
			}
		})
		t.Run("PlainAlone", func(t *testing.T) {
			w := get(planted)
			decodeMe(t, w)
			c := w.Result().Cookies()
			require.Len(t, c, 1)
			assert.Equal(t, f.CookieName(false), c[0].Name)
			assert.False(t, c[0].Secure)
		})
	})
}

// A handler that signs out behind the middleware, which sent the cookie
// again with a later expiry, answers one Set-Cookie line for the name:
// the clearing one.
func TestClearReplacesRefresh(t *testing.T) {
	t.Parallel()
	eachFlavour(t, func(t *testing.T, f *gormauth.Flavour) {
		e := newEnv(t, f, nextauthhttp.Options{})
		cookie := nextauthhttp.CookieOf(e.repo, nextauthhttp.Options{})
		var resent []string
		signOut := nextauthhttp.Load(e.repo, nextauthhttp.Options{})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			resent = append(resent, w.Header().Values("Set-Cookie")...)
			cookie.Clear(w, r)
		}))
		_, s := e.mustSession(t, "clear@example.com")
		e.due()
		r := httptest.NewRequest(http.MethodPost, "http://app.example.com/signout", nil)
		r.AddCookie(&http.Cookie{Name: f.CookieName(false), Value: s.SessionToken})
		w := httptest.NewRecorder()
		signOut.ServeHTTP(w, r)
		require.Len(t, resent, 1, "the middleware sent the cookie again before the handler ran")
		assert.True(t, strings.HasPrefix(resent[0], f.CookieName(false)+"="+s.SessionToken+";"), "%q", resent[0])
		lines := w.Header().Values("Set-Cookie")
		require.Len(t, lines, 1, "%q", lines)
		assert.True(t, strings.HasPrefix(lines[0], f.CookieName(false)+"=;"), "%q", lines[0])
		assert.Contains(t, lines[0], "Max-Age=0")
	})
}

// TestSiblingCookie: a sibling subdomain over HTTPS sets a __Secure-
// session cookie of its own for the parent domain with a longer Path; the
// browser sends it before the person's. The request must not be taken for
// the attacker's session (or the person's: nothing tells which is whose).
func TestSiblingCookie(t *testing.T) {
	t.Parallel()
	eachFlavour(t, func(t *testing.T, f *gormauth.Flavour) {
		e := newEnv(t, f, nextauthhttp.Options{})
		_, victim := e.mustSession(t, "victim@example.com")
		_, attacker := e.mustSession(t, "attacker@example.com")
		for _, tls := range []bool{false, true} {
			for _, name := range []string{f.CookieName(true), f.CookieName(false)} {
				if tls && name == f.CookieName(false) {
					continue // over HTTPS the plain name is never read
				}
				w := e.serve(request(tls), &http.Cookie{Name: name, Value: attacker.SessionToken},
					&http.Cookie{Name: name, Value: victim.SessionToken})
				assertUnauthorized(t, w)
				assert.Empty(t, e.tracer.Statements(), "%s (TLS %v): no lookup", name, tls)
			}
		}
	})
}
