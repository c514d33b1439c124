package repository_test

import (
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
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

// BenchmarkVersusPgx measures each operation of the request path against
// its floor: hand-written pgx v5 (pgxpool) sending the same statements,
// with the same checks in Go, on the same database (package benchvs: the
// two sides run in interleaved rounds, and the ratio is the median of the
// rounds' ratios). It runs every flavour on the tables its own tool makes,
// with 10⁴ users, each with a GitHub account and a session; the pg
// flavour again with the indexes README advises (pg+indexes); and beta.73
// with 10⁶ (beta73-1e6); at 1, 8 and 32 clients. Run it without -race:
//
//	go test ./repository -run '^$' -bench VersusPgx -benchtime 10000x -timeout 100m | tee bench.out
//	awk -f scripts/benchtable.awk bench.out
//	go test ./repository -run '^$' -bench 'VersusPgx/flavour=prisma$/OAuthReturningUser/clients=1$' -count 5
//
// Both sides measure on connections opened after the data set was made:
// the schema and the rows are written on connections of their own, closed
// before. A PostgreSQL backend that ran the schema's DDL stays slower for
// the writes that follow (its statements' server time had a longer tail,
// whichever side sent them), which made the module's one-statement OAuth
// sign-in 5-10% slower than the floor when the module's pool was the one
// that made the schema.
func BenchmarkVersusPgx(b *testing.B) {
	for _, s := range benchSets() {
		b.Run("flavour="+s.name, func(b *testing.B) {
			for _, op := range benchOps {
				for _, clients := range []int{1, 8, 32} {
					b.Run(fmt.Sprintf("%s/clients=%d", op.name, clients), func(b *testing.B) {
						d := benchSet(b, s)
						benchvs.Compare(b, op.bind(d), benchvs.Sides{Module: d.module, Pgx: d.pgx, CleanUp: d.cleanUp}, clients)
					})
				}
			}
			releaseBenchSet(s.name) // its 2 × 32 connections
		})
	}
}

// deleteExpiredRounds is the rounds of BenchmarkVersusPgxDeleteExpired.
const deleteExpiredRounds = 6

// BenchmarkVersusPgxDeleteExpired measures the clean-up: deleting 100 000
// expired sessions among the 10⁶ of beta.73's data set, DefaultBatchSize
// rows a statement, by Sessions.DeleteExpired and by pgx sending the same
// statements. beta.73's schema has no index on expires, so every batch
// scans the table: this is slow on both sides.
func BenchmarkVersusPgxDeleteExpired(b *testing.B) {
	ctx := context.Background()
	d := benchSet(b, benchSpec{f: gormauth.Beta73, name: "beta73-1e6", n: 1_000_000})
	defer releaseBenchSet("beta73-1e6")
	const expired = 100_000
	query := d.sql["deleteExpiredSessions"]
	var mod, floor []float64
	var modStmts, floorStmts float64
	b.ResetTimer()
	b.StopTimer()
	// 6 rounds whatever b.N (each takes seconds), so that the median is
	// not one sample and each side goes first as often. Each side's rows
	// are inserted and the table vacuumed before it runs, so that neither
	// scans the other's dead rows or meets autovacuum.
	for i := 0; i < deleteExpiredRounds; i++ {
		for k := 0; k < 2; k++ {
			_, err := d.insertSessions(ctx, expired, time.Now().Add(-time.Hour))
			require.NoError(b, err)
			_, err = d.pool.Exec(ctx, `VACUUM ANALYZE `+quote(d.tables[2]))
			require.NoError(b, err)
			which := (i + k) % 2
			counter := []*benchvs.Counter{d.module, d.pgx}[which]
			before := counter.Load()
			start := time.Now()
			b.StartTimer()
			var n int64
			if which == 0 {
				n, err = d.repo.Sessions.DeleteExpired(ctx, 0)
			} else {
				n, err = d.deleteExpired(ctx, query, time.Now())
			}
			b.StopTimer()
			require.NoError(b, err)
			require.EqualValues(b, expired, n)
			took := float64(time.Since(start).Nanoseconds())
			if which == 0 {
				mod, modStmts = append(mod, took), float64(counter.Load()-before)
			} else {
				floor, floorStmts = append(floor, took), float64(counter.Load()-before)
			}
		}
	}
	require.NoError(b, d.cleanUp(ctx))
	ratios := make([]float64, len(mod))
	for i := range mod {
		ratios[i] = mod[i] / floor[i]
	}
	b.ReportMetric(benchvs.Median(mod), "module-ns/100k")
	b.ReportMetric(benchvs.Median(floor), "pgx-ns/100k")
	b.ReportMetric(modStmts, "module-stmts/100k")
	b.ReportMetric(floorStmts, "pgx-stmts/100k")
	b.ReportMetric(benchvs.Median(ratios), "ratio")
	b.ReportMetric(0, "ns/op")
}

// benchSpec is a data set: flavour f's tables (with the DDL indexes added)
// holding n users, each with a GitHub account (provider account id i) and
// a session.
type benchSpec struct {
	f       *gormauth.Flavour
	name    string
	n       int
	indexes string
}

func benchSets() []benchSpec {
	var sets []benchSpec
	for _, f := range gormauth.Flavours() {
		sets = append(sets, benchSpec{f: f, name: f.Name(), n: 10_000})
	}
	// The pg adapter's schema.sql has no index on "sessionToken" nor on
	// (provider, "providerAccountId"): each lookup scans its table.
	sets = append(sets, benchSpec{f: gormauth.Pg, name: "pg+indexes", n: 10_000, indexes: pgIndexes})
	return append(sets, benchSpec{f: gormauth.Beta73, name: "beta73-1e6", n: 1_000_000})
}

// pgIndexes are the indexes README advises adding to the pg adapter's
// schema.
const pgIndexes = `CREATE UNIQUE INDEX sessions_sessionToken_key ON sessions ("sessionToken");
	CREATE UNIQUE INDEX accounts_provider_providerAccountId_key ON accounts (provider, "providerAccountId")`

// benchSecret is the repository's Options.Secret.
const benchSecret = "s3cret"

// benchData is a data set (benchSpec), shared by the benchmarks that use
// it, and the two sides' connections to it.
type benchData struct {
	f           *gormauth.Flavour
	n           int
	db          *gorm.DB
	repo        *repository.Repository
	pool        *pgxpool.Pool
	module, pgx *benchvs.Counter
	// sql are the repository's statements (repository.Statements), names
	// the parameters of those that take named ones.
	sql    map[string]string
	names  map[string][]string
	tables [4]string // users, accounts, sessions, tokens
	// accessTokens: the sessions table has beta.73's access_token.
	accessTokens bool
	expires      time.Time // of the data set's sessions
	cleanUp      func(ctx context.Context) error
}

var (
	benchSetsMu sync.Mutex
	benchSetsBy = map[string]*benchData{}
	benchSeq    atomic.Int64 // makes the rows inserted outside the timing unique
)

// idExpr is the SQL of the id of kind k made with prefix for row i (SQL),
// or "" for the database to give it (serial) or no id.
func idExpr(k gormauth.IDKind, prefix, i string) string {
	switch k {
	case gormauth.CUID:
		return `'c' || lpad('` + prefix + `' || ` + i + `, 24, '0')`
	case gormauth.UUID:
		return `md5('` + prefix + `' || ` + i + `)::uuid::text`
	}
	return ""
}

// userRef is the SQL of the id of the data set's user i (SQL).
func (d *benchData) userRef(i string) string {
	uk, _, _ := d.f.IDs()
	if e := idExpr(uk, "u", i); e != "" {
		return e
	}
	return i // serial: 1 … n in order
}

// uuidOf is md5(s) as a UUID, as PostgreSQL's md5(s)::uuid prints it.
func uuidOf(s string) string {
	h := hex.EncodeToString(func(b [16]byte) []byte { return b[:] }(md5.Sum([]byte(s))))
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func benchToken(i int) string { return uuidOf("s" + strconv.Itoa(i)) }

// userID is the id of the i-th user of the data set.
func (d *benchData) userID(i int) string {
	switch k, _, _ := d.f.IDs(); k {
	case gormauth.CUID:
		return "c" + fmt.Sprintf("%024s", "u"+strconv.Itoa(i))
	case gormauth.UUID:
		return uuidOf("u" + strconv.Itoa(i))
	}
	return strconv.Itoa(i)
}

// email is the address of the i-th user of the data set.
func email(i int) string { return "user" + strconv.Itoa(i) + "@example.com" }

// benchSet returns the data set s, filling it on first use.
func benchSet(b *testing.B, s benchSpec) *benchData {
	b.Helper()
	benchSetsMu.Lock()
	defer benchSetsMu.Unlock()
	if d, ok := benchSetsBy[s.name]; ok {
		return d
	}
	ctx := context.Background()
	dsn, _, err := testdb.NewDatabase() // kept for the run, dropped with the server
	require.NoError(b, err)
	f := s.f
	d := &benchData{f: f, n: s.n, module: &benchvs.Counter{}, pgx: &benchvs.Counter{}}
	u, a, se, t := f.Tables()
	d.tables = [4]string{u, a, se, t}
	d.accessTokens = f.Has(se, "access_token")
	began := time.Now()
	now := time.Now().UTC().Truncate(f.Precision())
	d.expires = now.Add(repository.DefaultMaxAge)

	// The schema and the rows, on connections closed before the
	// measurement (see BenchmarkVersusPgx).
	setup := benchvs.OpenPgx(b, dsn, nil)
	ddl, err := os.ReadFile("../testdata/" + toolDDL[f])
	require.NoError(b, err)
	_, err = setup.Exec(ctx, string(ddl))
	require.NoError(b, err)
	if s.indexes != "" {
		_, err = setup.Exec(ctx, s.indexes)
		require.NoError(b, err)
	}
	uk, ak, sk := f.IDs()
	userRef := d.userRef("i")
	users := d.insertSQL(u, uk, "u", [][2]string{
		{"name", `'User ' || i`}, {"email", `'user' || i || '@example.com'`},
		// Verified, so that SignInEmail keeps the user's account and session.
		{"emailVerified", `$1::` + d.ts()},
	})
	accounts := d.insertSQL(a, ak, "a", [][2]string{
		{"userId", userRef}, {"type", `'oauth'`}, {"provider", `'github'`}, {"providerAccountId", `i::text`},
		{"access_token", `'gho_' || i`}, {"compound_id", `encode(sha256(convert_to('github:' || i, 'UTF8')), 'hex')`},
	})
	_, err = setup.Exec(ctx, users, now, s.n)
	require.NoError(b, err)
	_, err = setup.Exec(ctx, accounts, now, s.n)
	require.NoError(b, err)
	_, err = setup.Exec(ctx, d.sessionsSQL(sk, "s", userRef), now, s.n, d.expires)
	require.NoError(b, err)
	_, err = setup.Exec(ctx, `VACUUM ANALYZE`)
	require.NoError(b, err)
	setup.Close()
	b.Logf("%s: filled %d users, accounts and sessions in %s", s.name, s.n, time.Since(began).Round(time.Millisecond))

	d.db = benchvs.OpenGorm(b, dsn, d.module)
	d.repo = repository.New(d.db, f, repository.Options{Secret: []string{benchSecret}})
	d.pool = benchvs.OpenPgx(b, dsn, d.pgx)
	d.sql = repository.Statements(d.repo)
	d.names = map[string][]string{}
	for _, name := range []string{"createSession", "extendSession", "signInLinked", "linkAccount", "insertToken", "verifyUser"} {
		d.names[name] = repository.StatementNames(d.repo, name)
	}
	// What the benchmarks insert: sessions that expire later than the data
	// set's, accounts of other providers, sign-in tokens.
	cleanUp := []string{
		`DELETE FROM ` + quote(se) + ` WHERE ` + d.col("expires") + ` > $1::` + d.ts(),
		`DELETE FROM ` + quote(a) + ` WHERE ` + d.col("provider") + ` <> 'github'`,
		`DELETE FROM ` + quote(t),
	}
	d.cleanUp = func(ctx context.Context) error {
		if _, err := d.pool.Exec(ctx, cleanUp[0], d.expires); err != nil {
			return err
		}
		for _, q := range cleanUp[1:] {
			if _, err := d.pool.Exec(ctx, q); err != nil {
				return err
			}
		}
		return nil
	}
	benchSetsBy[s.name] = d
	return d
}

// col is the flavour's quoted name of Auth.js's column name.
func (d *benchData) col(name string) string { return quote(d.f.Column(name)) }

// ts is the type of the flavour's timestamp columns.
func (d *benchData) ts() string {
	if d.f.WallClock() {
		return "timestamp"
	}
	return "timestamptz"
}

// insertSQL is an INSERT of generate_series(1, $2) rows i into table, with
// an id of kind k made with prefix, the given columns (Auth.js's names;
// those the flavour lacks left out) and the clock columns at $1.
func (d *benchData) insertSQL(table string, k gormauth.IDKind, prefix string, cols [][2]string) string {
	if e := idExpr(k, prefix, "i"); e != "" {
		cols = append([][2]string{{"id", e}}, cols...)
	}
	cols = append(cols, [2]string{"createdAt", `$1::` + d.ts()}, [2]string{"updatedAt", `$1::` + d.ts()})
	names, values := "", ""
	for _, c := range cols {
		if !d.f.Has(table, d.f.Column(c[0])) {
			continue
		}
		if names != "" {
			names, values = names+", ", values+", "
		}
		names, values = names+d.col(c[0]), values+c[1]
	}
	// $1 is the time, $2 the number of rows; a statement that uses no
	// time still types $1.
	return `INSERT INTO ` + quote(table) + ` (` + names + `) SELECT ` + values +
		` FROM generate_series(1, $2) i WHERE $1::` + d.ts() + ` IS NOT NULL`
}

// sessionsSQL inserts $2 sessions expiring at $3, tokens md5(prefix || i)
// as a UUID, for the users userRef.
func (d *benchData) sessionsSQL(k gormauth.IDKind, prefix, userRef string) string {
	return d.insertSQL(d.tables[2], k, prefix+"i", [][2]string{
		{"sessionToken", `md5('` + prefix + `' || i)::uuid::text`}, {"userId", userRef}, {"expires", `$3::` + d.ts()},
		{"access_token", `encode(sha256(convert_to('` + prefix + `a' || i, 'UTF8')), 'hex')`},
	})
}

// insertSessions inserts n sessions expiring at expires, for the data
// set's users in turn, and returns their tokens.
func (d *benchData) insertSessions(ctx context.Context, n int, expires time.Time) ([]string, error) {
	prefix := "p" + strconv.FormatInt(benchSeq.Add(1), 36) + "-"
	_, _, sk := d.f.IDs()
	q := d.sessionsSQL(sk, prefix, d.userRef(`((i - 1) % `+strconv.Itoa(d.n)+` + 1)`))
	tag, err := d.pool.Exec(ctx, q, time.Now().UTC().Truncate(d.f.Precision()), n, expires.UTC().Truncate(d.f.Precision()))
	if err == nil && tag.RowsAffected() != int64(n) {
		err = fmt.Errorf("inserted %d sessions, want %d", tag.RowsAffected(), n)
	}
	tokens := make([]string, n)
	for i := range tokens {
		tokens[i] = uuidOf(prefix + strconv.Itoa(i+1))
	}
	return tokens, err
}

// releaseBenchSet closes the connections of the data set name.
func releaseBenchSet(name string) {
	benchSetsMu.Lock()
	defer benchSetsMu.Unlock()
	if d, ok := benchSetsBy[name]; ok {
		d.pool.Close()
		if sqlDB, err := d.db.DB(); err == nil {
			sqlDB.Close()
		}
		delete(benchSetsBy, name)
	}
}

// spread maps the i-th operation to a row of the data set, far from the
// last one.
func (d *benchData) spread(i int) int { return (i*7919)%d.n + 1 }

// A benchOp is one operation on both sides (see benchvs.Op), on a data
// set.
type benchOp struct {
	name    string
	stmts   func(d *benchData) float64 // statements per operation, on both sides
	prepare func(ctx context.Context, d *benchData, n int) (module, floor []string, err error)
	module  func(ctx context.Context, d *benchData, i int, in []string) error
	floor   func(ctx context.Context, d *benchData, i int, in []string) error
}

// bind returns op on the data set d.
func (op benchOp) bind(d *benchData) benchvs.Op {
	o := benchvs.Op{
		Stmts:  op.stmts(d),
		Module: func(ctx context.Context, i int, in []string) error { return op.module(ctx, d, i, in) },
		Floor:  func(ctx context.Context, i int, in []string) error { return op.floor(ctx, d, i, in) },
	}
	if op.prepare != nil {
		o.Prepare = func(ctx context.Context, n int) ([]string, []string, error) { return op.prepare(ctx, d, n) }
	}
	return o
}

func stmts(n float64) func(*benchData) float64 { return func(*benchData) float64 { return n } }

var errFloorNotFound = errors.New("floor: not found")

var benchOps = []benchOp{
	{
		// pgx against itself: the noise of the measurement, which a ratio
		// of the other operations must be read against.
		name: "Calibration_PgxVersusPgx", stmts: stmts(0), // the module's counter counts nothing here
		module: func(ctx context.Context, d *benchData, i int, _ []string) error {
			_, err := d.authenticate(ctx, benchToken(d.spread(i)), time.Now())
			return err
		},
		floor: func(ctx context.Context, d *benchData, i int, _ []string) error {
			_, err := d.authenticate(ctx, benchToken(d.spread(i)), time.Now())
			return err
		},
	},
	{
		// What every request with a session cookie runs: the session and
		// its user, the sliding expiry (not due) and the cookie's expiry.
		name: "Authenticate", stmts: stmts(1),
		module: func(ctx context.Context, d *benchData, i int, _ []string) error {
			_, _, err := d.repo.Authenticate(ctx, benchToken(d.spread(i)))
			return err
		},
		floor: func(ctx context.Context, d *benchData, i int, _ []string) error {
			_, err := d.authenticate(ctx, benchToken(d.spread(i)), time.Now())
			return err
		},
	},
	{
		name: "UserByAccount", stmts: stmts(1),
		module: func(ctx context.Context, d *benchData, i int, _ []string) error {
			_, err := d.repo.Users.ByAccount(ctx, repository.AccountKey{Provider: "github", ProviderAccountID: strconv.Itoa(d.spread(i))})
			return err
		},
		floor: func(ctx context.Context, d *benchData, i int, _ []string) error {
			return d.userByAccount(ctx, "github", strconv.Itoa(d.spread(i)))
		},
	},
	{
		name: "SessionByToken", stmts: stmts(1),
		module: func(ctx context.Context, d *benchData, i int, _ []string) error {
			_, err := d.repo.Sessions.ByToken(ctx, benchToken(d.spread(i)))
			return err
		},
		floor: func(ctx context.Context, d *benchData, i int, _ []string) error {
			_, err := d.sessionByToken(ctx, benchToken(d.spread(i)), time.Now())
			return err
		},
	},
	{
		// A returning user's OAuth sign-in: one statement finds the user
		// and opens a session.
		name: "OAuthReturningUser", stmts: stmts(1),
		module: func(ctx context.Context, d *benchData, i int, _ []string) error {
			res, err := d.repo.SignInOAuth(ctx, repository.OAuthSignIn{Account: repository.Account{Provider: "github", ProviderAccountID: strconv.Itoa(d.spread(i))}})
			if err == nil && res.IsNewUser {
				err = errors.New("a new user")
			}
			return err
		},
		floor: func(ctx context.Context, d *benchData, i int, _ []string) error {
			return d.signInLinked(ctx, "github", strconv.Itoa(d.spread(i)), time.Now())
		},
	},
	{
		// Authenticate when the sliding expiry is due: the lookup, then the
		// UPDATE.
		name: "AuthenticateRefreshDue", stmts: stmts(2),
		prepare: func(ctx context.Context, d *benchData, n int) ([]string, []string, error) {
			// Sessions last extended 25 hours ago.
			tokens, err := d.insertSessions(ctx, 2*n, time.Now().Add(repository.DefaultMaxAge-25*time.Hour))
			return tokens[:n], tokens[n:], err
		},
		module: func(ctx context.Context, d *benchData, i int, in []string) error {
			_, cookie, err := d.repo.Authenticate(ctx, in[i])
			if err == nil && cookie.IsZero() {
				err = errors.New("not extended")
			}
			return err
		},
		floor: func(ctx context.Context, d *benchData, i int, in []string) error {
			now := time.Now()
			s, err := d.session(ctx, in[i], now)
			if err != nil {
				return err
			}
			return d.extend(ctx, s, now)
		},
	},
	{
		// Verifications.Create, then SignInEmail of a verified user: the
		// INSERT; BEGIN, the address's lock, the token's DELETE, the
		// address's other tokens' DELETE, the user locked, verified,
		// the session's INSERT, COMMIT.
		name: "CreateAndRedeemSignInToken", stmts: stmts(9),
		module: func(ctx context.Context, d *benchData, i int, _ []string) error {
			t := repository.SignInToken{Identifier: email(d.spread(i)), Token: "m" + strconv.Itoa(i) + "-" + strconv.FormatInt(time.Now().UnixNano(), 36)}
			if _, err := d.repo.Verifications.Create(ctx, t, 0); err != nil {
				return err
			}
			_, err := d.repo.SignInEmail(ctx, repository.EmailSignIn{SignInToken: t})
			return err
		},
		floor: func(ctx context.Context, d *benchData, i int, _ []string) error {
			return d.signInEmail(ctx, email(d.spread(i)), "f"+strconv.Itoa(i)+"-"+strconv.FormatInt(time.Now().UnixNano(), 36), time.Now())
		},
	},
	{
		name: "CreateSession", stmts: stmts(1),
		module: func(ctx context.Context, d *benchData, i int, _ []string) error {
			_, err := d.repo.Sessions.Create(ctx, d.userID(d.spread(i)))
			return err
		},
		floor: func(ctx context.Context, d *benchData, i int, _ []string) error {
			return d.createSession(ctx, d.pool, d.userID(d.spread(i)), time.Now())
		},
	},
	{
		name: "SignOut", stmts: stmts(1),
		prepare: func(ctx context.Context, d *benchData, n int) ([]string, []string, error) {
			tokens, err := d.insertSessions(ctx, 2*n, time.Now().Add(repository.DefaultMaxAge))
			return tokens[:n], tokens[n:], err
		},
		module: func(ctx context.Context, d *benchData, i int, in []string) error {
			return d.repo.Sessions.Delete(ctx, in[i])
		},
		floor: func(ctx context.Context, d *benchData, i int, in []string) error {
			tag, err := d.pool.Exec(ctx, d.sql["deleteSession"], in[i])
			if err == nil && tag.RowsAffected() != 1 {
				err = errFloorNotFound
			}
			return err
		},
	},
	{
		// Accounts.Link: one INSERT where the schema has a key on the
		// provider account, else BEGIN, the account's lock, the INSERT,
		// COMMIT.
		name: "LinkAccount",
		stmts: func(d *benchData) float64 {
			if d.f.AccountKey() {
				return 1
			}
			return 4
		},
		module: func(ctx context.Context, d *benchData, i int, _ []string) error {
			return d.repo.Accounts.Link(ctx, &repository.Account{UserID: d.userID(d.spread(i)), Type: "oauth",
				Provider: "module", ProviderAccountID: strconv.Itoa(i) + "-" + strconv.FormatInt(time.Now().UnixNano(), 36)})
		},
		floor: func(ctx context.Context, d *benchData, i int, _ []string) error {
			return d.link(ctx, d.userID(d.spread(i)), "floor", strconv.Itoa(i)+"-"+strconv.FormatInt(time.Now().UnixNano(), 36), time.Now())
		},
	},
}

// The floor's operations: what a developer writes by hand with pgx, with
// the same statements and the same checks as the repository.

var floorCUID = ids.NewCUID()

// newID is a new id of kind k as the repository makes it, or "" where the
// database makes it.
func newID(k gormauth.IDKind) (string, error) {
	switch k {
	case gormauth.CUID:
		return floorCUID.New()
	case gormauth.UUID:
		return ids.UUID()
	}
	return "", nil
}

// stored is t as the flavour's columns hold it.
func (d *benchData) stored(t time.Time) time.Time { return t.UTC().Truncate(d.f.Precision()) }

// utc makes the times read instants in UTC.
func utc(ts ...*time.Time) {
	for _, t := range ts {
		if t != nil {
			*t = t.UTC()
		}
	}
}

// args are the values of the named parameters names, from values.
func args(names []string, values map[string]any) []any {
	out := make([]any, len(names))
	for i, name := range names {
		out[i] = values[name]
	}
	return out
}

// sessionValues are the values of a new session's named parameters, for
// the user, opened at now.
func (d *benchData) sessionValues(userID string, now time.Time) (map[string]any, error) {
	token, err := d.f.NewSessionToken()
	if err != nil {
		return nil, err
	}
	_, _, sk := d.f.IDs()
	id, err := newID(sk)
	if err != nil {
		return nil, err
	}
	now = d.stored(now)
	values := map[string]any{"id": id, "token": token, "user": userID, "expires": now.Add(repository.DefaultMaxAge), "now": now}
	if d.accessTokens {
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		values["access_token"] = hex.EncodeToString(b)
	}
	return values, nil
}

// session is the valid session of token, with its user.
func (d *benchData) session(ctx context.Context, token string, now time.Time) (*repository.Session, error) {
	s := &repository.Session{User: &repository.User{}}
	u := s.User
	err := d.pool.QueryRow(ctx, d.sql["sessionWithUser"], token).Scan(
		&s.ID, &s.SessionToken, &s.UserID, &s.Expires, &s.AccessToken, &s.CreatedAt, &s.UpdatedAt,
		&u.ID, &u.Name, &u.Email, &u.EmailVerified, &u.Image, &u.CreatedAt, &u.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, errFloorNotFound
	}
	if err != nil {
		return nil, err
	}
	utc(&s.Expires, s.CreatedAt, s.UpdatedAt, u.EmailVerified, u.CreatedAt, u.UpdatedAt)
	if s.Expires.Before(now) {
		return nil, errFloorNotFound
	}
	return s, nil
}

// authenticate is Repository.Authenticate of a session that is not due:
// it returns when the cookie sent again expires (zero: not sent).
func (d *benchData) authenticate(ctx context.Context, token string, now time.Time) (time.Time, error) {
	s, err := d.session(ctx, token, now)
	if err != nil {
		return time.Time{}, err
	}
	if d.f.Due(s.Expires, now, repository.DefaultMaxAge, repository.DefaultUpdateAge) {
		return time.Time{}, errors.New("floor: due")
	}
	if d.f.SendsCookieEachRequest() {
		return now.Add(repository.DefaultMaxAge), nil
	}
	return time.Time{}, nil
}

// extend is the sliding expiry of a due session.
func (d *benchData) extend(ctx context.Context, s *repository.Session, now time.Time) error {
	if !d.f.Due(s.Expires, now, repository.DefaultMaxAge, repository.DefaultUpdateAge) {
		return errors.New("floor: not due")
	}
	now = d.stored(now)
	var row repository.Session
	err := d.pool.QueryRow(ctx, d.sql["extendSession"], args(d.names["extendSession"], map[string]any{
		"token": s.SessionToken, "expires": now.Add(repository.DefaultMaxAge), "old": s.Expires, "now": now,
	})...).Scan(&row.ID, &row.SessionToken, &row.UserID, &row.Expires, &row.AccessToken, &row.CreatedAt, &row.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return errors.New("floor: lost the refresh")
	}
	return err
}

func (d *benchData) userByAccount(ctx context.Context, provider, account string) error {
	var u repository.User
	err := d.pool.QueryRow(ctx, d.sql["userByAccount"], provider, account).Scan(
		&u.ID, &u.Name, &u.Email, &u.EmailVerified, &u.Image, &u.CreatedAt, &u.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return errFloorNotFound
	}
	utc(u.EmailVerified, u.CreatedAt, u.UpdatedAt)
	return err
}

func (d *benchData) sessionByToken(ctx context.Context, token string, now time.Time) (*repository.Session, error) {
	var s repository.Session
	err := d.pool.QueryRow(ctx, d.sql["sessionByToken"], token).Scan(
		&s.ID, &s.SessionToken, &s.UserID, &s.Expires, &s.AccessToken, &s.CreatedAt, &s.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, errFloorNotFound
	}
	if err != nil {
		return nil, err
	}
	utc(&s.Expires, s.CreatedAt, s.UpdatedAt)
	if s.Expires.Before(now) {
		return nil, errFloorNotFound
	}
	return &s, nil
}

func (d *benchData) signInLinked(ctx context.Context, provider, account string, now time.Time) error {
	values, err := d.sessionValues("", now)
	if err != nil {
		return err
	}
	values["provider"], values["account"] = provider, account
	var u repository.User
	var sessionID string
	err = d.pool.QueryRow(ctx, d.sql["signInLinked"], args(d.names["signInLinked"], values)...).Scan(
		&u.ID, &u.Name, &u.Email, &u.EmailVerified, &u.Image, &u.CreatedAt, &u.UpdatedAt, &sessionID)
	if errors.Is(err, pgx.ErrNoRows) {
		return errFloorNotFound
	}
	utc(u.EmailVerified, u.CreatedAt, u.UpdatedAt)
	return err
}

// querier is a pgxpool.Pool or a pgx.Tx.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func (d *benchData) createSession(ctx context.Context, q querier, userID string, now time.Time) error {
	values, err := d.sessionValues(userID, now)
	if err != nil {
		return err
	}
	var id string
	err = q.QueryRow(ctx, d.sql["createSession"], args(d.names["createSession"], values)...).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return errFloorNotFound
	}
	return err
}

