// Package oauthdemo is a small OAuth 2.0 provider for demos and tests,
// served from the program itself: it speaks GitHub's endpoints, so goth's
// github provider signs people in with it (Provider), and it lets anyone
// sign in as one of its People by clicking a button, with no password and
// no internet.
//
//	demo := oauthdemo.New(oauthdemo.People{{ID: 1, Name: "Alice", Email: "alice@example.com"}})
//	srv := httptest.NewServer(demo) // or mount it on your own server
//	provider := demo.Provider(srv.URL, "github", "http://localhost:8080/auth/github/callback")
//
// It is not an OAuth server for production: it checks the client id, the
// redirect URI, the code (once, for a minute) and the access token, and
// nothing else. Its token endpoint refuses as RFC 6749 (section 5.2) says:
// a code it did not issue, or no longer honours, is 400 invalid_grant, and
// wrong client credentials 401 invalid_client.
package oauthdemo

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/markbates/goth/providers/github"
)

// Person is someone who can sign in at the demo provider.
type Person struct {
	ID    int    // the provider's user id, the account id goth reports
	Login string // the user name
	Name  string
	Email string // the primary, verified address; "" for none
}

// People are the demo provider's users.
type People []Person

// ClientID and ClientSecret are the credentials the demo provider accepts.
const (
	ClientID     = "demo-client"
	ClientSecret = "demo-secret"
)

// Server is the demo provider, an http.Handler serving
//
//	GET  /login/oauth/authorize     a page with a button per person, and Cancel, naming the provider picked
//	POST /login/oauth/authorize     the button: redirects back with a code (or error=access_denied)
//	POST /login/oauth/access_token  exchanges the code for an access token
//	GET  /user, /user/emails        the signed-in person, as GitHub's API gives them
//
// It is safe for concurrent use.
type Server struct {
	people People
	mux    *http.ServeMux

	mu     sync.Mutex
	codes  map[string]grant  // by code
	tokens map[string]int    // person index by access token
	labels map[string]string // what the authorize page calls a provider, by name
}

type grant struct {
	person      int
	redirectURI string
	expires     time.Time
}

// New returns a demo provider for people.
func New(people People) *Server {
	s := &Server{people: people, mux: http.NewServeMux(), codes: map[string]grant{}, tokens: map[string]int{}, labels: map[string]string{}}
	s.mux.HandleFunc("GET /login/oauth/authorize", s.authorizePage)
	s.mux.HandleFunc("POST /login/oauth/authorize", s.authorize)
	s.mux.HandleFunc("POST /login/oauth/access_token", s.token)
	s.mux.HandleFunc("GET /user", s.user)
	s.mux.HandleFunc("GET /user/emails", s.emails)
	return s
}

// Provider returns goth's github provider, named name, talking to the demo
// provider served at baseURL, with callbackURL as its redirect URI. The
// authorize page calls it name; LabeledProvider gives it a label.
func (s *Server) Provider(baseURL, name, callbackURL string) *github.Provider {
	return s.LabeledProvider(baseURL, name, name, callbackURL)
}

// LabeledProvider is Provider, whose authorize page says that the person
// picked label (such as "GitHub (demo)", as the application's button
// says), so that one demo provider serving several of the application's
// providers shows which one this is.
func (s *Server) LabeledProvider(baseURL, name, label, callbackURL string) *github.Provider {
	s.mu.Lock()
	s.labels[name] = label
	s.mu.Unlock()
	base := strings.TrimSuffix(baseURL, "/")
	authorize := base + "/login/oauth/authorize?" + url.Values{"provider": {name}}.Encode()
	p := github.NewCustomisedURL(ClientID, ClientSecret, callbackURL,
		authorize, base+"/login/oauth/access_token", base+"/user", base+"/user/emails", "user:email")
	p.SetName(name)
	return p
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
<input type="hidden" name="client_id" value="{{.ClientID}}">
<input type="hidden" name="redirect_uri" value="{{.RedirectURI}}">
<input type="hidden" name="state" value="{{.State}}">
{{range $i, $p := .People}}<button name="person" value="{{$i}}">Continue as {{$p.Name}} ({{$p.Email}})</button>
{{end}}<button class="cancel" name="cancel" value="1">Cancel</button>
</form></body></html>
`))

func (s *Server) authorizePage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("client_id") != ClientID || q.Get("redirect_uri") == "" {
		http.Error(w, "unknown client or no redirect_uri", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	label := s.labels[q.Get("provider")]
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = page.Execute(w, map[string]any{"ClientID": ClientID, "RedirectURI": q.Get("redirect_uri"), "State": q.Get("state"),
		"People": s.people, "Label": label})
}

func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	redirect, err := url.Parse(r.FormValue("redirect_uri"))
	if err != nil || r.FormValue("client_id") != ClientID || !redirect.IsAbs() {
		http.Error(w, "unknown client or bad redirect_uri", http.StatusBadRequest)
		return
	}
	q := redirect.Query()
	q.Set("state", r.FormValue("state"))
	person, err := strconv.Atoi(r.FormValue("person"))
	if r.FormValue("cancel") != "" || err != nil || person < 0 || person >= len(s.people) {
		q.Set("error", "access_denied")
	} else {
		code := random()
		s.mu.Lock()
		s.codes[code] = grant{person: person, redirectURI: redirect.String(), expires: time.Now().Add(time.Minute)}
		s.mu.Unlock()
		q.Set("code", code)
	}
	redirect.RawQuery = q.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.FormValue("client_id"), r.FormValue("client_secret")
	}
	w.Header().Set("Content-Type", "application/json")
	if id != ClientID || secret != ClientSecret {
		w.Header().Set("WWW-Authenticate", `Basic realm="oauthdemo"`)
		w.WriteHeader(http.StatusUnauthorized)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": "invalid_client"})
		return
	}
	code := r.FormValue("code")
	s.mu.Lock()
	g, found := s.codes[code]
	delete(s.codes, code)
	var token string
	if found && time.Now().Before(g.expires) && r.FormValue("redirect_uri") == g.redirectURI {
		token = random()
		s.tokens[token] = g.person
	}
	s.mu.Unlock()
	if token == "" {
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": "invalid_grant"})
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"access_token": token, "token_type": "bearer", "scope": "user:email"})
}

// person returns the person the request's access token belongs to.
func (s *Server) person(w http.ResponseWriter, r *http.Request) (Person, bool) {
	token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	s.mu.Lock()
	i, ok := s.tokens[token]
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
		list = append(list, map[string]any{"email": p.Email, "primary": true, "verified": true})
	}
	_ = json.NewEncoder(w).Encode(list)
}

func random() string {
	b := make([]byte, 20)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
