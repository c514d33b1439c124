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

	"github.com/gormauth/gormauth/internal/harness/testdb"
	"github.com/gormauth/gormauth/internal/legacy73"
	"github.com/gormauth/gormauth/models"
)

// doomed is a user about to be deleted, with a linked GitHub account and an
// email sign-in link for the user's address.
type doomed struct {
	tag  string // tells one round's rows from another's
	user *models.User
	link repository.SignInToken
}

func (e *env) mustDoomed(tb testing.TB, tag string) doomed {
	tb.Helper()
	email := "race-" + tag + "@example.com"
	// Verified, as the user the OAuth racer makes: SignInEmail would
	// otherwise drop the accounts and sessions of a user whose address it
	// proves first.
	u := &models.User{Name: ptr("User " + email), Email: ptr(email), EmailVerified: ptr(start)}
	require.NoError(tb, e.repo.Users.Create(context.Background(), u))
	e.mustAccount(tb, u, "gh-"+tag)
	e.mustSession(tb, u)
	link := repository.SignInToken{Identifier: email, Token: "t-" + tag, Secret: "s3cret"}
	_, err := e.repo.Verifications.Create(context.Background(), link, 0)
	require.NoError(tb, err)
	return doomed{tag: tag, user: u, link: link}
}

// racer is a call that races the deletion of a user. Its outcome is
// reported as a sign-in result (Sessions.Create's session with a User
// holding only the id; Accounts.Link's user id alone).
type racer struct {
	name string
	call func(ctx context.Context, e *env, d doomed) (*repository.SignInResult, error)
	// fresh: once the deletion has committed, the call signs the person in
	// as a new user; otherwise it returns ErrNotFound.
	fresh bool
}

var racers = []racer{
	{"SignInEmail", func(ctx context.Context, e *env, d doomed) (*repository.SignInResult, error) {
		return e.repo.SignInEmail(ctx, d.link)
	}, true},
	{"SignInOAuth returning user", func(ctx context.Context, e *env, d doomed) (*repository.SignInResult, error) {
		in := githubSignIn("gh-"+d.tag, d.user.Email)
		in.EmailVerified = true // so that SignInEmail keeps the user it makes
		return e.repo.SignInOAuth(ctx, in)
	}, true},
	{"Sessions.Create", func(ctx context.Context, e *env, d doomed) (*repository.SignInResult, error) {
		s, err := e.repo.Sessions.Create(ctx, d.user.ID)
		if err != nil {
			return nil, err
		}
		return &repository.SignInResult{User: &models.User{ID: s.UserID}, Session: s}, nil
	}, false},
	{"Accounts.Link", func(ctx context.Context, e *env, d doomed) (*repository.SignInResult, error) {
		a := &models.Account{UserID: d.user.ID, ProviderType: "oauth", ProviderID: "twitch", ProviderAccountID: "tw-" + d.tag}
		if err := e.repo.Accounts.Link(ctx, a); err != nil {
			return nil, err
		}
		return &repository.SignInResult{User: &models.User{ID: a.UserID}}, nil
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
// sentinel error or signed in a user that exists (or d's user, deleted after
// the call), whose session exists as long as the user does.
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
		var exists bool
		require.NoError(t, e.db.Raw(`SELECT EXISTS (SELECT 1 FROM users WHERE id = ?)`, res.User.ID).Scan(&exists).Error)
		if res.User.ID != d.user.ID {
			assert.True(t, exists, "%s: signed in a user that does not exist", name)
		}
		if res.Session != nil {
			var stored bool
			require.NoError(t, e.db.Raw(`SELECT EXISTS (SELECT 1 FROM sessions WHERE session_token = ? AND user_id = ?)`,
				res.Session.SessionToken, res.User.ID).Scan(&stored).Error)
			assert.Equal(t, exists, stored, "%s: the session is stored while its user is", name)
		}
	}
}

// assertNoOrphans asserts that no session or account points at a missing
// user.
func (e *env) assertNoOrphans(t *testing.T, msg string) {
	t.Helper()
	var orphans int64
	require.NoError(t, e.db.Raw(`SELECT (SELECT count(*) FROM sessions s WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = s.user_id))
		+ (SELECT count(*) FROM accounts a WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = a.user_id))`).Scan(&orphans).Error)
	assert.Zero(t, orphans, "%s: rows point at a missing user", msg)
}

// Each call for a user whose deletion is under way waits for the deletion
// and then, once it has committed, signs the person in as a new user or
// returns ErrNotFound: beta.73's flows find or create in one statement (ON
// CONFLICT), so they never hold a user the deletion took away.
func TestCallsRacingUserDeletion(t *testing.T) {
	t.Parallel()
	for _, r := range racers {
		t.Run(r.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			e := newEnv(t)
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
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	e := newEnv(t)
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
}

// outcome names what a call did: signed in the user before the deletion,
// a new user, or which error it returned.
func outcome(deleted int32, res *repository.SignInResult, err error) string {
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
