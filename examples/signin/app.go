package main

import (
	_ "embed"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/markbates/goth"

	"github.com/gormauth/gormauth/gothauth"
	"github.com/gormauth/gormauth/nextauthhttp"
	"github.com/gormauth/gormauth/repository"
)

//go:embed page.html
var pageHTML string

var pages = template.Must(template.New("").Parse(pageHTML))

// provider is a way to sign in, as the pages show it.
type provider struct {
	goth.Provider
	Label string // "GitHub"
}

// config is what the app is made of.
type config struct {
	repo *repository.Repository
	// baseURL is the app's origin (http://127.0.0.1:8080): the magic links
	// lead there.
	baseURL string
	// providers are the OAuth providers, whose callback URLs are
	// baseURL/auth/{name}/callback.
	providers []provider
	// secret signs the OAuth state cookie and hashes the email tokens.
	secret string
	// mail sends a sign-in link.
	mail func(to, link string) error
	// demo shows the demo notice on the sign-in page.
	demo   bool
	logger *slog.Logger
}

// app is the example's web application: a sign-in page (OAuth providers
// through goth, and magic links), and an account page with the user's
// linked accounts and sessions.
type app struct {
	config
	cookie nextauthhttp.Cookie
}

// newApp returns the app's handler: every route behind nextauthhttp.Load,
// the account page behind Require, and the state-changing endpoints behind
// net/http's cross-origin protection.
func newApp(c config) (http.Handler, error) {
	var gp []goth.Provider
	for _, p := range c.providers {
		gp = append(gp, p.Provider)
	}
	oauth, err := gothauth.New(c.repo, gothauth.Options{Providers: gp, Secret: []byte(c.secret), AfterSignIn: "/account", Logger: c.logger})
	if err != nil {
		return nil, err
	}
	a := &app{config: c, cookie: nextauthhttp.CookieOf(c.repo, nextauthhttp.Options{})}
	protect := http.NewCrossOriginProtection().Handler
	signedIn := nextauthhttp.Require(http.RedirectHandler("/", http.StatusSeeOther))

	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", a.signInPage)
	mux.HandleFunc("GET /auth/{provider}", oauth.Begin)
	mux.HandleFunc("GET /auth/{provider}/callback", oauth.Callback)
	mux.Handle("POST /magic-link", protect(http.HandlerFunc(a.sendLink)))
	mux.HandleFunc("GET /magic", a.redeemLink)
	mux.Handle("GET /account", signedIn(http.HandlerFunc(a.account)))
	mux.Handle("POST /signout", protect(signedIn(http.HandlerFunc(a.signOut))))
	mux.Handle("POST /sessions/sign-out-others", protect(signedIn(http.HandlerFunc(a.signOutOthers))))
	mux.Handle("POST /sessions/delete", protect(signedIn(http.HandlerFunc(a.endSession))))
	return nextauthhttp.Load(c.repo, nextauthhttp.Options{Logger: c.logger})(mux), nil
}

// render writes the page with data (Page names its body).
func (a *app) render(w http.ResponseWriter, status int, data map[string]any) {
	data["Demo"] = a.demo
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if err := pages.ExecuteTemplate(w, "layout", data); err != nil {
		a.logger.Error("rendering", "page", data["Page"], "error", err)
	}
}

func (a *app) fail(w http.ResponseWriter, r *http.Request, err error) {
	a.logger.ErrorContext(r.Context(), "request failed", "path", r.URL.Path, "error", err)
	a.render(w, http.StatusInternalServerError, map[string]any{"Page": "message", "Title": "Something went wrong", "Message": "Please try again later."})
}

func (a *app) signInPage(w http.ResponseWriter, r *http.Request) {
	if nextauthhttp.SignedIn(r.Context()) {
		http.Redirect(w, r, "/account", http.StatusSeeOther)
		return
	}
	a.render(w, http.StatusOK, map[string]any{"Page": "signin", "Title": "Sign in", "Providers": a.providers})
}

