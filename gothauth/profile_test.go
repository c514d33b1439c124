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
	"github.com/gormauth/gormauth/nextauthhttp"
	"github.com/gormauth/gormauth/repository"
)

// mixedApp is newApp's site with the demo provider's github, but Load
// reading sessions of load and the Handler signing in with handler.
func mixedApp(t *testing.T, people oauthdemo.People, load nextauthhttp.Repository, handler *repository.Repository) *app {
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

// TestProfileNotStorable: a provider whose profile no database row can
// hold (a name with a NUL byte, which PostgreSQL's text refuses, as it
// refuses Auth.js's insert of it) answers garbage: 502, not 500, and
// nothing is written.
func TestProfileNotStorable(t *testing.T) {
	t.Parallel()
	bad := oauthdemo.People{{ID: 7, Login: "eve", Name: "Eve\x00", Email: "eve@example.com"}}
	forFlavours(t, func(t *testing.T, f *gormauth.Flavour) {
		ctx := context.Background()
		r := newRepo(t, f)
		status, page := mixedApp(t, bad, r, r).signIn(t, browser(t), "github", 0)
		assert.Equal(t, http.StatusBadGateway, status, page)
		assert.Contains(t, page, "The provider could not sign you in")
		_, err := r.Accounts.ByKey(ctx, repository.AccountKey{Provider: "github", ProviderAccountID: "7"})
		assert.ErrorIs(t, err, repository.ErrNotFound)
		_, err = r.Users.ByEmail(ctx, "eve@example.com")
		assert.ErrorIs(t, err, repository.ErrNotFound)
	})
}

// TestCallbackForeignSession: a Handler whose repository is not the one
// Load reads sessions with (a site that runs two) must not link the
// provider account to a user of its own by the other repository's user id
// (beta.73's and pg's are both serial integers), nor sign the person in as
// someone else without a cookie, whether or not the two flavours' session
// cookies have one name (Drizzle's and Prisma's do): it is a 500 and
// writes nothing.
func TestCallbackForeignSession(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ load, handler *gormauth.Flavour }{
		{gormauth.Prisma, gormauth.Beta73},
		{gormauth.Beta73, gormauth.Prisma},
		{gormauth.Drizzle, gormauth.Prisma},
		{gormauth.Beta73, gormauth.Pg},
	} {
		t.Run(c.load.Name()+" load, "+c.handler.Name()+" handler", func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			load, handler := newRepo(t, c.load), newRepo(t, c.handler)
			carolEmail := "carol@example.com"
			carol := &repository.User{Email: &carolEmail} // the handler's first user
			require.NoError(t, handler.Users.Create(ctx, carol))
			email := "alice@example.com"
			u := &repository.User{Email: &email} // signed in on load's side
			require.NoError(t, load.Users.Create(ctx, u))
			sess, err := load.Sessions.Create(ctx, u.ID)
			require.NoError(t, err)
			if c.handler == gormauth.Pg {
				require.Equal(t, u.ID, carol.ID, "one user id on both sides")
			}

			a := mixedApp(t, people, load, handler)
			b := browser(t)
			su, _ := url.Parse(a.srv.URL)
			b.Jar.SetCookies(su, []*http.Cookie{{Name: nextauthhttp.CookieFor(c.load).Name, Value: sess.SessionToken, Path: "/"}})
			status, page := a.link(t, b, "github", 1) // Bob's github account
			assert.Equal(t, http.StatusInternalServerError, status, page)
			_, err = handler.Accounts.ByKey(ctx, repository.AccountKey{Provider: "github", ProviderAccountID: "2"})
			assert.ErrorIs(t, err, repository.ErrNotFound, "nothing linked")
			list, err := handler.Accounts.ListByUser(ctx, carol.ID)
			require.NoError(t, err)
			assert.Empty(t, list, "not to the handler's user of the same id")
			_, err = handler.Users.ByEmail(ctx, "bob@example.com")
			assert.ErrorIs(t, err, repository.ErrNotFound, "no user made behind the signed-in person's back")
		})
	}
}
