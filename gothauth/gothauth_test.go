package gothauth_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/markbates/goth"
	"github.com/markbates/goth/providers/github"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/gothauth"
	"github.com/gormauth/gormauth/gothauth/oauthdemo"
	"github.com/gormauth/gormauth/internal/harness/testdb"
	"github.com/gormauth/gormauth/nextauthhttp"
	"github.com/gormauth/gormauth/repository"
)

func TestMain(m *testing.M) { testdb.Main(m) }

var people = oauthdemo.People{
	{ID: 1, Login: "alice", Name: "Alice", Email: "Alice@Example.com"},
	{ID: 2, Login: "bob", Name: "Bob", Email: "bob@example.com"},
	{ID: 3, Login: "nomail"},
}

var secret = []byte("0123456789abcdef0123456789abcdef")

// app is a site with "Sign in with github" and "with gitlab", both served
// by one demo provider, on repo; GET /me answers who is signed in.
type app struct {
	srv, provider *httptest.Server
	logs          *logRecorder
}

// newApp's providers are the demo's, unless provider makes them.
func newApp(t *testing.T, repo *repository.Repository, provider func(demoURL, name, callbackURL string) goth.Provider) *app {
	t.Helper()
	cfg := appConfig{people: people}
	if provider != nil {
		cfg.provider = func(_ *oauthdemo.Server, demoURL, name, callbackURL string) goth.Provider {
			return provider(demoURL, name, callbackURL)
		}
	}
	return newAppWith(t, repo, cfg)
}

// appConfig is what newAppWith makes an app of.
type appConfig struct {
	people oauthdemo.People
	// provider makes the providers "github" and "gitlab" (nil: the demo's
	// github-shaped Provider); the demo's Provider registered the callback.
	provider func(demo *oauthdemo.Server, demoURL, name, callbackURL string) goth.Provider
	// options changes the Handler's options (nil: as they are).
	options func(*gothauth.Options)
}

// newAppWith is newApp with the demo's people, providers and options of
// cfg.
func newAppWith(t *testing.T, repo *repository.Repository, cfg appConfig) *app {
	t.Helper()
	demo := oauthdemo.New(cfg.people)
	a := &app{provider: httptest.NewServer(demo), logs: &logRecorder{}}
	t.Cleanup(a.provider.Close)
	mux := http.NewServeMux()
	a.srv = httptest.NewServer(nextauthhttp.Load(repo, nextauthhttp.Options{})(mux))
	t.Cleanup(a.srv.Close)
	opts := gothauth.Options{Secret: secret, Logger: slog.New(a.logs)}
	for _, name := range []string{"github", "gitlab"} {
		var p goth.Provider = demo.Provider(a.provider.URL, name, a.srv.URL+"/auth/"+name+"/callback")
		if cfg.provider != nil {
			p = cfg.provider(demo, a.provider.URL, name, a.srv.URL+"/auth/"+name+"/callback")
		}
		opts.Providers = append(opts.Providers, p)
	}
	if cfg.options != nil {
		cfg.options(&opts)
	}
	h, err := gothauth.New(repo, opts)
	require.NoError(t, err)
	mux.HandleFunc("GET /auth/{provider}", h.Begin)
	mux.Handle("POST /auth/{provider}/link", http.NewCrossOriginProtection().Handler(http.HandlerFunc(h.Link)))
	mux.HandleFunc("GET /auth/{provider}/callback", h.Callback)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		if u, ok := nextauthhttp.UserFrom(r.Context()); ok {
			fmt.Fprintf(w, "user %s %s", u.ID, orNone(u.Email))
			return
		}
		io.WriteString(w, "nobody")
	})
	return a
}

// orNone is *s, or "(no email)" for nil.
func orNone(s *string) string {
	if s == nil {
		return "(no email)"
	}
	return *s
}

// browser is an HTTP client with a cookie jar, which follows redirects.
func browser(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &http.Client{Jar: jar}
}

// signIn clicks "Sign in with provider" and, at the demo provider, the
// button of person (or Cancel for -1); it returns the final page.
func (a *app) signIn(t *testing.T, c *http.Client, provider string, person int) (int, string) {
	t.Helper()
	return a.flow(t, c, http.MethodGet, "/auth/"+provider, person)
}

// link clicks "Link provider" (a POST to Link) and then, at the demo
// provider, the button of person; it returns the final page.
func (a *app) link(t *testing.T, c *http.Client, provider string, person int) (int, string) {
	t.Helper()
	return a.flow(t, c, http.MethodPost, "/auth/"+provider+"/link", person)
}

