package repository_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth/internal/legacy73"
	"github.com/gormauth/gormauth/models"
)

// Each limit is enforced at its edge: a value of the limit's length is
// accepted, one byte more is ErrInvalidInput before any statement is sent;
// and no limit is near what providers send (a 648 px Entra ID photo as a
// data: URL of up to ~270 KB, access tokens of 16 KB, a subject of 255
// characters).
func TestLimits(t *testing.T) {
	t.Parallel()
	assert.Greater(t, repository.MaxImageLen, 3*270<<10)
	assert.Greater(t, repository.MaxProviderTokenLen, 4*16<<10)
	assert.Greater(t, repository.MaxProviderFieldLen, 4*255)
	assert.Greater(t, repository.MaxEmailLen, 4*254)

	ctx := context.Background()
	e := newEnv(t)
	r := e.repo
	u := e.mustUser(t, "alice@example.com")
	key := repository.AccountKey{ProviderID: "github", ProviderAccountID: "42"}
	e.mustAccount(t, u, key.ProviderAccountID)
	at := func(n int) *string { return ptr(strings.Repeat("a", n)) }
	email := func(n int) *string { return ptr(strings.Repeat("a", n-len("@example.com")) + "@example.com") }
	notFound := func(err error) error {
		if errors.Is(err, repository.ErrNotFound) {
			return nil // looked up, not refused
		}
		return err
	}
	limits := []struct {
		name string
		max  int
		run  func(n int) error
	}{
		{"Users.Create image", repository.MaxImageLen, func(n int) error {
			return r.Users.Create(ctx, &models.User{Email: ptr("i" + strconv.Itoa(n) + "@example.com"), Image: at(n)})
		}},
		{"Users.Update image", repository.MaxImageLen, func(n int) error {
			return r.Users.Update(ctx, &models.User{ID: u.ID, Email: u.Email, Image: at(n)})
		}},
		{"Users.Create name", repository.MaxNameLen, func(n int) error {
			return r.Users.Create(ctx, &models.User{Email: ptr("n" + strconv.Itoa(n) + "@example.com"), Name: at(n)})
		}},
		{"Users.Create email", repository.MaxEmailLen, func(n int) error {
			return r.Users.Create(ctx, &models.User{Email: email(n)})
		}},
		{"Accounts.UpdateTokens access token", repository.MaxProviderTokenLen, func(n int) error {
			_, err := r.Accounts.UpdateTokens(ctx, key, repository.Tokens{AccessToken: *at(n)})
			return err
		}},
		{"Accounts.UpdateTokens refresh token", repository.MaxProviderTokenLen, func(n int) error {
			_, err := r.Accounts.UpdateTokens(ctx, key, repository.Tokens{AccessToken: "a", RefreshToken: at(n)})
			return err
		}},
		{"Accounts.Link provider account id", repository.MaxProviderFieldLen, func(n int) error {
			return r.Accounts.Link(ctx, &models.Account{UserID: u.ID, ProviderType: "oauth", ProviderID: "gitlab", ProviderAccountID: *at(n)})
		}},
		{"SignInOAuth image", repository.MaxImageLen, func(n int) error {
			_, err := r.SignInOAuth(ctx, repository.OAuthSignIn{Account: repository.AccountKey{ProviderID: "azure-ad", ProviderAccountID: strconv.Itoa(n)},
				Email: ptr("s" + strconv.Itoa(n) + "@example.com"), Image: at(n)})
			return err
		}},
		{"Sessions.ByToken", repository.MaxTokenLen, func(n int) error {
			_, err := r.Sessions.ByToken(ctx, *at(n))
			return notFound(err)
		}},
		{"Verifications.Create identifier", repository.MaxEmailLen, func(n int) error {
			_, err := r.Verifications.Create(ctx, repository.SignInToken{Identifier: *email(n), Token: "t" + strconv.Itoa(n), Secret: "s"}, 0)
			return err
		}},
	}
	for _, l := range limits {
		require.NoError(t, l.run(l.max), "%s at %d bytes", l.name, l.max)
	}
	before := e.counts(t)
	for _, l := range limits {
		e.tracer.Reset()
		assert.ErrorIs(t, l.run(l.max+1), repository.ErrInvalidInput, "%s at %d bytes", l.name, l.max+1)
		if l.name == "Users.Update image" {
			// Update keeps a value over its limit that equals the stored
			// one: one UPDATE guarded by that comparison, which writes nothing.
			assert.Len(t, e.tracer.Statements(), 1, "%s: one guarded statement", l.name)
		} else {
			assert.Empty(t, e.tracer.Statements(), "%s: nothing sent", l.name)
		}
	}
	assert.Equal(t, before, e.counts(t), "nothing written")
}
