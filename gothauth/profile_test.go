package gothauth_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/markbates/goth"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/gothauth"
	"github.com/gormauth/gormauth/gothauth/oauthdemo"
	"github.com/gormauth/gormauth/internal/harness/testdb"
	"github.com/gormauth/gormauth/models"
	"github.com/gormauth/gormauth/nextauthhttp"
	"github.com/gormauth/gormauth/repository"
)

// mixedApp is newApp's site with the demo provider's github, but Load
// reading sessions of load and the Handler signing in with handler.
func mixedApp[L, H nextauthhttp.Repository](t *testing.T, people oauthdemo.People, load L, handler H) *app {
	t.Helper()
	demo := oauthdemo.New(people)
	a := &app{provider: httptest.NewServer(demo), logs: &logRecorder{}}
	t.Cleanup(a.provider.Close)
	mux := http.NewServeMux()
	a.srv = httptest.NewServer(nextauthhttp.Load(load, nextauthhttp.Options{})(mux))
	t.Cleanup(a.srv.Close)
	h, err := gothauth.New(handler, gothauth.Options{Secret: secret, Logger: slog.New(a.logs),
		Providers: []goth.Provider{demo.Provider(a.provider.URL, "github", a.srv.URL+"/auth/github/callback")}})
	require.NoError(t, err)
	mux.HandleFunc("GET /auth/{provider}", h.Begin)
	mux.HandleFunc("POST /auth/{provider}/link", h.Link)
	mux.HandleFunc("GET /auth/{provider}/callback", h.Callback)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("home")) })
	return a
}

func newPrisma(t *testing.T) *repository.Repository {
	db := testdb.Open(t)
	require.NoError(t, gormauth.AutoMigrate(context.Background(), db, gormauth.Prisma))
	return repository.New(db, gormauth.Prisma, repository.Options{})
}

// TestProfileNotStorable: a provider whose profile no database row can
// hold (a name with a NUL byte, which PostgreSQL's text refuses, as it
// refuses Auth.js's insert of it) answers garbage: 502, not 500, and
// nothing is written.
func TestProfileNotStorable(t *testing.T) {
	t.Parallel()
	bad := oauthdemo.People{{ID: 7, Login: "eve", Name: "Eve\x00", Email: "eve@example.com"}}
	check := func(t *testing.T, a *app) {
		status, page := a.signIn(t, browser(t), "github", 0)
		assert.Equal(t, http.StatusBadGateway, status, page)
		assert.Contains(t, page, "The provider could not sign you in")
	}
	t.Run("beta73", func(t *testing.T) {
		r := newBeta73(t)
		check(t, mixedApp(t, bad, r, r))
		list, err := r.Accounts.ListByUser(context.Background(), 1)
		require.NoError(t, err)
		assert.Empty(t, list)
	})
	t.Run("prisma", func(t *testing.T) {
		r := newPrisma(t)
		check(t, mixedApp(t, bad, r, r))
		_, err := r.Users.ByEmail(context.Background(), "eve@example.com")
		assert.ErrorIs(t, err, repository.ErrNotFound)
	})
}

// TestCallbackForeignSession: a Handler whose repository is not the one
// Load reads sessions with (a site that runs both) must not panic on a
// link's callback (beta.73's link dereferenced a nil session) nor sign the
// person in as someone else without a cookie (the Auth.js flavours' link
// did): it is a 500 and writes nothing.
func TestCallbackForeignSession(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	prisma, beta73 := newPrisma(t), newBeta73(t)

	// Signed in on the Auth.js side, signing in with a beta.73 Handler.
	email := "alice@example.com"
	u := &repository.User{Email: &email}
	require.NoError(t, prisma.Users.Create(ctx, u))
	sess, err := prisma.Sessions.Create(ctx, u.ID)
	require.NoError(t, err)
	a := mixedApp(t, people, prisma, beta73)
	c := browser(t)
	su, _ := url.Parse(a.srv.URL)
	c.Jar.SetCookies(su, []*http.Cookie{{Name: nextauthhttp.AuthJSCookie(gormauth.Prisma).Name, Value: sess.SessionToken, Path: "/"}})
	status, page := a.link(t, c, "github", 0)
	assert.Equal(t, http.StatusInternalServerError, status, page)
	n, err := beta73.Accounts.ListByUser(ctx, 1)
	require.NoError(t, err)
	assert.Empty(t, n)

	// Signed in on the beta.73 side, signing in with an Auth.js Handler.
	bu := &models.User{Email: &email}
	require.NoError(t, beta73.Users.Create(ctx, bu))
	bs, err := beta73.Sessions.Create(ctx, bu.ID)
	require.NoError(t, err)
	a = mixedApp(t, people, beta73, prisma)
	c = browser(t)
	su, _ = url.Parse(a.srv.URL)
	c.Jar.SetCookies(su, []*http.Cookie{{Name: nextauthhttp.CookieName, Value: bs.SessionToken, Path: "/"}})
	status, page = a.link(t, c, "github", 1)
	assert.Equal(t, http.StatusInternalServerError, status, page)
	_, err = prisma.Users.ByEmail(ctx, "bob@example.com")
	assert.ErrorIs(t, err, repository.ErrNotFound, "no user made behind the signed-in person's back")
}
