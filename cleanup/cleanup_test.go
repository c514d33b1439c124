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
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/cleanup"
	"github.com/gormauth/gormauth/internal/harness/testdb"
	"github.com/gormauth/gormauth/repository"
)

// TestMain gives each test its own database (testdb) and the Examples
// theirs in DATABASE_URL.
func TestMain(m *testing.M) { testdb.MainWithDatabase(m, "DATABASE_URL") }

// start is the instant the test clocks begin at.
var start = testdb.Start

// env is one test's database with one flavour's tables and two repositories
// on them: seed, whose clock stays at start, makes rows; repo, whose clock
// the test moves, cleans up.
type env struct {
	f     *gormauth.Flavour
	db    *gorm.DB
	seed  *repository.Repository
	repo  *repository.Repository
	clock *testdb.Clock
	// sessions and tokens are the quoted names of the flavour's sessions
	// and sign-in tokens tables.
	sessions, tokens string
	users            int
}

// newEnv makes a fresh database with f's tables (gormauth.AutoMigrate) and
// the env's repositories on it.
func newEnv(t *testing.T, f *gormauth.Flavour) *env {
	t.Helper()
	dsn := testdb.FromTemplate(t, "cleanup:"+f.Name(), func(dsn string) error {
		db, err := gorm.Open(postgres.Open(dsn), &gorm.Config{Logger: logger.Discard})
		if err != nil {
			return err
		}
		sqlDB, err := db.DB()
		if err != nil {
			return err
		}
		defer sqlDB.Close()
		return gormauth.AutoMigrate(context.Background(), db, f)
	})
	e := &env{f: f, db: testdb.OpenURL(t, dsn), clock: testdb.NewClock(start)}
	e.seed = e.repository(func() time.Time { return start }, nil)
	e.repo = e.repository(e.clock.Now, nil)
	_, _, sessions, tokens := f.Tables()
	e.sessions, e.tokens = `"`+sessions+`"`, `"`+tokens+`"`
	return e
}

// eachFlavour runs test on a fresh env of every flavour, in parallel.
func eachFlavour(t *testing.T, test func(t *testing.T, e *env)) {
	t.Helper()
	for _, f := range gormauth.Flavours() {
		t.Run(f.Name(), func(t *testing.T) {
			t.Parallel()
			test(t, newEnv(t, f))
		})
	}
}

// repository returns a repository on the env's tables with the clock now,
// holding times in loc (nil for UTC).
func (e *env) repository(now func() time.Time, loc *time.Location) *repository.Repository {
	return repository.New(e.db, e.f, repository.Options{Secret: []string{"s3cret"}, Now: now, Location: loc})
}

// mustRows creates n sessions (each of a new user) and n sign-in tokens
// with r, and so with r's clock, and returns the sessions.
func (e *env) mustRows(t *testing.T, r *repository.Repository, n int) []*repository.Session {
	t.Helper()
	ctx := context.Background()
	var made []*repository.Session
	for range n {
		e.users++
		email := fmt.Sprintf("u%d@example.com", e.users)
		u := &repository.User{Email: &email}
		require.NoError(t, r.Users.Create(ctx, u))
		s, err := r.Sessions.Create(ctx, u.ID)
		require.NoError(t, err)
		made = append(made, s)
		tok, err := repository.NewSignInToken()
		require.NoError(t, err)
		_, err = r.Verifications.Create(ctx, repository.SignInToken{Identifier: email, Token: tok}, 0)
		require.NoError(t, err)
	}
	return made
}

// count returns the rows of table (quoted).
func (e *env) count(t *testing.T, table string) int64 {
	t.Helper()
	var n int64
	require.NoError(t, e.db.Raw(`SELECT count(*) FROM `+table).Scan(&n).Error)
	return n
}

// exec runs q on the env's database.
func (e *env) exec(t *testing.T, q string) {
	t.Helper()
	require.NoError(t, e.db.Exec(q).Error)
}

func TestOnce(t *testing.T) {
	t.Parallel()
	eachFlavour(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.mustRows(t, e.seed, 3) // expire start + 30 days and start + 1 day
		e.clock.Advance(repository.DefaultMaxAge + time.Second)
		e.mustRows(t, e.repo, 2) // fresh

		t.Run("DeletesExpired", func(t *testing.T) {
			res := cleanup.Once(ctx, e.repo, 0)
			require.NoError(t, res.Err)
			assert.Equal(t, int64(3), res.Sessions)
			assert.Equal(t, int64(3), res.Verifications)
			assert.False(t, res.Start.IsZero())
			assert.Positive(t, res.Duration)
			assert.Equal(t, int64(2), e.count(t, e.sessions))
			assert.Equal(t, int64(2), e.count(t, e.tokens))
		})
		t.Run("NothingLeft", func(t *testing.T) {
			res := cleanup.Once(ctx, e.repo, 0)
			require.NoError(t, res.Err)
			assert.Zero(t, res.Sessions)
			assert.Zero(t, res.Verifications)
		})
		t.Run("SignInTokensExpireFirst", func(t *testing.T) {
			// The fresh rows' tokens live a day, their sessions 30 days.
			e.clock.Advance(repository.DefaultVerificationMaxAge + time.Second)
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
			assert.Equal(t, int64(3), e.count(t, e.sessions), "nothing deleted")
		})
		t.Run("ErrorThenGoesOn", func(t *testing.T) {
			away := `"cleanup_away"`
			e.exec(t, `ALTER TABLE `+e.sessions+` RENAME TO `+away)
			res := cleanup.Once(ctx, e.repo, 0)
			e.exec(t, `ALTER TABLE `+away+` RENAME TO `+e.sessions)
			assert.ErrorContains(t, res.Err, "Sessions.DeleteExpired")
			assert.Equal(t, int64(1), res.Verifications, "the sign-in tokens are cleaned up all the same")
		})
	})
}

