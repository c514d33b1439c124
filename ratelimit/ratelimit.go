// Package ratelimit limits how often a key may do something: a sign-in
// endpoint's requests per email address and per client IP, so that nobody
// can make it mail an inbox a thousand links or try sign-ins without end.
//
//	perAddress, err := ratelimit.New(3, 15*time.Minute, ratelimit.Options{})
//	if err != nil { … }
//	if ok, wait := perAddress.Allow(email); !ok {
//		w.Header().Set("Retry-After", ratelimit.RetryAfter(wait))
//		http.Error(w, "too many sign-in links asked for; try again later", http.StatusTooManyRequests)
//		return
//	}
//
// # What is counted
//
// A Limiter allows at most n requests per key in any period of length per
// (a sliding window, exact to the clock's resolution): the n+1th within per
// of the first is refused, with the time until the oldest of the n leaves
// the window. A refused request is not counted, so a client that keeps
// asking is allowed again as soon as the window has room.
//
// # Memory
//
// A Limiter keeps, for each key it has allowed a request within the last
// per, the times of at most n requests; keys whose requests are all older
// than per are forgotten as later calls come in, with no goroutine and
// nothing to close. Options.MaxKeys caps how many keys it keeps (DefaultMaxKeys
// unless set): at the cap, counting a new key forgets the key that was
// counted least recently, whose count starts again from zero. An attacker
// who cycles through more than MaxKeys keys within per can therefore
// reset other keys' counts, never grow the memory past the cap; a
// per-client limit in front of a per-address one makes that costly, and
// MaxKeys should be well above the keys a window sees in normal use. A key
// of 20 bytes with n = 3 takes about 210 bytes (370 with n = 10), so the
// default cap holds about 21 MB.
//
// # Several replicas
//
// A Limiter counts in the memory of one process: behind a load balancer
// with k replicas, a key gets up to k×n requests per period, and a restart
// forgets every count. To count across replicas, implement Limit over a
// store they share, such as Redis (INCR a key named after the key and the
// current period, PEXPIRE it on the first increment, refuse above n: a
// fixed window, which allows up to 2n across a window's edge), and give
// handlers a Limit rather than a *Limiter.
//
// # Client addresses
//
// ClientIP finds the client's address for a per-client key, and ClientKey
// makes the key, an IPv6 client's /64 network rather than its address;
// NetworkKey makes the key of a coarser per-network limit (a /24, a /48),
// for the clients who hold many /64s.
// Behind a reverse proxy every request comes from the proxy's address;
// see ClientIP for when X-Forwarded-For can be believed.
package ratelimit

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"
)

// ErrInvalidLimit is returned by New for a limit that allows nothing: n or
// per not positive, or a negative Options.MaxKeys.
var ErrInvalidLimit = errors.New("ratelimit: invalid limit")

// DefaultMaxKeys is how many keys a Limiter keeps when Options.MaxKeys is 0.
const DefaultMaxKeys = 100_000

// Limit is a rate limit as a handler asks it, whatever counts the requests:
// *Limiter counts in this process's memory; an implementation over a
// shared store (see the package doc) counts across replicas.
type Limit interface {
	// Take counts one request for key and reports whether it is allowed;
	// when it is not, retryAfter is how long until one would be. An error
	// (the store unreachable) leaves the decision to the caller: refusing
	// keeps the limit, allowing keeps the site up.
	Take(ctx context.Context, key string) (ok bool, retryAfter time.Duration, err error)
}

// Options are a Limiter's settings; the zero value means the defaults.
type Options struct {
	// MaxKeys caps how many keys the Limiter keeps (DefaultMaxKeys if 0);
	// the package doc says what happens at the cap.
	MaxKeys int
	// Now is the clock (time.Now if nil); tests set it to move time
	// without sleeping.
	Now func() time.Time
}

