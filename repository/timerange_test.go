package repository_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/internal/harness/authjsnode"
	"github.com/gormauth/gormauth/internal/wallclock"
	"github.com/gormauth/gormauth/repository"
)

// jsISO prints t as JavaScript's toISOString does: milliseconds, UTC, and
// six digits with a sign for a year outside 0000 to 9999.
func jsISO(t time.Time) string {
	t = t.UTC()
	year := fmt.Sprintf("%04d", t.Year())
	if y := t.Year(); y < 0 || y > 9999 {
		year = fmt.Sprintf("%+07d", y)
	}
	return year + t.Format("-01-02T15:04:05.000Z")
}

// parseJSISO reads what jsISO prints.
func parseJSISO(t *testing.T, s string) time.Time {
	t.Helper()
	var y, mo, d, h, mi, sec, milli int
	_, err := fmt.Sscanf(s, "%d-%d-%dT%d:%d:%d.%dZ", &y, &mo, &d, &h, &mi, &sec, &milli)
	require.NoError(t, err, "%q", s)
	at := time.Date(y, time.Month(mo), d, h, mi, sec, milli*1e6, time.UTC)
	require.Equal(t, s, jsISO(at))
	return at
}

func TestJSISO(t *testing.T) {
	for s, at := range map[string]time.Time{
		"2026-01-02T03:04:05.678Z":    time.Date(2026, 1, 2, 3, 4, 5, 678e6, time.UTC),
		"0000-06-01T00:00:00.000Z":    time.Date(0, 6, 1, 0, 0, 0, 0, time.UTC),
		"-004713-11-24T00:00:00.000Z": time.Date(-4713, 11, 24, 0, 0, 0, 0, time.UTC),
		"+275760-09-13T00:00:00.000Z": wallclock.JSMax,
	} {
		assert.Equal(t, s, jsISO(at))
		assert.Equal(t, at, parseJSISO(t, s))
	}
}

// timeProbes are instants that show where each flavour's adapter stops
// writing and reading back a time: around years 0, 1, 100, 9999 and 10000,
// BC years, and the ends of a timestamp column and of a JavaScript Date.
var timeProbes = []time.Time{
	time.Date(-4713, 11, 24, 0, 0, 0, 0, time.UTC),       // the column's first instant (4714 BC)
	time.Date(-99, 6, 1, 12, 0, 0, 0, time.UTC),          // 100 BC
	time.Date(0, 6, 1, 0, 0, 0, 0, time.UTC),             // 1 BC, year 0
	time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC),             // year 1
	time.Date(50, 6, 1, 0, 0, 0, 0, time.UTC),            // a two-digit year
	time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC),          //
	time.Date(9999, 12, 31, 23, 59, 59, 999e6, time.UTC), // the last millisecond of year 9999
	time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),         // year 10000
	time.Date(100000, 1, 1, 0, 0, 0, 0, time.UTC),        //
	wallclock.JSMax,                                       // the last instant of a Date
	wallclock.JSMax.Add(time.Millisecond),                 // past it: the case was 1 s past
	time.Date(-4713, 11, 23, 23, 59, 59, 999e6, time.UTC), // before the column's first instant
}

// TestAdapterTimeRange measures, with the real adapter of each flavour,
// which instants it writes (createUser) and reads back (getUser) as the
// same Date, and checks that they are exactly the flavour's TimeRange: at
// its edges (the first and last instants inside round-trip, one millisecond
// outside does not) and at timeProbes. Go accepts the same instants and
// refuses the others with ErrInvalidInput, and each side reads what the
// other wrote inside the range. Node.js runs in UTC, and in Auckland with
// the database's sessions in New York.
func TestAdapterTimeRange(t *testing.T) {
	t.Parallel()
	installNode(t)
	for _, zoned := range []bool{false, true} {
		for _, f := range gormauth.AuthJSFlavours() {
			t.Run(fmt.Sprintf("%s/zoned=%v", f.Name(), zoned), func(t *testing.T) {
				t.Parallel()
				adapterTimeRange(t, newSide(t, f, zoned))
			})
		}
	}
}

