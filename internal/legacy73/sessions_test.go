package repository_test

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth/internal/legacy73"
)

func TestSessionsCreate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	u := e.mustUser(t, "a@example.com")

	t.Run("OK", func(t *testing.T) {
		s, err := e.repo.Sessions.Create(ctx, u.ID)
		require.NoError(t, err)
		assert.NotZero(t, s.ID)
		assert.Equal(t, u.ID, s.UserID)
		assert.Equal(t, start.Add(repository.DefaultMaxAge), s.Expires)
		for _, tok := range []string{s.SessionToken, s.AccessToken} {
			assert.Len(t, tok, 64)
			_, err := hex.DecodeString(tok)
			assert.NoError(t, err)
			assert.Equal(t, tok, lower(tok))
		}
		assert.NotEqual(t, s.SessionToken, s.AccessToken)
		got, err := e.repo.Sessions.ByToken(ctx, s.SessionToken)
		require.NoError(t, err)
		assert.Equal(t, s.Expires, got.Expires)
		assert.Equal(t, time.UTC, got.Expires.Location())
	})
	t.Run("OneStatement", func(t *testing.T) {
		e.tracer.Reset()
		_, err := e.repo.Sessions.Create(ctx, u.ID)
		require.NoError(t, err)
		assert.Len(t, e.tracer.Statements(), 1, "no BEGIN/COMMIT around a single insert: %q", e.tracer.Statements())
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		before := e.count(t, "sessions")
		_, err := e.repo.Sessions.Create(ctx, 999999)
		assert.ErrorIs(t, err, repository.ErrNotFound)
		assert.Equal(t, before, e.count(t, "sessions"))
	})
	t.Run("ErrInvalidInput", func(t *testing.T) {
		for _, id := range []int32{0, -1} {
			_, err := e.repo.Sessions.Create(ctx, id)
			assert.ErrorIs(t, err, repository.ErrInvalidInput)
		}
	})
	t.Run("CancelledContext", func(t *testing.T) {
		before := e.count(t, "sessions")
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := e.repo.Sessions.Create(cctx, u.ID)
		assert.ErrorIs(t, err, context.Canceled)
		assert.Equal(t, before, e.count(t, "sessions"))
	})
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}

func TestSessionsLookups(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	u := e.mustUser(t, "a@example.com")
	s := e.mustSession(t, u)

	t.Run("ByToken", func(t *testing.T) {
		got, err := e.repo.Sessions.ByToken(ctx, s.SessionToken)
		require.NoError(t, err)
		assert.Equal(t, s.ID, got.ID)
		assert.Nil(t, got.User)
	})
	t.Run("ByAccessToken", func(t *testing.T) {
		got, err := e.repo.Sessions.ByAccessToken(ctx, s.AccessToken)
		require.NoError(t, err)
		assert.Equal(t, s.ID, got.ID)
		_, err = e.repo.Sessions.ByAccessToken(ctx, s.SessionToken)
		assert.ErrorIs(t, err, repository.ErrNotFound, "a session token is not an access token")
	})
	t.Run("WithUserOneQuery", func(t *testing.T) {
		e.tracer.Reset()
		got, err := e.repo.Sessions.WithUser(ctx, s.SessionToken)
		require.NoError(t, err)
		assert.Len(t, e.tracer.Statements(), 1)
		require.NotNil(t, got.User)
		assert.Equal(t, u.ID, got.User.ID)
		assert.Equal(t, *u.Email, *got.User.Email)
		assert.Equal(t, s.SessionToken, got.SessionToken)
		assert.Equal(t, s.Expires, got.Expires)
		assert.Equal(t, u.Created, got.User.Created)
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		tok, _ := repository.NewToken()
		_, err := e.repo.Sessions.ByToken(ctx, tok)
		assert.ErrorIs(t, err, repository.ErrNotFound)
		_, err = e.repo.Sessions.WithUser(ctx, tok)
		assert.ErrorIs(t, err, repository.ErrNotFound)
	})
	t.Run("ErrInvalidInput", func(t *testing.T) {
		for name, bad := range badStrings {
			_, err := e.repo.Sessions.ByToken(ctx, bad)
			assert.ErrorIs(t, err, repository.ErrInvalidInput, name)
			_, err = e.repo.Sessions.WithUser(ctx, bad)
			assert.ErrorIs(t, err, repository.ErrInvalidInput, name)
			_, err = e.repo.Sessions.ByAccessToken(ctx, bad)
			assert.ErrorIs(t, err, repository.ErrInvalidInput, name)
		}
	})
}

