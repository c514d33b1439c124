package wallclock_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth/internal/wallclock"
)

func load(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	require.NoError(t, err)
	return loc
}

func wall(y int, mo time.Month, d, h, mi int) time.Time {
	return time.Date(y, mo, d, h, mi, 0, 0, time.UTC)
}

func TestInstant(t *testing.T) {
	tests := []struct {
		zone string
		wall time.Time
		want time.Time // UTC
	}{
		{"UTC", wall(2026, 3, 8, 2, 30), wall(2026, 3, 8, 2, 30)},
		{"Asia/Tokyo", wall(2026, 3, 8, 2, 30), wall(2026, 3, 7, 17, 30)},
		// New York: 02:00 EST → 03:00 EDT on 2026-03-08; 02:00 EDT → 01:00 EST on 2026-11-01.
		{"America/New_York", wall(2026, 3, 8, 1, 59), wall(2026, 3, 8, 6, 59)},
		{"America/New_York", wall(2026, 3, 8, 2, 0), wall(2026, 3, 8, 7, 0)},   // skipped: as 03:00 EDT
		{"America/New_York", wall(2026, 3, 8, 2, 30), wall(2026, 3, 8, 7, 30)}, // skipped: as 03:30 EDT
		{"America/New_York", wall(2026, 3, 8, 3, 0), wall(2026, 3, 8, 7, 0)},
		{"America/New_York", wall(2026, 11, 1, 0, 59), wall(2026, 11, 1, 4, 59)},
		{"America/New_York", wall(2026, 11, 1, 1, 30), wall(2026, 11, 1, 5, 30)}, // shown twice: the first (EDT)
		{"America/New_York", wall(2026, 11, 1, 2, 0), wall(2026, 11, 1, 7, 0)},
		// Auckland: 02:00 NZST → 03:00 NZDT on 2026-09-27; 03:00 NZDT → 02:00 NZST on 2026-04-05.
		{"Pacific/Auckland", wall(2026, 9, 27, 2, 30), wall(2026, 9, 26, 14, 30)},
		{"Pacific/Auckland", wall(2026, 4, 5, 2, 30), wall(2026, 4, 4, 13, 30)},
		// Lord Howe moves by 30 minutes.
		{"Australia/Lord_Howe", wall(2026, 10, 4, 2, 15), wall(2026, 10, 3, 15, 45)},
		{"Australia/Lord_Howe", wall(2026, 4, 5, 1, 45), wall(2026, 4, 4, 14, 45)},
		// Dublin's "negative" daylight saving time.
		{"Europe/Dublin", wall(2026, 3, 29, 1, 30), wall(2026, 3, 29, 1, 30)},
		{"Europe/Dublin", wall(2026, 10, 25, 1, 30), wall(2026, 10, 25, 0, 30)},
		// Samoa skipped 2011-12-30 entirely.
		{"Pacific/Apia", wall(2011, 12, 30, 12, 0), wall(2011, 12, 30, 22, 0)}, // as with the offset before (-10)
	}
	for _, tt := range tests {
		got := wallclock.Instant(tt.wall, load(t, tt.zone))
		assert.Equal(t, tt.want, got, "%s %s", tt.zone, tt.wall.Format("2006-01-02 15:04"))
		assert.Equal(t, time.UTC, got.Location())
	}
	// Only the fields count, not the location the wall clock carries.
	tokyo := load(t, "Asia/Tokyo")
	assert.Equal(t, wall(2026, 3, 8, 17, 30), wallclock.Instant(time.Date(2026, 3, 9, 2, 30, 0, 0, load(t, "America/New_York")), tokyo))
	assert.Equal(t, wall(2026, 3, 8, 2, 30), wallclock.Instant(wall(2026, 3, 8, 2, 30), nil), "nil is UTC")
}