func adapterTimeRange(t *testing.T, s *side) {
	ctx := context.Background()
	first, last := s.f.TimeRange()
	probes := append([]time.Time{first, last, first.Add(-time.Millisecond), last.Truncate(time.Millisecond).Add(time.Millisecond)}, timeProbes...)
	inside := func(at time.Time) bool { return !at.Before(first) && !at.After(last) }
	// same reports whether the adapter read at back. node-postgres drops
	// the seconds of a UTC offset, in what it writes (Node.js's zone) and
	// in what it reads (the database session's): before a zone kept
	// standard time (1868 in Auckland, 1883 in New York) its offset has
	// seconds, and pg reads every time of those years seconds off, those
	// its adapter wrote as those Go wrote. That is no edge of the range.
	// (Writing 1 ms before the column's first instant then succeeds too,
	// seconds later.)
	lmt := func(at time.Time) bool { return s.f == gormauth.Pg && s.nodeTZ != "" && at.Year() < 1883 }
	same := func(at time.Time, read any) bool {
		if read == jsISO(at) {
			return true
		}
		str, ok := read.(string)
		if !ok || !lmt(at) {
			return false
		}
		d := parseJSISO(t, str).Sub(at.Truncate(time.Millisecond)).Abs()
		return d > 0 && d < time.Minute
	}

	// Go: inside is stored, outside refused and nothing written.
	goIDs := map[int]string{}
	for i, at := range probes {
		u := &repository.User{Email: ptr(fmt.Sprintf("go%d@example.com", i)), EmailVerified: &at}
		err := s.repo.Users.Create(ctx, u)
		if !inside(at) {
			require.ErrorIs(t, err, repository.ErrInvalidInput, "Go stores %s", jsISO(at))
			assert.ErrorContains(t, err, "email verified is outside the times the "+s.f.Name()+" flavour holds")
			continue
		}
		require.NoError(t, err, "Go stores %s", jsISO(at))
		goIDs[i] = u.ID
	}
	assert.Equal(t, int64(len(goIDs)), s.count(t, s.users, ""), "Go wrote only what it accepted")

	// The real adapter writes each probe and reads it back, and reads what
	// Go wrote.
	var ops []authjsnode.Op
	for i, at := range probes {
		user := obj{"email": fmt.Sprintf("js%d@example.com", i), "emailVerified": jsISO(at)}
		if !s.f.V4() {
			user["id"] = fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
		}
		ops = append(ops, authjsnode.Op{"op": "createUser", "user": user},
			authjsnode.Op{"op": "getUser", "id": authjsnode.Ref(len(ops), "id")})
	}
	goOps := len(ops)
	for i := range probes {
		if id, ok := goIDs[i]; ok {
			ops = append(ops, authjsnode.Op{"op": "getUser", "id": id})
		}
	}
	out := s.node(t, authjsnode.OpsInput{Ops: ops})
	var measured []string
	for i, at := range probes {
		roundTrip := false
		var read any
		if created, got := out.Results[2*i], out.Results[2*i+1]; created.Error == "" && got.Error == "" {
			var u obj
			require.NoError(t, got.Decode(&u))
			read = u["emailVerified"]
			roundTrip = same(at, read)
		}
		measured = append(measured, fmt.Sprintf("%s: %v", jsISO(at), roundTrip))
		if lmt(at) && !inside(at) {
			continue
		}
		assert.Equal(t, inside(at), roundTrip, "%s: the adapter writes %s and reads back %v (created: %s)",
			s.f.Name(), jsISO(at), read, out.Results[2*i].Error)
		if roundTrip && inside(at) {
			// Go reads what the adapter wrote.
			got, err := s.repo.Users.ByEmail(ctx, fmt.Sprintf("js%d@example.com", i))
			require.NoError(t, err)
			assert.True(t, same(got.EmailVerified.Truncate(time.Millisecond), read), "Go reads %s as the adapter does", jsISO(at))
		}
	}
	t.Logf("%s (Node.js in %s): the adapter round-trips %s", s.f.Name(), out.TimeZone, strings.Join(measured, ", "))
	// The adapter reads what Go wrote.
	k := goOps
	for i, at := range probes {
		if _, ok := goIDs[i]; !ok {
			continue
		}
		var u obj
		require.NoError(t, out.Results[k].Decode(&u), "getUser of Go's %s", jsISO(at))
		assert.True(t, same(at.Truncate(time.Millisecond), u["emailVerified"]), "the adapter reads Go's %s as %v", jsISO(at), u["emailVerified"])
		k++
	}
}

