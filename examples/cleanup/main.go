// Cleanup deletes expired sessions and expired email sign-in tokens on an
// interval, as a long-running process beside the application, and stops
// cleanly on SIGINT or SIGTERM (Ctrl-C, docker stop, systemctl stop). It
// uses package cleanup, which you can run inside your own service instead.
// Neither NextAuth.js nor Auth.js deletes expired rows itself.
//
// It works on the tables of every flavour: it tells which are there
// (gormauth.Detect) — NextAuth.js 2.0.0-beta.73's, or those of Auth.js's
// Prisma, Drizzle or pg adapter — and cleans them up by that flavour's rules
// (package repository).
//
// Run it with
//
//	DATABASE_URL=postgres://… go run ./examples/cleanup -demo -interval 5s
//	DATABASE_URL=postgres://… go run ./examples/cleanup -interval 1h
//	DATABASE_URL=postgres://… go run ./examples/cleanup -once   # from cron
//
// On beta.73's tables, which hold the local time of NextAuth.js's Node.js
// process, pass its time zone: -tz Europe/Berlin (the TZ it runs with;
// default UTC).
//
// -demo first creates the tables of -flavour (default beta73; prisma,
// prisma-v4, drizzle, drizzle-docs and pg too) if the database has none, then
// seeds three sessions and two sign-in tokens that have already expired (and
// one of each that has not), so the first pass has work to do; it leaves
// their users (cleanup-demo-…@example.com) behind, so use it on a throwaway
// database.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/cleanup"
	"github.com/gormauth/gormauth/repository"
)

var (
	interval  = flag.Duration("interval", cleanup.DefaultInterval, "time between passes")
	batchSize = flag.Int("batch", repository.DefaultBatchSize, "rows deleted per statement")
	once      = flag.Bool("once", false, "run one pass and exit (non-zero if it failed)")
	tz        = flag.String("tz", "UTC", "the time zone of NextAuth.js 2.0.0-beta.73's Node.js process (only for its tables)")
	demo      = flag.Bool("demo", false, "seed expired sessions and sign-in tokens first")
	flavour   = flag.String("flavour", gormauth.Beta73.Name(), "the tables -demo creates in a database that has none: "+flavourNames())
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
	loc, err := time.LoadLocation(*tz)
	if err != nil {
		return fmt.Errorf("-tz: %w", err)
	}
	db, err := gorm.Open(postgres.Open(dsn), &gorm.Config{
		// ParameterizedQueries keeps tokens out of the slow-query log.
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
	f, err := tables(ctx, db)
	if err != nil {
		return err
	}
	fmt.Printf("tables: %s\n", f)
	var opts repository.Options
	if f.LocalTime() {
		opts.Location = loc // the wall clock beta.73's columns hold
	}
	repo := repository.New(db, f, opts)
	if *demo {
		if err := seed(ctx, db, f, opts); err != nil {
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

// tables returns the flavour of the tables in the database. With -demo, it
// first creates those of -flavour if there are none.
func tables(ctx context.Context, db *gorm.DB) (*gormauth.Flavour, error) {
	f, err := gormauth.Detect(ctx, db)
	if errors.Is(err, gormauth.ErrNoTables) && *demo {
		if f = flavourNamed(*flavour); f == nil {
			return nil, fmt.Errorf("-flavour %q: not one of %s", *flavour, flavourNames())
		}
		if err := gormauth.AutoMigrate(ctx, db, f); err != nil {
			return nil, fmt.Errorf("demo: creating the tables: %w", err)
		}
		return f, nil
	}
	if err != nil {
		return nil, fmt.Errorf("finding the tables: %w", err)
	}
	return f, nil
}

// flavourNamed returns the flavour whose Name is name, or nil.
func flavourNamed(name string) *gormauth.Flavour {
	for _, f := range gormauth.Flavours() {
		if f.Name() == name {
			return f
		}
	}
	return nil
}

// flavourNames lists the flavours' names.
func flavourNames() string {
	var names []string
	for _, f := range gormauth.Flavours() {
		names = append(names, f.Name())
	}
	return strings.Join(names, ", ")
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
func seed(ctx context.Context, db *gorm.DB, f *gormauth.Flavour, opts repository.Options) error {
	opts.Secret = []string{"demo"} // what sign-in tokens are hashed with
	now := repository.New(db, f, opts)
	opts.Now = func() time.Time { return time.Now().Add(-31 * 24 * time.Hour) }
	past := repository.New(db, f, opts)
	stamp := time.Now().UnixNano()
	for i, r := range []*repository.Repository{past, past, past, now} {
		email := fmt.Sprintf("cleanup-demo-%d-%d@example.com", stamp, i)
		u := &repository.User{Email: &email}
		if err := r.Users.Create(ctx, u); err != nil {
			return fmt.Errorf("seeding: %w", err)
		}
		if _, err := r.Sessions.Create(ctx, u.ID); err != nil {
			return fmt.Errorf("seeding: %w", err)
		}
		if i == 0 {
			continue // three sessions, but only two expired sign-in tokens
		}
		token, err := repository.NewSignInToken()
		if err != nil {
			return err
		}
		if _, err := r.Verifications.Create(ctx, repository.SignInToken{Identifier: email, Token: token}, 0); err != nil {
			return fmt.Errorf("seeding: %w", err)
		}
	}
	fmt.Println("demo: seeded 3 expired sessions and 2 expired sign-in tokens (and 1 valid of each)")
	return nil
}
