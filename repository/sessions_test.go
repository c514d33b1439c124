package repository_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth/repository"
)

func TestSessionsCreate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachFlavour(t, func(t *testing.T, e *env) {
		u := e.mustUser(t, "alice@example.com")
		e.tracer.Reset()
		s, err := e.repo.Sessions.Create(ctx, u.ID)
		require.NoError(t, err)
		assert.Len(t, e.tracer.Statements(), 1, "one statement")
		assert.Regexp(t, e.tokenRE(), s.SessionToken, "as the flavour's JavaScript side makes them")
		_, _, sessionIDs := e.f.IDs()
		checkID(t, sessionIDs, s.ID)
		assert.Equal(t, u.ID, s.UserID)
		assert.Equal(t, start.Add(repository.DefaultMaxAge), s.Expires)
		got, err := e.repo.Sessions.ByToken(ctx, s.SessionToken)
		require.NoError(t, err)
		assert.Equal(t, s, got)
		assert.Equal(t, time.UTC, got.Expires.Location(), "an instant in UTC")
		assert.Nil(t, got.User, "ByToken does not read the user")

		other, err := e.repo.Sessions.Create(ctx, u.ID)
		require.NoError(t, err)
		assert.NotEqual(t, s.SessionToken, other.SessionToken)

		require.NoError(t, e.repo.Users.Delete(ctx, u.ID))
		before := e.snapshot(t)
		_, err = e.repo.Sessions.Create(ctx, u.ID)
		assert.ErrorIs(t, err, repository.ErrNotFound)
		assert.Equal(t, before, e.snapshot(t))
	})
}

func TestSessionsWithUser(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachFlavour(t, func(t *testing.T, e *env) {
		u := e.mustUser(t, "alice@example.com")
		s := e.mustSession(t, u)
		e.tracer.Reset()
		got, err := e.repo.Sessions.WithUser(ctx, s.SessionToken)
		require.NoError(t, err)
		assert.Len(t, e.tracer.Statements(), 1, "one statement")
		assert.Equal(t, u, got.User)
		got.User = nil
		assert.Equal(t, s, got)

		// A session token of an older application: 64 hexadecimal
		// characters.
		hex := "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		e.exec(t, `UPDATE `+e.sessions+` SET "sessionToken" = ? WHERE "sessionToken" = ?`, hex, s.SessionToken)
		got, err = e.repo.Sessions.WithUser(ctx, hex)
		require.NoError(t, err)
		assert.Equal(t, u.ID, got.User.ID)

		_, err = e.repo.Sessions.WithUser(ctx, s.SessionToken)
		assert.ErrorIs(t, err, repository.ErrNotFound)
	})
}

// A session whose user was deleted outside the repository (the row stays
// where no foreign key cascades) signs no one in.
func TestSessionsWithUserDeletedUser(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachFlavour(t, func(t *testing.T, e *env) {
		u := e.mustUser(t, "alice@example.com")
		s := e.mustSession(t, u)
		e.exec(t, `DELETE FROM `+e.users+` WHERE "id"::text = ?`, u.ID)
		_, err := e.repo.Sessions.WithUser(ctx, s.SessionToken)
		assert.ErrorIs(t, err, repository.ErrNotFound)
	})
}

// A session is valid while now ≤ expires: Auth.js refuses it when
// expires < now.
func TestSessionsExpiry(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachFlavour(t, func(t *testing.T, e *env) {
		s := e.mustSession(t, e.mustUser(t, "alice@example.com"))
		e.clock.Advance(repository.DefaultMaxAge) // now = expires
		_, err := e.repo.Sessions.WithUser(ctx, s.SessionToken)
		assert.NoError(t, err, "valid at its expiry")
		_, err = e.repo.Sessions.ByToken(ctx, s.SessionToken)
		assert.NoError(t, err)
		e.clock.Advance(e.f.Precision())
		_, err = e.repo.Sessions.WithUser(ctx, s.SessionToken)
		assert.ErrorIs(t, err, repository.ErrNotFound, "expired one tick later")
		_, err = e.repo.Sessions.ByToken(ctx, s.SessionToken)
		assert.ErrorIs(t, err, repository.ErrNotFound)
		_, err = e.repo.Sessions.Refresh(ctx, s)
		assert.ErrorIs(t, err, repository.ErrNotFound, "an expired session cannot be revived")
		assert.ErrorIs(t, e.repo.Sessions.ForceRefresh(ctx, s), repository.ErrNotFound)
	})
}

