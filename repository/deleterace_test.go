package repository_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime/debug"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/gormauth/gormauth/internal/harness/testdb"
	"github.com/gormauth/gormauth/repository"
)

// doomed is a user about to be deleted, with what the calls racing the
// deletion need: a linked GitHub account, a session (the request signed in
// as the user) and an email sign-in link for the user's address.
type doomed struct {
	tag     string // tells one round's rows from another's
	user    *repository.User
	session *repository.Session
	link    repository.SignInToken
}

func (e *env) mustDoomed(tb testing.TB, tag string) doomed {
	tb.Helper()
	email := "race-" + tag + "@example.com"
	// Verified, as the users the OAuth racers make: SignInEmail would
	// otherwise drop the accounts and sessions of a user whose address it
	// proves first.
	u := &repository.User{Name: ptr("User " + email), Email: ptr(email), EmailVerified: ptr(start)}
	require.NoError(tb, e.repo.Users.Create(context.Background(), u))
	e.mustAccount(tb, u, "gh-"+tag)
	return doomed{tag: tag, user: u, session: e.mustSession(tb, u), link: e.mustToken(tb, email)}
}

// racer is a call that races the deletion of a user. Its outcome is
// reported as a sign-in result: Sessions.Create's session and
// Accounts.Link's account with a User holding only the id.
type racer struct {
	name string
	call func(ctx context.Context, e *env, d doomed) (*repository.SignInResult, error)
	// fresh: once the deletion has committed, the call signs the person in
	// as a new user; otherwise it returns ErrNotFound.
	fresh bool
}

var racers = []racer{
	{"SignInEmail", func(ctx context.Context, e *env, d doomed) (*repository.SignInResult, error) {
		return e.repo.SignInEmail(ctx, repository.EmailSignIn{SignInToken: d.link})
	}, true},
	{"SignInOAuth returning user", func(ctx context.Context, e *env, d doomed) (*repository.SignInResult, error) {
		return e.repo.SignInOAuth(ctx, repository.OAuthSignIn{Account: repository.Account{Provider: "github", ProviderAccountID: "gh-" + d.tag},
			Name: ptr("Octo"), Email: d.user.Email, EmailVerified: true})
	}, true},
	{"SignInOAuth linking by email", func(ctx context.Context, e *env, d doomed) (*repository.SignInResult, error) {
		o := e.repo.Options()
		o.AllowDangerousEmailAccountLinking = true
		return repository.New(e.db, e.f, o).SignInOAuth(ctx, repository.OAuthSignIn{
			Account: repository.Account{Provider: "google", ProviderAccountID: "g-" + d.tag}, Email: d.user.Email, EmailVerified: true})
	}, true},
	{"SignInOAuth linking to the signed-in user", func(ctx context.Context, e *env, d doomed) (*repository.SignInResult, error) {
		return e.repo.SignInOAuth(ctx, repository.OAuthSignIn{
			Account: repository.Account{Provider: "gitlab", ProviderAccountID: "gl-" + d.tag}, SignedIn: d.session})
	}, false},
	{"Sessions.Create", func(ctx context.Context, e *env, d doomed) (*repository.SignInResult, error) {
		s, err := e.repo.Sessions.Create(ctx, d.user.ID)
		if err != nil {
			return nil, err
		}
		return &repository.SignInResult{User: &repository.User{ID: s.UserID}, Session: s}, nil
	}, false},
	{"Accounts.Link", func(ctx context.Context, e *env, d doomed) (*repository.SignInResult, error) {
		a := &repository.Account{UserID: d.user.ID, Provider: "twitch", ProviderAccountID: "tw-" + d.tag}
		if err := e.repo.Accounts.Link(ctx, a); err != nil {
			return nil, err
		}
		return &repository.SignInResult{User: &repository.User{ID: a.UserID}, Account: a}, nil
	}, false},
}

// errPanicked marks a call that panicked.
var errPanicked = errors.New("panicked")

// race runs r's call, turning a panic into errPanicked.
func (r racer) race(ctx context.Context, e *env, d doomed) (res *repository.SignInResult, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: %v\n%s", errPanicked, p, debug.Stack())
		}
	}()
	return r.call(ctx, e, d)
}

