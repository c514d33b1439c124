package gothauth_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/markbates/goth"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/gothauth"
	"github.com/gormauth/gormauth/gothauth/oauthdemo"
	"github.com/gormauth/gormauth/repository"
)

// site is newApp on a new repository of flavour f, with owner, which
// returns the email of the user a provider account is linked to ("" when
// it is linked to none).
func site(t *testing.T, f *gormauth.Flavour) (a *app, owner func(t *testing.T, provider, accountID string) string) {
	t.Helper()
	repo := newRepo(t, f)
	return newApp(t, repo, nil), func(t *testing.T, provider, id string) string {
		t.Helper()
		u, err := repo.Users.ByAccount(context.Background(), repository.AccountKey{Provider: provider, ProviderAccountID: id})
		if errors.Is(err, repository.ErrNotFound) {
			return ""
		}
		require.NoError(t, err)
		return *u.Email
	}
}

// approve sends method path in c (GET /auth/{provider} for a sign-in,
// POST /auth/{provider}/link for a link) and goes as far as the provider's
// answer, approving as person; it returns
// the state cookie the app set and the callback URL the provider sent the
// browser to, neither of them followed nor used: what an attacker carries
// to a victim's browser.
func (a *app) approve(t *testing.T, c *http.Client, method, path string, person int) (*http.Cookie, string) {
	t.Helper()
	noFollow := *c
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	req, err := http.NewRequest(method, a.srv.URL+path, nil)
	require.NoError(t, err)
	res, err := noFollow.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	require.Contains(t, []int{http.StatusFound, http.StatusSeeOther}, res.StatusCode)
	var state *http.Cookie
	for _, ck := range res.Cookies() {
		state = ck
	}
	require.NotNil(t, state, "the state cookie")
	to, err := url.Parse(res.Header.Get("Location"))
	require.NoError(t, err)
	form := to.Query() // as the provider's page sends them back
	form.Set("person", fmt.Sprint(person))
	res, err = noFollow.PostForm(a.provider.URL+"/login/oauth/authorize", form)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusFound, res.StatusCode)
	return state, res.Header.Get("Location")
}

// plant sets the cookie in c for the app, as an attacker who can write
// the site's cookies (a sibling subdomain, plain HTTP) does, and sends c to
// the callback URL; it returns the final status and page.
func (a *app) plant(t *testing.T, c *http.Client, state *http.Cookie, callback string) (int, string) {
	t.Helper()
	u, err := url.Parse(a.srv.URL)
	require.NoError(t, err)
	c.Jar.SetCookies(u, []*http.Cookie{{Name: state.Name, Value: state.Value, Path: "/"}})
	res, err := c.Get(callback)
	require.NoError(t, err)
	defer res.Body.Close()
	page, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res.StatusCode, string(page)
}

// TestPlantedStateAttack: an attacker starts a sign-in with his own
// provider account in his browser, approves it, and plants his state
// cookie in a signed-in victim's browser, which he sends to the callback.
// Before the fix, Callback linked whenever the request was signed in: the
// attacker's account was linked to the victim's user, and the attacker
// then signed in as the victim. Now the state is bound to the session of
// the browser that began it (none) and to its intent (sign in): refused,
// nothing linked, and the attacker's sign-in makes a user of his own.
func TestPlantedStateAttack(t *testing.T) {
	t.Parallel()
	forFlavours(t, func(t *testing.T, f *gormauth.Flavour) {
		a, owner := site(t, f)
		victim := browser(t)
		status, page := a.signIn(t, victim, "github", 0) // Alice
		require.Equal(t, http.StatusOK, status, page)

		attacker := browser(t)
		state, callback := a.approve(t, attacker, http.MethodGet, "/auth/gitlab", 1) // Bob's gitlab account
		status, page = a.plant(t, victim, state, callback)
		assert.Equal(t, http.StatusBadRequest, status, page)
		assert.Contains(t, page, "not started here")
		assert.Equal(t, "", owner(t, "gitlab", "2"), "the attacker's account is linked to nobody")
		assert.Equal(t, "alice@example.com", owner(t, "github", "1"))

		status, page = a.signIn(t, browser(t), "gitlab", 1)
		require.Equal(t, http.StatusOK, status, page)
		assert.Contains(t, page, "bob@example.com", "the attacker signs in as himself")
		assert.Equal(t, "bob@example.com", owner(t, "gitlab", "2"))
	})
}

