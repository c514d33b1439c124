// Quickstart walks through gormauth step by step on a real PostgreSQL
// database: it creates NextAuth.js's tables (gormauth.AutoMigrate), creates a
// user, links a GitHub account to it, opens a session, looks the session and
// its user up by the session token in one query (what every authenticated
// request does), and signs out. It prints each step and the rows it wrote;
// tokens are never printed, hashes are shortened to their first 8 characters.
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
	legacy "github.com/gormauth/gormauth/internal/legacy73"
	"github.com/gormauth/gormauth/models"
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
		// your own queries; the repository's are redacted anyway. A session
		// that is not found is an answer, not an error worth a log line.
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

	// 1. Create the four tables, exactly as NextAuth.js creates them.
	if err := gormauth.AutoMigrate(ctx, db, gormauth.Beta73); err != nil {
		return fmt.Errorf("migrating: %w", err)
	}
	fmt.Println("1. gormauth.AutoMigrate: NextAuth.js's tables are in place")
	if err := printTables(ctx, db); err != nil {
		return err
	}

	repo := legacy.New(db, legacy.Options{}) // sessions last 30 days
	if err := removePreviousRun(ctx, repo); err != nil {
		return err
	}

	// 2. A user, as NextAuth.js creates one at the first sign-in.
	name, email := "Alice", "alice@example.com"
	user := &models.User{Name: &name, Email: &email}
	if err := repo.Users.Create(ctx, user); err != nil {
		return fmt.Errorf("creating the user: %w", err)
	}
	fmt.Printf("2. Users.Create: users row id=%d name=%q email=%q created=%s\n",
		user.ID, *user.Name, *user.Email, user.Created.Format(time.RFC3339))

	// 3. Link the user's GitHub account.
	githubToken := "gho_example-provider-token"
	account := &models.Account{
		UserID:            user.ID,
		ProviderType:      "oauth",
		ProviderID:        "github",
		ProviderAccountID: "12345",
		AccessToken:       &githubToken,
	}
	if err := repo.Accounts.Link(ctx, account); err != nil {
		return fmt.Errorf("linking the account: %w", err)
	}
	fmt.Printf("3. Accounts.Link: accounts row id=%d user_id=%d provider=%s/%s compound_id=%s access_token=%s\n",
		account.ID, account.UserID, account.ProviderID, account.ProviderAccountID,
		short(account.CompoundID), redacted(*account.AccessToken))

	// 4. Open a session: its session token goes in the browser's cookie.
	sess, err := repo.Sessions.Create(ctx, user.ID)
	if err != nil {
		return fmt.Errorf("opening a session: %w", err)
	}
	fmt.Printf("4. Sessions.Create: sessions row id=%d user_id=%d expires=%s session_token=%s access_token=%s\n",
		sess.ID, sess.UserID, sess.Expires.Format(time.RFC3339), redacted(sess.SessionToken), redacted(sess.AccessToken))

	// 5. What every request does: the session and its user, in one query.
	found, err := repo.Sessions.WithUser(ctx, sess.SessionToken)
	if err != nil {
		return fmt.Errorf("looking the session up: %w", err)
	}
	fmt.Printf("5. Sessions.WithUser: session %d is valid until %s and belongs to user %d <%s>\n",
		found.ID, found.Expires.Format(time.RFC3339), found.User.ID, *found.User.Email)

	// 6. Sign out: the session row is deleted, the token is worthless.
	if err := repo.Sessions.Delete(ctx, sess.SessionToken); err != nil {
		return fmt.Errorf("signing out: %w", err)
	}
	_, err = repo.Sessions.WithUser(ctx, sess.SessionToken)
	if !errors.Is(err, legacy.ErrNotFound) {
		return fmt.Errorf("the session is still there after signing out: %v", err)
	}
	fmt.Println("6. Sessions.Delete: signed out; Sessions.WithUser now returns ErrNotFound")
	return nil
}

// printTables prints the four tables and how many columns each has.
func printTables(ctx context.Context, db *gorm.DB) error {
	var tables []struct {
		Name    string
		Columns int
	}
	err := db.WithContext(ctx).Raw(`SELECT table_name AS name, count(*) AS columns
		FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name IN ?
		GROUP BY table_name ORDER BY table_name`,
		[]string{models.UsersTable, models.AccountsTable, models.SessionsTable, models.VerificationRequestsTable}).
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
func removePreviousRun(ctx context.Context, repo *legacy.Repository) error {
	old, err := repo.Users.ByEmail(ctx, "alice@example.com")
	if errors.Is(err, legacy.ErrNotFound) {
		return nil
	}
	if err == nil {
		err = repo.Users.Delete(ctx, old.ID)
	}
	if err != nil {
		return fmt.Errorf("removing the previous run's user: %w", err)
	}
	fmt.Printf("   (removed alice@example.com, user %d, left by a previous run)\n", old.ID)
	return nil
}

// redacted stands in for a secret (a token) in what the example prints.
func redacted(s string) string { return fmt.Sprintf("[redacted, %d bytes]", len(s)) }

// short returns the first 8 characters of a hash and an ellipsis.
func short(s string) string {
	if len(s) <= 8 {
		return s
	}
	return s[:8] + "…"
}
