package repository

import (
	"strings"
	"unicode/utf8"

	"github.com/gormauth/gormauth/internal/jsstring"
)

// Limits on the length in bytes of values written or looked up. Anything
// longer is rejected with ErrInvalidInput before it reaches the database. A
// limit holds for the value stored: an address that the repository
// lower-cases is measured after lower-casing, which can lengthen it ("İ" is
// 2 bytes, its lower case 3) or shorten it (the Kelvin sign, 3 bytes, becomes
// "k").
const (
	MaxTokenLen         = 512       // session tokens, access tokens, sign-in tokens
	MaxSecretLen        = 4096      // the application secret
	MaxEmailLen         = 320       // email addresses and sign-in identifiers
	MaxNameLen          = 1024      // display names
	MaxImageLen         = 8192      // image URLs
	MaxProviderFieldLen = 255       // provider type, provider id, provider account id
	MaxProviderTokenLen = 64 * 1024 // OAuth access and refresh tokens
)

// field checks one string argument.
type field struct {
	name     string // as shown in the error, e.g. "session token"
	value    string
	max      int
	optional bool // an empty value is allowed
}

// check returns an ErrInvalidInput for op naming the first bad field.
func check(op string, fields ...field) error {
	for _, f := range fields {
		switch {
		case f.value == "" && !f.optional:
			return invalid(op, "%s is empty", f.name)
		case len(f.value) > f.max:
			return invalid(op, "%s is %d bytes, more than the %d allowed", f.name, len(f.value), f.max)
		case strings.IndexByte(f.value, 0) >= 0:
			return invalid(op, "%s contains a NUL byte", f.name)
		case !utf8.ValidString(f.value):
			return invalid(op, "%s is not valid UTF-8", f.name)
		}
	}
	return nil
}

// opt returns the field for an optional (nullable) string.
func opt(name string, value *string, max int) field {
	if value == nil {
		return field{name: name, max: max, optional: true}
	}
	return field{name: name, value: *value, max: max, optional: true}
}

// checkID rejects ids that no row can have.
func checkID(op, name string, id int32) error {
	if id <= 0 {
		return invalid(op, "%s %d is not a valid id", name, id)
	}
	return nil
}

// LowerEmail returns email lower-cased exactly as NextAuth.js lower-cases
// sign-in addresses: JavaScript's toLowerCase, whose full Unicode mapping
// differs from strings.ToLower ("İ" becomes "i̇", a word-final "Σ" "ς").
// Both sign-in flows store and look up addresses this way; use it before
// Users.ByEmail to find a user as a sign-in would.
func LowerEmail(email string) string { return jsstring.Lower(email) }

// lowerEmail checks an address that is stored or looked up lower-cased and
// returns its lower-cased form: the address itself must be non-empty, free
// of NUL bytes and valid UTF-8, and its lower-cased form at most
// MaxEmailLen bytes. (Lower-casing shortens a value at most threefold, so
// longer input is refused before it is lower-cased.)
func lowerEmail(op, name, email string) (string, error) {
	if err := check(op, field{name: name, value: email, max: 3 * MaxEmailLen}); err != nil {
		return "", err
	}
	lower := jsstring.Lower(email)
	if len(lower) > MaxEmailLen {
		return "", invalid(op, "%s is %d bytes lower-cased, more than the %d allowed", name, len(lower), MaxEmailLen)
	}
	return lower, nil
}
