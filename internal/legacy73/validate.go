package repository

import (
	"github.com/gormauth/gormauth/internal/input"
	"github.com/gormauth/gormauth/internal/jsstring"
)

// Limits on the length in bytes of values written or looked up (README's
// "Limits" says why each is where it is). Anything longer is rejected with
// ErrInvalidInput before it reaches the database. A limit holds for the
// value stored: an address that the repository lower-cases is measured after
// lower-casing, which can lengthen it ("İ" is 2 bytes, its lower case 3) or
// shorten it (the Kelvin sign, 3 bytes, becomes "k"). Only the values an
// operation is given are checked, never what it reads; Users.Update alone
// writes back a value over its limit that equals the one stored, and
// refuses any other in its one, guarded, statement.
const (
	MaxTokenLen         = input.MaxTokenLen         // 2 KiB: session tokens, access tokens, sign-in tokens
	MaxSecretLen        = input.MaxSecretLen        // 4 KiB: the application secret
	MaxEmailLen         = input.MaxEmailLen         // 2 KiB: email addresses and sign-in identifiers
	MaxNameLen          = input.MaxNameLen          // 64 KiB: display names
	MaxImageLen         = input.MaxImageLen         // 1 MiB: image URLs, data: URLs included
	MaxProviderFieldLen = input.MaxProviderFieldLen // 1 KiB: provider type, provider id, provider account id
	MaxProviderTokenLen = input.MaxProviderTokenLen // 1 MiB: OAuth access and refresh tokens
)

// The checks of package input, under short names.
type field = input.Field

func check(op string, fields ...field) error { return input.Check(op, fields...) }

func opt(name string, value *string, max int) field { return input.Opt(name, value, max) }

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

// lowerEmail checks an address that is stored or looked up lower-cased
// and returns its lower-cased form, at most MaxEmailLen bytes.
func lowerEmail(op, name, email string) (string, error) {
	return input.Lower(op, name, email, MaxEmailLen)
}
