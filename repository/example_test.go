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
	"github.com/gormauth/gormauth/repository"
)

func Example() {
	// DATABASE_URL names a PostgreSQL database, such as
	// postgres://user:pass@localhost:5432/app.
	db, err := gorm.Open(postgres.Open(os.Getenv("DATABASE_URL")), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	// The tables of an Auth.js v5 application with @auth/drizzle-adapter.
	if err := gormauth.AutoMigrate(ctx, db, gormauth.Drizzle); err != nil {
		log.Fatal(err)
	}
	repo := repository.New(db, gormauth.Drizzle, repository.Options{Secret: []string{"the application's AUTH_SECRET"}})

	// Back from GitHub's OAuth callback: a new user, and a session.
	accessToken, name, email := "gho_…", "Alice", "Alice@Example.com"
	res, err := repo.SignInOAuth(ctx, repository.OAuthSignIn{
		Account: repository.Account{Provider: "github", ProviderAccountID: "1234", AccessToken: &accessToken},
		Name:    &name,
		Email:   &email,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("new user:", res.IsNewUser, *res.User.Email)

	// Every request: the cookie's session and its user, in one query.
	sess, err := repo.Sessions.WithUser(ctx, res.Session.SessionToken)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("signed in:", *sess.User.Name, "until", sess.Expires.Sub(res.Session.Expires) == 0)

	// Signing out.
	if err := repo.Sessions.Delete(ctx, sess.SessionToken); err != nil {
		log.Fatal(err)
	}
	_, err = repo.Sessions.WithUser(ctx, sess.SessionToken)
	fmt.Println(err)

	// Deleting the user deletes its accounts and sessions too.
	if err := repo.Users.Delete(ctx, res.User.ID); err != nil {
		log.Fatal(err)
	}
	// Output:
	// new user: true alice@example.com
	// signed in: Alice until true
	// gormauth: Sessions.WithUser: not found
}

func ExampleNew() {
	// NextAuth.js 2.0.0-beta.73's tables, whose timestamps hold the wall
	// clock of its Node.js process: Options.Location is that zone (its TZ).
	db, err := gorm.Open(postgres.Open(os.Getenv("DATABASE_URL")), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		log.Fatal(err)
	}
	if err := gormauth.AutoMigrate(context.Background(), db, gormauth.Beta73); err != nil {
		log.Fatal(err)
	}
	auckland, err := time.LoadLocation("Pacific/Auckland")
	if err != nil {
		log.Fatal(err)
	}
	repo := repository.New(db, gormauth.Beta73, repository.Options{Location: auckland, Secret: []string{"the app's NEXTAUTH_SECRET"}})
	fmt.Println("sessions last", repo.Options().MaxAge, "and are extended at most every", repo.Options().UpdateAge)

	ctx := context.Background()
	email := "alice@example.com"
	u := &repository.User{Email: &email}
	if err := repo.Users.Create(ctx, u); err != nil {
		log.Fatal(err)
	}
	sess, err := repo.Sessions.Create(ctx, u.ID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("cookie", gormauth.Beta73.CookieName(false), "holds", len(sess.SessionToken), "hex characters")

	// Deleting the user deletes its sessions and accounts too.
	if err := repo.Users.Delete(ctx, u.ID); err != nil {
		log.Fatal(err)
	}
	// Output:
	// sessions last 720h0m0s and are extended at most every 24h0m0s
	// cookie next-auth.session-token holds 64 hex characters
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
	repo := repository.New(db, gormauth.Beta73, repository.Options{})
	email := "alice@example.com"
	u := &repository.User{Email: &email}
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
	repo := repository.New(db, gormauth.Beta73, repository.Options{Now: func() time.Time { return now }})
	email := "alice@example.com"
	u := &repository.User{Email: &email}
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
	// The tables of an Auth.js v5 application with @auth/prisma-adapter.
	db, err := gorm.Open(postgres.Open(os.Getenv("DATABASE_URL")), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		log.Fatal(err)
	}
	if err := gormauth.AutoMigrate(context.Background(), db, gormauth.Prisma); err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	repo := repository.New(db, gormauth.Prisma, repository.Options{})

	// What GitHub reported after the OAuth callback.
	email, accessToken := "octo@example.com", "gho_…"
	github := repository.OAuthSignIn{
		Account: repository.Account{Provider: "github", ProviderAccountID: "583231", AccessToken: &accessToken},
		Email:   &email,
	}
	res, err := repo.SignInOAuth(ctx, github)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("new user:", res.IsNewUser, *res.User.Email)
	// res.Session.SessionToken goes in the authjs.session-token cookie.

	res, err = repo.SignInOAuth(ctx, github)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("new user:", res.IsNewUser, *res.User.Email)

	// Another provider reporting the same email is not linked silently.
	gitlab := repository.OAuthSignIn{Account: repository.Account{Provider: "gitlab", ProviderAccountID: "17"}, Email: &email}
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
	if err := gormauth.AutoMigrate(context.Background(), db, gormauth.Prisma); err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	repo := repository.New(db, gormauth.Prisma, repository.Options{Secret: []string{"the app's AUTH_SECRET"}})

	// Sending the link: only the hash of token and secret is stored, for
	// the address as Auth.js normalises it.
	token, err := repository.NewSignInToken()
	if err != nil {
		log.Fatal(err)
	}
	row, err := repo.Verifications.Create(ctx, repository.SignInToken{Identifier: " Alice@Example.com", Token: token}, 0) // valid 24 hours
	if err != nil {
		log.Fatal(err)
	}
	link := repository.SignInToken{Identifier: row.Identifier, Token: token}
	_ = repository.CallbackURL("https://app.example.com/api/auth", "nodemailer", "https://app.example.com/", link) // mail it

	// The link is clicked.
	res, err := repo.SignInEmail(ctx, repository.EmailSignIn{SignInToken: link})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("new user:", res.IsNewUser, *res.User.Email, "verified:", res.User.EmailVerified != nil)

	// Clicked again.
	_, err = repo.SignInEmail(ctx, repository.EmailSignIn{SignInToken: link})
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
	repo := repository.New(db, gormauth.Beta73, repository.Options{Secret: []string{"s3cret"}})
	link := repository.SignInToken{Identifier: "bob@example.com", Token: "a1b2c3"}
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
