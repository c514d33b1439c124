package drizzle

import (
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/gormauth/gormauth/internal/ids"
	"github.com/gormauth/gormauth/models/internal/stamp"
)

// precision is that of the timestamp columns.
const precision = time.Microsecond

// BeforeSave writes u's timestamp as UTC at the column's precision.
func (u *User) BeforeSave(*gorm.DB) error {
	stamp.WritePtr(&u.EmailVerified, precision)
	return nil
}

// BeforeCreate fills an empty ID with a new UUID, as the adapter's tables
// do.
func (u *User) BeforeCreate(*gorm.DB) error {
	if u.ID != "" {
		return nil
	}
	id, err := ids.UUID()
	if err != nil {
		return fmt.Errorf("drizzle: making the id of a new user: %w", err)
	}
	u.ID = id
	return nil
}

// AfterFind labels u's timestamp as UTC.
func (u *User) AfterFind(*gorm.DB) error {
	stamp.ReadPtr(u.EmailVerified)
	return nil
}

// BeforeSave writes s's expiry as UTC at the column's precision.
func (s *Session) BeforeSave(*gorm.DB) error {
	stamp.Write(&s.Expires, precision)
	return nil
}

// AfterFind labels s's expiry as UTC.
func (s *Session) AfterFind(*gorm.DB) error {
	stamp.Read(&s.Expires)
	return nil
}

// BeforeSave writes v's expiry as UTC at the column's precision.
func (v *VerificationToken) BeforeSave(*gorm.DB) error {
	stamp.Write(&v.Expires, precision)
	return nil
}

// AfterFind labels v's expiry as UTC.
func (v *VerificationToken) AfterFind(*gorm.DB) error {
	stamp.Read(&v.Expires)
	return nil
}
