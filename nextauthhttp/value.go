package nextauthhttp

import (
	"net/url"
	"strings"
	"unicode/utf8"
)

// How the JavaScript side writes and reads a cookie's value, measured with
// the packages themselves (the cookie tests compare these functions with
// them through internal/harness/authjsnode):
//
//   - Setting, @auth/core 0.41.3 (lib/vendored/cookie.js serialize),
//     next-auth 4.24.15 (cookie 0.7.2 serialize) and next-auth
//     2.0.0-beta.73 (its own serializer) all write encodeURIComponent(value):
//     "SJdj+x/LG=" is sent as "SJdj%2Bx%2FLG%3D". encodeURIComponent throws
//     on a lone surrogate, so a token the JavaScript side made is always
//     valid Unicode.
//   - Reading, @auth/core's parse and cookie 0.7.2's (next-auth 4's, and
//     Next.js's for API routes) return a value without '%' as it is, and
//     otherwise decodeURIComponent(value), or the value as it is when that
//     throws (a '%' not followed by two hex digits, or escapes that are not
//     UTF-8: "%zz", "a%2", "%C0%80", "%ED%A0%80" stay as they are). They
//     trim spaces and tabs around the value, and the first cookie of a name
//     wins. cookie 0.7.2 also strips one pair of double quotes around the
//     value, where @auth/core keeps them; net/http strips them too, and
//     neither side ever sets a quoted value.

// EncodeValue returns token as NextAuth.js and Auth.js put it in a
// Set-Cookie header: encodeURIComponent(token), every byte but the ASCII
// letters, digits and - _ . ! ~ * ' ( ) written as %XX. The result holds
// only bytes that net/http sends unchanged and unquoted. token should be
// valid UTF-8, as every token the repositories make is, and as
// JavaScript's encodeURIComponent requires (it throws otherwise); here the
// bytes of invalid UTF-8 are escaped one by one, which does not decode back.
func EncodeValue(token string) string {
	n := 0
	for i := 0; i < len(token); i++ {
		if !unreserved(token[i]) {
			n++
		}
	}
	if n == 0 {
		return token
	}
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(token) + 2*n)
	for i := 0; i < len(token); i++ {
		c := token[i]
		if unreserved(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&0xF])
	}
	return b.String()
}

// DecodeValue returns the token a cookie's value v stands for, as NextAuth.js
// and Auth.js read it: v itself when it holds no '%', else
// decodeURIComponent(v), or v itself where decodeURIComponent would throw
// (a '%' not followed by two hex digits, or escaped bytes that are not
// UTF-8, overlong, or a surrogate). DecodeValue(EncodeValue(t)) == t for
// every valid UTF-8 t.
func DecodeValue(v string) string {
	if strings.IndexByte(v, '%') < 0 || !utf8.ValidString(v) {
		return v
	}
	// PathUnescape fails where decodeURIComponent throws on an escape, and
	// leaves '+' as it is, as decodeURIComponent does; an escaped sequence
	// that is not UTF-8 (overlong, a surrogate, cut short) makes the result
	// invalid UTF-8, where decodeURIComponent throws too.
	d, err := url.PathUnescape(v)
	if err != nil || !utf8.ValidString(d) {
		return v
	}
	return d
}

// unreserved reports whether encodeURIComponent leaves the byte c as it is.
func unreserved(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("-_.!~*'()", c) >= 0
}
