package repository_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/internal/harness/testdb"
	"github.com/gormauth/gormauth/repository"
)

// TestMain gives each test its own database (testdb) and the Examples
// theirs in DATABASE_URL.
func TestMain(m *testing.M) { testdb.MainWithDatabase(m, "DATABASE_URL") }

var start = testdb.Start

// toolDDL is the DDL each flavour's own tool emits (Prisma's schema engine,
// drizzle-kit, the pg adapter's schema.sql), measured with the real
// packages: the tests run on the tables the applications have.
var toolDDL = map[*gormauth.Flavour]string{
	gormauth.Prisma:      "authjs/prisma-migrate-diff.sql",
	gormauth.PrismaV4:    "authjs-v4/prisma-v4-migrate-diff.sql",
	gormauth.Drizzle:     "authjs/drizzle-builtin-tables.sql",
	gormauth.DrizzleDocs: "authjs/drizzle-kit-generate.sql",
	gormauth.Pg:          "authjs/pg-schema.sql",
	gormauth.Beta73:      "nextauth-typeorm.sql",
}

// env is one test's database with a flavour's tables, its repository and
// instruments.
type env struct {
	f      *gormauth.Flavour
	dsn    string
	db     *gorm.DB
	repo   *repository.Repository
	clock  *testdb.Clock
	tracer *testdb.Tracer
	// users, accounts, sessions, tokens are the quoted table names.
	users, accounts, sessions, tokens string
}

const secret = "s3cret"

// newEnv makes a fresh database with f's tables, as f's tool made them, and
// a repository on it with a test clock and Secret set.
func newEnv(tb testing.TB, f *gormauth.Flavour, opts ...repository.Options) *env {
	tb.Helper()
	dsn := testdb.FromTemplate(tb, "adapter:"+f.Name(), func(dsn string) error {
		ddl, err := os.ReadFile("../testdata/" + toolDDL[f])
		if err != nil {
			return err
		}
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			return err
		}
		defer db.Close()
		_, err = db.Exec(string(ddl))
		return err
	})
	return newEnvDSN(tb, f, dsn, opts...)
}

func newEnvDSN(tb testing.TB, f *gormauth.Flavour, dsn string, opts ...repository.Options) *env {
	tb.Helper()
	db, tr := testdb.OpenTraced(tb, dsn)
	e := &env{f: f, dsn: dsn, db: db, clock: testdb.NewClock(start), tracer: tr}
	var o repository.Options
	if len(opts) > 0 {
		o = opts[0]
	}
	if o.Now == nil {
		o.Now = e.clock.Now
	}
	if o.Secret == nil {
		o.Secret = []string{secret}
	}
	e.repo = repository.New(db, f, o)
	u, a, s, t := f.Tables()
	e.users, e.accounts, e.sessions, e.tokens = quote(u), quote(a), quote(s), quote(t)
	return e
}

// dsnWith returns dsn (a URL or key/value DSN) with one more parameter,
// not percent-encoded: the gorm driver reads TimeZone from the raw text.
func dsnWith(dsn, key, value string) string {
	if u, err := url.Parse(dsn); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		sep := "?"
		if u.RawQuery != "" {
			sep = "&"
		}
		return dsn + sep + key + "=" + value
	}
	return dsn + " " + key + "=" + value
}

func quote(name string) string { return `"` + name + `"` }

// eachFlavour runs test on a fresh env of every flavour, in parallel.
func eachFlavour(t *testing.T, test func(t *testing.T, e *env)) {
	t.Helper()
	for _, f := range gormauth.Flavours() {
		t.Run(f.Name(), func(t *testing.T) {
			t.Parallel()
			test(t, newEnv(t, f))
		})
	}
}

func ptr[T any](v T) *T { return &v }

// mustUser creates a user with the given email.
func (e *env) mustUser(tb testing.TB, email string) *repository.User {
	tb.Helper()
	u := &repository.User{Name: ptr("User " + email), Email: ptr(email)}
	require.NoError(tb, e.repo.Users.Create(context.Background(), u))
	return u
}

