package repository_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/gormauth/gormauth/internal/harness/testdb"
	"github.com/gormauth/gormauth/repository"
)

// Pre-account takeover: an attacker signs in first with a provider that
// does not verify addresses, claiming the victim's; the victim's first
// email sign-in must not leave the attacker's account linked or his
// sessions open.
func TestSignInEmailDropsAccountsOfUnverifiedUser(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachFlavour(t, func(t *testing.T, e *env) {
		attacker, err := e.repo.SignInOAuth(ctx, githubSignIn("mallory", ptr("Victim@Example.com")))
		require.NoError(t, err)
		require.Nil(t, attacker.User.EmailVerified)
		victimID := attacker.User.ID
		// A second provider and a second session, linked while signed in.
		require.NoError(t, e.repo.Accounts.Link(ctx, &repository.Account{UserID: victimID, Type: "oauth",
			Provider: "google", ProviderAccountID: "mallory-g"}))
		second := e.mustSession(t, attacker.User)

		// The victim's link; the request carries the attacker's session,
		// as a shared browser would.
		res, err := e.repo.SignInEmail(ctx, repository.EmailSignIn{SignInToken: e.mustToken(t, "victim@example.com"), SignedIn: second})
		require.NoError(t, err)
		assert.Equal(t, victimID, res.User.ID)
		assert.False(t, res.IsNewUser)
		require.NotNil(t, res.User.EmailVerified)
		assert.Equal(t, []string{"github", "google"}, res.Unlinked, "the app can tell the person")

		assert.Zero(t, e.count(t, e.accounts, `"userId"::text = ?`, victimID), "the attacker's accounts are gone")
		assert.Equal(t, int64(1), e.count(t, e.sessions, `"userId"::text = ?`, victimID), "only the victim's new session")
		for _, s := range []*repository.Session{attacker.Session, second} {
			_, err = e.repo.Sessions.WithUser(ctx, s.SessionToken)
			assert.ErrorIs(t, err, repository.ErrNotFound, "the attacker's session is closed")
		}
		_, err = e.repo.Sessions.WithUser(ctx, res.Session.SessionToken)
		assert.NoError(t, err)

		// The attacker signs in again with his provider account: not as
		// the victim.
		again, err := e.repo.SignInOAuth(ctx, githubSignIn("mallory", ptr("victim@example.com")))
		assert.ErrorIs(t, err, repository.ErrAccountNotLinked)
		assert.Nil(t, again)
		assert.Zero(t, e.count(t, e.accounts, `"userId"::text = ?`, victimID))
		assert.Equal(t, int64(1), e.count(t, e.sessions, `"userId"::text = ?`, victimID))
	})
}

// A user whose address was verified before keeps the accounts they linked
// and their sessions; so does an unverified user with no linked account.
func TestSignInEmailKeepsAccountsOfVerifiedUser(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachFlavour(t, func(t *testing.T, e *env) {
		first, err := e.repo.SignInEmail(ctx, repository.EmailSignIn{SignInToken: e.mustToken(t, "alice@example.com")})
		require.NoError(t, err)
		alice := first.User
		e.mustAccount(t, alice, "alice-gh")
		res, err := e.repo.SignInEmail(ctx, repository.EmailSignIn{SignInToken: e.mustToken(t, "alice@example.com")})
		require.NoError(t, err)
		assert.Empty(t, res.Unlinked)
		assert.Equal(t, int64(1), e.count(t, e.accounts, `"userId"::text = ?`, alice.ID))
		_, err = e.repo.Sessions.WithUser(ctx, first.Session.SessionToken)
		assert.NoError(t, err, "the earlier session stays")

		bob := e.mustUser(t, "bob@example.com") // unverified, no account
		bobs := e.mustSession(t, bob)
		res, err = e.repo.SignInEmail(ctx, repository.EmailSignIn{SignInToken: e.mustToken(t, "bob@example.com")})
		require.NoError(t, err)
		assert.Empty(t, res.Unlinked)
		_, err = e.repo.Sessions.WithUser(ctx, bobs.SessionToken)
		assert.NoError(t, err, "no account, nothing to drop: the session stays")
	})
}

