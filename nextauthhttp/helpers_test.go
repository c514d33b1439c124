package nextauthhttp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/internal/harness/testdb"
	legacy "github.com/gormauth/gormauth/internal/legacy73"
	"github.com/gormauth/gormauth/models"
	"github.com/gormauth/gormauth/nextauthhttp"
)

// TestMain gives each test its own database (testdb) and the Examples
// theirs in DATABASE_URL.
func TestMain(m *testing.M) { testdb.MainWithDatabase(m, "DATABASE_URL") }

// start is the instant the test clocks begin at.
var start = testdb.Start

// env is one test's database with a repository on a test clock, and the
// middleware around a handler that answers the user as JSON.
type env struct {
	db      *gorm.DB
	repo    *legacy.Repository
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

// newEnv makes a fresh database with NextAuth.js's schema and the
// middleware, configured by opts, around meHandler.
func newEnv(t testing.TB, opts nextauthhttp.Options) *env {
	t.Helper()
	return newEnvRepo(t, opts, legacy.Options{})
}

// newEnvRepo is newEnv with a repository configured by repoOpts (its Now is
// the env's clock).
func newEnvRepo(t testing.TB, opts nextauthhttp.Options, repoOpts legacy.Options) *env {
	t.Helper()
	e := &env{clock: testdb.NewClock(start), log: &syncBuffer{}}
	e.db, e.tracer = testdb.OpenTraced(t, testdb.New(t))
	migrate(t, e.db)
	repoOpts.Now = e.clock.Now
	e.repo = legacy.New(e.db, repoOpts)
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(e.log, nil))
	}
	e.handler = nextauthhttp.Middleware(e.repo, opts)(http.HandlerFunc(meHandler))
	e.tracer.Reset()
	return e
}

// migrate creates NextAuth.js's tables.
func migrate(t testing.TB, db *gorm.DB) {
	t.Helper()
	require.NoError(t, gormauth.AutoMigrate(context.Background(), db, gormauth.Beta73))
}

// me is what meHandler answers.
type me struct {
	User      *models.User `json:"user"`
	SessionID int32        `json:"sessionId"`
}

// meHandler answers the user and session id from the context, or 418 if
// the middleware put none there.
func meHandler(w http.ResponseWriter, r *http.Request) {
	user, ok := nextauthhttp.UserFrom(r.Context())
	sess, ok2 := nextauthhttp.SessionFrom(r.Context())
	if !ok || !ok2 {
		w.WriteHeader(http.StatusTeapot)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(me{User: user, SessionID: sess.ID})
}

// mustSession creates a user with email and a session for them.
func (e *env) mustSession(t testing.TB, email string) (*models.User, *models.Session) {
	t.Helper()
	ctx := context.Background()
	u := &models.User{Email: &email}
	require.NoError(t, e.repo.Users.Create(ctx, u))
	s, err := e.repo.Sessions.Create(ctx, u.ID)
	require.NoError(t, err)
	e.tracer.Reset()
	return u, s
}

// expires reads the session's expiry from the database.
func (e *env) expires(t testing.TB, token string) time.Time {
	t.Helper()
	s, err := e.repo.Sessions.ByToken(context.Background(), token)
	require.NoError(t, err)
	return s.Expires
}

func ptr[T any](v T) *T { return &v }
