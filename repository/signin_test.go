package repository_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth/repository"
)

// githubSignIn is an OAuth sign-in from GitHub account id with email.
func githubSignIn(id string, email *string) repository.OAuthSignIn {
	return repository.OAuthSignIn{
		Account: repository.Account{Provider: "github", ProviderAccountID: id, AccessToken: ptr("gho_" + id),
			TokenType: ptr("bearer"), Scope: ptr("read:user"), ExpiresAt: ptr(start.Add(8 * time.Hour).Unix())},
		Name: ptr("Alice"), Email: email, Image: ptr("https://avatars/1"),
	}
}

func TestSignInOAuthNewAndReturning(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachFlavour(t, func(t *testing.T, e *env) {
		res, err := e.repo.SignInOAuth(ctx, githubSignIn("42", ptr("Alice@Example.COM")))
		require.NoError(t, err)
		assert.True(t, res.IsNewUser)
		assert.Equal(t, "alice@example.com", *res.User.Email, "lower-cased as Auth.js does")
		assert.Nil(t, res.User.EmailVerified, "an OAuth sign-in verifies no address")
		assert.Equal(t, "Alice", *res.User.Name)
		require.NotNil(t, res.Account)
		assert.Equal(t, res.User.ID, res.Account.UserID)
		assert.Equal(t, "oauth", res.Account.Type)
		require.NotNil(t, res.Session)
		assert.Equal(t, start.Add(repository.DefaultMaxAge), res.Session.Expires)
		got, err := e.repo.Sessions.WithUser(ctx, res.Session.SessionToken)
		require.NoError(t, err)
		assert.Equal(t, res.User, got.User)
		account, err := e.repo.Accounts.ByKey(ctx, repository.AccountKey{Provider: "github", ProviderAccountID: "42"})
		require.NoError(t, err)
		assert.Equal(t, res.Account, account)

		// Returning: one statement, a new session for the same user.
		e.clock.Advance(time.Hour)
		e.tracer.Reset()
		again, err := e.repo.SignInOAuth(ctx, githubSignIn("42", ptr("changed@example.com")))
		require.NoError(t, err)
		assert.Len(t, e.tracer.Statements(), 1, "one statement")
		assert.False(t, again.IsNewUser)
		assert.Nil(t, again.Account)
		assert.Equal(t, res.User, again.User)
		assert.NotEqual(t, res.Session.SessionToken, again.Session.SessionToken)
		assert.Equal(t, start.Add(time.Hour+repository.DefaultMaxAge), again.Session.Expires)
		_, err = e.repo.Sessions.ByToken(ctx, again.Session.SessionToken)
		assert.NoError(t, err)
		assert.Equal(t, int64(1), e.count(t, e.users, ""))
		assert.Equal(t, int64(2), e.count(t, e.sessions, ""))
	})
}