// TestOnceReplicas: replicas running Once at the same time delete, and
// count, every expired row once, and none waits for rows another
// transaction holds.
func TestOnceReplicas(t *testing.T) {
	t.Parallel()
	eachFlavour(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		held := e.mustRows(t, e.seed, 4)[0]
		e.clock.Advance(repository.DefaultMaxAge + time.Second)
		e.mustRows(t, e.repo, 1) // fresh

		t.Run("SkipsLockedRows", func(t *testing.T) {
			tx := e.db.Begin()
			require.NoError(t, tx.Error)
			var one int
			require.NoError(t, tx.Raw(`SELECT 1 FROM `+e.sessions+` WHERE "`+e.f.Column("sessionToken")+`" = ? FOR UPDATE`,
				held.SessionToken).Scan(&one).Error)
			results := make(chan cleanup.Result, 1)
			done := make(chan error, 1)
			go func() {
				res := cleanup.Once(ctx, e.repo, 0)
				results <- res
				done <- res.Err
			}()
			waited, err := testdb.WaitForLockWait(t, e.db, done)
			require.NoError(t, tx.Rollback().Error)
			assert.False(t, waited, "the pass waited for the held session")
			require.NoError(t, err)
			res := <-results
			assert.Equal(t, int64(3), res.Sessions, "all but the held session")
			assert.Equal(t, int64(4), res.Verifications)

			res = cleanup.Once(ctx, e.repo, 0)
			require.NoError(t, res.Err)
			assert.Equal(t, int64(1), res.Sessions, "the next pass deletes the session once released")
		})
		t.Run("Concurrent", func(t *testing.T) {
			e.mustRows(t, e.seed, 9)
			replicas := []*repository.Repository{e.repo, e.repository(e.clock.Now, nil), e.repository(e.clock.Now, nil)}
			results := make([]cleanup.Result, len(replicas))
			var wg sync.WaitGroup
			for i, r := range replicas {
				wg.Add(1)
				go func() {
					defer wg.Done()
					results[i] = cleanup.Once(ctx, r, 1)
				}()
			}
			wg.Wait()
			var total cleanup.Result
			for _, r := range results {
				require.NoError(t, r.Err)
				total.Sessions += r.Sessions
				total.Verifications += r.Verifications
			}
			assert.Equal(t, int64(9), total.Sessions)
			assert.Equal(t, int64(9), total.Verifications)
			assert.Equal(t, int64(1), e.count(t, e.sessions), "the fresh session is kept")
			assert.Equal(t, int64(1), e.count(t, e.tokens), "the fresh sign-in token is kept")
		})
	})
}

// TestOnceLocation: what has expired by the repository's clock is deleted,
// and what has not is kept, to the flavour's precision. Where the columns
// hold a local wall clock (beta.73 beside NextAuth.js running in Auckland),
// that holds in absolute terms, with the repository's Options.Location.
func TestOnceLocation(t *testing.T) {
	t.Parallel()
	auckland, err := time.LoadLocation("Pacific/Auckland")
	require.NoError(t, err)
	eachFlavour(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		var loc *time.Location
		if e.f.LocalTime() {
			loc = auckland
		}
		seed := e.repository(func() time.Time { return start }, loc)
		repo := e.repository(e.clock.Now, loc)
		e.mustRows(t, seed, 2) // expire start + 30 days (sessions) and start + 1 day (tokens)

		e.clock.Advance(repository.DefaultVerificationMaxAge) // the tokens' last valid instant
		res := cleanup.Once(ctx, repo, 0)
		require.NoError(t, res.Err)
		assert.Zero(t, res.Verifications, "valid while now ≤ expires")
		e.clock.Advance(e.f.Precision())
		res = cleanup.Once(ctx, repo, 0)
		require.NoError(t, res.Err)
		assert.Equal(t, int64(2), res.Verifications)
		assert.Zero(t, res.Sessions)

		e.clock.Advance(repository.DefaultMaxAge - repository.DefaultVerificationMaxAge)
		if loc != nil {
			// Read as UTC, Auckland's wall clock is 13 hours ahead: a
			// repository without Location would keep the expired
			// sessions half a day.
			res = cleanup.Once(ctx, e.repository(e.clock.Now, nil), 0)
			require.NoError(t, res.Err)
			assert.Zero(t, res.Sessions, "UTC's view: not yet expired")
		}
		res = cleanup.Once(ctx, repo, 0)
		require.NoError(t, res.Err)
		assert.Equal(t, int64(2), res.Sessions)
	})
}

