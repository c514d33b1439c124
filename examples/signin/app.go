package main

import (
	_ "embed"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/markbates/goth"

	"github.com/gormauth/gormauth/authjs/adapter"
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
	a := &app{config: c, cookie: nextauthhttp.CookieOf(c.repo, nextauthhttp.Options{})}
	oauth, err := gothauth.New(c.repo, gothauth.Options{Providers: gp, Secret: []byte(c.secret), AfterSignIn: "/account",
		Logger: c.logger, ErrorPage: a.signInFailed})
	if err != nil {
		return nil, err
	}
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(a.crossOrigin))
	protect := cop.Handler
	signedIn := nextauthhttp.Require(http.RedirectHandler("/", http.StatusSeeOther))

	mux := http.NewServeMux()
	mux.HandleFunc("/", a.notFound)
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

// message answers with the message page: title, and message for the
// person; again makes its link "Start again" rather than "Back".
func (a *app) message(w http.ResponseWriter, status int, title, message string, again bool) {
	a.render(w, status, map[string]any{"Page": "message", "Title": title, "Message": message, "Again": again})
}

// fail answers 500 for a failure that is not the person's doing, and logs
// it at ERROR.
func (a *app) fail(w http.ResponseWriter, r *http.Request, err error) {
	a.logger.ErrorContext(r.Context(), "request failed", "path", r.URL.Path, "error", err)
	a.message(w, http.StatusInternalServerError, "Something went wrong", "Please try again later.", false)
}

// signInFailed is gothauth's error page in the app's style (gothauth has
// logged the failure).
func (a *app) signInFailed(w http.ResponseWriter, _ *http.Request, err error) {
	title := "Sign-in failed"
	if errors.Is(err, gothauth.ErrInvalidCode) {
		title = "This sign-in link has expired"
	}
	a.message(w, gothauth.Status(err), title, gothauth.Message(err), gothauth.StartAgain(err))
}

// crossOrigin answers a state-changing request that another site's page
// sent (refused by net/http's CrossOriginProtection).
func (a *app) crossOrigin(w http.ResponseWriter, r *http.Request) {
	a.logger.InfoContext(r.Context(), "cross-origin request refused", "path", r.URL.Path, "origin", r.Header.Get("Origin"))
	a.message(w, http.StatusForbidden, "This form was sent from another site",
		"For your safety, this site only accepts forms sent from its own pages. Start again from here.", true)
}

func (a *app) notFound(w http.ResponseWriter, _ *http.Request) {
	a.message(w, http.StatusNotFound, "Page not found", "There is no page at this address.", false)
}

func (a *app) signInPage(w http.ResponseWriter, r *http.Request) {
	if nextauthhttp.SignedIn(r.Context()) {
		http.Redirect(w, r, "/account", http.StatusSeeOther)
		return
	}
	a.render(w, http.StatusOK, map[string]any{"Page": "signin", "Title": "Sign in", "Providers": a.providers})
}

// sendLink mails a one-time sign-in link to the address in the form,
// once the address passed emailAddress: a refused one writes nothing.
func (a *app) sendLink(w http.ResponseWriter, r *http.Request) {
	email, problem := emailAddress(r.FormValue("email"))
	if problem != "" {
		a.message(w, http.StatusBadRequest, "Please check the address", problem, false)
		return
	}
	token, err := repository.NewToken()
	if err != nil {
		a.fail(w, r, err)
		return
	}
	t := repository.SignInToken{Identifier: email, Token: token, Secret: a.secret}
	if _, err := a.repo.Verifications.Create(r.Context(), t, 0); errors.Is(err, repository.ErrInvalidInput) {
		// Refused before anything was written.
		a.message(w, http.StatusBadRequest, "Please check the address", "This address cannot be used to sign in.", false)
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

// emailAddress returns the address to send a sign-in link to, typed as
// raw, or what is wrong with it for the person. beta.73 itself checks
// nothing but lower-cases the address, so the app applies the rules of its
// successor, NextAuth.js v4's email provider (adapter.NormalizeIdentifierV4:
// NFKC, lower case, trimmed; one "@" between a name and a domain with a
// "."; no double quote; the domain cut at a ","), and the repository's
// length limit.
func emailAddress(raw string) (email, problem string) {
	if strings.TrimSpace(raw) == "" {
		return "", "Please type your email address."
	}
	email, err := adapter.NormalizeIdentifierV4(raw)
	if err != nil {
		shown := raw
		if len(shown) > 80 {
			shown = strings.ToValidUTF8(shown[:80], "") + "…"
		}
		return "", "“" + shown + "” is not an email address: an address is a name, one @ and a domain with a dot, such as you@example.com."
	}
	if len(email) > repository.MaxEmailLen {
		return "", "This address is too long to be an email address."
	}
	return email, ""
}

// redeemLink signs in with a magic link.
func (a *app) redeemLink(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	res, err := a.repo.SignInEmail(r.Context(), repository.SignInToken{Identifier: q.Get("email"), Token: q.Get("token"), Secret: a.secret})
	if errors.Is(err, repository.ErrNotFound) || errors.Is(err, repository.ErrInvalidInput) {
		a.message(w, http.StatusNotFound, "This link does not work", "Sign-in links work once, for 24 hours. Ask for a new one.", true)
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
	// Since is when it was signed in, Active when it was last extended
	// (which happens on use, at most once a day), Ends when it expires,
	// each relative to now ("3 minutes ago", "in 30 days"), so that no time
	// zone is involved; Active is "" for a session never extended.
	Since, Active, Ends string
}

// accountView is a linked account as the account page lists it: by the
// label of its provider's buttons.
type accountView struct {
	Label string
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
	now := time.Now()
	var sessions []sessionView
	for _, i := range infos {
		v := sessionView{SessionInfo: i, Current: i.Is(sess), Since: span(now.Sub(i.Created)) + " ago", Ends: "in " + span(i.Expires.Sub(now))}
		if i.Updated.Sub(i.Created) > time.Minute {
			v.Active = span(now.Sub(i.Updated)) + " ago"
		}
		if v.Current { // this device first, then the others, newest first
			sessions = append([]sessionView{v}, sessions...)
		} else {
			sessions = append(sessions, v)
		}
	}
	labels := map[string]string{}
	var providers []providerView
	for _, p := range a.providers {
		labels[p.Name()] = p.Label
		v := providerView{provider: p}
		for _, acc := range accounts {
			v.Linked = v.Linked || acc.ProviderID == p.Name()
		}
		providers = append(providers, v)
	}
	var linked []accountView
	for _, acc := range accounts {
		label, ok := labels[acc.ProviderID]
		if !ok {
			label = acc.ProviderID // a provider the app no longer offers
		}
		linked = append(linked, accountView{Label: label})
	}
	a.render(w, http.StatusOK, map[string]any{"Page": "account", "Title": "Your account", "User": sess.User,
		"Accounts": linked, "Sessions": sessions, "Providers": providers})
}

// span says how long d is as a person would, to the nearest unit: "less
// than a minute", "3 minutes", "2 hours" (up to 47), "5 days".
func span(d time.Duration) string {
	in := func(u time.Duration, one string) string {
		n := (d + u/2) / u
		if n == 1 {
			return "1 " + one
		}
		return strconv.FormatInt(int64(n), 10) + " " + one + "s"
	}
	switch {
	case d < time.Minute:
		return "less than a minute"
	case d < time.Hour:
		return in(time.Minute, "minute")
	case d < 48*time.Hour:
		return in(time.Hour, "hour")
	}
	return in(24*time.Hour, "day")
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