// TestSignInOAuth: the profile's email is lower-cased as JavaScript does
// (İ, a word-final Σ) and then matched exactly, so a user stored with
// capitals is not the profile's; a taken address is refused in any case;
// users without an email are distinct; and a failure after the user's
// insert writes nothing.
func TestSignInOAuth(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachFlavour(t, func(t *testing.T, e *env) {
		res, err := e.repo.SignInOAuth(ctx, githubSignIn("sigma", ptr("İΟΔΟΣ@Example.gr")))
		require.NoError(t, err)
		assert.Equal(t, "i\u0307οδος@example.gr", *res.User.Email)
		mixed := e.mustUser(t, "Mixed@Example.com")
		res, err = e.repo.SignInOAuth(ctx, githubSignIn("mixed", ptr("Mixed@Example.com")))
		require.NoError(t, err)
		assert.True(t, res.IsNewUser, "lookups are exact, as Auth.js's getUserByEmail is")
		assert.NotEqual(t, mixed.ID, res.User.ID)
		assert.Equal(t, "mixed@example.com", *res.User.Email)

		before := e.snapshot(t)
		for _, email := range []string{"mixed@example.com", "Mixed@example.com", "MIXED@EXAMPLE.COM"} {
			_, err := e.repo.SignInOAuth(ctx, githubSignIn("other", ptr(email)))
			assert.ErrorIs(t, err, repository.ErrAccountNotLinked, email)
		}
		assert.Equal(t, before, e.snapshot(t), "nothing written")

		if !e.f.EmailRequired() {
			a, err := e.repo.SignInOAuth(ctx, githubSignIn("no-email-1", nil))
			require.NoError(t, err)
			b, err := e.repo.SignInOAuth(ctx, githubSignIn("no-email-2", nil))
			require.NoError(t, err)
			assert.True(t, b.IsNewUser)
			assert.NotEqual(t, a.User.ID, b.User.ID, "many users may have no email")
		}

		// The session's insert fails (a trigger): the new user and account
		// are rolled back.
		e.exec(t, `CREATE FUNCTION fail() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RAISE EXCEPTION 'boom'; END$$;
			CREATE TRIGGER fail BEFORE INSERT ON `+e.sessions+` FOR EACH ROW EXECUTE FUNCTION fail()`)
		before = e.snapshot(t)
		_, err = e.repo.SignInOAuth(ctx, githubSignIn("77", ptr("new@example.com")))
		require.Error(t, err)
		assert.Equal(t, before, e.snapshot(t), "nothing written")
	})
}

func TestSignInOAuthEmailTaken(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachFlavour(t, func(t *testing.T, e *env) {
		owner := e.mustUser(t, "alice@example.com")
		before := e.snapshot(t)
		_, err := e.repo.SignInOAuth(ctx, githubSignIn("42", ptr("ALICE@example.com")))
		assert.ErrorIs(t, err, repository.ErrAccountNotLinked)
		assert.Equal(t, before, e.snapshot(t), "nothing written")

		dangerous := repository.New(e.db, e.f, repository.Options{Now: e.clock.Now, AllowDangerousEmailAccountLinking: true})
		res, err := dangerous.SignInOAuth(ctx, githubSignIn("42", ptr("ALICE@example.com")))
		require.NoError(t, err)
		assert.False(t, res.IsNewUser)
		assert.Equal(t, owner.ID, res.User.ID)
		assert.Equal(t, owner.ID, res.Account.UserID)
		assert.NotNil(t, res.Session)
	})
}

func TestSignInOAuthSignedIn(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachFlavour(t, func(t *testing.T, e *env) {
		alice := e.mustUser(t, "alice@example.com")
		current := e.mustSession(t, alice)

		// Not linked: linked to the signed-in user whatever the email.
		in := githubSignIn("42", ptr("someone-else@example.com"))
		in.SignedIn = current
		res, err := e.repo.SignInOAuth(ctx, in)
		require.NoError(t, err)
		assert.Equal(t, alice.ID, res.User.ID)
		assert.Equal(t, alice.ID, res.Account.UserID)
		assert.Nil(t, res.Session, "the request stays in its session")
		assert.Equal(t, int64(1), e.count(t, e.sessions, ""))

		// Linked to this user: nothing changes.
		before := e.snapshot(t)
		res, err = e.repo.SignInOAuth(ctx, in)
		require.NoError(t, err)
		assert.Equal(t, alice.ID, res.User.ID)
		assert.Nil(t, res.Session)
		assert.Nil(t, res.Account)
		assert.Equal(t, before, e.snapshot(t))

		// Linked to another user.
		bob := e.mustUser(t, "bob@example.com")
		in.SignedIn = e.mustSession(t, bob)
		before = e.snapshot(t)
		_, err = e.repo.SignInOAuth(ctx, in)
		assert.ErrorIs(t, err, repository.ErrAccountNotLinked)
		assert.Equal(t, before, e.snapshot(t))
	})
}