// link is Accounts.Link: under the account's lock where the schema has no
// key on it.
func (d *benchData) link(ctx context.Context, userID, provider, account string, now time.Time) error {
	_, ak, _ := d.f.IDs()
	id, err := newID(ak)
	if err != nil {
		return err
	}
	values := map[string]any{"id": id, "user": userID, "type": "oauth", "provider": provider, "account": account, "now": d.stored(now)}
	insert := func(q querier) error {
		var got string
		err := q.QueryRow(ctx, d.sql["linkAccount"], args(d.names["linkAccount"], values)...).Scan(&got)
		if errors.Is(err, pgx.ErrNoRows) {
			return errFloorNotFound
		}
		return err
	}
	if d.f.AccountKey() {
		return insert(d.pool)
	}
	return pgx.BeginFunc(ctx, d.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, d.sql["lock"], repository.AccountLockKey(provider, account)); err != nil {
			return err
		}
		return insert(tx)
	})
}

// signInEmail creates a sign-in token for the address of a verified user
// and redeems it: the token's row, then one transaction that takes the
// address's lock, deletes the token and the address's others, locks and
// verifies the user and opens a session.
func (d *benchData) signInEmail(ctx context.Context, identifier, token string, now time.Time) error {
	now = d.stored(now)
	hash := repository.HashToken(token, []string{benchSecret})
	if _, err := d.pool.Exec(ctx, d.sql["insertToken"], args(d.names["insertToken"], map[string]any{
		"identifier": identifier, "token": hash, "expires": now.Add(repository.DefaultVerificationMaxAge), "now": now,
	})...); err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, d.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, d.sql["lock"], repository.EmailLockKey(identifier)); err != nil {
			return err
		}
		var v repository.VerificationToken
		err := tx.QueryRow(ctx, d.sql["deleteToken"], identifier, hash).Scan(&v.Identifier, &v.Token, &v.Expires)
		if err != nil {
			return err
		}
		if v.Expires.UTC().Before(now) {
			return errFloorNotFound
		}
		if _, err := tx.Exec(ctx, d.sql["deleteTokens"], identifier); err != nil {
			return err
		}
		var u repository.User
		if err := tx.QueryRow(ctx, d.sql["lockUserByEmail"], identifier).Scan(
			&u.ID, &u.Name, &u.Email, &u.EmailVerified, &u.Image, &u.CreatedAt, &u.UpdatedAt); err != nil {
			return err
		}
		if u.EmailVerified == nil {
			return errors.New("floor: the user is not verified")
		}
		if err := tx.QueryRow(ctx, d.sql["verifyUser"], args(d.names["verifyUser"], map[string]any{
			"id": u.ID, "verified": now, "now": now,
		})...).Scan(&u.ID, &u.Name, &u.Email, &u.EmailVerified, &u.Image, &u.CreatedAt, &u.UpdatedAt); err != nil {
			return err
		}
		utc(u.EmailVerified, u.CreatedAt, u.UpdatedAt)
		return d.createSession(ctx, tx, u.ID, now)
	})
}

