package gothauth_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/markbates/goth"
	"github.com/markbates/goth/providers/auth0"
	"github.com/markbates/goth/providers/discord"
	"github.com/markbates/goth/providers/fitbit"
	"github.com/markbates/goth/providers/github"
	"github.com/markbates/goth/providers/openidConnect"
	"github.com/markbates/goth/providers/zoom"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/gothauth"
	"github.com/gormauth/gormauth/repository"
)

// TestPKCEDefault: PKCE is on for the goth providers whose exchange sends
// the code_verifier, and off for the others, which would drop it.
func TestPKCEDefault(t *testing.T) {
	t.Parallel()
	cb := "https://app.example/cb"
	oidc, err := openidConnect.NewCustomisedURL("id", "secret", cb, "https://op/a", "https://op/t", "https://op", "", "")
	require.NoError(t, err)
	for _, c := range []struct {
		p    goth.Provider
		want bool
	}{
		{oidc, true}, {zoom.New("id", "secret", cb), true}, {fitbit.New("id", "secret", cb), true},
		{github.New("id", "secret", cb), false}, {discord.New("id", "secret", cb), false},
		{auth0.New("id", "secret", cb, "t.auth0.com"), false}, {ownProvider{oidc}, false},
	} {
		assert.Equal(t, c.want, gothauth.PKCE(c.p), "%T", c.p)
	}
}

// redirectOf sends GET path in c, without following, and returns where
// it redirects to.
func (a *app) redirectOf(t *testing.T, c *http.Client, path string) *url.URL {
	t.Helper()
	noFollow := *c
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err := noFollow.Get(a.srv.URL + path)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusFound, res.StatusCode)
	to, err := url.Parse(res.Header.Get("Location"))
	require.NoError(t, err)
	return to
}

// get sends GET target in c and returns the final status and page.
func get(t *testing.T, c *http.Client, target string) (int, string) {
	t.Helper()
	res, err := c.Get(target)
	require.NoError(t, err)
	defer res.Body.Close()
	page, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res.StatusCode, string(page)
}

// TestPKCEEndToEnd: with goth's openidConnect provider, Begin sends an
// S256 code_challenge and the callback exchanges the code with the
// verifier kept in the sealed state, which the demo provider checks.
// A code injected into another browser's callback (an attacker who got
// hold of the victim's code redeems it with a state of his own) is
// exchanged with the wrong verifier and refused; without PKCE the same
// injection signs the attacker in as the victim. A code_verifier put in
// the callback's query is not used. PKCE forced on a provider whose
// exchange drops the verifier (goth's github) fails every sign-in, which
// is why the default decides by provider.
func TestPKCEEndToEnd(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	inject := func(t *testing.T, a *app) (int, string) {
		t.Helper()
		_, callback := a.approve(t, browser(t), http.MethodGet, "/auth/gitlab", 2) // the victim's code
		code, err := url.Parse(callback)
		require.NoError(t, err)
		attacker := browser(t)
		to := a.redirectOf(t, attacker, "/auth/gitlab") // his own state
		return get(t, attacker, a.srv.URL+"/auth/gitlab/callback?"+url.Values{
			"code": {code.Query().Get("code")}, "state": {to.Query().Get("state")}}.Encode())
	}

	repo := newRepo(t, gormauth.Beta73)
	a := newAppWith(t, repo, openIDGitlab)
	to := a.redirectOf(t, browser(t), "/auth/gitlab")
	assert.Len(t, to.Query().Get("code_challenge"), 43)
	assert.Equal(t, "S256", to.Query().Get("code_challenge_method"))
	status, page := a.signIn(t, browser(t), "gitlab", 0)
	require.Equal(t, http.StatusOK, status, page)
	assert.Contains(t, page, "alice@example.com")

	status, page = inject(t, a)
	assert.Equal(t, http.StatusBadRequest, status, page)
	assert.Contains(t, page, "expired or was already used")
	_, err := repo.Accounts.ByKey(ctx, repository.AccountKey{Provider: "gitlab", ProviderAccountID: "9"})
	assert.ErrorIs(t, err, repository.ErrNotFound, "the victim's account is not signed in to")

	// The callback's own code_verifier is ignored: the state's is sent.
	c := browser(t)
	_, callback := a.approve(t, c, http.MethodGet, "/auth/gitlab", 2)
	status, page = get(t, c, callback+"&code_verifier="+url.QueryEscape("wrong-wrong-wrong-wrong-wrong-wrong-wrong-wrong"))
	require.Equal(t, http.StatusOK, status, page)
	assert.Contains(t, page, "victim@example.com")

	t.Run("without PKCE the injection works", func(t *testing.T) {
		cfg := openIDGitlab
		cfg.options = func(o *gothauth.Options) { o.PKCE = func(goth.Provider) bool { return false } }
		b := newAppWith(t, newRepo(t, gormauth.Beta73), cfg)
		assert.Empty(t, b.redirectOf(t, browser(t), "/auth/gitlab").Query().Get("code_challenge"))
		status, page := inject(t, b)
		assert.Equal(t, http.StatusOK, status, page)
		assert.Contains(t, page, "victim@example.com", "the attacker is signed in as the victim")
	})

	t.Run("forced on github", func(t *testing.T) {
		cfg := openIDGitlab
		cfg.options = func(o *gothauth.Options) { o.PKCE = func(goth.Provider) bool { return true } }
		b := newAppWith(t, repo, cfg)
		status, page := b.signIn(t, browser(t), "github", 0)
		assert.Equal(t, http.StatusBadRequest, status, page)
		assert.Contains(t, page, "expired or was already used")
	})
}
