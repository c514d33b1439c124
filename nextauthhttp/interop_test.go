package nextauthhttp_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/internal/harness/authjsnode"
	"github.com/gormauth/gormauth/internal/harness/nextauthjs"
	"github.com/gormauth/gormauth/internal/harness/testdb"
	"github.com/gormauth/gormauth/nextauthhttp"
	"github.com/gormauth/gormauth/repository"
)

// The judge of how a cookie's value is written and read is the JavaScript
// side itself: internal/harness/authjsnode runs the real Auth.js handler of each
// flavour (and the cookie code @auth/core and next-auth 4 use).

var nodeInstall struct {
	sync.Once
	err error
}

func installNode(t *testing.T) {
	t.Helper()
	nodeInstall.Do(func() { _, nodeInstall.err = authjsnode.Install(context.Background()) })
	require.NoError(t, nodeInstall.err)
}

// nodeFlavour is the name internal/harness/authjsnode gives f.
var nodeFlavour = map[*gormauth.Flavour]string{
	gormauth.Prisma:      authjsnode.Prisma,
	gormauth.PrismaV4:    authjsnode.PrismaV4,
	gormauth.Drizzle:     authjsnode.DrizzleBuiltin,
	gormauth.DrizzleDocs: authjsnode.Drizzle,
	gormauth.Pg:          authjsnode.PG,
}

const (
	nodeSite   = "http://localhost:3000"
	nodeSecret = "n1VhYtQf1o7d4v6XkqzH3y0bR2cW8mJpL5sA9eTgUuE="
)

// jsSide is a database with flavour f's tables as its tool makes them, the
// Go repository on it (on the real clock, which Node.js uses too), and
// the real Auth.js of f.
type jsSide struct {
	f    *gormauth.Flavour
	dsn  string
	repo *repository.Repository
	base string // where the handler is mounted
}

func newJSSide(t *testing.T, f *gormauth.Flavour) *jsSide {
	t.Helper()
	installNode(t)
	s := &jsSide{f: f, dsn: testdb.New(t), base: "/auth"}
	if f.V4() {
		s.base = "/api/auth"
	}
	schema, err := authjsnode.SchemaFile(nodeFlavour[f])
	require.NoError(t, err)
	ddl, err := os.ReadFile(schema)
	require.NoError(t, err)
	db := testdb.OpenURL(t, s.dsn)
	testdb.Exec(t, db, string(ddl))
	s.repo = repository.New(db, f, repository.Options{Secret: []string{nodeSecret}})
	return s
}

func (s *jsSide) node(t *testing.T, in authjsnode.OpsInput) *authjsnode.OpsOutput {
	t.Helper()
	in.Flavour, in.Secret, in.Site = nodeFlavour[s.f], nodeSecret, nodeSite
	out, err := authjsnode.Ops(context.Background(), s.dsn, "", in)
	require.NoError(t, err)
	return out
}

// handlerResponse decodes the handler's answer to op i.
func handlerResponse(t *testing.T, out *authjsnode.OpsOutput, i int) authjsnode.Response {
	t.Helper()
	var r authjsnode.Response
	require.NoError(t, out.Results[i].Decode(&r), "op %d", i)
	return r
}

// Tokens a documented session.generateSessionToken may make (base64 of
// random bytes, with / + =), and one with characters that a cookie cannot
// carry as they are.
const (
	jsToken    = "SJdj+x/LGSO9a5Qz+/w8ZA=="
	goToken    = "9fK/+Lw2Qm0xZt7Ea+/cRg=="
	oddGoToken = `x%2Fy z,"1";é`
)

// A custom session.generateSessionToken works across the sides on every
// flavour: the cookie Auth.js sets after its own sign-in authenticates at
// the Go middleware, and the cookie Go sets for a session it opened is
// read back by Auth.js's session endpoint.
func TestCustomSessionTokenInterop(t *testing.T) {
	t.Parallel()
	for _, f := range gormauth.AuthJSFlavours() {
		t.Run(f.Name(), func(t *testing.T) {
			t.Parallel()
			s := newJSSide(t, f)
			t.Run("AuthJSToGo", func(t *testing.T) { customTokenJSToGo(t, s) })
			t.Run("GoToAuthJS", func(t *testing.T) { customTokenGoToJS(t, s) })
		})
	}
}

