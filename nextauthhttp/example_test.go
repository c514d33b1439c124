package nextauthhttp_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/nextauthhttp"
	"github.com/gormauth/gormauth/repository"
)

func ExampleMiddleware() {
	// DATABASE_URL names a PostgreSQL database, such as
	// postgres://user:pass@localhost:5432/app.
	db, err := gorm.Open(postgres.Open(os.Getenv("DATABASE_URL")), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		log.Fatal(err)
	}
	// The tables of an Auth.js application with the Prisma adapter; any
	// flavour works alike (gormauth.Detect tells which one a database has).
	ctx := context.Background()
	if err := gormauth.AutoMigrate(ctx, db, gormauth.Prisma); err != nil {
		log.Fatal(err)
	}
	repo := repository.New(db, gormauth.Prisma, repository.Options{})

	// A signed-in user, as Auth.js leaves one in the database.
	email := "alice@example.com"
	user := &repository.User{Email: &email}
	if err := repo.Users.Create(ctx, user); err != nil {
		log.Fatal(err)
	}
	sess, err := repo.Sessions.Create(ctx, user.ID)
	if err != nil {
		log.Fatal(err)
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/me", func(w http.ResponseWriter, r *http.Request) {
		user, _ := nextauthhttp.UserFrom(r.Context())
		fmt.Fprintf(w, "hello %s\n", *user.Email)
	})
	opts := nextauthhttp.Options{}
	srv := httptest.NewServer(nextauthhttp.Middleware(repo, opts)(mux))
	defer srv.Close()

	// Without the cookie, then with the cookie the browser would send
	// (authjs.session-token, named by CookieOf).
	name := nextauthhttp.CookieOf(repo, opts).Name
	for _, cookie := range []*http.Cookie{nil, {Name: name, Value: sess.SessionToken}} {
		req, err := http.NewRequest(http.MethodGet, srv.URL+"/api/me", nil)
		if err != nil {
			log.Fatal(err)
		}
		if cookie != nil {
			req.AddCookie(cookie)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			log.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		fmt.Println(res.StatusCode, strings.TrimSpace(string(body)))
	}

	// Deleting the user deletes its sessions too.
	if err := repo.Users.Delete(ctx, user.ID); err != nil {
		log.Fatal(err)
	}
	// Output:
	// 401 {"error":"unauthorized"}
	// 200 hello alice@example.com
}

func ExampleWellFormed() {
	token, _ := gormauth.Beta73.NewSessionToken() // as NextAuth.js beta.73 makes them: 64 hex characters
	fmt.Println(nextauthhttp.WellFormed(token))
	fmt.Println(nextauthhttp.WellFormed("3f2504e0-4f89-41d3-9a0c-0305e82c3301"))          // Auth.js's UUIDs
	fmt.Println(nextauthhttp.WellFormed("SJdj+x/LGSO9a5Qz+/w8ZA=="))                      // a custom generator's base64
	fmt.Println(nextauthhttp.WellFormed(""))                                              // no token
	fmt.Println(nextauthhttp.WellFormed("a\x00b"))                                        // no row can hold a NUL
	fmt.Println(nextauthhttp.WellFormed(strings.Repeat("a", nextauthhttp.MaxTokenLen+1))) // too long
	// Output:
	// true
	// true
	// true
	// false
	// false
	// false
}

func ExampleDecodeValue() {
	// The cookie Auth.js sets for a custom token, and what it reads back.
	fmt.Println(nextauthhttp.EncodeValue("SJdj+x/LGSO9a5Qz+/w8ZA=="))
	fmt.Println(nextauthhttp.DecodeValue("SJdj%2Bx%2FLGSO9a5Qz%2B%2Fw8ZA%3D%3D"))
	fmt.Println(nextauthhttp.DecodeValue("%zz")) // not an escape: kept, as Auth.js keeps it
	// Output:
	// SJdj%2Bx%2FLGSO9a5Qz%2B%2Fw8ZA%3D%3D
	// SJdj+x/LGSO9a5Qz+/w8ZA==
	// %zz
}
