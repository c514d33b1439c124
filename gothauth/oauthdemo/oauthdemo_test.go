package oauthdemo_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth/gothauth/oauthdemo"
)

var people = oauthdemo.People{{ID: 7, Login: "alice", Name: "Alice", Email: "alice@example.com"}}

// TestToken: the token endpoint answers as RFC 6749 section 5.2 says: a
// code it did not issue (made up, used, expired, or for another redirect
// URI) is 400 invalid_grant, wrong client credentials 401 invalid_client,
// and a code it issued, once, an access token.
func TestToken(t *testing.T) {
	t.Parallel()
	demo := oauthdemo.New(people)
	srv := httptest.NewServer(demo)
	t.Cleanup(srv.Close)
	redirect := "http://app.example/auth/github/callback"
	demo.Provider(srv.URL, "github", redirect)
	exchange := func(t *testing.T, id, secret, code string) (int, map[string]any) {
		t.Helper()
		res, err := http.PostForm(srv.URL+"/login/oauth/access_token", url.Values{"client_id": {id}, "client_secret": {secret},
			"code": {code}, "redirect_uri": {redirect}, "grant_type": {"authorization_code"}})
		require.NoError(t, err)
		defer res.Body.Close()
		assert.Equal(t, "application/json", res.Header.Get("Content-Type"))
		var body map[string]any
		require.NoError(t, json.NewDecoder(res.Body).Decode(&body))
		return res.StatusCode, body
	}
	issue := func(t *testing.T) string {
		t.Helper()
		c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err := c.PostForm(srv.URL+"/login/oauth/authorize", url.Values{"client_id": {oauthdemo.ClientID},
			"redirect_uri": {redirect}, "state": {"st"}, "person": {"0"}})
		require.NoError(t, err)
		res.Body.Close()
		require.Equal(t, http.StatusFound, res.StatusCode)
		to, err := url.Parse(res.Header.Get("Location"))
		require.NoError(t, err)
		require.NotEmpty(t, to.Query().Get("code"))
		return to.Query().Get("code")
	}

	status, body := exchange(t, oauthdemo.ClientID, oauthdemo.ClientSecret, "made-up")
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, map[string]any{"error": "invalid_grant"}, body)

	status, body = exchange(t, oauthdemo.ClientID, oauthdemo.ClientSecret, "")
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "invalid_grant", body["error"])

	for _, wrong := range []string{"wrong", "", oauthdemo.ClientSecret[:len(oauthdemo.ClientSecret)-1], oauthdemo.ClientSecret + "x"} {
		code := issue(t)
		status, body = exchange(t, oauthdemo.ClientID, wrong, code)
		assert.Equal(t, http.StatusUnauthorized, status, "secret %q", wrong)
		assert.Equal(t, map[string]any{"error": "invalid_client"}, body)
	}
	code := issue(t)
	status, body = exchange(t, oauthdemo.ClientID+"x", oauthdemo.ClientSecret, code)
	assert.Equal(t, http.StatusUnauthorized, status, "a client id with a suffix")
	assert.Equal(t, "invalid_client", body["error"])

	code = issue(t)
	status, body = exchange(t, oauthdemo.ClientID, oauthdemo.ClientSecret, code)
	assert.Equal(t, http.StatusOK, status)
	assert.NotEmpty(t, body["access_token"])
	status, body = exchange(t, oauthdemo.ClientID, oauthdemo.ClientSecret, code)
	assert.Equal(t, http.StatusBadRequest, status, "a code works once")
	assert.Equal(t, "invalid_grant", body["error"])
}

// TestAuthorizePage: the page says which of the application's providers
// the person picked, by the label given to LabeledProvider.
func TestAuthorizePage(t *testing.T) {
	t.Parallel()
	demo := oauthdemo.New(people)
	srv := httptest.NewServer(demo)
	t.Cleanup(srv.Close)
	for name, label := range map[string]string{"github": "GitHub (demo)", "gitlab": "GitLab (demo)"} {
		p := demo.LabeledProvider(srv.URL, name, label, "http://app.example/auth/"+name+"/callback")
		sess, err := p.BeginAuth("st")
		require.NoError(t, err)
		authURL, err := sess.GetAuthURL()
		require.NoError(t, err)
		res, err := http.Get(authURL)
		require.NoError(t, err)
		page, err := io.ReadAll(res.Body)
		res.Body.Close()
		require.NoError(t, err)
		assert.Equal(t, http.StatusOK, res.StatusCode)
		assert.Contains(t, string(page), label)
		assert.Equal(t, 1, strings.Count(string(page), "(demo)"), "only the provider picked")
	}
}