// badClocks are values of Options.Now that no flavour's column, or no
// JavaScript Date, holds; every flavour adds the millisecond before its
// first instant and after its last.
var badClocks = map[string]time.Time{
	"year 294276":      time.Date(294276, 6, 1, 0, 0, 0, 0, time.UTC),
	"year 300000":      time.Date(300000, 1, 1, 0, 0, 0, 0, time.UTC),
	"year -5000":       time.Date(-5000, 1, 1, 0, 0, 0, 0, time.UTC),
	"just past a Date": wallclock.JSMax.Add(time.Millisecond),
	"far before":       time.Unix(-1<<62, 0),
	"maximum time":     time.Unix(1<<63-1-62135596800, 999999999),
}

// clockOps are the operations that read Options.Now, each called with
// arguments that would succeed with a good clock.
var clockOps = map[string]func(ctx context.Context, r *repository.Repository, d *clockData) error{
	"Users.Create": func(ctx context.Context, r *repository.Repository, d *clockData) error {
		return r.Users.Create(ctx, &repository.User{Email: ptr("new@example.com")})
	},
	"Users.Update": func(ctx context.Context, r *repository.Repository, d *clockData) error {
		u := *d.user
		u.Name = ptr("Renamed")
		return r.Users.Update(ctx, &u)
	},
	"Accounts.Link": func(ctx context.Context, r *repository.Repository, d *clockData) error {
		return r.Accounts.Link(ctx, &repository.Account{UserID: d.user.ID, Type: "oauth", Provider: "github", ProviderAccountID: "new"})
	},
	"Accounts.UpdateTokens": func(ctx context.Context, r *repository.Repository, d *clockData) error {
		_, err := r.Accounts.UpdateTokens(ctx, repository.AccountKey{Provider: "github", ProviderAccountID: "clock"}, repository.Tokens{AccessToken: "new"})
		return err
	},
	"Sessions.Create": func(ctx context.Context, r *repository.Repository, d *clockData) error {
		_, err := r.Sessions.Create(ctx, d.user.ID)
		return err
	},
	"Sessions.ByToken": func(ctx context.Context, r *repository.Repository, d *clockData) error {
		_, err := r.Sessions.ByToken(ctx, d.session.SessionToken)
		return err
	},
	"Sessions.ByAccessToken": func(ctx context.Context, r *repository.Repository, d *clockData) error {
		_, err := r.Sessions.ByAccessToken(ctx, *d.session.AccessToken) // beta.73's sessions alone have one
		return err
	},
	"Sessions.WithUser": func(ctx context.Context, r *repository.Repository, d *clockData) error {
		_, err := r.Sessions.WithUser(ctx, d.session.SessionToken)
		return err
	},
	"Authenticate": func(ctx context.Context, r *repository.Repository, d *clockData) error {
		_, _, err := r.Authenticate(ctx, d.session.SessionToken)
		return err
	},
	"Sessions.Refresh": func(ctx context.Context, r *repository.Repository, d *clockData) error {
		_, err := r.Sessions.Refresh(ctx, d.session)
		return err
	},
	"Sessions.ForceRefresh": func(ctx context.Context, r *repository.Repository, d *clockData) error {
		return r.Sessions.ForceRefresh(ctx, d.session)
	},
	"Sessions.ListByUser": func(ctx context.Context, r *repository.Repository, d *clockData) error {
		_, err := r.Sessions.ListByUser(ctx, d.user.ID)
		return err
	},
	"Sessions.DeleteExpired": func(ctx context.Context, r *repository.Repository, d *clockData) error {
		_, err := r.Sessions.DeleteExpired(ctx, 0)
		return err
	},
	"Verifications.Create": func(ctx context.Context, r *repository.Repository, d *clockData) error {
		_, err := r.Verifications.Create(ctx, repository.SignInToken{Identifier: "new@example.com", Token: "new-token"}, 0)
		return err
	},
	"Verifications.Replace": func(ctx context.Context, r *repository.Repository, d *clockData) error {
		_, err := r.Verifications.Replace(ctx, repository.SignInToken{Identifier: "replaced@example.com", Token: "replace-token"}, 0)
		return err
	},
	"Verifications.Find": func(ctx context.Context, r *repository.Repository, d *clockData) error {
		_, err := r.Verifications.Find(ctx, d.token)
		return err
	},
	"Verifications.Use": func(ctx context.Context, r *repository.Repository, d *clockData) error {
		_, err := r.Verifications.Use(ctx, d.token)
		return err
	},
	"Verifications.DeleteExpired": func(ctx context.Context, r *repository.Repository, d *clockData) error {
		_, err := r.Verifications.DeleteExpired(ctx, 0)
		return err
	},
	"SignInOAuth": func(ctx context.Context, r *repository.Repository, d *clockData) error {
		_, err := r.SignInOAuth(ctx, repository.OAuthSignIn{Account: repository.Account{Provider: "github", ProviderAccountID: "brand-new"},
			Email: ptr("brand-new@example.com")})
		return err
	},
	"SignInOAuth (returning)": func(ctx context.Context, r *repository.Repository, d *clockData) error {
		_, err := r.SignInOAuth(ctx, repository.OAuthSignIn{Account: repository.Account{Provider: "github", ProviderAccountID: "clock"}})
		return err
	},
	"SignInEmail": func(ctx context.Context, r *repository.Repository, d *clockData) error {
		_, err := r.SignInEmail(ctx, repository.EmailSignIn{SignInToken: d.token})
		return err
	},
}

