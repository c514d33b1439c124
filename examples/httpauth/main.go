// Httpauth is a net/http service protected by the nextauthhttp middleware:
// it knows who is signed in from NextAuth.js's session cookie, so it can run
// beside a NextAuth.js application on the same database. It keeps
// NextAuth.js 2.0.0-beta.73's tables (gormauth.Beta73); the middleware takes
// a repository of any flavour (repository.New) alike.
//
//	GET  /            public: says what the service is, and greets a signed-in user
//	GET  /api/me      the signed-in user as JSON, or 401 {"error":"unauthorized"}
//	POST /api/signout deletes the session and expires the cookie
//
// Run it with
//
//	DATABASE_URL=postgres://user:pass@localhost:5432/app go run ./examples/httpauth -demo
//
// -demo seeds the user demo@example.com with a session and writes its cookie
// into a curl cookie jar (a file only you can read: the token is never
// printed), then prints the curl commands to try; Ctrl-C stops the service.
// Beside a NextAuth.js application, point DATABASE_URL at its database and
// serve this on the same site, so the browser sends the cookie here too.
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
	"path/filepath"
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
	addr       = flag.String("addr", "127.0.0.1:8080", "address to listen on (port 0 picks a free one)")
	demo       = flag.Bool("demo", false, "seed a demo user and session, and write its cookie to a curl cookie jar")
	cookieJar  = flag.String("cookie-jar", "", "where -demo writes the cookie jar (default: a file in a new temporary folder, removed on exit)")
	trustProxy = flag.Bool("trust-proxy", false, "count X-Forwarded-Proto: https as HTTPS (only behind a proxy that sets it)")
)

// noDatabase is printed when DATABASE_URL is not set.
const noDatabase = `httpauth: DATABASE_URL is not set. Point it at a PostgreSQL database, for example
  DATABASE_URL=postgres://user:pass@localhost:5432/app go run ./examples/httpauth -demo
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
	repo := repository.New(db, gormauth.Beta73, repository.Options{})

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	base := "http://" + urlHost(ln.Addr().(*net.TCPAddr))
	srv := &http.Server{
		Handler:           routes(repo),
		ReadHeaderTimeout: 10 * time.Second,
	}
	fmt.Printf("listening on %s\n", base)

	if *demo {
		cleanup, err := seedDemo(ctx, repo, base)
		if err != nil {
			ln.Close()
			return err
		}
		defer cleanup()
	}

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	fmt.Println("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutting down: %w", err)
	}
	fmt.Println("stopped")
	return nil
}

// routes returns the service's handler: every request goes through
// nextauthhttp.Load, so / greets a signed-in user; /api/ needs a session
// (nextauthhttp.Require); the sign-out is protected from cross-site
// requests.
func routes(repo *repository.Repository) http.Handler {
	opts := nextauthhttp.Options{TrustProxyHeaders: *trustProxy}
	cookie := nextauthhttp.CookieOf(repo, opts)
	protect := http.NewCrossOriginProtection().Handler

	api := http.NewServeMux()
	api.HandleFunc("GET /api/me", func(w http.ResponseWriter, r *http.Request) {
		user, _ := nextauthhttp.UserFrom(r.Context())
		writeJSON(w, http.StatusOK, user)
	})
	api.Handle("POST /api/signout", protect(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess, _ := nextauthhttp.SessionFrom(r.Context())
		if err := repo.Sessions.Delete(r.Context(), sess.SessionToken); err != nil && !errors.Is(err, repository.ErrNotFound) {
			slog.Error("signing out", "error", err)
			writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "internal server error"})
			return
		}
		cookie.Clear(w, r) // as NextAuth.js clears it
		writeJSON(w, http.StatusOK, map[string]bool{"signedOut": true})
	})))

	mux := http.NewServeMux()
	mux.Handle("/api/", nextauthhttp.Require(nil)(api))
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		if user, ok := nextauthhttp.UserFrom(r.Context()); ok {
			fmt.Fprintf(w, "gormauth httpauth example: hello, user %s\n", user.ID)
			return
		}
		fmt.Fprintln(w, "gormauth httpauth example: GET /api/me with a NextAuth.js session cookie")
	})
	return nextauthhttp.Load(repo, opts)(mux)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// seedDemo makes the demo user and a session, writes the session cookie to
// a curl cookie jar, and prints how to use it. The returned function
// removes a jar it put in a temporary folder.
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

	jar, cleanup := *cookieJar, func() {}
	if jar == "" {
		dir, err := os.MkdirTemp("", "gormauth-httpauth-")
		if err != nil {
			return nil, err
		}
		jar, cleanup = filepath.Join(dir, "cookies.txt"), func() { os.RemoveAll(dir) }
	}
	if err := writeCookieJar(jar, base, nextauthhttp.CookieFor(repo.Flavour()).Name, sess); err != nil {
		cleanup()
		return nil, err
	}
	fmt.Printf("demo: user %s <%s> has session %s until %s; its cookie is in %s\n",
		user.ID, email, sess.ID, sess.Expires.Format(time.RFC3339), jar)
	fmt.Printf("try:  curl -b %s %s/api/me\n", jar, base)
	fmt.Printf("      curl -i %s/api/me   # no cookie: 401\n", base)
	return cleanup, nil
}

// writeCookieJar writes sess's cookie, named name, for base's host in the
// Netscape cookie-file format that curl -b reads, readable only by the owner.
func writeCookieJar(path, base, name string, sess *repository.Session) error {
	host := base[len("http://"):]
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	line := fmt.Sprintf("#HttpOnly_%s\tFALSE\t/\tFALSE\t%d\t%s\t%s\n",
		host, sess.Expires.Unix(), name, nextauthhttp.EncodeValue(sess.SessionToken))
	if err := os.WriteFile(path, []byte("# Netscape HTTP Cookie File\n"+line), 0o600); err != nil {
		return fmt.Errorf("writing the cookie jar: %w", err)
	}
	return nil
}

// urlHost returns host:port for a URL to addr; an unspecified address
// (0.0.0.0, ::) becomes 127.0.0.1.
func urlHost(addr *net.TCPAddr) string {
	ip := addr.IP
	if ip == nil || ip.IsUnspecified() {
		ip = net.IPv4(127, 0, 0, 1)
	}
	return net.JoinHostPort(ip.String(), fmt.Sprint(addr.Port))
}
