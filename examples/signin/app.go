package main

import (
	"context"
	_ "embed"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/markbates/goth"

	"github.com/gormauth/gormauth/gothauth"
	"github.com/gormauth/gormauth/nextauthhttp"
	"github.com/gormauth/gormauth/ratelimit"
	"github.com/gormauth/gormauth/repository"
)

//go:embed page.html
var pageHTML string

//go:embed style.css
var styleCSS []byte

var pages = template.Must(template.New("").Parse(pageHTML))

// provider is a way to sign in, as the pages show it.
type provider struct {
	goth.Provider
	Label string // "GitHub"
}

// config is what the app is made of.
type config struct {
	// repo is the repository, whose Options.Secret hashes the email
	// tokens.
	repo *repository.Repository
	// baseURL is the app's origin (http://127.0.0.1:8080): the magic links
	// lead there.
	baseURL string
	// providers are the OAuth providers, whose callback URLs are
	// baseURL/auth/{name}/callback.
	providers []provider
	// secret signs the OAuth state cookie.
	secret string
	// mail sends a sign-in link.
	mail func(ctx context.Context, to, link string) error
	// perClient, perNetwork, perAddress and perDomain limit the sign-in
	// links asked for per client (ratelimit.ClientKey), per client network
	// (ratelimit.NetworkKey), per inbox (mailboxKey) and per recipient
	// domain (nil: in memory, linksPerClient, linksPerNetwork,
	// linksPerAddress and linksPerDomain in any linkWindow).
	perClient, perNetwork, perAddress, perDomain ratelimit.Limit
	// proxies is how many reverse proxies of ours are in front of the app,
	// whose X-Forwarded-For names the client (see ratelimit.ClientIP).
	proxies int
	// demo shows the demo notice on the sign-in page.
	demo   bool
	logger *slog.Logger
}

// The default limits on sign-in links, each in any linkWindow. Each app
// replica counts on its own (see package ratelimit).
//
//   - linksPerAddress: a person whose mail is slow can ask twice more for
//     their inbox, however the address is spelled (see mailboxKey).
//   - linksPerClient: a client (an IPv4 address, an IPv6 /64) can ask for
//     a household's addresses, not bomb a list of strangers' inboxes.
//   - linksPerNetwork: a network (an IPv4 /24, an IPv6 /48, which holds
//     65 536 /64s) gets three clients' worth: enough for the people of an
//     office or a carrier's NAT who sign in within minutes of each other,
//     and a bound on a client that holds a whole network.
//   - linksPerDomain: the mails to one recipient domain, so that clients
//     cycling through many addresses at a victim's domain (or many spellings
//     at a webmail provider) send it at most this many. All the people at a
//     domain share it: a site whose users sign in from one provider more
//     often than this (gmail.com on a busy site) must raise it, or count
//     across replicas with a larger allowance. Each subdomain counts on its
//     own.
const (
	linksPerAddress = 3
	linksPerClient  = 10
	linksPerNetwork = 30
	linksPerDomain  = 50
	linkWindow      = 15 * time.Minute
)

// app is the example's web application: a sign-in page (OAuth providers
// through goth, and magic links), and an account page with the user's
// linked accounts and sessions.
type app struct {
	config
	cookie nextauthhttp.Cookie
}

