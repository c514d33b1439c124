package repository_test

import (
	"context"
	"crypto/sha256"
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

	"github.com/gormauth/gormauth/internal/harness/benchvs"
	"github.com/gormauth/gormauth/internal/harness/testdb"
	"github.com/gormauth/gormauth/internal/legacy73"
	"github.com/gormauth/gormauth/models"
)

// BenchmarkVersusPgx measures each operation of the request path against
// its floor: hand-written pgx v5 (pgxpool) sending the same statements on
// the same database, with the same checks in Go. Module and floor run in
// interleaved rounds (in alternating order), each round n operations per
// side spread over the clients; the reported ratio is the median of the
// rounds' ratios, so that what else the machine does affects both sides.
//
//	make bench
//	go test ./repository -run '^$' -bench VersusPgx -benchtime 2s
//	go test ./repository -run '^$' -bench 'VersusPgx/sessions=1e4/^Authenticate$'

// The metrics are package benchvs's.
func BenchmarkVersusPgx(b *testing.B) {
	for _, size := range []struct {
		name string
		n    int
	}{{"1e4", 10_000}, {"1e6", 1_000_000}} {
		b.Run("sessions="+size.name, func(b *testing.B) {
			for _, op := range benchOps {
				for _, clients := range []int{1, 8, 32} {
					b.Run(fmt.Sprintf("%s/clients=%d", op.name, clients), func(b *testing.B) {
						d := benchSet(b, size.n)
						benchvs.Compare(b, op.bind(d), benchvs.Sides{Module: d.module, Pgx: d.pgx, CleanUp: d.cleanUp}, clients)
					})
				}
			}
		})
	}
}

// benchData is a database holding n users, each with a GitHub account
// (provider account id i) and a session, shared by the benchmarks of one
// size; and the two sides' connections to it.
type benchData struct {
	n       int
	now     time.Time
	repo    *repository.Repository
	floor   *floor
	module  *benchvs.Counter // statements the module's pool sent
	pgx     *benchvs.Counter // statements the floor's pool sent
	maxIDs  [2]int32         // the largest session and account ids of the data set
	cleanUp func(ctx context.Context) error
}

var (
	benchSetsMu sync.Mutex
	benchSets   = map[int]*benchData{}
)

// benchSet returns the data set of n sessions, filling it on first use.
func benchSet(b *testing.B, n int) *benchData {
	b.Helper()
	benchSetsMu.Lock()
	defer benchSetsMu.Unlock()
	if d, ok := benchSets[n]; ok {
		return d
	}
	ctx := context.Background()
	// Kept for the whole run (every benchmark of this size uses it), and
	// dropped with the throwaway server.
	dsn, _, err := testdb.NewDatabase()
	require.NoError(b, err)
	setup := openFloor(b, dsn, nil)
	start := time.Now()
	now := time.Now().UTC().Truncate(time.Microsecond)
	_, err = setup.pool.Exec(ctx, schemaSQL)
	require.NoError(b, err)
	for _, stmt := range []string{
		`INSERT INTO users (name, email, created, updated)
			SELECT 'User ' || i, 'user' || i || '@example.com', $1::timestamp, $1::timestamp FROM generate_series(1, $2) i
			WHERE $3::timestamp IS NOT NULL`,
		`INSERT INTO accounts (compound_id, user_id, provider_type, provider_id, provider_account_id, access_token, created, updated)
			SELECT encode(sha256(('github:' || i)::bytea), 'hex'), i, 'oauth', 'github', i::text, 'gho_' || i, $1::timestamp, $1::timestamp
			FROM generate_series(1, $2) i WHERE $3::timestamp IS NOT NULL`,
		`INSERT INTO sessions (user_id, expires, session_token, access_token, created, updated)
			SELECT i, $3::timestamp, encode(sha256(('s' || i)::bytea), 'hex'), encode(sha256(('a' || i)::bytea), 'hex'), $1::timestamp, $1::timestamp
			FROM generate_series(1, $2) i`,
	} {
		_, err = setup.pool.Exec(ctx, stmt, now, n, now.Add(repository.DefaultMaxAge))
		require.NoError(b, err)
	}
	_, err = setup.pool.Exec(ctx, `VACUUM ANALYZE`)
	require.NoError(b, err)
	setup.pool.Close()
	b.Logf("filled %d users, accounts and sessions in %s", n, time.Since(start).Round(time.Millisecond))

	d := &benchData{n: n, now: now, module: &benchvs.Counter{}, pgx: &benchvs.Counter{}}
	d.floor = openFloor(b, dsn, d.pgx)
	d.repo = repository.New(benchvs.OpenGorm(b, dsn, d.module), repository.Options{})
	require.NoError(b, d.floor.pool.QueryRow(ctx, `SELECT (SELECT max(id) FROM sessions), (SELECT max(id) FROM accounts)`).Scan(&d.maxIDs[0], &d.maxIDs[1]))
	d.cleanUp = func(ctx context.Context) error {
		if _, err := d.floor.pool.Exec(ctx, `DELETE FROM sessions WHERE id > $1`, d.maxIDs[0]); err != nil {
			return err
		}
		if _, err := d.floor.pool.Exec(ctx, `DELETE FROM accounts WHERE id > $1`, d.maxIDs[1]); err != nil {
			return err
		}
		_, err := d.floor.pool.Exec(ctx, `DELETE FROM verification_requests`)
		return err
	}
	benchSets[n] = d
	return d
}

