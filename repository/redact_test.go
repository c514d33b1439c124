package repository_test

import (
	"testing"
	"time"

	"github.com/gormauth/gormauth/internal/harness/redacttest"
	"github.com/gormauth/gormauth/repository"
)

// Every type that holds a secret prints and logs without it, whatever the
// verb or handler, and shows its useful fields.
func TestRedaction(t *testing.T) {
	t.Parallel()
	const token, access, refresh, idToken, sessionToken = "plain-sign-in-token-1", "gho_access-3", "ghr_refresh-4", "eyJ.id-token-5", "95347991-b3d5-4f4c-9091-ab3dbd527cba"
	tok := repository.SignInToken{Identifier: "alice@example.com", Token: token}
	session := repository.Session{ID: "s1", SessionToken: sessionToken, UserID: "u1", Expires: time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC),
		AccessToken: ptr("session-access-8")} // beta.73's
	email := repository.EmailSignIn{SignInToken: tok, SignedIn: &session}
	tokens := repository.Tokens{AccessToken: access, RefreshToken: ptr(refresh), IDToken: ptr(idToken), ExpiresAt: ptr(int64(2000000000))}
	account := repository.Account{UserID: "u1", Type: "oauth", Provider: "github", ProviderAccountID: "1001",
		AccessToken: ptr(access), RefreshToken: ptr(refresh), IDToken: ptr(idToken), Scope: ptr("read:user")}
	in := repository.OAuthSignIn{Account: account, Email: ptr("alice@example.com"), SignedIn: &session}
	opts := repository.Options{Secret: []string{"app-secret-6", "old-secret-7"}, MaxAge: time.Hour}
	all := []string{token, access, refresh, idToken, sessionToken, "session-access-8", "app-secret-6", "old-secret-7"}
	for _, c := range []struct {
		v     any
		shown []string
	}{
		{tok, []string{"alice@example.com"}},
		{&tok, []string{"alice@example.com"}},
		{email, []string{"alice@example.com", "u1"}},
		{&email, []string{"alice@example.com", "u1"}},
		{tokens, []string{"2000000000"}},
		{&tokens, []string{"2000000000"}},
		{account, []string{"github", "1001"}},
		{&account, []string{"github", "1001"}},
		{session, []string{"u1", "2026-05-06"}},
		{&session, []string{"u1", "2026-05-06"}},
		{in, []string{"github", "1001", "alice@example.com"}},
		{&in, []string{"github", "1001", "alice@example.com"}},
		{opts, []string{"1h0m0s"}},
		{&opts, []string{"1h0m0s"}},
	} {
		redacttest.Check(t, c.v, all, c.shown)
	}
}
