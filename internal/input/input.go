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
// the repositories (which export them). Limits is the same table with the
// reason for each; README's "Limits" section shows it.
const (
	MaxTokenLen         = 2048     // session tokens, sign-in tokens, session handles
	MaxSecretLen        = 4096     // the application secret (Auth.js's joined)
	MaxEmailLen         = 2048     // email addresses and sign-in identifiers
	MaxNameLen          = 64 << 10 // display names
	MaxImageLen         = 1 << 20  // image URLs, data: URLs included
	MaxProviderFieldLen = 1024     // provider type and id, provider account id, user ids, token type
	MaxProviderTokenLen = 1 << 20  // OAuth access, refresh and id tokens, scope, session state
)

// Limit is one row of Limits.
type Limit struct {
	Const  string // the constant's name, e.g. "MaxImageLen"
	Bytes  int    // its value
	Values string // what it limits
	Why    string // why it is set there
}

// Limits are the length limits and why each is where it is (README's
// "Limits" shows this table). Every limit is only against abuse: far above
// what the JavaScript side (NextAuth.js 2.0.0-beta.73, NextAuth.js v4,
// Auth.js v5) writes and what real providers send. Text columns hold any
// length. Keys (values in a unique index) hold about 2 690 bytes (a
// PostgreSQL B-tree entry is at most 2 704 bytes with its headers), less
// in a two-column index, and neither side can store a longer one: the key
// limits stay below that, so that every key accepted can be stored. Where
// a column is character varying(n) (Auth.js's pg schema: 255),
// Field.MaxChars limits it to n characters as well.
var Limits = []Limit{
	{"MaxTokenLen", MaxTokenLen, "session tokens, sign-in tokens, session handles",
		"Auth.js's are 36 bytes (a UUID), beta.73's 64 (hex); a custom generateSessionToken stays far below the 4 096 bytes a browser keeps for a cookie; a key"},
	{"MaxSecretLen", MaxSecretLen, "the application secret (Auth.js's secrets joined with commas)",
		"AUTH_SECRET is 32 random bytes in base64 (44 bytes); Auth.js joins at most four"},
	{"MaxEmailLen", MaxEmailLen, "email addresses, sign-in identifiers (as stored: lower-cased, normalised)",
		"an address has at most 254 bytes (RFC 5321); Auth.js stores a provider's address unchecked; a key"},
	{"MaxNameLen", MaxNameLen, "display names",
		"providers send names of at most a few hundred bytes"},
	{"MaxImageLen", MaxImageLen, "image URLs, data: URLs included",
		"Microsoft Entra ID (and v4's Azure AD) store the profile photo as a data:image/jpeg;base64 URL: up to 648 px, at most ~200 KB"},
	{"MaxProviderFieldLen", MaxProviderFieldLen, "provider type, provider id, provider account id, user ids, token type",
		"an OIDC subject has at most 255 ASCII characters; provider id and account id are one key together (1 024 + 1 024 < 2 690)"},
	{"MaxProviderTokenLen", MaxProviderTokenLen, "OAuth access, refresh and id tokens, scope, session state",
		"OIDC id tokens and Entra ID access tokens with group claims reach 10–20 KB; scopes a few KB"},
}

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

// CheckKept checks fields as Check does, except that a value longer than
// its Max bytes is not refused: kept[i] reports that fields[i] is over its
// limit, and the caller writes it only where it equals the value already
// stored (an update that writes back what the other side stored must
// work; a new value over a limit must not be written). Every other check,
// MaxChars included, still refuses.
func CheckKept(op string, fields ...Field) (kept []bool, err error) {
	kept = make([]bool, len(fields))
	for i, f := range fields {
		if len(f.Value) > f.Max {
			kept[i], f.Max = true, len(f.Value)
		}
		if err := Check(op, f); err != nil {
			return nil, err
		}
	}
	return kept, nil
}

// Names joins the names of the fields that CheckKept marked kept, as
// "name", "name and image" or "name, email and image".
func Names(fields []Field, kept []bool) string {
	var names []string
	for i, f := range fields {
		if i < len(kept) && kept[i] {
			names = append(names, f.Name)
		}
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