// floor is the hand-written pgx side.
type floor struct {
	pool *pgxpool.Pool
}

func openFloor(b *testing.B, dsn string, counter *benchvs.Counter) *floor {
	return &floor{pool: benchvs.OpenPgx(b, dsn, counter)}
}

var errFloorNotFound = errors.New("floor: not found")

// A benchOp is one operation on both sides (see benchvs.Op), on a data
// set.
type benchOp struct {
	name    string
	stmts   float64 // statements per operation, on both sides
	prepare func(ctx context.Context, d *benchData, n int) (module, floor []string, err error)
	module  func(ctx context.Context, d *benchData, i int, in []string) error
	floor   func(ctx context.Context, d *benchData, i int, in []string) error
}

// bind returns op on the data set d.
func (op benchOp) bind(d *benchData) benchvs.Op {
	o := benchvs.Op{
		Stmts:  op.stmts,
		Module: func(ctx context.Context, i int, in []string) error { return op.module(ctx, d, i, in) },
		Floor:  func(ctx context.Context, i int, in []string) error { return op.floor(ctx, d, i, in) },
	}
	if op.prepare != nil {
		o.Prepare = func(ctx context.Context, n int) ([]string, []string, error) { return op.prepare(ctx, d, n) }
	}
	return o
}

// spread maps the i-th operation to a row of the data set, far from the
// last one.
func (d *benchData) spread(i int) int { return (i*7919)%d.n + 1 }

func sessionToken(i int) string { return sha256hex("s" + strconv.Itoa(i)) }

func sha256hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

