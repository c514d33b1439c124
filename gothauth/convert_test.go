package gothauth_test

import (
	"testing"
	"time"

	"github.com/markbates/goth"
	"github.com/stretchr/testify/assert"

	"github.com/gormauth/gormauth/gothauth"
)

func TestConversions(t *testing.T) {
	t.Parallel()
	expires := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	u := goth.User{Provider: "google", UserID: "1081", Email: "A@Example.com", NickName: "ann",
		AvatarURL: "https://img/a", AccessToken: "ya29", RefreshToken: "1//r", IDToken: "eyJ.x", ExpiresAt: expires}

	in := gothauth.SignIn(u, true)
	assert.Equal(t, "google", in.Account.Provider)
	assert.Equal(t, "1081", in.Account.ProviderAccountID)
	assert.Equal(t, "oidc", in.Account.Type, "an ID token makes it OpenID Connect")
	assert.Equal(t, "ann", *in.Name, "the nick name where there is no name")
	assert.Equal(t, "A@Example.com", *in.Email, "as given: the repository lower-cases it")
	assert.True(t, in.EmailVerified)
	assert.Equal(t, "https://img/a", *in.Image)
	assert.Equal(t, "ya29", *in.Account.AccessToken)
	assert.Equal(t, "1//r", *in.Account.RefreshToken)
	assert.Equal(t, "eyJ.x", *in.Account.IDToken)
	assert.Equal(t, expires.Unix(), *in.Account.ExpiresAt)
	assert.Nil(t, in.SignedIn, "a sign-in, not a link")

	bare := goth.User{Provider: "github", UserID: "7", Name: "Bo"}
	in = gothauth.SignIn(bare, true)
	assert.Equal(t, "oauth", in.Account.Type)
	assert.Nil(t, in.Email)
	assert.False(t, in.EmailVerified, "no email, nothing verified")
	assert.Nil(t, in.Account.ExpiresAt)
	assert.Nil(t, in.Account.AccessToken)
	assert.Nil(t, in.Account.RefreshToken)
	assert.Nil(t, in.Account.IDToken)
	assert.Nil(t, in.Image)
	assert.Equal(t, "Bo", *in.Name)

	// An address the provider did not verify is left out; the rest stays.
	in = gothauth.SignIn(u, false)
	assert.Nil(t, in.Email)
	assert.False(t, in.EmailVerified)
	assert.Equal(t, "ann", *in.Name)
	assert.Equal(t, "https://img/a", *in.Image)
	assert.Equal(t, "ya29", *in.Account.AccessToken)
}
