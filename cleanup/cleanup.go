// Package cleanup deletes expired sessions and expired email sign-in tokens
// on an interval. NextAuth.js never deletes them itself: an expired session
// is only ignored, so the sessions table grows with every sign-in.
//
//	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
//	defer stop()
//	err := cleanup.Run(ctx, repo, cleanup.Options{Interval: time.Hour})
//
// repo is NextAuth.js 2.0.0-beta.73's repository (package repository) or an
// Auth.js flavour's (package repository). Several replicas may run it at
// once: each batch locks only rows no other batch holds (FOR UPDATE SKIP
// LOCKED). "Expired" is judged by the repository's clock (its Options.Now)
// and rules: beta.73's and Auth.js's own.
package cleanup

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	legacy "github.com/gormauth/gormauth/internal/legacy73"
	"github.com/gormauth/gormauth/repository"
)

// Repository is a repository whose expired rows a pass deletes: NextAuth.js
// 2.0.0-beta.73's or an Auth.js flavour's.
type Repository interface {
	*legacy.Repository | *repository.Repository
}

// deleter is what a pass needs of a repository: its sessions' and sign-in
// tokens' DeleteExpired.
type deleter interface {
	DeleteExpired(ctx context.Context, batchSize int) (int64, error)
}

// tables returns repo's sessions and sign-in tokens, or false for a nil
// legacy.
func tables[R Repository](repo R) (sessions, verifications deleter, ok bool) {
	switch r := any(repo).(type) {
	case *legacy.Repository:
		if r != nil {
			return r.Sessions, r.Verifications, true
		}
	case *repository.Repository:
		if r != nil {
			return r.Sessions, r.Verifications, true
		}
	}
	return nil, nil, false
}

// DefaultInterval is the time between two passes when Options.Interval is 0.
const DefaultInterval = 10 * time.Minute

// Options configures Run. The zero value means the documented defaults.
type Options struct {
	// Interval is the time from the start of one pass to the start of the
	// next; a pass that takes longer is followed by the next at once.
	// Default DefaultInterval (10 minutes). The first pass runs at once.
	Interval time.Duration
	// BatchSize is how many rows one DELETE statement removes at most.
	// Default 1000 (the repositories' DefaultBatchSize).
	BatchSize int
	// OnResult, if set, is called after every pass, from Run's goroutine.
	// Default: a failed pass is logged with slog.Default(); a successful
	// one is not.
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

// errNilRepository is what Run and Once report for a nil legacy.
var errNilRepository = errors.New("cleanup: nil repository")

// Once runs one pass: it deletes the expired sessions, then the expired
// sign-in tokens, batchSize rows a statement (the repository's
// DefaultBatchSize if ≤ 0). A nil repo is an Err, and nothing runs.
func Once[R Repository](ctx context.Context, repo R, batchSize int) Result {
	res := Result{Start: time.Now()}
	sessions, verifications, ok := tables(repo)
	if !ok {
		res.Err = errNilRepository
		return res
	}
	var errs [2]error
	res.Sessions, errs[0] = sessions.DeleteExpired(ctx, batchSize)
	res.Verifications, errs[1] = verifications.DeleteExpired(ctx, batchSize)
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
func Run[R Repository](ctx context.Context, repo R, opts Options) error {
	if _, _, ok := tables(repo); !ok {
		return errNilRepository
	}
	if opts.Interval < 0 || opts.BatchSize < 0 {
		return fmt.Errorf("cleanup: negative interval (%s) or batch size (%d)", opts.Interval, opts.BatchSize)
	}
	if opts.Interval == 0 {
		opts.Interval = DefaultInterval
	}
	if opts.OnResult == nil {
		opts.OnResult = logFailure
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

// logFailure is the default Options.OnResult.
func logFailure(res Result) {
	if res.Err != nil && !errors.Is(res.Err, context.Canceled) {
		slog.Error("cleanup: pass failed", "error", res.Err,
			"sessions", res.Sessions, "verifications", res.Verifications)
	}
}