// deleteExpired deletes the expired sessions as the clean-up does.
func (d *benchData) deleteExpired(ctx context.Context, query string, now time.Time) (int64, error) {
	var total int64
	for {
		tag, err := d.pool.Exec(ctx, query, d.stored(now), repository.DefaultBatchSize)
		if err != nil {
			return total, err
		}
		total += tag.RowsAffected()
		if tag.RowsAffected() < repository.DefaultBatchSize {
			return total, nil
		}
	}
}

// The operations of the request path on their own, each on a fresh
// database of every flavour with one user and one session (newEnv),
// reporting allocations and the statements sent per operation (BEGIN and
// COMMIT included). Run them without -race:
//
//	go test ./repository -run '^$' -bench 'Sessions|Verifications|SignInOAuth' -benchtime 2s

// benchEnv is a fresh database of flavour f with one user and one session.
func benchEnv(b *testing.B, f *gormauth.Flavour) (*env, *repository.User, *repository.Session) {
	b.Helper()
	e := newEnv(b, f)
	u := e.mustUser(b, "bench@example.com")
	return e, u, e.mustSession(b, u)
}

// measure resets the timer and the statement count, runs op b.N times, and
// reports the statements per operation.
func measure(b *testing.B, e *env, op func() error) {
	b.Helper()
	b.ReportAllocs()
	e.tracer.Reset()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := op(); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(len(e.tracer.Statements()))/float64(b.N), "stmts/op")
}

