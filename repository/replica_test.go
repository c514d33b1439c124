package repository_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/plugin/dbresolver"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/cleanup"
	"github.com/gormauth/gormauth/internal/harness/pgserver"
	"github.com/gormauth/gormauth/internal/harness/testdb"
	"github.com/gormauth/gormauth/repository"
)

// Tests on a primary with a streaming replica that applies every commit
// testdb.ReplicaDelay late, through GORM's dbresolver as a GORM team
// registers it: the primary is the *gorm.DB's own pool, the replica a
// Replicas dialector. Each server's statements are recorded apart.

// replicated is one test's database of one flavour on the primary and the
// replica.
type replicated struct {
	f                *gormauth.Flavour
	db               *gorm.DB // the primary's, with dbresolver routing reads to the replica
	primary, replica *testdb.Tracer
	repo             *repository.Repository
	clock            *testdb.Clock
}

// eachReplicated runs test on a fresh replicated database of every
// flavour, in parallel.
func eachReplicated(t *testing.T, test func(t *testing.T, r *replicated)) {
	t.Helper()
	for _, f := range gormauth.Flavours() {
		t.Run(f.Name(), func(t *testing.T) {
			t.Parallel()
			test(t, newReplicated(t, f))
		})
	}
}

func newReplicated(t *testing.T, f *gormauth.Flavour) *replicated {
	t.Helper()
	primaryURL, replicaURL := testdb.Replicated(t)
	db, ptrace := testdb.OpenTraced(t, primaryURL)
	require.NoError(t, gormauth.AutoMigrate(context.Background(), db, f))
	replicaDB, rtr := testdb.OpenTraced(t, replicaURL)
	require.NoError(t, db.Use(dbresolver.Register(dbresolver.Config{
		Replicas: []gorm.Dialector{postgres.New(postgres.Config{Conn: replicaDB.ConnPool})},
	})))
	testdb.CaughtUp(t) // the replica has the tables
	c := testdb.NewClock(time.Now().UTC())
	r := &replicated{f: f, db: db, primary: ptrace, replica: rtr, clock: c,
		repo: repository.New(db, f, repository.Options{Now: c.Now, Secret: []string{secret}})}
	r.reset()
	return r
}

// reset forgets the statements recorded so far.
func (r *replicated) reset() {
	r.primary.Reset()
	r.replica.Reset()
}

// signedIn creates a user with a session through the repository.
func (r *replicated) signedIn(t *testing.T, email string) (*repository.User, *repository.Session) {
	t.Helper()
	ctx := context.Background()
	u := &repository.User{Email: ptr(email)}
	require.NoError(t, r.repo.Users.Create(ctx, u))
	s, err := r.repo.Sessions.Create(ctx, u.ID)
	require.NoError(t, err)
	return u, s
}

// TestReplicaSessionJustOpened: a session opened on the primary a moment
// ago authenticates at once; the primary is asked only because the replica
// does not have it yet, and not once the replica has caught up.
func TestReplicaSessionJustOpened(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachReplicated(t, func(t *testing.T, r *replicated) {
		_, s := r.signedIn(t, "fresh@example.com")

		r.reset()
		got, err := r.repo.Sessions.WithUser(ctx, s.SessionToken)
		require.NoError(t, err, "the replica does not have the session yet; the primary does")
		assert.Equal(t, s.SessionToken, got.SessionToken)
		assert.Len(t, r.replica.Statements(), 1, "read on the replica first: %q", r.replica.Statements())
		assert.Len(t, r.primary.Statements(), 1, "then, missed, on the primary: %q", r.primary.Statements())

		testdb.CaughtUp(t)
		r.reset()
		got, err = r.repo.Sessions.WithUser(ctx, s.SessionToken)
		require.NoError(t, err)
		assert.Equal(t, s.SessionToken, got.SessionToken)
		assert.Len(t, r.replica.Statements(), 1)
		assert.Empty(t, r.primary.Statements(), "a hit on the replica costs the primary nothing")

		// Other lookups likewise: a miss is never the replica's lag.
		u := &repository.User{Email: ptr("new-user@example.com")}
		require.NoError(t, r.repo.Users.Create(ctx, u))
		byEmail, err := r.repo.Users.ByEmail(ctx, "new-user@example.com")
		require.NoError(t, err)
		assert.Equal(t, u.ID, byEmail.ID)
		byID, err := r.repo.Users.ByID(ctx, u.ID)
		require.NoError(t, err)
		assert.Equal(t, u.ID, byID.ID)
		row, err := r.repo.Verifications.Create(ctx, repository.SignInToken{Identifier: "link@example.com", Token: "fresh-link"}, 0)
		require.NoError(t, err)
		_, err = r.repo.Verifications.Find(ctx, repository.SignInToken{Identifier: row.Identifier, Token: "fresh-link"})
		require.NoError(t, err)
		_, err = r.repo.Users.ByEmail(ctx, "nobody@example.com")
		assert.ErrorIs(t, err, repository.ErrNotFound, "absent on both")
	})
}

