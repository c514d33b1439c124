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
	assert.Equal(t, "google", in.Account.ProviderID)
	assert.Equal(t, "1081", in.Account.ProviderAccountID)
	assert.Equal(t, "oauth", in.ProviderType)
	assert.Equal(t, "ann", *in.Name, "the nick name where there is no name")
	assert.Equal(t, "A@Example.com", *in.Email, "as given: the repository lower-cases it")
	assert.True(t, in.EmailVerified)
	assert.Equal(t, "https://img/a", *in.Image)
	assert.Equal(t, "ya29", *in.AccessToken)
	assert.Equal(t, "1//r", *in.RefreshToken)
	assert.Equal(t, expires, *in.AccessTokenExpires)

	a := gothauth.AuthJSSignIn(u, true)
	assert.Equal(t, "google", a.Account.Provider)
	assert.Equal(t, "1081", a.Account.ProviderAccountID)
	assert.Equal(t, "oidc", a.Account.Type, "an ID token makes it OpenID Connect")
	assert.Equal(t, expires.Unix(), *a.Account.ExpiresAt)
	assert.Equal(t, "eyJ.x", *a.Account.IDToken)
	assert.True(t, a.EmailVerified)

	bare := goth.User{Provider: "github", UserID: "7", Name: "Bo"}
	in = gothauth.SignIn(bare, true)
	assert.Nil(t, in.Email)
	assert.False(t, in.EmailVerified, "no email, nothing verified")
	assert.Nil(t, in.AccessTokenExpires)
	assert.Nil(t, in.RefreshToken)
	assert.Equal(t, "Bo", *in.Name)
	a = gothauth.AuthJSSignIn(bare, true)
	assert.Equal(t, "oauth", a.Account.Type)
	assert.Nil(t, a.Account.ExpiresAt)

	// An address the provider did not verify is left out; the rest stays.
	in = gothauth.SignIn(u, false)
	assert.Nil(t, in.Email)
	assert.False(t, in.EmailVerified)
	assert.Equal(t, "ann", *in.Name)
	assert.Equal(t, "ya29", *in.AccessToken)
	a = gothauth.AuthJSSignIn(u, false)
	assert.Nil(t, a.Email)
	assert.False(t, a.EmailVerified)
	assert.Equal(t, "https://img/a", *a.Image)
}
