// Package cleanup deletes expired sessions and expired email sign-in tokens
// on an interval. Neither NextAuth.js nor Auth.js deletes them itself: an
// expired session is only ignored, so the sessions table grows with every
// sign-in.
//
//	repo := repository.New(db, f, repository.Options{}) // f from gormauth.Detect
//	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
//	defer stop()
//	err := cleanup.Run(ctx, repo, cleanup.Options{Interval: time.Hour})
//
// It works on the tables of every flavour (gormauth.Flavours()): NextAuth.js
// 2.0.0-beta.73's and those of Auth.js's Prisma, Drizzle and pg adapters,
// through the repository of package repository. "Expired" is judged by the
// repository's clock (its Options.Now) and its flavour's rules, in its
// Options.Location where the flavour stores local time (beta.73). Several
// replicas may run it at once: each batch locks only rows no other
// transaction holds (FOR UPDATE SKIP LOCKED), so no pass waits for another,
// and each deleted row is counted by one pass.
package cleanup

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/gormauth/gormauth/repository"
)

// DefaultInterval is the time between two passes when Options.Interval is 0.
const DefaultInterval = 10 * time.Minute

// Options configures Run. The zero value means the documented defaults.
type Options struct {
	// Interval is the time from the start of one pass to the start of the
	// next; a pass that takes longer is followed by the next at once.
	// Default DefaultInterval (10 minutes). The first pass runs at once.
	Interval time.Duration
	// BatchSize is how many rows one DELETE statement removes at most.
	// Default repository.DefaultBatchSize (1000).
	BatchSize int
	// OnResult, if set, is called after every pass, from Run's goroutine.
	// Default: a failed pass is logged with slog.Default(), with the
	// repository's flavour (gormauth.Flavour.Name); a successful one is
	// not.
	OnResult func(Result)
}

// Result is what one pass did.
type Result struct {
	// Start is when the pass began, by the wall clock.
	Start time.Time
	// Duration is how long the pass took.
	Duration time.Duration
	// Sessions is how many expired sessions were deleted.
	Sessions int64
	// Verifications is how many expired sign-in tokens were deleted.
	Verifications int64
	// Err is the first error of the pass, or nil. The pass goes on to the
	// sign-in tokens after an error on the sessions, so the counts may be
	// non-zero too. A pass cut short because ctx was done has an Err that
	// wraps ctx.Err().
	Err error
}

// errNilRepository is what Run and Once report for a nil repository, or
// one without its Sessions or Verifications.
var errNilRepository = errors.New("cleanup: nil repository")

// valid reports whether repo is not nil and has what a pass deletes from.
func valid(repo *repository.Repository) bool {
	return repo != nil && repo.Sessions != nil && repo.Verifications != nil
}

// Once runs one pass: it deletes the expired sessions, then the expired
// sign-in tokens, batchSize rows a statement (repository.DefaultBatchSize
// if ≤ 0). A nil repo is an Err, and nothing runs.
func Once(ctx context.Context, repo *repository.Repository, batchSize int) Result {
	res := Result{Start: time.Now()}
	if !valid(repo) {
		res.Err = errNilRepository
		return res
	}
	var errs [2]error
	res.Sessions, errs[0] = repo.Sessions.DeleteExpired(ctx, batchSize)
	res.Verifications, errs[1] = repo.Verifications.DeleteExpired(ctx, batchSize)
	for _, err := range errs {
		if err != nil {
			res.Err = fmt.Errorf("cleanup: %w", err)
			break
		}
	}
	res.Duration = time.Since(res.Start)
	return res
}

// Run runs a pass at once and then every Interval until ctx is done, and
// returns nil then. A pass that fails is reported (see Options.OnResult) and
// the next one runs as planned: a database that is down for a while does not
// stop the clean-up. Run returns an error only for a nil repository or
// negative options.
func Run(ctx context.Context, repo *repository.Repository, opts Options) error {
	if !valid(repo) {
		return errNilRepository
	}
	if opts.Interval < 0 || opts.BatchSize < 0 {
		return fmt.Errorf("cleanup: negative interval (%s) or batch size (%d)", opts.Interval, opts.BatchSize)
	}
	if opts.Interval == 0 {
		opts.Interval = DefaultInterval
	}
	if opts.OnResult == nil {
		flavour := repo.Flavour().Name()
		opts.OnResult = func(res Result) { logFailure(flavour, res) }
	}
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-timer.C:
		}
		if ctx.Err() != nil {
			return nil
		}
		res := Once(ctx, repo, opts.BatchSize)
		opts.OnResult(res)
		timer.Reset(max(0, opts.Interval-res.Duration))
	}
}

// logFailure is the default Options.OnResult of a repository of the named
// flavour.
func logFailure(flavour string, res Result) {
	if res.Err != nil && !errors.Is(res.Err, context.Canceled) {
		slog.Error("cleanup: pass failed", "flavour", flavour, "error", res.Err,
			"sessions", res.Sessions, "verifications", res.Verifications)
	}
}
