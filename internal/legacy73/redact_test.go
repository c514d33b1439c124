package repository_test

import (
	"testing"
	"time"

	"github.com/gormauth/gormauth/internal/harness/redacttest"
	"github.com/gormauth/gormauth/internal/legacy73"
	"github.com/gormauth/gormauth/models"
)

// Every type that holds a secret prints and logs without it, whatever the
// verb or handler, and shows its useful fields.
func TestRedaction(t *testing.T) {
	t.Parallel()
	const token, secret, access, refresh = "plain-sign-in-token-1", "app-secret-2", "gho_access-3", "ghr_refresh-4"
	expires := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
	tok := repository.SignInToken{Identifier: "alice@example.com", Token: token, Secret: secret}
	tokens := repository.Tokens{AccessToken: access, RefreshToken: ptr(refresh), AccessTokenExpires: &expires}
	in := repository.OAuthSignIn{Account: repository.AccountKey{ProviderID: "github", ProviderAccountID: "1001"},
		AccessToken: ptr(access), RefreshToken: ptr(refresh), Email: ptr("alice@example.com")}
	account := models.Account{ID: 7, UserID: 3, ProviderID: "github", ProviderAccountID: "1001", AccessToken: ptr(access), RefreshToken: ptr(refresh)}
	session := models.Session{ID: 9, UserID: 3, Expires: expires, SessionToken: "session-token-5", AccessToken: "session-handle-6"}
	for _, c := range []struct {
		v       any
		secrets []string
		shown   []string
	}{
		{tok, []string{token, secret}, []string{"alice@example.com"}},
		{&tok, []string{token, secret}, []string{"alice@example.com"}},
		{tokens, []string{access, refresh}, []string{"2026-05-06"}},
		{&tokens, []string{access, refresh}, []string{"2026-05-06"}},
		{in, []string{access, refresh}, []string{"github", "1001", "alice@example.com"}},
		{&in, []string{access, refresh}, []string{"github", "1001"}},
		{account, []string{access, refresh}, []string{"github", "1001"}},
		{&account, []string{access, refresh}, []string{"github", "1001"}},
		{session, []string{"session-token-5", "session-handle-6"}, []string{"2026-05-06"}},
		{&session, []string{"session-token-5", "session-handle-6"}, []string{"2026-05-06"}},
	} {
		redacttest.Check(t, c.v, c.secrets, c.shown)
	}
}