func TestSignInOAuthWithoutEmail(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachFlavour(t, func(t *testing.T, e *env) {
		before := e.snapshot(t)
		res, err := e.repo.SignInOAuth(ctx, githubSignIn("42", nil))
		if e.f.EmailRequired() {
			assert.ErrorIs(t, err, repository.ErrInvalidInput, "Prisma's users.email is NOT NULL")
			assert.Equal(t, before, e.snapshot(t), "nothing written")
			return
		}
		require.NoError(t, err)
		assert.Nil(t, res.User.Email)
		_, err = e.repo.SignInOAuth(ctx, githubSignIn("43", ptr("")))
		assert.ErrorIs(t, err, repository.ErrInvalidInput)
	})
}

// An account row whose user is gone (deleted outside the repository, where
// no foreign key cascades) is replaced by the new user's.
func TestSignInOAuthReplacesOrphanAccount(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachFlavour(t, func(t *testing.T, e *env) {
		if e.f.Cascades() {
			t.Skip("foreign keys delete the accounts with the user")
		}
		u := e.mustUser(t, "alice@example.com")
		e.mustAccount(t, u, "42")
		require.NoError(t, e.db.Exec(`DELETE FROM `+e.users).Error)
		res, err := e.repo.SignInOAuth(ctx, githubSignIn("42", ptr("alice@example.com")))
		require.NoError(t, err)
		assert.True(t, res.IsNewUser)
		assert.Equal(t, int64(1), e.count(t, e.accounts, ""))
		a, err := e.repo.Accounts.ByKey(ctx, repository.AccountKey{Provider: "github", ProviderAccountID: "42"})
		require.NoError(t, err)
		assert.Equal(t, res.User.ID, a.UserID, "the new user's")
	})
}

// Concurrent first sign-ins of one new identity make one user and one
// account on every flavour, with unique keys or without.
func TestSignInOAuthConcurrent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachFlavour(t, func(t *testing.T, e *env) {
		const n = 8
		results := make([]*repository.SignInResult, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i], errs[i] = e.repo.SignInOAuth(ctx, githubSignIn("42", ptr("alice@example.com")))
			}()
		}
		wg.Wait()
		newUsers := 0
		for i := range n {
			require.NoError(t, errs[i])
			require.NotNil(t, results[i].Session)
			if results[i].IsNewUser {
				newUsers++
			}
			assert.Equal(t, results[0].User.ID, results[i].User.ID)
		}
		assert.Equal(t, 1, newUsers)
		assert.Equal(t, int64(1), e.count(t, e.users, ""))
		assert.Equal(t, int64(1), e.count(t, e.accounts, ""))
		assert.Equal(t, int64(n), e.count(t, e.sessions, ""))
	})
}

