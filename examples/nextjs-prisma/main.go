// Nextjs-prisma is a Go service beside a Next.js application that signs
// people in with Auth.js v5 and keeps them in PostgreSQL through
// @auth/prisma-adapter: it shares the application's database and knows who is
// signed in there from the session cookie the browser sends.
//
//	GET  /api/me      the signed-in user as JSON, or 401 {"error":"unauthorized"}
//	POST /api/signout deletes the session (the Next.js application's too) and expires the cookie
//
// # The Next.js side
//
// auth.ts, as the Auth.js docs write it, with database sessions (a JWT
// session has no row for this service to find):
//
//	import NextAuth from "next-auth"
//	import GitHub from "next-auth/providers/github"
//	import { PrismaAdapter } from "@auth/prisma-adapter"
//	import { PrismaClient } from "@prisma/client"
//	import { PrismaPg } from "@prisma/adapter-pg"
//
//	const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: process.env.DATABASE_URL }) })
//
//	export const { handlers, auth, signIn, signOut } = NextAuth({
//	  adapter: PrismaAdapter(prisma),
//	  session: { strategy: "database" },
//	  providers: [GitHub],
//	})
//
// Prisma owns the tables. prisma/schema.prisma here is the Auth.js docs'
// schema, and prisma/migrations/0_init/migration.sql is the migration
// Prisma's schema engine (Prisma 7.10) made from it, as
// `prisma migrate diff --from-empty --to-schema prisma/schema.prisma --script`
// prints it, laid out where `npx prisma migrate deploy` applies it
// (prisma.config.ts tells Prisma where that is). This service only checks
// the tables (gormauth.CheckSchema) and refuses to start, printing the
// differences, when they are not those that migration makes; outside -demo
// mode it never creates or changes a table.
//
// # The cookie
//
// Auth.js names the session cookie authjs.session-token, and
// __Secure-authjs.session-token when the site is served over HTTPS; it sets it
// without a Domain, so the browser sends it only to the host it came from.
// Serve this service on the application's host: have the reverse proxy in
// front of both send /api/me and /api/signout here and the rest to Next.js. A
// __Secure- cookie reaching this service over plain HTTP behind that proxy is
// read all the same, and written back with Secure.
//
// # Running it
//
//	DATABASE_URL=postgres://user:pass@localhost:5432/app AUTH_SECRET=… go run ./examples/nextjs-prisma
//
// DATABASE_URL is the application's database; AUTH_SECRET its secret, given
// to the repository as repository.Options.Secret (the routes here need none, but
// a copy that makes or redeems email sign-in links hashes them with it).
// -demo needs no Next.js application and no secret: it creates the tables
// as Prisma's migration does (gormauth.AutoMigrate) when they are missing,
// gives the user demo@example.com a session, writes its cookie into a curl
// cookie jar (a file only you can read, removed on exit: the token is never
// printed) and prints the curl commands to try. Ctrl-C stops the service.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/nextauthhttp"
	"github.com/gormauth/gormauth/repository"
)

var (
	addr = flag.String("addr", "127.0.0.1:8080", "address to listen on (port 0 picks a free one)")
	demo = flag.Bool("demo", false, "without a Next.js application: create the tables if missing, seed a session and write its cookie to a curl cookie jar")
)

// usage is printed when DATABASE_URL or AUTH_SECRET is not set.
const usage = `nextjs-prisma: set DATABASE_URL to the Next.js application's database and AUTH_SECRET to its secret:
  DATABASE_URL=postgres://user:pass@localhost:5432/app AUTH_SECRET=… go run ./examples/nextjs-prisma
or try it without the application (and without AUTH_SECRET) on any PostgreSQL database:
  DATABASE_URL=… go run ./examples/nextjs-prisma -demo
A database to try this on: docker run --rm -e POSTGRES_PASSWORD=pass -p 5432:5432 postgres
(then DATABASE_URL=postgres://postgres:pass@localhost:5432/postgres).`