// Due when expires − maxAge + updateAge ≤ now, as Auth.js measures it: due
// exactly updateAge after the last extension, not a tick before (in
// beta.73, a tick after: gormauth.Flavour.Due).
func TestSessionsRefresh(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachFlavour(t, func(t *testing.T, e *env) {
		assert.False(t, e.repo.Sessions.Due(nil), "nil is never due")
		u := e.mustUser(t, "alice@example.com")
		s := e.mustSession(t, u)
		e.clock.Advance(e.dueAfter() - e.f.Precision())
		assert.False(t, e.repo.Sessions.Due(s))
		e.tracer.Reset()
		wrote, err := e.repo.Sessions.Refresh(ctx, s)
		require.NoError(t, err)
		assert.False(t, wrote)
		assert.Empty(t, e.tracer.Statements(), "nothing sent when not due")

		e.clock.Advance(e.f.Precision())
		assert.True(t, e.repo.Sessions.Due(s))
		e.tracer.Reset()
		wrote, err = e.repo.Sessions.Refresh(ctx, s)
		require.NoError(t, err)
		assert.True(t, wrote)
		assert.Len(t, e.tracer.Statements(), 1, "one statement")
		want := start.Add(e.dueAfter() + repository.DefaultMaxAge)
		assert.Equal(t, want, s.Expires)
		got, err := e.repo.Sessions.ByToken(ctx, s.SessionToken)
		require.NoError(t, err)
		assert.Equal(t, want, got.Expires)
		if e.f.ClockColumns() {
			assert.Equal(t, start.Add(e.dueAfter()), *got.UpdatedAt)
			assert.Equal(t, start, *got.CreatedAt)
		}

		// ForceRefresh extends whether due or not, and never backwards.
		e.clock.Advance(time.Minute)
		require.NoError(t, e.repo.Sessions.ForceRefresh(ctx, s))
		assert.Equal(t, want.Add(time.Minute), s.Expires)
		stale := *s
		stale.Expires = want
		e.clock.Advance(-time.Minute)
		require.NoError(t, e.repo.Sessions.ForceRefresh(ctx, &stale))
		assert.Equal(t, want.Add(time.Minute), stale.Expires, "the row expires later: kept")

		// A session deleted since it was read is not extended.
		gone := e.mustSession(t, u)
		require.NoError(t, e.repo.Sessions.Delete(ctx, gone.SessionToken))
		e.clock.Advance(2 * repository.DefaultUpdateAge)
		_, err = e.repo.Sessions.Refresh(ctx, gone)
		assert.ErrorIs(t, err, repository.ErrNotFound)
	})
}

// Concurrent refreshes of one session write once and never move expires
// backwards, also when half of them see a clock a minute behind; nor does
// a refresh from a stale copy with that clock.
func TestSessionsRefreshConcurrent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachFlavour(t, func(t *testing.T, e *env) {
		s := e.mustSession(t, e.mustUser(t, "alice@example.com"))
		original := s.Expires
		e.clock.Advance(e.dueAfter() + time.Minute)
		late := repository.New(e.db, e.f, repository.Options{Secret: []string{secret},
			Now: func() time.Time { return e.clock.Now().Add(-time.Minute) }})
		const n = 8
		wrote := make([]bool, n)
		seen := make([]time.Time, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := e.repo
				if i%2 == 1 {
					r = late
				}
				cp := *s
				wrote[i], errs[i] = r.Sessions.Refresh(ctx, &cp)
				seen[i] = cp.Expires
			}()
		}
		wg.Wait()
		got, err := e.repo.Sessions.ByToken(ctx, s.SessionToken)
		require.NoError(t, err)
		writes := 0
		for i := range n {
			require.NoError(t, errs[i])
			assert.False(t, got.Expires.Before(seen[i]), "expires never moves backwards")
			if wrote[i] {
				writes++
			}
		}
		assert.Equal(t, 1, writes, "once one refresh is in, the others are no longer due")
		assert.True(t, got.Expires.After(original))

		final := got.Expires
		stale := *s
		_, err = late.Sessions.Refresh(ctx, &stale)
		require.NoError(t, err)
		require.NoError(t, late.Sessions.ForceRefresh(ctx, &stale))
		got, err = e.repo.Sessions.ByToken(ctx, s.SessionToken)
		require.NoError(t, err)
		assert.False(t, got.Expires.Before(final), "a stale copy and an older clock do not pull it back")
	})
}