// noClockOps are the operations that do not read the clock: they need no
// check of it. Due compares with the clock and sends nothing.
var noClockOps = []string{"Users.ByID", "Users.ByEmail", "Users.ByAccount", "Users.Delete",
	"Accounts.ByKey", "Accounts.ListByUser", "Accounts.Unlink",
	"Sessions.Delete", "Sessions.DeleteByUser", "Sessions.DeleteByHandle", "Sessions.DeleteOthers", "Sessions.Due",
	"Verifications.Delete",
	"WithTx", "Transaction", "Strict", "Options", "Flavour"}

// clockData are the rows the operations of clockOps work on.
type clockData struct {
	user    *repository.User
	session *repository.Session
	token   repository.SignInToken
}

// TestEveryOperationListed: every method of the repository is in clockOps
// or noClockOps, so that a new operation cannot go untested by
// TestClockOutOfRange.
func TestEveryOperationListed(t *testing.T) {
	listed := map[string]bool{}
	for name := range clockOps {
		listed[strings.TrimSuffix(name, " (returning)")] = true
	}
	for _, name := range noClockOps {
		listed[name] = true
	}
	r := &repository.Repository{}
	groups := map[string]any{"": r, "Users.": r.Users, "Accounts.": r.Accounts, "Sessions.": r.Sessions, "Verifications.": r.Verifications}
	for prefix, v := range groups {
		typ := reflect.TypeOf(v)
		for i := range typ.NumMethod() {
			name := prefix + typ.Method(i).Name
			assert.True(t, listed[name], "%s is in neither clockOps nor noClockOps", name)
		}
	}
}

// TestClockOutOfRange: with Options.Now at a time outside the flavour's
// range (or with a time derived from it, now + MaxAge, outside), every
// operation that reads the clock returns ErrInvalidInput and sends no
// statement; with a good clock the same calls succeed. Beta73 runs again
// with Options.Location in Auckland, whose first wall clock is another
// instant.
func TestClockOutOfRange(t *testing.T) {
	t.Parallel()
	eachFlavour(t, clockOutOfRange)
	t.Run("beta73/Auckland", func(t *testing.T) {
		t.Parallel()
		auckland, err := time.LoadLocation("Pacific/Auckland")
		require.NoError(t, err)
		clockOutOfRange(t, newEnv(t, gormauth.Beta73, repository.Options{Location: auckland}))
	})
}

// firstInstant is the first instant e's repository takes: its flavour's
// first; for a flavour that holds local time, the later of that and the
// instant of the column's first wall clock in Options.Location.
func firstInstant(e *env) time.Time {
	first, _ := e.f.TimeRange()
	if loc := e.repo.Options().Location; e.f.LocalTime() && loc != nil {
		if w := wallclock.Instant(wallclock.Min, loc); w.After(first) {
			return w
		}
	}
	return first
}