// sendLink mails a one-time sign-in link to the address in the form.
func (a *app) sendLink(w http.ResponseWriter, r *http.Request) {
	email := repository.LowerEmail(strings.TrimSpace(r.FormValue("email")))
	token, err := repository.NewToken()
	if err != nil {
		a.fail(w, r, err)
		return
	}
	t := repository.SignInToken{Identifier: email, Token: token, Secret: a.secret}
	if _, err := a.repo.Verifications.Create(r.Context(), t, 0); errors.Is(err, repository.ErrInvalidInput) || !strings.Contains(email, "@") {
		a.render(w, http.StatusBadRequest, map[string]any{"Page": "message", "Title": "Not an email address", "Message": "Please check the address and try again."})
		return
	} else if err != nil {
		a.fail(w, r, err)
		return
	}
	link := a.baseURL + "/magic?" + url.Values{"email": {email}, "token": {token}}.Encode()
	if err := a.mail(email, link); err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, http.StatusOK, map[string]any{"Page": "check-email", "Title": "Check your email", "Email": email})
}

// redeemLink signs in with a magic link.
func (a *app) redeemLink(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	res, err := a.repo.SignInEmail(r.Context(), repository.SignInToken{Identifier: q.Get("email"), Token: q.Get("token"), Secret: a.secret})
	if errors.Is(err, repository.ErrNotFound) || errors.Is(err, repository.ErrInvalidInput) {
		a.render(w, http.StatusNotFound, map[string]any{"Page": "message", "Title": "This link does not work",
			"Message": "Sign-in links work once, for 24 hours. Ask for a new one."})
		return
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.cookie.Set(w, r, res.Session.SessionToken, res.Session.Expires)
	http.Redirect(w, r, "/account", http.StatusSeeOther)
}

// sessionView is a session as the account page lists it.
type sessionView struct {
	repository.SessionInfo
	Current bool
}

type providerView struct {
	provider
	Linked bool
}

func (a *app) account(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sess, _ := nextauthhttp.SessionFrom(ctx)
	accounts, err := a.repo.Accounts.ListByUser(ctx, sess.UserID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	infos, err := a.repo.Sessions.ListByUser(ctx, sess.UserID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var sessions []sessionView
	for _, i := range infos {
		i.Created = i.Created.In(time.Local)
		sessions = append(sessions, sessionView{SessionInfo: i, Current: i.Is(sess)})
	}
	var providers []providerView
	for _, p := range a.providers {
		v := providerView{provider: p}
		for _, acc := range accounts {
			v.Linked = v.Linked || acc.ProviderID == p.Name()
		}
		providers = append(providers, v)
	}
	a.render(w, http.StatusOK, map[string]any{"Page": "account", "Title": "Your account", "User": sess.User,
		"Accounts": accounts, "Sessions": sessions, "Providers": providers})
}

func (a *app) signOut(w http.ResponseWriter, r *http.Request) {
	sess, _ := nextauthhttp.SessionFrom(r.Context())
	if err := a.repo.Sessions.Delete(r.Context(), sess.SessionToken); err != nil && !errors.Is(err, repository.ErrNotFound) {
		a.fail(w, r, err)
		return
	}
	a.cookie.Clear(w, r)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (a *app) signOutOthers(w http.ResponseWriter, r *http.Request) {
	sess, _ := nextauthhttp.SessionFrom(r.Context())
	if _, err := a.repo.Sessions.DeleteOthers(r.Context(), sess); err != nil {
		a.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/account", http.StatusSeeOther)
}

func (a *app) endSession(w http.ResponseWriter, r *http.Request) {
	sess, _ := nextauthhttp.SessionFrom(r.Context())
	err := a.repo.Sessions.DeleteByHandle(r.Context(), sess.UserID, r.FormValue("handle"))
	if err != nil && !errors.Is(err, repository.ErrNotFound) && !errors.Is(err, repository.ErrInvalidInput) {
		a.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/account", http.StatusSeeOther)
}