// customTokenJSToGo: Auth.js signs alice in by email with a base64
// session token; its Set-Cookie value, percent-encoded, authenticates at
// the Go middleware, which sends it again encoded the same way.
func customTokenJSToGo(t *testing.T, s *jsSide) {
	name := s.f.CookieName(false)
	out := s.node(t, authjsnode.OpsInput{SessionTokens: []string{jsToken}, Ops: []authjsnode.Op{
		/* 0 */ {"op": "handler", "method": "GET", "path": s.base + "/csrf", "jar": "alice"},
		/* 1 */ {"op": "handler", "method": "POST", "path": s.base + "/signin/email", "jar": "alice", "form": map[string]any{"email": "alice@example.com", "csrfToken": authjsnode.Ref(0, "body.csrfToken")}},
		/* 2 */ {"op": "handler", "method": "GET", "path": authjsnode.Ref(1, "emails.0.url"), "jar": "alice"},
	}})
	signedIn := handlerResponse(t, out, 2)
	value := signedIn.Cookies[name]
	require.NotEmpty(t, value, "Auth.js signed alice in: %+v", signedIn)
	assert.Equal(t, "SJdj%2Bx%2FLGSO9a5Qz%2B%2Fw8ZA%3D%3D", value, "Auth.js percent-encodes the token")

	mw := nextauthhttp.Middleware(s.repo, nextauthhttp.Options{})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess, _ := nextauthhttp.SessionFrom(r.Context())
		_ = json.NewEncoder(w).Encode(map[string]string{"email": *sess.User.Email, "token": sess.SessionToken})
	}))
	req := httptest.NewRequest(http.MethodGet, nodeSite+"/api/me", nil)
	req.Header.Set("Cookie", name+"="+value) // as the browser sends it back
	rec := httptest.NewRecorder()
	mw.ServeHTTP(rec, req)
	require.Equal(t, http.StatusOK, rec.Code, "the cookie Auth.js set authenticates in Go: %s", rec.Body)
	var got map[string]string
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &got))
	assert.Equal(t, map[string]string{"email": "alice@example.com", "token": jsToken}, got)
	resent := rec.Header().Values("Set-Cookie")
	require.Len(t, resent, 1)
	assert.True(t, strings.HasPrefix(resent[0], name+"="+value+";"), "Go sends the cookie again as Auth.js does: %q", resent[0])
}

// customTokenGoToJS: Go opens sessions with the application's custom
// generator (repository.Options.GenerateSessionToken) and sets their cookies;
// Auth.js's session endpoint, given each cookie as the browser sends it,
// answers its user and sends the cookie again with the same value.
func customTokenGoToJS(t *testing.T, s *jsSide) {
	ctx := context.Background()
	name := s.f.CookieName(false)
	generated := []string{goToken, oddGoToken}
	var next int
	repo := repository.New(testdb.OpenURL(t, s.dsn), s.f, repository.Options{Secret: []string{nodeSecret},
		GenerateSessionToken: func() (string, error) { next++; return generated[next-1], nil }})
	cookie := nextauthhttp.CookieOf(repo, nextauthhttp.Options{})
	var ops []authjsnode.Op
	var values []string
	for i, token := range generated {
		u := &repository.User{Email: ptr([]string{"bob@example.com", "carol@example.com"}[i])}
		require.NoError(t, repo.Users.Create(ctx, u))
		sess, err := repo.Sessions.Create(ctx, u.ID)
		require.NoError(t, err)
		require.Equal(t, token, sess.SessionToken, "the session has the generator's token")

		w := httptest.NewRecorder()
		cookie.Set(w, httptest.NewRequest(http.MethodGet, nodeSite+"/signin", nil), sess.SessionToken, sess.Expires)
		lines := w.Header().Values("Set-Cookie")
		require.Len(t, lines, 1)
		pair, _, _ := strings.Cut(lines[0], ";")
		v, ok := strings.CutPrefix(pair, name+"=")
		require.True(t, ok, "%q", lines[0])
		values = append(values, v)
		ops = append(ops, authjsnode.Op{"op": "handler", "method": "GET", "path": s.base + "/session", "cookies": map[string]any{name: v}})
	}
	out := s.node(t, authjsnode.OpsInput{Ops: ops})
	for i, email := range []string{"bob@example.com", "carol@example.com"} {
		r := handlerResponse(t, out, i)
		var body struct {
			User *struct {
				Email string `json:"email"`
			} `json:"user"`
		}
		require.NoError(t, json.Unmarshal(r.Body, &body), "%s", r.Body)
		require.NotNil(t, body.User, "Auth.js reads back the cookie Go set (%q): %s", values[i], r.Body)
		assert.Equal(t, email, body.User.Email)
		assert.Equal(t, values[i], r.Cookies[name], "both sides encode the token alike")
	}
}

