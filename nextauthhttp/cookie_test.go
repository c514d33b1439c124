package nextauthhttp_test

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/nextauthhttp"
)

// request returns a request over plain HTTP, or HTTPS when tlsOn.
func request(tlsOn bool) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "http://app.example.com/", nil)
	if tlsOn {
		r.TLS = &tls.ConnectionState{}
	}
	return r
}

// setCookie returns the Set-Cookie lines f writes.
func setCookie(f func(w http.ResponseWriter)) []string {
	w := httptest.NewRecorder()
	f(w)
	return w.Header().Values("Set-Cookie")
}

// The cookies are byte for byte those NextAuth.js and Auth.js send
// (testdata/authjs*/…-flows.json), but for the order of the attributes,
// which Go's net/http writes in its own.
func TestCookieSetAndClear(t *testing.T) {
	t.Parallel()
	expires := time.Date(2026, 12, 27, 0, 12, 4, 0, time.UTC)
	for _, tt := range []struct {
		cookie       nextauthhttp.Cookie
		tls          bool
		set, cleared []string
	}{
		{nextauthhttp.CookieFor(gormauth.Pg), false,
			[]string{"authjs.session-token=tok; Path=/; Expires=Sun, 27 Dec 2026 00:12:04 GMT; HttpOnly; SameSite=Lax"},
			[]string{"authjs.session-token=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"}},
		{nextauthhttp.CookieFor(gormauth.Prisma), true,
			[]string{"__Secure-authjs.session-token=tok; Path=/; Expires=Sun, 27 Dec 2026 00:12:04 GMT; HttpOnly; Secure; SameSite=Lax"},
			[]string{"__Secure-authjs.session-token=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax",
				"authjs.session-token=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax"}},
		{nextauthhttp.CookieFor(gormauth.PrismaV4), false,
			[]string{"next-auth.session-token=tok; Path=/; Expires=Sun, 27 Dec 2026 00:12:04 GMT; HttpOnly; SameSite=Lax"},
			[]string{"next-auth.session-token=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"}},
		{nextauthhttp.CookieFor(gormauth.Beta73), true,
			[]string{"__Secure-next-auth.session-token=tok; Path=/; Expires=Sun, 27 Dec 2026 00:12:04 GMT; HttpOnly; Secure; SameSite=Lax"},
			[]string{"__Secure-next-auth.session-token=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax",
				"next-auth.session-token=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax"}},
	} {
		r := request(tt.tls)
		assert.Equal(t, tt.set, setCookie(func(w http.ResponseWriter) { tt.cookie.Set(w, r, "tok", expires) }))
		assert.Equal(t, tt.cleared, setCookie(func(w http.ResponseWriter) { tt.cookie.Clear(w, r) }))
	}

	// Behind a proxy that terminates TLS.
	c := nextauthhttp.CookieFor(gormauth.Drizzle)
	r := request(false)
	r.Header.Set("X-Forwarded-Proto", "https")
	assert.Equal(t, "authjs.session-token", c.NameFor(r), "the header counts only when trusted")
	c.TrustProxyHeaders = true
	assert.Equal(t, "__Secure-authjs.session-token", c.NameFor(r))
	c.TrustProxyHeaders = false
	r.AddCookie(&http.Cookie{Name: "__Secure-authjs.session-token", Value: "tok"})
	assert.Equal(t, "__Secure-authjs.session-token", c.NameFor(r), "the browser sent the __Secure- cookie: it speaks HTTPS")
	got := setCookie(func(w http.ResponseWriter) { c.Set(w, r, "tok", expires) })
	require.Len(t, got, 1)
	assert.Contains(t, got[0], "; Secure")
}

// CookieFor names the cookie as each flavour's JavaScript side does.
func TestCookieFor(t *testing.T) {
	t.Parallel()
	want := map[*gormauth.Flavour]string{
		gormauth.Beta73:      "next-auth.session-token",
		gormauth.PrismaV4:    "next-auth.session-token",
		gormauth.Prisma:      "authjs.session-token",
		gormauth.Drizzle:     "authjs.session-token",
		gormauth.DrizzleDocs: "authjs.session-token",
		gormauth.Pg:          "authjs.session-token",
	}
	require.Len(t, want, len(gormauth.Flavours()))
	for _, f := range gormauth.Flavours() {
		assert.Equal(t, nextauthhttp.Cookie{Name: want[f], SecureName: "__Secure-" + want[f]}, nextauthhttp.CookieFor(f), f.Name())
	}
}

func TestCookieRead(t *testing.T) {
	t.Parallel()
	c := nextauthhttp.CookieFor(gormauth.Prisma)
	read := func(tlsOn bool, cookies ...*http.Cookie) (string, bool) {
		r := request(tlsOn)
		for _, k := range cookies {
			r.AddCookie(k)
		}
		return c.Read(r)
	}
	plainC := &http.Cookie{Name: "authjs.session-token", Value: "plain"}
	secureC := &http.Cookie{Name: "__Secure-authjs.session-token", Value: "secure"}

	v, ok := read(true, plainC)
	assert.False(t, ok, "over HTTPS only the __Secure- cookie counts: %q", v)
	v, _ = read(true, plainC, secureC)
	assert.Equal(t, "secure", v)
	v, _ = read(false, plainC, secureC)
	assert.Equal(t, "secure", v, "over HTTP too the __Secure- name first: a plain cookie can be planted")
	v, _ = read(false, plainC)
	assert.Equal(t, "plain", v)
	v, _ = read(false, secureC)
	assert.Equal(t, "secure", v, "and the __Secure- one behind a TLS proxy")
	_, ok = read(false, &http.Cookie{Name: "next-auth.session-token", Value: "x"})
	assert.False(t, ok, "another application's name")
}

// Set writes the token percent-encoded as Auth.js's encodeURIComponent,
// which net/http sends unchanged; Read decodes it (TestCookieValueAgainstJS
// checks both against the JavaScript side).
func TestCookieEncoding(t *testing.T) {
	t.Parallel()
	c := nextauthhttp.CookieFor(gormauth.Pg)
	expires := time.Date(2026, 12, 27, 0, 12, 4, 0, time.UTC)
	for token, value := range map[string]string{
		"SJdj+x/LGSO9a5Qz+/w8ZA==":             "SJdj%2Bx%2FLGSO9a5Qz%2B%2Fw8ZA%3D%3D",
		"q83vEjRWeJCrze8SNFZ4kA_-":             "q83vEjRWeJCrze8SNFZ4kA_-",
		"3f2504e0-4f89-41d3-9a0c-0305e82c3301": "3f2504e0-4f89-41d3-9a0c-0305e82c3301",
		`a b,c;d"e\f%g`:                        "a%20b%2Cc%3Bd%22e%5Cf%25g",
		"é\t!~*'()":                            "%C3%A9%09!~*'()",
	} {
		r := request(false)
		got := setCookie(func(w http.ResponseWriter) { c.Set(w, r, token, expires) })
		require.Len(t, got, 1)
		assert.Equal(t, "authjs.session-token="+value+"; Path=/; Expires=Sun, 27 Dec 2026 00:12:04 GMT; HttpOnly; SameSite=Lax", got[0])
		r.Header.Set("Cookie", "authjs.session-token="+value)
		read, ok := c.Read(r)
		assert.True(t, ok)
		assert.Equal(t, token, read)
	}
}
