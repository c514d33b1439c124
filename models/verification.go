package models

import (
	"time"

	"gorm.io/gorm"
)

// VerificationRequest is a row of verification_requests: an email sign-in
// link waiting to be used. The plain token sent by email is never stored;
// Token holds HashToken(token, secret) and is unique.
type VerificationRequest struct {
	// ID is the serial primary key (verification_requests_id_seq).
	ID int32 `gorm:"column:id;primaryKey;autoIncrement" json:"id"`
	// Identifier is the email address the link was sent to, lower-cased. The
	// column is spelled "identifer", as NextAuth.js spells it.
	Identifier string `gorm:"column:identifer;type:varchar;not null" json:"identifier"`
	// Token is HashToken(plain token, secret); unique.
	Token string `gorm:"column:token;type:varchar;not null;unique" json:"token"`
	// Expires is when the link stops working (UTC).
	Expires time.Time `gorm:"column:expires;type:timestamp;not null" json:"expires"`
	// Created is when the row was inserted (UTC).
	Created time.Time `gorm:"column:created;type:timestamp;not null;default:now()" json:"createdAt"`
	// Updated is when the row was last written (UTC).
	Updated time.Time `gorm:"column:updated;type:timestamp;not null;default:now()" json:"updatedAt"`
}

// TableName returns "verification_requests", whatever the naming strategy.
func (VerificationRequest) TableName() string { return VerificationRequestsTable }

// BeforeCreate fills a zero Created and Updated with the current time in
// UTC, rather than leaving them to the column default now(), which follows
// the session's TimeZone.
func (v *VerificationRequest) BeforeCreate(tx *gorm.DB) error {
	stampCreate(tx, &v.Created, &v.Updated)
	return nil
}

// AfterCreate normalises the timestamps read back from the insert to UTC.
func (v *VerificationRequest) AfterCreate(*gorm.DB) error {
	v.Normalize()
	return nil
}

// AfterFind normalises the timestamps to UTC.
func (v *VerificationRequest) AfterFind(*gorm.DB) error {
	v.Normalize()
	return nil
}

// Normalize labels every timestamp of v as UTC without moving its wall clock.
func (v *VerificationRequest) Normalize() {
	v.Expires = UTCWall(v.Expires)
	v.Created = UTCWall(v.Created)
	v.Updated = UTCWall(v.Updated)
}
