// Quickstart walks through gormauth step by step on a real PostgreSQL
// database, with the tables Auth.js v5 keeps through @auth/prisma-adapter
// (gormauth.Prisma): it creates the tables as Prisma's migration does
// (gormauth.AutoMigrate), creates a user, links a GitHub account to it, opens
// a session, looks the session and its user up by the session token in one
// query (what every authenticated request does), and signs out. It prints
// each step and the rows it wrote; tokens are never printed.
// (examples/nextjs-beta73 does the same work on NextAuth.js 2.0.0-beta.73's
// tables.)
//
// Run it against a PostgreSQL database of yours (it creates the tables if
// they are missing, and removes the user alice@example.com of a previous run
// first):
//
//	DATABASE_URL=postgres://user:pass@localhost:5432/app go run ./examples/quickstart
//
// or, in gormauth's repository, with `make run`, which runs it against a
// throwaway PostgreSQL and removes that afterwards.
package main

import (
	"context"
	"errors"
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
	"github.com/gormauth/gormauth/repository"
)

// noDatabase is printed when DATABASE_URL is not set.
const noDatabase = `quickstart: DATABASE_URL is not set. Point it at a PostgreSQL database, for example
  DATABASE_URL=postgres://user:pass@localhost:5432/app go run ./examples/quickstart
A database to try this on: docker run --rm -e POSTGRES_PASSWORD=pass -p 5432:5432 postgres
(then DATABASE_URL=postgres://postgres:pass@localhost:5432/postgres), or "make run" in gormauth's
repository, which starts a throwaway PostgreSQL.`

func main() {
	dsn := os.Getenv("DATABASE_URL")
	if dsn == "" {
		fmt.Fprintln(os.Stderr, noDatabase)
		os.Exit(2)
	}
	// Ctrl-C (or SIGTERM) cancels ctx: the example stops where it is.
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
		// ParameterizedQueries keeps values (tokens!) out of the log of
		// your own queries; the repository's are logged without them
		// anyway. A session that is not found is an answer, not an error
		// worth a log line.
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

	// 1. Create the tables, exactly as Prisma's migration creates them.
	f := gormauth.Prisma
	if err := gormauth.AutoMigrate(ctx, db, f); err != nil {
		return fmt.Errorf("migrating: %w", err)
	}
	fmt.Println("1. gormauth.AutoMigrate: Auth.js's tables (Prisma) are in place")
	if err := printTables(ctx, db, f); err != nil {
		return err
	}

	repo := repository.New(db, f, repository.Options{}) // sessions last 30 days
	if err := removePreviousRun(ctx, repo); err != nil {
		return err
	}

	// 2. A user, as Auth.js creates one at the first sign-in.
	name, email := "Alice", "alice@example.com"
	user := &repository.User{Name: &name, Email: &email}
	if err := repo.Users.Create(ctx, user); err != nil {
		return fmt.Errorf("creating the user: %w", err)
	}
	fmt.Printf("2. Users.Create: User row id=%s name=%q email=%q createdAt=%s\n",
		user.ID, *user.Name, *user.Email, user.CreatedAt.Format(time.RFC3339))

	// 3. Link the user's GitHub account.
	githubToken := "gho_example-provider-token"
	account := &repository.Account{
		UserID:            user.ID,
		Type:              "oauth",
		Provider:          "github",
		ProviderAccountID: "12345",
		AccessToken:       &githubToken,
	}
	if err := repo.Accounts.Link(ctx, account); err != nil {
		return fmt.Errorf("linking the account: %w", err)
	}
	fmt.Printf("3. Accounts.Link: Account row userId=%s provider=%s/%s access_token=%s\n",
		account.UserID, account.Provider, account.ProviderAccountID, redacted(*account.AccessToken))

	// 4. Open a session: its session token goes in the browser's cookie.
	sess, err := repo.Sessions.Create(ctx, user.ID)
	if err != nil {
		return fmt.Errorf("opening a session: %w", err)
	}
	fmt.Printf("4. Sessions.Create: Session row userId=%s expires=%s sessionToken=%s (the %s cookie)\n",
		sess.UserID, sess.Expires.Format(time.RFC3339), redacted(sess.SessionToken), f.CookieName(false))

	// 5. What every request does: the session and its user, in one query.
	found, err := repo.Sessions.WithUser(ctx, sess.SessionToken)
	if err != nil {
		return fmt.Errorf("looking the session up: %w", err)
	}
	fmt.Printf("5. Sessions.WithUser: the session is valid until %s and belongs to user %s <%s>\n",
		found.Expires.Format(time.RFC3339), found.User.ID, *found.User.Email)

	// 6. Sign out: the session row is deleted, the token is worthless.
	if err := repo.Sessions.Delete(ctx, sess.SessionToken); err != nil {
		return fmt.Errorf("signing out: %w", err)
	}
	_, err = repo.Sessions.WithUser(ctx, sess.SessionToken)
	if !errors.Is(err, repository.ErrNotFound) {
		return fmt.Errorf("the session is still there after signing out: %v", err)
	}
	fmt.Println("6. Sessions.Delete: signed out; Sessions.WithUser now returns ErrNotFound")
	return nil
}

// printTables prints f's four tables and how many columns each has.
func printTables(ctx context.Context, db *gorm.DB, f *gormauth.Flavour) error {
	users, accounts, sessions, tokens := f.Tables()
	var tables []struct {
		Name    string
		Columns int
	}
	err := db.WithContext(ctx).Raw(`SELECT table_name AS name, count(*) AS columns
		FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name IN ?
		GROUP BY table_name ORDER BY table_name`,
		[]string{users, accounts, sessions, tokens}).
		Find(&tables).Error
	if err != nil {
		return fmt.Errorf("listing the tables: %w", err)
	}
	for _, t := range tables {
		fmt.Printf("   %-22s %2d columns\n", t.Name, t.Columns)
	}
	return nil
}

// removePreviousRun deletes the user of an earlier run, with its accounts
// and sessions, so that the example can run again on the same database.
func removePreviousRun(ctx context.Context, repo *repository.Repository) error {
	old, err := repo.Users.ByEmail(ctx, "alice@example.com")
	if errors.Is(err, repository.ErrNotFound) {
		return nil
	}
	if err == nil {
		err = repo.Users.Delete(ctx, old.ID)
	}
	if err != nil {
		return fmt.Errorf("removing the previous run's user: %w", err)
	}
	fmt.Printf("   (removed alice@example.com, user %s, left by a previous run)\n", old.ID)
	return nil
}

// redacted stands in for a secret (a token) in what the example prints.
func redacted(s string) string { return fmt.Sprintf("[redacted, %d bytes]", len(s)) }
