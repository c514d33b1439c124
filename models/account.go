package models

import (
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Account is a row of accounts: a provider account (GitHub, Google, …) linked
// to a user. CompoundID is unique, so a provider account is linked to at most
// one user.
type Account struct {
	// ID is the serial primary key (accounts_id_seq).
	ID int32 `gorm:"column:id;primaryKey;autoIncrement" json:"id"`
	// CompoundID is CompoundID(ProviderID, ProviderAccountID); unique.
	CompoundID string `gorm:"column:compound_id;type:varchar;not null;unique" json:"compoundId"`
	// UserID is the id of the user the account belongs to (no foreign key).
	UserID int32 `gorm:"column:user_id;not null;index:userId" json:"userId"`
	// ProviderType is "oauth", "email" or "credentials".
	ProviderType string `gorm:"column:provider_type;type:varchar;not null" json:"providerType"`
	// ProviderID names the provider, such as "github".
	ProviderID string `gorm:"column:provider_id;type:varchar;not null;index:providerId" json:"providerId"`
	// ProviderAccountID is the user's id at the provider, as a string.
	ProviderAccountID string `gorm:"column:provider_account_id;type:varchar;not null;index:providerAccountId" json:"providerAccountId"`
	// RefreshToken is the provider's OAuth refresh token, if any. Secret.
	RefreshToken *string `gorm:"column:refresh_token;type:text" json:"-"`
	// AccessToken is the provider's OAuth access token, if any. Secret.
	AccessToken *string `gorm:"column:access_token;type:text" json:"-"`
	// AccessTokenExpires is when AccessToken expires (UTC), if known.
	AccessTokenExpires *time.Time `gorm:"column:access_token_expires;type:timestamp" json:"accessTokenExpires"`
	// Created is when the row was inserted (UTC).
	Created time.Time `gorm:"column:created;type:timestamp;not null;default:now()" json:"createdAt"`
	// Updated is when the row was last written (UTC).
	Updated time.Time `gorm:"column:updated;type:timestamp;not null;default:now()" json:"updatedAt"`
	// User is the account's user when a query joins it; never migrated.
	User *User `gorm:"foreignKey:UserID;references:ID;-:migration" json:"-"`
}

// TableName returns "accounts", whatever the naming strategy.
func (Account) TableName() string { return AccountsTable }

// BeforeCreate fills a zero Created and Updated with the current time in
// UTC, rather than leaving them to the column default now(), which follows
// the session's TimeZone.
func (a *Account) BeforeCreate(tx *gorm.DB) error {
	stampCreate(tx, &a.Created, &a.Updated)
	return nil
}

// AfterCreate normalises the timestamps read back from the insert to UTC.
func (a *Account) AfterCreate(*gorm.DB) error {
	a.Normalize()
	return nil
}

// AfterFind normalises the timestamps to UTC.
func (a *Account) AfterFind(*gorm.DB) error {
	a.Normalize()
	return nil
}

// Normalize labels every timestamp of a as UTC without moving its wall clock.
func (a *Account) Normalize() {
	utcWallPtr(a.AccessTokenExpires)
	a.Created = UTCWall(a.Created)
	a.Updated = UTCWall(a.Updated)
	if a.User != nil {
		a.User.Normalize()
	}
}

// String describes the account without its provider tokens, so that
// printing or logging an Account never reveals them.
func (a Account) String() string {
	return fmt.Sprintf("Account{ID:%d UserID:%d Provider:%s/%s}", a.ID, a.UserID, a.ProviderID, a.ProviderAccountID)
}

// GoString is String, for %#v.
func (a Account) GoString() string { return a.String() }