func TestOf(t *testing.T) {
	ny := load(t, "America/New_York")
	at := time.Date(2026, 11, 1, 6, 30, 0, 123456789, time.UTC) // the second 01:30 in New York (EST)
	w := wallclock.Of(at, ny)
	assert.Equal(t, time.Date(2026, 11, 1, 1, 30, 0, 123456000, time.UTC), w, "wall clock, rounded down to the microsecond, labelled UTC")
	assert.Equal(t, time.Date(2026, 11, 1, 5, 30, 0, 123456000, time.UTC), wallclock.Instant(w, ny), "read back as the first 01:30, as JavaScript does")
	assert.Equal(t, time.Date(2026, 11, 1, 6, 30, 0, 123456000, time.UTC), wallclock.Of(at, nil), "nil is UTC")
	// Round trips wherever the wall clock is shown once.
	for _, zone := range []string{"UTC", "Asia/Tokyo", "Pacific/Auckland", "America/New_York"} {
		loc := load(t, zone)
		for at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC); at.Year() == 2026; at = at.Add(97 * time.Minute) {
			w := wallclock.Of(at, loc)
			back := wallclock.Instant(w, loc)
			if !back.Equal(at) {
				assert.Equal(t, at.Add(-time.Hour), back, "%s: only a repeated hour comes back an hour early", zone)
			}
		}
	}
}

func TestInRange(t *testing.T) {
	assert.True(t, wallclock.InRange(wallclock.Min))
	assert.True(t, wallclock.InRange(wallclock.Max))
	assert.True(t, wallclock.InRange(time.Time{}))
	assert.False(t, wallclock.InRange(wallclock.Min.Add(-time.Microsecond)))
	assert.False(t, wallclock.InRange(wallclock.Max.Add(time.Microsecond)))
	assert.False(t, wallclock.InRange(time.Unix(946684800+18446744073709, 551616000)))
	// The fields count: the last instant in UTC is past the end in Tokyo.
	assert.False(t, wallclock.InRange(wallclock.Of(wallclock.Max, load(t, "Asia/Tokyo"))))
}

func TestExpiredBefore(t *testing.T) {
	tokyo := load(t, "Asia/Tokyo")
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	assert.Equal(t, wallclock.Of(now, nil), wallclock.ExpiredBefore(now, nil))
	assert.Equal(t, wallclock.Of(now, tokyo), wallclock.ExpiredBefore(now, tokyo), "no change of offset: exact")
	// Every wall clock before the cutoff stands for an instant before now,
	// and the cutoff is never more than the change early: every 41 minutes
	// from 3 days before to 3 days after each change of offset.
	for _, zone := range []string{"America/New_York", "Pacific/Auckland", "Australia/Lord_Howe", "Europe/Dublin", "Pacific/Apia"} {
		loc := load(t, zone)
		for at := time.Date(2011, 1, 1, 0, 0, 0, 0, time.UTC); at.Year() < 2013; at = at.Add(time.Hour) {
			if offsetAt(at, loc) == offsetAt(at.Add(time.Hour), loc) {
				continue
			}
			for now := at.Add(-72 * time.Hour); now.Before(at.Add(72 * time.Hour)); now = now.Add(41 * time.Minute) {
				cut := wallclock.ExpiredBefore(now, loc)
				w := wallclock.Of(now, loc)
				require.False(t, cut.After(w), "%s at %s", zone, now)
				require.LessOrEqual(t, w.Sub(cut), 25*time.Hour, "%s at %s", zone, now) // Samoa's skipped day
				for d := time.Microsecond; d <= 3*time.Hour; d += 13 * time.Minute {
					require.True(t, wallclock.Instant(cut.Add(-d), loc).Before(now), "%s at %s: %s before the cutoff", zone, now, d)
				}
			}
		}
	}
}

// zones are checked against Node.js: with and without daylight saving time,
// changes by 30 minutes, a negative one, a skipped day, a 2-hour one.
var zones = []string{"UTC", "Asia/Tokyo", "Asia/Kolkata", "Pacific/Auckland", "Pacific/Chatham",
	"America/New_York", "America/Sao_Paulo", "Europe/London", "Europe/Dublin", "Australia/Lord_Howe",
	"Pacific/Apia", "Antarctica/Troll"}

