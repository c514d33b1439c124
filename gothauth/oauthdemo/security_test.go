package oauthdemo_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth/gothauth/oauthdemo"
)

// demoServer is a demo provider whose github provider has the callback
// registered.
type demoServer struct {
	srv      *httptest.Server
	demo     *oauthdemo.Server
	redirect string
}

func newDemo(t *testing.T, people oauthdemo.People) *demoServer {
	t.Helper()
	d := &demoServer{demo: oauthdemo.New(people), redirect: "http://app.example/auth/github/callback"}
	d.srv = httptest.NewServer(d.demo)
	t.Cleanup(d.srv.Close)
	d.demo.Provider(d.srv.URL, "github", d.redirect)
	return d
}

// authorize posts the authorize form with params (client_id, person 0 and
// the registered redirect_uri unless params set them) and returns the
// status and the Location it redirects to.
func (d *demoServer) authorize(t *testing.T, params url.Values) (int, *url.URL) {
	t.Helper()
	form := url.Values{"client_id": {oauthdemo.ClientID}, "redirect_uri": {d.redirect}, "state": {"st"}, "person": {"0"}}
	for k, v := range params {
		form[k] = v
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.PostForm(d.srv.URL+"/login/oauth/authorize", form)
	require.NoError(t, err)
	res.Body.Close()
	if res.StatusCode != http.StatusFound {
		return res.StatusCode, nil
	}
	to, err := url.Parse(res.Header.Get("Location"))
	require.NoError(t, err)
	return res.StatusCode, to
}

// exchange posts the code (and the verifier, if any) to the token
// endpoint with the right client credentials.
func (d *demoServer) exchange(t *testing.T, code, verifier string) (int, map[string]any) {
	t.Helper()
	form := url.Values{"client_id": {oauthdemo.ClientID}, "client_secret": {oauthdemo.ClientSecret},
		"code": {code}, "redirect_uri": {d.redirect}, "grant_type": {"authorization_code"}}
	if verifier != "" {
		form.Set("code_verifier", verifier)
	}
	res, err := http.PostForm(d.srv.URL+"/login/oauth/access_token", form)
	require.NoError(t, err)
	defer res.Body.Close()
	var body map[string]any
	require.NoError(t, json.NewDecoder(res.Body).Decode(&body))
	return res.StatusCode, body
}

// TestRedirectRegistered: the demo provider runs on the application's
// origin, so it must not be an open redirector, nor hand a code to any
// URL: only the callback URLs of the providers it made are accepted, by
// the page and by the form, which answer 400 without redirecting.
func TestRedirectRegistered(t *testing.T) {
	t.Parallel()
	d := newDemo(t, people)
	for _, redirect := range []string{"https://evil.example/steal", "http://app.example/auth/github/callback/x",
		"http://app.example/auth/github/callback?x=1", "http://APP.example/auth/github/callback", ""} {
		status, to := d.authorize(t, url.Values{"redirect_uri": {redirect}})
		assert.Equal(t, http.StatusBadRequest, status, redirect)
		assert.Nil(t, to)
		res, err := http.Get(d.srv.URL + "/login/oauth/authorize?" + url.Values{"client_id": {oauthdemo.ClientID},
			"redirect_uri": {redirect}, "state": {"st"}}.Encode())
		require.NoError(t, err)
		res.Body.Close()
		assert.Equal(t, http.StatusBadRequest, res.StatusCode, redirect)
	}
	status, to := d.authorize(t, nil)
	require.Equal(t, http.StatusFound, status)
	assert.Equal(t, "app.example", to.Host)
	assert.NotEmpty(t, to.Query().Get("code"))

	// Another provider made on the server registers its own callback.
	d.demo.Provider(d.srv.URL, "gitlab", "http://app.example/auth/gitlab/callback")
	status, _ = d.authorize(t, url.Values{"redirect_uri": {"http://app.example/auth/gitlab/callback"}})
	assert.Equal(t, http.StatusFound, status)
}

// challenge is PKCE's S256 challenge of verifier.
func challenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// TestPKCE: a code asked with a code_challenge is exchanged only with its
// code_verifier; a missing or wrong one is invalid_grant and uses the code
// up. A code asked without one refuses a verifier (OAuth 2.1), and a
// challenge method other than S256 is refused at the authorize step.
func TestPKCE(t *testing.T) {
	t.Parallel()
	d := newDemo(t, people)
	verifier := strings.Repeat("v", 43)
	code := func(t *testing.T, params url.Values) string {
		t.Helper()
		status, to := d.authorize(t, params)
		require.Equal(t, http.StatusFound, status)
		require.NotEmpty(t, to.Query().Get("code"), to.Query().Get("error"))
		return to.Query().Get("code")
	}
	pkce := url.Values{"code_challenge": {challenge(verifier)}, "code_challenge_method": {"S256"}}

	for name, sent := range map[string]string{"no verifier": "", "wrong verifier": strings.Repeat("w", 43),
		"too short": verifier[:42], "the challenge itself": challenge(verifier)} {
		c := code(t, pkce)
		status, body := d.exchange(t, c, sent)
		assert.Equal(t, http.StatusBadRequest, status, name)
		assert.Equal(t, "invalid_grant", body["error"], name)
		status, _ = d.exchange(t, c, verifier)
		assert.Equal(t, http.StatusBadRequest, status, "%s: the code is used up", name)
	}
	status, body := d.exchange(t, code(t, pkce), verifier)
	assert.Equal(t, http.StatusOK, status)
	assert.NotEmpty(t, body["access_token"])

	status, body = d.exchange(t, code(t, nil), verifier)
	assert.Equal(t, http.StatusBadRequest, status, "a verifier for a code asked without a challenge")
	assert.Equal(t, "invalid_grant", body["error"])

	for _, method := range []string{"plain", "", "s256"} {
		_, to := d.authorize(t, url.Values{"code_challenge": {verifier}, "code_challenge_method": {method}})
		assert.Equal(t, "invalid_request", to.Query().Get("error"), "method %q", method)
		assert.Empty(t, to.Query().Get("code"))
	}
}

// TestOpenIDProvider: goth's openidConnect provider signs in with the
// demo provider, with PKCE, and reports email_verified as the person's
// address is: verified, or not (EmailUnverified). The GitHub-shaped
// endpoints report an unverified address as GitHub does, which goth's
// github provider refuses to use.
func TestOpenIDProvider(t *testing.T) {
	t.Parallel()
	demo := oauthdemo.New(oauthdemo.People{
		{ID: 7, Login: "alice", Name: "Alice", Email: "alice@example.com"},
		{ID: 8, Login: "mallory", Name: "Mallory", Email: "victim@example.com", EmailUnverified: true},
	})
	srv := httptest.NewServer(demo)
	t.Cleanup(srv.Close)
	redirect := "http://app.example/auth/oidc/callback"
	p := demo.OpenIDProvider(srv.URL, "oidc", redirect)
	gh := demo.Provider(srv.URL, "github", "http://app.example/auth/github/callback")
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	verifier := strings.Repeat("x", 50)

	for person, verified := range []bool{true, false} {
		sess, err := p.BeginAuth("st")
		require.NoError(t, err)
		authURL, err := sess.GetAuthURL()
		require.NoError(t, err)
		to, err := url.Parse(authURL)
		require.NoError(t, err)
		assert.Contains(t, strings.Fields(to.Query().Get("scope")), "openid")
		form := to.Query()
		form.Set("person", []string{"0", "1"}[person])
		form.Set("code_challenge", challenge(verifier))
		form.Set("code_challenge_method", "S256")
		res, err := c.PostForm(srv.URL+"/login/oauth/authorize", form)
		require.NoError(t, err)
		res.Body.Close()
		back, err := url.Parse(res.Header.Get("Location"))
		require.NoError(t, err)
		_, err = sess.Authorize(p, url.Values{"code": {back.Query().Get("code")}, "code_verifier": {verifier}})
		require.NoError(t, err)
		u, err := p.FetchUser(sess)
		require.NoError(t, err)
		assert.Equal(t, []string{"7", "8"}[person], u.UserID)
		assert.Equal(t, []string{"alice@example.com", "victim@example.com"}[person], u.Email)
		assert.Equal(t, verified, u.RawData["email_verified"])
		assert.NotEmpty(t, u.IDToken)

		// goth's github provider, on the GitHub-shaped endpoints.
		sess, err = gh.BeginAuth("st")
		require.NoError(t, err)
		authURL, _ = sess.GetAuthURL()
		to, _ = url.Parse(authURL)
		form = to.Query()
		form.Set("person", []string{"0", "1"}[person])
		res, err = c.PostForm(srv.URL+"/login/oauth/authorize", form)
		require.NoError(t, err)
		res.Body.Close()
		back, _ = url.Parse(res.Header.Get("Location"))
		_, err = sess.Authorize(gh, url.Values{"code": {back.Query().Get("code")}})
		require.NoError(t, err)
		u, err = gh.FetchUser(sess)
		if verified {
			require.NoError(t, err)
			assert.Equal(t, "alice@example.com", u.Email)
		} else {
			assert.ErrorContains(t, err, "primary email", "goth's github provider finds no verified primary address")
		}
	}
}
