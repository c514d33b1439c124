package repository_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth/repository"
)

func TestAccountsLink(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachFlavour(t, func(t *testing.T, e *env) {
		u := e.mustUser(t, "alice@example.com")
		a := &repository.Account{UserID: u.ID, Provider: "github", ProviderAccountID: "42",
			RefreshToken: ptr("ghr_1"), AccessToken: ptr("gho_1"), ExpiresAt: ptr(int64(2147483647)), IDToken: ptr("eyJ.id"),
			Scope: ptr("read:user"), SessionState: ptr("st"), TokenType: ptr("Bearer")}
		e.tracer.Reset()
		require.NoError(t, e.repo.Accounts.Link(ctx, a))
		if e.f.AccountKey() {
			assert.Len(t, e.tracer.Statements(), 1, "one statement where a key keeps provider accounts unique")
		}
		_, accountIDs, _ := e.f.IDs()
		checkID(t, accountIDs, a.ID)
		assert.Equal(t, "oauth", a.Type, "the default type")
		switch _, accounts, _, _ := e.f.Tables(); {
		case !e.f.Has(accounts, "token_type"):
			assert.Nil(t, a.TokenType, "beta.73 keeps no token type, ID token, scope or session state")
			assert.Nil(t, a.IDToken)
		case e.f.V4():
			assert.Equal(t, "Bearer", *a.TokenType, "NextAuth.js v4 stores the token type as the provider sent it")
		default:
			assert.Equal(t, "bearer", *a.TokenType, "Auth.js v5 gets it lower-cased from oauth4webapi")
		}
		if _, accounts, _, _ := e.f.Tables(); e.f.Has(accounts, "token_type") {
			assert.Equal(t, a.TokenType, e.column(t, e.accounts, `"token_type"`, `"providerAccountId" = '42'`))
		}
		got, err := e.repo.Accounts.ByKey(ctx, repository.AccountKey{Provider: "github", ProviderAccountID: "42"})
		require.NoError(t, err)
		assert.Equal(t, a, got)
		if e.f.ClockColumns() {
			assert.Equal(t, start, *got.CreatedAt)
		}

		// Linked already, to this user or another: on every flavour, with a
		// key on (provider, providerAccountId) or without.
		other := e.mustUser(t, "bob@example.com")
		for _, id := range []string{u.ID, other.ID} {
			dup := &repository.Account{UserID: id, Provider: "github", ProviderAccountID: "42"}
			assert.ErrorIs(t, e.repo.Accounts.Link(ctx, dup), repository.ErrAlreadyExists)
			assert.Empty(t, dup.ID, "a failed link leaves the argument alone")
		}
		assert.Equal(t, int64(1), e.count(t, e.accounts, ""))

		// The largest expires_at the column and a JavaScript Date hold
		// (int4: 2038-01-19; int8: +275760-09-13), and one past it.
		max := min(e.f.MaxExpiresAt(), 8.64e12)
		require.NoError(t, e.repo.Accounts.Link(ctx, &repository.Account{UserID: u.ID, Provider: "google", ProviderAccountID: "1", ExpiresAt: &max}))
		{
			over := max + 1
			err = e.repo.Accounts.Link(ctx, &repository.Account{UserID: u.ID, Provider: "google", ProviderAccountID: "2", ExpiresAt: &over})
			assert.ErrorIs(t, err, repository.ErrInvalidInput)
			assert.Equal(t, int64(2), e.count(t, e.accounts, ""))
		}

		// Invalid input: nothing sent.
		e.tracer.Reset()
		assert.ErrorIs(t, e.repo.Accounts.Link(ctx, nil), repository.ErrInvalidInput)
		for _, bad := range []string{"a\x00b", "a\xffb", strings.Repeat("a", repository.MaxProviderFieldLen+1)} {
			err := e.repo.Accounts.Link(ctx, &repository.Account{UserID: u.ID, Type: bad, Provider: "gitlab", ProviderAccountID: "7"})
			assert.ErrorIs(t, err, repository.ErrInvalidInput, "type %q", bad)
		}
		assert.Empty(t, e.tracer.Statements())

		// An unknown user.
		require.NoError(t, e.repo.Users.Delete(ctx, other.ID))
		err = e.repo.Accounts.Link(ctx, &repository.Account{UserID: other.ID, Provider: "gitlab", ProviderAccountID: "9"})
		assert.ErrorIs(t, err, repository.ErrNotFound)
		assert.Equal(t, int64(2), e.count(t, e.accounts, ""))
	})
}

// Concurrent links of one provider account, to one user or to several:
// exactly one succeeds on every flavour, also where the table has no key.
func TestAccountsLinkConcurrent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachFlavour(t, func(t *testing.T, e *env) {
		users := []*repository.User{e.mustUser(t, "a@example.com"), e.mustUser(t, "b@example.com")}
		const n = 8
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = e.repo.Accounts.Link(ctx, &repository.Account{UserID: users[i%2].ID, Provider: "github", ProviderAccountID: "42"})
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
		assert.Equal(t, int64(1), e.count(t, e.accounts, ""))
	})
}