// eachFlavourBench runs bench once for every flavour.
func eachFlavourBench(b *testing.B, bench func(b *testing.B, f *gormauth.Flavour)) {
	for _, f := range gormauth.Flavours() {
		b.Run(f.Name(), func(b *testing.B) { bench(b, f) })
	}
}

func BenchmarkSessionsByToken(b *testing.B) {
	ctx := context.Background()
	eachFlavourBench(b, func(b *testing.B, f *gormauth.Flavour) {
		e, _, s := benchEnv(b, f)
		measure(b, e, func() error {
			_, err := e.repo.Sessions.ByToken(ctx, s.SessionToken)
			return err
		})
	})
}

func BenchmarkSessionsRefresh(b *testing.B) {
	ctx := context.Background()
	eachFlavourBench(b, func(b *testing.B, f *gormauth.Flavour) {
		b.Run("NotDue", func(b *testing.B) {
			e, _, s := benchEnv(b, f)
			measure(b, e, func() error {
				wrote, err := e.repo.Sessions.Refresh(ctx, s)
				if err == nil && wrote {
					err = errors.New("refresh wrote")
				}
				return err
			})
		})
		b.Run("Due", func(b *testing.B) {
			e, _, s := benchEnv(b, f)
			measure(b, e, func() error {
				e.clock.Advance(e.dueAfter()) // due again every time
				wrote, err := e.repo.Sessions.Refresh(ctx, s)
				if err == nil && !wrote {
					err = errors.New("refresh did not write")
				}
				return err
			})
		})
	})
}

