package gothauth

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/markbates/goth"
	"golang.org/x/oauth2"

	"github.com/gormauth/gormauth/nextauthhttp"
	"github.com/gormauth/gormauth/repository"
)

// Errors the callback reports to Options.ErrorPage, wrapped; match them
// with errors.Is.
var (
	// ErrUnknownProvider: the request names no provider of Options.Providers.
	ErrUnknownProvider = errors.New("unknown provider")
	// ErrState: the callback came without the state cookie Begin set (it
	// expired after 15 minutes, or the browser is another), or with a state
	// that is not the one sent: a request not started by this browser.
	ErrState = errors.New("the sign-in was not started by this browser, or took too long")
	// ErrDenied: the provider sent the browser back with an error, such as
	// access_denied when the person cancelled.
	ErrDenied = errors.New("the provider did not sign the person in")
	// ErrInvalidCode: the callback, with the right state, came without a
	// code, or with one the provider refused to exchange as unknown,
	// expired or already used (OAuth's invalid_grant, GitHub's
	// bad_verification_code): a stale, reused or hand-made link, the
	// visitor's to start again, not the provider's failure.
	ErrInvalidCode = errors.New("no authorization code, or one the provider does not honour")
	// ErrProvider: exchanging the code or fetching the profile failed
	// otherwise: the provider is down, answers what is not OAuth, or
	// refuses the site itself (such as invalid_client for a wrong secret),
	// or sends a profile the repository refuses (ErrInvalidInput: a NUL
	// byte, a value over a limit).
	ErrProvider = errors.New("the provider failed")
	// ErrAccountNotLinked: the provider account is linked to no user, and
	// its email belongs to a user, who must sign in as before and link it
	// (the repositories' ErrAccountNotLinked).
	ErrAccountNotLinked = repository.ErrAccountNotLinked
	// ErrLinkedToOther: a signed-in user tried to link a provider account
	// that another user has linked.
	ErrLinkedToOther = errors.New("the provider account is linked to another user")
)

// Options configures a Handler.
type Options struct {
	// Providers are the goth providers people can sign in with, by their
	// Name(), which the paths of Begin and Callback carry. Each provider's
	// callback URL must lead to Callback.
	Providers []goth.Provider
	// Secret signs the short-lived cookie that carries the OAuth state from
	// Begin to Callback: 32 random bytes or more, the same on every replica.
	Secret []byte
	// HTTP names the session cookie as the middleware reads it (see
	// nextauthhttp.Options: CookieName, SecureCookieName,
	// TrustProxyHeaders); the zero value is the repository's application's
	// names.
	HTTP nextauthhttp.Options
	// AfterSignIn is where the browser goes after signing in or linking a
	// provider account. Default "/".
	AfterSignIn string
	// ErrorPage answers a callback that failed. Default: a small HTML page
	// with the status Status(err) and a message for the person.
	ErrorPage func(w http.ResponseWriter, r *http.Request, err error)
	// Logger receives every failed callback, never a token: at ERROR the
	// failures that are not the person's doing (Status 5xx: the
	// provider's, the database's), at INFO the others (a stale link, a
	// cancelled sign-in, a bad state). Default slog.Default().
	Logger *slog.Logger
}

// Handler runs "Sign in with …" for a repository: Begin sends the browser
// to the provider, Callback signs the person in (or links the provider
// account to the signed-in user) and sets the session cookie.
//
//	h, err := gothauth.New(repo, gothauth.Options{Providers: …, Secret: …})
//	load := nextauthhttp.Load(repo, nextauthhttp.Options{})
//	mux.HandleFunc("GET /auth/{provider}", h.Begin)
//	mux.Handle("GET /auth/{provider}/callback", load(http.HandlerFunc(h.Callback)))
type Handler struct {
	providers map[string]goth.Provider
	signer    signer
	cookie    nextauthhttp.Cookie
	opts      Options
}

