package testdb

import (
	"sync"
	"time"
)

// Start is the instant test clocks begin at unless told otherwise.
var Start = time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC)

// Clock is a test clock that moves only when told, so that expiry is tested
// without sleeping. Pass its Now as repository.Options.Now. It is safe for
// concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a Clock at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