var benchOps = []benchOp{
	{
		// pgx against itself: the noise of the measurement, which a ratio
		// of the other operations must be read against.
		name: "Calibration_PgxVersusPgx", stmts: 0, // the module counter counts nothing here
		module: func(ctx context.Context, d *benchData, i int, _ []string) error {
			_, err := d.floor.authenticate(ctx, sessionToken(d.spread(i)), time.Now())
			return err
		},
		floor: func(ctx context.Context, d *benchData, i int, _ []string) error {
			_, err := d.floor.authenticate(ctx, sessionToken(d.spread(i)), time.Now())
			return err
		},
	},
	{
		name: "Authenticate", stmts: 1,
		module: func(ctx context.Context, d *benchData, i int, _ []string) error {
			s, err := d.repo.Sessions.WithUser(ctx, sessionToken(d.spread(i)))
			if err != nil {
				return err
			}
			_, err = d.repo.Sessions.Refresh(ctx, s) // not due: no statement
			return err
		},
		floor: func(ctx context.Context, d *benchData, i int, _ []string) error {
			_, err := d.floor.authenticate(ctx, sessionToken(d.spread(i)), time.Now())
			return err
		},
	},
	{
		name: "UserByAccount", stmts: 1,
		module: func(ctx context.Context, d *benchData, i int, _ []string) error {
			_, err := d.repo.Users.ByAccount(ctx, repository.AccountKey{ProviderID: "github", ProviderAccountID: strconv.Itoa(d.spread(i))})
			return err
		},
		floor: func(ctx context.Context, d *benchData, i int, _ []string) error {
			return d.floor.userByAccount(ctx, "github", strconv.Itoa(d.spread(i)))
		},
	},
	{
		name: "SessionByToken", stmts: 1,
		module: func(ctx context.Context, d *benchData, i int, _ []string) error {
			_, err := d.repo.Sessions.ByToken(ctx, sessionToken(d.spread(i)))
			return err
		},
		floor: func(ctx context.Context, d *benchData, i int, _ []string) error {
			return d.floor.sessionByToken(ctx, sessionToken(d.spread(i)), time.Now())
		},
	},
	{
		name: "OAuthReturningUser", stmts: 1,
		module: func(ctx context.Context, d *benchData, i int, _ []string) error {
			res, err := d.repo.SignInOAuth(ctx, repository.OAuthSignIn{
				Account: repository.AccountKey{ProviderID: "github", ProviderAccountID: strconv.Itoa(d.spread(i))}})
			if err == nil && res.IsNewUser {
				err = errors.New("a new user")
			}
			return err
		},
		floor: func(ctx context.Context, d *benchData, i int, _ []string) error {
			return d.floor.signInLinked(ctx, "github", strconv.Itoa(d.spread(i)), time.Now())
		},
	},
	{
		name: "AuthenticateRefreshDue", stmts: 2,
		prepare: func(ctx context.Context, d *benchData, n int) ([]string, []string, error) {
			// Sessions last extended 25 hours ago.
			tokens, err := d.floor.insertSessions(ctx, d, 2*n, time.Now().Add(repository.DefaultMaxAge-25*time.Hour))
			return tokens[:n], tokens[n:], err
		},
		module: func(ctx context.Context, d *benchData, i int, in []string) error {
			s, err := d.repo.Sessions.WithUser(ctx, in[i])
			if err != nil {
				return err
			}
			wrote, err := d.repo.Sessions.Refresh(ctx, s)
			if err == nil && !wrote {
				err = errors.New("not due")
			}
			return err
		},
		floor: func(ctx context.Context, d *benchData, i int, in []string) error {
			now := time.Now()
			s, err := d.floor.authenticate(ctx, in[i], now)
			if err != nil {
				return err
			}
			return d.floor.extend(ctx, s, now)
		},
	},
	{
		name: "CreateAndRedeemSignInToken", stmts: 6, // INSERT; BEGIN, DELETE, INSERT user, INSERT session, COMMIT
		module: func(ctx context.Context, d *benchData, i int, _ []string) error {
			t := repository.SignInToken{Identifier: fmt.Sprintf("user%d@example.com", d.spread(i)), Token: fmt.Sprintf("m%d-%d", i, time.Now().UnixNano()), Secret: "s3cret"}
			if _, err := d.repo.Verifications.Create(ctx, t, 0); err != nil {
				return err
			}
			_, err := d.repo.SignInEmail(ctx, t)
			return err
		},
		floor: func(ctx context.Context, d *benchData, i int, _ []string) error {
			return d.floor.signInEmail(ctx, fmt.Sprintf("user%d@example.com", d.spread(i)), fmt.Sprintf("f%d-%d", i, time.Now().UnixNano()), "s3cret", time.Now())
		},
	},
	{
		name: "CreateSession", stmts: 1,
		module: func(ctx context.Context, d *benchData, i int, _ []string) error {
			_, err := d.repo.Sessions.Create(ctx, int32(d.spread(i)))
			return err
		},
		floor: func(ctx context.Context, d *benchData, i int, _ []string) error {
			_, err := d.floor.openSession(ctx, int32(d.spread(i)), time.Now())
			return err
		},
	},
	{
		name: "SignOut", stmts: 1,
		prepare: func(ctx context.Context, d *benchData, n int) ([]string, []string, error) {
			tokens, err := d.floor.insertSessions(ctx, d, 2*n, time.Now().Add(repository.DefaultMaxAge))
			return tokens[:n], tokens[n:], err
		},
		module: func(ctx context.Context, d *benchData, i int, in []string) error {
			return d.repo.Sessions.Delete(ctx, in[i])
		},
		floor: func(ctx context.Context, d *benchData, i int, in []string) error {
			tag, err := d.floor.pool.Exec(ctx, repository.DeleteSessionSQL, in[i])
			if err == nil && tag.RowsAffected() != 1 {
				err = errFloorNotFound
			}
			return err
		},
	},
	{
		name: "LinkAccount", stmts: 1,
		module: func(ctx context.Context, d *benchData, i int, _ []string) error {
			return d.repo.Accounts.Link(ctx, &models.Account{UserID: int32(d.spread(i)), ProviderType: "oauth",
				ProviderID: "module", ProviderAccountID: strconv.Itoa(i) + "-" + strconv.FormatInt(time.Now().UnixNano(), 36)})
		},
		floor: func(ctx context.Context, d *benchData, i int, _ []string) error {
			return d.floor.link(ctx, int32(d.spread(i)), "floor", strconv.Itoa(i)+"-"+strconv.FormatInt(time.Now().UnixNano(), 36), time.Now())
		},
	},
}