// A provider that verified the address creates a verified user, whose
// account a later email sign-in keeps.
func TestSignInOAuthVerifiedEmail(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachFlavour(t, func(t *testing.T, e *env) {
		e.clock.Advance(time.Minute)
		in := githubSignIn("alice", ptr("Alice@Example.com"))
		in.EmailVerified = true
		res, err := e.repo.SignInOAuth(ctx, in)
		require.NoError(t, err)
		require.NotNil(t, res.User.EmailVerified)
		assert.Equal(t, e.clock.Now(), *res.User.EmailVerified, "the flow's now")
		stored, err := e.repo.Users.ByID(ctx, res.User.ID)
		require.NoError(t, err)
		assert.Equal(t, res.User, stored)

		e.clock.Advance(time.Minute)
		again, err := e.repo.SignInEmail(ctx, repository.EmailSignIn{SignInToken: e.mustToken(t, "alice@example.com")})
		require.NoError(t, err)
		assert.Empty(t, again.Unlinked)
		assert.Equal(t, int64(1), e.count(t, e.accounts, `"userId"::text = ?`, res.User.ID), "the account stays")
		_, err = e.repo.Sessions.WithUser(ctx, res.Session.SessionToken)
		assert.NoError(t, err, "and so does the session")

		// Not verified: EmailVerified stays nil.
		res, err = e.repo.SignInOAuth(ctx, githubSignIn("bob", ptr("bob@example.com")))
		require.NoError(t, err)
		assert.Nil(t, res.User.EmailVerified)
		if !e.f.EmailRequired() {
			in = githubSignIn("carol", nil)
			in.EmailVerified = true
			res, err = e.repo.SignInOAuth(ctx, in)
			require.NoError(t, err)
			assert.Nil(t, res.User.EmailVerified, "no address, nothing verified")
		}
	})
}

// The attacker's OAuth sign-up claims the victim's address while the
// victim's first email sign-in is inserting the address's user. beta.73's
// old repository let the sign-up in between and then dropped the
// attacker's account; the engine's flows both hold the advisory lock of the
// address, so the sign-up waits: the email sign-in makes the user, and the
// sign-up then finds the address taken (ErrAccountNotLinked). Either way the
// address has one user, the victim's, with no account of the attacker's.
func TestSignInEmailRaceWithOAuthSignUp(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachFlavour(t, func(t *testing.T, e *env) {
		link := e.mustToken(t, "victim@example.com")

		// The email sign-in's insert of a user (no name) waits for the
		// advisory lock 42, which a connection of the test holds.
		e.exec(t, `CREATE FUNCTION pause() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN IF NEW.name IS NULL THEN PERFORM pg_advisory_lock(42); PERFORM pg_advisory_unlock(42); END IF; RETURN NEW; END$$;
			CREATE TRIGGER pause BEFORE INSERT ON `+e.users+` FOR EACH ROW EXECUTE FUNCTION pause()`)
		sqlDB, err := e.db.DB()
		require.NoError(t, err)
		holder, err := sqlDB.Conn(ctx)
		require.NoError(t, err)
		defer holder.Close()
		_, err = holder.ExecContext(ctx, `SELECT pg_advisory_lock(42)`)
		require.NoError(t, err)

		type result struct {
			res *repository.SignInResult
			err error
		}
		victim := make(chan result, 1)
		waiting := make(chan error, 1)
		go func() {
			res, err := e.repo.SignInEmail(ctx, repository.EmailSignIn{SignInToken: link})
			victim <- result{res, err}
			waiting <- err
		}()
		waited, early := testdb.WaitForLockWait(t, e.db, waiting)
		require.True(t, waited, "the email sign-in did not wait: %v", early)
		attacker := make(chan result, 1)
		go func() {
			res, err := e.repo.SignInOAuth(ctx, githubSignIn("mallory", ptr("victim@example.com")))
			attacker <- result{res, err}
		}()
		waitForLockWaits(t, e.db, 2) // the sign-up waits for the address's lock
		_, err = holder.ExecContext(ctx, `SELECT pg_advisory_unlock(42)`)
		require.NoError(t, err)

		got := <-victim
		require.NoError(t, got.err)
		assert.True(t, got.res.IsNewUser)
		assert.Empty(t, got.res.Unlinked)
		mallory := <-attacker
		assert.ErrorIs(t, mallory.err, repository.ErrAccountNotLinked, "the address is the victim's now")
		assert.Equal(t, int64(1), e.count(t, e.users, ""), "the address's one user")
		assert.Zero(t, e.count(t, e.accounts, ""))
		_, err = e.repo.Sessions.WithUser(ctx, got.res.Session.SessionToken)
		assert.NoError(t, err)
	})
}

