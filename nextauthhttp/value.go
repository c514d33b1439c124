package nextauthhttp

import (
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
	out := make([]byte, 0, len(v))
	for i := 0; i < len(v); {
		if v[i] != '%' {
			out = append(out, v[i])
			i++
			continue
		}
		// A %XX escape: one byte, or the first of a UTF-8 sequence whose
		// other bytes must be escapes too, as decodeURIComponent requires.
		first, ok := escapedByte(v, i)
		if !ok {
			return v
		}
		n := sequenceLen(first)
		if n == 0 {
			return v
		}
		start := len(out)
		out = append(out, first)
		for k := 1; k < n; k++ {
			c, ok := escapedByte(v, i+3*k)
			if !ok {
				return v
			}
			out = append(out, c)
		}
		if n > 1 && !utf8.Valid(out[start:]) {
			return v
		}
		i += 3 * n
	}
	return string(out)
}

// escapedByte returns the byte of the escape %XX at v[i:], and whether
// there is one.
func escapedByte(v string, i int) (byte, bool) {
	if i+2 >= len(v) || v[i] != '%' {
		return 0, false
	}
	hi, ok1 := hexValue(v[i+1])
	lo, ok2 := hexValue(v[i+2])
	return hi<<4 | lo, ok1 && ok2
}

// sequenceLen is the length of the UTF-8 sequence that starts with the
// byte c, or 0 if no sequence starts with it.
func sequenceLen(c byte) int {
	switch {
	case c < 0x80:
		return 1
	case c&0xE0 == 0xC0:
		return 2
	case c&0xF0 == 0xE0:
		return 3
	case c&0xF8 == 0xF0:
		return 4
	}
	return 0
}

func hexValue(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// unreserved reports whether encodeURIComponent leaves the byte c as it is.
func unreserved(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("-_.!~*'()", c) >= 0
}