// TestReplicaRevocation: after a session is deleted on the primary, it
// keeps authenticating through the replica until the replica applies the
// deletion (the lag bound, by default), and stops at once with
// StrictRevocation, which reads sessions from the primary only.
func TestReplicaRevocation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachReplicated(t, func(t *testing.T, r *replicated) {
		_, s := r.signedIn(t, "revoked@example.com")
		testdb.CaughtUp(t)
		strict := r.repo.Strict()
		assert.True(t, strict.Options().StrictRevocation)

		require.NoError(t, r.repo.Sessions.Delete(ctx, s.SessionToken))
		deleted := time.Now()
		r.reset()
		_, err := strict.Sessions.WithUser(ctx, s.SessionToken)
		assert.ErrorIs(t, err, repository.ErrNotFound, "strict: revoked at once")
		_, err = strict.Sessions.ByToken(ctx, s.SessionToken)
		assert.ErrorIs(t, err, repository.ErrNotFound)
		assert.Empty(t, r.replica.Statements(), "strict: the replica is not asked")

		stale, err := r.repo.Sessions.WithUser(ctx, s.SessionToken)
		if time.Since(deleted) < testdb.ReplicaDelay-100*time.Millisecond {
			require.NoError(t, err, "by default the lagging replica still has the session")
			assert.Equal(t, s.SessionToken, stale.SessionToken)
		}
		for {
			_, err := r.repo.Sessions.WithUser(ctx, s.SessionToken)
			if err != nil {
				require.ErrorIs(t, err, repository.ErrNotFound)
				break
			}
			require.Less(t, time.Since(deleted), testdb.ReplicaDelay+10*time.Second, "revoked within the replica's lag")
			time.Sleep(20 * time.Millisecond)
		}
		assert.GreaterOrEqual(t, time.Since(deleted), testdb.ReplicaDelay-100*time.Millisecond)
	})
}

