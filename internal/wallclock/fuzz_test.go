package wallclock_test

import (
	"testing"
	"time"

	"github.com/gormauth/gormauth/internal/wallclock"
)

// fuzzZones are the zones FuzzWallclock picks from (by its zone argument,
// modulo their number): no daylight saving time, the usual kinds, a change
// of 30 minutes, a negative one, a skipped day, a 2-hour one, and Sitka,
// whose clocks went back a whole day in 1867.
var fuzzZones = []string{"UTC", "Asia/Tokyo", "Pacific/Auckland", "America/New_York", "Australia/Lord_Howe",
	"Europe/Dublin", "Pacific/Apia", "Antarctica/Troll", "America/Sitka", "Asia/Kolkata"}

// FuzzWallclock: for any instant and zone, the conversions never panic; an
// instant Holds accepts is written as a wall clock that reads back (Instant)
// as an instant Holds accepts too, no later than it and at most a day
// earlier (a wall clock shown twice is read as the first), whose wall clock
// is the same; and ExpiredBefore is never after the wall clock of now.
func FuzzWallclock(f *testing.F) {
	locs := make([]*time.Location, len(fuzzZones))
	for i, name := range fuzzZones {
		loc, err := time.LoadLocation(name)
		if err != nil {
			f.Fatal(err)
		}
		locs[i] = loc
	}
	for _, at := range []time.Time{
		wallclock.JSMin, wallclock.JSMax, wallclock.JSMax.Add(time.Millisecond), wallclock.JSMin.Add(-time.Millisecond),
		wallclock.Min, wallclock.Max, wallclock.Min.Add(-time.Microsecond), wallclock.Max.Add(time.Microsecond),
		{}, time.Unix(0, 0), time.Date(2026, 11, 1, 5, 30, 0, 0, time.UTC), time.Date(2026, 3, 8, 7, 30, 0, 0, time.UTC),
		time.Date(1867, 10, 18, 12, 0, 0, 0, time.UTC), time.Date(2011, 12, 30, 10, 0, 0, 0, time.UTC),
		time.Unix(1<<62, 0), time.Unix(-1<<62, 0),
	} {
		for zone := range fuzzZones {
			f.Add(at.Unix(), int64(at.Nanosecond()), uint8(zone))
		}
	}
	f.Fuzz(func(t *testing.T, sec, nsec int64, zone uint8) {
		loc := locs[int(zone)%len(locs)]
		checkWallclock(t, time.Unix(sec, nsec).UTC(), loc)
		// The same folded into a Date's range, where most instants are
		// accepted.
		checkWallclock(t, time.Unix(sec%8.64e12, nsec%1e9).UTC(), loc)
	})
}

// checkWallclock checks at in loc as FuzzWallclock says.
func checkWallclock(t *testing.T, at time.Time, loc *time.Location) {
	t.Helper()
	w := wallclock.Of(at, loc)
	wallclock.InRange(w)
	wallclock.Instant(at, loc) // any fields, as a wall clock
	wallclock.Label(at.In(loc))
	if !wallclock.Holds(at, loc) {
		return
	}
	back := wallclock.Instant(w, loc)
	if !wallclock.Holds(back, loc) {
		t.Fatalf("%s in %s: written as %s, read back as %s, which Holds refuses", at, loc, w, back)
	}
	if got := wallclock.Of(back, loc); !got.Equal(w) {
		t.Fatalf("%s in %s: written as %s, read back as %s, whose wall clock is %s", at, loc, w, back, got)
	}
	if d := at.Truncate(time.Microsecond).Sub(back); d < 0 || d > 25*time.Hour {
		t.Fatalf("%s in %s: read back as %s, %s earlier", at, loc, back, d)
	}
	if cut := wallclock.ExpiredBefore(at, loc); cut.After(w) {
		t.Fatalf("%s in %s: ExpiredBefore %s is after the wall clock %s", at, loc, cut, w)
	}
}

func TestHolds(t *testing.T) {
	auckland := load(t, "Pacific/Auckland")
	for _, c := range []struct {
		at   time.Time
		loc  *time.Location
		want bool
	}{
		{wallclock.JSMax, nil, true},
		{wallclock.JSMax.Add(time.Millisecond), nil, false},
		{wallclock.JSMax.Add(time.Microsecond), nil, false},
		{wallclock.JSMax, auckland, true}, // 275760-09-13 12:00 on the wall
		{wallclock.Min, nil, true},
		{wallclock.Min.Add(-time.Millisecond), nil, false},
		{wallclock.Instant(wallclock.Min, auckland), auckland, true}, // 11:39:04 earlier: local mean time
		{wallclock.Instant(wallclock.Min, auckland).Add(-time.Microsecond), auckland, false},
		{wallclock.Instant(wallclock.Min, auckland), nil, false},
		{time.Date(300000, 1, 1, 0, 0, 0, 0, time.UTC), nil, false},
		{time.Unix(-1<<62, 0), auckland, false},
	} {
		if got := wallclock.Holds(c.at, c.loc); got != c.want {
			t.Errorf("Holds(%s, %v) = %v, want %v", c.at, c.loc, got, c.want)
		}
	}
	if !wallclock.JS.Contains(wallclock.JSMin) || wallclock.JS.Contains(wallclock.JSMin.Add(-time.Millisecond)) {
		t.Error("JS does not start at JSMin")
	}
	if got, want := wallclock.JS.String(), "-271821-04-20T00:00:00Z to 275760-09-13T00:00:00Z"; got != want {
		t.Errorf("JS.String() = %q, want %q", got, want)
	}
}