func TestAccountsListUnlinkAndTokens(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachFlavour(t, func(t *testing.T, e *env) {
		u := e.mustUser(t, "alice@example.com")
		e.mustAccount(t, u, "2")
		e.mustAccount(t, u, "1")
		list, err := e.repo.Accounts.ListByUser(ctx, u.ID)
		require.NoError(t, err)
		require.Len(t, list, 2)
		assert.Equal(t, "1", list[0].ProviderAccountID)
		assert.Equal(t, "2", list[1].ProviderAccountID)

		e.clock.Advance(time.Hour)
		key := repository.AccountKey{Provider: "github", ProviderAccountID: "1"}
		exp := start.Add(2 * time.Hour).Unix()
		a, err := e.repo.Accounts.UpdateTokens(ctx, key, repository.Tokens{AccessToken: "gho_new", ExpiresAt: &exp})
		require.NoError(t, err)
		assert.Equal(t, "gho_new", *a.AccessToken)
		assert.Equal(t, exp, *a.ExpiresAt)
		if _, accounts, _, _ := e.f.Tables(); e.f.Has(accounts, "scope") {
			assert.Equal(t, "read:user", *a.Scope, "the fields not given are kept")
		} else {
			assert.Nil(t, a.Scope, "beta.73 keeps no scope")
		}
		if e.f.ClockColumns() {
			assert.Equal(t, start.Add(time.Hour), *a.UpdatedAt)
		}
		_, err = e.repo.Accounts.UpdateTokens(ctx, repository.AccountKey{Provider: "github", ProviderAccountID: "3"}, repository.Tokens{AccessToken: "x"})
		assert.ErrorIs(t, err, repository.ErrNotFound)

		require.NoError(t, e.repo.Accounts.Unlink(ctx, key))
		_, err = e.repo.Accounts.ByKey(ctx, key)
		assert.ErrorIs(t, err, repository.ErrNotFound)
		assert.ErrorIs(t, e.repo.Accounts.Unlink(ctx, key), repository.ErrNotFound)
		list, err = e.repo.Accounts.ListByUser(ctx, u.ID)
		require.NoError(t, err)
		require.Len(t, list, 1)
		assert.Equal(t, "2", list[0].ProviderAccountID, "the other account stays")

		// A user without accounts, or no user: an empty list, not nil.
		for _, id := range []string{e.mustUser(t, "bob@example.com").ID, missingID(e.f)} {
			list, err = e.repo.Accounts.ListByUser(ctx, id)
			require.NoError(t, err)
			assert.NotNil(t, list)
			assert.Empty(t, list)
		}
	})
}

// UpdateTokens stores a provider's tokens after a refresh: a nil refresh
// or ID token keeps the stored one, a nil expiry stores NULL (unknown),
// the clock column follows and the creation is kept; an account not linked
// is ErrNotFound and nothing is written.
func TestAccountsUpdateTokens(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachFlavour(t, func(t *testing.T, e *env) {
		u := e.mustUser(t, "alice@example.com")
		a := &repository.Account{UserID: u.ID, Provider: "github", ProviderAccountID: "1",
			AccessToken: ptr("old-access"), RefreshToken: ptr("old-refresh"), IDToken: ptr("old-id")}
		require.NoError(t, e.repo.Accounts.Link(ctx, a))
		key := repository.AccountKey{Provider: "github", ProviderAccountID: "1"}
		_, accounts, _, _ := e.f.Tables()

		e.clock.Advance(time.Hour)
		exp := e.clock.Now().Add(time.Hour).Unix()
		got, err := e.repo.Accounts.UpdateTokens(ctx, key, repository.Tokens{AccessToken: "new-access", ExpiresAt: &exp})
		require.NoError(t, err)
		assert.Equal(t, "new-access", *got.AccessToken)
		assert.Equal(t, "old-refresh", *got.RefreshToken, "a nil refresh token keeps the stored one")
		if e.f.Has(accounts, "id_token") {
			assert.Equal(t, "old-id", *got.IDToken, "a nil ID token keeps the stored one")
		} else {
			assert.Nil(t, got.IDToken, "beta.73 keeps no ID token")
		}
		assert.Equal(t, exp, *got.ExpiresAt)
		if e.f.ClockColumns() {
			assert.Equal(t, e.clock.Now(), *got.UpdatedAt)
			assert.Equal(t, *a.CreatedAt, *got.CreatedAt, "the creation is never rewritten")
		}

		got, err = e.repo.Accounts.UpdateTokens(ctx, key, repository.Tokens{AccessToken: "newer", RefreshToken: ptr("new-refresh")})
		require.NoError(t, err)
		assert.Equal(t, "new-refresh", *got.RefreshToken)
		assert.Nil(t, got.ExpiresAt, "a nil expiry is unknown")
		stored, err := e.repo.Accounts.ByKey(ctx, key)
		require.NoError(t, err)
		assert.Equal(t, got, stored, "as stored")

		before := e.snapshot(t)
		_, err = e.repo.Accounts.UpdateTokens(ctx, repository.AccountKey{Provider: "github", ProviderAccountID: "2"}, repository.Tokens{AccessToken: "x"})
		assert.ErrorIs(t, err, repository.ErrNotFound)
		assert.Equal(t, before, e.snapshot(t), "nothing written")
	})
}