// TestReplicaWritesOnPrimary: the sign-in flows, the sliding expiry,
// sign-out, user deletion, the clean-up and AutoMigrate send nothing to the
// replica; what a flow reads before it writes, it reads on the primary.
func TestReplicaWritesOnPrimary(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachReplicated(t, func(t *testing.T, r *replicated) {
		u, s := r.signedIn(t, "writer@example.com")
		r.signedIn(t, "expiring@example.com") // for the clean-up
		r.reset()

		oauth := repository.OAuthSignIn{Account: repository.Account{Provider: "github", ProviderAccountID: "w1"}, Email: ptr("octo@example.com")}
		first, err := r.repo.SignInOAuth(ctx, oauth)
		require.NoError(t, err)
		assert.True(t, first.IsNewUser)
		again, err := r.repo.SignInOAuth(ctx, oauth)
		require.NoError(t, err, "a returning sign-in a moment after the first, before the replica has the account")
		assert.Equal(t, first.User.ID, again.User.ID)
		_, err = r.repo.SignInOAuth(ctx, repository.OAuthSignIn{Account: repository.Account{Provider: "google", ProviderAccountID: "w2"},
			Email: ptr("octo@example.com")})
		assert.ErrorIs(t, err, repository.ErrAccountNotLinked, "the email was taken a moment ago, on the primary")
		_, err = r.repo.SignInOAuth(ctx, repository.OAuthSignIn{Account: repository.Account{Provider: "gitlab", ProviderAccountID: "w4"},
			SignedIn: first.Session})
		require.NoError(t, err, "linking to the user signed in a moment ago")

		link := r.mustToken(t, "mail@example.com")
		byEmail, err := r.repo.SignInEmail(ctx, repository.EmailSignIn{SignInToken: link})
		require.NoError(t, err)
		_, err = r.repo.Verifications.Use(ctx, r.mustToken(t, "mail@example.com"))
		require.NoError(t, err)
		_, err = r.repo.Verifications.Replace(ctx, repository.SignInToken{Identifier: "mail@example.com", Token: "w-link-3"}, 0)
		require.NoError(t, err)
		require.NoError(t, r.repo.Verifications.Delete(ctx, repository.SignInToken{Identifier: "mail@example.com", Token: "w-link-3"}))

		require.NoError(t, r.repo.Accounts.Link(ctx, &repository.Account{UserID: u.ID, Provider: "bitbucket", ProviderAccountID: "w3"}))
		_, err = r.repo.Accounts.UpdateTokens(ctx, repository.AccountKey{Provider: "bitbucket", ProviderAccountID: "w3"}, repository.Tokens{AccessToken: "t"})
		require.NoError(t, err)
		require.NoError(t, r.repo.Accounts.Unlink(ctx, repository.AccountKey{Provider: "bitbucket", ProviderAccountID: "w3"}))

		r.clock.Advance(repository.DefaultUpdateAge + time.Second)
		wrote, err := r.repo.Sessions.Refresh(ctx, s)
		require.NoError(t, err)
		assert.True(t, wrote)
		require.NoError(t, r.repo.Sessions.ForceRefresh(ctx, s))
		require.NoError(t, r.repo.Users.Update(ctx, u))
		require.NoError(t, r.repo.Sessions.Delete(ctx, byEmail.Session.SessionToken))
		_, err = r.repo.Sessions.DeleteByUser(ctx, first.User.ID)
		require.NoError(t, err)
		require.NoError(t, r.repo.Users.Delete(ctx, u.ID))
		r.clock.Advance(repository.DefaultMaxAge)
		res := cleanup.Once(ctx, r.repo, 0)
		require.NoError(t, res.Err)
		assert.Positive(t, res.Sessions)
		require.NoError(t, gormauth.AutoMigrate(ctx, r.db, r.f))
		_, err = gormauth.CheckSchema(ctx, r.db, r.f)
		require.NoError(t, err)

		assert.Empty(t, r.replica.Statements(), "nothing of the flows reaches the replica")
		assert.NotEmpty(t, r.primary.Statements())
	})
}

// mustToken stores a sign-in token for the address on the primary and
// returns what the link carries.
func (r *replicated) mustToken(t *testing.T, email string) repository.SignInToken {
	t.Helper()
	tok, err := repository.NewSignInToken()
	require.NoError(t, err)
	row, err := r.repo.Verifications.Create(context.Background(), repository.SignInToken{Identifier: email, Token: tok}, 0)
	require.NoError(t, err)
	return repository.SignInToken{Identifier: row.Identifier, Token: tok}
}

// TestReplicaDown: with the replica stopped, reads go to the primary and
// give the right answers, on every flavour. One replica of its own serves
// the databases of all six, and is stopped once they are on it.
func TestReplicaDown(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	type down struct {
		f      *gormauth.Flavour
		repo   *repository.Repository
		ptrace *testdb.Tracer
		user   *repository.User
		token  string
	}
	var all []down
	var replica *pgserver.Server
	for _, f := range gormauth.Flavours() {
		primaryURL, _ := testdb.Replicated(t)
		db, ptrace := testdb.OpenTraced(t, primaryURL)
		require.NoError(t, gormauth.AutoMigrate(ctx, db, f))
		if replica == nil {
			replica = startOwnReplica(t)
		}
		replicaDB, _ := testdb.OpenTraced(t, replica.URL(databaseOf(t, db)))
		require.NoError(t, db.Use(dbresolver.Register(dbresolver.Config{
			Replicas: []gorm.Dialector{postgres.New(postgres.Config{Conn: replicaDB.ConnPool})},
		})))
		repo := repository.New(db, f, repository.Options{})
		u := &repository.User{Email: ptr("down@example.com")}
		require.NoError(t, repo.Users.Create(ctx, u))
		s, err := repo.Sessions.Create(ctx, u.ID)
		require.NoError(t, err)
		onReplica := repository.New(replicaDB, f, repository.Options{})
		waitFor(t, func() bool {
			_, err := onReplica.Sessions.ByToken(ctx, s.SessionToken)
			return err == nil
		})
		_, err = repo.Sessions.WithUser(ctx, s.SessionToken) // a pooled connection to the replica
		require.NoError(t, err)
		all = append(all, down{f: f, repo: repo, ptrace: ptrace, user: u, token: s.SessionToken})
	}

	require.NoError(t, replica.Stop())
	for _, d := range all {
		t.Run(d.f.Name(), func(t *testing.T) {
			d.ptrace.Reset()
			got, err := d.repo.Sessions.WithUser(ctx, d.token)
			require.NoError(t, err, "the primary answers for the stopped replica")
			assert.Equal(t, d.user.ID, got.User.ID)
			assert.Len(t, d.ptrace.Statements(), 1)
			absent, err := d.f.NewSessionToken()
			require.NoError(t, err)
			_, err = d.repo.Sessions.WithUser(ctx, absent)
			assert.ErrorIs(t, err, repository.ErrNotFound, "and for what is absent")
			accounts, err := d.repo.Accounts.ListByUser(ctx, d.user.ID)
			require.NoError(t, err)
			assert.Empty(t, accounts)
			byEmail, err := d.repo.Users.ByEmail(ctx, "down@example.com")
			require.NoError(t, err)
			assert.Equal(t, d.user.ID, byEmail.ID)
		})
	}
}

