package nextauthhttp_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/nextauthhttp"
)

// decodeURIComponent is JavaScript's decodeURIComponent with the fallback
// of the JavaScript side's cookie parsers (the value as it is when it
// throws), built from net/url for valid UTF-8 values, to check DecodeValue
// against an independent implementation.
func decodeURIComponent(v string) string {
	if !strings.Contains(v, "%") {
		return v
	}
	d, err := url.PathUnescape(v)
	if err != nil || !utf8.ValidString(d) {
		return v
	}
	return d
}

// FuzzCookieRead: reading a session cookie never panics, decodes as
// JavaScript does, WellFormed accepts every token a session row can hold,
// and every such token survives Set and Read unchanged, through net/http's
// cookie writer and parser.
func FuzzCookieRead(f *testing.F) {
	for _, seed := range []string{jsToken, "SJdj%2Bx%2FLGSO9a5Qz%2B%2Fw8ZA%3D%3D", oddGoToken, "3f2504e0-4f89-41d3-9a0c-0305e82c3301",
		"", "%", "%zz", "a%2", "%C0%80", "%ED%A0%80", "%F4%90%80%80", "%E2a%82%AC", "%00", "\x00", "\xff", "\"q\"", "a;b", "é"} {
		f.Add(seed)
	}
	c := nextauthhttp.CookieFor(gormauth.Prisma)
	expires := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		// s as the raw value of the cookie a request carries.
		r := httptest.NewRequest(http.MethodGet, "http://app.example.com/", nil)
		r.Header.Set("Cookie", c.Name+"="+s)
		if token, ok := c.Read(r); ok {
			nextauthhttp.WellFormed(token)
		}
		if utf8.ValidString(s) {
			if got, want := nextauthhttp.DecodeValue(s), decodeURIComponent(s); got != want {
				t.Fatalf("DecodeValue(%q) = %q, decodeURIComponent gives %q", s, got, want)
			}
		}

		// s as a token: WellFormed refuses only what no session row holds
		// (a stricter check would refuse tokens a custom
		// generateSessionToken makes and Auth.js accepts); then set, sent
		// back by the browser, and read.
		holdable := s != "" && len(s) <= nextauthhttp.MaxTokenLen && strings.IndexByte(s, 0) < 0 && utf8.ValidString(s)
		if nextauthhttp.WellFormed(s) != holdable {
			t.Fatalf("WellFormed(%q) = %v, a row can hold it: %v", s, !holdable, holdable)
		}
		if !holdable {
			return
		}
		w := httptest.NewRecorder()
		c.Set(w, r, s, expires)
		line := w.Header().Get("Set-Cookie")
		value := nextauthhttp.EncodeValue(s)
		if !strings.HasPrefix(line, c.Name+"="+value+"; ") {
			t.Fatalf("Set(%q) wrote %q, want the value %q", s, line, value)
		}
		back := httptest.NewRequest(http.MethodGet, "http://app.example.com/", nil)
		back.Header.Set("Cookie", c.Name+"="+value)
		if got, ok := c.Read(back); !ok || got != s {
			t.Fatalf("Read after Set(%q) = %q, %v", s, got, ok)
		}
	})
}