// TestLink: Link links the provider account to the signed-in user, who
// stays signed in as before; a request not signed in is refused (401)
// before the provider is asked, and a cross-origin POST is refused by the
// CrossOriginProtection in front of it. A sign-in (Begin) in a signed-in
// browser signs in and links nothing.
func TestLink(t *testing.T) {
	t.Parallel()
	forFlavours(t, func(t *testing.T, f *gormauth.Flavour) {
		a, owner := site(t, f)
		alice := browser(t)
		status, home := a.signIn(t, alice, "github", 0)
		require.Equal(t, http.StatusOK, status, home)

		status, page := a.link(t, alice, "gitlab", 0)
		require.Equal(t, http.StatusOK, status, page)
		assert.Equal(t, home, page, "still Alice")
		assert.Equal(t, "alice@example.com", owner(t, "gitlab", "1"))

		// Not signed in: refused at once, nothing linked.
		res, err := browser(t).Post(a.srv.URL+"/auth/gitlab/link", "", nil)
		require.NoError(t, err)
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		assert.Equal(t, http.StatusUnauthorized, res.StatusCode)
		assert.Contains(t, string(body), "sign in first")
		assert.Equal(t, a.srv.URL+"/auth/gitlab/link", res.Request.URL.String(), "not sent to the provider")

		// A cross-origin POST (another site's form) never starts a link.
		req, err := http.NewRequest(http.MethodPost, a.srv.URL+"/auth/github/link", nil)
		require.NoError(t, err)
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		res, err = alice.Do(req)
		require.NoError(t, err)
		res.Body.Close()
		assert.Equal(t, http.StatusForbidden, res.StatusCode)

		// Signed in as Alice, Begin with Bob's gitlab account signs in
		// as Bob (a new user) and links nothing to Alice; Alice's
		// session in this browser is ended, not left valid.
		u, _ := url.Parse(a.srv.URL)
		var before string
		for _, c := range alice.Jar.Cookies(u) {
			if strings.HasSuffix(c.Name, "session-token") {
				before = c.Name + "=" + c.Value
			}
		}
		require.NotEmpty(t, before)
		status, page = a.signIn(t, alice, "gitlab", 1)
		require.Equal(t, http.StatusOK, status, page)
		assert.Contains(t, page, "bob@example.com")
		assert.Equal(t, "bob@example.com", owner(t, "gitlab", "2"))
		assert.Equal(t, "alice@example.com", owner(t, "github", "1"))
		req, err = http.NewRequest(http.MethodGet, a.srv.URL+"/", nil)
		require.NoError(t, err)
		req.Header.Set("Cookie", before)
		res, err = http.DefaultClient.Do(req)
		require.NoError(t, err)
		body, _ = io.ReadAll(res.Body)
		res.Body.Close()
		assert.NotContains(t, string(body), "alice@example.com", "the replaced session is gone")
	})
}

// TestLinkStateOtherSession: an attacker signed in as himself starts a
// link, approves with his provider account, and plants that state in a
// victim's browser, signed in as the victim: the link state is bound to
// the attacker's session, so the victim's callback is refused and nothing
// is linked; in the attacker's own browser it links to him.
func TestLinkStateOtherSession(t *testing.T) {
	t.Parallel()
	forFlavours(t, func(t *testing.T, f *gormauth.Flavour) {
		a, owner := site(t, f)
		victim, attacker := browser(t), browser(t)
		status, page := a.signIn(t, victim, "github", 0) // Alice
		require.Equal(t, http.StatusOK, status, page)
		status, page = a.signIn(t, attacker, "github", 1) // Bob
		require.Equal(t, http.StatusOK, status, page)

		state, callback := a.approve(t, attacker, http.MethodPost, "/auth/gitlab/link", 1)
		status, page = a.plant(t, victim, state, callback)
		assert.Equal(t, http.StatusBadRequest, status, page)
		assert.Equal(t, "", owner(t, "gitlab", "2"), "linked to nobody")

		// The same kind of state, used where it began, links.
		state, callback = a.approve(t, attacker, http.MethodPost, "/auth/gitlab/link", 1)
		status, page = a.plant(t, attacker, state, callback)
		assert.Equal(t, http.StatusOK, status, page)
		assert.Equal(t, "bob@example.com", owner(t, "gitlab", "2"))

		// A link state whose session signed out in between: refused.
		state, callback = a.approve(t, victim, http.MethodPost, "/auth/gitlab/link", 0)
		signedOut := browser(t)
		status, page = a.plant(t, signedOut, state, callback)
		assert.Equal(t, http.StatusBadRequest, status, page)
		assert.Equal(t, "", owner(t, "gitlab", "1"))
	})
}

