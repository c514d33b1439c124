package gothauth_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/markbates/goth"
	"github.com/markbates/goth/providers/auth0"
	"github.com/markbates/goth/providers/discord"
	"github.com/markbates/goth/providers/github"
	"github.com/markbates/goth/providers/okta"
	"github.com/markbates/goth/providers/openidConnect"
	"github.com/markbates/goth/providers/zoom"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/gothauth"
	"github.com/gormauth/gormauth/gothauth/oauthdemo"
	"github.com/gormauth/gormauth/nextauthhttp"
	"github.com/gormauth/gormauth/repository"
)

// ownProvider is an application's own provider type, wrapping goth's.
type ownProvider struct{ goth.Provider }

// TestVerifiedEmailDefault: VerifiedEmail decides by the provider's goth
// package and the raw profile it sent; an unknown provider, and a profile
// without the flag, are not verified.
func TestVerifiedEmailDefault(t *testing.T) {
	t.Parallel()
	cb := "https://app.example/cb"
	gh := github.New("id", "secret", cb)
	oidc, err := openidConnect.NewCustomisedURL("id", "secret", cb, "https://op/a", "https://op/t", "https://op", "", "")
	require.NoError(t, err)
	a0 := auth0.New("id", "secret", cb, "tenant.auth0.com")
	dc := discord.New("id", "secret", cb)
	ok := okta.New("id", "secret", "https://org.okta.com", cb)
	zm := zoom.New("id", "secret", cb)
	user := func(email string, raw map[string]any) goth.User { return goth.User{Email: email, RawData: raw} }
	for _, c := range []struct {
		name string
		p    goth.Provider
		u    goth.User
		want bool
	}{
		{"github: from /user/emails (public email null)", gh, user("a@x.com", map[string]any{"email": nil}), true},
		{"github: the public email", gh, user("a@x.com", map[string]any{"email": "a@x.com"}), true},
		{"github: another address than the profile's", gh, user("a@x.com", map[string]any{"email": "b@x.com"}), false},
		{"github: no email", gh, user("", map[string]any{"email": nil}), false},
		{"oidc: email_verified", oidc, user("a@x.com", map[string]any{"email": "a@x.com", "email_verified": true}), true},
		{"oidc: email_verified as a string", oidc, user("a@x.com", map[string]any{"email": "a@x.com", "email_verified": "true"}), true},
		{"oidc: not verified", oidc, user("a@x.com", map[string]any{"email": "a@x.com", "email_verified": false}), false},
		{"oidc: no claim", oidc, user("a@x.com", map[string]any{"email": "a@x.com"}), false},
		{"oidc: the email from another claim", oidc, user("a@x.com", map[string]any{"upn": "a@x.com", "email_verified": true}), false},
		{"auth0: email_verified", a0, user("a@x.com", map[string]any{"email": "a@x.com", "email_verified": true}), true},
		{"auth0: not verified", a0, user("a@x.com", map[string]any{"email": "a@x.com", "email_verified": false}), false},
		{"discord: verified", dc, user("a@x.com", map[string]any{"email": "a@x.com", "verified": true}), true},
		{"discord: not verified", dc, user("a@x.com", map[string]any{"email": "a@x.com", "verified": false}), false},
		{"discord: email_verified is not discord's flag", dc, user("a@x.com", map[string]any{"email": "a@x.com", "email_verified": true}), false},
		{"okta: not known", ok, user("a@x.com", map[string]any{"email": "a@x.com", "email_verified": true}), false},
		{"zoom: not known", zm, user("a@x.com", map[string]any{"email": "a@x.com", "verified": 1}), false},
		{"an application's own type", ownProvider{gh}, user("a@x.com", map[string]any{"email": nil}), false},
		{"no provider", nil, user("a@x.com", map[string]any{"email": nil}), false},
	} {
		assert.Equal(t, c.want, gothauth.VerifiedEmail(c.p, c.u), c.name)
	}
}

// takeoverPeople: the victim's address, claimed unverified by Mallory at
// the provider, and verified by the victim; and Bob, whose address is not
// verified either.
var takeoverPeople = oauthdemo.People{
	{ID: 1, Login: "alice", Name: "Alice", Email: "alice@example.com"},
	{ID: 8, Login: "mallory", Name: "Mallory", Email: "victim@example.com", EmailUnverified: true},
	{ID: 9, Login: "victim", Name: "Victim", Email: "victim@example.com"},
	{ID: 10, Login: "bob", Name: "Bob", Email: "bob@example.com", EmailUnverified: true},
}

