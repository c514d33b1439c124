// Package oauthdemo is a small OAuth 2.0 provider for demos and tests,
// served from the program itself: it speaks GitHub's endpoints, so goth's
// github provider signs people in with it (Provider), and OpenID Connect's,
// so goth's openidConnect provider does too (OpenIDProvider); it lets
// anyone sign in as one of its People by clicking a button, with no
// password and no internet.
//
//	demo := oauthdemo.New(oauthdemo.People{{ID: 1, Name: "Alice", Email: "alice@example.com"}})
//	srv := httptest.NewServer(demo) // or mount it on your own server
//	provider := demo.Provider(srv.URL, "github", "http://localhost:8080/auth/github/callback")
//
// It is not an OAuth server for production, but as it runs on the
// application's origin it checks what a real one checks: the client id and
// secret (in constant time), the redirect URI (only the callback URLs of
// the providers it made), the code (once, for a minute), PKCE (RFC 7636,
// S256: a code whose authorization request had a code_challenge is
// exchanged only with its code_verifier) and the access token. Its token
// endpoint refuses as RFC 6749 (section 5.2) says: a code it did not issue,
// or no longer honours, or a wrong code_verifier, is 400 invalid_grant, and
// wrong client credentials 401 invalid_client.
package oauthdemo

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/markbates/goth/providers/github"
	"github.com/markbates/goth/providers/openidConnect"
)

// Person is someone who can sign in at the demo provider.
type Person struct {
	ID    int    // the provider's user id, the account id goth reports
	Login string // the user name
	Name  string
	Email string // the primary address; "" for none
	// EmailUnverified marks Email as not verified yet. The provider says
	// so as GitHub does, "verified": false in GET /user/emails (goth's
	// github provider then finds no address it may use, and fails the
	// sign-in), and as OpenID Connect does, email_verified false.
	EmailUnverified bool
}

// People are the demo provider's users.
type People []Person

// ClientID and ClientSecret are the credentials the demo provider accepts.
const (
	ClientID     = "demo-client"
	ClientSecret = "demo-secret"
)

// codeTTL is how long a code can be exchanged.
const codeTTL = time.Minute

// Server is the demo provider, an http.Handler serving
//
//	GET  /login/oauth/authorize     a page with a button per person, and Cancel, naming the provider picked
//	POST /login/oauth/authorize     the button: redirects back with a code (or error=access_denied)
//	POST /login/oauth/access_token  exchanges the code for an access token (and an ID token, for scope openid)
//	GET  /user, /user/emails        the signed-in person, as GitHub's API gives them
//	GET  /userinfo                  the signed-in person, as OpenID Connect's UserInfo gives them
//
// It is safe for concurrent use.
type Server struct {
	people People
	mux    *http.ServeMux
	now    func() time.Time

	mu        sync.Mutex
	codes     map[string]grant // by hash of the code
	tokens    map[string]int   // person index by hash of the access token
	providers map[string]made  // the providers made, by name
	redirects map[string]bool  // the registered redirect URIs
}

// made is a provider the Server made: what the authorize page calls it,
// and, for OpenID Connect, the issuer its ID tokens name.
type made struct {
	label, issuer string
}

type grant struct {
	person      int
	redirectURI string
	expires     time.Time
	challenge   string // PKCE's S256 code_challenge; "" for none
	provider    string // the name of the provider it was asked for
	openID      bool   // scope openid: the token response has an ID token
}

// New returns a demo provider for people.
func New(people People) *Server {
	s := &Server{people: people, mux: http.NewServeMux(), now: time.Now, codes: map[string]grant{}, tokens: map[string]int{},
		providers: map[string]made{}, redirects: map[string]bool{}}
	s.mux.HandleFunc("GET /login/oauth/authorize", s.authorizePage)
	s.mux.HandleFunc("POST /login/oauth/authorize", s.authorize)
	s.mux.HandleFunc("POST /login/oauth/access_token", s.token)
	s.mux.HandleFunc("GET /user", s.user)
	s.mux.HandleFunc("GET /user/emails", s.emails)
	s.mux.HandleFunc("GET /userinfo", s.userinfo)
	return s
}

// Provider returns goth's github provider, named name, talking to the demo
// provider served at baseURL, with callbackURL as its redirect URI, which
// the demo provider accepts from then on. The authorize page calls it
// name; LabeledProvider gives it a label.
func (s *Server) Provider(baseURL, name, callbackURL string) *github.Provider {
	return s.LabeledProvider(baseURL, name, name, callbackURL)
}

// LabeledProvider is Provider, whose authorize page says that the person
// picked label (such as "GitHub (demo)", as the application's button
// says), so that one demo provider serving several of the application's
// providers shows which one this is.
func (s *Server) LabeledProvider(baseURL, name, label, callbackURL string) *github.Provider {
	base := strings.TrimSuffix(baseURL, "/")
	s.register(name, made{label: label}, callbackURL)
	p := github.NewCustomisedURL(ClientID, ClientSecret, callbackURL,
		authorizeURL(base, name), base+"/login/oauth/access_token", base+"/user", base+"/user/emails", "user:email")
	p.SetName(name)
	return p
}

