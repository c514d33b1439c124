package repository_test

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/internal/harness/benchvs"
	"github.com/gormauth/gormauth/internal/harness/testdb"
	"github.com/gormauth/gormauth/internal/ids"
	"github.com/gormauth/gormauth/repository"
)

// BenchmarkVersusPgx measures the request path of each flavour against its
// floor, hand-written pgx v5 sending the same statements with the same
// checks (package benchvs), on 10⁴ users with a GitHub account and a
// session each, at 1, 8 and 32 clients. Beside package repository's
// BenchmarkVersusPgx (NextAuth.js 2.0.0-beta.73's tables) it shows what
// each flavour's Authenticate (WithUser, and the sliding expiry when not
// due) costs: one statement in every flavour.
//
//	go test ./repository -run '^$' -bench VersusPgx
func BenchmarkVersusPgx(b *testing.B) {
	const n = 10_000
	type set struct {
		f       *gormauth.Flavour
		name    string
		indexes string // DDL added to the flavour's schema
	}
	var sets []set
	for _, f := range gormauth.AuthJSFlavours() {
		sets = append(sets, set{f: f, name: f.Name()})
	}
	// The pg adapter's schema.sql has no index on "sessionToken" nor on
	// (provider, "providerAccountId"): each lookup scans its table. The
	// same with the indexes README advises.
	sets = append(sets, set{f: gormauth.Pg, name: "pg+indexes", indexes: pgIndexes})
	for _, s := range sets {
		b.Run("flavour="+s.name, func(b *testing.B) {
			for _, op := range authJSBenchOps {
				for _, clients := range []int{1, 8, 32} {
					b.Run(fmt.Sprintf("%s/clients=%d", op.name, clients), func(b *testing.B) {
						d := authJSBenchSet(b, s.f, s.name, s.indexes, n)
						benchvs.Compare(b, op.bind(d), benchvs.Sides{Module: d.module, Pgx: d.pgx, CleanUp: d.cleanUp}, clients)
					})
				}
			}
			releaseAuthJSSet(s.name) // its 2 × 32 connections
		})
	}
}

// pgIndexes are the indexes README advises adding to the pg adapter's
// schema.
const pgIndexes = `CREATE UNIQUE INDEX sessions_sessionToken_key ON sessions ("sessionToken");
	CREATE UNIQUE INDEX accounts_provider_providerAccountId_key ON accounts (provider, "providerAccountId")`

// authJSData is a database of flavour f holding n users, each with a
// GitHub account (provider account id i) and a session, shared by the
// benchmarks of the flavour; and the two sides' connections to it.
type authJSData struct {
	f           *gormauth.Flavour
	n           int
	db          *gorm.DB
	repo        *repository.Repository
	pool        *pgxpool.Pool
	module, pgx *benchvs.Counter
	cleanUp     func(ctx context.Context) error
}

var (
	authJSSetsMu sync.Mutex
	authJSSets   = map[string]*authJSData{}
)

// idExpr is the SQL of the i-th id of kind k made with prefix, or "" for
// the database to give it (serial) or no id.
func idExpr(k gormauth.IDKind, prefix string) string {
	switch k {
	case gormauth.CUID:
		return `'c' || lpad('` + prefix + `' || i, 24, '0')`
	case gormauth.UUID:
		return `md5('` + prefix + `' || i)::uuid::text`
	}
	return ""
}

