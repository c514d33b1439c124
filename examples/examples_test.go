// Package examples_test builds every program in examples/ and runs it
// against real PostgreSQL, checking what it prints and how it exits; runs
// one through internal/harness/withpg (the Makefile's throwaway server),
// checking that the server is removed again; and checks that no example
// imports gormauth's internal packages, so that a reader can copy it.
package examples_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/internal/harness/pgserver"
	"github.com/gormauth/gormauth/internal/harness/testdb"
	"github.com/gormauth/gormauth/models"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// wait is how long a program may take to print an expected line or to exit.
// Starting a throwaway PostgreSQL on a busy two-core machine takes seconds.
const wait = 2 * time.Minute

// beta73Cookie is the session cookie's name over HTTP of the examples on
// NextAuth.js 2.0.0-beta.73's tables.
var beta73Cookie = gormauth.Beta73.CookieName(false)

// longHex matches a run of hex digits long enough to be a token or hash
// printed in full; the examples print only the first 8 characters.
var longHex = regexp.MustCompile(`[0-9a-f]{20,}`)

func TestExamples(t *testing.T) {
	bin := build(t)

	t.Run("quickstart", func(t *testing.T) {
		t.Parallel()
		dsn := testdb.New(t)
		p := start(t, bin, "quickstart", dsn)
		require.Equal(t, 0, p.Wait(t), p)
		id := quickstartUser(t, p)
		p.AssertLines(t,
			`^1\. gormauth\.AutoMigrate: Auth\.js's tables \(Prisma\) are in place$`,
			`^   Account +13 columns$`,
			`^   Session +5 columns$`,
			`^   User +7 columns$`,
			`^   VerificationToken +3 columns$`,
			`^2\. Users\.Create: User row id=`+id+` name="Alice" email="alice@example\.com" createdAt=\S+Z$`,
			`^3\. Accounts\.Link: Account row userId=`+id+` provider=github/12345 access_token=\[redacted, 26 bytes\]$`,
			`^4\. Sessions\.Create: Session row userId=`+id+` expires=\S+Z sessionToken=\[redacted, 36 bytes\] \(the authjs\.session-token cookie\)$`,
			`^5\. Sessions\.WithUser: the session is valid until \S+Z and belongs to user `+id+` <alice@example\.com>$`,
			`^6\. Sessions\.Delete: signed out; Sessions\.WithUser now returns ErrNotFound$`,
		)
		p.AssertNoSecrets(t)
		db := testdb.OpenURL(t, dsn)
		assert.Equal(t, int64(1), count(t, db, `"User" WHERE id = ? AND email = ?`, id, "alice@example.com"))
		assert.Equal(t, int64(1), count(t, db, `"Account" WHERE "userId" = ? AND provider = ? AND "providerAccountId" = ?`, id, "github", "12345"))
		assert.Zero(t, count(t, db, `"Session"`), "signed out")

		t.Run("Again", func(t *testing.T) {
			p := start(t, bin, "quickstart", dsn)
			require.Equal(t, 0, p.Wait(t), p)
			again := quickstartUser(t, p)
			assert.NotEqual(t, id, again, "a new user")
			p.AssertLines(t,
				`^   \(removed alice@example\.com, user `+id+`, left by a previous run\)$`,
				`^2\. Users\.Create: User row id=`+again+` `,
				`^6\. Sessions\.Delete: signed out`,
			)
			assert.Equal(t, int64(1), count(t, db, `"User"`), "the previous run's user is gone")
			assert.Equal(t, int64(1), count(t, db, `"Account"`), "with its account")
		})
	})

	t.Run("quickstart/NoDatabaseURL", func(t *testing.T) {
		t.Parallel()
		p := start(t, bin, "quickstart", "")
		assert.Equal(t, 2, p.Wait(t), p)
		assert.Contains(t, p.Stderr(), "quickstart: DATABASE_URL is not set.")
		assert.Contains(t, p.Stderr(), "docker run", "the message says where to get a database")
		assert.Empty(t, p.Stdout())
	})

	t.Run("withpg/ThrowawayServer", func(t *testing.T) {
		// make run: withpg starts a server, runs the example with
		// DATABASE_URL set, and removes the server when it exits.
		t.Parallel()
		needBinaries(t)
		p := start(t, bin, "withpg", "", filepath.Join(bin, "quickstart"))
		require.Equal(t, 0, p.Wait(t), p)
		p.AssertLines(t, `^1\. gormauth\.AutoMigrate`, `^6\. Sessions\.Delete: signed out`)
		assertServerRemoved(t, p)
	})

	t.Run("withpg/DatabaseURLSet", func(t *testing.T) {
		// With DATABASE_URL set, withpg only runs the command, and passes
		// its exit status on.
		t.Parallel()
		dsn := testdb.New(t)
		p := start(t, bin, "withpg", dsn, filepath.Join(bin, "quickstart"))
		require.Equal(t, 0, p.Wait(t), p)
		p.AssertLines(t, `^2\. Users\.Create: User row id=c[0-9a-z]{24} `)
		assert.NotContains(t, p.Stderr(), "throwaway")

		p = start(t, bin, "withpg", dsn, "sh", "-c", `test "$DATABASE_URL" = "$1" && exit 3`, "sh", dsn)
		assert.Equal(t, 3, p.Wait(t), p)
	})

	t.Run("withpg/ClosedStdout", func(t *testing.T) {
		// make run | head -1: the example dies of SIGPIPE or finishes;
		// either way the throwaway server is removed.
		t.Parallel()
		needBinaries(t)
		cmd := exec.Command(filepath.Join(bin, "withpg"), filepath.Join(bin, "quickstart"))
		cmd.Env = environ("")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		stdout, err := cmd.StdoutPipe()
		require.NoError(t, err)
		require.NoError(t, cmd.Start())
		line, err := bufio.NewReader(stdout).ReadString('\n')
		require.NoError(t, err)
		assert.Contains(t, line, "1. gormauth.AutoMigrate")
		require.NoError(t, stdout.Close())
		err = cmd.Wait()
		assert.Contains(t, []int{0, 128 + int(syscall.SIGPIPE)}, cmd.ProcessState.ExitCode(), "%v\n%s", err, stderr.String())
		p := &process{cmd: cmd, stderr: stderr}
		assertServerRemoved(t, p)
	})

	t.Run("withpg/NoCommand", func(t *testing.T) {
		t.Parallel()
		p := start(t, bin, "withpg", "")
		assert.Equal(t, 2, p.Wait(t), p)
		assert.Contains(t, p.Stderr(), "usage: withpg command")
	})

	t.Run("magiclink", func(t *testing.T) {
		t.Parallel()
		dsn := testdb.New(t)
		p := start(t, bin, "magiclink", dsn, "-email", "Bob@Example.com")
		require.Equal(t, 0, p.Wait(t), p)
		p.AssertLines(t,
			`^1\. Verifications\.Create: verification_requests row identifer="bob@example\.com" token=[0-9a-f]{8}… \(sha256 of token\+secret\) expires=\S+Z$`,
			`^2\. The mail would carry: http://localhost:3000/api/auth/callback/email\?email=Bob%40Example\.com&token=\[redacted, 64 bytes\]$`,
			`^3\. SignInEmail: user id=1 email="bob@example\.com" new=true email_verified=\S+Z; session id=1 expires=\S+Z session_token=\[redacted, 64 bytes\]$`,
			`^4\. SignInEmail again: ErrNotFound, the link works only once$`,
		)
		p.AssertNoSecrets(t)

		db := testdb.OpenURL(t, dsn)
		assert.Equal(t, int64(1), count(t, db, "users WHERE email = ? AND email_verified IS NOT NULL", "bob@example.com"))
		assert.Equal(t, int64(1), count(t, db, "sessions JOIN users ON users.id = sessions.user_id WHERE users.email = ?", "bob@example.com"))
		assert.Zero(t, count(t, db, "verification_requests"), "the redeemed token is gone")
	})

	t.Run("magiclink/FullLink", func(t *testing.T) {
		t.Parallel()
		p := start(t, bin, "magiclink", testdb.New(t), "-full-link", "-url", "https://app.example.com")
		require.Equal(t, 0, p.Wait(t), p)
		p.AssertLines(t, `^2\. The mail would carry: https://app\.example\.com/api/auth/callback/email\?email=bob%40example\.com&token=[0-9a-f]{64}$`)
	})

	t.Run("httpauth", func(t *testing.T) {
		t.Parallel()
		jar := filepath.Join(t.TempDir(), "cookies.txt")
		p := start(t, bin, "httpauth", testdb.New(t), "-demo", "-addr", "127.0.0.1:0", "-cookie-jar", jar)
		base := p.WaitLine(t, `^listening on (http://127\.0\.0\.1:\d+)$`)[1]
		p.WaitLine(t, `^try:  curl -b `+regexp.QuoteMeta(jar)+` `+regexp.QuoteMeta(base)+`/api/me$`)
		token := cookieFromJar(t, jar, base, beta73Cookie)

		resp := get(t, base+"/api/me", "")
		assert.Equal(t, http.StatusUnauthorized, resp.status)
		assert.JSONEq(t, `{"error":"unauthorized"}`, resp.body)

		resp = get(t, base+"/api/me", token)
		require.Equal(t, http.StatusOK, resp.status, resp.body)
		var user struct{ ID, Email string }
		require.NoError(t, json.Unmarshal([]byte(resp.body), &user))
		require.NotEmpty(t, user.ID)
		assert.Equal(t, "demo@example.com", user.Email)

		resp = get(t, base+"/", "")
		assert.Equal(t, http.StatusOK, resp.status)
		assert.NotContains(t, resp.body, "hello")
		resp = get(t, base+"/", token)
		assert.Equal(t, http.StatusOK, resp.status)
		assert.Contains(t, resp.body, fmt.Sprintf("hello, user %s\n", user.ID), "the public page sees who is signed in")

		require.NoError(t, p.cmd.Process.Signal(os.Interrupt))
		require.Equal(t, 0, p.Wait(t), p)
		p.AssertLines(t, `^shutting down$`, `^stopped$`)
		assert.NotContains(t, p.Stdout(), token)
		assert.NotContains(t, p.Stderr(), token)
		_, err := os.Stat(jar)
		assert.NoError(t, err, "a jar named by -cookie-jar is left for the user")
	})

	t.Run("httpauth/SignOut", func(t *testing.T) {
		t.Parallel()
		p := start(t, bin, "httpauth", testdb.New(t), "-demo", "-addr", "127.0.0.1:0")
		base := p.WaitLine(t, `^listening on (http://127\.0\.0\.1:\d+)$`)[1]
		jar := p.WaitLine(t, `^try:  curl -b (\S+) `)[1]
		token := cookieFromJar(t, jar, base, beta73Cookie)

		req, err := http.NewRequest(http.MethodPost, base+"/api/signout", nil)
		require.NoError(t, err)
		req.AddCookie(&http.Cookie{Name: beta73Cookie, Value: token})
		req.Header.Set("Sec-Fetch-Site", "cross-site") // a form on another site
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		res.Body.Close()
		assert.Equal(t, http.StatusForbidden, res.StatusCode, "a cross-site sign-out is refused")
		assert.Equal(t, http.StatusOK, get(t, base+"/api/me", token).status)

		req.Header.Set("Sec-Fetch-Site", "same-origin")
		res, err = http.DefaultClient.Do(req)
		require.NoError(t, err)
		res.Body.Close()
		assert.Equal(t, http.StatusOK, res.StatusCode)
		assert.Equal(t, []string{beta73Cookie + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"}, res.Header.Values("Set-Cookie"))
		assert.Equal(t, http.StatusUnauthorized, get(t, base+"/api/me", token).status)

		require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
		require.Equal(t, 0, p.Wait(t), p)
		_, err = os.Stat(jar)
		assert.True(t, os.IsNotExist(err), "the temporary cookie jar is removed on exit")
	})

	t.Run("withpg/Interrupted", func(t *testing.T) {
		// Ctrl-C on make run: withpg passes the signal on once, the
		// example stops cleanly, and the server is removed.
		t.Parallel()
		needBinaries(t)
		p := start(t, bin, "withpg", "", filepath.Join(bin, "httpauth"), "-addr", "127.0.0.1:0")
		p.WaitLine(t, `^listening on `)
		require.NoError(t, p.cmd.Process.Signal(os.Interrupt))
		require.Equal(t, 0, p.Wait(t), p)
		p.AssertLines(t, `^stopped$`)
		assertServerRemoved(t, p)
	})

	t.Run("cleanup", func(t *testing.T) {
		t.Parallel()
		dsn := testdb.New(t)
		p := start(t, bin, "cleanup", dsn, "-demo", "-interval", "200ms")
		p.WaitLine(t, `^cleaning up every 200ms; Ctrl-C to stop$`)
		p.WaitLine(t, `^\d\d:\d\d:\d\d pass: deleted 3 expired sessions and 2 expired sign-in tokens in \S+; ok$`)
		p.WaitLine(t, `^\d\d:\d\d:\d\d pass: deleted 0 expired sessions and 0 expired sign-in tokens in \S+; ok$`)
		require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
		require.Equal(t, 0, p.Wait(t), p)
		p.AssertLines(t, `^demo: seeded 3 expired sessions and 2 expired sign-in tokens`, `^stopped$`)

		db := testdb.OpenURL(t, dsn)
		var sessions, tokens int64
		require.NoError(t, db.Model(&models.Session{}).Count(&sessions).Error)
		require.NoError(t, db.Model(&models.VerificationRequest{}).Count(&tokens).Error)
		assert.Equal(t, int64(1), sessions, "the valid session is kept")
		assert.Equal(t, int64(1), tokens, "the valid sign-in token is kept")
	})

	t.Run("cleanup/Once", func(t *testing.T) {
		t.Parallel()
		p := start(t, bin, "cleanup", testdb.New(t), "-demo", "-once")
		require.Equal(t, 0, p.Wait(t), p)
		p.AssertLines(t, `^\d\d:\d\d:\d\d pass: deleted 3 expired sessions and 2 expired sign-in tokens in \S+; ok$`)
		assert.NotContains(t, p.Stdout(), "cleaning up every")
	})

	for _, x := range nextJSExamples {
		// Refused: an empty database, each missing table named, and
		// incompatible tables, the difference printed; either way nothing
		// is created or changed (the application's tool owns the tables).
		refusals := map[string]func(t *testing.T, db *gorm.DB) (printed []string){
			"NoTables": func(*testing.T, *gorm.DB) (printed []string) {
				for _, table := range x.tables {
					printed = append(printed, `^  `+table+`: missing table: `)
				}
				return printed
			},
			"Incompatible": func(t *testing.T, db *gorm.DB) []string {
				x.migrate(t, db)
				testdb.Exec(t, db, x.incompatible)
				return []string{`^  ` + regexp.QuoteMeta(x.difference) + `$`}
			},
		}
		for name, setup := range refusals {
			t.Run(x.name+"/"+name, func(t *testing.T) {
				t.Parallel()
				dsn := testdb.New(t)
				db := testdb.OpenURL(t, dsn)
				printed := setup(t, db)
				before := testdb.CatalogDump(t, db)
				p := startEnv(t, bin, x.name, environ(dsn, x.env...), "-addr", "127.0.0.1:0")
				require.Equal(t, 1, p.Wait(t), p)
				assert.Empty(t, p.Stdout(), "it does not start")
				assert.Contains(t, p.Stderr(), "error: "+x.refusal)
				for _, line := range printed {
					assert.Regexp(t, `(?m)`+line, p.Stderr())
				}
				assert.Equal(t, before, testdb.CatalogDump(t, db), "nothing is created or changed")
			})
		}

		t.Run(x.name+"/Serves", func(t *testing.T) {
			// The tables as the application's tool makes them, with a
			// column the application added: noted, and served.
			t.Parallel()
			dsn := testdb.New(t)
			db := testdb.OpenURL(t, dsn)
			x.migrate(t, db)
			testdb.Exec(t, db, x.extraColumn)
			before := testdb.CatalogDump(t, db)
			p := startEnv(t, bin, x.name, environ(dsn, x.env...), "-addr", "127.0.0.1:0")
			base := p.WaitLine(t, `^listening on (http://127\.0\.0\.1:\d+)$`)[1]
			assert.Contains(t, p.Stderr(), "note: "+x.extra)
			res := send(t, http.MethodGet, base+"/api/me", "", "")
			assert.Equal(t, http.StatusUnauthorized, res.status)
			assert.JSONEq(t, `{"error":"unauthorized"}`, res.body)
			require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
			require.Equal(t, 0, p.Wait(t), p)
			p.AssertLines(t, `^stopped$`)
			assert.Equal(t, before, testdb.CatalogDump(t, db), "nothing is changed")
		})

		t.Run(x.name+"/Demo", func(t *testing.T) {
			// An empty database, no setting: the curl commands -demo
			// prints work, and the token is never printed.
			t.Parallel()
			dsn := testdb.New(t)
			p := start(t, bin, x.name, dsn, "-demo", "-addr", "127.0.0.1:0")
			base := p.WaitLine(t, `^listening on (http://127\.0\.0\.1:\d+)$`)[1]
			me := p.WaitLine(t, `^try:  (curl -b (\S+) `+regexp.QuoteMeta(base)+`/api/me)$`)
			signOut := p.WaitLine(t, `^      (curl -b \S+ -X POST `+regexp.QuoteMeta(base)+`/api/signout)$`)[1]
			anonymous := p.WaitLine(t, `^      (curl -i `+regexp.QuoteMeta(base)+`/api/me)$`)[1]
			jar := me[2]
			token := cookieFromJar(t, jar, base, x.cookie)
			assert.NotContains(t, p.Stdout()+p.Stderr(), token)

			var user struct{ Email string }
			require.NoError(t, json.Unmarshal([]byte(curl(t, me[1])), &user))
			assert.Equal(t, "demo@example.com", user.Email)
			assert.Regexp(t, `^HTTP/1\.1 401 `, curl(t, anonymous))
			assert.JSONEq(t, `{"signedOut":true}`, curl(t, signOut))
			assert.JSONEq(t, `{"error":"unauthorized"}`, curl(t, me[1]))
			assert.Zero(t, count(t, testdb.OpenURL(t, dsn), x.sessions), "the session is deleted")

			require.NoError(t, p.cmd.Process.Signal(os.Interrupt))
			require.Equal(t, 0, p.Wait(t), p)
			_, err := os.Stat(jar)
			assert.True(t, os.IsNotExist(err), "the cookie jar is removed on exit")
		})

		t.Run(x.name+"/JavaScript", func(t *testing.T) {
			t.Parallel()
			x.endToEnd(t, bin)
		})
	}

	t.Run("nextjs-prisma/NoSecret", func(t *testing.T) {
		t.Parallel()
		p := start(t, bin, "nextjs-prisma", testdb.New(t))
		assert.Equal(t, 2, p.Wait(t), p)
		assert.Contains(t, p.Stderr(), "AUTH_SECRET to its secret")
		assert.Empty(t, p.Stdout())
	})

	t.Run("nextjs-beta73/BadZone", func(t *testing.T) {
		t.Parallel()
		p := startEnv(t, bin, "nextjs-beta73", environ(testdb.New(t), "NEXTAUTH_TZ=Nowhere/Nothing"))
		assert.Equal(t, 2, p.Wait(t), p)
		assert.Contains(t, p.Stderr(), "nextjs-beta73: NEXTAUTH_TZ is not a time zone")
		assert.Empty(t, p.Stdout())
	})

	t.Run("BadDatabaseURL", func(t *testing.T) {
		t.Parallel()
		p := start(t, bin, "quickstart", "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=5")
		assert.Equal(t, 1, p.Wait(t), p)
		assert.Contains(t, p.Stderr(), "error: opening the database")
	})
}

// quickstartUser returns the id of the user the quickstart p printed it
// made: a cuid, as Prisma makes them.
func quickstartUser(t *testing.T, p *process) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^2\. Users\.Create: User row id=(c[0-9a-z]{24}) `).FindStringSubmatch(p.Stdout())
	require.NotNil(t, m, "the quickstart prints the user it made\n%s", p)
	return m[1]
}

// needBinaries skips a test of an example's own throwaway server when the
// tests run against GORMAUTH_TEST_DATABASE_URL on a machine without
// PostgreSQL's server binaries. Without that variable, testdb.Main has
// started a server from them already, so this never skips.
func needBinaries(t *testing.T) {
	t.Helper()
	if _, err := pgserver.FindBinaries(); err != nil && os.Getenv(testdb.EnvURL) != "" {
		t.Skipf("%s is set and this machine has no PostgreSQL server binaries for the example's own server: %v", testdb.EnvURL, err)
	}
}

// build compiles every example into a temporary folder and returns it.
func build(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	args := []string{"build"}
	if race {
		args = append(args, "-race")
	}
	args = append(args, "-o", dir+string(filepath.Separator), "./quickstart", "./magiclink", "./httpauth", "./cleanup", "./nextjs-prisma", "./nextjs-beta73", "../internal/harness/withpg")
	cmd := exec.Command("go", args...)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "go %s\n%s", strings.Join(args, " "), out)
	return dir
}

// process is an example program running in the background.
type process struct {
	cmd    *exec.Cmd
	mu     sync.Mutex
	stdout []string // lines printed so far
	stderr bytes.Buffer
	lines  chan string // every stdout line, for WaitLine
	done   chan struct{}
	code   int
}

// start runs the example name with DATABASE_URL=dsn (unset if dsn is
// empty) and args, and stops it if it is still running when t ends.
func start(t *testing.T, bin, name, dsn string, args ...string) *process {
	t.Helper()
	return startEnv(t, bin, name, environ(dsn), args...)
}

// startEnv is start with the environment env.
func startEnv(t *testing.T, bin, name string, env []string, args ...string) *process {
	t.Helper()
	cmd := exec.Command(filepath.Join(bin, name), args...)
	cmd.Env = env
	p := &process{cmd: cmd, lines: make(chan string, 1<<16), done: make(chan struct{})}
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = &lockedWriter{mu: &p.mu, w: &p.stderr}
	require.NoError(t, cmd.Start())
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			p.mu.Lock()
			p.stdout = append(p.stdout, sc.Text())
			p.mu.Unlock()
			p.lines <- sc.Text()
		}
		_, _ = io.Copy(io.Discard, stdout)
		err := cmd.Wait()
		p.code = cmd.ProcessState.ExitCode()
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			p.code = -1
		}
		close(p.done)
	}()
	t.Cleanup(func() {
		// A test that failed half-way: ask the program to stop, so that it
		// removes a throwaway server of its own, and kill it if it will not.
		select {
		case <-p.done:
			return
		default:
		}
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-p.done:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

// environ returns this process's environment with DATABASE_URL=dsn (none
// if dsn is empty) and the settings vars ("NAME=value"), and without any
// other variable an example reads (AUTH_SECRET, NEXTAUTH_TZ).
func environ(dsn string, vars ...string) []string {
	env := []string{}
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if name != "DATABASE_URL" && name != "AUTH_SECRET" && name != "NEXTAUTH_TZ" {
			env = append(env, kv)
		}
	}
	if dsn != "" {
		env = append(env, "DATABASE_URL="+dsn)
	}
	return append(env, vars...)
}

// Wait waits for the program to exit and returns its exit code.
func (p *process) Wait(t *testing.T) int {
	t.Helper()
	select {
	case <-p.done:
		return p.code
	case <-time.After(wait):
		t.Fatalf("%s did not exit within %s\n%s", p.cmd.Path, wait, p)
		return -1
	}
}

// WaitLine waits for a stdout line matching pattern and returns its
// submatches.
func (p *process) WaitLine(t *testing.T, pattern string) []string {
	t.Helper()
	re := regexp.MustCompile(pattern)
	deadline := time.After(wait)
	for {
		select {
		case line := <-p.lines:
			if m := re.FindStringSubmatch(line); m != nil {
				return m
			}
		case <-p.done:
			// Drain what was printed before the exit.
			for {
				select {
				case line := <-p.lines:
					if m := re.FindStringSubmatch(line); m != nil {
						return m
					}
				default:
					t.Fatalf("%s exited without printing a line matching %q\n%s", p.cmd.Path, pattern, p)
				}
			}
		case <-deadline:
			t.Fatalf("%s printed no line matching %q within %s\n%s", p.cmd.Path, pattern, wait, p)
		}
	}
}

// AssertLines checks that stdout has lines matching patterns, in order.
func (p *process) AssertLines(t *testing.T, patterns ...string) {
	t.Helper()
	lines := strings.Split(p.Stdout(), "\n")
	i := 0
	for _, pattern := range patterns {
		re := regexp.MustCompile(pattern)
		for i < len(lines) && !re.MatchString(lines[i]) {
			i++
		}
		if i == len(lines) {
			t.Errorf("no line matching %q (in order)\n%s", pattern, p)
			return
		}
		i++
	}
}

// AssertNoSecrets checks that no token or hash was printed in full.
func (p *process) AssertNoSecrets(t *testing.T) {
	t.Helper()
	assert.Empty(t, longHex.FindAllString(p.Stdout()+p.Stderr(), -1), "tokens and hashes are printed shortened")
}

// Stdout returns what the program printed to stdout so far.
func (p *process) Stdout() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.stdout, "\n")
}

// Stderr returns what the program printed to stderr so far.
func (p *process) Stderr() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stderr.String()
}

// String shows the program's output, for failure messages.
func (p *process) String() string {
	return "--- stdout:\n" + p.Stdout() + "\n--- stderr:\n" + p.Stderr()
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

// assertServerRemoved checks that withpg said it started a throwaway
// server and that the server's folder is gone.
func assertServerRemoved(t *testing.T, p *process) {
	t.Helper()
	m := regexp.MustCompile(`started a throwaway PostgreSQL at \S+ \(data in (\S+)\)`).FindStringSubmatch(p.Stderr())
	require.NotNil(t, m, "the program reports the throwaway server\n%s", p)
	_, err := os.Stat(m[1])
	assert.True(t, os.IsNotExist(err), "the throwaway server's folder %s is removed", m[1])
}

// cookieFromJar reads the session cookie name for base from a curl cookie
// jar.
func cookieFromJar(t *testing.T, jar, base, name string) string {
	t.Helper()
	fi, err := os.Stat(jar)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "only the owner may read the cookie jar")
	data, err := os.ReadFile(jar)
	require.NoError(t, err)
	host := strings.Split(strings.TrimPrefix(base, "http://"), ":")[0]
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Split(line, "\t")
		if len(f) == 7 && f[0] == "#HttpOnly_"+host && f[5] == name {
			return f[6]
		}
	}
	t.Fatalf("no %s cookie for %s in the jar:\n%s", name, host, data)
	return ""
}

type response struct {
	status int
	body   string
}

// get sends GET url with NextAuth.js beta.73's session cookie token (none
// if empty).
func get(t *testing.T, url, token string) response {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	require.NoError(t, err)
	if token != "" {
		req.AddCookie(&http.Cookie{Name: beta73Cookie, Value: token})
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return response{status: res.StatusCode, body: string(body)}
}
