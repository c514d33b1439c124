package repository_test

import (
	"context"
	"fmt"
	"log"
	"os"

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
	// The tables of an Auth.js v5 application with @auth/drizzle-repository.
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
