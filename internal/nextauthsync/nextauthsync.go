// Package nextauthsync runs the real NextAuth.js 2.0.0-beta.73 TypeORM
// adapter against a PostgreSQL database, for tests.
//
// The adapter comes from npm: package.json and package-lock.json in this
// folder pin next-auth 2.0.0-beta.73, typeorm 0.2.25 and the pg driver.
// Install runs `npm ci` here once per process (node_modules is not
// committed); Sync and Write then run sync.js with Node.js, which opens the
// adapter exactly as a NextAuth.js application does (Adapters.Default with
// the database URL).
//
// Node.js and npm must be installed (Debian/Ubuntu: apt-get install nodejs
// npm, or scripts/setup.sh), and npm ci needs the npm registry.
package nextauthsync

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// InstallHint says how to get Node.js and npm.
const InstallHint = "install Node.js and npm (Debian/Ubuntu: apt-get install nodejs npm, or run scripts/setup.sh)"

var (
	installOnce sync.Once
	installDur  time.Duration
	installErr  error
)

// Dir returns the folder that holds package.json, sync.js and, once
// Install has run, node_modules: the folder of this source file.
func Dir() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "internal/nextauthsync"
	}
	return filepath.Dir(file)
}

// Install runs `npm ci` in Dir, once per process: later calls wait for the
// first and return its result. It returns how long npm ci took. It fails
// (never skips) when node or npm is missing, with InstallHint in the error.
func Install(ctx context.Context) (time.Duration, error) {
	installOnce.Do(func() {
		for _, tool := range []string{"node", "npm"} {
			if _, err := exec.LookPath(tool); err != nil {
				installErr = fmt.Errorf("nextauthsync: %s is not on PATH: %s", tool, InstallHint)
				return
			}
		}
		ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
		defer cancel()
		start := time.Now()
		cmd := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
		cmd.Dir = Dir()
		out, err := cmd.CombinedOutput()
		installDur = time.Since(start)
		if err != nil {
			installErr = fmt.Errorf("nextauthsync: npm ci in %s: %w\n%s", cmd.Dir, err, out)
		}
	})
	return installDur, installErr
}

// Versions are the versions of what sync.js ran, as the packages report
// them.
type Versions struct {
	NextAuth string `json:"nextAuth"`
	TypeORM  string `json:"typeorm"`
	PG       string `json:"pg"`
	Node     string `json:"node"`
}

// SyncResult is what Sync found.
type SyncResult struct {
	Versions Versions `json:"versions"`
	// WouldRun are the up queries TypeORM's schema synchronisation would
	// run, asked (createSchemaBuilder().log()) before it ran.
	WouldRun []string `json:"wouldRun"`
	// AfterSync are the up queries it would run after it ran.
	AfterSync []string `json:"afterSync"`
	// MS holds how long, in milliseconds, opening the adapter and logging
	// the queries took (Plan), and opening it with synchronize=true (Sync).
	MS struct {
		Plan int64 `json:"plan"`
		Sync int64 `json:"sync"`
	} `json:"ms"`
	// Elapsed is the wall time of the whole node process.
	Elapsed time.Duration `json:"-"`
}

// Sync opens NextAuth.js's adapter on the database dsn names, first with
// synchronize=false to log what TypeORM's synchronisation would run, then
// with synchronize=true as an application does, which really runs it. Call
// Install first.
func Sync(ctx context.Context, dsn string) (*SyncResult, error) {
	var r SyncResult
	elapsed, err := run(ctx, dsn, "sync", nil, &r)
	if err != nil {
		return nil, err
	}
	r.Elapsed = elapsed
	return &r, nil
}

// WriteInput is what Write writes through the adapter's API.
type WriteInput struct {
	// Secret is the application secret createVerificationRequest hashes
	// the token with.
	Secret string `json:"secret"`
	User   struct {
		Name  string `json:"name,omitempty"`
		Email string `json:"email,omitempty"`
		Image string `json:"image,omitempty"`
	} `json:"user"`
	Account struct {
		ProviderID         string `json:"providerId"`
		ProviderType       string `json:"providerType"`
		ProviderAccountID  string `json:"providerAccountId"`
		RefreshToken       string `json:"refreshToken,omitempty"`
		AccessToken        string `json:"accessToken,omitempty"`
		AccessTokenExpires string `json:"accessTokenExpires,omitempty"`
	} `json:"account"`
	Verification struct {
		Identifier string `json:"identifier"`
		URL        string `json:"url"`
		Token      string `json:"token"`
		// MaxAge is the email provider's maxAge, in seconds.
		MaxAge int `json:"maxAge"`
	} `json:"verification"`
}

// Written is what the adapter's methods returned, as JSON objects (TypeORM
// entities with camelCase fields).
type Written struct {
	Versions     Versions       `json:"versions"`
	User         map[string]any `json:"user"`
	Account      map[string]any `json:"account"`
	Session      map[string]any `json:"session"`
	Verification map[string]any `json:"verification"`
}

// Write opens NextAuth.js's adapter on dsn (without synchronize) and calls
// createUser, linkAccount, createSession (for that user) and
// createVerificationRequest with in. Call Install first.
func Write(ctx context.Context, dsn string, in WriteInput) (*Written, error) {
	b, err := json.Marshal(in)
	if err != nil {
		return nil, err
	}
	var w Written
	if _, err := run(ctx, dsn, "write", b, &w); err != nil {
		return nil, err
	}
	return &w, nil
}

// run runs `node sync.js mode` with DATABASE_URL and stdin, and decodes its
// stdout into out.
func run(ctx context.Context, dsn, mode string, stdin []byte, out any) (time.Duration, error) {
	u, err := URL(dsn)
	if err != nil {
		return 0, err
	}
	if _, err := os.Stat(filepath.Join(Dir(), "node_modules", "next-auth")); err != nil {
		return 0, errors.New("nextauthsync: node_modules is not installed: call Install first")
	}
	cmd := exec.CommandContext(ctx, "node", "sync.js", mode)
	cmd.Dir = Dir()
	cmd.Env = append(os.Environ(), "DATABASE_URL="+u)
	cmd.Stdin = bytes.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err = cmd.Run()
	elapsed := time.Since(start)
	if err != nil {
		return elapsed, fmt.Errorf("nextauthsync: node sync.js %s: %w\nstderr:\n%s\nstdout:\n%s", mode, err, stderr.Bytes(), stdout.Bytes())
	}
	if err := json.Unmarshal(stdout.Bytes(), out); err != nil {
		return elapsed, fmt.Errorf("nextauthsync: node sync.js %s printed no JSON result: %w\n%s", mode, err, stdout.Bytes())
	}
	return elapsed, nil
}

// URL returns dsn as the postgres:// URL NextAuth.js's adapter parses: a
// URL is returned as it is; a key/value DSN is converted (host, port, user,
// password, database). NextAuth.js passes the URL's query parameters to
// TypeORM as options, so sslmode has no effect and it connects without TLS;
// and it does not percent-decode the user name and password, so they must
// be ones that need no escaping in a URL.
func URL(dsn string) (string, error) {
	if u, err := url.Parse(dsn); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		return dsn, nil
	}
	cfg, err := pgconn.ParseConfig(dsn)
	if err != nil {
		return "", fmt.Errorf("nextauthsync: parsing the DSN: %w", err)
	}
	u := &url.URL{
		Scheme: "postgres",
		Host:   net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port))),
		Path:   "/" + cfg.Database,
	}
	if cfg.Password != "" {
		u.User = url.UserPassword(cfg.User, cfg.Password)
	} else {
		u.User = url.User(cfg.User)
	}
	return u.String(), nil
}