// newApp returns the app's handler: every route behind nextauthhttp.Load
// and securityHeaders, the account page behind Require, and the
// state-changing endpoints behind net/http's cross-origin protection.
func newApp(c config) (http.Handler, error) {
	var gp []goth.Provider
	for _, p := range c.providers {
		gp = append(gp, p.Provider)
	}
	for _, l := range []struct {
		limit *ratelimit.Limit
		n     int
	}{{&c.perClient, linksPerClient}, {&c.perNetwork, linksPerNetwork}, {&c.perAddress, linksPerAddress}, {&c.perDomain, linksPerDomain}} {
		var err error
		if *l.limit, err = inMemoryUnlessSet(*l.limit, l.n); err != nil {
			return nil, err
		}
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
	mux.Handle("POST /auth/{provider}/link", protect(signedIn(http.HandlerFunc(oauth.Link))))
	mux.HandleFunc("GET /auth/{provider}/callback", oauth.Callback)
	mux.Handle("POST /magic-link", protect(http.HandlerFunc(a.sendLink)))
	mux.HandleFunc("GET /magic", a.confirmLink) // and HEAD
	mux.Handle("POST /magic", protect(http.HandlerFunc(a.redeemLink)))
	mux.Handle("GET /account", signedIn(http.HandlerFunc(a.account)))
	mux.Handle("POST /signout", protect(signedIn(http.HandlerFunc(a.signOut))))
	mux.Handle("POST /sessions/sign-out-others", protect(signedIn(http.HandlerFunc(a.signOutOthers))))
	mux.Handle("POST /sessions/delete", protect(signedIn(http.HandlerFunc(a.endSession))))

	root := http.NewServeMux() // the stylesheet needs no session
	root.HandleFunc("GET /style.css", stylesheet)
	root.Handle("/", nextauthhttp.Load(c.repo, nextauthhttp.Options{Logger: c.logger})(mux))
	return securityHeaders(root), nil
}

// inMemoryUnlessSet returns l, or when it is nil an in-memory limit of n
// sign-in links in any linkWindow.
func inMemoryUnlessSet(l ratelimit.Limit, n int) (ratelimit.Limit, error) {
	if l != nil {
		return l, nil
	}
	limiter, err := ratelimit.New(n, linkWindow, ratelimit.Options{})
	if err != nil {
		return nil, err
	}
	return limiter, nil
}

// securityHeaders sets the headers that every answer carries: a
// Content-Security-Policy that allows the pages nothing but the app's own
// stylesheet (no script, no image, no frame, no <base>) and no site to
// frame them, X-Frame-Options for browsers that predate frame-ancestors,
// nosniff, and a Referrer-Policy that gives other sites the origin alone
// (confirmLink tightens it). The policy has no form-action: linking a
// provider posts a form that redirects to the provider's site, and
// browsers hold a form's redirects to form-action too.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; base-uri 'none'; frame-ancestors 'none'")
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		next.ServeHTTP(w, r)
	})
}

