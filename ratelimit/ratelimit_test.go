package ratelimit_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"net/netip"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth/ratelimit"
)

// clock is a time the test moves by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func newLimiter(t *testing.T, n int, per time.Duration, opts ratelimit.Options) *ratelimit.Limiter {
	t.Helper()
	l, err := ratelimit.New(n, per, opts)
	require.NoError(t, err)
	return l
}

// allowed fails the test unless Allow(key) is ok.
func allowed(t *testing.T, l *ratelimit.Limiter, key string) {
	t.Helper()
	ok, wait := l.Allow(key)
	require.True(t, ok, "%s refused, retry after %v", key, wait)
	require.Zero(t, wait)
}

// refused fails the test unless Allow(key) is refused with retry after
// wait.
func refused(t *testing.T, l *ratelimit.Limiter, key string, wait time.Duration) {
	t.Helper()
	ok, got := l.Allow(key)
	require.False(t, ok, "%s allowed", key)
	require.Equal(t, wait, got, "retry after")
}

// TestAllow: n requests in any period of length per, a sliding window:
// the n+1th is refused until the oldest has left it, refused requests are
// not counted, and each key has its own count.
func TestAllow(t *testing.T) {
	t.Parallel()
	c := newClock()
	l := newLimiter(t, 3, 15*time.Minute, ratelimit.Options{Now: c.Now})

	allowed(t, l, "alice") // 0:00
	c.advance(5 * time.Minute)
	allowed(t, l, "alice") // 0:05
	c.advance(5 * time.Minute)
	allowed(t, l, "alice") // 0:10
	refused(t, l, "alice", 5*time.Minute)
	allowed(t, l, "bob")

	c.advance(5*time.Minute - time.Nanosecond) // 0:15 less 1 ns
	refused(t, l, "alice", time.Nanosecond)
	c.advance(time.Nanosecond) // 0:15: the first has left the window
	allowed(t, l, "alice")
	refused(t, l, "alice", 5*time.Minute) // the 0:05 one is next to leave

	// Refused requests were not counted: at 0:20 the 0:05 one leaves and
	// there is room for exactly one.
	c.advance(5 * time.Minute)
	allowed(t, l, "alice")
	refused(t, l, "alice", 5*time.Minute)
}

// TestOnePerPeriod: n = 1 is one request per period.
func TestOnePerPeriod(t *testing.T) {
	t.Parallel()
	c := newClock()
	l := newLimiter(t, 1, time.Minute, ratelimit.Options{Now: c.Now})
	allowed(t, l, "k")
	refused(t, l, "k", time.Minute)
	c.advance(59 * time.Second)
	refused(t, l, "k", time.Second)
	c.advance(time.Second)
	allowed(t, l, "k")
}

// TestTake: Take is Allow as a Limit, never failing.
func TestTake(t *testing.T) {
	t.Parallel()
	c := newClock()
	var limit ratelimit.Limit = newLimiter(t, 1, time.Minute, ratelimit.Options{Now: c.Now})
	ok, wait, err := limit.Take(context.Background(), "k")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Zero(t, wait)
	ok, wait, err = limit.Take(context.Background(), "k")
	require.NoError(t, err)
	assert.False(t, ok)
	assert.Equal(t, time.Minute, wait)
}

// TestConcurrent: goroutines asking at once for one key are allowed
// exactly n times in all, and for their own keys each n times.
func TestConcurrent(t *testing.T) {
	t.Parallel()
	const n, goroutines, tries = 10, 8, 200
	c := newClock()
	l := newLimiter(t, n, time.Hour, ratelimit.Options{Now: c.Now})
	var shared atomic.Int64
	own := make([]int, goroutines)
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range tries {
				if ok, _ := l.Allow("shared"); ok {
					shared.Add(1)
				}
				if ok, _ := l.Allow(fmt.Sprint("own-", g)); ok {
					own[g]++
				}
				if i%50 == 0 {
					c.advance(time.Millisecond)
				}
			}
		})
	}
	wg.Wait()
	assert.EqualValues(t, n, shared.Load())
	for g, got := range own {
		assert.Equal(t, n, got, "goroutine %d", g)
	}
	assert.Equal(t, goroutines+1, l.Len())
}

