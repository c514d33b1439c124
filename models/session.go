package models

import (
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Session is a row of sessions: a database session of a signed-in user.
// SessionToken (held by the browser in the next-auth.session-token cookie) and
// AccessToken (may be shown to client code) are each unique.
type Session struct {
	// ID is the serial primary key (sessions_id_seq).
	ID int32 `gorm:"column:id;primaryKey;autoIncrement" json:"id"`
	// UserID is the id of the signed-in user (no foreign key, no index).
	UserID int32 `gorm:"column:user_id;not null" json:"userId"`
	// Expires is when the session ends (UTC); an expired session is absent.
	Expires time.Time `gorm:"column:expires;type:timestamp;not null" json:"expires"`
	// SessionToken is the cookie value: 64 lowercase hex characters. Secret.
	SessionToken string `gorm:"column:session_token;type:varchar;not null;unique" json:"-"`
	// AccessToken identifies the session to client code without revealing
	// SessionToken: 64 lowercase hex characters.
	AccessToken string `gorm:"column:access_token;type:varchar;not null;unique" json:"accessToken"`
	// Created is when the row was inserted (UTC).
	Created time.Time `gorm:"column:created;type:timestamp;not null;default:now()" json:"createdAt"`
	// Updated is when the row was last written (UTC).
	Updated time.Time `gorm:"column:updated;type:timestamp;not null;default:now()" json:"updatedAt"`
	// User is the session's user when a query joins it; never migrated.
	User *User `gorm:"foreignKey:UserID;references:ID;-:migration" json:"-"`
}

// TableName returns "sessions", whatever the naming strategy.
func (Session) TableName() string { return SessionsTable }

// BeforeCreate fills a zero Created and Updated with the current time in
// UTC, rather than leaving them to the column default now(), which follows
// the session's TimeZone.
func (s *Session) BeforeCreate(tx *gorm.DB) error {
	stampCreate(tx, &s.Created, &s.Updated)
	return nil
}

// AfterCreate normalises the timestamps read back from the insert to UTC.
func (s *Session) AfterCreate(*gorm.DB) error {
	s.Normalize()
	return nil
}

// AfterFind normalises the timestamps to UTC.
func (s *Session) AfterFind(*gorm.DB) error {
	s.Normalize()
	return nil
}

// Normalize labels every timestamp of s (and of s.User) as UTC without moving
// its wall clock.
func (s *Session) Normalize() {
	s.Expires = UTCWall(s.Expires)
	s.Created = UTCWall(s.Created)
	s.Updated = UTCWall(s.Updated)
	if s.User != nil {
		s.User.Normalize()
	}
}

// String describes the session without its tokens, so that printing or
// logging a Session never reveals them.
func (s Session) String() string {
	return fmt.Sprintf("Session{ID:%d UserID:%d Expires:%s}", s.ID, s.UserID, s.Expires.Format(time.RFC3339))
}

// GoString is String, for %#v.
func (s Session) GoString() string { return s.String() }