// stylesheet serves style.css, the pages' one stylesheet.
func stylesheet(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write(styleCSS)
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

// tooMany answers 429 to a request a limit refused, saying when to try
// again.
func (a *app) tooMany(w http.ResponseWriter, retryAfter time.Duration) {
	w.Header().Set("Retry-After", ratelimit.RetryAfter(retryAfter))
	a.message(w, http.StatusTooManyRequests, "Too many sign-in links",
		"Too many sign-in links were asked for from here or for this address. Use the last one mailed, or try again in "+
			span(retryAfter)+".", false)
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

// sendLink mails a one-time sign-in link to the address in the form, once
// the address passed emailAddress and none of the client, its network,
// the inbox and the recipient domain has had too many links lately: a
// refused request writes and mails nothing. The new link replaces the
// address's earlier ones.
//
// The limits are counted in that order, each only if those before allowed
// the request, so that what a client is refused for its own or its
// network's count uses up nothing of a victim's inbox or domain.
func (a *app) sendLink(w http.ResponseWriter, r *http.Request) {
	email, problem := emailAddress(r.FormValue("email"))
	if problem != "" {
		a.message(w, http.StatusBadRequest, "Please check the address", problem, false)
		return
	}
	client, network := a.client(r)
	mailbox := mailboxKey(email)
	_, domain, _ := strings.Cut(mailbox, "@")
	if !a.allow(w, r, "client", a.perClient, client) || !a.allow(w, r, "network", a.perNetwork, network) ||
		!a.allow(w, r, "address", a.perAddress, mailbox) || !a.allow(w, r, "domain", a.perDomain, domain) {
		return
	}
	token, err := repository.NewSignInToken()
	if err != nil {
		a.fail(w, r, err)
		return
	}
	t := repository.SignInToken{Identifier: email, Token: token}
	if _, err := a.repo.Verifications.Replace(r.Context(), t, 0); errors.Is(err, repository.ErrInvalidInput) {
		// Refused before anything was written.
		a.message(w, http.StatusBadRequest, "Please check the address", "This address cannot be used to sign in.", false)
		return
	} else if err != nil {
		a.fail(w, r, err)
		return
	}
	link := a.baseURL + "/magic?" + url.Values{"email": {email}, "token": {token}}.Encode()
	if err := a.mail(r.Context(), email, link); err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, http.StatusOK, map[string]any{"Page": "check-email", "Title": "Check your email", "Email": email})
}

// allow counts the request against limit for key, and reports whether it
// may go on; when not, it has answered 429 and logged which limit (named
// per: "client", "address", …) refused it, and the client, never the
// address. A limit that cannot tell (its store is down) refuses: mailing
// links is what the limit protects.
func (a *app) allow(w http.ResponseWriter, r *http.Request, per string, limit ratelimit.Limit, key string) bool {
	ok, retryAfter, err := limit.Take(r.Context(), key)
	if err != nil {
		a.fail(w, r, err)
		return false
	}
	if !ok {
		client, _ := a.client(r)
		a.logger.InfoContext(r.Context(), "sign-in link refused: rate limit", "per", per, "client", client)
		a.tooMany(w, retryAfter)
	}
	return ok
}

// client returns the keys of the request's client for the per-client and
// per-network limits: its IP address (an IPv6 one's /64) and its /24 (an
// IPv6 one's /48), behind a.proxies proxies.
func (a *app) client(r *http.Request) (client, network string) {
	ip, err := ratelimit.ClientIP(r, a.proxies)
	if err != nil {
		return "unknown", "unknown" // all such requests share one count
	}
	return ratelimit.ClientKey(ip), ratelimit.NetworkKey(ip)
}

// mailboxKey returns the key of email's inbox for the per-address limit,
// the same for the spellings that reach one inbox: lower-cased, the local
// part without its "+tag" (alice+news@example.com is
// alice@example.com's), and at gmail.com and googlemail.com, one service
// that ignores dots in the name, without dots and at gmail.com. The link
// is still stored and mailed for email as typed.
//
// Other providers that ignore dots, or tag with "-", get a key per
// spelling; the per-domain limit bounds them.
func mailboxKey(email string) string {
	at := strings.LastIndexByte(email, '@')
	if at < 0 {
		return strings.ToLower(email)
	}
	local, domain := strings.ToLower(email[:at]), strings.ToLower(email[at+1:])
	local, _, _ = strings.Cut(local, "+")
	if domain == "gmail.com" || domain == "googlemail.com" {
		local, domain = strings.ReplaceAll(local, ".", ""), "gmail.com"
	}
	return local + "@" + domain
}

// emailAddress returns the address to send a sign-in link to, typed as
// raw, or what is wrong with it for the person. beta.73 itself checks
// nothing but lower-cases the address, so the app applies the rules of its
// successor, NextAuth.js v4's email provider (repository.NormalizeIdentifierV4:
// NFKC, lower case, trimmed; one "@" between a name and a domain with a
// "."; no double quote; the domain cut at a ","), and the repository's
// length limit. And as the address goes into a mail's header, it must be
// one address to net/mail as typed and as normalised, all of it (not a
// name and an address, not a list), with no control character (a line
// break would start a header of the sender's choosing). Its domain must be
// a name (see isDomainName): the SMTP relay delivers an address at
// [127.0.0.1] or 10.0.0.1 to that host, one of the sender's choosing.
func emailAddress(raw string) (email, problem string) {
	if strings.TrimSpace(raw) == "" {
		return "", "Please type your email address."
	}
	if strings.ContainsFunc(raw, isControl) {
		return "", "An email address has no line breaks, tabs or other control characters. Please type it again."
	}
	email, err := repository.NormalizeIdentifierV4(raw)
	if err != nil || !isOneAddress(strings.TrimSpace(raw)) || !isOneAddress(email) {
		return "", "“" + shown(raw) + "” is not an email address: an address is a name, one @ and a domain with a dot, such as you@example.com."
	}
	if len(email) > repository.MaxEmailLen {
		return "", "This address is too long to be an email address."
	}
	if !isDomainName(email[strings.LastIndexByte(email, '@')+1:]) {
		return "", "“" + shown(raw) + "” does not end in a domain name: sign-in links are mailed to a domain such as example.com, never to an IP address."
	}
	return email, ""
}

// isDomainName reports whether domain, an address's part after the "@"
// that net/mail accepted, is a domain name with a dot: not a domain
// literal ("[192.0.2.1]") and not an IP address, whose last label is all
// digits (no top-level domain is: RFC 3696, section 2).
func isDomainName(domain string) bool {
	dot := strings.LastIndexByte(domain, '.')
	if dot < 0 || strings.ContainsAny(domain, "[]") {
		return false
	}
	return strings.ContainsFunc(domain[dot+1:], func(r rune) bool { return r < '0' || r > '9' })
}

// shown returns raw as a page quotes it: at most 80 bytes, then "…".
func shown(raw string) string {
	if len(raw) > 80 {
		return strings.ToValidUTF8(raw[:80], "") + "…"
	}
	return raw
}

// isControl reports whether r is a control character or a Unicode line or
// paragraph separator.
func isControl(r rune) bool {
	return unicode.IsControl(r) || r == '\u2028' || r == '\u2029'
}

// isOneAddress reports whether net/mail reads s as one address without a
// display name, s itself.
func isOneAddress(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Name == "" && a.Address == s
}

// linkToken returns the sign-in token that a link's query or its
// confirmation form carries.
func linkToken(email, token string) repository.SignInToken {
	return repository.SignInToken{Identifier: email, Token: token}
}

// confirmLink answers a GET or HEAD of a sign-in link with a page that
// asks the person to continue, and redeems nothing: mail scanners and
// link previews fetch links before the person clicks. Its URL holds the
// token, so no Referer may carry it to another site: Referrer-Policy
// same-origin. (no-referrer would do that too, but browsers then send the
// form's POST with "Origin: null", which CrossOriginProtection can tell
// from a cross-site request only by Sec-Fetch-Site, sent over HTTPS and to
// localhost alone: over plain HTTP elsewhere the button would be refused.)
func (a *app) confirmLink(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Referrer-Policy", "same-origin")
	q := r.URL.Query()
	t := linkToken(q.Get("email"), q.Get("token"))
	if _, err := a.repo.Verifications.Find(r.Context(), t); err != nil {
		a.linkFailed(w, r, err)
		return
	}
	data := map[string]any{"Page": "confirm", "Title": "Continue as " + t.Identifier + "?", "Email": t.Identifier, "Token": t.Token}
	if u, ok := nextauthhttp.UserFrom(r.Context()); ok && u.Email != nil && *u.Email != t.Identifier {
		data["SignedInAs"] = *u.Email
	}
	a.render(w, http.StatusOK, data)
}

// redeemLink signs in with the sign-in link that the confirmation page's
// form posts, in place of whoever was signed in in this browser. When the
// repository unlinked provider accounts from the user (the address was
// verified for the first time), the person is told which.
func (a *app) redeemLink(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	res, err := a.repo.SignInEmail(ctx, repository.EmailSignIn{SignInToken: linkToken(r.PostFormValue("email"), r.PostFormValue("token"))})
	if err != nil {
		a.linkFailed(w, r, err)
		return
	}
	if before, ok := nextauthhttp.SessionFrom(ctx); ok {
		if err := a.repo.Sessions.Delete(ctx, before.SessionToken); err != nil && !errors.Is(err, repository.ErrNotFound) {
			a.logger.WarnContext(ctx, "ending the session a sign-in replaced", "error", err)
		}
	}
	a.cookie.Set(w, r, res.Session.SessionToken, res.Session.Expires)
	if len(res.Unlinked) == 0 {
		http.Redirect(w, r, "/account", http.StatusSeeOther)
		return
	}
	var labels []string
	for _, id := range res.Unlinked {
		labels = append(labels, a.label(id))
	}
	a.render(w, http.StatusOK, map[string]any{"Page": "unlinked", "Title": "You are signed in", "Unlinked": labels})
}

// linkFailed answers a sign-in link that does not work (unknown, used,
// expired, or not a link at all) with 404, and any other failure with 500.
func (a *app) linkFailed(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, repository.ErrNotFound) || errors.Is(err, repository.ErrInvalidInput) {
		a.message(w, http.StatusNotFound, "This link does not work", "Sign-in links work once, for 24 hours, and only the last one asked for. Ask for a new one.", true)
		return
	}
	a.fail(w, r, err)
}

// label returns the label of the provider named id, as its buttons show
// it, or id for a provider the app no longer offers.
func (a *app) label(id string) string {
	for _, p := range a.providers {
		if p.Name() == id {
			return p.Label
		}
	}
	return id
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
		opened := i.Extended // where the flavour does not record it
		if i.CreatedAt != nil {
			opened = *i.CreatedAt
		}
		v := sessionView{SessionInfo: i, Current: i.Is(sess), Since: span(now.Sub(opened)) + " ago", Ends: "in " + span(i.Expires.Sub(now))}
		if i.Extended.Sub(opened) > time.Minute {
			v.Active = span(now.Sub(i.Extended)) + " ago"
		}
		if v.Current { // this device first, then the others, newest first
			sessions = append([]sessionView{v}, sessions...)
		} else {
			sessions = append(sessions, v)
		}
	}
	var providers []providerView
	for _, p := range a.providers {
		v := providerView{provider: p}
		for _, acc := range accounts {
			v.Linked = v.Linked || acc.Provider == p.Name()
		}
		providers = append(providers, v)
	}
	var linked []accountView
	for _, acc := range accounts {
		linked = append(linked, accountView{Label: a.label(acc.Provider)})
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
