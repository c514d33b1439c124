package models

import (
	"time"

	"gorm.io/gorm"
)

// User is a row of users: a person who can sign in. A user has any number of
// linked provider accounts (Account) and open sessions (Session).
type User struct {
	// ID is the serial primary key (users_id_seq).
	ID int32 `gorm:"column:id;primaryKey;autoIncrement" json:"id"`
	// Name is the display name, usually taken from the provider's profile.
	Name *string `gorm:"column:name;type:varchar" json:"name"`
	// Email is unique across users when not NULL, and matched exactly.
	// NextAuth.js's sign-in flows (OAuth and email) lower-case it with
	// JavaScript's toLowerCase before they store or look it up.
	Email *string `gorm:"column:email;type:varchar;unique" json:"email"`
	// EmailVerified is when the address was last proven by an email sign-in
	// link, or NULL.
	EmailVerified *time.Time `gorm:"column:email_verified;type:timestamp" json:"emailVerified"`
	// Image is the URL of the user's picture.
	Image *string `gorm:"column:image;type:varchar" json:"image"`
	// Created is when the row was inserted (UTC).
	Created time.Time `gorm:"column:created;type:timestamp;not null;default:now()" json:"createdAt"`
	// Updated is when the row was last written (UTC).
	Updated time.Time `gorm:"column:updated;type:timestamp;not null;default:now()" json:"updatedAt"`
}

// TableName returns "users", whatever the naming strategy.
func (User) TableName() string { return UsersTable }

// BeforeCreate fills a zero Created and Updated with the current time in
// UTC, rather than leaving them to the column default now(), which follows
// the session's TimeZone.
func (u *User) BeforeCreate(tx *gorm.DB) error {
	stampCreate(tx, &u.Created, &u.Updated)
	return nil
}

// AfterCreate normalises the timestamps read back from the insert to UTC.
func (u *User) AfterCreate(*gorm.DB) error {
	u.Normalize()
	return nil
}

// AfterFind normalises the timestamps to UTC.
func (u *User) AfterFind(*gorm.DB) error {
	u.Normalize()
	return nil
}

// Normalize labels every timestamp of u as UTC without moving its wall clock
// (see UTCWall). Reads through GORM call it already.
func (u *User) Normalize() {
	utcWallPtr(u.EmailVerified)
	u.Created = UTCWall(u.Created)
	u.Updated = UTCWall(u.Updated)
}