// uuidOf is md5(s) as a UUID, as PostgreSQL's md5(s)::uuid prints it.
func uuidOf(s string) string {
	h := hex.EncodeToString(func(b [16]byte) []byte { return b[:] }(md5.Sum([]byte(s))))
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func benchToken(i int) string { return uuidOf("s" + strconv.Itoa(i)) }

// userID is the id of the i-th user of the data set.
func (d *authJSData) userID(i int) string {
	switch k, _, _ := d.f.IDs(); k {
	case gormauth.CUID:
		return "c" + fmt.Sprintf("%024s", "u"+strconv.Itoa(i))
	case gormauth.UUID:
		return uuidOf("u" + strconv.Itoa(i))
	}
	return strconv.Itoa(i)
}

// authJSBenchSet returns the data set name, of flavour f with the DDL
// indexes added, filling it on first use.
func authJSBenchSet(b *testing.B, f *gormauth.Flavour, name, indexes string, n int) *authJSData {
	b.Helper()
	authJSSetsMu.Lock()
	defer authJSSetsMu.Unlock()
	if d, ok := authJSSets[name]; ok {
		return d
	}
	ctx := context.Background()
	dsn, _, err := testdb.NewDatabase() // kept for the run, dropped with the server
	require.NoError(b, err)
	d := &authJSData{f: f, n: n, module: &benchvs.Counter{}, pgx: &benchvs.Counter{}}
	db := benchvs.OpenGorm(b, dsn, d.module)
	require.NoError(b, gormauth.AutoMigrate(ctx, db, f))
	if indexes != "" {
		require.NoError(b, db.Exec(indexes).Error)
	}
	d.db, d.repo = db, repository.New(db, f, repository.Options{})
	d.pool = benchvs.OpenPgx(b, dsn, d.pgx)

	began := time.Now()
	users, accounts, sessions, _ := f.Tables()
	uk, ak, sk := f.IDs()
	idCol := func(k gormauth.IDKind, prefix string) (string, string) {
		if e := idExpr(k, prefix); e != "" {
			return `"id", `, e + ", "
		}
		return "", ""
	}
	clockCols, clockVals := "", ""
	if f.ClockColumns() {
		clockCols, clockVals = `, "createdAt", "updatedAt"`, ", $1::timestamp, $1::timestamp"
	}
	ts := "timestamptz"
	if f.WallClock() {
		ts = "timestamp"
	}
	userRef := idExpr(uk, "u")
	if userRef == "" {
		userRef = "i" // serial: 1 … n in order
	}
	uc, uv := idCol(uk, "u")
	ac, av := idCol(ak, "a")
	sc, sv := idCol(sk, "s")
	now := time.Now().UTC().Truncate(f.Precision())
	expires := now.Add(repository.DefaultMaxAge)
	for _, stmt := range []string{
		`INSERT INTO ` + quote(users) + ` (` + uc + `"name", "email"` + clockCols + `)
			SELECT ` + uv + `'User ' || i, 'user' || i || '@example.com'` + clockVals + ` FROM generate_series(1, $2) i`,
		`INSERT INTO ` + quote(accounts) + ` (` + ac + `"userId", "type", "provider", "providerAccountId", "access_token"` + clockCols + `)
			SELECT ` + av + userRef + `, 'oauth', 'github', i::text, 'gho_' || i` + clockVals + ` FROM generate_series(1, $2) i`,
		`INSERT INTO ` + quote(sessions) + ` (` + sc + `"sessionToken", "userId", "expires"` + clockCols + `)
			SELECT ` + sv + `md5('s' || i)::uuid::text, ` + userRef + `, $3::` + ts + clockVals + ` FROM generate_series(1, $2) i`,
	} {
		_, err := d.pool.Exec(ctx, stmt+` WHERE $1::timestamp IS NOT NULL AND $3::`+ts+` IS NOT NULL`, now, n, expires)
		require.NoError(b, err)
	}
	_, err = d.pool.Exec(ctx, `VACUUM ANALYZE`)
	require.NoError(b, err)
	b.Logf("%s: filled %d users, accounts and sessions in %s", name, n, time.Since(began).Round(time.Millisecond))
	// What the benchmarks insert expires later than the data set's sessions.
	deleteNew := `DELETE FROM ` + quote(sessions) + ` WHERE "expires" > $1::` + ts
	d.cleanUp = func(ctx context.Context) error {
		_, err := d.pool.Exec(ctx, deleteNew, expires)
		return err
	}
	authJSSets[name] = d
	return d
}

// releaseAuthJSSet closes the connections of the data set name.
func releaseAuthJSSet(name string) {
	authJSSetsMu.Lock()
	defer authJSSetsMu.Unlock()
	if d, ok := authJSSets[name]; ok {
		d.pool.Close()
		if sqlDB, err := d.db.DB(); err == nil {
			sqlDB.Close()
		}
		delete(authJSSets, name)
	}
}

// spread maps the i-th operation to a row of the data set, far from the
// last one.
func (d *authJSData) spread(i int) int { return (i*7919)%d.n + 1 }

type authJSBenchOp struct {
	name   string
	stmts  float64
	module func(ctx context.Context, d *authJSData, i int) error
	floor  func(ctx context.Context, d *authJSData, i int) error
}

func (op authJSBenchOp) bind(d *authJSData) benchvs.Op {
	return benchvs.Op{
		Stmts:  op.stmts,
		Module: func(ctx context.Context, i int, _ []string) error { return op.module(ctx, d, i) },
		Floor:  func(ctx context.Context, i int, _ []string) error { return op.floor(ctx, d, i) },
	}
}

var errFloorNotFound = errors.New("floor: not found")

var authJSBenchOps = []authJSBenchOp{
	{
		name: "Authenticate", stmts: 1,
		module: func(ctx context.Context, d *authJSData, i int) error {
			s, err := d.repo.Sessions.WithUser(ctx, benchToken(d.spread(i)))
			if err != nil {
				return err
			}
			_, err = d.repo.Sessions.Refresh(ctx, s) // not due: no statement
			return err
		},
		floor: func(ctx context.Context, d *authJSData, i int) error {
			return d.authenticate(ctx, benchToken(d.spread(i)), time.Now())
		},
	},
	{
		name: "OAuthReturningUser", stmts: 1,
		module: func(ctx context.Context, d *authJSData, i int) error {
			res, err := d.repo.SignInOAuth(ctx, repository.OAuthSignIn{Account: repository.Account{Provider: "github", ProviderAccountID: strconv.Itoa(d.spread(i))}})
			if err == nil && res.IsNewUser {
				err = errors.New("a new user")
			}
			return err
		},
		floor: func(ctx context.Context, d *authJSData, i int) error {
			return d.signInLinked(ctx, "github", strconv.Itoa(d.spread(i)), time.Now())
		},
	},
	{
		name: "CreateSession", stmts: 1,
		module: func(ctx context.Context, d *authJSData, i int) error {
			_, err := d.repo.Sessions.Create(ctx, d.userID(d.spread(i)))
			return err
		},
		floor: func(ctx context.Context, d *authJSData, i int) error {
			return d.createSession(ctx, d.userID(d.spread(i)), time.Now())
		},
	},
}

// The floor's operations: what a developer writes by hand with pgx, with
// the same statements and the same checks as the repository.

var floorCUID = ids.NewCUID()

func (d *authJSData) authenticate(ctx context.Context, token string, now time.Time) error {
	s := &repository.Session{User: &repository.User{}}
	u := s.User
	err := d.pool.QueryRow(ctx, repository.SessionWithUserSQL(d.repo), token).Scan(
		&s.ID, &s.SessionToken, &s.UserID, &s.Expires, &s.CreatedAt, &s.UpdatedAt,
		&u.ID, &u.Name, &u.Email, &u.EmailVerified, &u.Image, &u.CreatedAt, &u.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return errFloorNotFound
	}
	if err != nil {
		return err
	}
	s.Expires = s.Expires.UTC()
	for _, t := range []*time.Time{s.CreatedAt, s.UpdatedAt, u.EmailVerified, u.CreatedAt, u.UpdatedAt} {
		if t != nil {
			*t = t.UTC()
		}
	}
	if s.Expires.Before(now) {
		return errFloorNotFound
	}
	if !now.Before(s.Expires.Add(repository.DefaultUpdateAge - repository.DefaultMaxAge)) {
		return errors.New("floor: due")
	}
	return nil
}

// sessionArgs are the values of the named parameters of the session
// INSERTs, in the order names gives.
func (d *authJSData) sessionArgs(names []string, userID string, now time.Time, extra map[string]any) ([]any, error) {
	token, err := ids.UUID()
	if err != nil {
		return nil, err
	}
	var id string
	if _, _, sk := d.f.IDs(); sk == gormauth.CUID {
		if id, err = floorCUID.New(); err != nil {
			return nil, err
		}
	}
	now = now.UTC().Truncate(d.f.Precision())
	values := map[string]any{"id": id, "token": token, "user": userID, "expires": now.Add(repository.DefaultMaxAge), "now": now}
	for k, v := range extra {
		values[k] = v
	}
	args := make([]any, len(names))
	for i, name := range names {
		args[i] = values[name]
	}
	return args, nil
}

func (d *authJSData) signInLinked(ctx context.Context, provider, account string, now time.Time) error {
	query, names := repository.SignInLinkedSQL(d.repo)
	args, err := d.sessionArgs(names, "", now, map[string]any{"provider": provider, "account": account})
	if err != nil {
		return err
	}
	var u repository.User
	var sessionID string
	err = d.pool.QueryRow(ctx, query, args...).Scan(&u.ID, &u.Name, &u.Email, &u.EmailVerified, &u.Image, &u.CreatedAt, &u.UpdatedAt, &sessionID)
	if errors.Is(err, pgx.ErrNoRows) {
		return errFloorNotFound
	}
	return err
}

func (d *authJSData) createSession(ctx context.Context, userID string, now time.Time) error {
	query, names := repository.CreateSessionSQL(d.repo)
	args, err := d.sessionArgs(names, userID, now, nil)
	if err != nil {
		return err
	}
	var id string
	err = d.pool.QueryRow(ctx, query, args...).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return errFloorNotFound
	}
	return err
}