// flow sends method path, which must lead to the demo provider's page,
// and there clicks the button of person (or Cancel for -1); it returns the
// final page.
func (a *app) flow(t *testing.T, c *http.Client, method, path string, person int) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, a.srv.URL+path, nil)
	require.NoError(t, err)
	res, err := c.Do(req)
	require.NoError(t, err)
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode, "%s", page)
	require.Contains(t, string(page), "Demo OAuth provider")
	form := res.Request.URL.Query() // as the page's form sends them back
	if person < 0 {
		form.Set("cancel", "1")
	} else {
		form.Set("person", fmt.Sprint(person))
	}
	res, err = c.PostForm(a.provider.URL+"/login/oauth/authorize", form)
	require.NoError(t, err)
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}

// newRepo returns a repository of flavour f on a new database that has
// the flavour's tables.
func newRepo(t *testing.T, f *gormauth.Flavour) *repository.Repository {
	t.Helper()
	db := testdb.Open(t)
	require.NoError(t, gormauth.AutoMigrate(context.Background(), db, f))
	return repository.New(db, f, repository.Options{})
}

// forFlavours runs test for each flavour, as parallel subtests.
func forFlavours(t *testing.T, test func(t *testing.T, f *gormauth.Flavour)) {
	t.Helper()
	for _, f := range gormauth.Flavours() {
		t.Run(f.Name(), func(t *testing.T) {
			t.Parallel()
			test(t, f)
		})
	}
}

// TestSignIn: a new user (the email lower-cased) with the flavour's
// session cookie and the provider's access token; the same user again from
// another browser; a provider account linked while signed in, without a new
// user or session; another user's provider account refused (409); and a
// person goth's GitHub provider refuses (no verified email), nothing
// written.
func TestSignIn(t *testing.T) {
	t.Parallel()
	forFlavours(t, func(t *testing.T, f *gormauth.Flavour) {
		ctx := context.Background()
		repo := newRepo(t, f)
		a := newApp(t, repo, nil)
		c := browser(t)

		status, body := a.signIn(t, c, "github", 0)
		require.Equal(t, http.StatusOK, status, body)
		assert.Regexp(t, `^user \S+ alice@example.com$`, body, "a new user, with the email lower-cased")
		u, _ := url.Parse(a.srv.URL)
		cookies := c.Jar.Cookies(u)
		require.Len(t, cookies, 1, "the session cookie only: the state cookie is gone")
		assert.Equal(t, nextauthhttp.CookieFor(f).Name, cookies[0].Name)
		acc, err := repo.Accounts.ByKey(ctx, repository.AccountKey{Provider: "github", ProviderAccountID: "1"})
		require.NoError(t, err)
		assert.Equal(t, "oauth", acc.Type)
		require.NotNil(t, acc.AccessToken)
		assert.NotEmpty(t, *acc.AccessToken)

		// Returning: the same user, from another browser.
		status, again := a.signIn(t, browser(t), "github", 0)
		require.Equal(t, http.StatusOK, status)
		assert.Equal(t, body, again)

		// Linking gitlab while signed in: no new user, no new session.
		sessions, err := repo.Sessions.ListByUser(ctx, acc.UserID)
		require.NoError(t, err)
		require.Len(t, sessions, 2)
		status, linked := a.link(t, c, "gitlab", 0)
		require.Equal(t, http.StatusOK, status, linked)
		assert.Equal(t, body, linked)
		sessions, err = repo.Sessions.ListByUser(ctx, acc.UserID)
		require.NoError(t, err)
		assert.Len(t, sessions, 2)
		list, err := repo.Accounts.ListByUser(ctx, acc.UserID)
		require.NoError(t, err)
		assert.Len(t, list, 2)

		// Bob signs in with gitlab; Alice cannot link his gitlab account.
		status, _ = a.signIn(t, browser(t), "gitlab", 1)
		require.Equal(t, http.StatusOK, status)
		status, page := a.link(t, c, "gitlab", 1)
		assert.Equal(t, http.StatusConflict, status)
		assert.Contains(t, page, "already linked to another user")

		// GitHub's provider in goth refuses a person without a verified
		// email: nothing is written.
		status, _ = a.signIn(t, browser(t), "github", 2)
		assert.Equal(t, http.StatusBadGateway, status)
		_, err = repo.Accounts.ByKey(ctx, repository.AccountKey{Provider: "github", ProviderAccountID: "3"})
		assert.ErrorIs(t, err, repository.ErrNotFound)
	})
}

