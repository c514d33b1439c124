package repository

import (
	"fmt"
	"time"
)

// The rows of every flavour's tables, in the shape of Auth.js's Adapter
// types (see the package documentation for why ids are strings). Columns a
// flavour lacks are left nil; timestamps are returned as instants in UTC.
// The gorm tags name Auth.js's columns; for GORM queries of your own, use
// the flavour's models (package models for beta.73, models/prisma, …),
// which name each table's own.

// User is a row of the users table ("User", "user" or users): a person who
// can sign in.
type User struct {
	// ID is the user's id: a cuid (Prisma), a UUID (Drizzle) or a serial
	// integer in decimal (pg, beta.73).
	ID string `gorm:"column:id;primaryKey" json:"id"`
	// Name is the display name, usually from the provider's profile.
	Name *string `gorm:"column:name" json:"name"`
	// Email is the address, lower-cased by the sign-in flows. Unique in
	// every flavour but pg; NOT NULL in Prisma (Auth.js v5).
	Email *string `gorm:"column:email" json:"email"`
	// EmailVerified is when an email sign-in last proved the address, or
	// nil.
	EmailVerified *time.Time `gorm:"column:emailVerified" json:"emailVerified"`
	// Image is the URL of the user's picture.
	Image *string `gorm:"column:image" json:"image"`
	// CreatedAt and UpdatedAt are the clock columns of Prisma's (Auth.js
	// v5) and beta.73's tables where they have them; nil elsewhere.
	CreatedAt *time.Time `gorm:"column:createdAt" json:"createdAt,omitempty"`
	UpdatedAt *time.Time `gorm:"column:updatedAt" json:"updatedAt,omitempty"`
}

// Account is a row of the accounts table ("Account", account or accounts):
// a provider account (GitHub, Google, …) linked to a user, with the OAuth
// tokens Auth.js keeps. One row per provider account.
type Account struct {
	// ID is the account's id where the table has one: a cuid (NextAuth.js
	// v4's Prisma schema) or a serial integer in decimal (pg); "" otherwise.
	ID string `gorm:"column:id" json:"id,omitempty"`
	// UserID is the id of the user the account belongs to.
	UserID string `gorm:"column:userId" json:"userId"`
	// Type is "oauth" or "oidc" (also "email" or "webauthn" in Auth.js's
	// types, never written for them).
	Type string `gorm:"column:type" json:"type"`
	// Provider is the provider's id, such as "github".
	Provider string `gorm:"column:provider" json:"provider"`
	// ProviderAccountID is the user's id at the provider, as a string.
	ProviderAccountID string `gorm:"column:providerAccountId" json:"providerAccountId"`
	// RefreshToken, AccessToken and IDToken are the provider's tokens.
	// Secret.
	RefreshToken *string `gorm:"column:refresh_token" json:"-"`
	AccessToken  *string `gorm:"column:access_token" json:"-"`
	IDToken      *string `gorm:"column:id_token" json:"-"`
	// ExpiresAt is when AccessToken expires, in seconds since the Unix
	// epoch (Auth.js's expires_at).
	ExpiresAt *int64 `gorm:"column:expires_at" json:"expires_at"`
	// TokenType is the token type the provider gave ("bearer").
	TokenType *string `gorm:"column:token_type" json:"token_type"`
	// Scope is the scope the provider granted.
	Scope *string `gorm:"column:scope" json:"scope"`
	// SessionState is the OpenID Connect session state, if any.
	SessionState *string `gorm:"column:session_state" json:"session_state"`
	// CreatedAt and UpdatedAt are the clock columns of Prisma's (Auth.js
	// v5) and beta.73's tables where they have them; nil elsewhere.
	CreatedAt *time.Time `gorm:"column:createdAt" json:"createdAt,omitempty"`
	UpdatedAt *time.Time `gorm:"column:updatedAt" json:"updatedAt,omitempty"`
}

// String describes the account without its tokens, so that printing or
// logging an Account never reveals them.
func (a Account) String() string {
	return fmt.Sprintf("Account{UserID:%s Provider:%s/%s}", a.UserID, a.Provider, a.ProviderAccountID)
}

// GoString is String, for %#v.
func (a Account) GoString() string { return a.String() }

// Session is a row of the sessions table ("Session", session or sessions):
// a database session. The browser holds SessionToken in the session cookie
// (Flavour.CookieName).
type Session struct {
	// ID is the session's id where the table has one: a cuid (NextAuth.js
	// v4's Prisma schema) or a serial integer in decimal (pg); "" otherwise.
	ID string `gorm:"column:id" json:"id,omitempty"`
	// SessionToken is the cookie value: a UUID (or, from older
	// applications, 64 hex characters). Secret.
	SessionToken string `gorm:"column:sessionToken" json:"-"`
	// UserID is the id of the signed-in user.
	UserID string `gorm:"column:userId" json:"userId"`
	// Expires is when the session ends; a session is valid while
	// now ≤ Expires.
	Expires time.Time `gorm:"column:expires" json:"expires"`
	// AccessToken is NextAuth.js 2.0.0-beta.73's access token of the
	// session (sessions.access_token, which its client receives as
	// session.accessToken), found again by Sessions.ByAccessToken; nil in
	// the other flavours. Secret.
	AccessToken *string `gorm:"column:access_token" json:"-"`
	// CreatedAt and UpdatedAt are the clock columns of Prisma's (Auth.js
	// v5) and beta.73's tables where they have them; nil elsewhere.
	CreatedAt *time.Time `gorm:"column:createdAt" json:"createdAt,omitempty"`
	UpdatedAt *time.Time `gorm:"column:updatedAt" json:"updatedAt,omitempty"`
	// User is the session's user when a query joins it.
	User *User `gorm:"-" json:"-"`
}

// String describes the session without its token, so that printing or
// logging a Session never reveals it.
func (s Session) String() string {
	return fmt.Sprintf("Session{UserID:%s Expires:%s}", s.UserID, s.Expires.Format(time.RFC3339))
}

// GoString is String, for %#v.
func (s Session) GoString() string { return s.String() }

// VerificationToken is a row of the sign-in tokens table
// ("VerificationToken", "verificationToken" or verification_token): an email
// sign-in link waiting to be used. Token holds the SHA-256 of the mailed
// token and the secret, never the token itself.
type VerificationToken struct {
	// Identifier is the normalised email address the link was sent to.
	Identifier string `gorm:"column:identifier" json:"identifier"`
	// Token is HashToken(token, secret).
	Token string `gorm:"column:token" json:"token"`
	// Expires is when the link stops working.
	Expires time.Time `gorm:"column:expires" json:"expires"`
}
