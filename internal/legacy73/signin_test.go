package repository_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth/internal/legacy73"
)

func githubSignIn(id string, email *string) repository.OAuthSignIn {
	return repository.OAuthSignIn{
		Account:     repository.AccountKey{ProviderID: "github", ProviderAccountID: id},
		AccessToken: ptr("gho_" + id),
		Name:        ptr("Octo " + id),
		Email:       email,
		Image:       ptr("https://avatars/" + id),
	}
}

func TestSignInOAuth(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)

	var first *repository.SignInResult
	t.Run("NewUser", func(t *testing.T) {
		res, err := e.repo.SignInOAuth(ctx, githubSignIn("1", ptr("Octo@example.com")))
		require.NoError(t, err)
		first = res
		assert.True(t, res.IsNewUser)
		assert.Equal(t, "octo@example.com", *res.User.Email, "lower-cased, as NextAuth.js does")
		assert.Nil(t, res.User.EmailVerified, "an OAuth email is not verified")
		assert.Equal(t, res.User.ID, res.Session.UserID)
		acc, err := e.repo.Accounts.ByKey(ctx, repository.AccountKey{ProviderID: "github", ProviderAccountID: "1"})
		require.NoError(t, err)
		assert.Equal(t, res.User.ID, acc.UserID)
		assert.Equal(t, "oauth", acc.ProviderType)
		assert.Equal(t, "gho_1", *acc.AccessToken)
		got, err := e.repo.Sessions.WithUser(ctx, res.Session.SessionToken)
		require.NoError(t, err)
		assert.Equal(t, *res.User, *got.User)
	})
	t.Run("ReturningUser", func(t *testing.T) {
		e.tracer.Reset()
		res, err := e.repo.SignInOAuth(ctx, githubSignIn("1", ptr("changed@example.com")))
		require.NoError(t, err)
		assert.False(t, res.IsNewUser)
		assert.Equal(t, first.User.ID, res.User.ID)
		assert.Equal(t, "octo@example.com", *res.User.Email, "the profile does not overwrite the user")
		assert.NotEqual(t, first.Session.SessionToken, res.Session.SessionToken)
		assert.Len(t, e.tracer.Statements(), 1, "a returning user costs one statement and no transaction: %q", e.tracer.Statements())
	})
	t.Run("EmailOfAnotherUser", func(t *testing.T) {
		before := e.counts(t)
		for _, email := range []string{"octo@example.com", "Octo@example.com", "OCTO@EXAMPLE.COM"} {
			_, err := e.repo.SignInOAuth(ctx, repository.OAuthSignIn{
				Account: repository.AccountKey{ProviderID: "google", ProviderAccountID: "g1"},
				Email:   ptr(email),
			})
			assert.ErrorIs(t, err, repository.ErrAccountNotLinked, email)
		}
		assert.Equal(t, before, e.counts(t), "nothing is written")
	})
	t.Run("EmailLowerCasedAsJavaScript", func(t *testing.T) {
		// İ lower-cases to i + U+0307 in JavaScript (strings.ToLower: "i̇"
		// too, but a final Σ only in JavaScript).
		res, err := e.repo.SignInOAuth(ctx, githubSignIn("sigma", ptr("İΟΔΟΣ@Example.gr")))
		require.NoError(t, err)
		assert.Equal(t, "i\u0307οδος@example.gr", *res.User.Email)
		// A user stored with capitals (Users.Create keeps what it is given)
		// is not the user of a profile with that email: lookups are exact,
		// as NextAuth.js's getUserByEmail is.
		mixed := e.mustUser(t, "Mixed@Example.com")
		res, err = e.repo.SignInOAuth(ctx, githubSignIn("mixed", ptr("Mixed@Example.com")))
		require.NoError(t, err)
		assert.NotEqual(t, mixed.ID, res.User.ID)
		assert.Equal(t, "mixed@example.com", *res.User.Email)
	})
	t.Run("NoEmail", func(t *testing.T) {
		a, err := e.repo.SignInOAuth(ctx, githubSignIn("2", nil))
		require.NoError(t, err)
		b, err := e.repo.SignInOAuth(ctx, githubSignIn("3", ptr("")))
		require.NoError(t, err, "an empty email counts as none, as in NextAuth.js")
		assert.Nil(t, b.User.Email)
		c, err := e.repo.SignInOAuth(ctx, githubSignIn("4", ptr("")))
		require.NoError(t, err)
		assert.NotEqual(t, a.User.ID, b.User.ID)
		assert.NotEqual(t, b.User.ID, c.User.ID)
	})
	t.Run("ErrInvalidInput", func(t *testing.T) {
		before := e.counts(t)
		for name, bad := range badStrings {
			_, err := e.repo.SignInOAuth(ctx, githubSignIn(bad, nil))
			assert.ErrorIs(t, err, repository.ErrInvalidInput, name)
			if bad != "" {
				_, err = e.repo.SignInOAuth(ctx, githubSignIn("9", ptr(bad)))
				assert.ErrorIs(t, err, repository.ErrInvalidInput, name)
			}
		}
		assert.Equal(t, before, e.counts(t))
	})
	t.Run("FailureWritesNothing", func(t *testing.T) {
		// A session insert that fails (here: a trigger) rolls back the new
		// user and account.
		require.NoError(t, e.db.Exec(`CREATE FUNCTION fail() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RAISE EXCEPTION 'boom'; END$$;
			CREATE TRIGGER fail BEFORE INSERT ON sessions FOR EACH ROW EXECUTE FUNCTION fail()`).Error)
		defer e.db.Exec(`DROP TRIGGER fail ON sessions`)
		before := e.counts(t)
		_, err := e.repo.SignInOAuth(ctx, githubSignIn("77", ptr("new@example.com")))
		require.Error(t, err)
		assert.Equal(t, before, e.counts(t))
	})
}

