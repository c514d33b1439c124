package repository_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gormauth/gormauth/internal/legacy73"
)

// FuzzLowerEmail: beta.73's lower-casing of addresses never panics, keeps
// valid UTF-8 valid, lower-cases ASCII as strings.ToLower does, and
// lower-casing again changes nothing (as for JavaScript's toLowerCase).
func FuzzLowerEmail(f *testing.F) {
	for _, s := range []string{"", "Alice@Example.COM", "İ@x.io", "\u212a@x.io", "ΑΣ@x.io", "ΑΣ.Β@x.io", "ǅ@x.io", "ẞ@x.io", "a\xffb", "\xed\xa0\x80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, email string) {
		got := repository.LowerEmail(email)
		switch {
		case utf8.ValidString(email) && !utf8.ValidString(got):
			t.Fatalf("LowerEmail(%+q) = %+q: invalid UTF-8", email, got)
		case isASCII(email) && got != strings.ToLower(email):
			t.Fatalf("LowerEmail(%+q) = %+q, not %+q", email, got, strings.ToLower(email))
		case repository.LowerEmail(got) != got:
			t.Fatalf("LowerEmail(%+q) = %+q, lower-cased again %+q", email, got, repository.LowerEmail(got))
		}
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