// New returns a Handler for repo, NextAuth.js 2.0.0-beta.73's repository
// or an Auth.js flavour's. It returns an error for a nil repository, no
// providers, two with one name, or a Secret shorter than 32 bytes.
func New[R nextauthhttp.Repository](repo R, opts Options) (*Handler, error) {
	s, err := signerOf(repo)
	if err != nil {
		return nil, err
	}
	if len(opts.Providers) == 0 {
		return nil, errors.New("gothauth: no providers")
	}
	if len(opts.Secret) < 32 {
		return nil, errors.New("gothauth: Secret must be at least 32 bytes")
	}
	h := &Handler{providers: map[string]goth.Provider{}, signer: s, cookie: nextauthhttp.CookieOf(repo, opts.HTTP), opts: opts}
	for _, p := range opts.Providers {
		if _, dup := h.providers[p.Name()]; dup || p.Name() == "" {
			return nil, fmt.Errorf("gothauth: two providers named %q", p.Name())
		}
		h.providers[p.Name()] = p
	}
	if h.opts.AfterSignIn == "" {
		h.opts.AfterSignIn = "/"
	}
	if h.opts.ErrorPage == nil {
		h.opts.ErrorPage = DefaultErrorPage
	}
	if h.opts.Logger == nil {
		h.opts.Logger = slog.Default()
	}
	return h, nil
}

// providerOf returns the provider the request names: the path value
// "provider" ({provider} in the route's pattern), or the query parameter
// "provider".
func (h *Handler) providerOf(r *http.Request) (goth.Provider, error) {
	name := r.PathValue("provider")
	if name == "" {
		name = r.URL.Query().Get("provider")
	}
	p, ok := h.providers[name]
	if !ok {
		return nil, fmt.Errorf("gothauth: %w %q", ErrUnknownProvider, name)
	}
	return p, nil
}

// stateTTL is how long the person has at the provider, as Auth.js's state
// cookie allows.
const stateTTL = 15 * time.Minute

// stateCookieName is the cookie that carries the state from Begin to
// Callback, __Secure- prefixed over HTTPS.
const stateCookieName = "gormauth.oauth-state"

// state is what the state cookie holds.
type state struct {
	Provider string    `json:"p"`
	Session  string    `json:"s"` // goth's session, with the authorization URL and its state
	Expires  time.Time `json:"e"`
}

// Begin sends the browser to the provider the request names, with a new
// random state, which it also keeps in a signed cookie for Callback.
func (h *Handler) Begin(w http.ResponseWriter, r *http.Request) {
	p, err := h.providerOf(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	sess, err := p.BeginAuth(random())
	if err != nil {
		h.fail(w, r, fmt.Errorf("gothauth: %w: %s: %w", ErrProvider, p.Name(), err))
		return
	}
	authURL, err := sess.GetAuthURL()
	if err != nil {
		h.fail(w, r, fmt.Errorf("gothauth: %w: %s: %w", ErrProvider, p.Name(), err))
		return
	}
	http.SetCookie(w, h.stateCookie(r, h.seal(state{Provider: p.Name(), Session: sess.Marshal(), Expires: time.Now().Add(stateTTL)}), stateTTL))
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, authURL, http.StatusFound)
}