func clockOutOfRange(t *testing.T, e *env) {
	ctx := context.Background()
	d := &clockData{user: e.mustUser(t, "clock@example.com")}
	e.mustAccount(t, d.user, "clock")
	d.session = e.mustSession(t, d.user)
	d.token = e.mustToken(t, "clock@example.com")
	_, _, sessions, _ := e.f.Tables()
	skip := func(name string) bool { return name == "Sessions.ByAccessToken" && !e.f.Has(sessions, "access_token") }
	first, last := firstInstant(e), wallclock.JSMax
	if !e.f.LocalTime() {
		_, last = e.f.TimeRange()
	}
	clocks := map[string]time.Time{
		"1 ms before the first instant":   first.Add(-time.Millisecond),
		"1 ms after the last instant":     last.Add(time.Millisecond),
		"the session expiry (+MaxAge) is": last.Add(-repository.DefaultMaxAge + time.Millisecond),
	}
	for name, at := range badClocks {
		clocks[name] = at
	}
	before := e.snapshot(t)
	for clock, at := range clocks {
		o := e.repo.Options()
		o.Now = func() time.Time { return at }
		bad := repository.New(e.db, e.f, o)
		for name, call := range clockOps {
			if skip(name) || clock == "the session expiry (+MaxAge) is" && !strings.HasPrefix(name, "Sessions.Create") &&
				!strings.HasPrefix(name, "SignIn") && !strings.HasPrefix(name, "Sessions.Refresh") && name != "Sessions.ForceRefresh" {
				continue // the others derive no time past now
			}
			e.tracer.Reset()
			err := call(ctx, bad, d)
			assert.ErrorIs(t, err, repository.ErrInvalidInput, "%s with the clock at %s", name, clock)
			assert.ErrorContains(t, err, "Options.Now", "%s with the clock at %s", name, clock)
			assert.Empty(t, e.tracer.Statements(), "%s with the clock at %s sends nothing", name, clock)
		}
	}
	assert.Equal(t, before, e.snapshot(t), "nothing written")
	// The same calls with a good clock, in an order where each can succeed.
	for _, name := range []string{"Users.Create", "Users.Update", "Accounts.Link", "Accounts.UpdateTokens", "Sessions.Create",
		"Sessions.ByToken", "Sessions.ByAccessToken", "Sessions.WithUser", "Authenticate", "Sessions.Refresh", "Sessions.ForceRefresh",
		"Sessions.ListByUser", "Sessions.DeleteExpired", "Verifications.Create", "Verifications.Replace", "Verifications.Find", "SignInOAuth",
		"SignInOAuth (returning)", "SignInEmail", "Verifications.Use", "Verifications.DeleteExpired"} {
		if skip(name) {
			continue
		}
		err := clockOps[name](ctx, e.repo, d)
		if name == "Verifications.Use" {
			assert.ErrorIs(t, err, repository.ErrNotFound, "SignInEmail used the token")
			continue
		}
		assert.NoError(t, err, name)
	}
}

// outOfRange returns times outside what e's repository takes: a
// millisecond before its first instant and after its last, and times no
// column holds. The "pgx overflow" one overflows pgx's binary encoding
// (microseconds since 2000 wrap to 0): sent, it would be stored silently as
// 2000-01-01 00:00:00.
func outOfRange(e *env) map[string]time.Time {
	_, last := e.f.TimeRange()
	return map[string]time.Time{
		"before the first instant": firstInstant(e).Add(-time.Millisecond),
		"after the last instant":   last.Add(time.Millisecond),
		"year 300000":              time.Date(300000, 1, 1, 0, 0, 0, 0, time.UTC),
		"pgx overflow":             time.Unix(946684800+18446744073709, 551616000),
		"far before":               time.Unix(-1<<62, 0),
		"maximum duration":         time.Unix(0, 0).Add(1<<63-1).AddDate(300000, 0, 0),
	}
}

