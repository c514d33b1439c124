package cleanup_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/cleanup"
	"github.com/gormauth/gormauth/internal/harness/testdb"
	legacy "github.com/gormauth/gormauth/internal/legacy73"
	"github.com/gormauth/gormauth/models"
	"github.com/gormauth/gormauth/repository"
)

// TestMain gives each test its own database (testdb) and the Examples
// theirs in DATABASE_URL.
func TestMain(m *testing.M) { testdb.MainWithDatabase(m, "DATABASE_URL") }

// start is the instant the test clocks begin at.
var start = testdb.Start

// env is one test's database with two repositories: seed, whose clock stays
// at start, makes rows; repo, whose clock the test moves, cleans up.
type env struct {
	db    *gorm.DB
	seed  *legacy.Repository
	repo  *legacy.Repository
	clock *testdb.Clock
	users int
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{db: testdb.Open(t), clock: testdb.NewClock(start)}
	require.NoError(t, gormauth.AutoMigrate(context.Background(), e.db, gormauth.Beta73))
	e.seed = legacy.New(e.db, legacy.Options{Now: func() time.Time { return start }})
	e.repo = legacy.New(e.db, legacy.Options{Now: e.clock.Now})
	return e
}

// mustRows creates n sessions (each of a new user) and n sign-in tokens
// with r, and so with r's clock.
func (e *env) mustRows(t *testing.T, r *legacy.Repository, n int) {
	t.Helper()
	ctx := context.Background()
	for i := 0; i < n; i++ {
		e.users++
		email := fmt.Sprintf("u%d@example.com", e.users)
		u := &models.User{Email: &email}
		require.NoError(t, r.Users.Create(ctx, u))
		_, err := r.Sessions.Create(ctx, u.ID)
		require.NoError(t, err)
		tok, err := legacy.NewToken()
		require.NoError(t, err)
		_, err = r.Verifications.Create(ctx, legacy.SignInToken{Identifier: email, Token: tok, Secret: "s3cret"}, 0)
		require.NoError(t, err)
	}
}

// count returns the rows of table.
func (e *env) count(t *testing.T, table string) int64 {
	t.Helper()
	var n int64
	require.NoError(t, e.db.Table(table).Count(&n).Error)
	return n
}

func TestOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	e.mustRows(t, e.seed, 3) // expire start + 30 days and start + 1 day
	e.clock.Advance(legacy.DefaultMaxAge + time.Second)
	e.mustRows(t, e.repo, 2) // fresh

	t.Run("DeletesExpired", func(t *testing.T) {
		res := cleanup.Once(ctx, e.repo, 0)
		require.NoError(t, res.Err)
		assert.Equal(t, int64(3), res.Sessions)
		assert.Equal(t, int64(3), res.Verifications)
		assert.False(t, res.Start.IsZero())
		assert.Positive(t, res.Duration)
		assert.Equal(t, int64(2), e.count(t, "sessions"))
		assert.Equal(t, int64(2), e.count(t, "verification_requests"))
	})
	t.Run("NothingLeft", func(t *testing.T) {
		res := cleanup.Once(ctx, e.repo, 0)
		require.NoError(t, res.Err)
		assert.Zero(t, res.Sessions)
		assert.Zero(t, res.Verifications)
	})
	t.Run("SignInTokensExpireFirst", func(t *testing.T) {
		// The fresh rows' tokens live a day, their sessions 30 days.
		e.clock.Advance(legacy.DefaultVerificationMaxAge + time.Second)
		res := cleanup.Once(ctx, e.repo, 0)
		require.NoError(t, res.Err)
		assert.Zero(t, res.Sessions)
		assert.Equal(t, int64(2), res.Verifications)
	})
	t.Run("Batches", func(t *testing.T) {
		e.mustRows(t, e.seed, 5)
		res := cleanup.Once(ctx, e.repo, 2)
		require.NoError(t, res.Err)
		assert.Equal(t, int64(5), res.Sessions)
		assert.Equal(t, int64(5), res.Verifications)
	})
	t.Run("Cancelled", func(t *testing.T) {
		e.mustRows(t, e.seed, 1)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		res := cleanup.Once(cctx, e.repo, 0)
		assert.ErrorIs(t, res.Err, context.Canceled)
		assert.Zero(t, res.Sessions)
		assert.Equal(t, int64(3), e.count(t, "sessions"), "nothing deleted")
	})
	t.Run("ErrorThenGoesOn", func(t *testing.T) {
		require.NoError(t, e.db.Exec(`ALTER TABLE sessions RENAME TO sessions_away`).Error)
		res := cleanup.Once(ctx, e.repo, 0)
		require.NoError(t, e.db.Exec(`ALTER TABLE sessions_away RENAME TO sessions`).Error)
		assert.ErrorContains(t, res.Err, "Sessions.DeleteExpired")
		assert.Equal(t, int64(1), res.Verifications, "the sign-in tokens are cleaned up all the same")
	})
}

