package repository_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth/internal/legacy73"
	"github.com/gormauth/gormauth/models"
)

func TestAccountsLink(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	u := e.mustUser(t, "a@example.com")

	t.Run("OK", func(t *testing.T) {
		exp := time.Date(2030, 1, 1, 9, 0, 0, 0, time.FixedZone("JST", 9*3600))
		a := &models.Account{UserID: u.ID, ProviderType: "oauth", ProviderID: "github", ProviderAccountID: "12345",
			AccessToken: ptr("gho_a"), RefreshToken: ptr("gho_r"), AccessTokenExpires: &exp}
		e.tracer.Reset()
		require.NoError(t, e.repo.Accounts.Link(ctx, a))
		assert.Len(t, e.tracer.Statements(), 1)
		assert.NotZero(t, a.ID)
		assert.Equal(t, "2db75fb4d7a8e3005aca09c643b4e6f40142ddcfc18c675509988c1b111d0dcf", a.CompoundID)
		var raw string
		require.NoError(t, e.db.Raw("SELECT access_token_expires::text FROM accounts WHERE id = ?", a.ID).Scan(&raw).Error)
		assert.Equal(t, "2030-01-01 00:00:00", raw, "stored as the UTC wall clock")
		got, err := e.repo.Accounts.ByKey(ctx, repository.AccountKey{ProviderID: "github", ProviderAccountID: "12345"})
		require.NoError(t, err)
		assert.Equal(t, *a, *got)
	})
	t.Run("ErrAlreadyExists", func(t *testing.T) {
		other := e.mustUser(t, "b@example.com")
		a := &models.Account{UserID: other.ID, ProviderType: "oauth", ProviderID: "github", ProviderAccountID: "12345"}
		err := e.repo.Accounts.Link(ctx, a)
		assert.ErrorIs(t, err, repository.ErrAlreadyExists)
		assert.Zero(t, a.ID)
	})
	t.Run("UnknownUser", func(t *testing.T) {
		before := e.count(t, "accounts")
		a := &models.Account{UserID: 9999, ProviderType: "oauth", ProviderID: "github", ProviderAccountID: "x"}
		assert.ErrorIs(t, e.repo.Accounts.Link(ctx, a), repository.ErrNotFound)
		assert.Equal(t, before, e.count(t, "accounts"))
	})
	t.Run("ErrInvalidInput", func(t *testing.T) {
		before := e.count(t, "accounts")
		valid := models.Account{UserID: u.ID, ProviderType: "oauth", ProviderID: "google", ProviderAccountID: "9"}
		for name, bad := range badStrings {
			for _, mutate := range []func(a *models.Account){
				func(a *models.Account) { a.ProviderID = bad },
				func(a *models.Account) { a.ProviderAccountID = bad },
				func(a *models.Account) { a.ProviderType = bad },
			} {
				a := valid
				mutate(&a)
				assert.ErrorIs(t, e.repo.Accounts.Link(ctx, &a), repository.ErrInvalidInput, name)
			}
			if bad != "" {
				a := valid
				a.AccessToken = ptr(bad)
				assert.ErrorIs(t, e.repo.Accounts.Link(ctx, &a), repository.ErrInvalidInput, name)
			}
		}
		a := valid
		a.UserID = 0
		assert.ErrorIs(t, e.repo.Accounts.Link(ctx, &a), repository.ErrInvalidInput)
		assert.ErrorIs(t, e.repo.Accounts.Link(ctx, nil), repository.ErrInvalidInput)
		assert.Equal(t, before, e.count(t, "accounts"))
	})
}

func TestAccountsLinkConcurrent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	u := e.mustUser(t, "a@example.com")
	const n = 50
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = e.repo.Accounts.Link(ctx, &models.Account{UserID: u.ID, ProviderType: "oauth", ProviderID: "github", ProviderAccountID: "42"})
		}()
	}
	wg.Wait()
	ok, exists := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case assert.ErrorIs(t, err, repository.ErrAlreadyExists):
			exists++
		}
	}
	assert.Equal(t, 1, ok)
	assert.Equal(t, n-1, exists)
	assert.EqualValues(t, 1, e.count(t, "accounts"))
}

