package adapter_test

import (
	"context"
	"fmt"
	"log"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/gormauth/gormauth/authjs"
	"github.com/gormauth/gormauth/authjs/adapter"
	"github.com/gormauth/gormauth/internal/harness/testdb"
)

func Example() {
	dsn, drop, err := testdb.NewDatabase() // an empty PostgreSQL database
	if err != nil {
		log.Fatal(err)
	}
	defer drop()
	db, err := gorm.Open(postgres.Open(dsn), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	// The tables of an Auth.js v5 application with @auth/drizzle-adapter.
	if err := authjs.AutoMigrate(ctx, db, authjs.Drizzle); err != nil {
		log.Fatal(err)
	}
	repo := adapter.New(db, authjs.Drizzle, adapter.Options{Secret: []string{"the application's AUTH_SECRET"}})

	// Back from GitHub's OAuth callback: a new user, and a session.
	res, err := repo.SignInOAuth(ctx, adapter.OAuthSignIn{
		Account: authjs.Account{Provider: "github", ProviderAccountID: "1234", AccessToken: ptr("gho_…")},
		Name:    ptr("Alice"),
		Email:   ptr("Alice@Example.com"),
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
	// Output:
	// new user: true alice@example.com
	// signed in: Alice until true
	// gormauth: Sessions.WithUser: not found
}
