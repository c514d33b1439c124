package repository_test

import (
	"context"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/gormauth/gormauth/internal/harness/testdb"
	"github.com/gormauth/gormauth/internal/legacy73"
	"github.com/gormauth/gormauth/models"
)

// TestMain gives each test its own database (testdb) and the Examples
// theirs in DATABASE_URL.
func TestMain(m *testing.M) { testdb.MainWithDatabase(m, "DATABASE_URL") }

// start is the instant the test clocks begin at.
var start = testdb.Start

// env is one test's database, with its repository and instruments.
type env struct {
	db     *gorm.DB
	repo   *repository.Repository
	clock  *testdb.Clock
	tracer *testdb.Tracer
}

// schemaSQL is the schema as NextAuth.js itself creates it.
var schemaSQL = func() string {
	b, err := os.ReadFile("../../testdata/nextauth-typeorm.sql")
	if err != nil {
		panic(err)
	}
	return string(b)
}()

// newEnv makes a fresh database with NextAuth.js's schema and a repository
// on it with a test clock.
func newEnv(tb testing.TB) *env {
	tb.Helper()
	return newEnvDSN(tb, testdb.New(tb), repository.Options{})
}

func newEnvDSN(tb testing.TB, dsn string, opts repository.Options) *env {
	tb.Helper()
	db, tr := testdb.OpenTraced(tb, dsn)
	var n int64
	require.NoError(tb, db.Raw("SELECT count(*) FROM pg_tables WHERE tablename = 'users' AND schemaname = current_schema()").Scan(&n).Error)
	if n == 0 {
		testdb.Exec(tb, db, schemaSQL)
	}
	c := testdb.NewClock(start)
	if opts.Now == nil {
		opts.Now = c.Now
	}
	tr.Reset()
	return &env{db: db, repo: repository.New(db, opts), clock: c, tracer: tr}
}

func ptr[T any](v T) *T { return &v }

// mustUser creates a user with the given email.
func (e *env) mustUser(tb testing.TB, email string) *models.User {
	tb.Helper()
	u := &models.User{Name: ptr("User " + email), Email: ptr(email)}
	require.NoError(tb, e.repo.Users.Create(context.Background(), u))
	return u
}

// mustSession opens a session for the user.
func (e *env) mustSession(tb testing.TB, u *models.User) *models.Session {
	tb.Helper()
	s, err := e.repo.Sessions.Create(context.Background(), u.ID)
	require.NoError(tb, err)
	return s
}
