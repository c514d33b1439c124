// Signin is a complete Go web application that signs people in with
// gormauth alone, no NextAuth.js: "Sign in with GitHub" through goth
// (package gothauth), email sign-in links, an account page that lists the
// linked accounts and where the user is signed in, signing out of one
// device, of all the others, or here, and linking another provider.
//
//	DATABASE_URL=postgres://user:pass@localhost:5432/app go run . -demo
//
// -demo needs no internet and no accounts anywhere: the app serves its own
// OAuth provider (gothauth/oauthdemo, under /demo-provider/, offered as
// "GitHub (demo)" and "GitLab (demo)"), and prints sign-in links on the
// console instead of mailing them. Without -demo it signs in with GitHub:
// set GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET of an OAuth app whose
// callback URL is http://<addr>/auth/github/callback; and it mails sign-in
// links through SMTP_URL (smtp://user:pass@host:587 with STARTTLS, or
// smtps://…:465; characters such as / ? # in the password percent-encoded)
// from MAIL_FROM, and refuses to start without them. A server that offers
// no STARTTLS is sent nothing, unless it is on the loopback interface or
// SMTP_URL is smtp://host:25?insecure=1, only for a relay on a network you
// trust that takes no password: anyone on the way reads the links.
//
// A sign-in link opens a page that asks the person to continue, and only
// that page's button signs in, so that a mail scanner fetching the link
// uses up nothing. Links are limited, in any 15 minutes, to 3 per inbox
// (however the address is spelled: case, +tags, Gmail's dots), 10 per
// client, 30 per client network (an IPv4 /24, an IPv6 /48) and 50 per
// recipient domain, counted in this process (see package ratelimit); a
// new link replaces the address's earlier ones. An address whose domain
// is an IP address or a domain literal ([192.0.2.1]) is refused. Behind
// reverse proxies, -proxies tells how many, so that the client is read
// from X-Forwarded-For.
//
// `make signin` in gormauth's repository runs it against a throwaway
// PostgreSQL, removed on exit. Set SECRET (32 characters or more) to keep
// sign-in links and pending OAuth sign-ins valid across restarts; Ctrl-C
// stops the server.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/markbates/goth/providers/github"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/gothauth/oauthdemo"
	"github.com/gormauth/gormauth/repository"
)

var (
	addr    = flag.String("addr", "127.0.0.1:8080", "address to listen on")
	demo    = flag.Bool("demo", false, "serve a local demo OAuth provider and print sign-in links, for a machine without internet")
	proxies = flag.Int("proxies", 0, "how many reverse proxies of yours are in front of the app, each appending to X-Forwarded-For (0: the header is ignored; more than there are lets clients pick the address they are limited as)")
)

// noDatabase is printed when DATABASE_URL is not set.
const noDatabase = `signin: DATABASE_URL is not set. Point it at a PostgreSQL database, for example
  DATABASE_URL=postgres://user:pass@localhost:5432/app go run . -demo
A database to try this on: docker run --rm -e POSTGRES_PASSWORD=pass -p 5432:5432 postgres
(then DATABASE_URL=postgres://postgres:pass@localhost:5432/postgres), or "make signin" in
gormauth's repository, which starts a throwaway PostgreSQL.`

// settings are what the app is started with: the flags and the
// environment.
type settings struct {
	addr    string
	demo    bool
	proxies int
	// dsn is DATABASE_URL; secret is SECRET.
	dsn, secret string
	// smtpURL and mailFrom are SMTP_URL and MAIL_FROM.
	smtpURL, mailFrom string
	// githubID and githubSecret are GITHUB_CLIENT_ID and
	// GITHUB_CLIENT_SECRET.
	githubID, githubSecret string
}

func main() {
	flag.Parse()
	s := settings{addr: *addr, demo: *demo, proxies: *proxies,
		dsn: os.Getenv("DATABASE_URL"), secret: os.Getenv("SECRET"),
		smtpURL: os.Getenv("SMTP_URL"), mailFrom: os.Getenv("MAIL_FROM"),
		githubID: os.Getenv("GITHUB_CLIENT_ID"), githubSecret: os.Getenv("GITHUB_CLIENT_SECRET")}
	if s.dsn == "" {
		fmt.Fprintln(os.Stderr, noDatabase)
		os.Exit(2)
	}
	// Ctrl-C (or SIGTERM) cancels ctx, which shuts the server down.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, s)
	stop()
	if err != nil && !(ctx.Err() != nil && errors.Is(err, context.Canceled)) {
		fmt.Fprintf(os.Stderr, "error: %v\n", err)
		os.Exit(1)
	}
}