func BenchmarkVerificationsUse(b *testing.B) {
	ctx := context.Background()
	eachFlavourBench(b, func(b *testing.B, f *gormauth.Flavour) {
		e := newEnv(b, f)
		// b.N valid sign-in tokens, stored before the timer starts.
		tokens := make([]repository.SignInToken, b.N)
		for i := range tokens {
			tokens[i] = e.mustToken(b, "bench@example.com")
		}
		i := 0
		measure(b, e, func() error {
			_, err := e.repo.Verifications.Use(ctx, tokens[i])
			i++
			return err
		})
	})
}

func BenchmarkSignInOAuthReturningUser(b *testing.B) {
	ctx := context.Background()
	eachFlavourBench(b, func(b *testing.B, f *gormauth.Flavour) {
		e := newEnv(b, f)
		in := repository.OAuthSignIn{Account: repository.Account{Provider: "github", ProviderAccountID: "1"}, Email: ptr("bench@example.com")}
		first, err := e.repo.SignInOAuth(ctx, in)
		require.NoError(b, err)
		require.True(b, first.IsNewUser)
		measure(b, e, func() error {
			res, err := e.repo.SignInOAuth(ctx, in)
			if err == nil && res.IsNewUser {
				err = errors.New("a new user")
			}
			return err
		})
	})
}

