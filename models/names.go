package models

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strings"
)

// Table names, fixed whatever naming strategy the host application uses.
const (
	UsersTable                = "users"
	AccountsTable             = "accounts"
	SessionsTable             = "sessions"
	VerificationRequestsTable = "verification_requests"
)

// CompoundID returns the value NextAuth.js stores in accounts.compound_id for
// a provider account: the lowercase hex SHA-256 of
// "<providerID>:<providerAccountID>". It is unique per provider account.
func CompoundID(providerID, providerAccountID string) string {
	sum := sha256.Sum256([]byte(providerID + ":" + providerAccountID))
	return hex.EncodeToString(sum[:])
}

// HashToken returns the value NextAuth.js stores in verification_requests.token
// for the sign-in token sent by email: the lowercase hex SHA-256 of token
// followed by secret (plain concatenation). The plain token is never stored.
func HashToken(token, secret string) string {
	sum := sha256.Sum256([]byte(token + secret))
	return hex.EncodeToString(sum[:])
}

// ConstraintName returns the name TypeORM (and so NextAuth.js) gives a
// constraint: prefix ("UQ", "PK", …), an underscore, and the first 27 hex
// characters of sha1("<table>_<columns sorted and joined by _>").
//
//	ConstraintName("UQ", "users", "email") == "UQ_97672ac88f789774dd47f7c8be3"
func ConstraintName(prefix, table string, columns ...string) string {
	cols := append([]string(nil), columns...)
	sort.Strings(cols)
	sum := sha1.Sum([]byte(table + "_" + strings.Join(cols, "_")))
	return prefix + "_" + hex.EncodeToString(sum[:])[:27]
}
