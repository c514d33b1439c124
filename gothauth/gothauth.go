package gothauth

import (
	"crypto/aes"
	"crypto/cipher"
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
	// ErrState: the callback came without the state cookie Begin or Link
	// set (it expired after 15 minutes, or the browser is another), with a
	// state that is not the one sent, or with the session cookie of another
	// session than the one the sign-in or link began in: a request not
	// started by this browser, such as an attacker's state cookie planted
	// in it.
	ErrState = errors.New("the sign-in was not started by this browser, or took too long")
	// ErrNotSignedIn: Link was asked to link an account for a request that
	// is not signed in, or the link's callback came after the session
	// ended.
	ErrNotSignedIn = errors.New("linking an account needs a signed-in user")
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
	// (the repository's ErrAccountNotLinked).
	ErrAccountNotLinked = repository.ErrAccountNotLinked
	// ErrLinkedToOther: a signed-in user tried to link a provider account
	// that another user has linked.
	ErrLinkedToOther = errors.New("the provider account is linked to another user")
	// ErrUnverifiedEmail: the provider account is new, the provider gave no
	// email address it verified (see Options.VerifiedEmail), and the
	// repository's flavour cannot create a user without one
	// (gormauth.Prisma). A provider account already linked signs in all the
	// same.
	ErrUnverifiedEmail = errors.New("the provider gave no verified email address, which a new user needs")
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
	// VerifiedEmail reports whether provider p verified the email of the
	// profile u it sent. An address it did not verify is not given to the
	// repository, so that nobody claims another person's address at a
	// provider that does not check it. Default VerifiedEmail.
	VerifiedEmail func(p goth.Provider, u goth.User) bool
	// PKCE reports whether to use PKCE (RFC 7636, S256) with p: only for a
	// provider whose code exchange sends the code_verifier, as a provider
	// that ignores it fails every sign-in at a server that enforces PKCE.
	// Default PKCE.
	PKCE func(p goth.Provider) bool
}

// Handler runs "Sign in with …" for a repository: Begin sends the browser
// to the provider to sign in, Link to link a provider account to the
// signed-in user, and Callback signs the person in (or links the account)
// and sets the session cookie.
//
//	h, err := gothauth.New(repo, gothauth.Options{Providers: …, Secret: …})
//	load := nextauthhttp.Load(repo, nextauthhttp.Options{})
//	cop := http.NewCrossOriginProtection()
//	mux.HandleFunc("GET /auth/{provider}", h.Begin)
//	mux.Handle("POST /auth/{provider}/link", cop.Handler(load(http.HandlerFunc(h.Link))))
//	mux.Handle("GET /auth/{provider}/callback", load(http.HandlerFunc(h.Callback)))
type Handler struct {
	providers map[string]goth.Provider
	repo      *repository.Repository
	cookie    nextauthhttp.Cookie
	sealer    cipher.AEAD // seals the state cookie
	opts      Options
}