func TestSessionsDelete(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachFlavour(t, func(t *testing.T, e *env) {
		u := e.mustUser(t, "alice@example.com")
		other := e.mustUser(t, "bob@example.com")
		a, b := e.mustSession(t, u), e.mustSession(t, u)
		keep := e.mustSession(t, other)

		require.NoError(t, e.repo.Sessions.Delete(ctx, a.SessionToken))
		assert.ErrorIs(t, e.repo.Sessions.Delete(ctx, a.SessionToken), repository.ErrNotFound)

		e.clock.Advance(time.Second)
		c := e.mustSession(t, u)
		list, err := e.repo.Sessions.ListByUser(ctx, u.ID)
		require.NoError(t, err)
		require.Len(t, list, 2)
		assert.True(t, list[0].Is(c), "newest first")
		assert.True(t, list[1].Is(b))
		assert.False(t, list[0].Is(b))
		assert.Equal(t, c.Expires, list[0].Expires)
		assert.Equal(t, start.Add(time.Second), list[0].Extended)
		if e.f.ClockColumns() {
			assert.Equal(t, start.Add(time.Second), *list[0].CreatedAt)
		}
		assert.NotContains(t, fmt.Sprint(list), c.SessionToken, "no token in the list")

		n, err := e.repo.Sessions.DeleteByUser(ctx, u.ID)
		require.NoError(t, err)
		assert.Equal(t, int64(2), n)
		_, err = e.repo.Sessions.ByToken(ctx, keep.SessionToken)
		assert.NoError(t, err, "another user's session stays")

		require.NoError(t, e.repo.Users.Delete(ctx, u.ID))
		_, err = e.repo.Sessions.DeleteByUser(ctx, u.ID)
		assert.ErrorIs(t, err, repository.ErrNotFound)

		// The session of a user deleted outside the repository stays where
		// no foreign key cascades: DeleteByUser finds no user and leaves it.
		if !e.f.Cascades() {
			orphan := e.mustSession(t, other)
			e.exec(t, `DELETE FROM `+e.users+` WHERE "id"::text = ?`, other.ID)
			before := e.snapshot(t)
			_, err = e.repo.Sessions.DeleteByUser(ctx, other.ID)
			assert.ErrorIs(t, err, repository.ErrNotFound)
			assert.Equal(t, before, e.snapshot(t))
			_, err = e.repo.Sessions.ByToken(ctx, orphan.SessionToken)
			assert.NoError(t, err)
		}
	})
}

func TestSessionsDeleteExpired(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachFlavour(t, func(t *testing.T, e *env) {
		u := e.mustUser(t, "alice@example.com")
		for range 5 {
			e.mustSession(t, u)
		}
		e.clock.Advance(time.Hour)
		live := e.mustSession(t, u)
		e.clock.Advance(repository.DefaultMaxAge) // the first five expired an hour ago; live expires now
		e.tracer.Reset()
		n, err := e.repo.Sessions.DeleteExpired(ctx, 2)
		require.NoError(t, err)
		assert.Equal(t, int64(5), n)
		assert.Len(t, e.tracer.Statements(), 3, "5 rows in batches of 2: three statements")
		_, err = e.repo.Sessions.ByToken(ctx, live.SessionToken)
		assert.NoError(t, err, "a session at its expiry is kept")
		assert.Equal(t, int64(1), e.count(t, e.sessions, ""))

		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		_, err = e.repo.Sessions.DeleteExpired(cancelled, 0)
		assert.ErrorIs(t, err, context.Canceled)
	})
}