// checkOutcome asserts that a call that raced d's deletion returned a
// sentinel error or signed in a user that exists (or d's user, deleted
// after the call), whose session and account rows exist as long as the
// user does.
func (e *env) checkOutcome(t *testing.T, name string, d doomed, res *repository.SignInResult, err error) {
	t.Helper()
	switch {
	case errors.Is(err, errPanicked):
		t.Errorf("%s: %v", name, err)
	case err != nil:
		if !errors.Is(err, repository.ErrNotFound) && !errors.Is(err, repository.ErrAccountNotLinked) && !errors.Is(err, repository.ErrAlreadyExists) {
			t.Errorf("%s: not a sentinel error: %v", name, err)
		}
	case assert.NotNil(t, res, name) && assert.NotNil(t, res.User, name):
		exists := e.count(t, e.users, `"id"::text = ?`, res.User.ID) == 1
		if res.User.ID != d.user.ID {
			assert.True(t, exists, "%s: signed in a user that does not exist", name)
		}
		if res.Session != nil {
			assert.Equal(t, res.User.ID, res.Session.UserID, name)
			assert.Equal(t, exists, e.count(t, e.sessions, `"sessionToken" = ? AND "userId"::text = ?`,
				res.Session.SessionToken, res.User.ID) == 1, "%s: the session is stored while its user is", name)
		}
		if res.Account != nil {
			assert.Equal(t, exists, e.count(t, e.accounts, `"provider" = ? AND "providerAccountId" = ? AND "userId"::text = ?`,
				res.Account.Provider, res.Account.ProviderAccountID, res.User.ID) == 1, "%s: the account is stored while its user is", name)
		}
	}
}

// assertNoOrphans asserts that no session or account points at a missing
// user, on the flavours without foreign keys too.
func (e *env) assertNoOrphans(t *testing.T, msg string) {
	t.Helper()
	missing := `NOT EXISTS (SELECT 1 FROM ` + e.users + ` u WHERE u."id" = "userId")`
	assert.Zero(t, e.count(t, e.sessions, missing)+e.count(t, e.accounts, missing), "%s: rows point at a missing user", msg)
}

// Each call for a user whose deletion is under way waits for the deletion
// and then, once it has committed, signs the person in as a new user (the
// address and the profile are free again, as Auth.js finds no user) or
// returns ErrNotFound: it never panics, never signs in the deleted user and
// leaves no row pointing at it.
func TestCallsRacingUserDeletion(t *testing.T) {
	t.Parallel()
	for _, r := range racers {
		t.Run(r.name, func(t *testing.T) {
			t.Parallel()
			eachFlavour(t, func(t *testing.T, e *env) {
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				d := e.mustDoomed(t, "1")
				tx := e.db.Begin()
				require.NoError(t, e.repo.WithTx(tx).Users.Delete(ctx, d.user.ID))
				type outcome struct {
					res *repository.SignInResult
					err error
				}
				done, out := make(chan error, 1), make(chan outcome, 1)
				go func() {
					res, err := r.race(ctx, e, d)
					out <- outcome{res, err}
					done <- err
				}()
				waited, _ := testdb.WaitForLockWait(t, e.db, done)
				require.NoError(t, tx.Commit().Error)
				o := <-out
				assert.True(t, waited, "the call waited for the deletion")
				e.checkOutcome(t, r.name, d, o.res, o.err)
				e.assertNoOrphans(t, r.name)
				switch {
				case errors.Is(o.err, errPanicked):
				case r.fresh:
					if assert.NoError(t, o.err) {
						assert.True(t, o.res.IsNewUser)
						assert.NotEqual(t, d.user.ID, o.res.User.ID)
						assert.Equal(t, d.user.Email, o.res.User.Email)
					}
				default:
					assert.ErrorIs(t, o.err, repository.ErrNotFound)
				}
			})
		})
	}
}

// deleteRaceRounds is the number of rounds of TestCallsRacingUserDeletionRandomly.
const deleteRaceRounds = 40

// The calls of TestCallsRacingUserDeletion and the deletion all start at
// once, each after a random pause, round after round: whichever order the
// database sees them in, no call panics and no row is left pointing at the
// deleted user.
func TestCallsRacingUserDeletionRandomly(t *testing.T) {
	t.Parallel()
	eachFlavour(t, func(t *testing.T, e *env) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		outcomes := map[string]int{}
		for round := range deleteRaceRounds {
			d := e.mustDoomed(t, fmt.Sprint(round))
			results := make([]*repository.SignInResult, len(racers))
			errs := make([]error, len(racers))
			var wg sync.WaitGroup
			pause := func() { time.Sleep(rand.N(2 * time.Millisecond)) }
			wg.Go(func() {
				pause()
				assert.NoError(t, e.repo.Users.Delete(ctx, d.user.ID))
			})
			for i, r := range racers {
				wg.Go(func() {
					pause()
					results[i], errs[i] = r.race(ctx, e, d)
				})
			}
			wg.Wait()
			for i, r := range racers {
				e.checkOutcome(t, fmt.Sprintf("round %d: %s", round, r.name), d, results[i], errs[i])
				outcomes[r.name+": "+outcome(d.user.ID, results[i], errs[i])]++
			}
			e.assertNoOrphans(t, fmt.Sprintf("round %d", round))
		}
		t.Logf("%d rounds: %v", deleteRaceRounds, outcomes)
	})
}