// BenchmarkSessionsWithUser measures the lookup behind every authenticated
// request, one query, against the naive two queries.
func BenchmarkSessionsWithUser(b *testing.B) {
	ctx := context.Background()
	eachFlavourBench(b, func(b *testing.B, f *gormauth.Flavour) {
		b.Run("OneQuery", func(b *testing.B) {
			e, _, s := benchEnv(b, f)
			measure(b, e, func() error {
				_, err := e.repo.Sessions.WithUser(ctx, s.SessionToken)
				return err
			})
		})
		b.Run("NaiveByTokenThenUsersByID", func(b *testing.B) {
			e, _, s := benchEnv(b, f)
			measure(b, e, func() error {
				sess, err := e.repo.Sessions.ByToken(ctx, s.SessionToken)
				if err != nil {
					return err
				}
				_, err = e.repo.Users.ByID(ctx, sess.UserID)
				return err
			})
		})
	})
}

// BenchmarkSessionsCreate measures Sessions.Create (one statement) against
// a plain GORM Create of the same row on a *gorm.DB with GORM's defaults,
// which wraps the INSERT in BEGIN … COMMIT.
func BenchmarkSessionsCreate(b *testing.B) {
	ctx := context.Background()
	eachFlavourBench(b, func(b *testing.B, f *gormauth.Flavour) {
		b.Run("Repository", func(b *testing.B) {
			e, u, _ := benchEnv(b, f)
			measure(b, e, func() error {
				_, err := e.repo.Sessions.Create(ctx, u.ID)
				return err
			})
		})
		b.Run("GORMCreateDefaultTransaction", func(b *testing.B) {
			e, u, _ := benchEnv(b, f)
			_, _, sessions, _ := f.Tables()
			uk, _, sk := f.IDs()
			accessTokens := f.Has(sessions, "access_token")
			var userID any = u.ID
			if uk == gormauth.Serial {
				n, err := strconv.Atoi(u.ID)
				require.NoError(b, err)
				userID = n
			}
			db := e.db.WithContext(ctx)
			measure(b, e, func() error {
				token, err := f.NewSessionToken()
				if err != nil {
					return err
				}
				now := e.clock.Now().UTC().Truncate(f.Precision())
				row := map[string]any{f.Column("sessionToken"): token, f.Column("userId"): userID, "expires": now.Add(repository.DefaultMaxAge)}
				if id, err := newID(sk); err != nil {
					return err
				} else if id != "" {
					row["id"] = id
				}
				if accessTokens {
					accessToken, err := repository.NewSignInToken() // 32 random bytes in hex, as beta.73's
					if err != nil {
						return err
					}
					row["access_token"] = accessToken
				}
				if f.ClockColumns() {
					row[f.Column("createdAt")], row[f.Column("updatedAt")] = now, now
				}
				return db.Table(sessions).Create(row).Error
			})
		})
	})
}