// New returns a Handler that signs people in with repo, of any flavour.
// It returns an error for a nil repository, no providers, two with one
// name, or a Secret shorter than 32 bytes.
func New(repo *repository.Repository, opts Options) (*Handler, error) {
	if repo == nil {
		return nil, errors.New("gothauth: nil repository")
	}
	if len(opts.Providers) == 0 {
		return nil, errors.New("gothauth: no providers")
	}
	if len(opts.Secret) < 32 {
		return nil, errors.New("gothauth: Secret must be at least 32 bytes")
	}
	block, err := aes.NewCipher(derive(opts.Secret, "gormauth oauth state key"))
	if err != nil {
		return nil, fmt.Errorf("gothauth: the state cookie's cipher: %w", err)
	}
	sealer, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("gothauth: the state cookie's cipher: %w", err)
	}
	h := &Handler{providers: map[string]goth.Provider{}, repo: repo, cookie: nextauthhttp.CookieOf(repo, opts.HTTP),
		sealer: sealer, opts: opts}
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
	if h.opts.VerifiedEmail == nil {
		h.opts.VerifiedEmail = VerifiedEmail
	}
	if h.opts.PKCE == nil {
		h.opts.PKCE = PKCE
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

// stateCookieName is the cookie that carries the state from Begin or Link
// to Callback, __Host- prefixed over HTTPS.
const stateCookieName = "gormauth.oauth-state"

// state is what the state cookie holds, sealed.
type state struct {
	Provider string    `json:"p"`
	Session  string    `json:"s"` // goth's session, with the authorization URL and its state
	Expires  time.Time `json:"e"`
	// Link: the flow links the provider account to the signed-in user
	// (Link began it); otherwise it signs in (Begin).
	Link bool `json:"l,omitempty"`
	// Bound is sessionBinding of the session cookie the request that began
	// the flow carried; empty for none.
	Bound []byte `json:"b,omitempty"`
	// Verifier is the PKCE code_verifier; empty without PKCE.
	Verifier string `json:"v,omitempty"`
}

// Begin sends the browser to the provider the request names to sign in,
// with a new random state, which it also keeps in a sealed cookie for
// Callback, bound to the session cookie the request carries (if any). It
// only ever starts a sign-in, even for a signed-in request: linking is
// Link's.
func (h *Handler) Begin(w http.ResponseWriter, r *http.Request) {
	h.begin(w, r, false, http.StatusFound)
}

// Link sends the browser to the provider the request names to link the
// provider account it signs in with to the signed-in user, as Begin does
// for a sign-in. The request must be signed in (Load before it), or it is
// refused with ErrNotSignedIn. Link changes what the next callback does, so
// serve it for POST only, behind net/http's CrossOriginProtection:
//
//	mux.Handle("POST /auth/{provider}/link", cop.Handler(load(http.HandlerFunc(h.Link))))
func (h *Handler) Link(w http.ResponseWriter, r *http.Request) {
	if _, err := h.providerOf(r); err != nil {
		h.fail(w, r, err)
		return
	}
	if !nextauthhttp.SignedIn(r.Context()) {
		h.fail(w, r, fmt.Errorf("gothauth: %w", ErrNotSignedIn))
		return
	}
	h.begin(w, r, true, http.StatusSeeOther)
}

// begin starts a sign-in, or a link, and redirects with status.
func (h *Handler) begin(w http.ResponseWriter, r *http.Request, link bool, status int) {
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
	st := state{Provider: p.Name(), Session: sess.Marshal(), Expires: time.Now().Add(stateTTL), Link: link,
		Bound: h.sessionBinding(r)}
	if h.opts.PKCE(p) {
		st.Verifier = random()
		if authURL, err = withChallenge(authURL, st.Verifier); err != nil {
			h.fail(w, r, fmt.Errorf("gothauth: %w: %s: the authorization URL: %w", ErrProvider, p.Name(), err))
			return
		}
	}
	http.SetCookie(w, h.stateCookie(r, h.seal(st), stateTTL))
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, authURL, status)
}

// withChallenge returns authURL with PKCE's S256 code_challenge of
// verifier.
func withChallenge(authURL, verifier string) (string, error) {
	u, err := url.Parse(authURL)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(verifier))
	q := u.Query()
	q.Set("code_challenge", base64.RawURLEncoding.EncodeToString(sum[:]))
	q.Set("code_challenge_method", "S256")
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// sessionBinding returns a keyed hash of the session token r's session
// cookie holds, or nil when it holds none: what ties a flow to the session
// it began in, without the token.
func (h *Handler) sessionBinding(r *http.Request) []byte {
	token, ok := h.cookie.Read(r)
	if !ok {
		return nil
	}
	m := hmac.New(sha256.New, h.opts.Secret)
	m.Write([]byte("gormauth oauth state session\x00" + token))
	return m.Sum(nil)
}

