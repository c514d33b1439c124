package repository_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth/internal/harness/testdb"
	"github.com/gormauth/gormauth/internal/legacy73"
)

// Options.MaxLifetime: a session is valid only while now ≤ created +
// MaxLifetime, however it is extended, and its expiry never goes past that.
func TestSessionsMaxLifetime(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnvDSN(t, testdb.New(t), repository.Options{MaxAge: time.Hour, UpdateAge: 10 * time.Minute, MaxLifetime: 3 * time.Hour})
	u := e.mustUser(t, "a@example.com")
	s := e.mustSession(t, u)
	assert.Equal(t, start.Add(time.Hour), s.Expires, "MaxAge, below the lifetime")
	// A session opened without the option lives past it too.
	free := repository.New(e.db, repository.Options{Now: e.clock.Now})
	other, err := free.Sessions.Create(ctx, u.ID)
	require.NoError(t, err)

	e.clock.Advance(50 * time.Minute)
	wrote, err := e.repo.Sessions.Refresh(ctx, s)
	require.NoError(t, err)
	assert.True(t, wrote)
	assert.Equal(t, start.Add(50*time.Minute+time.Hour), s.Expires)

	e.clock.Advance(50 * time.Minute) // 1h40 after start
	wrote, err = e.repo.Sessions.Refresh(ctx, s)
	require.NoError(t, err)
	assert.True(t, wrote)
	assert.Equal(t, start.Add(2*time.Hour+40*time.Minute), s.Expires)

	e.clock.Advance(50 * time.Minute) // 2h30
	wrote, err = e.repo.Sessions.Refresh(ctx, s)
	require.NoError(t, err)
	assert.True(t, wrote)
	assert.Equal(t, start.Add(3*time.Hour), s.Expires, "capped at created + MaxLifetime")
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

	e.clock.Advance(10 * time.Minute) // now = created + MaxLifetime: still valid
	_, err = e.repo.Sessions.WithUser(ctx, s.SessionToken)
	require.NoError(t, err)
	_, err = e.repo.Sessions.WithUser(ctx, other.SessionToken)
	require.NoError(t, err)

	e.clock.Advance(time.Microsecond)
	for _, tok := range []string{s.SessionToken, other.SessionToken} {
		_, err = e.repo.Sessions.ByToken(ctx, tok)
		assert.ErrorIs(t, err, repository.ErrNotFound)
		_, err = e.repo.Sessions.WithUser(ctx, tok)
		assert.ErrorIs(t, err, repository.ErrNotFound)
	}
	_, err = free.Sessions.WithUser(ctx, other.SessionToken)
	require.NoError(t, err, "its expiry is 30 days away: only the lifetime ends it")
	_, err = e.repo.Sessions.ByAccessToken(ctx, other.AccessToken)
	assert.ErrorIs(t, err, repository.ErrNotFound)
	list, err := e.repo.Sessions.ListByUser(ctx, u.ID)
	require.NoError(t, err)
	assert.Empty(t, list)
	_, err = e.repo.Sessions.Refresh(ctx, other)
	assert.ErrorIs(t, err, repository.ErrNotFound)
	assert.ErrorIs(t, e.repo.Sessions.ForceRefresh(ctx, other), repository.ErrNotFound)
}

// A lifetime shorter than MaxAge caps the expiry of every session opened.
func TestSessionsMaxLifetimeCapsNewSessions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnvDSN(t, testdb.New(t), repository.Options{MaxLifetime: 30 * time.Minute})
	u := e.mustUser(t, "a@example.com")
	s := e.mustSession(t, u)
	assert.Equal(t, start.Add(30*time.Minute), s.Expires)
	assert.False(t, e.repo.Sessions.Due(s))

	res, err := e.repo.SignInOAuth(ctx, githubSignIn("1", ptr("o@example.com")))
	require.NoError(t, err)
	assert.Equal(t, start.Add(30*time.Minute), res.Session.Expires, "a new user")
	res, err = e.repo.SignInOAuth(ctx, githubSignIn("1", ptr("o@example.com")))
	require.NoError(t, err)
	assert.Equal(t, start.Add(30*time.Minute), res.Session.Expires, "a returning user")
	res, err = e.repo.SignInEmail(ctx, e.mustLink(t, "m@example.com"))
	require.NoError(t, err)
	assert.Equal(t, start.Add(30*time.Minute), res.Session.Expires, "by email")
	got, err := e.repo.Sessions.WithUser(ctx, res.Session.SessionToken)
	require.NoError(t, err)
	assert.Equal(t, start.Add(30*time.Minute), got.Expires, "as stored")

	_, err = repository.NewChecked(e.db, repository.Options{MaxLifetime: -time.Second})
	assert.Error(t, err, "a negative lifetime")
}
