package nextauthhttp

import (
	"net/http"
	"strings"
	"time"

	"github.com/gormauth/gormauth"
)

// Cookie is the session cookie of one application: its names over plain
// HTTP and over HTTPS, and whether a proxy's X-Forwarded-Proto header
// counts. It reads, sets and clears the cookie with the name for the
// request's scheme and the attributes NextAuth.js and Auth.js give it:
// Path=/, HttpOnly, SameSite=Lax, and Secure over HTTPS.
type Cookie struct {
	// Name is the cookie's name over plain HTTP.
	Name string
	// SecureName is its name over HTTPS, where browsers keep a __Secure-
	// cookie only if it came from a secure origin.
	SecureName string
	// TrustProxyHeaders makes a request with X-Forwarded-Proto: https count
	// as HTTPS (see IsHTTPS). Set it only behind a proxy that sets or strips
	// that header.
	TrustProxyHeaders bool
}

// CookieFor is the session cookie of flavour f's application, named as
// its JavaScript side names it (gormauth.Flavour.CookieName):
// next-auth.session-token for NextAuth.js (beta.73 and v4),
// authjs.session-token for Auth.js v5, each with the prefix __Secure-
// over HTTPS.
func CookieFor(f *gormauth.Flavour) Cookie {
	return Cookie{Name: f.CookieName(false), SecureName: f.CookieName(true)}
}

// NameFor returns the cookie's name for r: SecureName over HTTPS, and over
// plain HTTP when r carries the SecureName cookie (a browser sends one only
// over HTTPS, so TLS ended at a proxy in front of this service); Name
// otherwise. Set, and the middleware when it sends the cookie again, use
// this name, so that a token that came as a __Secure- cookie goes back as
// one, with Secure, never under the plain name.
func (c Cookie) NameFor(r *http.Request) string {
	if IsHTTPS(r, c.TrustProxyHeaders) {
		return c.SecureName
	}
	if _, err := r.Cookie(c.SecureName); err == nil {
		return c.SecureName
	}
	return c.Name
}

// Read returns the session token r carries, and whether it carries one:
// the SecureName cookie when r has it, and only that one over HTTPS.
//   - A browser accepts a __Secure- cookie only from a secure origin, so a
//     man in the middle cannot plant one, while a plain cookie can be set
//     over HTTP: over HTTPS the plain name is never read, and over plain
//     HTTP (TLS ended at a proxy) it is read only when no SecureName cookie
//     is there, so that a planted plain cookie cannot replace the person's
//     session with another.
//   - Over plain HTTP without a SecureName cookie, the Name cookie.
//   - A request with two cookies of the name it reads carries none: a
//     sibling subdomain can set a cookie of the same name for the parent
//     domain (the __Secure- prefix does not forbid Domain), which the
//     browser sends beside the person's own, first when its Path is longer,
//     and nothing tells which is whose. The person is then signed out here
//     until one of them is gone, rather than signed in as the attacker.
//
// The value is decoded as the JavaScript side decodes it (see DecodeValue),
// so that a token with characters Auth.js percent-encodes, such as one of
// base64's / + =, reads back as the token stored. It is not otherwise
// checked; see WellFormed.
func (c Cookie) Read(r *http.Request) (string, bool) {
	if v, n := only(r, c.SecureName); n > 0 {
		return DecodeValue(v), n == 1
	}
	if IsHTTPS(r, c.TrustProxyHeaders) {
		return "", false
	}
	v, n := only(r, c.Name)
	return DecodeValue(v), n == 1
}

// only returns the value of r's cookie named name and how many cookies r
// has of that name.
func only(r *http.Request, name string) (value string, n int) {
	cs := r.CookiesNamed(name)
	if len(cs) != 1 {
		return "", len(cs)
	}
	return cs[0].Value, 1
}

// New returns the cookie that holds token until expires, named for r
// (NameFor), its value encoded as the JavaScript side encodes it
// (EncodeValue).
func (c Cookie) New(r *http.Request, token string, expires time.Time) *http.Cookie {
	name := c.NameFor(r)
	return &http.Cookie{
		Name:     name,
		Value:    EncodeValue(token),
		Path:     "/",
		Expires:  expires,
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
		Secure:   strings.HasPrefix(name, "__Secure-") || IsHTTPS(r, c.TrustProxyHeaders),
	}
}

// Set sends the cookie that holds token until expires (signing in, or
// after the sliding expiry extended the session), encoded as New encodes
// it, so that NextAuth.js and Auth.js read back token itself. Set and Clear
// replace a Set-Cookie line the response already has for the same name
// (the middleware's, when it extended the session), so that the browser
// gets one instruction per cookie.
func (c Cookie) Set(w http.ResponseWriter, r *http.Request, token string, expires time.Time) {
	replaceCookie(w, c.New(r, token, expires))
}

// Clear sends the cookie named for r (NameFor) empty with Max-Age=0, as
// NextAuth.js and Auth.js clear it on signing out, so that the browser
// drops it. Where that is SecureName it clears the plain name too.
func (c Cookie) Clear(w http.ResponseWriter, r *http.Request) {
	names := []string{c.NameFor(r)}
	if names[0] != c.Name {
		names = append(names, c.Name)
	}
	for _, name := range names {
		replaceCookie(w, &http.Cookie{
			Name:     name,
			Value:    "",
			Path:     "/",
			MaxAge:   -1,
			HttpOnly: true,
			SameSite: http.SameSiteLaxMode,
			Secure:   strings.HasPrefix(name, "__Secure-") || IsHTTPS(r, c.TrustProxyHeaders),
		})
	}
}

// replaceCookie adds the Set-Cookie line of c to w in place of any the
// response already has for c's name, so that a handler clearing the cookie
// after the middleware sent it again with a later expiry answers one line
// per name, not two that contradict each other.
func replaceCookie(w http.ResponseWriter, c *http.Cookie) {
	h := w.Header()
	lines := h["Set-Cookie"][:0:0]
	for _, line := range h["Set-Cookie"] {
		if !strings.HasPrefix(line, c.Name+"=") {
			lines = append(lines, line)
		}
	}
	h["Set-Cookie"] = lines
	http.SetCookie(w, c)
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
