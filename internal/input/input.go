// Package input checks the arguments of the repositories' operations before
// anything is sent to the database: every string not empty (unless
// optional), within its length limit in bytes, free of NUL bytes and valid
// UTF-8; addresses within their limit once lower-cased, as they are stored.
// A failed check is an ErrInvalidInput (package fail) naming the argument,
// never its value.
package input

import (
	"strings"
	"unicode/utf8"

	"github.com/gormauth/gormauth/internal/fail"
	"github.com/gormauth/gormauth/internal/jsstring"
)

// Limits on the length in bytes of values written or looked up, shared by
// the repositories (which export them).
const (
	MaxTokenLen         = 512       // session tokens, access tokens, sign-in tokens
	MaxSecretLen        = 4096      // the application secret
	MaxEmailLen         = 320       // email addresses and sign-in identifiers
	MaxNameLen          = 1024      // display names
	MaxImageLen         = 8192      // image URLs
	MaxProviderFieldLen = 255       // provider type, provider id, provider account id
	MaxProviderTokenLen = 64 * 1024 // OAuth access, refresh and id tokens
)

// Field is one string argument to check.
type Field struct {
	Name     string // as shown in the error, e.g. "session token"
	Value    string
	Max      int  // the most bytes allowed
	Optional bool // an empty value is allowed
	// MaxChars, if not 0, is the most characters allowed (a column of
	// type character varying(n) counts characters).
	MaxChars int
}

// Check returns an ErrInvalidInput for op naming the first bad field.
func Check(op string, fields ...Field) error {
	for _, f := range fields {
		switch {
		case f.Value == "" && !f.Optional:
			return fail.Invalid(op, "%s is empty", f.Name)
		case len(f.Value) > f.Max:
			return fail.Invalid(op, "%s is %d bytes, more than the %d allowed", f.Name, len(f.Value), f.Max)
		case strings.IndexByte(f.Value, 0) >= 0:
			return fail.Invalid(op, "%s contains a NUL byte", f.Name)
		case !utf8.ValidString(f.Value):
			return fail.Invalid(op, "%s is not valid UTF-8", f.Name)
		case f.MaxChars > 0 && utf8.RuneCountInString(f.Value) > f.MaxChars:
			return fail.Invalid(op, "%s is %d characters, more than the %d its column holds", f.Name, utf8.RuneCountInString(f.Value), f.MaxChars)
		}
	}
	return nil
}

// Opt returns the Field of an optional (nullable) string.
func Opt(name string, value *string, max int) Field {
	if value == nil {
		return Field{Name: name, Max: max, Optional: true}
	}
	return Field{Name: name, Value: *value, Max: max, Optional: true}
}

// Lower checks an address that is stored or looked up lower-cased, as
// JavaScript's toLowerCase lower-cases it, and returns that form: the
// address itself must be non-empty, free of NUL bytes and valid UTF-8, and
// its lower-cased form at most max bytes. (Lower-casing shortens a value at
// most threefold, so longer input is refused before it is lower-cased.)
func Lower(op, name, email string, max int) (string, error) {
	if err := Check(op, Field{Name: name, Value: email, Max: 3 * max}); err != nil {
		return "", err
	}
	lower := jsstring.Lower(email)
	if len(lower) > max {
		return "", fail.Invalid(op, "%s is %d bytes lower-cased, more than the %d allowed", name, len(lower), max)
	}
	return lower, nil
}
