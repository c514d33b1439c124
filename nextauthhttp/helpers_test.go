package nextauthhttp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/stretchr/testify/require"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/internal/testdb"
	"github.com/gormauth/gormauth/models"
	"github.com/gormauth/gormauth/nextauthhttp"
	"github.com/gormauth/gormauth/repository"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// start is the instant the test clocks begin at.
var start = time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC)

// clock is a test clock that moves only when told.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// tracer records every statement pgx sends.
type tracer struct {
	mu  sync.Mutex
	sql []string
}

func (tr *tracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.sql = append(tr.sql, d.SQL)
	return ctx
}

func (tr *tracer) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// Reset forgets what was recorded.
func (tr *tracer) Reset() {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.sql = nil
}

// Statements returns what was recorded since the last Reset.
func (tr *tracer) Statements() []string {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return append([]string(nil), tr.sql...)
}

// Updates returns how many UPDATE statements were recorded since the last
// Reset.
func (tr *tracer) Updates() int {
	n := 0
	for _, s := range tr.Statements() {
		if strings.HasPrefix(strings.TrimSpace(s), "UPDATE") {
			n++
		}
	}
	return n
}

// env is one test's database with a repository on a test clock, and the
// middleware around a handler that answers the user as JSON.
type env struct {
	db      *gorm.DB
	repo    *repository.Repository
	clock   *clock
	tracer  *tracer
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
	e := &env{clock: &clock{t: start}, tracer: &tracer{}, log: &syncBuffer{}}
	cfg, err := pgx.ParseConfig(testdb.New(t))
	require.NoError(t, err)
	cfg.Tracer = e.tracer
	sqlDB := stdlib.OpenDB(*cfg)
	t.Cleanup(func() { sqlDB.Close() })
	e.db, err = gorm.Open(postgres.New(postgres.Config{Conn: sqlDB}), &gorm.Config{Logger: logger.Discard})
	require.NoError(t, err)
	migrate(t, e.db)
	e.repo = repository.New(e.db, repository.Options{Now: e.clock.Now})
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
	require.NoError(t, gormauth.AutoMigrate(db))
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
