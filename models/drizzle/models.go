package drizzle

import "time"

// User is a row of "user": a person who can sign in.
type User struct {
	// ID is the user's UUID; the primary key.
	ID string `gorm:"column:id;type:text;primaryKey" json:"id"`
	// Name is the display name, usually from the provider's profile.
	Name *string `gorm:"column:name;type:text" json:"name"`
	// Email is the address, lower-cased by the sign-in flows; unique when
	// not nil ("user_email_unique").
	Email *string `gorm:"column:email;type:text;unique" json:"email"`
	// EmailVerified is when an email sign-in last proved the address (UTC),
	// or nil.
	EmailVerified *time.Time `gorm:"column:emailVerified;type:timestamp" json:"emailVerified"`
	// Image is the URL of the user's picture.
	Image *string `gorm:"column:image;type:text" json:"image"`
}

// TableName returns "user", whatever the naming strategy.
func (User) TableName() string { return "user" }

// Account is a row of account: a provider account (GitHub, Google, …)
// linked to a user, with the OAuth tokens Auth.js keeps. The primary key is
// (Provider, ProviderAccountID) ("account_provider_providerAccountId_pk");
// deleting the user deletes the account.
type Account struct {
	// UserID is the id of the user the account belongs to
	// ("account_userId_user_id_fk").
	UserID string `gorm:"column:userId;type:text;not null" json:"userId"`
	// Type is "oauth" or "oidc" ("email" or "webauthn" in Auth.js's types).
	Type string `gorm:"column:type;type:text;not null" json:"type"`
	// Provider is the provider's id, such as "github".
	Provider string `gorm:"column:provider;type:text;not null;primaryKey" json:"provider"`
	// ProviderAccountID is the user's id at the provider.
	ProviderAccountID string `gorm:"column:providerAccountId;type:text;not null;primaryKey" json:"providerAccountId"`
	// RefreshToken is the provider's refresh token. Secret.
	RefreshToken *string `gorm:"column:refresh_token;type:text" json:"-"`
	// AccessToken is the provider's access token. Secret.
	AccessToken *string `gorm:"column:access_token;type:text" json:"-"`
	// ExpiresAt is when AccessToken expires, in seconds since the Unix
	// epoch. The column is an integer: up to 2147483647 (2038-01-19).
	ExpiresAt *int64 `gorm:"column:expires_at;type:integer" json:"expires_at"`
	// TokenType is the token type, lower-cased by Auth.js ("bearer").
	TokenType *string `gorm:"column:token_type;type:text" json:"token_type"`
	// Scope is the scope the provider granted.
	Scope *string `gorm:"column:scope;type:text" json:"scope"`
	// IDToken is the OpenID Connect ID token. Secret.
	IDToken *string `gorm:"column:id_token;type:text" json:"-"`
	// SessionState is the OpenID Connect session state.
	SessionState *string `gorm:"column:session_state;type:text" json:"session_state"`
	// User is the account's user when a query preloads or joins it.
	User *User `gorm:"foreignKey:UserID;references:ID;constraint:account_userId_user_id_fk,OnDelete:CASCADE" json:"-"`
}

// TableName returns "account", whatever the naming strategy.
func (Account) TableName() string { return "account" }

// Session is a row of session: a database session. The browser holds
// SessionToken in the authjs.session-token cookie.
type Session struct {
	// SessionToken is the cookie value; the primary key. Secret.
	SessionToken string `gorm:"column:sessionToken;type:text;primaryKey" json:"-"`
	// UserID is the id of the signed-in user ("session_userId_user_id_fk").
	UserID string `gorm:"column:userId;type:text;not null" json:"userId"`
	// Expires is when the session ends (UTC); it is valid while
	// now ≤ Expires.
	Expires time.Time `gorm:"column:expires;type:timestamp;not null" json:"expires"`
	// User is the session's user when a query preloads or joins it.
	User *User `gorm:"foreignKey:UserID;references:ID;constraint:session_userId_user_id_fk,OnDelete:CASCADE" json:"-"`
}

// TableName returns "session", whatever the naming strategy.
func (Session) TableName() string { return "session" }

// VerificationToken is a row of "verificationToken": an email sign-in link
// waiting to be used. The primary key is (Identifier, Token)
// ("verificationToken_identifier_token_pk").
type VerificationToken struct {
	// Identifier is the normalised email address the link was sent to.
	Identifier string `gorm:"column:identifier;type:text;not null;primaryKey" json:"identifier"`
	// Token is the SHA-256 of the mailed token and the secret
	// (adapter.HashToken), never the mailed token itself. Secret.
	Token string `gorm:"column:token;type:text;not null;primaryKey" json:"-"`
	// Expires is when the link stops working (UTC).
	Expires time.Time `gorm:"column:expires;type:timestamp;not null" json:"expires"`
}

// TableName returns "verificationToken", whatever the naming strategy.
func (VerificationToken) TableName() string { return "verificationToken" }

// Authenticator is a row of authenticator: a WebAuthn credential (passkey)
// of a user. The primary key is (UserID, CredentialID), in that order
// ("authenticator_userId_credentialID_pk").
type Authenticator struct {
	// UserID is the id of the user the credential belongs to
	// ("authenticator_userId_user_id_fk").
	UserID string `gorm:"column:userId;type:text;not null;primaryKey" json:"userId"`
	// CredentialID is the credential's id, base64url; unique
	// ("authenticator_credentialID_unique").
	CredentialID string `gorm:"column:credentialID;type:text;not null;primaryKey;unique" json:"credentialID"`
	// ProviderAccountID is the id of the user's "webauthn" account.
	ProviderAccountID string `gorm:"column:providerAccountId;type:text;not null" json:"providerAccountId"`
	// CredentialPublicKey is the credential's public key, base64.
	CredentialPublicKey string `gorm:"column:credentialPublicKey;type:text;not null" json:"credentialPublicKey"`
	// Counter is the credential's signature counter.
	Counter int32 `gorm:"column:counter;type:integer;not null" json:"counter"`
	// CredentialDeviceType is "singleDevice" or "multiDevice".
	CredentialDeviceType string `gorm:"column:credentialDeviceType;type:text;not null" json:"credentialDeviceType"`
	// CredentialBackedUp reports whether the credential is backed up.
	CredentialBackedUp bool `gorm:"column:credentialBackedUp;type:boolean;not null" json:"credentialBackedUp"`
	// Transports are the transports the authenticator supports,
	// comma-separated ("usb,nfc").
	Transports *string `gorm:"column:transports;type:text" json:"transports"`
	// User is the credential's user when a query preloads or joins it.
	User *User `gorm:"foreignKey:UserID;references:ID;constraint:authenticator_userId_user_id_fk,OnDelete:CASCADE" json:"-"`
}

// TableName returns "authenticator", whatever the naming strategy.
func (Authenticator) TableName() string { return "authenticator" }