// OpenIDProvider returns goth's openidConnect provider, named name,
// talking to the demo provider served at baseURL (its issuer), with
// callbackURL as its redirect URI, which the demo provider accepts from
// then on, and scopes openid, profile and email. Its ID tokens are signed
// with ClientSecret (HS256). goth's openidConnect provider sends PKCE's
// code_verifier with the code exchange.
func (s *Server) OpenIDProvider(baseURL, name, callbackURL string) *openidConnect.Provider {
	base := strings.TrimSuffix(baseURL, "/")
	s.register(name, made{label: name, issuer: base}, callbackURL)
	// NewCustomisedURL makes no request and returns no error.
	p, _ := openidConnect.NewCustomisedURL(ClientID, ClientSecret, callbackURL, authorizeURL(base, name),
		base+"/login/oauth/access_token", base, base+"/userinfo", "", "openid", "profile", "email")
	p.SetName(name)
	return p
}

// authorizeURL is the authorize endpoint for the provider name, which it
// names so that the page can say which provider the person picked.
func authorizeURL(base, name string) string {
	return base + "/login/oauth/authorize?" + url.Values{"provider": {name}}.Encode()
}

// register records the provider name and accepts its callback URL.
func (s *Server) register(name string, m made, callbackURL string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.providers[name] = m
	s.redirects[callbackURL] = true
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

var page = template.Must(template.New("authorize").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Demo OAuth provider</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:4rem auto;padding:0 1rem}
button{display:block;width:100%;margin:.5rem 0;padding:.7rem;font-size:1rem;cursor:pointer}
.cancel{background:none;border:1px solid #999}</style></head>
<body><h1>Demo OAuth provider</h1>
{{if .Label}}<p>You chose <strong id="provider">{{.Label}}</strong>.</p>
{{end}}<p>An application asks who you are. This demo provider has no passwords: choose a person.</p>
<form method="post">
{{range $k, $v := .Fields}}<input type="hidden" name="{{$k}}" value="{{$v}}">
{{end}}{{range $i, $p := .People}}<button name="person" value="{{$i}}">Continue as {{$p.Name}} ({{$p.Email}}{{if $p.EmailUnverified}}, unverified{{end}})</button>
{{end}}<button class="cancel" name="cancel" value="1">Cancel</button>
</form></body></html>
`))

// authorizeFields are the parameters of the authorization request the
// page's form sends back.
var authorizeFields = []string{"client_id", "redirect_uri", "state", "scope", "provider", "code_challenge", "code_challenge_method"}

// request checks the authorization request's client and redirect URI,
// answering 400 when either is not known: a redirect URI that is not the
// callback of a provider it made is never redirected to.
func (s *Server) request(w http.ResponseWriter, client, redirectURI string) bool {
	s.mu.Lock()
	registered := s.redirects[redirectURI]
	s.mu.Unlock()
	if !equal(client, ClientID) || !registered {
		http.Error(w, "unknown client, or a redirect_uri that is not registered", http.StatusBadRequest)
		return false
	}
	return true
}

func (s *Server) authorizePage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if !s.request(w, q.Get("client_id"), q.Get("redirect_uri")) {
		return
	}
	fields := map[string]string{}
	for _, k := range authorizeFields {
		if v := q.Get(k); v != "" {
			fields[k] = v
		}
	}
	s.mu.Lock()
	label := s.providers[q.Get("provider")].label
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = page.Execute(w, map[string]any{"Fields": fields, "People": s.people, "Label": label})
}

func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	if !s.request(w, r.FormValue("client_id"), r.FormValue("redirect_uri")) {
		return
	}
	redirect, err := url.Parse(r.FormValue("redirect_uri"))
	if err != nil || !redirect.IsAbs() {
		http.Error(w, "bad redirect_uri", http.StatusBadRequest)
		return
	}
	q := redirect.Query()
	q.Set("state", r.FormValue("state"))
	person, err := strconv.Atoi(r.FormValue("person"))
	challenge, method := r.FormValue("code_challenge"), r.FormValue("code_challenge_method")
	switch {
	case r.FormValue("cancel") != "" || err != nil || person < 0 || person >= len(s.people):
		q.Set("error", "access_denied")
	case challenge != "" && method != "S256", challenge == "" && method != "":
		q.Set("error", "invalid_request") // only S256, as OAuth 2.1 asks
	default:
		code := random()
		now := s.now()
		s.mu.Lock()
		for k, g := range s.codes {
			if !now.Before(g.expires) {
				delete(s.codes, k)
			}
		}
		s.codes[hash(code)] = grant{person: person, redirectURI: redirect.String(), expires: now.Add(codeTTL), challenge: challenge,
			provider: r.FormValue("provider"), openID: slices.Contains(strings.Fields(r.FormValue("scope")), "openid")}
		s.mu.Unlock()
		q.Set("code", code)
	}
	redirect.RawQuery = q.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

// verifierSyntax is RFC 7636's code_verifier.
var verifierSyntax = regexp.MustCompile(`^[A-Za-z0-9._~-]{43,128}$`)

// pkceOK reports whether the token request's code_verifier answers the
// grant's code_challenge: none for none (OAuth 2.1 refuses a verifier for a
// code asked without a challenge), else S256 of it, compared in constant
// time.
func pkceOK(g grant, verifier string) bool {
	if g.challenge == "" {
		return verifier == ""
	}
	sum := sha256.Sum256([]byte(verifier))
	return verifierSyntax.MatchString(verifier) && equal(base64.RawURLEncoding.EncodeToString(sum[:]), g.challenge)
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.FormValue("client_id"), r.FormValue("client_secret")
	}
	w.Header().Set("Content-Type", "application/json")
	if !equal(id, ClientID) || !equal(secret, ClientSecret) {
		w.Header().Set("WWW-Authenticate", `Basic realm="oauthdemo"`)
		w.WriteHeader(http.StatusUnauthorized)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": "invalid_client"})
		return
	}
	code := r.FormValue("code")
	now := s.now()
	s.mu.Lock()
	g, found := s.codes[hash(code)]
	delete(s.codes, hash(code))
	var token string
	if found && now.Before(g.expires) && r.FormValue("redirect_uri") == g.redirectURI && pkceOK(g, r.FormValue("code_verifier")) {
		token = random()
		s.tokens[hash(token)] = g.person
	}
	issuer := s.providers[g.provider].issuer
	s.mu.Unlock()
	if token == "" {
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": "invalid_grant"})
		return
	}
	res := map[string]any{"access_token": token, "token_type": "bearer", "scope": "user:email", "expires_in": 3600}
	if g.openID {
		claims := s.claims(s.people[g.person])
		claims["iss"], claims["aud"], claims["iat"], claims["exp"] = issuer, ClientID, now.Unix(), now.Add(time.Hour).Unix()
		res["id_token"], res["scope"] = signed(claims), "openid profile email"
	}
	_ = json.NewEncoder(w).Encode(res)
}

// claims are p's OpenID Connect claims.
func (s *Server) claims(p Person) map[string]any {
	c := map[string]any{"sub": strconv.Itoa(p.ID), "name": p.Name, "preferred_username": p.Login,
		"picture": "https://avatars.example.com/u/" + strconv.Itoa(p.ID)}
	if p.Email != "" {
		c["email"], c["email_verified"] = p.Email, !p.EmailUnverified
	}
	return c
}

// signed returns the claims as a JWT signed with ClientSecret (HS256), as
// OpenID Connect allows a confidential client's ID tokens to be.
func signed(claims map[string]any) string {
	header, _ := json.Marshal(map[string]string{"alg": "HS256", "typ": "JWT"})
	payload, _ := json.Marshal(claims)
	msg := base64.RawURLEncoding.EncodeToString(header) + "." + base64.RawURLEncoding.EncodeToString(payload)
	m := hmac.New(sha256.New, []byte(ClientSecret))
	m.Write([]byte(msg))
	return msg + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// person returns the person the request's access token belongs to.
func (s *Server) person(w http.ResponseWriter, r *http.Request) (Person, bool) {
	token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	s.mu.Lock()
	i, ok := s.tokens[hash(token)]
	s.mu.Unlock()
	if !ok {
		http.Error(w, `{"message":"Bad credentials"}`, http.StatusUnauthorized)
		return Person{}, false
	}
	return s.people[i], true
}

func (s *Server) user(w http.ResponseWriter, r *http.Request) {
	p, ok := s.person(w, r)
	if !ok {
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"id": p.ID, "login": p.Login, "name": p.Name, "email": nil,
		"avatar_url": "https://avatars.example.com/u/" + strconv.Itoa(p.ID)})
}

func (s *Server) emails(w http.ResponseWriter, r *http.Request) {
	p, ok := s.person(w, r)
	if !ok {
		return
	}
	w.Header().Set("Content-Type", "application/json")
	list := []map[string]any{}
	if p.Email != "" {
		list = append(list, map[string]any{"email": p.Email, "primary": true, "verified": !p.EmailUnverified})
	}
	_ = json.NewEncoder(w).Encode(list)
}

func (s *Server) userinfo(w http.ResponseWriter, r *http.Request) {
	p, ok := s.person(w, r)
	if !ok {
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(s.claims(p))
}

// equal compares a value sent with the one expected in constant time.
func equal(got, want string) bool {
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// hash is what the maps of codes and access tokens are keyed by, so that
// looking one up compares no secret byte by byte.
func hash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return string(sum[:])
}

func random() string {
	b := make([]byte, 20)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
