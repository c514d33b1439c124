// Package wallclock converts between instants and the wall clock that a
// PostgreSQL "timestamp without time zone" column holds for them in a given
// time zone, the way a JavaScript application writes and reads such columns.
//
// NextAuth.js 2.0.0-beta.73 (through the pg driver) writes the wall clock of
// the Node.js process's zone and reads it back as local time with
// JavaScript's Date. A Go service sharing those columns must do the same:
// Of gives the wall clock to write for an instant, Instant the instant a
// stored wall clock stands for. Wall clocks that a zone skips (the hour
// clocks go forward) or shows twice (the hour they go back) are resolved as
// JavaScript resolves them.
//
// A wall clock is carried in a time.Time labelled UTC, so that every driver
// and protocol mode writes its fields unchanged.
package wallclock

import (
	"time"
)

// The first and last values of a timestamp column, as wall clocks: PostgreSQL
// holds 4713 BC to 294276 AD at microsecond precision.
var (
	Min = time.Date(-4713, time.November, 24, 0, 0, 0, 0, time.UTC)
	Max = time.Date(294276, time.December, 31, 23, 59, 59, 999999000, time.UTC)
)

// InRange reports whether a timestamp column can hold the wall clock w.
func InRange(w time.Time) bool {
	w = Label(w)
	return !w.Before(Min) && !w.After(Max)
}

// The first and last instants a JavaScript Date holds: 8.64e15 milliseconds
// before and after the Unix epoch (-271821-04-20 and +275760-09-13, 00:00
// UTC). A Date outside is an Invalid Date, which JSON prints as null.
var (
	JSMin = time.UnixMilli(-8.64e15).UTC()
	JSMax = time.UnixMilli(8.64e15).UTC()
)

// Range is the instants from Min to Max, both included.
type Range struct {
	Min, Max time.Time
}

// Contains reports whether t is within r.
func (r Range) Contains(t time.Time) bool {
	return !t.Before(r.Min) && !t.After(r.Max)
}

// String returns r as "Min to Max" in RFC 3339 (UTC).
func (r Range) String() string {
	return r.Min.UTC().Format(time.RFC3339Nano) + " to " + r.Max.UTC().Format(time.RFC3339Nano)
}

// JS is the range of a JavaScript Date.
var JS = Range{Min: JSMin, Max: JSMax}

// Holds reports whether instant t can be written to a timestamp column as
// the wall clock of loc (UTC if nil) and read back by JavaScript's Date in
// loc: the wall clock Of(t, loc) is within the column's range, and both t
// and the instant that wall clock is read back as are within a Date's.
func Holds(t time.Time, loc *time.Location) bool {
	if !JS.Contains(t) {
		return false
	}
	w := Of(t, loc)
	return InRange(w) && JS.Contains(Instant(w, loc))
}

// Of returns the wall clock that instant t shows in loc (UTC if nil), rounded
// down to the microsecond, labelled UTC: the value to write for t.
func Of(t time.Time, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	return Label(t.In(loc)).Truncate(time.Microsecond)
}

// Label returns the wall clock of t labelled UTC: the same year, month, day,
// hour, minute, second and nanosecond, whatever t's location.
func Label(t time.Time) time.Time {
	if t.Location() == time.UTC {
		return t
	}
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	return time.Date(y, mo, d, h, mi, s, t.Nanosecond(), time.UTC)
}

// Instant returns the instant at which loc (UTC if nil) shows the wall clock
// w, in UTC. Only w's fields count, not its location. Like JavaScript's
// Date, it resolves a wall clock that loc skips or shows twice with the UTC
// offset in effect before the change: in New York, 02:30 on the morning
// clocks go forward is 03:30 EDT, and 01:30 on the morning they go back is
// the first 01:30 (EDT).
func Instant(w time.Time, loc *time.Location) time.Time {
	u := Label(w)
	if loc == nil || loc == time.UTC {
		return u
	}
	// The offsets loc has around u: the instant is u minus one of them.
	// (Sampled rather than read from ZoneBounds, which can report a period
	// ending where it starts after 2037, and so never move on.)
	var offsets [9]time.Duration
	for i := range offsets {
		offsets[i] = offset(u.Add(time.Duration(i-4)*12*time.Hour), loc)
	}
	// Shown once or twice: the earliest instant that shows it.
	var best time.Time
	for _, o := range offsets {
		if t := u.Add(-o); offset(t, loc) == o && (best.IsZero() || t.Before(best)) {
			best = t
		}
	}
	if !best.IsZero() {
		return best
	}
	// Skipped: read with the offset in effect before the change, which is
	// the offset at the earlier of the instants the offsets point to.
	first := u.Add(-offsets[0])
	for _, o := range offsets[1:] {
		if t := u.Add(-o); t.Before(first) {
			first = t
		}
	}
	return u.Add(-offset(first, loc))
}

// ExpiredBefore returns the latest wall clock W such that every wall clock
// before W stands, in loc (UTC if nil), for an instant before now (as Instant
// resolves it): a row whose expiry column is before W has expired for
// certain, whatever day clocks change. W is Of(now, loc), except within a
// day or two of a change of UTC offset, where it is earlier by up to the
// change.
func ExpiredBefore(now time.Time, loc *time.Location) time.Time {
	w := Of(now, loc)
	if loc == nil || loc == time.UTC {
		return w
	}
	current := offset(now, loc)
	least := current
	for h := -24; h <= 48; h++ {
		least = min(least, offset(now.Add(time.Duration(h)*time.Hour), loc))
	}
	return w.Add(least - current)
}

// offset returns loc's UTC offset at t.
func offset(t time.Time, loc *time.Location) time.Duration {
	_, off := t.In(loc).Zone()
	return time.Duration(off) * time.Second
}
