package repository_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth/internal/legacy73"
	"github.com/gormauth/gormauth/models"
)

func TestUsersCreate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)

	t.Run("OK", func(t *testing.T) {
		verified := time.Date(2026, 1, 2, 3, 4, 5, 6000, time.FixedZone("X", 3600))
		u := &models.User{Name: ptr("Alice"), Email: ptr("Alice@Example.com"), Image: ptr("https://x/a.png"), EmailVerified: &verified}
		require.NoError(t, e.repo.Users.Create(ctx, u))
		assert.NotZero(t, u.ID)
		assert.Equal(t, start, u.Created)
		assert.Equal(t, start, u.Updated)
		got, err := e.repo.Users.ByID(ctx, u.ID)
		require.NoError(t, err)
		assert.Equal(t, "Alice@Example.com", *got.Email, "stored as given")
		assert.True(t, verified.Equal(*got.EmailVerified))
		assert.Equal(t, time.UTC, got.EmailVerified.Location())
		assert.Equal(t, *u, *got)
	})
	t.Run("NullEmails", func(t *testing.T) {
		a, b := &models.User{}, &models.User{}
		require.NoError(t, e.repo.Users.Create(ctx, a))
		require.NoError(t, e.repo.Users.Create(ctx, b), "many users may have no email")
		assert.NotEqual(t, a.ID, b.ID)
	})
	t.Run("ErrAlreadyExists", func(t *testing.T) {
		e.mustUser(t, "dup@example.com")
		u := &models.User{Email: ptr("dup@example.com")}
		err := e.repo.Users.Create(ctx, u)
		assert.ErrorIs(t, err, repository.ErrAlreadyExists)
		assert.Zero(t, u.ID, "a failed create leaves the argument alone")
		assert.Contains(t, err.Error(), "Users.Create")
	})
	t.Run("ErrInvalidInput", func(t *testing.T) {
		before := e.count(t, "users")
		for name, bad := range badStrings {
			if bad == "" {
				continue // empty optional strings are values like any other
			}
			for _, u := range []*models.User{{Name: ptr(bad)}, {Email: ptr(bad)}, {Image: ptr(bad)}} {
				assert.ErrorIs(t, e.repo.Users.Create(ctx, u), repository.ErrInvalidInput, name)
			}
		}
		assert.ErrorIs(t, e.repo.Users.Create(ctx, nil), repository.ErrInvalidInput)
		assert.ErrorIs(t, e.repo.Users.Create(ctx, &models.User{Email: ptr("")}), repository.ErrInvalidInput, "an empty email is no email: use nil")
		assert.ErrorIs(t, e.repo.Users.Create(ctx, &models.User{ID: 7}), repository.ErrInvalidInput)
		assert.Equal(t, before, e.count(t, "users"))
	})
	t.Run("CancelledContext", func(t *testing.T) {
		before := e.count(t, "users")
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		assert.ErrorIs(t, e.repo.Users.Create(cctx, &models.User{}), context.Canceled)
		assert.Equal(t, before, e.count(t, "users"))
	})
}

func TestUsersCreateConcurrentSameEmail(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	const n = 20
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = e.repo.Users.Create(ctx, &models.User{Email: ptr("same@example.com")})
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
		} else {
			assert.ErrorIs(t, err, repository.ErrAlreadyExists)
		}
	}
	assert.Equal(t, 1, ok)
	assert.EqualValues(t, 1, e.count(t, "users"))
}