// demoPeople are who can sign in at the demo provider.
var demoPeople = oauthdemo.People{
	{ID: 1001, Login: "alice", Name: "Alice Liddell", Email: "alice@example.com"},
	{ID: 1002, Login: "bob", Name: "Bob Builder", Email: "bob@example.com"},
}

// run serves the app until ctx is done. Without -demo it first checks the
// mailer's and GitHub's settings, and returns an error naming what is
// missing before it opens the database.
func run(ctx context.Context, s settings) error {
	mail := printLink
	if !s.demo {
		m, err := newMailer(s.smtpURL, s.mailFrom)
		if err != nil {
			return err
		}
		mail = m.send
		if s.githubID == "" || s.githubSecret == "" {
			return errors.New("set GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET, or run with -demo")
		}
	}
	db, err := gorm.Open(postgres.Open(s.dsn), &gorm.Config{Logger: logger.New(log.New(os.Stderr, "", log.LstdFlags),
		logger.Config{SlowThreshold: time.Second, LogLevel: logger.Warn, ParameterizedQueries: true, IgnoreRecordNotFoundError: true})})
	if err != nil {
		return fmt.Errorf("opening the database: %w", err)
	}
	if err := gormauth.AutoMigrate(ctx, db, gormauth.Beta73); err != nil {
		return fmt.Errorf("migrating: %w", err)
	}
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		return err
	}
	base := "http://" + ln.Addr().String()
	secret := s.secret
	if len(secret) < 32 {
		secret = randomSecret()
	}
	cfg := config{
		repo:    repository.New(db, gormauth.Beta73, repository.Options{Secret: []string{secret}}),
		baseURL: base,
		secret:  secret,
		mail:    mail,
		proxies: s.proxies,
		demo:    s.demo,
		logger:  slog.Default(),
	}
	mux := http.NewServeMux()
	if s.demo {
		cfg.providers = mountDemo(mux, base, nil)
	} else {
		cfg.providers = append(cfg.providers, provider{Provider: github.New(s.githubID, s.githubSecret, base+"/auth/github/callback", "user:email"), Label: "GitHub"})
	}
	h, err := newApp(cfg)
	if err != nil {
		return err
	}
	mux.Handle("/", h)
	srv := newServer(mux)
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shutdown)
	}()
	fmt.Printf("signin: open %s in a browser (Ctrl-C stops)\n", base)
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// printLink prints a sign-in link on the console, in demo mode only: a
// link is as good as a password until it is used.
func printLink(_ context.Context, to, link string) error {
	fmt.Printf("\nsign-in link for %s (demo: printed instead of mailed):\n  %s\n\n", to, link)
	return nil
}

// newServer returns the server of h, with timeouts that keep a slow or
// idle client from holding a connection: 10 seconds to send the headers,
// 30 for the whole request, 60 to answer (a callback waits for the
// provider), and 2 minutes idle between requests.
func newServer(h http.Handler) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 2 * time.Minute}
}

// mountDemo serves the demo OAuth provider under /demo-provider/ on mux,
// and returns it as two providers, "GitHub (demo)" and "GitLab (demo)", for
// the app at base; client (nil: the default) makes the app's requests to
// it.
func mountDemo(mux *http.ServeMux, base string, client *http.Client) []provider {
	demo := oauthdemo.New(demoPeople)
	mux.Handle("/demo-provider/", http.StripPrefix("/demo-provider", demo))
	var providers []provider
	for _, p := range []struct{ name, label string }{{"github", "GitHub (demo)"}, {"gitlab", "GitLab (demo)"}} {
		gp := demo.LabeledProvider(base+"/demo-provider", p.name, p.label, base+"/auth/"+p.name+"/callback")
		gp.HTTPClient = client
		providers = append(providers, provider{Provider: gp, Label: p.label})
	}
	return providers
}

func randomSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