// TestForgetsIdleKeys: a key with no request allowed within per is
// forgotten on a later call, so that memory follows the keys in use.
func TestForgetsIdleKeys(t *testing.T) {
	t.Parallel()
	c := newClock()
	l := newLimiter(t, 2, time.Minute, ratelimit.Options{Now: c.Now})
	for i := range 1000 {
		allowed(t, l, fmt.Sprint("old-", i))
	}
	assert.Equal(t, 1000, l.Len())
	c.advance(30 * time.Second)
	allowed(t, l, "recent")
	assert.Equal(t, 1001, l.Len(), "nothing idle for a minute yet")
	c.advance(30 * time.Second)
	allowed(t, l, "new")
	assert.Equal(t, 2, l.Len(), "the old keys are forgotten, recent and new kept")

	// A key whose count was full is allowed again once forgotten, and
	// starts from zero.
	allowed(t, l, "new")
	refused(t, l, "new", time.Minute)
	c.advance(time.Minute)
	allowed(t, l, "other")
	assert.Equal(t, 1, l.Len())
	allowed(t, l, "new")
	allowed(t, l, "new")
}

// TestMaxKeys: at the cap, counting a new key forgets the one counted
// least recently (its count starts again), and cycling through ten times
// as many keys never grows the Limiter past the cap.
func TestMaxKeys(t *testing.T) {
	t.Parallel()
	c := newClock()
	l := newLimiter(t, 1, time.Hour, ratelimit.Options{MaxKeys: 3, Now: c.Now})
	for _, k := range []string{"a", "b", "c"} {
		allowed(t, l, k)
		c.advance(time.Second)
	}
	refused(t, l, "a", time.Hour-3*time.Second)
	allowed(t, l, "d") // forgets a, the least recently counted
	assert.Equal(t, 3, l.Len())
	refused(t, l, "b", time.Hour-2*time.Second) // b, c and d are kept
	refused(t, l, "c", time.Hour-time.Second)
	refused(t, l, "d", time.Hour)
	allowed(t, l, "a") // a's count started again

	big := newLimiter(t, 5, time.Hour, ratelimit.Options{MaxKeys: 100, Now: c.Now})
	for i := range 1000 {
		allowed(t, big, fmt.Sprint("attacker-", i))
		require.LessOrEqual(t, big.Len(), 100)
	}
	assert.Equal(t, 100, big.Len())
}

// TestNewInvalid: a limit that allows nothing is ErrInvalidLimit.
func TestNewInvalid(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		n    int
		per  time.Duration
		opts ratelimit.Options
	}{
		{0, time.Minute, ratelimit.Options{}},
		{-1, time.Minute, ratelimit.Options{}},
		{1, 0, ratelimit.Options{}},
		{1, -time.Second, ratelimit.Options{}},
		{1, time.Minute, ratelimit.Options{MaxKeys: -1}},
	} {
		l, err := ratelimit.New(tc.n, tc.per, tc.opts)
		assert.ErrorIs(t, err, ratelimit.ErrInvalidLimit, "%+v", tc)
		assert.Nil(t, l)
	}
}

// TestRetryAfter: whole seconds, rounded up, at least 1.
func TestRetryAfter(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{
		0:                       "1",
		time.Nanosecond:         "1",
		time.Second:             "1",
		time.Second + 1:         "2",
		15 * time.Minute:        "900",
		15*time.Minute - 999999: "900",
	} {
		assert.Equal(t, want, ratelimit.RetryAfter(d), "%v", d)
	}
}