func TestSessionsExpiry(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	u := e.mustUser(t, "a@example.com")
	s := e.mustSession(t, u)

	e.clock.Advance(repository.DefaultMaxAge) // now == expires: still valid
	_, err := e.repo.Sessions.ByToken(ctx, s.SessionToken)
	require.NoError(t, err)

	e.clock.Advance(time.Microsecond)
	_, err = e.repo.Sessions.ByToken(ctx, s.SessionToken)
	assert.ErrorIs(t, err, repository.ErrNotFound)
	_, err = e.repo.Sessions.ByAccessToken(ctx, s.AccessToken)
	assert.ErrorIs(t, err, repository.ErrNotFound)
	_, err = e.repo.Sessions.WithUser(ctx, s.SessionToken)
	assert.ErrorIs(t, err, repository.ErrNotFound)
	_, err = e.repo.Sessions.Refresh(ctx, s)
	assert.ErrorIs(t, err, repository.ErrNotFound, "an expired session cannot be revived")
	assert.ErrorIs(t, e.repo.Sessions.ForceRefresh(ctx, s), repository.ErrNotFound)
}

func TestSessionsWithUserDeletedUser(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	u := e.mustUser(t, "a@example.com")
	s := e.mustSession(t, u)
	require.NoError(t, e.db.Exec("DELETE FROM users WHERE id = ?", u.ID).Error)
	_, err := e.repo.Sessions.WithUser(ctx, s.SessionToken)
	assert.ErrorIs(t, err, repository.ErrNotFound)
}

func TestSessionsRefresh(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	u := e.mustUser(t, "a@example.com")
	s := e.mustSession(t, u)
	created := s.Expires

	t.Run("NilIsNeverDue", func(t *testing.T) {
		assert.False(t, e.repo.Sessions.Due(nil))
	})
	t.Run("NotDue", func(t *testing.T) {
		e.clock.Advance(repository.DefaultUpdateAge) // exactly UpdateAge: not yet due
		e.tracer.Reset()
		wrote, err := e.repo.Sessions.Refresh(ctx, s)
		require.NoError(t, err)
		assert.False(t, wrote)
		assert.Empty(t, e.tracer.Statements(), "a refresh that is not due sends nothing")
		assert.Equal(t, created, s.Expires)
	})
	t.Run("Due", func(t *testing.T) {
		e.clock.Advance(time.Second)
		e.tracer.Reset()
		wrote, err := e.repo.Sessions.Refresh(ctx, s)
		require.NoError(t, err)
		assert.True(t, wrote)
		assert.Len(t, e.tracer.Statements(), 1)
		want := e.clock.Now().Add(repository.DefaultMaxAge)
		assert.Equal(t, want, s.Expires)
		got, err := e.repo.Sessions.ByToken(ctx, s.SessionToken)
		require.NoError(t, err)
		assert.Equal(t, want, got.Expires)
		assert.Equal(t, e.clock.Now(), got.Updated)
	})
	t.Run("Forced", func(t *testing.T) {
		e.clock.Advance(time.Minute)
		require.NoError(t, e.repo.Sessions.ForceRefresh(ctx, s))
		assert.Equal(t, e.clock.Now().Add(repository.DefaultMaxAge), s.Expires)
	})
	t.Run("Deleted", func(t *testing.T) {
		s2 := e.mustSession(t, u)
		require.NoError(t, e.repo.Sessions.Delete(ctx, s2.SessionToken))
		e.clock.Advance(2 * repository.DefaultUpdateAge)
		_, err := e.repo.Sessions.Refresh(ctx, s2)
		assert.ErrorIs(t, err, repository.ErrNotFound)
	})
}

