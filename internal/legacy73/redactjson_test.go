package repository_test

import (
	"testing"
	"time"

	"github.com/gormauth/gormauth/internal/harness/redacttest"
	"github.com/gormauth/gormauth/internal/legacy73"
	"github.com/gormauth/gormauth/models"
)

// Every type that holds a secret encodes to JSON without it, as it is and
// as a field of a struct that slog's JSON handler encodes (SignInToken,
// Tokens and OAuthSignIn put their tokens and the secret in the JSON
// before). A session's AccessToken is not among them: beta.73 hands it to
// client code, and models.Session's JSON has it on purpose.
func TestRedactionJSON(t *testing.T) {
	t.Parallel()
	const token, secret, access, refresh = "plain-sign-in-token-1", "app-secret-2", "gho_access-3", "ghr_refresh-4"
	expires := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
	tok := repository.SignInToken{Identifier: "alice@example.com", Token: token, Secret: secret}
	account := models.Account{ID: 7, UserID: 3, ProviderID: "github", ProviderAccountID: "1001", AccessToken: ptr(access), RefreshToken: ptr(refresh)}
	session := models.Session{ID: 9, UserID: 3, Expires: expires, SessionToken: "session-token-5", AccessToken: "session-handle-6"}
	all := []string{token, secret, access, refresh, "session-token-5"}
	for _, v := range []any{
		tok, &tok,
		repository.Tokens{AccessToken: access, RefreshToken: ptr(refresh), AccessTokenExpires: &expires},
		repository.OAuthSignIn{Account: repository.AccountKey{ProviderID: "github", ProviderAccountID: "1001"},
			AccessToken: ptr(access), RefreshToken: ptr(refresh)},
		account, session,
		repository.SignInResult{User: &models.User{ID: 3}, Session: &session},
	} {
		redacttest.CheckJSON(t, v, all)
	}
}