// TestStateCookie: over HTTPS the state cookie is __Host-gormauth.oauth-state
// (Secure, Path=/, no Domain), which a browser takes only from this
// secure origin, not from a sibling subdomain or a man in the middle; over
// plain HTTP it has the plain name. A callback over HTTPS reads only the
// __Host- one: a state under the plain name (planted over HTTP) is
// refused.
func TestStateCookie(t *testing.T) {
	t.Parallel()
	demo := oauthdemo.New(people)
	h, err := gothauth.New(newRepo(t, gormauth.Beta73), gothauth.Options{Secret: secret,
		Providers: []goth.Provider{demo.Provider("https://demo.example", "github", "https://app.example/auth/github/callback")}})
	require.NoError(t, err)
	begin := func(target string) *http.Cookie {
		w := httptest.NewRecorder()
		h.Begin(w, httptest.NewRequest(http.MethodGet, target, nil))
		require.Equal(t, http.StatusFound, w.Code)
		cookies := w.Result().Cookies()
		require.Len(t, cookies, 1)
		return cookies[0]
	}
	c := begin("https://app.example/auth?provider=github")
	assert.Equal(t, "__Host-gormauth.oauth-state", c.Name)
	assert.True(t, c.Secure)
	assert.True(t, c.HttpOnly)
	assert.Equal(t, "/", c.Path)
	assert.Empty(t, c.Domain)
	assert.Equal(t, http.SameSiteLaxMode, c.SameSite)

	plain := begin("http://app.example/auth?provider=github")
	assert.Equal(t, "gormauth.oauth-state", plain.Name)
	assert.False(t, plain.Secure)

	// The HTTPS callback with the state under the plain name only.
	w := httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodGet, "https://app.example/auth/github/callback?provider=github&code=c&state=s", nil)
	r.AddCookie(&http.Cookie{Name: "gormauth.oauth-state", Value: c.Value})
	h.Callback(w, r)
	assert.Equal(t, http.StatusBadRequest, w.Code)
	assert.Contains(t, w.Body.String(), "not started here")
}

// TestSiblingCookieLink: a sibling subdomain over HTTPS plants its own
// __Secure- session cookie for the parent domain with Path=/auth, which the
// browser sends before the victim's on /auth/…. Link must not start a flow
// bound to the attacker's session (the victim's provider account would be
// linked to the attacker's user): two session cookies count as none.
func TestSiblingCookieLink(t *testing.T) {
	for _, f := range gormauth.Flavours() {
		t.Run(f.Name(), func(t *testing.T) {
			a, owner := site(t, f)
			victim, attacker := browser(t), browser(t)
			st, page := a.signIn(t, victim, "github", 0)
			require.Equal(t, http.StatusOK, st, page)
			st, page = a.signIn(t, attacker, "github", 1)
			require.Equal(t, http.StatusOK, st, page)
			u, _ := url.Parse(a.srv.URL)
			token := func(c *http.Client) string {
				for _, ck := range c.Jar.Cookies(u) {
					if strings.HasSuffix(ck.Name, "session-token") {
						return ck.Name + "=" + ck.Value
					}
				}
				t.Fatal("no session cookie")
				return ""
			}
			secure := func(kv string) string { return "__Secure-" + kv }
			cookies := secure(token(attacker)) + "; " + secure(token(victim))
			noJar := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			req, err := http.NewRequest(http.MethodPost, a.srv.URL+"/auth/gitlab/link", nil)
			require.NoError(t, err)
			req.Header.Set("Cookie", cookies)
			res, err := noJar.Do(req)
			require.NoError(t, err)
			res.Body.Close()
			assert.Equal(t, http.StatusUnauthorized, res.StatusCode, "no flow begins for either session")
			assert.Empty(t, owner(t, "gitlab", "1"), "nothing linked")
		})
	}
}
