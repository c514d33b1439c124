package prismav4

import (
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/gormauth/gormauth/internal/ids"
	"github.com/gormauth/gormauth/models/internal/stamp"
)

// precision is that of the timestamp(3) columns.
const precision = time.Millisecond

// newID fills an empty id with a new cuid, as the Prisma client does.
func newID(id *string, of string) error {
	if *id != "" {
		return nil
	}
	cuid, err := ids.NewCUID().New()
	if err != nil {
		return fmt.Errorf("prismav4: making the id of a new %s: %w", of, err)
	}
	*id = cuid
	return nil
}

// BeforeSave writes u's timestamp as UTC at the column's precision.
func (u *User) BeforeSave(*gorm.DB) error {
	stamp.WritePtr(&u.EmailVerified, precision)
	return nil
}

// BeforeCreate fills an empty ID with a new cuid.
func (u *User) BeforeCreate(*gorm.DB) error { return newID(&u.ID, "user") }

// AfterFind labels u's timestamp as UTC.
func (u *User) AfterFind(*gorm.DB) error {
	stamp.ReadPtr(u.EmailVerified)
	return nil
}

// BeforeCreate fills an empty ID with a new cuid.
func (a *Account) BeforeCreate(*gorm.DB) error { return newID(&a.ID, "account") }

// BeforeSave writes s's expiry as UTC at the column's precision.
func (s *Session) BeforeSave(*gorm.DB) error {
	stamp.Write(&s.Expires, precision)
	return nil
}

// BeforeCreate fills an empty ID with a new cuid.
func (s *Session) BeforeCreate(*gorm.DB) error { return newID(&s.ID, "session") }

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
