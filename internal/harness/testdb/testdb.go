// Package testdb gives every test its own throwaway PostgreSQL database.
//
// A package's TestMain calls Main. Main uses the server named by
// GORMAUTH_TEST_DATABASE_URL when it is set (a superuser or a role allowed to
// CREATE DATABASE; only databases this run creates are touched), and
// otherwise starts a throwaway server from the machine's own PostgreSQL
// binaries for the run and removes it afterwards. With neither, the run
// fails with a message that says how to install PostgreSQL: it never skips.
//
// New and Open then create a uniquely named database for one test and drop
// it when the test ends, so tests can run in parallel.
package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/stretchr/testify/require"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/gormauth/gormauth/internal/harness/pgserver"
)

// EnvURL names the environment variable that points the tests at an existing
// server.
const EnvURL = "GORMAUTH_TEST_DATABASE_URL"

var (
	adminURL string  // URL of the maintenance database of the server in use
	admin    *sql.DB // connection pool to adminURL
	counter  atomic.Int64
	runID    = randomHex(4)
)

// Main finds or starts the server, runs the tests and stops the server. It
// does not return. Call it from TestMain:
//
//	func TestMain(m *testing.M) { testdb.Main(m) }
func Main(m *testing.M) {
	os.Exit(run(m))
}

func run(m interface{ Run() int }) int {
	adminURL = os.Getenv(EnvURL)
	if adminURL == "" {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		srv, err := pgserver.Start(ctx)
		cancel()
		if err != nil {
			fmt.Fprintf(os.Stderr, "testdb: no database for the tests: %s is not set, and starting a throwaway PostgreSQL failed:\n%v\n\n"+
				"To run the tests, %s.\n", EnvURL, err, pgserver.InstallHint)
			return 1
		}
		defer srv.Stop()
		// Stop the server on Ctrl-C too; a process killed outright leaves it
		// for the next run's pgserver.Start to reap.
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
		defer signal.Stop(sig)
		go func() {
			if _, ok := <-sig; ok {
				stopPair()
				srv.Stop()
				os.Exit(1)
			}
		}()
		adminURL = srv.URL("postgres")
	}
	var err error
	admin, err = sql.Open("pgx", adminURL)
	if err == nil {
		err = admin.Ping()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "testdb: cannot reach the test server: %v\n", err)
		return 1
	}
	admin.SetMaxOpenConns(4)
	defer admin.Close()
	defer stopPair()
	defer dropTemplates()
	return m.Run()
}

// New creates a fresh, empty database for tb, drops it when tb ends, and
// returns its connection URL (or key/value DSN, matching the form of
// GORMAUTH_TEST_DATABASE_URL).
func New(tb testing.TB) string {
	tb.Helper()
	if admin == nil {
		tb.Fatal("testdb: call testdb.Main(m) from TestMain")
	}
	name := fmt.Sprintf("gormauth_test_%s_%d", runID, counter.Add(1))
	_, err := admin.Exec(`CREATE DATABASE "` + name + `"`)
	require.NoError(tb, err, "testdb: creating database %s", name)
	tb.Cleanup(func() {
		if _, err := admin.Exec(`DROP DATABASE IF EXISTS "` + name + `" WITH (FORCE)`); err != nil {
			tb.Errorf("testdb: dropping database %s: %v", name, err)
		}
	})
	return WithDatabase(adminURL, name)
}

// WithDatabase returns dsn pointed at another database.
func WithDatabase(dsn, database string) string {
	if u, err := url.Parse(dsn); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		u.Path = "/" + database
		return u.String()
	}
	return strings.TrimSpace(dsn) + " dbname=" + database
}

// Open creates a fresh database for tb (see New) and returns a *gorm.DB on
// it, closed when tb ends. The logger is silent unless cfg sets one.
func Open(tb testing.TB, cfg ...*gorm.Config) *gorm.DB {
	tb.Helper()
	return OpenURL(tb, New(tb), cfg...)
}

// OpenURL opens dsn with GORM, closed when tb ends. The logger is silent
// unless cfg sets one.
func OpenURL(tb testing.TB, dsn string, cfg ...*gorm.Config) *gorm.DB {
	tb.Helper()
	c := &gorm.Config{}
	if len(cfg) > 0 && cfg[0] != nil {
		c = cfg[0]
	}
	if c.Logger == nil {
		c.Logger = logger.Discard
	}
	db, err := gorm.Open(postgres.Open(dsn), c)
	require.NoError(tb, err)
	sqlDB, err := db.DB()
	require.NoError(tb, err)
	tb.Cleanup(func() { sqlDB.Close() })
	return db
}

// Exec runs SQL statements (such as a .sql file's content) on db, failing tb
// on error.
func Exec(tb testing.TB, db *gorm.DB, sql string) {
	tb.Helper()
	sqlDB, err := db.DB()
	require.NoError(tb, err)
	_, err = sqlDB.Exec(sql)
	require.NoError(tb, err)
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}
