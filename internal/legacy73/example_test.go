package repository_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/internal/legacy73"
	"github.com/gormauth/gormauth/models"
)

func ExampleNew() {
	// DATABASE_URL names a PostgreSQL database, such as
	// postgres://user:pass@localhost:5432/app.
	db, err := gorm.Open(postgres.Open(os.Getenv("DATABASE_URL")), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		log.Fatal(err)
	}
	if err := gormauth.AutoMigrate(context.Background(), db, gormauth.Beta73); err != nil { // NextAuth.js's four tables
		log.Fatal(err)
	}
	ctx := context.Background()

	repo := repository.New(db, repository.Options{}) // NextAuth.js's defaults
	fmt.Println("sessions last", repo.Options().MaxAge, "and are extended at most every", repo.Options().UpdateAge)

	email := "alice@example.com"
	u := &models.User{Email: &email}
	if err := repo.Users.Create(ctx, u); err != nil {
		log.Fatal(err)
	}
	sess, err := repo.Sessions.Create(ctx, u.ID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("cookie value:", len(sess.SessionToken), "hex characters")

	// Deleting the user deletes its sessions and accounts too.
	if err := repo.Users.Delete(ctx, u.ID); err != nil {
		log.Fatal(err)
	}
	// Output:
	// sessions last 720h0m0s and are extended at most every 24h0m0s
	// cookie value: 64 hex characters
}

func ExampleSessions_WithUser() {
	db, err := gorm.Open(postgres.Open(os.Getenv("DATABASE_URL")), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		log.Fatal(err)
	}
	if err := gormauth.AutoMigrate(context.Background(), db, gormauth.Beta73); err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	repo := repository.New(db, repository.Options{})
	email := "alice@example.com"
	u := &models.User{Email: &email}
	if err := repo.Users.Create(ctx, u); err != nil {
		log.Fatal(err)
	}
	created, err := repo.Sessions.Create(ctx, u.ID)
	if err != nil {
		log.Fatal(err)
	}
	cookie := created.SessionToken // what the browser sends back

	// On every request: the session and its user in one query.
	sess, err := repo.Sessions.WithUser(ctx, cookie)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("signed in:", *sess.User.Email)

	_, err = repo.Sessions.WithUser(ctx, "a cookie from an expired or deleted session")
	fmt.Println("not signed in:", errors.Is(err, repository.ErrNotFound))

	// Deleting the user deletes its sessions and accounts too.
	if err := repo.Users.Delete(ctx, u.ID); err != nil {
		log.Fatal(err)
	}
	// Output:
	// signed in: alice@example.com
	// not signed in: true
}

func ExampleSessions_Refresh() {
	db, err := gorm.Open(postgres.Open(os.Getenv("DATABASE_URL")), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		log.Fatal(err)
	}
	if err := gormauth.AutoMigrate(context.Background(), db, gormauth.Beta73); err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	now := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC) // the clock of this example
	repo := repository.New(db, repository.Options{Now: func() time.Time { return now }})
	email := "alice@example.com"
	u := &models.User{Email: &email}
	if err := repo.Users.Create(ctx, u); err != nil {
		log.Fatal(err)
	}
	sess, err := repo.Sessions.Create(ctx, u.ID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("expires", sess.Expires.Format(time.DateTime))

	// An hour later: used again, but extended less than UpdateAge ago, so
	// nothing is written.
	now = now.Add(time.Hour)
	wrote, err := repo.Sessions.Refresh(ctx, sess)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("wrote:", wrote, "expires", sess.Expires.Format(time.DateTime))

	// A day later: extended to now + MaxAge, in one UPDATE.
	now = now.Add(24 * time.Hour)
	wrote, err = repo.Sessions.Refresh(ctx, sess)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("wrote:", wrote, "expires", sess.Expires.Format(time.DateTime))

	if err := repo.Users.Delete(ctx, u.ID); err != nil {
		log.Fatal(err)
	}
	// Output:
	// expires 2030-01-31 12:00:00
	// wrote: false expires 2030-01-31 12:00:00
	// wrote: true expires 2030-02-01 13:00:00
}

func ExampleRepository_SignInOAuth() {
	db, err := gorm.Open(postgres.Open(os.Getenv("DATABASE_URL")), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		log.Fatal(err)
	}
	if err := gormauth.AutoMigrate(context.Background(), db, gormauth.Beta73); err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	repo := repository.New(db, repository.Options{})

	// What GitHub reported after the OAuth callback.
	email, accessToken := "octo@example.com", "gho_…"
	github := repository.OAuthSignIn{
		Account:     repository.AccountKey{ProviderID: "github", ProviderAccountID: "583231"},
		AccessToken: &accessToken,
		Email:       &email,
	}
	res, err := repo.SignInOAuth(ctx, github)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("new user:", res.IsNewUser, *res.User.Email)
	// res.Session.SessionToken goes in the next-auth.session-token cookie.

	res, err = repo.SignInOAuth(ctx, github)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("new user:", res.IsNewUser, *res.User.Email)

	// Another provider reporting the same email is not linked silently.
	gitlab := repository.OAuthSignIn{
		Account: repository.AccountKey{ProviderID: "gitlab", ProviderAccountID: "17"},
		Email:   &email,
	}
	_, err = repo.SignInOAuth(ctx, gitlab)
	fmt.Println(errors.Is(err, repository.ErrAccountNotLinked))

	if err := repo.Users.Delete(ctx, res.User.ID); err != nil {
		log.Fatal(err)
	}
	// Output:
	// new user: true octo@example.com
	// new user: false octo@example.com
	// true
}

func ExampleRepository_SignInEmail() {
	db, err := gorm.Open(postgres.Open(os.Getenv("DATABASE_URL")), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		log.Fatal(err)
	}
	if err := gormauth.AutoMigrate(context.Background(), db, gormauth.Beta73); err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	repo := repository.New(db, repository.Options{})

	// Sending the link: only the hash of token and secret is stored.
	token, err := repository.NewToken()
	if err != nil {
		log.Fatal(err)
	}
	link := repository.SignInToken{Identifier: "Alice@Example.com", Token: token, Secret: "the app's secret"}
	if _, err := repo.Verifications.Create(ctx, link, 0); err != nil { // valid 24 hours
		log.Fatal(err)
	}
	// … email https://example.com/api/auth/callback/email?email=…&token=<token>

	// The link is clicked.
	res, err := repo.SignInEmail(ctx, link)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("new user:", res.IsNewUser, *res.User.Email, "verified:", res.User.EmailVerified != nil)

	// Clicked again.
	_, err = repo.SignInEmail(ctx, link)
	fmt.Println("used:", errors.Is(err, repository.ErrNotFound))

	if err := repo.Users.Delete(ctx, res.User.ID); err != nil {
		log.Fatal(err)
	}
	// Output:
	// new user: true alice@example.com verified: true
	// used: true
}

func ExampleVerifications_Use() {
	db, err := gorm.Open(postgres.Open(os.Getenv("DATABASE_URL")), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		log.Fatal(err)
	}
	if err := gormauth.AutoMigrate(context.Background(), db, gormauth.Beta73); err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	repo := repository.New(db, repository.Options{})
	link := repository.SignInToken{Identifier: "bob@example.com", Token: "a1b2c3", Secret: "s3cret"}
	if _, err := repo.Verifications.Create(ctx, link, 10*time.Minute); err != nil {
		log.Fatal(err)
	}

	row, err := repo.Verifications.Use(ctx, link)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(row.Identifier, row.Token) // the stored hash, never the token

	_, err = repo.Verifications.Use(ctx, link)
	fmt.Println("second use:", errors.Is(err, repository.ErrNotFound))
	// Output:
	// bob@example.com d491d5d9d73fef6b6b704383009989555ff183b34d775857f1d2d3b061143791
	// second use: true
}