// outcome names what a call did: signed in the user before the deletion,
// a new user, or which error it returned.
func outcome(deleted string, res *repository.SignInResult, err error) string {
	switch {
	case errors.Is(err, errPanicked):
		return "panic"
	case errors.Is(err, repository.ErrNotFound):
		return "ErrNotFound"
	case errors.Is(err, repository.ErrAccountNotLinked):
		return "ErrAccountNotLinked"
	case err != nil:
		return "error"
	case res.User.ID == deleted:
		return "before"
	}
	return "new user"
}

// waitForLockWaiters waits until at least n backends of db's database wait
// for a lock, and fails tb if that does not happen within 10 seconds.
func waitForLockWaiters(tb testing.TB, db *gorm.DB, n int64) {
	tb.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		var waiting int64
		require.NoError(tb, db.Raw(`SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&waiting).Error)
		if waiting >= n {
			return
		}
	}
	tb.Fatalf("fewer than %d backends waited for a lock", n)
}

// A provider account that a concurrent sign-in links while SignInOAuth
// waits for the account's lock, and whose user is deleted before
// SignInOAuth opens the session (the flow found the user linked, then the
// session's insert waited for the deletion and found no user): the flow
// starts again and signs the person in as a new user, as it would had it
// started after the deletion.
func TestSignInOAuthLinkedUserDeleted(t *testing.T) {
	t.Parallel()
	eachFlavour(t, func(t *testing.T, e *env) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		d := e.mustDoomed(t, "1")
		// The concurrent sign-in: it holds the lock of github/new and links
		// it to the user (here by moving the user's gh-1 account to that key).
		linking := e.db.Begin()
		require.NoError(t, linking.Exec(`SELECT pg_advisory_xact_lock(hashtextextended(?, 0))`, repository.AccountLockKey("github", "new")).Error)
		require.NoError(t, linking.Exec(e.sql(`UPDATE `+e.accounts+` SET "providerAccountId" = 'new' WHERE "provider" = 'github' AND "providerAccountId" = 'gh-1'`)).Error)

		type outcome struct {
			res *repository.SignInResult
			err error
		}
		done, out := make(chan error, 1), make(chan outcome, 1)
		signIn := racer{name: "SignInOAuth", call: func(ctx context.Context, e *env, d doomed) (*repository.SignInResult, error) {
			return e.repo.SignInOAuth(ctx, repository.OAuthSignIn{Account: repository.Account{Provider: "github", ProviderAccountID: "new"}, Email: d.user.Email})
		}}
		go func() {
			res, err := signIn.race(ctx, e, d)
			out <- outcome{res, err}
			done <- err
		}()
		waited, _ := testdb.WaitForLockWait(t, e.db, done) // for the account's lock
		require.True(t, waited, "SignInOAuth waited for the account's lock")

		deleting := e.db.Begin()
		deleted := make(chan error, 1)
		go func() { deleted <- e.repo.WithTx(deleting).Users.Delete(ctx, d.user.ID) }()
		waitForLockWaiters(t, e.db, 2) // the deletion waits for the linked account's row
		require.NoError(t, linking.Commit().Error)
		require.NoError(t, <-deleted)
		waited, _ = testdb.WaitForLockWait(t, e.db, done) // SignInOAuth, for the deleted user
		require.NoError(t, deleting.Commit().Error)
		o := <-out
		assert.True(t, waited, "SignInOAuth found the user linked and waited for the deletion")
		e.checkOutcome(t, signIn.name, d, o.res, o.err)
		e.assertNoOrphans(t, signIn.name)
		if assert.NoError(t, o.err) {
			assert.True(t, o.res.IsNewUser)
			assert.NotEqual(t, d.user.ID, o.res.User.ID)
			assert.Equal(t, o.res.User.ID, o.res.Account.UserID)
		}
	})
}