// TestSignInOpenIDConnect: a provider that gives an ID token (goth's
// openidConnect) makes an "oidc" account that keeps the ID token, as
// Auth.js does; NextAuth.js 2.0.0-beta.73, which knows only "oauth" and
// keeps no ID token, gets an "oauth" account.
func TestSignInOpenIDConnect(t *testing.T) {
	t.Parallel()
	forFlavours(t, func(t *testing.T, f *gormauth.Flavour) {
		repo := newRepo(t, f)
		a := newAppWith(t, repo, openIDGitlab)
		status, page := a.signIn(t, browser(t), "gitlab", 0)
		require.Equal(t, http.StatusOK, status, page)
		acc, err := repo.Accounts.ByKey(context.Background(), repository.AccountKey{Provider: "gitlab", ProviderAccountID: "1"})
		require.NoError(t, err)
		if f == gormauth.Beta73 {
			assert.Equal(t, "oauth", acc.Type)
			assert.Nil(t, acc.IDToken)
			return
		}
		assert.Equal(t, "oidc", acc.Type)
		require.NotNil(t, acc.IDToken)
		assert.NotEmpty(t, *acc.IDToken)
	})
}

func TestCallbackFailures(t *testing.T) {
	t.Parallel()
	forFlavours(t, testCallbackFailures)
}

func testCallbackFailures(t *testing.T, f *gormauth.Flavour) {
	ctx := context.Background()
	repo := newRepo(t, f)
	a := newApp(t, repo, nil)

	// The person cancels at the provider.
	status, page := a.signIn(t, browser(t), "github", -1)
	assert.Equal(t, http.StatusForbidden, status)
	assert.Contains(t, page, "cancelled")

	// A callback this browser did not start: no state cookie.
	res, err := browser(t).Get(a.srv.URL + "/auth/github/callback?code=x&state=y")
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusBadRequest, res.StatusCode)

	// A callback with another state than the one sent.
	c := browser(t)
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err = c.Get(a.srv.URL + "/auth/github")
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusFound, res.StatusCode)
	res, err = c.Get(a.srv.URL + "/auth/github/callback?code=x&state=forged")
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusBadRequest, res.StatusCode)

	// An unknown provider.
	res, err = browser(t).Get(a.srv.URL + "/auth/nosuch")
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusNotFound, res.StatusCode)

	// The email belongs to a user who never linked this provider account.
	email := "bob@example.com"
	require.NoError(t, repo.Users.Create(ctx, &repository.User{Email: &email}))
	status, page = a.signIn(t, browser(t), "github", 1)
	assert.Equal(t, http.StatusConflict, status)
	assert.Contains(t, page, "sign in with the same account you used originally")
	_, err = repo.Accounts.ByKey(ctx, repository.AccountKey{Provider: "github", ProviderAccountID: "2"})
	assert.ErrorIs(t, err, repository.ErrNotFound, "nothing linked")

	// The provider refuses the code exchange (a wrong client secret).
	b := newApp(t, repo, func(demoURL, name, callbackURL string) goth.Provider {
		p := github.NewCustomisedURL(oauthdemo.ClientID, "wrong", callbackURL, demoURL+"/login/oauth/authorize",
			demoURL+"/login/oauth/access_token", demoURL+"/user", demoURL+"/user/emails", "user:email")
		p.SetName(name)
		return p
	})
	status, page = b.signIn(t, browser(t), "github", 0)
	assert.Equal(t, http.StatusBadGateway, status)
	assert.Contains(t, page, "could not sign you in")
}

func TestNew(t *testing.T) {
	t.Parallel()
	repo := newRepo(t, gormauth.Beta73)
	p := oauthdemo.New(people).Provider("http://127.0.0.1:1", "github", "http://127.0.0.1:2/cb")
	for name, opts := range map[string]gothauth.Options{
		"no providers": {Secret: secret},
		"short secret": {Providers: []goth.Provider{p}, Secret: []byte("short")},
		"duplicates":   {Providers: []goth.Provider{p, p}, Secret: secret},
	} {
		_, err := gothauth.New(repo, opts)
		assert.Error(t, err, name)
	}
	_, err := gothauth.New(nil, gothauth.Options{Providers: []goth.Provider{p}, Secret: secret})
	assert.Error(t, err)
	assert.True(t, strings.HasPrefix(gothauth.Message(gothauth.ErrState), "This sign-in"))
}

