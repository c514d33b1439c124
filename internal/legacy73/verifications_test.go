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

func TestVerificationsCreate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)

	t.Run("StoresOnlyTheHash", func(t *testing.T) {
		tok := repository.SignInToken{Identifier: "Alice@Example.COM", Token: "a1b2c3", Secret: "s3cret"}
		row, err := e.repo.Verifications.Create(ctx, tok, 0)
		require.NoError(t, err)
		assert.Equal(t, "alice@example.com", row.Identifier, "lower-cased as NextAuth.js does")
		assert.Equal(t, "d491d5d9d73fef6b6b704383009989555ff183b34d775857f1d2d3b061143791", row.Token)
		assert.Equal(t, start.Add(repository.DefaultVerificationMaxAge), row.Expires)
		var n int64
		require.NoError(t, e.db.Raw("SELECT count(*) FROM verification_requests WHERE token = 'a1b2c3' OR token LIKE '%s3cret%'").Scan(&n).Error)
		assert.Zero(t, n, "neither the plain token nor the secret is stored")
	})
	t.Run("MaxAge", func(t *testing.T) {
		row, err := e.repo.Verifications.Create(ctx, repository.SignInToken{Identifier: "b@example.com", Token: "t2", Secret: "s"}, 10*time.Minute)
		require.NoError(t, err)
		assert.Equal(t, start.Add(10*time.Minute), row.Expires)
	})
	t.Run("ErrAlreadyExists", func(t *testing.T) {
		_, err := e.repo.Verifications.Create(ctx, repository.SignInToken{Identifier: "c@example.com", Token: "a1b2c3", Secret: "s3cret"}, 0)
		assert.ErrorIs(t, err, repository.ErrAlreadyExists)
	})
	t.Run("ErrInvalidInput", func(t *testing.T) {
		before := e.count(t, "verification_requests")
		valid := repository.SignInToken{Identifier: "d@example.com", Token: "t", Secret: "s"}
		for name, bad := range badStrings {
			for _, mutate := range []func(*repository.SignInToken){
				func(s *repository.SignInToken) { s.Identifier = bad },
				func(s *repository.SignInToken) { s.Token = bad },
			} {
				tok := valid
				mutate(&tok)
				_, err := e.repo.Verifications.Create(ctx, tok, 0)
				assert.ErrorIs(t, err, repository.ErrInvalidInput, name)
			}
		}
		_, err := e.repo.Verifications.Create(ctx, valid, -time.Second)
		assert.ErrorIs(t, err, repository.ErrInvalidInput)
		assert.Equal(t, before, e.count(t, "verification_requests"))
	})
}

// TestIdentifierLengthAfterLowerCasing: MaxEmailLen holds for the address
// as stored, lower-cased, not as given.
func TestIdentifierLengthAfterLowerCasing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	// 1 405 bytes given, 2 105 once lower-cased ("İ" is 2 bytes, "i̇" 3).
	longer := strings.Repeat("İ", 700) + "@x.io"
	require.Len(t, longer, 1405)
	require.Len(t, repository.LowerEmail(longer), 2105)
	require.Greater(t, 2105, repository.MaxEmailLen)
	// 2 105 bytes given, 705 once lower-cased (the Kelvin sign is 3 bytes, "k" 1).
	shorter := strings.Repeat("\u212a", 700) + "@x.io"
	require.Len(t, shorter, 2105)
	require.Len(t, repository.LowerEmail(shorter), 705)

	before := e.counts(t)
	tok := repository.SignInToken{Identifier: longer, Token: "long", Secret: "s"}
	_, err := e.repo.Verifications.Create(ctx, tok, 0)
	assert.ErrorIs(t, err, repository.ErrInvalidInput)
	assert.ErrorContains(t, err, "identifier is 2105 bytes lower-cased, more than the 2048 allowed")
	_, err = e.repo.SignInEmail(ctx, tok)
	assert.ErrorIs(t, err, repository.ErrInvalidInput)
	_, err = e.repo.SignInOAuth(ctx, repository.OAuthSignIn{Account: repository.AccountKey{ProviderID: "github", ProviderAccountID: "long"}, Email: &longer})
	assert.ErrorIs(t, err, repository.ErrInvalidInput)
	assert.ErrorContains(t, err, "email is 2105 bytes lower-cased")
	assert.Equal(t, before, e.counts(t), "nothing written")

	tok = repository.SignInToken{Identifier: shorter, Token: "short", Secret: "s"}
	_, err = e.repo.Verifications.Create(ctx, tok, 0)
	require.NoError(t, err)
	res, err := e.repo.SignInEmail(ctx, tok)
	require.NoError(t, err)
	assert.Equal(t, strings.Repeat("k", 700)+"@x.io", *res.User.Email)
	// What was stored can be looked up and written back: the limit held.
	got, err := e.repo.Users.ByEmail(ctx, *res.User.Email)
	require.NoError(t, err)
	require.NoError(t, e.repo.Users.Update(ctx, got))
	oauth, err := e.repo.SignInOAuth(ctx, repository.OAuthSignIn{Account: repository.AccountKey{ProviderID: "github", ProviderAccountID: "short"},
		Email: ptr(strings.Repeat("\u212a", 700) + "@y.io")})
	require.NoError(t, err)
	assert.Equal(t, strings.Repeat("k", 700)+"@y.io", *oauth.User.Email)
}