// Callback completes the sign-in the provider sent the browser back from:
// it checks the state, exchanges the code, fetches the profile and then
//   - when the request is signed in (Load runs before it), links the
//     provider account to the signed-in user;
//   - otherwise signs the person in with the repository's SignInOAuth and
//     sets the session cookie;
//
// and sends the browser to Options.AfterSignIn. Failures go to
// Options.ErrorPage.
func (h *Handler) Callback(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	u, err := h.complete(w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ctx := r.Context()
	if nextauthhttp.SignedIn(ctx) {
		err = h.signer.link(ctx, u)
	} else {
		var token string
		var expires time.Time
		token, expires, err = h.signer.signIn(ctx, u)
		if err == nil {
			h.cookie.Set(w, r, token, expires)
		}
	}
	if errors.Is(err, repository.ErrInvalidInput) {
		// A profile no row can hold (a NUL byte, a value over a limit).
		err = fmt.Errorf("gothauth: %w: %s: the profile cannot be stored: %w", ErrProvider, u.Provider, err)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, h.opts.AfterSignIn, http.StatusFound)
}

// complete checks the callback's state and provider answer and returns the
// person the provider signed in.
func (h *Handler) complete(w http.ResponseWriter, r *http.Request) (goth.User, error) {
	p, err := h.providerOf(r)
	if err != nil {
		return goth.User{}, err
	}
	c, err := r.Cookie(h.stateCookie(r, "", 0).Name)
	http.SetCookie(w, h.stateCookie(r, "", -1)) // used once
	if err != nil {
		return goth.User{}, fmt.Errorf("gothauth: %w: no state cookie", ErrState)
	}
	st, ok := h.open(c.Value)
	if !ok || st.Provider != p.Name() || time.Now().After(st.Expires) {
		return goth.User{}, fmt.Errorf("gothauth: %w: the state cookie is invalid, expired or for another provider", ErrState)
	}
	sess, err := p.UnmarshalSession(st.Session)
	if err != nil {
		return goth.User{}, fmt.Errorf("gothauth: %w: %w", ErrState, err)
	}
	authURL, err := sess.GetAuthURL()
	if err != nil {
		return goth.User{}, fmt.Errorf("gothauth: %w: %w", ErrState, err)
	}
	sent, err := url.Parse(authURL)
	q := r.URL.Query()
	if err != nil || q.Get("state") == "" || !hmac.Equal([]byte(sent.Query().Get("state")), []byte(q.Get("state"))) {
		return goth.User{}, fmt.Errorf("gothauth: %w: state mismatch", ErrState)
	}
	if e := q.Get("error"); e != "" {
		return goth.User{}, fmt.Errorf("gothauth: %w: %s: %q", ErrDenied, p.Name(), e)
	}
	if q.Get("code") == "" {
		return goth.User{}, fmt.Errorf("gothauth: %w: %s: the callback has no code", ErrInvalidCode, p.Name())
	}
	if _, err := sess.Authorize(p, q); err != nil {
		kind := ErrProvider
		if codeRefused(err) {
			kind = ErrInvalidCode
		}
		return goth.User{}, fmt.Errorf("gothauth: %w: %s: exchanging the code: %w", kind, p.Name(), withoutQuery(err))
	}
	u, err := p.FetchUser(sess)
	if err != nil {
		return goth.User{}, fmt.Errorf("gothauth: %w: %s: fetching the profile: %w", ErrProvider, p.Name(), withoutQuery(err))
	}
	if u.UserID == "" {
		return goth.User{}, fmt.Errorf("gothauth: %w: %s: the profile has no user id", ErrProvider, p.Name())
	}
	u.Provider = p.Name()
	return u, nil
}

// withoutQuery returns err with the query of the URL a request failed on
// left out of its text: goth's Facebook, Google, Instagram and VK providers
// send the access token in the query of the profile URL, and net/http's
// *url.Error names the URL. The error returned unwraps to what the request
// failed with, not to the *url.Error.
func withoutQuery(err error) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err
	}
	bare := *ue
	bare.URL = "(an unreadable URL)"
	if u, perr := url.Parse(ue.URL); perr == nil {
		u.User, u.RawQuery, u.Fragment, u.RawFragment = nil, "", "", ""
		bare.URL = u.String()
	}
	msg := strings.ReplaceAll(err.Error(), ue.Error(), bare.Error())
	return &queryless{msg: strings.ReplaceAll(msg, ue.URL, bare.URL), err: ue.Err}
}

// queryless is an error whose text withoutQuery cleaned.
type queryless struct {
	msg string
	err error
}

func (e *queryless) Error() string { return e.msg }
func (e *queryless) Unwrap() error { return e.err }

// codeRefused reports whether err, from exchanging the code, is the
// provider's answer that it does not honour the code: RFC 6749's
// invalid_grant, or GitHub's bad_verification_code (which GitHub sends
// with status 200).
func codeRefused(err error) bool {
	var re *oauth2.RetrieveError
	return errors.As(err, &re) && (re.ErrorCode == "invalid_grant" || re.ErrorCode == "bad_verification_code")
}

// stateCookie returns the state cookie holding value for maxAge (negative:
// delete it).
func (h *Handler) stateCookie(r *http.Request, value string, maxAge time.Duration) *http.Cookie {
	secure := nextauthhttp.IsHTTPS(r, h.opts.HTTP.TrustProxyHeaders)
	name := stateCookieName
	if secure {
		name = "__Secure-" + name
	}
	c := &http.Cookie{Name: name, Value: value, Path: "/", HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode}
	if maxAge < 0 {
		c.MaxAge = -1
	} else {
		c.MaxAge = int(maxAge / time.Second)
	}
	return c
}