// openIDGitlab is an appConfig whose "gitlab" is the demo's OpenID
// Connect provider, which reports email_verified; "github" stays the
// GitHub-shaped one.
var openIDGitlab = appConfig{people: takeoverPeople,
	provider: func(demo *oauthdemo.Server, demoURL, name, callbackURL string) goth.Provider {
		if name == "gitlab" {
			return demo.OpenIDProvider(demoURL, name, callbackURL)
		}
		return demo.Provider(demoURL, name, callbackURL)
	}}

// TestUnverifiedEmailTakeover: Mallory signs up through a provider that
// does not verify addresses with the victim's. Before, the user made got
// the victim's address: the victim, signing in with a provider that
// verified it, was refused (ErrAccountNotLinked), and an email sign-in
// would have led into Mallory's user. Now the address is not given to
// that user (a user without email; on Prisma, which needs one: 403
// ErrUnverifiedEmail, nothing written), and the victim's own sign-in makes
// the victim's user, verified. A verified address reaches the user, with
// EmailVerified set. A provider account linked while signed in signs in
// without a verified address.
func TestUnverifiedEmailTakeover(t *testing.T) {
	t.Parallel()
	forFlavours(t, func(t *testing.T, f *gormauth.Flavour) {
		ctx := context.Background()
		repo := newRepo(t, f)
		a := newAppWith(t, repo, openIDGitlab)
		status, page := a.signIn(t, browser(t), "gitlab", 1) // Mallory
		var mallory *repository.User
		if f.EmailRequired() {
			assert.Equal(t, http.StatusForbidden, status, page)
			assert.Contains(t, page, "no verified email address")
			assert.Contains(t, page, "sign in by email")
			_, err := repo.Accounts.ByKey(ctx, repository.AccountKey{Provider: "gitlab", ProviderAccountID: "8"})
			assert.ErrorIs(t, err, repository.ErrNotFound, "nothing written")
			_, err = repo.Users.ByEmail(ctx, "victim@example.com")
			assert.ErrorIs(t, err, repository.ErrNotFound)
		} else {
			require.Equal(t, http.StatusOK, status, page)
			assert.Contains(t, page, "(no email)")
			var err error
			mallory, err = repo.Users.ByAccount(ctx, repository.AccountKey{Provider: "gitlab", ProviderAccountID: "8"})
			require.NoError(t, err)
			assert.Nil(t, mallory.Email, "the victim's address is not given to Mallory's user")
			assert.Nil(t, mallory.EmailVerified)
		}

		status, page = a.signIn(t, browser(t), "github", 2) // the victim, verified
		require.Equal(t, http.StatusOK, status, page)
		assert.Contains(t, page, "victim@example.com")
		victim, err := repo.Users.ByEmail(ctx, "victim@example.com")
		require.NoError(t, err)
		if mallory != nil {
			assert.NotEqual(t, mallory.ID, victim.ID)
		}
		assert.NotNil(t, victim.EmailVerified, "verified by the provider")

		status, page = a.signIn(t, browser(t), "gitlab", 0) // Alice, verified through OpenID Connect
		require.Equal(t, http.StatusOK, status, page)
		alice, err := repo.Users.ByEmail(ctx, "alice@example.com")
		require.NoError(t, err)
		assert.NotNil(t, alice.EmailVerified)

		// Bob, a user here, links his provider account, whose address the
		// provider has not verified; he signs in with it all the same.
		email := "bob@example.com"
		bob := &repository.User{Email: &email}
		require.NoError(t, repo.Users.Create(ctx, bob))
		sess, err := repo.Sessions.Create(ctx, bob.ID)
		require.NoError(t, err)
		c := browser(t)
		su, _ := url.Parse(a.srv.URL)
		c.Jar.SetCookies(su, []*http.Cookie{{Name: nextauthhttp.CookieFor(f).Name, Value: sess.SessionToken, Path: "/"}})
		status, page = a.link(t, c, "gitlab", 3)
		require.Equal(t, http.StatusOK, status, page)
		status, page = a.signIn(t, browser(t), "gitlab", 3)
		require.Equal(t, http.StatusOK, status, page)
		assert.Contains(t, page, "user "+bob.ID+" bob@example.com", "a returning linked account signs in")
	})
}