// callback starts a sign-in with provider in a new browser, as far as the
// provider's page, and then comes back to the callback with the state
// that was sent and with query (such as a code of its own), as a stale or
// hand-made link does; it returns the status and the page.
func (a *app) callback(t *testing.T, provider string, query url.Values) (int, string) {
	t.Helper()
	c := browser(t)
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err := c.Get(a.srv.URL + "/auth/" + provider)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusFound, res.StatusCode)
	to, err := url.Parse(res.Header.Get("Location"))
	require.NoError(t, err)
	query.Set("state", to.Query().Get("state"))
	res, err = c.Get(a.srv.URL + "/auth/" + provider + "/callback?" + query.Encode())
	require.NoError(t, err)
	defer res.Body.Close()
	page, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res.StatusCode, string(page)
}

// TestCallbackBadCode: a callback with the right state but no code, or a
// code the provider does not know (a stale, reused or hand-made link), is
// the visitor's: 400 and "start again", logged below ERROR, nothing
// written. A provider that refuses the site itself (a wrong client
// secret: invalid_client) or is down stays 502, logged at ERROR.
func TestCallbackBadCode(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.Open(t)
	require.NoError(t, gormauth.AutoMigrate(context.Background(), db, gormauth.Beta73))
	repo := repository.New(db, gormauth.Beta73, repository.Options{})
	a := newApp(t, repo, nil)
	users, accounts, sessions, _ := gormauth.Beta73.Tables()
	written := func(t *testing.T) {
		t.Helper()
		for _, table := range []string{users, accounts, sessions} {
			var n int64
			require.NoError(t, db.WithContext(ctx).Table(table).Count(&n).Error)
			assert.Zero(t, n, "rows in %s", table)
		}
	}
	for name, query := range map[string]url.Values{
		"made-up code": {"code": {"made-up"}},
		"no code":      {},
		"empty code":   {"code": {""}},
	} {
		t.Run(name, func(t *testing.T) {
			a.logs.reset()
			status, page := a.callback(t, "github", query)
			assert.Equal(t, http.StatusBadRequest, status, page)
			assert.Contains(t, page, "expired or was already used")
			assert.Contains(t, page, "Start again")
			assert.NotContains(t, page, "could not sign you in")
			assert.Less(t, a.logs.max(), slog.LevelError, "logged below ERROR: %v", a.logs.messages())
			assert.NotZero(t, a.logs.count(), "logged all the same")
			written(t)
		})
	}
	t.Run("invalid_client", func(t *testing.T) {
		b := newApp(t, repo, func(demoURL, name, callbackURL string) goth.Provider {
			p := github.NewCustomisedURL(oauthdemo.ClientID, "wrong", callbackURL, demoURL+"/login/oauth/authorize",
				demoURL+"/login/oauth/access_token", demoURL+"/user", demoURL+"/user/emails", "user:email")
			p.SetName(name)
			return p
		})
		status, page := b.signIn(t, browser(t), "github", 0)
		assert.Equal(t, http.StatusBadGateway, status)
		assert.Contains(t, page, "could not sign you in")
		assert.Equal(t, slog.LevelError, b.logs.max())
		written(t)
	})
	t.Run("provider down", func(t *testing.T) {
		b := newApp(t, repo, nil)
		b.provider.Close()
		b.logs.reset()
		status, page := b.callback(t, "github", url.Values{"code": {"made-up"}})
		assert.Equal(t, http.StatusBadGateway, status)
		assert.Contains(t, page, "could not sign you in")
		assert.Equal(t, slog.LevelError, b.logs.max())
		written(t)
	})
}

// logRecorder is a slog.Handler that keeps the records it is given.
type logRecorder struct {
	mu      sync.Mutex
	records []slog.Record
}

func (l *logRecorder) Enabled(context.Context, slog.Level) bool { return true }

func (l *logRecorder) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.records = append(l.records, r.Clone())
	return nil
}

func (l *logRecorder) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *logRecorder) WithGroup(string) slog.Handler      { return l }

func (l *logRecorder) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.records = nil
}

func (l *logRecorder) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.records)
}

// max returns the highest level logged, or slog.LevelDebug-4 for none.
func (l *logRecorder) max() slog.Level {
	l.mu.Lock()
	defer l.mu.Unlock()
	m := slog.LevelDebug - 4
	for _, r := range l.records {
		m = max(m, r.Level)
	}
	return m
}

func (l *logRecorder) messages() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, r := range l.records {
		out = append(out, r.Level.String()+" "+r.Message)
	}
	return out
}
