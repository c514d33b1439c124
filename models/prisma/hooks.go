package prisma

import (
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/gormauth/gormauth/internal/ids"
	"github.com/gormauth/gormauth/models/internal/stamp"
)

// precision is that of the timestamp(3) columns.
const precision = time.Millisecond

// BeforeSave writes u's timestamps as UTC at the column's precision.
func (u *User) BeforeSave(*gorm.DB) error {
	stamp.WritePtr(&u.EmailVerified, precision)
	stamp.Write(&u.CreatedAt, precision)
	stamp.Write(&u.UpdatedAt, precision)
	return nil
}

// BeforeCreate fills an empty ID with a new cuid and a zero CreatedAt and
// UpdatedAt with the current time, as the Prisma client does.
func (u *User) BeforeCreate(tx *gorm.DB) error {
	if u.ID == "" {
		id, err := ids.NewCUID().New()
		if err != nil {
			return fmt.Errorf("prisma: making the id of a new user: %w", err)
		}
		u.ID = id
	}
	stamp.Create(tx, precision, &u.CreatedAt, &u.UpdatedAt)
	return nil
}

// BeforeUpdate sets UpdatedAt to the current time, as @updatedAt does.
func (u *User) BeforeUpdate(tx *gorm.DB) error {
	tx.Statement.SetColumn("UpdatedAt", stamp.Now(tx, precision))
	return nil
}

// AfterCreate labels the createdAt the insert returns as UTC.
func (u *User) AfterCreate(tx *gorm.DB) error { return u.AfterFind(tx) }

// AfterFind labels u's timestamps as UTC.
func (u *User) AfterFind(*gorm.DB) error {
	stamp.ReadPtr(u.EmailVerified)
	stamp.Read(&u.CreatedAt)
	stamp.Read(&u.UpdatedAt)
	return nil
}

// BeforeSave writes a's timestamps as UTC at the column's precision.
func (a *Account) BeforeSave(*gorm.DB) error {
	stamp.Write(&a.CreatedAt, precision)
	stamp.Write(&a.UpdatedAt, precision)
	return nil
}

// BeforeCreate fills a zero CreatedAt and UpdatedAt with the current time.
func (a *Account) BeforeCreate(tx *gorm.DB) error {
	stamp.Create(tx, precision, &a.CreatedAt, &a.UpdatedAt)
	return nil
}

// BeforeUpdate sets UpdatedAt to the current time, as @updatedAt does.
func (a *Account) BeforeUpdate(tx *gorm.DB) error {
	tx.Statement.SetColumn("UpdatedAt", stamp.Now(tx, precision))
	return nil
}

// AfterCreate labels the createdAt the insert returns as UTC.
func (a *Account) AfterCreate(tx *gorm.DB) error { return a.AfterFind(tx) }

// AfterFind labels a's timestamps as UTC.
func (a *Account) AfterFind(*gorm.DB) error {
	stamp.Read(&a.CreatedAt)
	stamp.Read(&a.UpdatedAt)
	return nil
}

// BeforeSave writes s's timestamps as UTC at the column's precision.
func (s *Session) BeforeSave(*gorm.DB) error {
	stamp.Write(&s.Expires, precision)
	stamp.Write(&s.CreatedAt, precision)
	stamp.Write(&s.UpdatedAt, precision)
	return nil
}

// BeforeCreate fills a zero CreatedAt and UpdatedAt with the current time.
func (s *Session) BeforeCreate(tx *gorm.DB) error {
	stamp.Create(tx, precision, &s.CreatedAt, &s.UpdatedAt)
	return nil
}

// BeforeUpdate sets UpdatedAt to the current time, as @updatedAt does.
func (s *Session) BeforeUpdate(tx *gorm.DB) error {
	tx.Statement.SetColumn("UpdatedAt", stamp.Now(tx, precision))
	return nil
}

// AfterCreate labels the createdAt the insert returns as UTC.
func (s *Session) AfterCreate(tx *gorm.DB) error { return s.AfterFind(tx) }

// AfterFind labels s's timestamps as UTC.
func (s *Session) AfterFind(*gorm.DB) error {
	stamp.Read(&s.Expires)
	stamp.Read(&s.CreatedAt)
	stamp.Read(&s.UpdatedAt)
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
