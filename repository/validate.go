package repository

import (
	"strings"
	"unicode/utf8"
)

// Limits on the length in bytes of values written or looked up. Anything
// longer is rejected with ErrInvalidInput before it reaches the database.
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