// BenchmarkVersusPgxDeleteExpired measures the clean-up: deleting 100 000
// expired sessions among the 10⁶ of the data set, DefaultBatchSize rows a
// statement, by Sessions.DeleteExpired and by pgx sending the same
// statements. The schema has no index on expires (NextAuth.js's has none),
// so every batch scans the table: this is slow on both sides.
func BenchmarkVersusPgxDeleteExpired(b *testing.B) {
	ctx := context.Background()
	d := benchSet(b, 1_000_000)
	const expired = 100_000
	var mod, pgxNs []float64
	var modStmts, pgxStmts float64
	b.ResetTimer()
	b.StopTimer()
	// At least 6 rounds whatever b.N (each takes about a second), so that
	// the median is not one sample and each side goes first as often. Each
	// side's rows are inserted and the table vacuumed before it runs, so
	// that neither scans the other's dead rows or meets autovacuum.
	for i := 0; i < max(b.N, 6); i++ {
		for k := 0; k < 2; k++ {
			_, err := d.floor.insertSessions(ctx, d, expired, time.Now().Add(-time.Hour))
			require.NoError(b, err)
			_, err = d.floor.pool.Exec(ctx, `VACUUM ANALYZE sessions`)
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
				n, err = d.floor.deleteExpired(ctx, time.Now())
			}
			b.StopTimer()
			require.NoError(b, err)
			require.EqualValues(b, expired, n)
			took := float64(time.Since(start).Nanoseconds())
			if which == 0 {
				mod, modStmts = append(mod, took), float64(counter.Load()-before)
			} else {
				pgxNs, pgxStmts = append(pgxNs, took), float64(counter.Load()-before)
			}
		}
	}
	require.NoError(b, d.cleanUp(ctx))
	ratios := make([]float64, len(mod))
	for i := range mod {
		ratios[i] = mod[i] / pgxNs[i]
	}
	b.ReportMetric(benchvs.Median(mod), "module-ns/100k")
	b.ReportMetric(benchvs.Median(pgxNs), "pgx-ns/100k")
	b.ReportMetric(modStmts, "module-stmts/100k")
	b.ReportMetric(pgxStmts, "pgx-stmts/100k")
	b.ReportMetric(benchvs.Median(ratios), "ratio")
	b.ReportMetric(0, "ns/op")
}