// TestOnceRounds: the sessions and sign-in tokens that expired by the
// repository's clock go, in batches; those still valid stay.
func TestOnceRounds(t *testing.T) {
	t.Parallel()
	eachFlavour(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		// Three sessions and sign-in tokens made at start, three an hour
		// later.
		e.mustRows(t, e.repo, 3)
		e.clock.Advance(time.Hour)
		e.mustRows(t, e.repo, 3)

		// A day and a half on, the sign-in tokens (24 hours) of both rounds
		// have expired, the sessions (30 days) have not.
		e.clock.Advance(35 * time.Hour)
		res := cleanup.Once(ctx, e.repo, 2)
		require.NoError(t, res.Err)
		assert.Equal(t, [2]int64{0, 6}, [2]int64{res.Sessions, res.Verifications})
		assert.Equal(t, [2]int64{6, 0}, [2]int64{e.count(t, e.sessions), e.count(t, e.tokens)})

		// A minute past 30 days after start only the later round's
		// sessions are left.
		e.clock.Advance(repository.DefaultMaxAge - 36*time.Hour + time.Minute)
		res = cleanup.Once(ctx, e.repo, 0)
		require.NoError(t, res.Err)
		assert.Equal(t, int64(3), res.Sessions)
		assert.Equal(t, int64(3), e.count(t, e.sessions))

		// Run makes its first pass at once.
		e.clock.Advance(2 * time.Hour)
		runCtx, cancel := context.WithCancel(ctx)
		done := make(chan cleanup.Result, 1)
		err := cleanup.Run(runCtx, e.repo, cleanup.Options{Interval: time.Hour, OnResult: func(r cleanup.Result) {
			done <- r
			cancel()
		}})
		require.NoError(t, err)
		r := <-done
		require.NoError(t, r.Err)
		assert.Equal(t, int64(3), r.Sessions)
		assert.Zero(t, e.count(t, e.sessions))
	})
}

// TestOnceNilRepository: Once with a nil repository, or one without its
// tables' operations, reports it in the Result, as Run returns it.
func TestOnceNilRepository(t *testing.T) {
	t.Parallel()
	for _, repo := range []*repository.Repository{nil, {}} {
		res := cleanup.Once(context.Background(), repo, 0)
		require.ErrorContains(t, res.Err, "nil repository")
		require.Zero(t, res.Sessions+res.Verifications)
	}
}

func TestRun(t *testing.T) {
	t.Parallel()
	eachFlavour(t, func(t *testing.T, e *env) {
		e.mustRows(t, e.seed, 2)
		e.clock.Advance(repository.DefaultMaxAge + time.Second)

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
		away := `"cleanup_away"`
		e.exec(t, `ALTER TABLE `+e.tokens+` RENAME TO `+away)
		for r := next(); r.Err == nil; r = next() {
		}
		e.exec(t, `ALTER TABLE `+away+` RENAME TO `+e.tokens)
		for r := next(); r.Err != nil; r = next() {
		}

		cancel()
		select {
		case err := <-done:
			assert.NoError(t, err)
		case <-time.After(10 * time.Second):
			t.Fatal("Run did not return after ctx was cancelled")
		}
	})
}

func TestRunStopsAtOnce(t *testing.T) {
	t.Parallel()
	eachFlavour(t, func(t *testing.T, e *env) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		called := false
		err := cleanup.Run(ctx, e.repo, cleanup.Options{OnResult: func(cleanup.Result) { called = true }})
		assert.NoError(t, err)
		assert.False(t, called, "no pass after ctx is done")
	})
}

func TestRunInvalidOptions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	assert.ErrorContains(t, cleanup.Run(ctx, nil, cleanup.Options{}), "nil repository")
	assert.ErrorContains(t, cleanup.Run(ctx, &repository.Repository{}, cleanup.Options{}), "nil repository")
	eachFlavour(t, func(t *testing.T, e *env) {
		assert.ErrorContains(t, cleanup.Run(ctx, e.repo, cleanup.Options{Interval: -time.Second}), "negative")
		assert.ErrorContains(t, cleanup.Run(ctx, e.repo, cleanup.Options{BatchSize: -1}), "negative")
	})
}

// TestRunLogsFailures: by default a failed pass is logged with slog, with
// the repository's flavour.
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

	for _, f := range gormauth.Flavours() {
		t.Run(f.Name(), func(t *testing.T) {
			mu.Lock()
			buf.Reset()
			mu.Unlock()
			e := newEnv(t, f)
			e.exec(t, `DROP TABLE `+e.sessions)
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- cleanup.Run(ctx, e.repo, cleanup.Options{Interval: time.Hour}) }()
			require.Eventually(t, func() bool { return logged() != "" }, 10*time.Second, 10*time.Millisecond)
			cancel()
			require.NoError(t, <-done)
			assert.Contains(t, logged(), "cleanup: pass failed")
			assert.Contains(t, logged(), "flavour="+f.Name()+" ")
			assert.Contains(t, logged(), "Sessions.DeleteExpired")
		})
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