// TestOutOfRangeTimes: a time the flavour does not hold, or an expires_at
// past what its column holds, is refused with ErrInvalidInput by every
// operation that takes one, and nothing is written.
func TestOutOfRangeTimes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachFlavour(t, func(t *testing.T, e *env) {
		u := e.mustUser(t, "range@example.com")
		e.mustAccount(t, u, "range")
		key := repository.AccountKey{Provider: "github", ProviderAccountID: "range"}
		before := e.snapshot(t)
		for name, bad := range outOfRange(e) {
			err := e.repo.Users.Create(ctx, &repository.User{Email: ptr("new-" + strings.ReplaceAll(name, " ", "-") + "@example.com"), EmailVerified: &bad})
			assert.ErrorIs(t, err, repository.ErrInvalidInput, "Users.Create: %s", name)
			assert.ErrorContains(t, err, "email verified is outside the times the "+e.f.Name()+" flavour holds")
			upd := *u
			upd.EmailVerified = &bad
			assert.ErrorIs(t, e.repo.Users.Update(ctx, &upd), repository.ErrInvalidInput, "Users.Update: %s", name)
		}
		past := min(e.f.MaxExpiresAt(), 8.64e12) + 1
		assert.ErrorIs(t, e.repo.Accounts.Link(ctx, &repository.Account{UserID: u.ID, Provider: "github", ProviderAccountID: "new",
			ExpiresAt: &past}), repository.ErrInvalidInput, "Accounts.Link")
		_, err := e.repo.Accounts.UpdateTokens(ctx, key, repository.Tokens{AccessToken: "x", ExpiresAt: &past})
		assert.ErrorIs(t, err, repository.ErrInvalidInput, "Accounts.UpdateTokens")
		_, err = e.repo.SignInOAuth(ctx, repository.OAuthSignIn{Account: repository.Account{Provider: "github", ProviderAccountID: "new",
			ExpiresAt: &past}, Email: ptr("new@example.com")})
		assert.ErrorIs(t, err, repository.ErrInvalidInput, "SignInOAuth")
		assert.Equal(t, before, e.snapshot(t), "nothing written")
	})
}

// TestTimestampRange: the first and last instants a flavour takes are
// stored and read back exactly, and so are the zero time and 2000-01-01
// where they are within them; a time finer than the flavour's precision is
// rounded down and returned as stored, the caller's left alone. On
// beta.73's tables in New York (west of UTC) the first instant is that of
// the column's first wall clock there, later than UTC's.
func TestTimestampRange(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachFlavour(t, func(t *testing.T, e *env) {
		first, last := e.f.TimeRange()
		for i, at := range []time.Time{first, last, {}, time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)} {
			if at.Before(first) || at.After(last) {
				continue
			}
			u := &repository.User{Email: ptr(fmt.Sprintf("t%d@example.com", i)), EmailVerified: &at}
			require.NoError(t, e.repo.Users.Create(ctx, u), jsISO(at))
			got, err := e.repo.Users.ByID(ctx, u.ID)
			require.NoError(t, err)
			assert.True(t, at.Equal(*got.EmailVerified), "stored %s, read %s", at, got.EmailVerified)
			assert.Equal(t, at.Format(time.RFC3339Nano), got.EmailVerified.Format(time.RFC3339Nano))
		}

		fine := time.Date(2026, 5, 6, 7, 8, 9, 123456789, time.UTC)
		u := &repository.User{Email: ptr("fine@example.com"), EmailVerified: &fine}
		require.NoError(t, e.repo.Users.Create(ctx, u))
		assert.Equal(t, fine.Truncate(e.f.Precision()), *u.EmailVerified)
		assert.Equal(t, time.Date(2026, 5, 6, 7, 8, 9, 123456789, time.UTC), fine, "the caller's time is not modified")

		if !e.f.LocalTime() {
			return
		}
		newYork, err := time.LoadLocation("America/New_York")
		require.NoError(t, err)
		inNewYork := repository.New(e.db, e.f, repository.Options{Now: e.clock.Now, Location: newYork})
		nyFirst := wallclock.Instant(wallclock.Min, newYork) // 4:56:02 later: New York's local mean time
		require.True(t, nyFirst.After(first))
		err = inNewYork.Users.Create(ctx, &repository.User{EmailVerified: &first})
		assert.ErrorIs(t, err, repository.ErrInvalidInput, "UTC's first instant is before the column's first wall clock in New York")
		beforeFirst := nyFirst.Add(-time.Microsecond)
		err = inNewYork.Users.Create(ctx, &repository.User{EmailVerified: &beforeFirst})
		assert.ErrorIs(t, err, repository.ErrInvalidInput)
		ny := &repository.User{EmailVerified: &nyFirst}
		require.NoError(t, inNewYork.Users.Create(ctx, ny))
		got, err := inNewYork.Users.ByID(ctx, ny.ID)
		require.NoError(t, err)
		assert.True(t, nyFirst.Equal(*got.EmailVerified))
	})
}