func TestVerificationsFindAndUse(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	tok := repository.SignInToken{Identifier: "a@example.com", Token: "tok-1", Secret: "s3cret"}
	_, err := e.repo.Verifications.Create(ctx, tok, time.Hour)
	require.NoError(t, err)

	t.Run("Find", func(t *testing.T) {
		row, err := e.repo.Verifications.Find(ctx, repository.SignInToken{Identifier: "A@example.com", Token: "tok-1", Secret: "s3cret"})
		require.NoError(t, err)
		assert.Equal(t, models.HashToken("tok-1", "s3cret"), row.Token)
		for name, wrong := range map[string]repository.SignInToken{
			"secret":     {Identifier: "a@example.com", Token: "tok-1", Secret: "other"},
			"token":      {Identifier: "a@example.com", Token: "tok-2", Secret: "s3cret"},
			"identifier": {Identifier: "b@example.com", Token: "tok-1", Secret: "s3cret"},
		} {
			_, err := e.repo.Verifications.Find(ctx, wrong)
			assert.ErrorIs(t, err, repository.ErrNotFound, name)
		}
	})
	t.Run("UseOnce", func(t *testing.T) {
		e.tracer.Reset()
		row, err := e.repo.Verifications.Use(ctx, tok)
		require.NoError(t, err)
		assert.Len(t, e.tracer.Statements(), 1, "one DELETE … RETURNING")
		assert.Equal(t, "a@example.com", row.Identifier)
		_, err = e.repo.Verifications.Use(ctx, tok)
		assert.ErrorIs(t, err, repository.ErrNotFound)
		_, err = e.repo.Verifications.Find(ctx, tok)
		assert.ErrorIs(t, err, repository.ErrNotFound)
	})
	t.Run("Expired", func(t *testing.T) {
		exp := repository.SignInToken{Identifier: "a@example.com", Token: "tok-exp", Secret: "s3cret"}
		_, err := e.repo.Verifications.Create(ctx, exp, time.Minute)
		require.NoError(t, err)
		e.clock.Advance(time.Minute) // now == expires: still valid
		_, err = e.repo.Verifications.Find(ctx, exp)
		require.NoError(t, err)
		e.clock.Advance(time.Microsecond)
		_, err = e.repo.Verifications.Find(ctx, exp)
		assert.ErrorIs(t, err, repository.ErrNotFound)
		_, err = e.repo.Verifications.Use(ctx, exp)
		assert.ErrorIs(t, err, repository.ErrNotFound)
		var n int64
		require.NoError(t, e.db.Raw("SELECT count(*) FROM verification_requests WHERE token = ?", models.HashToken("tok-exp", "s3cret")).Scan(&n).Error)
		assert.Zero(t, n, "an expired token is deleted when someone tries it")
	})
}

func TestVerificationsUseConcurrent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	tok := repository.SignInToken{Identifier: "a@example.com", Token: "race", Secret: "s"}
	_, err := e.repo.Verifications.Create(ctx, tok, 0)
	require.NoError(t, err)
	const n = 50
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = e.repo.Verifications.Use(ctx, tok)
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
		} else {
			assert.ErrorIs(t, err, repository.ErrNotFound)
		}
	}
	assert.Equal(t, 1, ok, "exactly one redeem succeeds")
}

func TestVerificationsDelete(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	live := repository.SignInToken{Identifier: "a@example.com", Token: "live", Secret: "s"}
	_, err := e.repo.Verifications.Create(ctx, live, 2*time.Hour)
	require.NoError(t, err)
	for i := range 7 {
		_, err := e.repo.Verifications.Create(ctx, repository.SignInToken{Identifier: "b@example.com", Token: string(rune('a' + i)), Secret: "s"}, time.Hour)
		require.NoError(t, err)
	}
	gone := repository.SignInToken{Identifier: "c@example.com", Token: "gone", Secret: "s"}
	_, err = e.repo.Verifications.Create(ctx, gone, 2*time.Hour)
	require.NoError(t, err)

	require.NoError(t, e.repo.Verifications.Delete(ctx, gone))
	assert.ErrorIs(t, e.repo.Verifications.Delete(ctx, gone), repository.ErrNotFound)

	e.clock.Advance(time.Hour + time.Second)
	n, err := e.repo.Verifications.DeleteExpired(ctx, 3)
	require.NoError(t, err)
	assert.EqualValues(t, 7, n)
	assert.EqualValues(t, 1, e.count(t, "verification_requests"))
	_, err = e.repo.Verifications.Find(ctx, live)
	assert.NoError(t, err)
}