func TestSessionsRefreshConcurrent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	u := e.mustUser(t, "a@example.com")
	s := e.mustSession(t, u)
	original := s.Expires
	e.clock.Advance(2 * repository.DefaultUpdateAge)

	// Half the goroutines see a clock a minute behind.
	late := repository.New(e.db, repository.Options{Now: func() time.Time { return e.clock.Now().Add(-time.Minute) }})
	const n = 20
	var wg sync.WaitGroup
	seen := make([]time.Time, n)
	wrote := make([]bool, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			r := e.repo
			if i%2 == 1 {
				r = late
			}
			cp := *s
			w, err := r.Sessions.Refresh(ctx, &cp)
			if assert.NoError(t, err) {
				seen[i], wrote[i] = cp.Expires, w
			}
		}(i)
	}
	wg.Wait()
	got, err := e.repo.Sessions.ByToken(ctx, s.SessionToken)
	require.NoError(t, err)
	writes := 0
	for i := range n {
		assert.False(t, got.Expires.Before(seen[i]), "expires never moves backwards")
		if wrote[i] {
			writes++
		}
	}
	assert.True(t, got.Expires.After(original))
	assert.Equal(t, 1, writes, "once one refresh is in, the others are no longer due")

	// A refresh from a stale copy and an older clock does not pull it back.
	final := got.Expires
	stale := *s
	_, err = late.Sessions.Refresh(ctx, &stale)
	require.NoError(t, err)
	require.NoError(t, late.Sessions.ForceRefresh(ctx, &stale))
	got, err = e.repo.Sessions.ByToken(ctx, s.SessionToken)
	require.NoError(t, err)
	assert.False(t, got.Expires.Before(final))
}

func TestSessionsDelete(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	u := e.mustUser(t, "a@example.com")
	other := e.mustUser(t, "b@example.com")
	s1, s2, s3 := e.mustSession(t, u), e.mustSession(t, u), e.mustSession(t, other)

	t.Run("ByToken", func(t *testing.T) {
		require.NoError(t, e.repo.Sessions.Delete(ctx, s1.SessionToken))
		_, err := e.repo.Sessions.ByToken(ctx, s1.SessionToken)
		assert.ErrorIs(t, err, repository.ErrNotFound)
		assert.ErrorIs(t, e.repo.Sessions.Delete(ctx, s1.SessionToken), repository.ErrNotFound)
	})
	t.Run("ByUser", func(t *testing.T) {
		e.mustSession(t, u)
		n, err := e.repo.Sessions.DeleteByUser(ctx, u.ID)
		require.NoError(t, err)
		assert.EqualValues(t, 2, n)
		_, err = e.repo.Sessions.ByToken(ctx, s2.SessionToken)
		assert.ErrorIs(t, err, repository.ErrNotFound)
		_, err = e.repo.Sessions.ByToken(ctx, s3.SessionToken)
		assert.NoError(t, err, "another user's session stays")
		n, err = e.repo.Sessions.DeleteByUser(ctx, u.ID)
		require.NoError(t, err)
		assert.Zero(t, n)
	})
	t.Run("ByUnknownUser", func(t *testing.T) {
		// An orphan session of a user id that does not exist stays put.
		require.NoError(t, e.db.Exec(`INSERT INTO sessions (user_id, expires, session_token, access_token) VALUES (4242, '2100-01-01', 'orphan-s', 'orphan-a')`).Error)
		_, err := e.repo.Sessions.DeleteByUser(ctx, 4242)
		assert.ErrorIs(t, err, repository.ErrNotFound)
		var n int64
		require.NoError(t, e.db.Raw("SELECT count(*) FROM sessions WHERE user_id = 4242").Scan(&n).Error)
		assert.EqualValues(t, 1, n)
	})
}