// EncodeValue and DecodeValue agree with the cookie code of @auth/core
// (which Auth() uses) and of next-auth 4 (the cookie package), on the
// tokens a generator may make and on malformed escapes.
func TestCookieValueAgainstJS(t *testing.T) {
	t.Parallel()
	installNode(t)
	tokens := []string{jsToken, oddGoToken, "3f2504e0-4f89-41d3-9a0c-0305e82c3301", "V1StGXR8_Z5jdHi6B-myT",
		"A-Z_.!~*'()", "tab\there\nnewline", "\x7f\x01", "日本語🍣", "100%", "%41", "+ /=?&#[]@$,;:"}
	values := []string{"SJdj%2Bx%2FLGSO9a5Qz%2B%2Fw8ZA%3D%3D", jsToken, "%zz", "a%2", "%", "%25", "%2f%2F",
		"%E0%A4%A", "%E0%A4%A4", "%C0%80", "%C2%80", "%ED%A0%80", "%ED%9F%BF", "%F4%8F%BF%BF", "%F4%90%80%80",
		"%F0%9F%8D%A3", "%F8%80%80%80%80", "%80", "%E2a%82%AC", "%00", "a%20b", "'()*!~"}
	var ops []authjsnode.Op
	for _, parser := range []string{"@auth/core", "cookie"} {
		for _, tok := range tokens {
			ops = append(ops, authjsnode.Op{"op": "serializeCookie", "parser": parser, "name": "t", "value": tok})
		}
		for _, v := range values {
			ops = append(ops, authjsnode.Op{"op": "parseCookie", "parser": parser, "header": "t=" + v})
		}
	}
	out, err := authjsnode.Ops(context.Background(), testdb.New(t), "", authjsnode.OpsInput{
		Flavour: authjsnode.PG, Secret: nodeSecret, Site: nodeSite, Ops: ops})
	require.NoError(t, err)
	i := 0
	for _, parser := range []string{"@auth/core", "cookie"} {
		for _, tok := range tokens {
			var line string
			require.NoError(t, out.Results[i].Decode(&line))
			i++
			assert.Equal(t, "t="+nextauthhttp.EncodeValue(tok), line, "%s serializes %q", parser, tok)
			assert.Equal(t, tok, nextauthhttp.DecodeValue(nextauthhttp.EncodeValue(tok)))
		}
		for _, v := range values {
			var parsed map[string]string
			require.NoError(t, out.Results[i].Decode(&parsed))
			i++
			assert.Equal(t, parsed["t"], nextauthhttp.DecodeValue(v), "%s parses %q", parser, v)
			// And through net/http, as Read gets it.
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.Header.Set("Cookie", gormauth.Prisma.CookieName(false)+"="+v)
			got, ok := nextauthhttp.CookieFor(gormauth.Prisma).Read(r)
			assert.True(t, ok)
			assert.Equal(t, parsed["t"], got, "Read of %q", v)
		}
	}
}