// seal encodes st and signs it with the secret: base64url(JSON).base64url(HMAC).
func (h *Handler) seal(st state) string {
	b, _ := json.Marshal(st)
	payload := base64.RawURLEncoding.EncodeToString(b)
	return payload + "." + base64.RawURLEncoding.EncodeToString(h.mac(payload))
}

// open checks and decodes what seal made.
func (h *Handler) open(v string) (state, bool) {
	payload, sig, ok := strings.Cut(v, ".")
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if !ok || err != nil || !hmac.Equal(got, h.mac(payload)) {
		return state{}, false
	}
	b, err := base64.RawURLEncoding.DecodeString(payload)
	var st state
	if err != nil || json.Unmarshal(b, &st) != nil {
		return state{}, false
	}
	return st, true
}

func (h *Handler) mac(payload string) []byte {
	m := hmac.New(sha256.New, h.opts.Secret)
	m.Write([]byte("gormauth oauth state\x00" + payload))
	return m.Sum(nil)
}

// fail logs the failure, at ERROR when it is not the person's doing, and
// answers with the error page.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	level := slog.LevelInfo
	if Status(err) >= 500 {
		level = slog.LevelError
	}
	h.opts.Logger.LogAttrs(r.Context(), level, "gothauth: sign-in failed",
		slog.String("path", r.URL.Path), slog.Int("status", Status(err)), slog.Any("error", err))
	h.opts.ErrorPage(w, r, err)
}

// Status returns the HTTP status for a failed callback: 404 for an
// unknown provider, 400 for a bad state or ErrInvalidCode, 403 for a
// sign-in the provider refused, 409 for ErrAccountNotLinked and
// ErrLinkedToOther, 502 for the provider's failures (a profile the
// repository refuses included) and 500 for the rest.
func Status(err error) int {
	switch {
	case errors.Is(err, ErrUnknownProvider):
		return http.StatusNotFound
	case errors.Is(err, ErrState), errors.Is(err, ErrInvalidCode):
		return http.StatusBadRequest
	case errors.Is(err, ErrDenied):
		return http.StatusForbidden
	case errors.Is(err, ErrAccountNotLinked), errors.Is(err, ErrLinkedToOther):
		return http.StatusConflict
	case errors.Is(err, ErrProvider):
		return http.StatusBadGateway
	}
	return http.StatusInternalServerError
}

// Message returns what to tell the person about a failed callback.
func Message(err error) string {
	switch {
	case errors.Is(err, ErrUnknownProvider):
		return "There is no such way to sign in."
	case errors.Is(err, ErrState):
		return "This sign-in was not started here, or took too long. Please try again."
	case errors.Is(err, ErrDenied):
		return "The sign-in was cancelled."
	case errors.Is(err, ErrInvalidCode):
		return "This sign-in link has expired or was already used. Please start again."
	case errors.Is(err, ErrAccountNotLinked):
		return "To confirm your identity, sign in with the same account you used originally, then link this one."
	case errors.Is(err, ErrLinkedToOther):
		return "This account is already linked to another user."
	case errors.Is(err, ErrProvider):
		return "The provider could not sign you in. Please try again later."
	}
	return "Something went wrong. Please try again later."
}

var errorPage = template.Must(template.New("error").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign-in failed</title></head>
<body><h1>Sign-in failed</h1><p>{{.Message}}</p><p><a href="/">{{if .Again}}Start again{{else}}Back{{end}}</a></p></body></html>
`))

// StartAgain reports whether the person can fix a failed callback by
// starting the sign-in again: ErrState and ErrInvalidCode.
func StartAgain(err error) bool {
	return errors.Is(err, ErrState) || errors.Is(err, ErrInvalidCode)
}

// DefaultErrorPage answers with Status(err) and a small HTML page saying
// Message(err), with a link to "/" ("Start again" where StartAgain).
func DefaultErrorPage(w http.ResponseWriter, _ *http.Request, err error) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(Status(err))
	_ = errorPage.Execute(w, map[string]any{"Message": Message(err), "Again": StartAgain(err)})
}

func random() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// signer is what the Handler needs of a repository.
type signer interface {
	// signIn signs u in and returns the new session's token and expiry.
	signIn(ctx context.Context, u goth.User) (token string, expires time.Time, err error)
	// link links u's provider account to the user signed in on ctx.
	link(ctx context.Context, u goth.User) error
}
