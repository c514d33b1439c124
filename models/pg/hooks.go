package pg

import (
	"time"

	"gorm.io/gorm"

	"github.com/gormauth/gormauth/models/internal/stamp"
)

// precision is that of the timestamp with time zone columns.
const precision = time.Microsecond

// BeforeSave writes u's timestamp in UTC at the column's precision.
func (u *User) BeforeSave(*gorm.DB) error {
	stamp.WritePtr(&u.EmailVerified, precision)
	return nil
}

// BeforeSave writes s's expiry in UTC at the column's precision.
func (s *Session) BeforeSave(*gorm.DB) error {
	stamp.Write(&s.Expires, precision)
	return nil
}

// BeforeSave writes v's expiry in UTC at the column's precision.
func (v *VerificationToken) BeforeSave(*gorm.DB) error {
	stamp.Write(&v.Expires, precision)
	return nil
}
