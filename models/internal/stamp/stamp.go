// Package stamp keeps the timestamps of the models of the Auth.js flavours:
// their hooks write every time as UTC at the column's precision, stamp the
// clock columns the Prisma client fills, and, where the columns are
// timestamp without time zone holding the UTC wall clock (Prisma,
// Drizzle), label what they read as UTC.
package stamp

import (
	"time"

	"gorm.io/gorm"

	"github.com/gormauth/gormauth/models"
)

// Write sets *t to the same instant in UTC, truncated to precision, so that
// the column gets the UTC wall clock whatever *t's zone, and *t holds what
// the column will hold (PostgreSQL would round the digits it drops).
func Write(t *time.Time, precision time.Duration) {
	*t = t.UTC().Truncate(precision)
}

// WritePtr is Write for a nullable column. It replaces *t rather than
// changing the time it points to, which the caller may share.
func WritePtr(t **time.Time, precision time.Duration) {
	if *t != nil {
		v := **t
		Write(&v, precision)
		*t = &v
	}
}

// Read labels the wall clock read from a column as UTC without moving it
// (models.UTCWall), undoing a TimeZone the driver was configured with.
func Read(t *time.Time) { *t = models.UTCWall(*t) }

// ReadPtr is Read for a nullable column.
func ReadPtr(t *time.Time) {
	if t != nil {
		Read(t)
	}
}

// Now returns tx's clock (NowFunc) in UTC, truncated to precision.
func Now(tx *gorm.DB, precision time.Duration) time.Time {
	return tx.NowFunc().UTC().Truncate(precision)
}

// Create fills a zero created with Now and a zero updated with created, as
// the Prisma client fills @default(now()) and @updatedAt on create.
func Create(tx *gorm.DB, precision time.Duration, created, updated *time.Time) {
	if created.IsZero() {
		*created = Now(tx, precision)
	}
	if updated.IsZero() {
		*updated = *created
	}
}