// The floor's operations: what a developer writes by hand with pgx, with
// the same statements and the same checks as the repository.

func (f *floor) authenticate(ctx context.Context, token string, now time.Time) (*models.Session, error) {
	s := &models.Session{User: &models.User{}}
	u := s.User
	err := f.pool.QueryRow(ctx, repository.SessionWithUserSQL, token).Scan(
		&s.ID, &s.UserID, &s.Expires, &s.SessionToken, &s.AccessToken, &s.Created, &s.Updated,
		&u.ID, &u.Name, &u.Email, &u.EmailVerified, &u.Image, &u.Created, &u.Updated)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, errFloorNotFound
	}
	if err != nil {
		return nil, err
	}
	s.Expires, s.Created, s.Updated = s.Expires.UTC(), s.Created.UTC(), s.Updated.UTC()
	u.Created, u.Updated = u.Created.UTC(), u.Updated.UTC()
	if u.EmailVerified != nil {
		*u.EmailVerified = u.EmailVerified.UTC()
	}
	if now.After(s.Expires) {
		return nil, errFloorNotFound
	}
	return s, nil
}

// extend is the sliding expiry of a due session.
func (f *floor) extend(ctx context.Context, s *models.Session, now time.Time) error {
	if !now.After(s.Expires.Add(repository.DefaultUpdateAge - repository.DefaultMaxAge)) {
		return errors.New("floor: not due")
	}
	now = now.UTC().Truncate(time.Microsecond)
	var row models.Session
	err := f.pool.QueryRow(ctx, repository.ExtendSessionSQL, now.Add(repository.DefaultMaxAge), now, s.SessionToken, s.Expires).Scan(
		&row.ID, &row.UserID, &row.Expires, &row.SessionToken, &row.AccessToken, &row.Created, &row.Updated)
	if errors.Is(err, pgx.ErrNoRows) {
		return errors.New("floor: lost the refresh")
	}
	return err
}

func (f *floor) userByAccount(ctx context.Context, provider, account string) error {
	var u models.User
	err := f.pool.QueryRow(ctx, repository.UserByAccountSQL, models.CompoundID(provider, account)).Scan(
		&u.ID, &u.Name, &u.Email, &u.EmailVerified, &u.Image, &u.Created, &u.Updated)
	if errors.Is(err, pgx.ErrNoRows) {
		return errFloorNotFound
	}
	return err
}

func (f *floor) sessionByToken(ctx context.Context, token string, now time.Time) error {
	var s models.Session
	err := f.pool.QueryRow(ctx, repository.SessionByTokenSQL, token).Scan(
		&s.ID, &s.UserID, &s.Expires, &s.SessionToken, &s.AccessToken, &s.Created, &s.Updated)
	if errors.Is(err, pgx.ErrNoRows) || err == nil && now.After(s.Expires) {
		return errFloorNotFound
	}
	return err
}

func (f *floor) signInLinked(ctx context.Context, provider, account string, now time.Time) error {
	sessionToken, err := repository.NewToken()
	if err != nil {
		return err
	}
	accessToken, err := repository.NewToken()
	if err != nil {
		return err
	}
	now = now.UTC().Truncate(time.Microsecond)
	var u models.User
	var sessionID int32
	err = f.pool.QueryRow(ctx, repository.SignInLinkedUserSQL, models.CompoundID(provider, account),
		now.Add(repository.DefaultMaxAge), sessionToken, accessToken, now).Scan(
		&u.ID, &u.Name, &u.Email, &u.EmailVerified, &u.Image, &u.Created, &u.Updated, &sessionID)
	if errors.Is(err, pgx.ErrNoRows) {
		return errFloorNotFound
	}
	return err
}

func (f *floor) openSession(ctx context.Context, userID int32, now time.Time) (string, error) {
	sessionToken, err := repository.NewToken()
	if err != nil {
		return "", err
	}
	accessToken, err := repository.NewToken()
	if err != nil {
		return "", err
	}
	now = now.UTC().Truncate(time.Microsecond)
	var id int32
	err = f.pool.QueryRow(ctx, repository.InsertSessionSQL, userID, now.Add(repository.DefaultMaxAge), sessionToken, accessToken, now).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", errFloorNotFound
	}
	return sessionToken, err
}

