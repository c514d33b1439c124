package repository_test

import (
	"testing"
	"time"

	"github.com/gormauth/gormauth/internal/harness/redacttest"
	"github.com/gormauth/gormauth/repository"
)

// Every type that holds a secret encodes to JSON without it, as it is and
// as a field of a struct that slog's JSON handler encodes (SignInToken,
// EmailSignIn and Tokens put their tokens in the JSON before). Unlike
// package models' Session, the JSON of a Session leaves out beta.73's
// access token too.
func TestRedactionJSON(t *testing.T) {
	t.Parallel()
	const token, access, refresh, idToken, sessionToken = "plain-sign-in-token-1", "gho_access-3", "ghr_refresh-4", "eyJ.id-token-5", "95347991-b3d5-4f4c-9091-ab3dbd527cba"
	tok := repository.SignInToken{Identifier: "alice@example.com", Token: token}
	session := repository.Session{ID: "s1", SessionToken: sessionToken, UserID: "u1", Expires: time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC),
		AccessToken: ptr("session-access-8")}
	account := repository.Account{UserID: "u1", Type: "oauth", Provider: "github", ProviderAccountID: "1001",
		AccessToken: ptr(access), RefreshToken: ptr(refresh), IDToken: ptr(idToken)}
	all := []string{token, access, refresh, idToken, sessionToken, "session-access-8"}
	for _, v := range []any{
		tok, &tok,
		repository.EmailSignIn{SignInToken: tok, SignedIn: &session},
		repository.Tokens{AccessToken: access, RefreshToken: ptr(refresh), IDToken: ptr(idToken)},
		account, session,
		repository.OAuthSignIn{Account: account, SignedIn: &session},
		repository.SignInResult{User: &repository.User{ID: "u1"}, Session: &session, Account: &account},
	} {
		redacttest.CheckJSON(t, v, all)
	}
}
