package repository_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/repository"
)

// eachLifetimeFlavour runs test on a fresh env, with opts, of every flavour
// whose sessions record their creation (Prisma's for Auth.js v5, beta.73's);
// on the others it checks that the option is refused at construction.
func eachLifetimeFlavour(t *testing.T, opts repository.Options, test func(t *testing.T, e *env)) {
	t.Helper()
	for _, f := range gormauth.Flavours() {
		t.Run(f.Name(), func(t *testing.T) {
			t.Parallel()
			if f.ClockColumns() {
				test(t, newEnv(t, f, opts))
				return
			}
			e := newEnv(t, f)
			r, err := repository.NewChecked(e.db, f, opts)
			assert.ErrorIs(t, err, repository.ErrMaxLifetimeUnsupported)
			assert.Nil(t, r)
			assert.Panics(t, func() { repository.New(e.db, f, opts) })
		})
	}
}

// Options.MaxLifetime: a session is valid only while now ≤ createdAt +
// MaxLifetime, however it is extended, and its expiry never goes past that.
func TestSessionsMaxLifetime(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachLifetimeFlavour(t, repository.Options{MaxAge: time.Hour, UpdateAge: 10 * time.Minute, MaxLifetime: 3 * time.Hour}, func(t *testing.T, e *env) {
		u := e.mustUser(t, "alice@example.com")
		s := e.mustSession(t, u)
		assert.Equal(t, start.Add(time.Hour), s.Expires, "MaxAge, below the lifetime")
		// A session opened without the option lives past it too.
		free := repository.New(e.db, e.f, repository.Options{Now: e.clock.Now, Secret: []string{secret}})
		other, err := free.Sessions.Create(ctx, u.ID)
		require.NoError(t, err)

		for _, want := range []time.Duration{50*time.Minute + time.Hour, 100*time.Minute + time.Hour} {
			e.clock.Advance(50 * time.Minute)
			wrote, err := e.repo.Sessions.Refresh(ctx, s)
			require.NoError(t, err)
			assert.True(t, wrote)
			assert.Equal(t, start.Add(want), s.Expires)
		}
		e.clock.Advance(50 * time.Minute) // 2h30 after start
		wrote, err := e.repo.Sessions.Refresh(ctx, s)
		require.NoError(t, err)
		assert.True(t, wrote)
		assert.Equal(t, start.Add(3*time.Hour), s.Expires, "capped at createdAt + MaxLifetime")
		got, err := e.repo.Sessions.ByToken(ctx, s.SessionToken)
		require.NoError(t, err)
		assert.Equal(t, start.Add(3*time.Hour), got.Expires, "as stored")

		e.clock.Advance(20 * time.Minute) // 2h50
		assert.False(t, e.repo.Sessions.Due(s), "nothing left to extend")
		e.tracer.Reset()
		wrote, err = e.repo.Sessions.Refresh(ctx, s)
		require.NoError(t, err)
		assert.False(t, wrote)
		assert.Empty(t, e.tracer.Statements(), "a refresh with nothing to extend sends nothing")
		require.NoError(t, e.repo.Sessions.ForceRefresh(ctx, s))
		assert.Equal(t, start.Add(3*time.Hour), s.Expires, "forced, still capped")

		e.clock.Advance(10 * time.Minute) // now = createdAt + MaxLifetime: still valid
		_, err = e.repo.Sessions.WithUser(ctx, s.SessionToken)
		require.NoError(t, err)
		_, err = e.repo.Sessions.WithUser(ctx, other.SessionToken)
		require.NoError(t, err)

		e.clock.Advance(e.f.Precision())
		for _, tok := range []string{s.SessionToken, other.SessionToken} {
			_, err = e.repo.Sessions.ByToken(ctx, tok)
			assert.ErrorIs(t, err, repository.ErrNotFound)
			_, err = e.repo.Sessions.WithUser(ctx, tok)
			assert.ErrorIs(t, err, repository.ErrNotFound)
		}
		_, err = free.Sessions.WithUser(ctx, other.SessionToken)
		require.NoError(t, err, "its expiry is 30 days away: only the lifetime ends it")
		if other.AccessToken != nil { // beta.73's
			_, err = e.repo.Sessions.ByAccessToken(ctx, *other.AccessToken)
			assert.ErrorIs(t, err, repository.ErrNotFound)
		}
		list, err := e.repo.Sessions.ListByUser(ctx, u.ID)
		require.NoError(t, err)
		assert.Empty(t, list)
		_, err = e.repo.Sessions.Refresh(ctx, other)
		assert.ErrorIs(t, err, repository.ErrNotFound)
		assert.ErrorIs(t, e.repo.Sessions.ForceRefresh(ctx, other), repository.ErrNotFound)
	})
}

// A lifetime shorter than MaxAge caps the expiry of every session opened.
func TestSessionsMaxLifetimeCapsNewSessions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachLifetimeFlavour(t, repository.Options{MaxLifetime: 30 * time.Minute}, func(t *testing.T, e *env) {
		u := e.mustUser(t, "alice@example.com")
		s := e.mustSession(t, u)
		assert.Equal(t, start.Add(30*time.Minute), s.Expires)
		assert.False(t, e.repo.Sessions.Due(s))

		res, err := e.repo.SignInOAuth(ctx, githubSignIn("1", ptr("o@example.com")))
		require.NoError(t, err)
		assert.Equal(t, start.Add(30*time.Minute), res.Session.Expires, "a new user")
		res, err = e.repo.SignInOAuth(ctx, githubSignIn("1", ptr("o@example.com")))
		require.NoError(t, err)
		assert.Equal(t, start.Add(30*time.Minute), res.Session.Expires, "a returning user")
		res, err = e.repo.SignInEmail(ctx, repository.EmailSignIn{SignInToken: e.mustToken(t, "m@example.com")})
		require.NoError(t, err)
		assert.Equal(t, start.Add(30*time.Minute), res.Session.Expires, "by email")
		got, err := e.repo.Sessions.WithUser(ctx, res.Session.SessionToken)
		require.NoError(t, err)
		assert.Equal(t, start.Add(30*time.Minute), got.Expires, "as stored")

		_, err = repository.NewChecked(e.db, e.f, repository.Options{MaxLifetime: -time.Second})
		assert.Error(t, err, "a negative lifetime")
	})
}
