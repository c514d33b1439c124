package models

import (
	"time"

	"gorm.io/gorm"
)

// UTCWall returns t's wall clock read as UTC. The columns hold UTC wall clock
// in timestamp without time zone; a driver configured with a TimeZone returns
// them labelled with that zone, and this undoes the label without moving the
// wall clock.
func UTCWall(t time.Time) time.Time {
	if t.IsZero() || t.Location() == time.UTC {
		return t
	}
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	return time.Date(y, mo, d, h, mi, s, t.Nanosecond(), time.UTC)
}

func utcWallPtr(t *time.Time) {
	if t != nil {
		*t = UTCWall(*t)
	}
}

// stampCreate fills zero Created and Updated with the current UTC wall
// clock, so a row created through plain GORM does not get its timestamps
// from now() in the session's TimeZone (the column defaults).
func stampCreate(tx *gorm.DB, created, updated *time.Time) {
	if created.IsZero() {
		*created = tx.NowFunc().UTC().Truncate(time.Microsecond)
	}
	if updated.IsZero() {
		*updated = *created
	}
}