func TestUsersLookups(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	u := e.mustUser(t, "Bob@example.com")
	e.mustAccount(t, u, "777")

	t.Run("ByID", func(t *testing.T) {
		got, err := e.repo.Users.ByID(ctx, u.ID)
		require.NoError(t, err)
		assert.Equal(t, *u, *got)
		_, err = e.repo.Users.ByID(ctx, u.ID+1000)
		assert.ErrorIs(t, err, repository.ErrNotFound)
		_, err = e.repo.Users.ByID(ctx, 0)
		assert.ErrorIs(t, err, repository.ErrInvalidInput)
	})
	t.Run("ByEmailIsCaseSensitive", func(t *testing.T) {
		got, err := e.repo.Users.ByEmail(ctx, "Bob@example.com")
		require.NoError(t, err)
		assert.Equal(t, u.ID, got.ID)
		_, err = e.repo.Users.ByEmail(ctx, "bob@example.com")
		assert.ErrorIs(t, err, repository.ErrNotFound)
		for name, bad := range badStrings {
			_, err = e.repo.Users.ByEmail(ctx, bad)
			assert.ErrorIs(t, err, repository.ErrInvalidInput, name)
		}
	})
	t.Run("ByAccount", func(t *testing.T) {
		got, err := e.repo.Users.ByAccount(ctx, repository.AccountKey{ProviderID: "github", ProviderAccountID: "777"})
		require.NoError(t, err)
		assert.Equal(t, u.ID, got.ID)
		_, err = e.repo.Users.ByAccount(ctx, repository.AccountKey{ProviderID: "google", ProviderAccountID: "777"})
		assert.ErrorIs(t, err, repository.ErrNotFound)
		_, err = e.repo.Users.ByAccount(ctx, repository.AccountKey{ProviderID: "github"})
		assert.ErrorIs(t, err, repository.ErrInvalidInput)
	})
}

func TestUsersUpdate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	u := e.mustUser(t, "a@example.com")
	other := e.mustUser(t, "b@example.com")

	t.Run("OK", func(t *testing.T) {
		e.clock.Advance(time.Hour)
		upd := *u
		upd.Name = ptr("Renamed")
		upd.EmailVerified = ptr(e.clock.Now())
		upd.Image = nil
		require.NoError(t, e.repo.Users.Update(ctx, &upd))
		assert.Equal(t, e.clock.Now(), upd.Updated)
		got, err := e.repo.Users.ByID(ctx, u.ID)
		require.NoError(t, err)
		assert.Equal(t, upd, *got)
		assert.Equal(t, u.Created, got.Created, "created is never rewritten")
	})
	t.Run("ErrAlreadyExists", func(t *testing.T) {
		upd := *u
		upd.Email = other.Email
		assert.ErrorIs(t, e.repo.Users.Update(ctx, &upd), repository.ErrAlreadyExists)
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		assert.ErrorIs(t, e.repo.Users.Update(ctx, &models.User{ID: 99999}), repository.ErrNotFound)
	})
	t.Run("ErrInvalidInput", func(t *testing.T) {
		assert.ErrorIs(t, e.repo.Users.Update(ctx, &models.User{}), repository.ErrInvalidInput)
		assert.ErrorIs(t, e.repo.Users.Update(ctx, &models.User{ID: u.ID, Name: ptr(strings.Repeat("n", repository.MaxNameLen+1))}), repository.ErrInvalidInput)
		got, err := e.repo.Users.ByID(ctx, u.ID)
		require.NoError(t, err)
		assert.Equal(t, "Renamed", *got.Name)
	})
}

func TestUsersDelete(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	u := e.mustUser(t, "a@example.com")
	other := e.mustUser(t, "b@example.com")
	e.mustAccount(t, u, "1")
	e.mustSession(t, u)
	e.mustAccount(t, other, "2")
	keep := e.mustSession(t, other)

	e.tracer.Reset()
	require.NoError(t, e.repo.Users.Delete(ctx, u.ID))
	stmts := e.tracer.Statements()
	if assert.Len(t, stmts, 4, "%q", stmts) {
		assert.Equal(t, "begin", stmts[0])
		assert.Contains(t, stmts[1], "FOR UPDATE", "the user's row is locked before anything is deleted")
		assert.Equal(t, "commit", stmts[3])
	}
	assert.Equal(t, map[string]int64{"users": 1, "accounts": 1, "sessions": 1, "verification_requests": 0}, e.counts(t))
	_, err := e.repo.Sessions.ByToken(ctx, keep.SessionToken)
	assert.NoError(t, err)

	t.Run("ErrNotFound", func(t *testing.T) {
		// An orphan account of an unknown user id is left alone.
		require.NoError(t, e.db.Exec(`INSERT INTO accounts (compound_id, user_id, provider_type, provider_id, provider_account_id) VALUES ('x', 4242, 'oauth', 'p', 'x')`).Error)
		before := e.counts(t)
		assert.ErrorIs(t, e.repo.Users.Delete(ctx, 4242), repository.ErrNotFound)
		assert.Equal(t, before, e.counts(t))
		assert.ErrorIs(t, e.repo.Users.Delete(ctx, -1), repository.ErrInvalidInput)
	})
}