// A user deletes one of their sessions by its handle, never another
// user's, and signs out of every other device.
func TestSessionsManagement(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachFlavour(t, func(t *testing.T, e *env) {
		alice, bob := e.mustUser(t, "alice@example.com"), e.mustUser(t, "bob@example.com")
		current, phone, laptop := e.mustSession(t, alice), e.mustSession(t, alice), e.mustSession(t, alice)
		bobs := e.mustSession(t, bob)
		old := e.mustSession(t, alice)
		e.exec(t, `UPDATE `+e.sessions+` SET "expires" = "expires" - interval '31 days' WHERE "sessionToken" = ?`, old.SessionToken)
		list, err := e.repo.Sessions.ListByUser(ctx, alice.ID)
		require.NoError(t, err)
		require.Len(t, list, 3, "valid sessions only")
		handle := func(s *repository.Session) string {
			for _, i := range list {
				if i.Is(s) {
					return i.Handle
				}
			}
			t.Fatal("session not listed")
			return ""
		}
		bobsList, err := e.repo.Sessions.ListByUser(ctx, bob.ID)
		require.NoError(t, err)
		require.Len(t, bobsList, 1)

		// Bob's handle in Alice's name: refused, nothing deleted.
		before := e.snapshot(t)
		assert.ErrorIs(t, e.repo.Sessions.DeleteByHandle(ctx, alice.ID, bobsList[0].Handle), repository.ErrNotFound)
		assert.ErrorIs(t, e.repo.Sessions.DeleteByHandle(ctx, bob.ID, handle(phone)), repository.ErrNotFound)
		assert.ErrorIs(t, e.repo.Sessions.DeleteByHandle(ctx, alice.ID, phone.SessionToken), repository.ErrInvalidInput, "a token is no handle")
		assert.ErrorIs(t, e.repo.Sessions.DeleteByHandle(ctx, alice.ID, ""), repository.ErrInvalidInput)
		_, err = e.repo.Sessions.DeleteOthers(ctx, nil)
		assert.ErrorIs(t, err, repository.ErrInvalidInput)
		assert.Equal(t, before, e.snapshot(t))

		require.NoError(t, e.repo.Sessions.DeleteByHandle(ctx, alice.ID, handle(phone)))
		_, err = e.repo.Sessions.ByToken(ctx, phone.SessionToken)
		assert.ErrorIs(t, err, repository.ErrNotFound)
		assert.ErrorIs(t, e.repo.Sessions.DeleteByHandle(ctx, alice.ID, handle(phone)), repository.ErrNotFound)

		n, err := e.repo.Sessions.DeleteOthers(ctx, current)
		require.NoError(t, err)
		assert.Equal(t, int64(2), n, "laptop, and the expired one")
		_, err = e.repo.Sessions.ByToken(ctx, laptop.SessionToken)
		assert.ErrorIs(t, err, repository.ErrNotFound)
		_, err = e.repo.Sessions.ByToken(ctx, current.SessionToken)
		assert.NoError(t, err, "the current session stays")
		_, err = e.repo.Sessions.ByToken(ctx, bobs.SessionToken)
		assert.NoError(t, err, "another user's session stays")
	})
}

// NextAuth.js 2.0.0-beta.73 gives each session an access token, which its
// client receives as session.accessToken and sends to APIs: on Beta73 a
// session carries it and ByAccessToken finds the session by it; the other
// flavours have none and say so before sending anything.
func TestSessionsByAccessToken(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachFlavour(t, func(t *testing.T, e *env) {
		s := e.mustSession(t, e.mustUser(t, "alice@example.com"))
		if _, _, sessions, _ := e.f.Tables(); !e.f.Has(sessions, "access_token") {
			assert.Nil(t, s.AccessToken)
			e.tracer.Reset()
			_, err := e.repo.Sessions.ByAccessToken(ctx, "0123")
			assert.ErrorIs(t, err, errors.ErrUnsupported)
			assert.Empty(t, e.tracer.Statements())
			return
		}
		require.NotNil(t, s.AccessToken)
		assert.Regexp(t, `^[0-9a-f]{64}$`, *s.AccessToken, "32 random bytes in hex, as NextAuth.js makes it")
		assert.Equal(t, s.AccessToken, e.column(t, e.sessions, "access_token", `"sessionToken" = ?`, s.SessionToken))
		assert.NotContains(t, fmt.Sprint(s), *s.AccessToken)

		got, err := e.repo.Sessions.ByAccessToken(ctx, *s.AccessToken)
		require.NoError(t, err)
		assert.Equal(t, s, got)
		byToken, err := e.repo.Sessions.ByToken(ctx, s.SessionToken)
		require.NoError(t, err)
		assert.Equal(t, s.AccessToken, byToken.AccessToken)

		_, err = e.repo.Sessions.ByAccessToken(ctx, s.SessionToken)
		assert.ErrorIs(t, err, repository.ErrNotFound, "a session token is not an access token")
		assert.NotEqual(t, s.SessionToken, *s.AccessToken)
		for _, bad := range []string{"", "a\x00b", "a\xffb", strings.Repeat("a", repository.MaxTokenLen+1)} {
			_, err = e.repo.Sessions.ByAccessToken(ctx, bad)
			assert.ErrorIs(t, err, repository.ErrInvalidInput, "%q", bad)
		}
		e.clock.Advance(repository.DefaultMaxAge + time.Millisecond)
		_, err = e.repo.Sessions.ByAccessToken(ctx, *s.AccessToken)
		assert.ErrorIs(t, err, repository.ErrNotFound, "expired")
	})
}