// mustAccount links a GitHub account with the given id to the user.
func (e *env) mustAccount(tb testing.TB, u *repository.User, githubID string) *repository.Account {
	tb.Helper()
	a := &repository.Account{UserID: u.ID, Type: "oauth", Provider: "github", ProviderAccountID: githubID,
		AccessToken: ptr("gho_" + githubID), TokenType: ptr("bearer"), Scope: ptr("read:user")}
	require.NoError(tb, e.repo.Accounts.Link(context.Background(), a))
	return a
}

// mustSession opens a session for the user.
func (e *env) mustSession(tb testing.TB, u *repository.User) *repository.Session {
	tb.Helper()
	s, err := e.repo.Sessions.Create(context.Background(), u.ID)
	require.NoError(tb, err)
	return s
}

// mustToken stores a sign-in token for the address and returns what the
// link carries.
func (e *env) mustToken(tb testing.TB, email string) repository.SignInToken {
	tb.Helper()
	tok, err := repository.NewSignInToken()
	require.NoError(tb, err)
	row, err := e.repo.Verifications.Create(context.Background(), repository.SignInToken{Identifier: email, Token: tok}, 0)
	require.NoError(tb, err)
	return repository.SignInToken{Identifier: row.Identifier, Token: tok}
}

// count returns the number of rows of table (quoted) matching where ("" for
// all).
func (e *env) count(tb testing.TB, table, where string, args ...any) int64 {
	tb.Helper()
	q := "SELECT count(*) FROM " + table
	if where != "" {
		q += " WHERE " + where
	}
	var n int64
	require.NoError(tb, e.db.Raw(e.sql(q), args...).Scan(&n).Error)
	return n
}

// sql returns q, written with Auth.js's quoted column names, with the
// flavour's (gormauth.Flavour.Column): beta.73's "user_id" for "userId".
func (e *env) sql(q string) string {
	for _, name := range []string{"userId", "sessionToken", "emailVerified", "providerAccountId", "provider",
		"type", "identifier", "createdAt", "updatedAt"} {
		q = strings.ReplaceAll(q, `"`+name+`"`, `"`+e.f.Column(name)+`"`)
	}
	return q
}

// exec runs q (see sql) on the env's database.
func (e *env) exec(tb testing.TB, q string, args ...any) {
	tb.Helper()
	require.NoError(tb, e.db.Exec(e.sql(q), args...).Error)
}

// tokenRE matches the session tokens the flavour makes by default: a
// random UUID (Auth.js's crypto.randomUUID()), or 64 hexadecimal
// characters (beta.73's randomBytes(32).toString("hex")).
func (e *env) tokenRE() *regexp.Regexp {
	if e.f == gormauth.Beta73 {
		return regexp.MustCompile(`^[0-9a-f]{64}$`)
	}
	return uuidRE
}

// dueAfter is how long after a session's creation it is due for the
// sliding expiry: UpdateAge in Auth.js, a microsecond more in beta.73.
func (e *env) dueAfter() time.Duration {
	d := repository.DefaultUpdateAge
	if !e.f.Due(start.Add(repository.DefaultMaxAge), start.Add(d), repository.DefaultMaxAge, repository.DefaultUpdateAge) {
		d += time.Microsecond
	}
	return d
}

// snapshot returns every row of the four tables as text, to show that an
// operation wrote nothing.
func (e *env) snapshot(tb testing.TB) string {
	tb.Helper()
	var b strings.Builder
	for _, table := range []string{e.users, e.accounts, e.sessions, e.tokens} {
		var rows []string
		require.NoError(tb, e.db.Raw(`SELECT t::text FROM `+table+` t ORDER BY 1`).Scan(&rows).Error)
		fmt.Fprintf(&b, "%s: %q\n", table, rows)
	}
	return b.String()
}

// column reads one column of the row of table matching where, as text.
func (e *env) column(tb testing.TB, table, column, where string, args ...any) *string {
	tb.Helper()
	var v *string
	require.NoError(tb, e.db.Raw(e.sql(`SELECT `+column+`::text FROM `+table+` WHERE `+where), args...).Scan(&v).Error)
	return v
}
