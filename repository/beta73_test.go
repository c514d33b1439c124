package repository_test

import (
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/models"
	"github.com/gormauth/gormauth/repository"
)

// TestBeta73Engine runs the engine on NextAuth.js 2.0.0-beta.73's tables
// (made by its TypeORM synchronisation), with the JavaScript side's clock
// in Auckland, and checks each row as NextAuth.js writes and reads it
// (TestBeta73Interop and the root package's TestNextAuthInterop run the
// real NextAuth.js): beta.73's column names, compound_id, the sessions'
// access_token, the created and updated columns, access_token_expires as
// a wall clock of the zone, hexadecimal session tokens, lower-cased sign-in
// addresses and the strict sliding-expiry threshold.
func TestBeta73Engine(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	auckland, err := time.LoadLocation("Pacific/Auckland")
	require.NoError(t, err)
	e := newEnv(t, gormauth.Beta73, repository.Options{Location: auckland})
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
	bu, err := e.repo.Users.ByEmail(ctx, "alice@example.com")
	require.NoError(t, err)
	assert.True(t, verified.Equal(*bu.EmailVerified), "read back as the same instant")

	// Accounts: compound_id, and the expiry as a time.
	exp := start.Add(2 * time.Hour).Unix()
	require.NoError(t, e.repo.Accounts.Link(ctx, &repository.Account{UserID: u.ID, Type: "oauth", Provider: "github",
		ProviderAccountID: "1001", AccessToken: ptr("gho_x"), ExpiresAt: &exp, Scope: ptr("read:user")}))
	assert.Equal(t, models.CompoundID("github", "1001"), wall(`SELECT compound_id FROM accounts`))
	assert.Equal(t, "oauth", wall(`SELECT provider_type FROM accounts`))
	assert.Equal(t, inAuckland(time.Unix(exp, 0)), wall(`SELECT access_token_expires::text FROM accounts`))
	a, err := e.repo.Accounts.ByKey(ctx, repository.AccountKey{Provider: "github", ProviderAccountID: "1001"})
	require.NoError(t, err)
	assert.Equal(t, exp, *a.ExpiresAt)
	assert.Nil(t, a.Scope, "beta.73 keeps no scope")

	// Sessions: 64 hexadecimal characters, an access token, the expiry
	// and the clock columns in Auckland's wall clock.
	s, err := e.repo.Sessions.Create(ctx, u.ID)
	require.NoError(t, err)
	hex64 := regexp.MustCompile(`^[0-9a-f]{64}$`)
	assert.Regexp(t, hex64, s.SessionToken)
	assert.Equal(t, s.SessionToken, wall(`SELECT session_token FROM sessions`))
	assert.Regexp(t, hex64, wall(`SELECT access_token FROM sessions`))
	assert.NotEqual(t, s.SessionToken, wall(`SELECT access_token FROM sessions`))
	assert.Equal(t, inAuckland(s.Expires), wall(`SELECT expires::text FROM sessions`))
	assert.Equal(t, inAuckland(start), wall(`SELECT created::text FROM sessions`))
	assert.Equal(t, inAuckland(start), wall(`SELECT updated::text FROM sessions`))
	// The threshold itself is not due in beta.73 (it is in Auth.js).
	e.clock.Advance(s.Expires.Add(repository.DefaultUpdateAge - repository.DefaultMaxAge).Sub(e.clock.Now()))
	assert.False(t, e.repo.Sessions.Due(s))
	e.clock.Advance(time.Microsecond)
	assert.True(t, e.repo.Sessions.Due(s))

	// A session as NextAuth.js writes it (Auckland's wall clock, as its
	// Node.js process shows it) reads as the instant it stands for.
	e.exec(t, `INSERT INTO sessions (user_id, expires, session_token, access_token, created, updated)
		VALUES (?, '2027-01-15 09:30:00.123', 'nextauth-written', 'nextauth-access', '2026-12-16 09:30:00.123', '2026-12-16 09:30:00.123')`, u.ID)
	got, err := e.repo.Sessions.WithUser(ctx, "nextauth-written")
	require.NoError(t, err)
	assert.Equal(t, time.Date(2027, 1, 14, 20, 30, 0, 123e6, time.UTC), got.Expires, "09:30 NZDT (+13)")
	assert.Equal(t, time.Date(2026, 12, 15, 20, 30, 0, 123e6, time.UTC), *got.CreatedAt)
	assert.Equal(t, u.ID, got.UserID)
	assert.Equal(t, "nextauth-access", *got.AccessToken)

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
	assert.Equal(t, res.User.ID, wall(`SELECT user_id::text FROM sessions WHERE session_token = ?`, res.Session.SessionToken),
		"the session the sign-in opened, as NextAuth.js finds it")
	assert.Equal(t, inAuckland(res.Session.Expires), wall(`SELECT expires::text FROM sessions WHERE session_token = ?`, res.Session.SessionToken))
}
