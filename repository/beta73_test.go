package repository_test

import (
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth"
	legacy "github.com/gormauth/gormauth/internal/legacy73"
	"github.com/gormauth/gormauth/models"
	"github.com/gormauth/gormauth/repository"
)

// TestBeta73Engine runs the engine on NextAuth.js 2.0.0-beta.73's tables
// (made by its TypeORM synchronisation), with the JavaScript side's clock
// in Auckland, and checks each row against what package repository, which
// the suite proves against the real NextAuth.js, reads and writes there:
// beta.73's column names, compound_id, the sessions' access_token, the
// created and updated columns, access_token_expires as a wall clock of the
// zone, hexadecimal session tokens, lower-cased sign-in addresses and the
// strict sliding-expiry threshold.
func TestBeta73Engine(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	auckland, err := time.LoadLocation("Pacific/Auckland")
	require.NoError(t, err)
	e := newEnv(t, gormauth.Beta73, repository.Options{Location: auckland})
	beta := legacy.New(e.db, legacy.Options{Location: auckland, Now: e.clock.Now})
	wall := func(query string, args ...any) string {
		t.Helper()
		var s string
		require.NoError(t, e.db.Raw(query, args...).Row().Scan(&s))
		return s
	}
	inAuckland := func(at time.Time) string { return at.In(auckland).Format("2006-01-02 15:04:05.999999") }

	// Users: email_verified holds Auckland's wall clock.
	verified := start.Add(-time.Hour)
	u := &repository.User{Email: ptr("alice@example.com"), EmailVerified: &verified}
	require.NoError(t, e.repo.Users.Create(ctx, u))
	assert.Equal(t, inAuckland(verified), wall(`SELECT email_verified::text FROM users WHERE id = ?`, u.ID))
	assert.Equal(t, inAuckland(start), wall(`SELECT created::text FROM users WHERE id = ?`, u.ID))
	bu, err := beta.Users.ByEmail(ctx, "alice@example.com")
	require.NoError(t, err)
	assert.True(t, verified.Equal(*bu.EmailVerified), "beta.73's repository reads the same instant")

	// Accounts: compound_id, and the expiry as a time.
	exp := start.Add(2 * time.Hour).Unix()
	require.NoError(t, e.repo.Accounts.Link(ctx, &repository.Account{UserID: u.ID, Type: "oauth", Provider: "github",
		ProviderAccountID: "1001", AccessToken: ptr("gho_x"), ExpiresAt: &exp, Scope: ptr("read:user")}))
	ba, err := beta.Accounts.ByKey(ctx, legacy.AccountKey{ProviderID: "github", ProviderAccountID: "1001"})
	require.NoError(t, err)
	assert.Equal(t, models.CompoundID("github", "1001"), ba.CompoundID)
	require.NotNil(t, ba.AccessTokenExpires)
	assert.Equal(t, exp, ba.AccessTokenExpires.Unix())
	assert.Equal(t, inAuckland(time.Unix(exp, 0)), wall(`SELECT access_token_expires::text FROM accounts`))
	a, err := e.repo.Accounts.ByKey(ctx, repository.AccountKey{Provider: "github", ProviderAccountID: "1001"})
	require.NoError(t, err)
	assert.Equal(t, exp, *a.ExpiresAt)
	assert.Nil(t, a.Scope, "beta.73 keeps no scope")

	// Sessions: 64 hexadecimal characters, an access token, read back by
	// beta.73's repository with the same expiry.
	s, err := e.repo.Sessions.Create(ctx, u.ID)
	require.NoError(t, err)
	hex64 := regexp.MustCompile(`^[0-9a-f]{64}$`)
	assert.Regexp(t, hex64, s.SessionToken)
	bs, err := beta.Sessions.WithUser(ctx, s.SessionToken)
	require.NoError(t, err)
	assert.Regexp(t, hex64, bs.AccessToken)
	assert.True(t, s.Expires.Equal(bs.Expires))
	assert.Equal(t, inAuckland(s.Expires), wall(`SELECT expires::text FROM sessions`))
	// The threshold itself is not due in beta.73 (it is in Auth.js).
	e.clock.Advance(s.Expires.Add(repository.DefaultUpdateAge - repository.DefaultMaxAge).Sub(e.clock.Now()))
	assert.False(t, e.repo.Sessions.Due(s))
	e.clock.Advance(time.Microsecond)
	assert.True(t, e.repo.Sessions.Due(s))

	// A session beta.73's repository opened reads the same in the engine.
	other, err := beta.Sessions.Create(ctx, bu.ID)
	require.NoError(t, err)
	got, err := e.repo.Sessions.WithUser(ctx, other.SessionToken)
	require.NoError(t, err)
	assert.True(t, other.Expires.Equal(got.Expires))
	assert.Equal(t, u.ID, got.UserID)

	// Sign-in links: the address lower-cased when stored and redeemed, the
	// token hashed with the secret as beta.73 hashes it.
	tok := "5e3c…token"
	_, err = e.repo.Verifications.Create(ctx, repository.SignInToken{Identifier: "Bob@Example.COM", Token: tok}, 0)
	require.NoError(t, err)
	assert.Equal(t, "bob@example.com", wall(`SELECT identifer FROM verification_requests`))
	assert.Equal(t, models.HashToken(tok, secret), wall(`SELECT token FROM verification_requests`))
	res, err := e.repo.SignInEmail(ctx, repository.EmailSignIn{SignInToken: repository.SignInToken{Identifier: "BOB@example.com", Token: tok}})
	require.NoError(t, err)
	assert.True(t, res.IsNewUser)
	assert.Equal(t, "bob@example.com", *res.User.Email)
	_, err = beta.Sessions.WithUser(ctx, res.Session.SessionToken)
	assert.NoError(t, err, "beta.73's repository reads the session the engine's sign-in opened")
}