var beta73Install struct {
	sync.Once
	err error
}

func installBeta73(t *testing.T) {
	t.Helper()
	beta73Install.Do(func() { _, beta73Install.err = nextauthjs.Install(context.Background()) })
	require.NoError(t, beta73Install.err)
}

// NextAuth.js 2.0.0-beta.73 has no session.generateSessionToken option
// (its sessions get 32 random bytes in hex), but its cookie code encodes
// the value with encodeURIComponent as Auth.js's does, and Next.js hands
// it the cookies decoded: a base64 token in a cookie Go set is read back
// by beta.73's session endpoint, and the cookie that endpoint sends again
// authenticates at the Go middleware.
func TestCustomSessionTokenBeta73(t *testing.T) {
	t.Parallel()
	installNode(t)
	installBeta73(t)
	ctx := context.Background()
	f := gormauth.Beta73
	name := f.CookieName(false)
	dsn := testdb.New(t)
	db := testdb.OpenURL(t, dsn)
	migrate(t, db, f)
	repo := repository.New(db, f, repository.Options{GenerateSessionToken: func() (string, error) { return goToken, nil }})
	u := &repository.User{Email: ptr("dana@example.com")}
	require.NoError(t, repo.Users.Create(ctx, u))
	sess, err := repo.Sessions.Create(ctx, u.ID)
	require.NoError(t, err)
	require.Equal(t, goToken, sess.SessionToken, "the session has the generator's token")

	w := httptest.NewRecorder()
	nextauthhttp.CookieOf(repo, nextauthhttp.Options{}).Set(w, httptest.NewRequest(http.MethodGet, nodeSite+"/", nil), goToken, sess.Expires)
	pair, _, _ := strings.Cut(w.Header().Get("Set-Cookie"), ";")
	value, ok := strings.CutPrefix(pair, name+"=")
	require.True(t, ok, pair)
	// Next.js parses an API route's cookies with the cookie package.
	parsed, err := authjsnode.Ops(ctx, dsn, "", authjsnode.OpsInput{Flavour: authjsnode.PG, Secret: nodeSecret, Site: nodeSite,
		Ops: []authjsnode.Op{{"op": "parseCookie", "parser": "cookie", "header": pair}}})
	require.NoError(t, err)
	var cookies map[string]string
	require.NoError(t, parsed.Results[0].Decode(&cookies))
	require.Equal(t, goToken, cookies[name])

	out, err := nextauthjs.Ops(ctx, dsn, "", nextauthjs.OpsInput{Secret: nodeSecret, Site: nodeSite, Ops: []nextauthjs.Op{
		{"op": "handler", "method": "GET", "action": "session", "cookies": cookies}}})
	require.NoError(t, err)
	var res struct {
		SetCookie []string `json:"setCookie"`
		Body      string   `json:"body"`
	}
	require.NoError(t, out.Results[0].Decode(&res))
	assert.Contains(t, res.Body, `"email":"dana@example.com"`, "beta.73 reads back the cookie Go set")
	var resent string
	for _, line := range res.SetCookie {
		if v, ok := strings.CutPrefix(line, name+"="); ok {
			resent, _, _ = strings.Cut(v, ";")
		}
	}
	assert.Equal(t, value, resent, "both sides encode the token alike")

	mw := nextauthhttp.Middleware(repo, nextauthhttp.Options{})(http.HandlerFunc(meHandler))
	req := httptest.NewRequest(http.MethodGet, nodeSite+"/api/me", nil)
	req.Header.Set("Cookie", name+"="+resent)
	rec := httptest.NewRecorder()
	mw.ServeHTTP(rec, req)
	require.Equal(t, http.StatusOK, rec.Code, "the cookie beta.73 sent authenticates in Go: %s", rec.Body)
	got := decodeMe(t, rec)
	assert.Equal(t, u.ID, got.User.ID)
	assert.Equal(t, goToken, got.Token)
}