// startOwnReplica starts a replica of the primary of testdb.Replicated
// that applies commits at once, stopped when t ends.
func startOwnReplica(t *testing.T) *pgserver.Server {
	t.Helper()
	r, err := testdb.ReplicaOfPrimary(context.Background(), 0)
	require.NoError(t, err)
	t.Cleanup(func() { r.Stop() })
	return r
}

// databaseOf returns the name of db's database.
func databaseOf(t *testing.T, db *gorm.DB) string {
	t.Helper()
	var name string
	require.NoError(t, db.Raw("SELECT current_database()").Row().Scan(&name))
	return name
}

// waitFor polls cond until it holds, for up to half a minute.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		require.True(t, time.Now().Before(deadline), "timed out")
		time.Sleep(20 * time.Millisecond)
	}
}

// BenchmarkReplicaWithUser measures authentication behind dbresolver with a
// streaming replica, on beta.73's tables and Prisma's: a hit on the
// replica, a miss (a token no server has: the replica, then the primary),
// the strict mode (the primary only), and the same database without the
// resolver; with the statements each server received per operation.
func BenchmarkReplicaWithUser(b *testing.B) {
	ctx := context.Background()
	for _, f := range []*gormauth.Flavour{gormauth.Beta73, gormauth.Prisma} {
		b.Run(f.Name(), func(b *testing.B) {
			primaryURL, replicaURL := testdb.Replicated(b)
			plain, plainTrace := testdb.OpenTraced(b, primaryURL) // no resolver
			require.NoError(b, gormauth.AutoMigrate(ctx, plain, f))
			u := &repository.User{Email: ptr("bench-replica@example.com")}
			noResolver := repository.New(plain, f, repository.Options{})
			require.NoError(b, noResolver.Users.Create(ctx, u))
			s, err := noResolver.Sessions.Create(ctx, u.ID)
			require.NoError(b, err)
			resolved, resolvedTrace := testdb.OpenTraced(b, primaryURL)
			replicaDB, replicaTrace := testdb.OpenTraced(b, replicaURL)
			require.NoError(b, resolved.Use(dbresolver.Register(dbresolver.Config{
				Replicas: []gorm.Dialector{postgres.New(postgres.Config{Conn: replicaDB.ConnPool})},
			})))
			testdb.CaughtUp(b)
			repo := repository.New(resolved, f, repository.Options{})
			absent, err := f.NewSessionToken()
			require.NoError(b, err)
			for _, bench := range []struct {
				name  string
				repo  *repository.Repository
				token string
				found bool
			}{
				{"NoResolver", noResolver, s.SessionToken, true},
				{"ReplicaHit", repo, s.SessionToken, true},
				{"ReplicaMiss", repo, absent, false},
				{"Strict", repo.Strict(), s.SessionToken, true},
			} {
				b.Run(bench.name, func(b *testing.B) {
					b.ReportAllocs()
					plainTrace.Reset()
					resolvedTrace.Reset()
					replicaTrace.Reset()
					b.ResetTimer()
					for i := 0; i < b.N; i++ {
						_, err := bench.repo.Sessions.WithUser(ctx, bench.token)
						if (err == nil) != bench.found {
							b.Fatal(err)
						}
					}
					b.StopTimer()
					primary := len(plainTrace.Statements()) + len(resolvedTrace.Statements())
					b.ReportMetric(float64(primary)/float64(b.N), "primary-stmts/op")
					b.ReportMetric(float64(len(replicaTrace.Statements()))/float64(b.N), "replica-stmts/op")
				})
			}
		})
	}
}
