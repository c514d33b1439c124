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
	"github.com/gormauth/gormauth/internal/legacy73"
	"github.com/gormauth/gormauth/models"
)

// mustLink stores a sign-in token for the address and returns what the
// link carries.
func (e *env) mustLink(tb testing.TB, email string) repository.SignInToken {
	tb.Helper()
	tok, err := repository.NewToken()
	require.NoError(tb, err)
	st := repository.SignInToken{Identifier: email, Token: tok, Secret: "s3cret"}
	_, err = e.repo.Verifications.Create(context.Background(), st, 0)
	require.NoError(tb, err)
	return st
}

// countWhere returns the number of rows of table matching where.
func (e *env) countWhere(tb testing.TB, table, where string, args ...any) int64 {
	tb.Helper()
	var n int64
	require.NoError(tb, e.db.Table(table).Where(where, args...).Count(&n).Error)
	return n
}

// Pre-account takeover: an attacker signs in first with a provider that
// does not verify addresses, claiming the victim's; the victim's first
// email sign-in must not leave the attacker's account linked or his
// sessions open.
func TestSignInEmailDropsAccountsOfUnverifiedUser(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)

	attacker, err := e.repo.SignInOAuth(ctx, githubSignIn("mallory", ptr("Victim@Example.com")))
	require.NoError(t, err)
	require.Nil(t, attacker.User.EmailVerified)
	victimID := attacker.User.ID
	// A second provider and a second session, linked while signed in.
	require.NoError(t, e.repo.Accounts.Link(ctx, &models.Account{UserID: victimID, ProviderType: "oauth",
		ProviderID: "google", ProviderAccountID: "mallory-g"}))
	second := e.mustSession(t, attacker.User)

	res, err := e.repo.SignInEmail(ctx, e.mustLink(t, "victim@example.com"))
	require.NoError(t, err)
	assert.Equal(t, victimID, res.User.ID)
	assert.False(t, res.IsNewUser)
	require.NotNil(t, res.User.EmailVerified)
	assert.Equal(t, []string{"github", "google"}, res.Unlinked, "the app can tell the person")

	assert.Zero(t, e.countWhere(t, "accounts", "user_id = ?", victimID), "the attacker's accounts are gone")
	assert.EqualValues(t, 1, e.countWhere(t, "sessions", "user_id = ?", victimID), "only the victim's new session")
	for _, s := range []*models.Session{attacker.Session, second} {
		_, err = e.repo.Sessions.WithUser(ctx, s.SessionToken)
		assert.ErrorIs(t, err, repository.ErrNotFound, "the attacker's session is closed")
	}
	_, err = e.repo.Sessions.WithUser(ctx, res.Session.SessionToken)
	assert.NoError(t, err)

	// The attacker signs in again with his provider account: not as the
	// victim.
	again, err := e.repo.SignInOAuth(ctx, githubSignIn("mallory", ptr("victim@example.com")))
	assert.ErrorIs(t, err, repository.ErrAccountNotLinked)
	assert.Nil(t, again)
	assert.Zero(t, e.countWhere(t, "accounts", "user_id = ?", victimID))
	assert.EqualValues(t, 1, e.countWhere(t, "sessions", "user_id = ?", victimID))
}

// A user whose address was verified before keeps the accounts they linked
// and their sessions; so does an unverified user with no linked account.
func TestSignInEmailKeepsAccountsOfVerifiedUser(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)

	first, err := e.repo.SignInEmail(ctx, e.mustLink(t, "alice@example.com"))
	require.NoError(t, err)
	alice := first.User
	e.mustAccount(t, alice, "alice-gh")
	res, err := e.repo.SignInEmail(ctx, e.mustLink(t, "alice@example.com"))
	require.NoError(t, err)
	assert.Empty(t, res.Unlinked)
	assert.EqualValues(t, 1, e.countWhere(t, "accounts", "user_id = ?", alice.ID))
	_, err = e.repo.Sessions.WithUser(ctx, first.Session.SessionToken)
	assert.NoError(t, err, "the earlier session stays")

	bob := e.mustUser(t, "bob@example.com") // unverified, no account
	bobs := e.mustSession(t, bob)
	res, err = e.repo.SignInEmail(ctx, e.mustLink(t, "bob@example.com"))
	require.NoError(t, err)
	assert.Empty(t, res.Unlinked)
	_, err = e.repo.Sessions.WithUser(ctx, bobs.SessionToken)
	assert.NoError(t, err, "no account, nothing to drop: the session stays")
}