// TestAgreesWithNode compares Instant and Of with what JavaScript's Date
// does in Node.js (testdata/dates.js) with TZ set to each zone: every
// quarter hour around every change of UTC offset from 1900 to 2060, and a
// spread of other times.
func TestAgreesWithNode(t *testing.T) {
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatal("node is not on PATH: install Node.js (Debian/Ubuntu: apt-get install nodejs, or run scripts/setup.sh)")
	}
	from := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(2060, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, zone := range zones {
		t.Run(zone, func(t *testing.T) {
			t.Parallel()
			loc := load(t, zone)
			var walls, instants []time.Time
			probe := func(at time.Time) {
				instants = append(instants, at)
				w := wallclock.Of(at, loc)
				walls = append(walls, w, w.Add(-time.Hour), w.Add(time.Hour))
			}
			changes := 0
			for at := from; at.Before(to); at = at.Add(time.Hour) {
				if offsetAt(at, loc) == offsetAt(at.Add(time.Hour), loc) {
					continue
				}
				change := at // the offset changes within the hour after at
				for offsetAt(change, loc) == offsetAt(at, loc) {
					change = change.Add(time.Minute)
				}
				changes++
				for d := -3 * time.Hour; d <= 3*time.Hour; d += 15 * time.Minute {
					probe(change.Add(d))
				}
				probe(change.Add(-time.Millisecond))
			}
			for at := from; at.Before(to); at = at.Add(1009*time.Hour + 17*time.Minute + 123*time.Millisecond) {
				probe(at)
			}
			node := runNode(t, zone, walls, instants)
			for i, w := range walls {
				want := time.UnixMilli(node.Walls[i]).UTC()
				require.Equal(t, want, wallclock.Instant(w, loc), "%s: Instant(%s)", zone, w.Format("2006-01-02 15:04:05.000"))
			}
			for i, at := range instants {
				f := node.Instants[i]
				want := time.Date(f[0], time.Month(f[1]), f[2], f[3], f[4], f[5], f[6]*1e6, time.UTC)
				require.Equal(t, want, wallclock.Of(at, loc).Truncate(time.Millisecond), "%s: Of(%s)", zone, at)
			}
			t.Logf("%s: %d changes of offset, %d wall clocks and %d instants agree with Node.js", zone, changes, len(walls), len(instants))
		})
	}
}

func offsetAt(t time.Time, loc *time.Location) int {
	_, off := t.In(loc).Zone()
	return off
}

type nodeDates struct {
	TZ       string
	Walls    []int64
	Instants [][7]int
}

func runNode(t *testing.T, zone string, walls, instants []time.Time) nodeDates {
	t.Helper()
	var in struct {
		Walls    [][7]int `json:"walls"`
		Instants []int64  `json:"instants"`
	}
	for _, w := range walls {
		w = w.Truncate(time.Millisecond)
		in.Walls = append(in.Walls, [7]int{w.Year(), int(w.Month()), w.Day(), w.Hour(), w.Minute(), w.Second(), w.Nanosecond() / 1e6})
	}
	for _, at := range instants {
		in.Instants = append(in.Instants, at.UnixMilli())
	}
	b, err := json.Marshal(in)
	require.NoError(t, err)
	cmd := exec.CommandContext(t.Context(), "node", "testdata/dates.js")
	cmd.Env = append(os.Environ(), "TZ="+zone)
	cmd.Stdin = bytes.NewReader(b)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "node testdata/dates.js: %s", stderr.String())
	var res nodeDates
	require.NoError(t, json.Unmarshal(out, &res))
	t.Logf("Node.js's zone: %s", res.TZ) // ICU's name may be an alias (Asia/Calcutta)
	require.Len(t, res.Walls, len(walls))
	require.Len(t, res.Instants, len(instants))
	return res
}
