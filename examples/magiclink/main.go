// Magiclink shows email sign-in ("magic links") the way the email provider of
// NextAuth.js 2.0.0-beta.73 does it, on that version's tables
// (gormauth.Beta73): it stores a sign-in token for an address (only its hash
// with the secret is stored), prints the link that would be mailed, redeems
// the token once with SignInEmail, which creates the user (or finds it),
// marks the address verified and opens a session, and shows that a second
// redeem of the same link fails with ErrNotFound.
//
// Run it with
//
//	DATABASE_URL=postgres://user:pass@localhost:5432/app go run ./examples/magiclink
//	DATABASE_URL=… go run ./examples/magiclink -email carol@example.com -secret "$NEXTAUTH_SECRET"
//
// With DATABASE_URL pointing at a NextAuth.js application's database, and
// -secret its NEXTAUTH_SECRET, the stored token is one that application
// accepts too; -full-link prints the link with the whole token (it signs in
// whoever opens it, so keep it to yourself).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net/url"
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

var (
	email    = flag.String("email", "bob@example.com", "the address to sign in")
	secret   = flag.String("secret", "example-secret", "the application secret (NextAuth.js's secret option)")
	baseURL  = flag.String("url", "http://localhost:3000", "the NextAuth.js application's URL (NEXTAUTH_URL)")
	fullLink = flag.Bool("full-link", false, "print the link with the whole token (a secret: it signs in) instead of [redacted]")
)

// noDatabase is printed when DATABASE_URL is not set.
const noDatabase = `magiclink: DATABASE_URL is not set. Point it at a PostgreSQL database, for example
  DATABASE_URL=postgres://user:pass@localhost:5432/app go run ./examples/magiclink
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
	repo := repository.New(db, gormauth.Beta73, repository.Options{Secret: []string{*secret}})

	// 1. The person asks for a link: store the token's hash for a day.
	token, err := repository.NewSignInToken()
	if err != nil {
		return err
	}
	signIn := repository.SignInToken{Identifier: *email, Token: token}
	row, err := repo.Verifications.Create(ctx, signIn, repository.DefaultVerificationMaxAge)
	if err != nil {
		return fmt.Errorf("storing the sign-in token: %w", err)
	}
	_, _, _, table := gormauth.Beta73.Tables()
	fmt.Printf("1. Verifications.Create: %s row identifer=%q token=%s (sha256 of token+secret) expires=%s\n",
		table, row.Identifier, short(row.Token), row.Expires.Format(time.RFC3339))

	// 2. The link NextAuth.js mails: its callback redeems the token.
	shown := redacted(token)
	if *fullLink {
		shown = token
	}
	fmt.Printf("2. The mail would carry: %s/api/auth/callback/email?email=%s&token=%s\n",
		*baseURL, url.QueryEscape(*email), shown)

	// 3. The person opens the link: redeem the token and sign in.
	res, err := repo.SignInEmail(ctx, repository.EmailSignIn{SignInToken: signIn})
	if err != nil {
		return fmt.Errorf("redeeming the link: %w", err)
	}
	verified := "never"
	if res.User.EmailVerified != nil {
		verified = res.User.EmailVerified.Format(time.RFC3339)
	}
	fmt.Printf("3. SignInEmail: user id=%s email=%q new=%t email_verified=%s; session id=%s expires=%s session_token=%s\n",
		res.User.ID, *res.User.Email, res.IsNewUser, verified,
		res.Session.ID, res.Session.Expires.Format(time.RFC3339), redacted(res.Session.SessionToken))

	// 4. The link works once.
	_, err = repo.SignInEmail(ctx, repository.EmailSignIn{SignInToken: signIn})
	if !errors.Is(err, repository.ErrNotFound) {
		return fmt.Errorf("a second redeem of the same link should fail with ErrNotFound, got %v", err)
	}
	fmt.Println("4. SignInEmail again: ErrNotFound, the link works only once")
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