// Callback completes the flow the provider sent the browser back from: it
// checks the state, and that the request carries the session cookie the
// flow began with (none for a sign-in begun signed out), exchanges the
// code, fetches the profile and then
//   - for a flow Link began, links the provider account to the signed-in
//     user (Load runs before Callback) with the repository's SignInOAuth,
//     which refuses one linked to another user (ErrLinkedToOther); the
//     session must be one of the Handler's repository;
//   - for one Begin began, signs the person in with the repository's
//     SignInOAuth and sets the session cookie, never linking, even when
//     the request is signed in; the session the request was signed in
//     with, if any, is deleted (a failure to is logged, not answered);
//
// and sends the browser to Options.AfterSignIn. The profile's email reaches
// the repository only if Options.VerifiedEmail says the provider verified
// it. Failures go to Options.ErrorPage.
func (h *Handler) Callback(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	st, p, u, err := h.complete(w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ctx := r.Context()
	verified := h.opts.VerifiedEmail(p, u)
	switch {
	case st.Link && !nextauthhttp.SignedIn(ctx):
		err = fmt.Errorf("gothauth: %w: the session ended before the link's callback", ErrNotSignedIn)
	case st.Link:
		err = h.link(ctx, u, verified)
	default:
		var token string
		var expires time.Time
		token, expires, err = h.signIn(ctx, u, verified)
		if err == nil {
			h.cookie.Set(w, r, token, expires)
			// The session this browser had is replaced: end it, rather
			// than leave it valid in the database.
			if end := h.signOut(ctx); end != nil {
				h.opts.Logger.LogAttrs(ctx, slog.LevelWarn, "gothauth: ending the session a sign-in replaced failed",
					slog.String("path", r.URL.Path), slog.Any("error", end))
			}
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
// state, the provider and the person the provider signed in.
func (h *Handler) complete(w http.ResponseWriter, r *http.Request) (state, goth.Provider, goth.User, error) {
	p, err := h.providerOf(r)
	if err != nil {
		return state{}, nil, goth.User{}, err
	}
	c, err := r.Cookie(h.stateCookie(r, "", 0).Name)
	http.SetCookie(w, h.stateCookie(r, "", -1)) // used once
	if err != nil {
		return state{}, nil, goth.User{}, fmt.Errorf("gothauth: %w: no state cookie", ErrState)
	}
	st, ok := h.open(c.Value)
	if !ok || st.Provider != p.Name() || time.Now().After(st.Expires) {
		return state{}, nil, goth.User{}, fmt.Errorf("gothauth: %w: the state cookie is invalid, expired or for another provider", ErrState)
	}
	if !hmac.Equal(st.Bound, h.sessionBinding(r)) {
		return state{}, nil, goth.User{}, fmt.Errorf("gothauth: %w: the flow began in another session, or signed out", ErrState)
	}
	sess, err := p.UnmarshalSession(st.Session)
	if err != nil {
		return state{}, nil, goth.User{}, fmt.Errorf("gothauth: %w: %w", ErrState, err)
	}
	authURL, err := sess.GetAuthURL()
	if err != nil {
		return state{}, nil, goth.User{}, fmt.Errorf("gothauth: %w: %w", ErrState, err)
	}
	sent, err := url.Parse(authURL)
	q := r.URL.Query()
	if err != nil || q.Get("state") == "" || !hmac.Equal([]byte(sent.Query().Get("state")), []byte(q.Get("state"))) {
		return state{}, nil, goth.User{}, fmt.Errorf("gothauth: %w: state mismatch", ErrState)
	}
	if e := q.Get("error"); e != "" {
		return state{}, nil, goth.User{}, fmt.Errorf("gothauth: %w: %s: %q", ErrDenied, p.Name(), e)
	}
	if q.Get("code") == "" {
		return state{}, nil, goth.User{}, fmt.Errorf("gothauth: %w: %s: the callback has no code", ErrInvalidCode, p.Name())
	}
	// The exchange's parameters are the provider's answer, but for the
	// ones goth's sessions take from the application: the PKCE verifier
	// is the state's, and the redirect URI the provider's own.
	q.Del("code_verifier")
	q.Del("redirect_uri")
	if st.Verifier != "" {
		q.Set("code_verifier", st.Verifier)
	}
	if _, err := sess.Authorize(p, q); err != nil {
		kind := ErrProvider
		if codeRefused(err) {
			kind = ErrInvalidCode
		}
		return state{}, nil, goth.User{}, fmt.Errorf("gothauth: %w: %s: exchanging the code: %w", kind, p.Name(), withoutQuery(err))
	}
	u, err := p.FetchUser(sess)
	if err != nil {
		return state{}, nil, goth.User{}, fmt.Errorf("gothauth: %w: %s: fetching the profile: %w", ErrProvider, p.Name(), withoutQuery(err))
	}
	if u.UserID == "" {
		return state{}, nil, goth.User{}, fmt.Errorf("gothauth: %w: %s: the profile has no user id", ErrProvider, p.Name())
	}
	u.Provider = p.Name()
	return st, p, u, nil
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
// delete it): over HTTPS named with the prefix __Host-, which a browser
// accepts only from a secure origin, for Path=/ and without Domain, so that
// neither a sibling subdomain nor a man in the middle can plant one.
func (h *Handler) stateCookie(r *http.Request, value string, maxAge time.Duration) *http.Cookie {
	secure := nextauthhttp.IsHTTPS(r, h.opts.HTTP.TrustProxyHeaders)
	name := stateCookieName
	if secure {
		name = "__Host-" + name
	}
	c := &http.Cookie{Name: name, Value: value, Path: "/", HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode}
	if maxAge < 0 {
		c.MaxAge = -1
	} else {
		c.MaxAge = int(maxAge / time.Second)
	}
	return c
}

// seal encrypts and authenticates st (AES-GCM with a key derived from the
// secret): base64url(nonce, ciphertext). The cookie keeps the PKCE verifier
// and the session binding unreadable to whatever sees cookies.
func (h *Handler) seal(st state) string {
	b, _ := json.Marshal(st)
	nonce := make([]byte, h.sealer.NonceSize())
	_, _ = rand.Read(nonce)
	return base64.RawURLEncoding.EncodeToString(h.sealer.Seal(nonce, nonce, b, []byte(stateCookieName)))
}

// open checks and decodes what seal made.
func (h *Handler) open(v string) (state, bool) {
	b, err := base64.RawURLEncoding.DecodeString(v)
	n := h.sealer.NonceSize()
	if err != nil || len(b) < n {
		return state{}, false
	}
	plain, err := h.sealer.Open(nil, b[:n], b[n:], []byte(stateCookieName))
	var st state
	if err != nil || json.Unmarshal(plain, &st) != nil {
		return state{}, false
	}
	return st, true
}

// derive returns a 32-byte key for purpose from the secret.
func derive(secret []byte, purpose string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(purpose))
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

// Status returns the HTTP status for a failed Begin, Link or Callback: 404
// for an unknown provider, 400 for a bad state or ErrInvalidCode, 401 for
// ErrNotSignedIn, 403 for a sign-in the provider refused and for
// ErrUnverifiedEmail, 409 for ErrAccountNotLinked and ErrLinkedToOther, 502
// for the provider's failures (a profile the repository refuses included)
// and 500 for the rest.
func Status(err error) int {
	switch {
	case errors.Is(err, ErrUnknownProvider):
		return http.StatusNotFound
	case errors.Is(err, ErrState), errors.Is(err, ErrInvalidCode):
		return http.StatusBadRequest
	case errors.Is(err, ErrNotSignedIn):
		return http.StatusUnauthorized
	case errors.Is(err, ErrDenied), errors.Is(err, ErrUnverifiedEmail):
		return http.StatusForbidden
	case errors.Is(err, ErrAccountNotLinked), errors.Is(err, ErrLinkedToOther):
		return http.StatusConflict
	case errors.Is(err, ErrProvider):
		return http.StatusBadGateway
	}
	return http.StatusInternalServerError
}

// Message returns what to tell the person about a failed Begin, Link or
// Callback.
func Message(err error) string {
	switch {
	case errors.Is(err, ErrUnknownProvider):
		return "There is no such way to sign in."
	case errors.Is(err, ErrState):
		return "This sign-in was not started here, or took too long. Please try again."
	case errors.Is(err, ErrNotSignedIn):
		return "Please sign in first, then link the account."
	case errors.Is(err, ErrDenied):
		return "The sign-in was cancelled."
	case errors.Is(err, ErrUnverifiedEmail):
		return "Your account at the provider has no verified email address. Verify your address there and try again, or sign in by email."
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
