package models

import "time"

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