// Limiter allows at most n requests per key in any period of length per,
// in memory (see the package doc). It is safe for concurrent use. Make one
// with New.
type Limiter struct {
	n       int
	per     time.Duration
	maxKeys int
	now     func() time.Time

	mu   sync.Mutex
	keys map[string]*list.Element // of *counter
	// recent holds the counters, the one whose last allowed request is the
	// most recent first.
	recent list.List
}

// counter is the requests a Limiter allowed for one key within per.
type counter struct {
	key string
	// times are the allowed requests' times, at most n; once it is full,
	// oldest is the index of the earliest, where the next one goes.
	times  []time.Time
	oldest int
}

// last returns the time of the most recent allowed request.
func (c *counter) last() time.Time {
	if len(c.times) < cap(c.times) {
		return c.times[len(c.times)-1]
	}
	return c.times[(c.oldest+len(c.times)-1)%len(c.times)]
}

// New returns a Limiter that allows n requests per key in any period of
// length per, or ErrInvalidLimit if n or per is not positive or
// opts.MaxKeys is negative.
func New(n int, per time.Duration, opts Options) (*Limiter, error) {
	if n <= 0 || per <= 0 || opts.MaxKeys < 0 {
		return nil, fmt.Errorf("%w: %d per %v with MaxKeys %d (n and per must be positive, MaxKeys not negative)", ErrInvalidLimit, n, per, opts.MaxKeys)
	}
	l := &Limiter{n: n, per: per, maxKeys: opts.MaxKeys, now: opts.Now, keys: map[string]*list.Element{}}
	if l.maxKeys == 0 {
		l.maxKeys = DefaultMaxKeys
	}
	if l.now == nil {
		l.now = time.Now
	}
	return l, nil
}

// Allow counts one request for key and reports whether it is allowed;
// when it is not, retryAfter is how long until one would be, and the
// request is not counted.
func (l *Limiter) Allow(key string) (ok bool, retryAfter time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.forgetIdle(now)
	e, found := l.keys[key]
	if !found {
		if len(l.keys) >= l.maxKeys {
			l.remove(l.recent.Back())
		}
		c := &counter{key: key, times: make([]time.Time, 0, l.n)}
		c.times = append(c.times, now)
		l.keys[key] = l.recent.PushFront(c)
		return true, 0
	}
	c := e.Value.(*counter)
	if len(c.times) < l.n {
		c.times = append(c.times, now)
	} else {
		if age := now.Sub(c.times[c.oldest]); age < l.per {
			return false, l.per - age
		}
		c.times[c.oldest] = now
		c.oldest = (c.oldest + 1) % l.n
	}
	l.recent.MoveToFront(e)
	return true, 0
}

// Take is Allow as a Limit: it never returns an error, and ctx is unused.
func (l *Limiter) Take(_ context.Context, key string) (ok bool, retryAfter time.Duration, err error) {
	ok, retryAfter = l.Allow(key)
	return ok, retryAfter, nil
}

// Len returns how many keys the Limiter keeps: those with a request
// allowed within the last per, at most MaxKeys (keys that went idle are
// forgotten on the next Allow).
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.keys)
}

// forgetIdle removes the keys whose last allowed request is per or more
// before now, from the least recent on. l.mu is held.
func (l *Limiter) forgetIdle(now time.Time) {
	for e := l.recent.Back(); e != nil; e = l.recent.Back() {
		if now.Sub(e.Value.(*counter).last()) < l.per {
			return
		}
		l.remove(e)
	}
}

// remove forgets the key of e. l.mu is held.
func (l *Limiter) remove(e *list.Element) {
	delete(l.keys, l.recent.Remove(e).(*counter).key)
}

// RetryAfter returns d as a Retry-After header's value: whole seconds,
// rounded up, at least 1.
func RetryAfter(d time.Duration) string {
	s := (d + time.Second - 1) / time.Second
	return strconv.FormatInt(int64(max(s, 1)), 10)
}