// The attacker signs in again through his account while the victim's
// first email sign-in is under way: once it commits, his sign-in finds the
// account gone and does not sign him in as the victim.
func TestSignInEmailRaceWithReturningOAuth(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachFlavour(t, func(t *testing.T, e *env) {
		attacker, err := e.repo.SignInOAuth(ctx, githubSignIn("mallory", ptr("victim@example.com")))
		require.NoError(t, err)
		link := e.mustToken(t, "victim@example.com")

		// The first session inserted from now on (the victim's) waits for
		// the advisory lock 42, which a connection of the test holds: the
		// email sign-in has dropped the account and holds the user's row.
		require.NoError(t, e.db.Exec(`CREATE SEQUENCE once;
			CREATE FUNCTION pause() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN IF nextval('once') = 1 THEN PERFORM pg_advisory_lock(42); PERFORM pg_advisory_unlock(42); END IF; RETURN NEW; END$$;
			CREATE TRIGGER pause BEFORE INSERT ON `+e.sessions+` FOR EACH ROW EXECUTE FUNCTION pause()`).Error)
		sqlDB, err := e.db.DB()
		require.NoError(t, err)
		holder, err := sqlDB.Conn(ctx)
		require.NoError(t, err)
		defer holder.Close()
		_, err = holder.ExecContext(ctx, `SELECT pg_advisory_lock(42)`)
		require.NoError(t, err)

		victim := make(chan error, 1)
		go func() {
			_, err := e.repo.SignInEmail(ctx, repository.EmailSignIn{SignInToken: link})
			victim <- err
		}()
		waited, early := testdb.WaitForLockWait(t, e.db, victim)
		require.True(t, waited, "the email sign-in did not wait: %v", early)
		again := make(chan error, 1)
		go func() {
			res, err := e.repo.SignInOAuth(ctx, githubSignIn("mallory", ptr("victim@example.com")))
			if err == nil && res.User.ID == attacker.User.ID {
				err = errors.New("the attacker signed in as the victim")
			}
			again <- err
		}()
		waitForLockWaits(t, e.db, 2) // the attacker's sign-in waits for the user's row
		_, err = holder.ExecContext(ctx, `SELECT pg_advisory_unlock(42)`)
		require.NoError(t, err)

		require.NoError(t, <-victim)
		assert.ErrorIs(t, <-again, repository.ErrAccountNotLinked)
		assert.Equal(t, int64(1), e.count(t, e.sessions, `"userId"::text = ?`, attacker.User.ID), "the victim's session alone")
	})
}

// waitForLockWaits waits until n backends of db's database wait for a
// lock, for at most 10 seconds.
func waitForLockWaits(tb testing.TB, db *gorm.DB, n int64) {
	tb.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		var waiting int64
		require.NoError(tb, db.Raw(`SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&waiting).Error)
		if waiting >= n {
			return
		}
	}
	tb.Fatalf("fewer than %d backends wait for a lock", n)
}
