// Cleanup deletes expired sessions and expired email sign-in tokens on an
// interval, as a long-running process beside the application, and stops
// cleanly on SIGINT or SIGTERM (Ctrl-C, docker stop, systemctl stop). It
// uses package cleanup, which you can run inside your own service instead.
// NextAuth.js itself never deletes expired rows.
//
// Run it with
//
//	DATABASE_URL=postgres://… go run ./examples/cleanup -demo -interval 5s
//	DATABASE_URL=postgres://… go run ./examples/cleanup -interval 1h
//	DATABASE_URL=postgres://… go run ./examples/cleanup -once   # from cron
//
// -demo first seeds three sessions and two sign-in tokens that have already
// expired (and one of each that has not), so the first pass has work to do;
// it leaves their users (cleanup-demo-…@example.com) behind, so use it on a
// throwaway database.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"syscall"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/cleanup"
	legacy "github.com/gormauth/gormauth/internal/legacy73"
	"github.com/gormauth/gormauth/models"
)

var (
	interval  = flag.Duration("interval", cleanup.DefaultInterval, "time between passes")
	batchSize = flag.Int("batch", legacy.DefaultBatchSize, "rows deleted per statement")
	once      = flag.Bool("once", false, "run one pass and exit (non-zero if it failed)")
	demo      = flag.Bool("demo", false, "seed expired sessions and sign-in tokens first")
)

// noDatabase is printed when DATABASE_URL is not set.
const noDatabase = `cleanup: DATABASE_URL is not set. Point it at a PostgreSQL database, for example
  DATABASE_URL=postgres://user:pass@localhost:5432/app go run ./examples/cleanup -demo -interval 5s
A database to try this on: docker run --rm -e POSTGRES_PASSWORD=pass -p 5432:5432 postgres
(then DATABASE_URL=postgres://postgres:pass@localhost:5432/postgres), or "make run" in gormauth's
repository, which starts a throwaway PostgreSQL.`

func main() {
	flag.Parse()
	dsn := os.Getenv("DATABASE_URL")
	if dsn == "" {
		fmt.Fprintln(os.Stderr, noDatabase)
		os.Exit(2)
	}
	// Ctrl-C (or SIGTERM) cancels ctx, which stops the example cleanly.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, dsn)
	stop()
	if err != nil && !(ctx.Err() != nil && errors.Is(err, context.Canceled)) {
		fmt.Fprintf(os.Stderr, "error: %v\n", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, dsn string) error {
	db, err := gorm.Open(postgres.Open(dsn), &gorm.Config{
		Logger: logger.New(log.New(os.Stderr, "", log.LstdFlags), logger.Config{
			SlowThreshold:             time.Second,
			LogLevel:                  logger.Warn,
			ParameterizedQueries:      true,
			IgnoreRecordNotFoundError: true,
		}),
	})
	if err != nil {
		return fmt.Errorf("opening the database: %w", err)
	}
	if err := gormauth.AutoMigrate(ctx, db, gormauth.Beta73); err != nil {
		return fmt.Errorf("migrating: %w", err)
	}
	repo := legacy.New(db, legacy.Options{})
	if *demo {
		if err := seed(ctx, db); err != nil {
			return err
		}
	}

	if *once {
		res := cleanup.Once(ctx, repo, *batchSize)
		report(res)
		return res.Err
	}
	fmt.Printf("cleaning up every %s; Ctrl-C to stop\n", *interval)
	err = cleanup.Run(ctx, repo, cleanup.Options{Interval: *interval, BatchSize: *batchSize, OnResult: report})
	fmt.Println("stopped")
	return err
}

// report prints one pass's result.
func report(res cleanup.Result) {
	if res.Err != nil && ctxDone(res.Err) {
		return // stopped mid-pass by Ctrl-C: nothing worth saying
	}
	status := "ok"
	if res.Err != nil {
		status = "failed: " + res.Err.Error()
	}
	fmt.Printf("%s pass: deleted %d expired sessions and %d expired sign-in tokens in %s; %s\n",
		res.Start.Format("15:04:05"), res.Sessions, res.Verifications, res.Duration.Round(time.Millisecond), status)
}

func ctxDone(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// seed makes rows for the first pass: with a repository whose clock is 31
// days back, three sessions (which expired a day ago) and two sign-in
// tokens (which expired 30 days ago); and with the real clock one of each
// that is still valid.
func seed(ctx context.Context, db *gorm.DB) error {
	past := legacy.New(db, legacy.Options{Now: func() time.Time { return time.Now().Add(-31 * 24 * time.Hour) }})
	now := legacy.New(db, legacy.Options{})
	stamp := time.Now().UnixNano()
	for i, r := range []*legacy.Repository{past, past, past, now} {
		email := fmt.Sprintf("cleanup-demo-%d-%d@example.com", stamp, i)
		u := &models.User{Email: &email}
		if err := r.Users.Create(ctx, u); err != nil {
			return fmt.Errorf("seeding: %w", err)
		}
		if _, err := r.Sessions.Create(ctx, u.ID); err != nil {
			return fmt.Errorf("seeding: %w", err)
		}
		if i == 0 {
			continue // three sessions, but only two expired sign-in tokens
		}
		token, err := legacy.NewToken()
		if err != nil {
			return err
		}
		if _, err := r.Verifications.Create(ctx, legacy.SignInToken{Identifier: email, Token: token, Secret: "demo"}, 0); err != nil {
			return fmt.Errorf("seeding: %w", err)
		}
	}
	fmt.Println("demo: seeded 3 expired sessions and 2 expired sign-in tokens (and 1 valid of each)")
	return nil
}