// TestOnceLocation: with the columns holding Auckland's wall clock (beside
// NextAuth.js running there), what has expired in absolute terms is
// deleted, and what has not is kept, to the microsecond.
func TestOnceLocation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	auckland, err := time.LoadLocation("Pacific/Auckland")
	require.NoError(t, err)
	e := newEnv(t)
	seed := legacy.New(e.db, legacy.Options{Now: func() time.Time { return start }, Location: auckland})
	repo := legacy.New(e.db, legacy.Options{Now: e.clock.Now, Location: auckland})
	e.mustRows(t, seed, 2) // expire start + 30 days (sessions) and start + 1 day (tokens)

	e.clock.Advance(legacy.DefaultVerificationMaxAge) // the tokens' last valid instant
	res := cleanup.Once(ctx, repo, 0)
	require.NoError(t, res.Err)
	assert.Zero(t, res.Verifications, "valid while now ≤ expires")
	e.clock.Advance(time.Microsecond)
	res = cleanup.Once(ctx, repo, 0)
	require.NoError(t, res.Err)
	assert.Equal(t, int64(2), res.Verifications)
	assert.Zero(t, res.Sessions)

	// Read as UTC, Auckland's wall clock is 13 hours ahead: a repository
	// without Location would keep the expired sessions half a day.
	e.clock.Advance(legacy.DefaultMaxAge - legacy.DefaultVerificationMaxAge)
	res = cleanup.Once(ctx, legacy.New(e.db, legacy.Options{Now: e.clock.Now}), 0)
	require.NoError(t, res.Err)
	assert.Zero(t, res.Sessions, "UTC's view: not yet expired")
	res = cleanup.Once(ctx, repo, 0)
	require.NoError(t, res.Err)
	assert.Equal(t, int64(2), res.Sessions)
}

func TestRun(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.mustRows(t, e.seed, 2)
	e.clock.Advance(legacy.DefaultMaxAge + time.Second)

	results := make(chan cleanup.Result, 100)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- cleanup.Run(ctx, e.repo, cleanup.Options{
			Interval: 50 * time.Millisecond,
			OnResult: func(r cleanup.Result) { results <- r },
		})
	}()
	next := func() cleanup.Result {
		t.Helper()
		select {
		case r := <-results:
			return r
		case <-time.After(10 * time.Second):
			t.Fatal("no pass within 10 s")
			return cleanup.Result{}
		}
	}

	first := next()
	require.NoError(t, first.Err)
	assert.Equal(t, int64(2), first.Sessions)
	assert.Equal(t, int64(2), first.Verifications)

	// Rows that appear after a pass are cleaned up by a later one.
	e.mustRows(t, e.seed, 3)
	var total cleanup.Result
	for total.Sessions < 3 {
		r := next()
		require.NoError(t, r.Err)
		total.Sessions += r.Sessions
		total.Verifications += r.Verifications
	}
	assert.Equal(t, int64(3), total.Sessions)
	assert.Equal(t, int64(3), total.Verifications)

	// A failing pass does not stop the loop.
	require.NoError(t, e.db.Exec(`ALTER TABLE verification_requests RENAME TO away`).Error)
	for r := next(); r.Err == nil; r = next() {
	}
	require.NoError(t, e.db.Exec(`ALTER TABLE away RENAME TO verification_requests`).Error)
	for r := next(); r.Err != nil; r = next() {
	}

	cancel()
	select {
	case err := <-done:
		assert.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after ctx was cancelled")
	}
}

func TestRunStopsAtOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	called := false
	err := cleanup.Run(ctx, e.repo, cleanup.Options{OnResult: func(cleanup.Result) { called = true }})
	assert.NoError(t, err)
	assert.False(t, called, "no pass after ctx is done")
}

func TestRunInvalidOptions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	assert.ErrorContains(t, cleanup.Run(ctx, (*legacy.Repository)(nil), cleanup.Options{}), "nil repository")
	assert.ErrorContains(t, cleanup.Run(ctx, (*repository.Repository)(nil), cleanup.Options{}), "nil repository")
	e := newEnv(t)
	assert.ErrorContains(t, cleanup.Run(ctx, e.repo, cleanup.Options{Interval: -time.Second}), "negative")
	assert.ErrorContains(t, cleanup.Run(ctx, e.repo, cleanup.Options{BatchSize: -1}), "negative")
}

func TestRunLogsFailures(t *testing.T) {
	// Not parallel: it swaps slog.Default.
	var buf bytes.Buffer
	var mu sync.Mutex
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return buf.Write(p)
	}), nil)))
	t.Cleanup(func() { slog.SetDefault(old) })
	logged := func() string {
		mu.Lock()
		defer mu.Unlock()
		return buf.String()
	}

	e := newEnv(t)
	require.NoError(t, e.db.Exec(`DROP TABLE sessions`).Error)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- cleanup.Run(ctx, e.repo, cleanup.Options{Interval: time.Hour}) }()
	require.Eventually(t, func() bool { return logged() != "" }, 10*time.Second, 10*time.Millisecond)
	cancel()
	require.NoError(t, <-done)
	assert.Contains(t, logged(), "cleanup: pass failed")
	assert.Contains(t, logged(), "Sessions.DeleteExpired")
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