func TestSignInOAuthConcurrent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	const n = 20
	results := make([]*repository.SignInResult, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = e.repo.SignInOAuth(ctx, githubSignIn("race", ptr("race@example.com")))
		}()
	}
	wg.Wait()
	newUsers := 0
	for i := range n {
		if assert.NoError(t, errs[i]) {
			if results[i].IsNewUser {
				newUsers++
			}
			assert.Equal(t, results[0].User.ID, results[i].User.ID)
		}
	}
	assert.Equal(t, 1, newUsers)
	assert.Equal(t, map[string]int64{"users": 1, "accounts": 1, "sessions": n, "verification_requests": 0}, e.counts(t))
}

func TestSignInEmail(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	newToken := func(email string) repository.SignInToken {
		tok, err := repository.NewToken()
		require.NoError(t, err)
		st := repository.SignInToken{Identifier: email, Token: tok, Secret: "s3cret"}
		_, err = e.repo.Verifications.Create(ctx, st, time.Hour)
		require.NoError(t, err)
		return st
	}

	t.Run("NewUser", func(t *testing.T) {
		st := newToken("New@Example.com")
		e.clock.Advance(time.Minute)
		res, err := e.repo.SignInEmail(ctx, st)
		require.NoError(t, err)
		assert.True(t, res.IsNewUser)
		assert.Equal(t, "new@example.com", *res.User.Email)
		require.NotNil(t, res.User.EmailVerified)
		assert.Equal(t, e.clock.Now(), *res.User.EmailVerified)
		assert.Equal(t, e.clock.Now(), res.User.Created)
		got, err := e.repo.Sessions.WithUser(ctx, res.Session.SessionToken)
		require.NoError(t, err)
		assert.Equal(t, *res.User, *got.User)

		_, err = e.repo.SignInEmail(ctx, st)
		assert.ErrorIs(t, err, repository.ErrNotFound, "a link works once")
	})
	t.Run("ExistingUser", func(t *testing.T) {
		u := e.mustUser(t, "old@example.com")
		st := newToken("old@example.com")
		e.clock.Advance(time.Minute)
		res, err := e.repo.SignInEmail(ctx, st)
		require.NoError(t, err)
		assert.False(t, res.IsNewUser)
		assert.Equal(t, u.ID, res.User.ID)
		assert.Equal(t, u.Name, res.User.Name, "the rest of the user is kept")
		assert.Equal(t, u.Created, res.User.Created)
		assert.Equal(t, e.clock.Now(), *res.User.EmailVerified)
		assert.Equal(t, e.clock.Now(), res.User.Updated)
	})
	t.Run("Expired", func(t *testing.T) {
		st := newToken("late@example.com")
		e.clock.Advance(time.Hour + time.Second)
		before := e.counts(t)
		_, err := e.repo.SignInEmail(ctx, st)
		assert.ErrorIs(t, err, repository.ErrNotFound)
		after := e.counts(t)
		assert.Equal(t, before["users"], after["users"])
		assert.Equal(t, before["sessions"], after["sessions"])
		assert.Equal(t, before["verification_requests"]-1, after["verification_requests"], "the expired token is deleted")
	})
	t.Run("WrongSecret", func(t *testing.T) {
		st := newToken("w@example.com")
		st.Secret = "other"
		_, err := e.repo.SignInEmail(ctx, st)
		assert.ErrorIs(t, err, repository.ErrNotFound)
	})
	t.Run("FailureKeepsToken", func(t *testing.T) {
		st := newToken("keep@example.com")
		require.NoError(t, e.db.Exec(`CREATE FUNCTION fail2() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RAISE EXCEPTION 'boom'; END$$;
			CREATE TRIGGER fail2 BEFORE INSERT ON sessions FOR EACH ROW EXECUTE FUNCTION fail2()`).Error)
		before := e.counts(t)
		_, err := e.repo.SignInEmail(ctx, st)
		require.Error(t, err)
		assert.Equal(t, before, e.counts(t), "no user, no session, and the token is still there")
		require.NoError(t, e.db.Exec(`DROP TRIGGER fail2 ON sessions`).Error)
		_, err = e.repo.SignInEmail(ctx, st)
		assert.NoError(t, err, "the link still works after the failure")
	})
}

func TestSignInEmailConcurrentSameAddress(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	const n = 10
	toks := make([]repository.SignInToken, n)
	for i := range toks {
		tok, err := repository.NewToken()
		require.NoError(t, err)
		toks[i] = repository.SignInToken{Identifier: "same@example.com", Token: tok, Secret: "s"}
		_, err = e.repo.Verifications.Create(ctx, toks[i], 0)
		require.NoError(t, err)
	}
	results := make([]*repository.SignInResult, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = e.repo.SignInEmail(ctx, toks[i])
		}()
	}
	wg.Wait()
	// The first to redeem its link ends the others (they are refused, and
	// nothing fails otherwise) and creates the one user.
	newUsers := 0
	for i := range n {
		if errs[i] != nil {
			assert.ErrorIs(t, errs[i], repository.ErrNotFound)
		} else if results[i].IsNewUser {
			newUsers++
		}
	}
	assert.Equal(t, 1, newUsers)
	assert.EqualValues(t, 1, e.count(t, "users"))
	assert.EqualValues(t, 1, e.count(t, "sessions"))
	assert.Zero(t, e.count(t, "verification_requests"))
}