func TestAccountsLookupsAndUnlink(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	u := e.mustUser(t, "a@example.com")
	gh := e.mustAccount(t, u, "1")
	g := &models.Account{UserID: u.ID, ProviderType: "oauth", ProviderID: "google", ProviderAccountID: "2"}
	require.NoError(t, e.repo.Accounts.Link(ctx, g))
	key := repository.AccountKey{ProviderID: "github", ProviderAccountID: "1"}

	t.Run("ByCompoundID", func(t *testing.T) {
		got, err := e.repo.Accounts.ByCompoundID(ctx, key.CompoundID())
		require.NoError(t, err)
		assert.Equal(t, gh.ID, got.ID)
		_, err = e.repo.Accounts.ByCompoundID(ctx, models.CompoundID("github", "nope"))
		assert.ErrorIs(t, err, repository.ErrNotFound)
		_, err = e.repo.Accounts.ByCompoundID(ctx, "")
		assert.ErrorIs(t, err, repository.ErrInvalidInput)
	})
	t.Run("ListByUser", func(t *testing.T) {
		list, err := e.repo.Accounts.ListByUser(ctx, u.ID)
		require.NoError(t, err)
		require.Len(t, list, 2)
		assert.Equal(t, []int32{gh.ID, g.ID}, []int32{list[0].ID, list[1].ID})
		list, err = e.repo.Accounts.ListByUser(ctx, u.ID+100)
		require.NoError(t, err)
		assert.Empty(t, list)
		assert.NotNil(t, list)
	})
	t.Run("Unlink", func(t *testing.T) {
		require.NoError(t, e.repo.Accounts.Unlink(ctx, key))
		_, err := e.repo.Accounts.ByKey(ctx, key)
		assert.ErrorIs(t, err, repository.ErrNotFound)
		assert.ErrorIs(t, e.repo.Accounts.Unlink(ctx, key), repository.ErrNotFound)
		_, err = e.repo.Accounts.ByKey(ctx, repository.AccountKey{ProviderID: "google", ProviderAccountID: "2"})
		assert.NoError(t, err, "the other account stays")
	})
}

func TestAccountsUpdateTokens(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	u := e.mustUser(t, "a@example.com")
	a := &models.Account{UserID: u.ID, ProviderType: "oauth", ProviderID: "github", ProviderAccountID: "1",
		AccessToken: ptr("old-access"), RefreshToken: ptr("old-refresh")}
	require.NoError(t, e.repo.Accounts.Link(ctx, a))
	key := repository.AccountKey{ProviderID: "github", ProviderAccountID: "1"}

	e.clock.Advance(time.Hour)
	exp := e.clock.Now().Add(time.Hour)
	got, err := e.repo.Accounts.UpdateTokens(ctx, key, repository.Tokens{AccessToken: "new-access", AccessTokenExpires: &exp})
	require.NoError(t, err)
	assert.Equal(t, "new-access", *got.AccessToken)
	assert.Equal(t, "old-refresh", *got.RefreshToken, "a nil refresh token keeps the stored one")
	assert.Equal(t, exp, *got.AccessTokenExpires)
	assert.Equal(t, e.clock.Now(), got.Updated)
	assert.Equal(t, a.Created, got.Created)

	got, err = e.repo.Accounts.UpdateTokens(ctx, key, repository.Tokens{AccessToken: "newer", RefreshToken: ptr("new-refresh")})
	require.NoError(t, err)
	assert.Equal(t, "new-refresh", *got.RefreshToken)
	assert.Nil(t, got.AccessTokenExpires)

	_, err = e.repo.Accounts.UpdateTokens(ctx, repository.AccountKey{ProviderID: "github", ProviderAccountID: "2"}, repository.Tokens{AccessToken: "x"})
	assert.ErrorIs(t, err, repository.ErrNotFound)
	_, err = e.repo.Accounts.UpdateTokens(ctx, key, repository.Tokens{})
	assert.ErrorIs(t, err, repository.ErrInvalidInput)
	_, err = e.repo.Accounts.UpdateTokens(ctx, key, repository.Tokens{AccessToken: "a\x00"})
	assert.ErrorIs(t, err, repository.ErrInvalidInput)
	stored, err := e.repo.Accounts.ByKey(ctx, key)
	require.NoError(t, err)
	assert.Equal(t, "newer", *stored.AccessToken, "rejected input wrote nothing")
}