// TestClientIP: the connection's address unless proxies are trusted, then
// the entry of X-Forwarded-For that the outermost trusted proxy wrote,
// never one further left; anything else is ErrNoClientIP.
func TestClientIP(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		remote  string
		xff     []string
		proxies int
		want    string // "" for ErrNoClientIP
	}{
		{"remote IPv4", "192.0.2.1:4711", nil, 0, "192.0.2.1"},
		{"remote IPv6", "[2001:db8::1]:4711", nil, 0, "2001:db8::1"},
		{"remote IPv4 in IPv6", "[::ffff:192.0.2.1]:4711", nil, 0, "192.0.2.1"},
		{"remote zone dropped", "[fe80::1%eth0]:4711", nil, 0, "fe80::1"},
		{"remote without port", "192.0.2.1", nil, 0, "192.0.2.1"},
		{"forged header ignored without proxies", "192.0.2.1:4711", []string{"203.0.113.9"}, 0, "192.0.2.1"},
		{"unix socket", "@", nil, 0, ""},
		{"one proxy", "10.0.0.1:80", []string{"203.0.113.9"}, 1, "203.0.113.9"},
		{"one proxy, client's own entries left of it", "10.0.0.1:80", []string{"198.51.100.7, 203.0.113.9"}, 1, "203.0.113.9"},
		{"two proxies", "10.0.0.1:80", []string{"198.51.100.7, 203.0.113.9, 10.0.0.2"}, 2, "203.0.113.9"},
		{"header lines joined", "10.0.0.1:80", []string{"198.51.100.7", "203.0.113.9"}, 1, "203.0.113.9"},
		{"entry with port", "10.0.0.1:80", []string{"[2001:db8::9]:4711"}, 1, "2001:db8::9"},
		{"no header", "10.0.0.1:80", nil, 1, ""},
		{"fewer entries than proxies", "10.0.0.1:80", []string{"203.0.113.9"}, 2, ""},
		{"garbage entry", "10.0.0.1:80", []string{"unknown"}, 1, ""},
		{"negative proxies", "192.0.2.1:4711", nil, -1, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tc.remote
			for _, v := range tc.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			ip, err := ratelimit.ClientIP(r, tc.proxies)
			if tc.want == "" {
				assert.ErrorIs(t, err, ratelimit.ErrNoClientIP)
				assert.False(t, ip.IsValid())
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, ip.String())
		})
	}
}

// TestClientKey: IPv4 addresses as they are, IPv6 by their /64.
func TestClientKey(t *testing.T) {
	t.Parallel()
	for ip, want := range map[string]string{
		"192.0.2.1":                  "192.0.2.1",
		"::ffff:192.0.2.1":           "192.0.2.1",
		"2001:db8:1:2:3:4:5:6":       "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff::1":       "2001:db8:1:2::/64",
		"2001:db8:1:3::1":            "2001:db8:1:3::/64",
		"::1":                        "::/64",
		"fe80::1%eth0":               "fe80::/64",
		"2001:db8:ffff:ffff:1:2:3:4": "2001:db8:ffff:ffff::/64",
	} {
		assert.Equal(t, want, ratelimit.ClientKey(netip.MustParseAddr(ip)), ip)
	}
	assert.Equal(t, "invalid IP", ratelimit.ClientKey(netip.Addr{}))
}

// TestNetworkKey: IPv4 addresses by their /24, IPv6 by their /48, so
// that every address and /64 of one network shares a key.
func TestNetworkKey(t *testing.T) {
	t.Parallel()
	for ip, want := range map[string]string{
		"192.0.2.1":                  "192.0.2.0/24",
		"192.0.2.254":                "192.0.2.0/24",
		"::ffff:192.0.2.1":           "192.0.2.0/24",
		"198.51.100.7":               "198.51.100.0/24",
		"2001:db8:1:2:3:4:5:6":       "2001:db8:1::/48",
		"2001:db8:1:ffff::1":         "2001:db8:1::/48",
		"2001:db8:2::1":              "2001:db8:2::/48",
		"::1":                        "::/48",
		"fe80::1%eth0":               "fe80::/48",
		"2001:db8:ffff:ffff:1:2:3:4": "2001:db8:ffff::/48",
	} {
		assert.Equal(t, want, ratelimit.NetworkKey(netip.MustParseAddr(ip)), ip)
	}
	assert.Equal(t, "invalid IP", ratelimit.NetworkKey(netip.Addr{}))
	// A network's clients have keys of their own, and one network key.
	a, b := netip.MustParseAddr("2001:db8:1:2::1"), netip.MustParseAddr("2001:db8:1:3::1")
	assert.NotEqual(t, ratelimit.ClientKey(a), ratelimit.ClientKey(b))
	assert.Equal(t, ratelimit.NetworkKey(a), ratelimit.NetworkKey(b))
}

// TestErrorsSayWhat: the errors wrap their sentinel and say what was
// wrong.
func TestErrorsSayWhat(t *testing.T) {
	t.Parallel()
	_, err := ratelimit.New(0, time.Minute, ratelimit.Options{})
	assert.Contains(t, err.Error(), "0 per 1m0s")
	r := httptest.NewRequest("GET", "/", nil)
	_, err = ratelimit.ClientIP(r, 2)
	assert.True(t, errors.Is(err, ratelimit.ErrNoClientIP))
	assert.Contains(t, err.Error(), "fewer than the 2 trusted proxies")
}
