package pg

import "time"

// User is a row of users: a person who can sign in.
type User struct {
	// ID is the serial primary key (users_id_seq).
	ID int32 `gorm:"column:id;type:integer;primaryKey;autoIncrement" json:"id"`
	// Name is the display name, usually from the provider's profile; at
	// most 255 characters.
	Name *string `gorm:"column:name;type:varchar(255)" json:"name"`
	// Email is the address, lower-cased by the sign-in flows; at most 255
	// characters.
	Email *string `gorm:"column:email;type:varchar(255)" json:"email"`
	// EmailVerified is when an email sign-in last proved the address, or
	// nil.
	EmailVerified *time.Time `gorm:"column:emailVerified;type:timestamptz" json:"emailVerified"`
	// Image is the URL of the user's picture.
	Image *string `gorm:"column:image;type:text" json:"image"`
}

// TableName returns "users", whatever the naming strategy.
func (User) TableName() string { return "users" }

// Account is a row of accounts: a provider account (GitHub, Google, …)
// linked to a user, with the OAuth tokens Auth.js keeps.
type Account struct {
	// ID is the serial primary key (accounts_id_seq).
	ID int32 `gorm:"column:id;type:integer;primaryKey;autoIncrement" json:"id"`
	// UserID is the id of the user the account belongs to.
	UserID int32 `gorm:"column:userId;type:integer;not null" json:"userId"`
	// Type is "oauth" or "oidc" ("email" or "webauthn" in Auth.js's types);
	// at most 255 characters.
	Type string `gorm:"column:type;type:varchar(255);not null" json:"type"`
	// Provider is the provider's id, such as "github"; at most 255
	// characters.
	Provider string `gorm:"column:provider;type:varchar(255);not null" json:"provider"`
	// ProviderAccountID is the user's id at the provider; at most 255
	// characters.
	ProviderAccountID string `gorm:"column:providerAccountId;type:varchar(255);not null" json:"providerAccountId"`
	// RefreshToken is the provider's refresh token. Secret.
	RefreshToken *string `gorm:"column:refresh_token;type:text" json:"-"`
	// AccessToken is the provider's access token. Secret.
	AccessToken *string `gorm:"column:access_token;type:text" json:"-"`
	// ExpiresAt is when AccessToken expires, in seconds since the Unix
	// epoch.
	ExpiresAt *int64 `gorm:"column:expires_at;type:bigint" json:"expires_at"`
	// IDToken is the OpenID Connect ID token. Secret.
	IDToken *string `gorm:"column:id_token;type:text" json:"-"`
	// Scope is the scope the provider granted.
	Scope *string `gorm:"column:scope;type:text" json:"scope"`
	// SessionState is the OpenID Connect session state.
	SessionState *string `gorm:"column:session_state;type:text" json:"session_state"`
	// TokenType is the token type, lower-cased by Auth.js ("bearer").
	TokenType *string `gorm:"column:token_type;type:text" json:"token_type"`
	// User is the account's user when a query preloads or joins it; no
	// foreign key.
	User *User `gorm:"foreignKey:UserID;references:ID;-:migration" json:"-"`
}

// TableName returns "accounts", whatever the naming strategy.
func (Account) TableName() string { return "accounts" }

// Session is a row of sessions: a database session. The browser holds
// SessionToken in the authjs.session-token cookie.
type Session struct {
	// ID is the serial primary key (sessions_id_seq).
	ID int32 `gorm:"column:id;type:integer;primaryKey;autoIncrement" json:"id"`
	// UserID is the id of the signed-in user.
	UserID int32 `gorm:"column:userId;type:integer;not null" json:"userId"`
	// Expires is when the session ends; it is valid while now ≤ Expires.
	Expires time.Time `gorm:"column:expires;type:timestamptz;not null" json:"expires"`
	// SessionToken is the cookie value, at most 255 characters. Secret.
	SessionToken string `gorm:"column:sessionToken;type:varchar(255);not null" json:"-"`
	// User is the session's user when a query preloads or joins it; no
	// foreign key.
	User *User `gorm:"foreignKey:UserID;references:ID;-:migration" json:"-"`
}

// TableName returns "sessions", whatever the naming strategy.
func (Session) TableName() string { return "sessions" }

// VerificationToken is a row of verification_token: an email sign-in link
// waiting to be used. The primary key is (Identifier, Token).
type VerificationToken struct {
	// Identifier is the normalised email address the link was sent to.
	Identifier string `gorm:"column:identifier;type:text;not null;primaryKey" json:"identifier"`
	// Expires is when the link stops working.
	Expires time.Time `gorm:"column:expires;type:timestamptz;not null" json:"expires"`
	// Token is the SHA-256 of the mailed token and the secret
	// (adapter.HashToken), never the mailed token itself. Secret.
	Token string `gorm:"column:token;type:text;not null;primaryKey" json:"-"`
}

// TableName returns "verification_token", whatever the naming strategy.
func (VerificationToken) TableName() string { return "verification_token" }