func TestSignInEmail(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachFlavour(t, func(t *testing.T, e *env) {
		tok := e.mustToken(t, "Alice@Example.com")
		e.clock.Advance(time.Minute)
		res, err := e.repo.SignInEmail(ctx, repository.EmailSignIn{SignInToken: tok})
		require.NoError(t, err)
		assert.True(t, res.IsNewUser)
		assert.Equal(t, "alice@example.com", *res.User.Email)
		assert.Equal(t, start.Add(time.Minute), *res.User.EmailVerified)
		assert.Nil(t, res.Account, "no account row for an email sign-in")
		if e.f.ClockColumns() {
			assert.Equal(t, start.Add(time.Minute), *res.User.CreatedAt)
		}
		got, err := e.repo.Sessions.WithUser(ctx, res.Session.SessionToken)
		require.NoError(t, err)
		assert.Equal(t, res.User, got.User)
		_, err = e.repo.SignInEmail(ctx, repository.EmailSignIn{SignInToken: tok})
		assert.ErrorIs(t, err, repository.ErrNotFound, "a link works once")

		// An existing user: EmailVerified (and updatedAt) set to now; a
		// session of another user the request had is deleted.
		bob := e.mustUser(t, "bob@example.com")
		bobs := e.mustSession(t, bob)
		tok = e.mustToken(t, "alice@example.com")
		e.clock.Advance(time.Hour)
		again, err := e.repo.SignInEmail(ctx, repository.EmailSignIn{SignInToken: tok, SignedIn: bobs})
		require.NoError(t, err)
		assert.False(t, again.IsNewUser)
		assert.Equal(t, res.User.ID, again.User.ID)
		assert.Equal(t, start.Add(time.Minute+time.Hour), *again.User.EmailVerified)
		if e.f.ClockColumns() {
			assert.Equal(t, start.Add(time.Minute+time.Hour), *again.User.UpdatedAt)
			assert.Equal(t, start.Add(time.Minute), *again.User.CreatedAt)
		}
		_, err = e.repo.Sessions.ByToken(ctx, bobs.SessionToken)
		assert.ErrorIs(t, err, repository.ErrNotFound, "signed out of the other user's session")
		_, err = e.repo.Sessions.ByToken(ctx, res.Session.SessionToken)
		assert.NoError(t, err, "the user's own sessions stay")

		// A user made otherwise keeps the rest of its row.
		dave := e.mustUser(t, "dave@example.com")
		res, err = e.repo.SignInEmail(ctx, repository.EmailSignIn{SignInToken: e.mustToken(t, "dave@example.com")})
		require.NoError(t, err)
		assert.Equal(t, dave.ID, res.User.ID)
		assert.Equal(t, dave.Name, res.User.Name)
		assert.Equal(t, dave.CreatedAt, res.User.CreatedAt)

		// A link checked with another secret is unknown, and still works
		// with the right one.
		tok = e.mustToken(t, "erin@example.com")
		other := repository.New(e.db, e.f, repository.Options{Now: e.clock.Now, Secret: []string{"another secret"}})
		_, err = other.SignInEmail(ctx, repository.EmailSignIn{SignInToken: tok})
		assert.ErrorIs(t, err, repository.ErrNotFound)

		// A failure after the token is redeemed (the session's insert,
		// here a trigger) keeps the token: nothing is written, and the link
		// works once the failure is gone.
		e.exec(t, `CREATE FUNCTION fail() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RAISE EXCEPTION 'boom'; END$$;
			CREATE TRIGGER fail BEFORE INSERT ON `+e.sessions+` FOR EACH ROW EXECUTE FUNCTION fail()`)
		before := e.snapshot(t)
		_, err = e.repo.SignInEmail(ctx, repository.EmailSignIn{SignInToken: tok})
		require.Error(t, err)
		assert.Equal(t, before, e.snapshot(t), "no user, no session, and the token is still there")
		e.exec(t, `DROP TRIGGER fail ON `+e.sessions)
		res, err = e.repo.SignInEmail(ctx, repository.EmailSignIn{SignInToken: tok})
		require.NoError(t, err, "the link still works after the failure")
		assert.True(t, res.IsNewUser)

		// An expired link: deleted, nothing else written.
		tok = e.mustToken(t, "carol@example.com")
		e.clock.Advance(repository.DefaultVerificationMaxAge + time.Second)
		users := e.count(t, e.users, "")
		_, err = e.repo.SignInEmail(ctx, repository.EmailSignIn{SignInToken: tok})
		assert.ErrorIs(t, err, repository.ErrNotFound)
		assert.Equal(t, users, e.count(t, e.users, ""))
		assert.Equal(t, int64(0), e.count(t, e.tokens, ""))
	})
}

// Concurrent first sign-ins of one address with several links make one
// user, also where emails are not unique (pg): the first to redeem its link
// ends the others, which are refused.
func TestSignInEmailConcurrentSameAddress(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachFlavour(t, func(t *testing.T, e *env) {
		const n = 6
		toks := make([]repository.SignInToken, n)
		for i := range toks {
			toks[i] = e.mustToken(t, "alice@example.com")
		}
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = e.repo.SignInEmail(ctx, repository.EmailSignIn{SignInToken: toks[i]})
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
		assert.Equal(t, 1, ok)
		assert.Equal(t, int64(1), e.count(t, e.users, ""))
		assert.Equal(t, int64(1), e.count(t, e.sessions, ""))
		assert.Zero(t, e.count(t, e.tokens, ""))
	})
}
