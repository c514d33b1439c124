package nextauthhttp_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/internal/harness/testdb"
	"github.com/gormauth/gormauth/nextauthhttp"
	"github.com/gormauth/gormauth/repository"
)

// TestMain gives each test its own database (testdb) and the Examples
// theirs in DATABASE_URL.
func TestMain(m *testing.M) { testdb.MainWithDatabase(m, "DATABASE_URL") }

// start is the instant the test clocks begin at.
var start = testdb.Start

// *repository.Repository is what the middleware takes, on every flavour.
var _ nextauthhttp.Repository = (*repository.Repository)(nil)

// toolDDL is the DDL each flavour's own tool emits (NextAuth.js
// beta.73's TypeORM, Prisma's schema engine, drizzle-kit, the pg adapter's
// schema.sql): the middleware is tested on the tables the applications have.
var toolDDL = map[*gormauth.Flavour]string{
	gormauth.Beta73:      "nextauth-typeorm.sql",
	gormauth.Prisma:      "authjs/prisma-migrate-diff.sql",
	gormauth.PrismaV4:    "authjs-v4/prisma-v4-migrate-diff.sql",
	gormauth.Drizzle:     "authjs/drizzle-builtin-tables.sql",
	gormauth.DrizzleDocs: "authjs/drizzle-kit-generate.sql",
	gormauth.Pg:          "authjs/pg-schema.sql",
}

// ddl returns flavour f's tables as its tool makes them.
func ddl(f *gormauth.Flavour) (string, error) {
	b, err := os.ReadFile("../testdata/" + toolDDL[f])
	return string(b), err
}

// migrate creates flavour f's tables in db.
func migrate(t testing.TB, db *gorm.DB, f *gormauth.Flavour) {
	t.Helper()
	q, err := ddl(f)
	require.NoError(t, err)
	testdb.Exec(t, db, q)
}

// newDatabase returns the URL of a fresh database with f's tables.
func newDatabase(t testing.TB, f *gormauth.Flavour) string {
	t.Helper()
	return testdb.FromTemplate(t, "nextauthhttp:"+f.Name(), func(dsn string) error {
		q, err := ddl(f)
		if err != nil {
			return err
		}
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			return err
		}
		defer db.Close()
		_, err = db.Exec(q)
		return err
	})
}

// eachFlavour runs test for every flavour, in parallel.
func eachFlavour(t *testing.T, test func(t *testing.T, f *gormauth.Flavour)) {
	t.Helper()
	for _, f := range gormauth.Flavours() {
		t.Run(f.Name(), func(t *testing.T) {
			t.Parallel()
			test(t, f)
		})
	}
}

// env is one test's database with flavour f's tables, a repository on a
// test clock, and the middleware around meHandler.
type env struct {
	f       *gormauth.Flavour
	db      *gorm.DB
	repo    *repository.Repository
	clock   *testdb.Clock
	tracer  *testdb.Tracer
	log     *syncBuffer
	handler http.Handler
}

// syncBuffer is a bytes.Buffer safe for concurrent writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newEnv makes a fresh database with f's tables and the middleware,
// configured by opts, around meHandler.
func newEnv(t testing.TB, f *gormauth.Flavour, opts nextauthhttp.Options) *env {
	t.Helper()
	return newEnvRepo(t, f, opts, repository.Options{})
}

// newEnvRepo is newEnv with a repository configured by repoOpts (its Now is
// the env's clock).
func newEnvRepo(t testing.TB, f *gormauth.Flavour, opts nextauthhttp.Options, repoOpts repository.Options) *env {
	t.Helper()
	e := &env{f: f, clock: testdb.NewClock(start), log: &syncBuffer{}}
	e.db, e.tracer = testdb.OpenTraced(t, newDatabase(t, f))
	repoOpts.Now = e.clock.Now
	e.repo = repository.New(e.db, f, repoOpts)
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(e.log, nil))
	}
	e.handler = nextauthhttp.Middleware(e.repo, opts)(http.HandlerFunc(meHandler))
	e.tracer.Reset()
	return e
}

// me is what meHandler answers.
type me struct {
	User      *repository.User `json:"user"`
	SessionID string           `json:"sessionId"`
	Token     string           `json:"token"`
}

// meHandler answers the user, session id and token from the context, or
// 418 if the middleware put none there.
func meHandler(w http.ResponseWriter, r *http.Request) {
	user, ok := nextauthhttp.UserFrom(r.Context())
	sess, ok2 := nextauthhttp.SessionFrom(r.Context())
	if !ok || !ok2 || !nextauthhttp.SignedIn(r.Context()) {
		w.WriteHeader(http.StatusTeapot)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(me{User: user, SessionID: sess.ID, Token: sess.SessionToken})
}

// mustSession creates a user with email and a session for them.
func (e *env) mustSession(t testing.TB, email string) (*repository.User, *repository.Session) {
	t.Helper()
	ctx := context.Background()
	u := &repository.User{Email: &email}
	require.NoError(t, e.repo.Users.Create(ctx, u))
	s, err := e.repo.Sessions.Create(ctx, u.ID)
	require.NoError(t, err)
	e.tracer.Reset()
	return u, s
}

// setSession sets the column (named as Auth.js's schema names it, such as
// "sessionToken" or "expires") of the session whose token is token.
func (e *env) setSession(t testing.TB, token, column string, value any) {
	t.Helper()
	_, _, sessions, _ := e.f.Tables()
	q := fmt.Sprintf(`UPDATE %q SET %q = ? WHERE %q = ?`, sessions, e.f.Column(column), e.f.Column("sessionToken"))
	res := e.db.Exec(q, value, token)
	require.NoError(t, res.Error)
	require.EqualValues(t, 1, res.RowsAffected)
	e.tracer.Reset()
}

// exec runs q with the flavour's quoted table names for {users} and
// {sessions}.
func (e *env) exec(t testing.TB, q string, args ...any) {
	t.Helper()
	users, _, sessions, _ := e.f.Tables()
	q = strings.NewReplacer("{users}", fmt.Sprintf("%q", users), "{sessions}", fmt.Sprintf("%q", sessions)).Replace(q)
	require.NoError(t, e.db.Exec(q, args...).Error)
	e.tracer.Reset()
}

// expires reads the session's expiry from the database.
func (e *env) expires(t testing.TB, token string) time.Time {
	t.Helper()
	s, err := e.repo.Sessions.ByToken(context.Background(), token)
	require.NoError(t, err)
	return s.Expires
}

// plain and secure are the Cookie headers that carry token under the
// flavour's session cookie names.
func (e *env) plain(token string) string  { return e.f.CookieName(false) + "=" + token }
func (e *env) secure(token string) string { return e.f.CookieName(true) + "=" + token }

// resends reports whether the flavour's JavaScript side sends the cookie
// again on a request whose session the sliding expiry did not extend.
func (e *env) resends() bool { return e.f.SendsCookieEachRequest() }

func ptr[T any](v T) *T { return &v }