func TestSessionsDeleteExpired(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	u := e.mustUser(t, "a@example.com")
	for i := 0; i < 25; i++ {
		e.mustSession(t, u)
	}
	e.clock.Advance(repository.DefaultMaxAge + time.Second)
	live := e.mustSession(t, u)

	e.tracer.Reset()
	n, err := e.repo.Sessions.DeleteExpired(ctx, 10)
	require.NoError(t, err)
	assert.EqualValues(t, 25, n)
	assert.Len(t, e.tracer.Statements(), 3, "25 rows in batches of 10: three statements")
	assert.EqualValues(t, 1, e.count(t, "sessions"))
	_, err = e.repo.Sessions.ByToken(ctx, live.SessionToken)
	assert.NoError(t, err)

	n, err = e.repo.Sessions.DeleteExpired(ctx, 0)
	require.NoError(t, err)
	assert.Zero(t, n)

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = e.repo.Sessions.DeleteExpired(cctx, 10)
	assert.True(t, errors.Is(err, context.Canceled))
}

// A user lists their sessions without tokens, deletes one by its handle,
// never another user's, and signs out of every other device.
func TestSessionsManagement(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	alice, bob := e.mustUser(t, "alice@example.com"), e.mustUser(t, "bob@example.com")
	current := e.mustSession(t, alice)
	e.clock.Advance(time.Minute)
	phone := e.mustSession(t, alice)
	e.clock.Advance(time.Minute)
	laptop := e.mustSession(t, alice)
	bobs := e.mustSession(t, bob)
	old := e.mustSession(t, alice)
	require.NoError(t, e.db.Exec(`UPDATE sessions SET expires = ? WHERE id = ?`, start.Add(-time.Hour), old.ID).Error)

	list, err := e.repo.Sessions.ListByUser(ctx, alice.ID)
	require.NoError(t, err)
	require.Len(t, list, 3, "valid sessions only")
	assert.True(t, list[0].Is(laptop), "newest first")
	assert.True(t, list[1].Is(phone))
	assert.True(t, list[2].Is(current))
	assert.Equal(t, start.Add(2*time.Minute), list[0].Created)
	assert.Equal(t, laptop.Expires, list[0].Expires)
	assert.NotContains(t, fmt.Sprint(list), laptop.SessionToken, "no session token in the list")

	before := e.counts(t)
	assert.ErrorIs(t, e.repo.Sessions.DeleteByHandle(ctx, alice.ID, bobs.AccessToken), repository.ErrNotFound, "another user's session")
	assert.ErrorIs(t, e.repo.Sessions.DeleteByHandle(ctx, bob.ID, phone.AccessToken), repository.ErrNotFound)
	assert.ErrorIs(t, e.repo.Sessions.DeleteByHandle(ctx, alice.ID, ""), repository.ErrInvalidInput)
	assert.Equal(t, before, e.counts(t))

	require.NoError(t, e.repo.Sessions.DeleteByHandle(ctx, alice.ID, list[1].Handle))
	_, err = e.repo.Sessions.ByToken(ctx, phone.SessionToken)
	assert.ErrorIs(t, err, repository.ErrNotFound)

	n, err := e.repo.Sessions.DeleteOthers(ctx, current)
	require.NoError(t, err)
	assert.Equal(t, int64(2), n, "laptop, and the expired one")
	_, err = e.repo.Sessions.ByToken(ctx, current.SessionToken)
	assert.NoError(t, err)
	_, err = e.repo.Sessions.ByToken(ctx, bobs.SessionToken)
	assert.NoError(t, err, "another user's session stays")
	_, err = e.repo.Sessions.DeleteOthers(ctx, nil)
	assert.ErrorIs(t, err, repository.ErrInvalidInput)
}