// The attacker's OAuth sign-in creates the user of the address after the
// victim's email sign-in looked for one and before it inserts its own: the
// email sign-in starts again, finds the attacker's user unverified and
// drops his account.
func TestSignInEmailRaceWithOAuthSignUp(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	link := e.mustLink(t, "victim@example.com")

	// The email sign-in's insert of a user (no name) waits for the
	// advisory lock 42, which a connection of the test holds.
	require.NoError(t, e.db.Exec(`CREATE FUNCTION pause() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN IF NEW.name IS NULL THEN PERFORM pg_advisory_lock(42); PERFORM pg_advisory_unlock(42); END IF; RETURN NEW; END$$;
		CREATE TRIGGER pause BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION pause()`).Error)
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
	done := make(chan result, 1)
	errs := make(chan error, 1)
	go func() {
		res, err := e.repo.SignInEmail(ctx, link)
		done <- result{res, err}
		errs <- err
	}()
	waited, early := testdb.WaitForLockWait(t, e.db, errs)
	require.True(t, waited, "the email sign-in did not wait: %v", early)

	attacker, err := e.repo.SignInOAuth(ctx, githubSignIn("mallory", ptr("victim@example.com")))
	require.NoError(t, err)
	_, err = holder.ExecContext(ctx, `SELECT pg_advisory_unlock(42)`)
	require.NoError(t, err)

	got := <-done
	require.NoError(t, got.err)
	assert.Equal(t, attacker.User.ID, got.res.User.ID, "the address's one user")
	assert.Equal(t, []string{"github"}, got.res.Unlinked)
	assert.Zero(t, e.count(t, "accounts"))
	_, err = e.repo.Sessions.WithUser(ctx, attacker.Session.SessionToken)
	assert.ErrorIs(t, err, repository.ErrNotFound)
	_, err = e.repo.SignInOAuth(ctx, githubSignIn("mallory", ptr("victim@example.com")))
	assert.ErrorIs(t, err, repository.ErrAccountNotLinked)
}

// A provider that verified the address creates a verified user, whose
// account a later email sign-in keeps.
func TestSignInOAuthVerifiedEmail(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
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
	again, err := e.repo.SignInEmail(ctx, e.mustLink(t, "alice@example.com"))
	require.NoError(t, err)
	assert.Empty(t, again.Unlinked)
	assert.EqualValues(t, 1, e.countWhere(t, "accounts", "user_id = ?", res.User.ID), "the account stays")
	_, err = e.repo.Sessions.WithUser(ctx, res.Session.SessionToken)
	assert.NoError(t, err, "and so does the session")

	// Not verified, or no email to verify: EmailVerified stays nil.
	res, err = e.repo.SignInOAuth(ctx, githubSignIn("bob", ptr("bob@example.com")))
	require.NoError(t, err)
	assert.Nil(t, res.User.EmailVerified)
	in = githubSignIn("carol", nil)
	in.EmailVerified = true
	res, err = e.repo.SignInOAuth(ctx, in)
	require.NoError(t, err)
	assert.Nil(t, res.User.EmailVerified, "no address, nothing verified")
}

// The attacker signs in again through his account while the victim's
// first email sign-in is under way: once it commits, his sign-in finds the
// account gone and does not sign him in as the victim.
func TestSignInEmailRaceWithReturningOAuth(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	attacker, err := e.repo.SignInOAuth(ctx, githubSignIn("mallory", ptr("victim@example.com")))
	require.NoError(t, err)
	link := e.mustLink(t, "victim@example.com")

	// The first session inserted from now on (the victim's) waits for the
	// advisory lock 42, which a connection of the test holds: the email
	// sign-in has dropped the account and holds the user's row.
	require.NoError(t, e.db.Exec(`CREATE SEQUENCE once;
		CREATE FUNCTION pause() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN IF nextval('once') = 1 THEN PERFORM pg_advisory_lock(42); PERFORM pg_advisory_unlock(42); END IF; RETURN NEW; END$$;
		CREATE TRIGGER pause BEFORE INSERT ON sessions FOR EACH ROW EXECUTE FUNCTION pause()`).Error)
	sqlDB, err := e.db.DB()
	require.NoError(t, err)
	holder, err := sqlDB.Conn(ctx)
	require.NoError(t, err)
	defer holder.Close()
	_, err = holder.ExecContext(ctx, `SELECT pg_advisory_lock(42)`)
	require.NoError(t, err)

	victim := make(chan error, 1)
	go func() {
		_, err := e.repo.SignInEmail(ctx, link)
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
	assert.EqualValues(t, 1, e.countWhere(t, "sessions", "user_id = ?", attacker.User.ID), "the victim's session alone")
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