func (f *floor) link(ctx context.Context, userID int32, provider, account string, now time.Time) error {
	now = now.UTC().Truncate(time.Microsecond)
	var id int32
	err := f.pool.QueryRow(ctx, repository.LinkAccountSQL, models.CompoundID(provider, account), userID, "oauth",
		provider, account, nil, nil, nil, now).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return errFloorNotFound
	}
	return err
}

// signInEmail creates a sign-in token and redeems it: the token's row, then
// one transaction that deletes it, finds or creates the user and opens a
// session.
func (f *floor) signInEmail(ctx context.Context, identifier, token, secret string, now time.Time) error {
	now = now.UTC().Truncate(time.Microsecond)
	hash := models.HashToken(token, secret)
	var id int32
	if err := f.pool.QueryRow(ctx, repository.InsertTokenSQL, identifier, hash, now.Add(repository.DefaultVerificationMaxAge), now).Scan(&id); err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, f.pool, func(tx pgx.Tx) error {
		var v models.VerificationRequest
		err := tx.QueryRow(ctx, repository.DeleteTokenSQL, identifier, hash).Scan(
			&v.ID, &v.Identifier, &v.Token, &v.Expires, &v.Created, &v.Updated)
		if err != nil {
			return err
		}
		if now.After(v.Expires) {
			return errFloorNotFound
		}
		var u models.User
		var inserted bool
		if err := tx.QueryRow(ctx, repository.VerifiedUserSQL, identifier, now).Scan(
			&u.ID, &u.Name, &u.Email, &u.EmailVerified, &u.Image, &u.Created, &u.Updated, &inserted); err != nil {
			return err
		}
		sessionToken, err := repository.NewToken()
		if err != nil {
			return err
		}
		accessToken, err := repository.NewToken()
		if err != nil {
			return err
		}
		var sessionID int32
		return tx.QueryRow(ctx, repository.InsertSessionSQL, u.ID, now.Add(repository.DefaultMaxAge), sessionToken, accessToken, now).Scan(&sessionID)
	})
}

// deleteExpired deletes the expired sessions as the clean-up does.
func (f *floor) deleteExpired(ctx context.Context, now time.Time) (int64, error) {
	var total int64
	for {
		tag, err := f.pool.Exec(ctx, `DELETE FROM sessions WHERE id IN
		(SELECT id FROM sessions WHERE expires < $1::timestamp LIMIT $2 FOR UPDATE SKIP LOCKED)`,
			now.UTC().Truncate(time.Microsecond), repository.DefaultBatchSize)
		if err != nil {
			return total, err
		}
		total += tag.RowsAffected()
		if tag.RowsAffected() < repository.DefaultBatchSize {
			return total, nil
		}
	}
}

// insertSessions inserts n sessions expiring at expires, for users of the
// data set, and returns their tokens. The data set's clean-up deletes them.
func (f *floor) insertSessions(ctx context.Context, d *benchData, n int, expires time.Time) ([]string, error) {
	seed := strconv.FormatInt(time.Now().UnixNano(), 36)
	_, err := f.pool.Exec(ctx, `INSERT INTO sessions (user_id, expires, session_token, access_token, created, updated)
		SELECT i % $1 + 1, $2::timestamp, encode(sha256(($3 || i)::bytea), 'hex'), encode(sha256(($3 || 'a' || i)::bytea), 'hex'),
			$4::timestamp, $4::timestamp
		FROM generate_series(0, $5 - 1) i`, d.n, expires.UTC().Truncate(time.Microsecond), seed, time.Now().UTC(), n)
	tokens := make([]string, n)
	for i := range tokens {
		tokens[i] = sha256hex(seed + strconv.Itoa(i))
	}
	return tokens, err
}
