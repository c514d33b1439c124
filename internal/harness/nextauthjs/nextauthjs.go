// Package nextauthjs runs the real NextAuth.js 2.0.0-beta.73 against a
// PostgreSQL database, for tests: its TypeORM adapter and its request
// handler.
//
// NextAuth.js comes from npm: package.json and package-lock.json in this
// folder pin next-auth 2.0.0-beta.73, typeorm 0.2.25 and the pg driver.
// Install runs `npm ci` here when node_modules is missing or was installed
// from another package-lock.json (node_modules is not committed); Sync and
// Ops then run run.js with Node.js, which opens the adapter exactly as a
// NextAuth.js application does (Adapters.Default with the database URL).
//
// Node.js and npm must be installed (Debian/Ubuntu: apt-get install nodejs
// npm, or scripts/setup.sh), and npm ci needs the npm registry.
package nextauthjs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/gormauth/gormauth/internal/harness/npm"
)

// InstallHint says how to get Node.js and npm.
const InstallHint = npm.InstallHint

// Dir returns the folder that holds package.json, run.js and, once Install
// has run, node_modules: the folder of this source file.
func Dir() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "internal/harness/nextauthjs"
	}
	return filepath.Dir(file)
}

// Install runs `npm ci` in Dir unless node_modules already holds what
// package-lock.json pins, and reports how long it took (0 when there was
// nothing to do). Processes that install at once (the test binaries of
// several packages, a test's child process) take turns: the first installs,
// the others find it done. It fails (never skips) when node or npm is
// missing, with InstallHint in the error.
func Install(ctx context.Context) (time.Duration, error) {
	d, err := npm.Install(ctx, Dir())
	if err != nil {
		return d, fmt.Errorf("nextauthjs: %w", err)
	}
	return d, nil
}

// Versions are the versions of what run.js ran, as the packages report
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

// Op is one operation of an Ops run: "op" names it (a key of run.js's
// OPS: createUser, getSession, handler, …), the other keys are its
// arguments.
type Op map[string]any

// OpsInput is what an Ops run does.
type OpsInput struct {
	// Secret is NextAuth.js's secret option.
	Secret string `json:"secret"`
	// Site is NextAuth.js's site option, e.g. http://localhost:3000.
	Site string `json:"site"`
	// MaxAge and UpdateAge are the session options, in seconds; 0 means
	// NextAuth.js's defaults (30 days, 24 hours).
	MaxAge    int `json:"maxAge,omitempty"`
	UpdateAge int `json:"updateAge,omitempty"`
	// OAuthProfiles are the profiles of the local OAuth provider
	// "testoauth", by authorization code: NextAuth.js's OAuth callback with
	// ?code=C signs in the person whose profile is OAuthProfiles[C].
	OAuthProfiles map[string]Profile `json:"oauthProfiles,omitempty"`
	// Ops run in order.
	Ops []Op `json:"ops"`
}

// Profile is what the local OAuth provider says about a person.
type Profile struct {
	ID    string `json:"id"`
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
	Image string `json:"image,omitempty"`
}

// OpsOutput is what an Ops run printed.
type OpsOutput struct {
	Versions Versions `json:"versions"`
	// TimeZone is the zone Node.js ran in, as ICU names it.
	TimeZone string   `json:"timeZone"`
	Results  []Result `json:"results"`
}

// Result is what one Op returned, or the error it threw.
type Result struct {
	OK    json.RawMessage `json:"ok"`
	Error string          `json:"error"`
}

// Decode decodes the result into v, or returns the error the op threw.
func (r Result) Decode(v any) error {
	if r.Error != "" {
		return errors.New(r.Error)
	}
	return json.Unmarshal(r.OK, v)
}

// Ops runs in's operations with NextAuth.js on dsn, in a Node.js process
// whose TZ is tz (its own if empty). Call Install first.
func Ops(ctx context.Context, dsn, tz string, in OpsInput) (*OpsOutput, error) {
	b, err := json.Marshal(in)
	if err != nil {
		return nil, err
	}
	var env []string
	if tz != "" {
		env = append(env, "TZ="+tz)
	}
	var out OpsOutput
	if _, err := run(ctx, dsn, "ops", b, &out, env...); err != nil {
		return nil, err
	}
	if len(out.Results) != len(in.Ops) {
		return nil, fmt.Errorf("nextauthjs: %d ops, %d results", len(in.Ops), len(out.Results))
	}
	return &out, nil
}

// run runs `node run.js mode` with DATABASE_URL, env and stdin, and
// decodes its stdout into out.
func run(ctx context.Context, dsn, mode string, stdin []byte, out any, env ...string) (time.Duration, error) {
	if _, err := os.Stat(filepath.Join(Dir(), "node_modules", "next-auth")); err != nil {
		return 0, errors.New("nextauthjs: node_modules is not installed: call Install first")
	}
	d, err := npm.Run(ctx, Dir(), dsn, env, stdin, out, "run.js", mode)
	if err != nil {
		return d, fmt.Errorf("nextauthjs: %w", err)
	}
	return d, nil
}
