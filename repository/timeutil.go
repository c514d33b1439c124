package repository

import (
	"time"
)

// utcPtr returns a copy of *t in UTC at microsecond precision, or nil.
func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC().Truncate(time.Microsecond)
	return &u
}
