// Package jsstring does to strings what JavaScript's String methods do, for
// the values a JavaScript application and a Go service must agree on byte
// for byte (sign-in addresses above all).
//
// The Unicode data comes from golang.org/x/text and the unicode package,
// whose tables follow the Go release (Unicode 15.0 up to Go 1.26). A
// JavaScript engine with newer Unicode data (Node.js 20 has 17.0) differs
// only on what changed since: characters assigned later are left unchanged
// here, and the two whose case properties changed (U+0295 is no longer a
// lower-case letter from Unicode 16.0, U+1171E no longer a nonspacing mark)
// count as they did in the older version.
package jsstring

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/language"
)

// UnicodeVersion is the version of the Unicode case mappings Lower applies.
const UnicodeVersion = cases.UnicodeVersion

// Lower returns s lower-cased as JavaScript's String.prototype.toLowerCase
// does: Unicode's full, language-independent lower-case mapping, so that
// "İ" becomes "i̇" (two code points) where strings.ToLower keeps one, and
// the Final_Sigma rule as V8 and ICU apply it: a capital sigma becomes ς
// when a cased letter comes before it and none after it, case-ignorable
// characters skipped on both sides. The result may be longer or shorter in
// bytes than s. s must be valid UTF-8.
func Lower(s string) string {
	if isASCII(s) {
		return strings.ToLower(s)
	}
	c := cases.Lower(language.Und) // a Caser keeps state while it works: one per call
	// Every mapping but the sigma's is context-free, so the text between
	// sigmas is mapped alone and each sigma is decided here: x/text lets a
	// letter that is both cased and case-ignorable (ʰ, U+0345) open the
	// context before a sigma, as the Unicode Standard's regular expression
	// does, where V8 (ICU) skips it as case-ignorable.
	var b strings.Builder
	b.Grow(len(s))
	for from := 0; ; {
		i := strings.Index(s[from:], "Σ")
		if i < 0 {
			b.WriteString(c.String(s[from:]))
			return b.String()
		}
		at := from + i
		b.WriteString(c.String(s[from:at]))
		if finalSigma(s, at) {
			b.WriteString("ς")
		} else {
			b.WriteString("σ")
		}
		from = at + len("Σ")
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// finalSigma reports whether the capital sigma at s[at:] ends a word as ICU
// decides it (ucase.cpp, isPrecededByCasedLetter and
// isFollowedByCasedLetter): skipping case-ignorable characters, the nearest
// character before it is cased and the nearest after it is not.
func finalSigma(s string, at int) bool {
	preceded := false
	for j := at; j > 0; {
		r, n := utf8.DecodeLastRuneInString(s[:j])
		j -= n
		if !caseIgnorable(r) {
			preceded = cased(r)
			break
		}
	}
	if !preceded {
		return false
	}
	for j := at + len("Σ"); j < len(s); {
		r, n := utf8.DecodeRuneInString(s[j:])
		j += n
		if !caseIgnorable(r) {
			return !cased(r)
		}
	}
	return true
}

// cased is Unicode's Cased property: Lowercase, Uppercase or titlecase.
func cased(r rune) bool {
	return unicode.In(r, unicode.Ll, unicode.Lu, unicode.Lt, unicode.Other_Lowercase, unicode.Other_Uppercase)
}

// caseIgnorable is Unicode's Case_Ignorable property: the general categories
// Mn, Me, Cf, Lm and Sk, and the word-internal punctuation of Word_Break
// (MidLetter, MidNumLet, Single_Quote: the apostrophe, the full stop, U+055F
// …), all of which are punctuation. The unicode package has no Word_Break
// data; x/text's casing tables do, so for punctuation it is read from x/text:
// after a cased letter, a character that is not case-ignorable ends the
// word, and a sigma after it stays σ.
func caseIgnorable(r rune) bool {
	switch {
	case unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf, unicode.Lm, unicode.Sk):
		return true
	case unicode.IsPunct(r):
		return strings.HasSuffix(cases.Lower(language.Und).String("a"+string(r)+"Σ"), "ς")
	}
	return false
}

// Trim returns s without leading and trailing white space as JavaScript's
// String.prototype.trim removes it: the WhiteSpace and LineTerminator code
// points of ECMAScript (tab, vertical tab, form feed, space, U+00A0, U+FEFF,
// the Space_Separator characters, and the four line terminators), which is
// not strings.TrimSpace's set (that trims U+0085 and keeps U+FEFF).
func Trim(s string) string {
	return strings.TrimFunc(s, isJSSpace)
}

func isJSSpace(r rune) bool {
	switch r {
	case '\t', '\v', '\f', ' ', '\u00a0', '\ufeff', '\n', '\r', '\u2028', '\u2029':
		return true
	}
	return unicode.Is(unicode.Zs, r)
}
