package models_test

import (
	"testing"
	"time"

	"github.com/gormauth/gormauth/internal/harness/redacttest"
	"github.com/gormauth/gormauth/models/drizzle"
	"github.com/gormauth/gormauth/models/pg"
	"github.com/gormauth/gormauth/models/prisma"
	"github.com/gormauth/gormauth/models/prismav4"
)

// No verb of fmt, no slog handler and no JSON encoding of the models that
// hold secrets shows the provider tokens, the session token or the sign-in
// token's hash; each shows the fields that name the row.
func TestAuthJSModelsRedacted(t *testing.T) {
	t.Parallel()
	refresh, access, id := "refresh-SECRET-1", "access-SECRET-2", "id-SECRET-3"
	sessionToken, tokenHash := "session-SECRET-4", "hash-SECRET-5"
	secrets := []string{refresh, access, id, sessionToken, tokenHash}
	expires := time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		v     any
		shown []string
	}{
		{prisma.Account{UserID: "u1", Provider: "github", ProviderAccountID: "42", RefreshToken: &refresh, AccessToken: &access, IDToken: &id},
			[]string{"u1", "github", "42"}},
		{prisma.Session{SessionToken: sessionToken, UserID: "u1", Expires: expires}, []string{"u1", "2026-11-26T18:00:00Z"}},
		{prisma.VerificationToken{Identifier: "a@example.com", Token: tokenHash, Expires: expires}, []string{"a@example.com"}},
		{prismav4.Account{ID: "a1", UserID: "u1", Provider: "github", ProviderAccountID: "42", RefreshToken: &refresh, AccessToken: &access, IDToken: &id},
			[]string{"a1", "u1", "github", "42"}},
		{prismav4.Session{ID: "s1", SessionToken: sessionToken, UserID: "u1", Expires: expires}, []string{"s1", "u1"}},
		{prismav4.VerificationToken{Identifier: "a@example.com", Token: tokenHash, Expires: expires}, []string{"a@example.com"}},
		{drizzle.Account{UserID: "u1", Provider: "github", ProviderAccountID: "42", RefreshToken: &refresh, AccessToken: &access, IDToken: &id},
			[]string{"u1", "github", "42"}},
		{drizzle.Session{SessionToken: sessionToken, UserID: "u1", Expires: expires}, []string{"u1"}},
		{drizzle.VerificationToken{Identifier: "a@example.com", Token: tokenHash, Expires: expires}, []string{"a@example.com"}},
		{pg.Account{ID: 7, UserID: 3, Provider: "github", ProviderAccountID: "42", RefreshToken: &refresh, AccessToken: &access, IDToken: &id},
			[]string{"7", "3", "github", "42"}},
		{pg.Session{ID: 9, SessionToken: sessionToken, UserID: 3, Expires: expires}, []string{"9", "3"}},
		{pg.VerificationToken{Identifier: "a@example.com", Token: tokenHash, Expires: expires}, []string{"a@example.com"}},
	} {
		redacttest.Check(t, c.v, secrets, c.shown)
		redacttest.CheckJSON(t, c.v, secrets)
	}
}