func main() {
	flag.Parse()
	dsn, secret := os.Getenv("DATABASE_URL"), os.Getenv("AUTH_SECRET")
	if dsn == "" || (secret == "" && !*demo) {
		fmt.Fprintln(os.Stderr, usage)
		os.Exit(2)
	}
	// Ctrl-C (or SIGTERM) cancels ctx, which stops the service cleanly.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, dsn, secret)
	stop()
	if err != nil && !(ctx.Err() != nil && errors.Is(err, context.Canceled)) {
		fmt.Fprintf(os.Stderr, "error: %v\n", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, dsn, secret string) error {
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
	if *demo {
		if err := gormauth.AutoMigrate(ctx, db, gormauth.Prisma); err != nil {
			return fmt.Errorf("demo: creating the tables: %w", err)
		}
	}
	if err := checkTables(ctx, db); err != nil {
		return err
	}
	repo := repository.New(db, gormauth.Prisma, repository.Options{Secret: []string{secret}})

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	base := "http://" + ln.Addr().String()
	fmt.Printf("listening on %s\n", base)
	if *demo {
		removeJar, err := seedDemo(ctx, repo, base)
		if err != nil {
			ln.Close()
			return err
		}
		defer removeJar()
	}
	return serve(ctx, ln, routes(repo))
}

// checkTables refuses tables that are not those Prisma's migration makes:
// any that is missing or differs. The columns, indexes and constraints an
// application adds of its own are only noted.
func checkTables(ctx context.Context, db *gorm.DB) error {
	diffs, err := gormauth.CheckSchema(ctx, db, gormauth.Prisma)
	if err != nil {
		return fmt.Errorf("checking the tables: %w", err)
	}
	var refused []string
	for _, d := range diffs {
		switch d.Kind {
		case gormauth.ExtraColumn, gormauth.ExtraIndex, gormauth.ExtraConstraint:
			fmt.Fprintf(os.Stderr, "note: %s\n", d)
		default:
			refused = append(refused, "  "+d.String())
		}
	}
	if len(refused) > 0 {
		return fmt.Errorf("these are not the tables Prisma makes from prisma/schema.prisma (run the Next.js application's npx prisma migrate deploy on this database first):\n%s",
			strings.Join(refused, "\n"))
	}
	return nil
}

// routes returns the service's handler. Both routes need a session
// (nextauthhttp.Middleware: Load, then Require); the sign-out, which changes
// state, is protected from cross-site requests too, and its answer expires
// the cookie rather than sending it again with a later expiry.
func routes(repo *repository.Repository) http.Handler {
	cookie := nextauthhttp.CookieOf(repo, nextauthhttp.Options{})
	me := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, _ := nextauthhttp.UserFrom(r.Context())
		writeJSON(w, http.StatusOK, user)
	})
	signOut := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess, _ := nextauthhttp.SessionFrom(r.Context())
		if err := repo.Sessions.Delete(r.Context(), sess.SessionToken); err != nil && !errors.Is(err, repository.ErrNotFound) {
			slog.Error("signing out", "error", err)
			writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "internal server error"})
			return
		}
		cookie.Clear(w, r) // as Auth.js's sign-out clears it
		writeJSON(w, http.StatusOK, map[string]bool{"signedOut": true})
	})
	mux := http.NewServeMux()
	mux.Handle("GET /api/me", nextauthhttp.Middleware(repo, nextauthhttp.Options{})(me))
	mux.Handle("POST /api/signout", http.NewCrossOriginProtection().Handler(
		nextauthhttp.Middleware(repo, nextauthhttp.Options{NoCookieRefresh: true})(signOut)))
	return mux
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// serve serves h on ln until ctx is cancelled, then shuts down gracefully.
func serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutting down: %w", err)
	}
	fmt.Println("stopped")
	return nil
}

// seedDemo gives demo@example.com (made if missing) a session, writes its
// cookie into a curl cookie jar, a new temporary file that only this user
// can read, and prints the curl commands to try. The returned function
// removes the jar.
func seedDemo(ctx context.Context, repo *repository.Repository, base string) (func(), error) {
	email, name := "demo@example.com", "Demo User"
	user, err := repo.Users.ByEmail(ctx, email)
	if errors.Is(err, repository.ErrNotFound) {
		user = &repository.User{Name: &name, Email: &email}
		err = repo.Users.Create(ctx, user)
	}
	if err != nil {
		return nil, fmt.Errorf("demo user: %w", err)
	}
	sess, err := repo.Sessions.Create(ctx, user.ID)
	if err != nil {
		return nil, fmt.Errorf("demo session: %w", err)
	}
	jar, err := os.CreateTemp("", "nextjs-prisma-cookies-*.txt")
	if err != nil {
		return nil, fmt.Errorf("demo cookie jar: %w", err)
	}
	defer jar.Close()
	host, _, _ := net.SplitHostPort(strings.TrimPrefix(base, "http://"))
	// The Netscape cookie-file format, which curl -b reads.
	_, err = fmt.Fprintf(jar, "#HttpOnly_%s\tFALSE\t/\tFALSE\t%d\t%s\t%s\n",
		host, sess.Expires.Unix(), gormauth.Prisma.CookieName(false), nextauthhttp.EncodeValue(sess.SessionToken))
	if err != nil {
		os.Remove(jar.Name())
		return nil, fmt.Errorf("demo cookie jar: %w", err)
	}
	fmt.Printf("demo: user %s <%s> has a session until %s; its cookie is in %s\n", user.ID, email, sess.Expires.Format(time.RFC3339), jar.Name())
	fmt.Printf("try:  curl -b %s %s/api/me\n", jar.Name(), base)
	fmt.Printf("      curl -b %s -X POST %s/api/signout\n", jar.Name(), base)
	fmt.Printf("      curl -i %s/api/me\n", base)
	return func() { os.Remove(jar.Name()) }, nil
}
