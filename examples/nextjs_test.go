package examples_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/internal/harness/authjsnode"
	"github.com/gormauth/gormauth/internal/harness/nextauthjs"
	"github.com/gormauth/gormauth/internal/harness/testdb"
)

// nextJSExample is what TestExamples checks of examples/nextjs-prisma and
// examples/nextjs-beta73 alike.
type nextJSExample struct {
	name string   // the program
	env  []string // its settings besides DATABASE_URL
	// migrate makes the tables as the application's tool does.
	migrate func(t *testing.T, db *gorm.DB)
	// tables are the tables it needs; sessions the sessions table, quoted.
	tables   []string
	sessions string
	cookie   string // the session cookie's name over HTTP
	// refusal starts the error it exits with on tables it refuses.
	refusal string
	// incompatible makes the tables incompatible, which it prints as
	// difference.
	incompatible, difference string
	// extraColumn adds a column of the application's own, which it notes
	// as extra.
	extraColumn, extra string
	// endToEnd signs a person in on the JavaScript side, and checks that
	// the program knows who it is and signs them out there too.
	endToEnd func(t *testing.T, bin string)
}

var nextJSExamples = []nextJSExample{
	{
		name:         "nextjs-prisma",
		env:          []string{"AUTH_SECRET=" + jsSecret},
		migrate:      prismaMigration,
		tables:       []string{"User", "Account", "Session", "VerificationToken", "Authenticator"},
		sessions:     `"Session"`,
		cookie:       gormauth.Prisma.CookieName(false),
		refusal:      "these are not the tables Prisma makes from prisma/schema.prisma",
		incompatible: `ALTER TABLE "Session" ALTER COLUMN expires TYPE timestamptz`,
		difference:   "Session.expires: column type differs: found timestamp with time zone, expected timestamp(3) without time zone",
		extraColumn:  `ALTER TABLE "User" ADD COLUMN role text`,
		extra:        "User.role: extra column",
		endToEnd:     prismaEndToEnd,
	},
	{
		name: "nextjs-beta73",
		env:  []string{"NEXTAUTH_TZ=" + nodeZone},
		migrate: func(t *testing.T, db *gorm.DB) {
			// gormauth's AutoMigrate stands in for TypeORM's
			// synchronisation: the root tests prove them identical.
			require.NoError(t, gormauth.AutoMigrate(context.Background(), db, gormauth.Beta73))
		},
		tables:       []string{"users", "accounts", "sessions", "verification_requests"},
		sessions:     "sessions",
		cookie:       beta73Cookie,
		refusal:      "these are not the tables NextAuth.js 2.0.0-beta.73 makes",
		incompatible: `ALTER TABLE sessions DROP COLUMN access_token`,
		difference:   "sessions.access_token: missing column: found none, expected character varying NOT NULL",
		extraColumn:  `ALTER TABLE users ADD COLUMN role text`,
		extra:        "users.role: extra column",
		endToEnd:     beta73EndToEnd,
	},
}

const (
	jsSite   = "http://localhost:3000"
	jsSecret = "n1VhYtQf1o7d4v6XkqzH3y0bR2cW8mJpL5sA9eTgUuE="
	// nodeZone is where NextAuth.js beta.73 runs, far from UTC, so that
	// its wall clocks are not UTC's.
	nodeZone = "Pacific/Auckland"
)

// prismaMigration makes the tables with the migration Prisma made, which
// examples/nextjs-prisma ships.
func prismaMigration(t *testing.T, db *gorm.DB) {
	t.Helper()
	sql, err := os.ReadFile("nextjs-prisma/prisma/migrations/0_init/migration.sql")
	require.NoError(t, err)
	testdb.Exec(t, db, string(sql))
}

// TestPrismaFiles checks that examples/nextjs-prisma ships the schema and
// migration the project tests against: the models of the Auth.js docs'
// schema (internal/harness/authjsnode/prisma/v5.prisma, which real Auth.js
// runs on), and what Prisma's schema engine made from them
// (testdata/authjs/prisma-migrate-diff.sql, without its first line, which
// says how it was made).
func TestPrismaFiles(t *testing.T) {
	models := func(path string) string {
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		i := strings.Index(string(b), "\nmodel User {")
		require.Positive(t, i, path)
		return string(b[i:])
	}
	assert.Equal(t, models("../internal/harness/authjsnode/prisma/v5.prisma"), models("nextjs-prisma/prisma/schema.prisma"))

	diff, err := os.ReadFile("../testdata/authjs/prisma-migrate-diff.sql")
	require.NoError(t, err)
	_, made, _ := strings.Cut(string(diff), "\n")
	shipped, err := os.ReadFile("nextjs-prisma/prisma/migrations/0_init/migration.sql")
	require.NoError(t, err)
	assert.Equal(t, made, string(shipped))
}

// prismaEndToEnd: real Auth.js v5 with @auth/prisma-adapter signs alice in
// by email on the tables of the shipped migration; the cookie it sets
// authenticates at the compiled example, whose sign-out ends the session
// for Auth.js too.
func prismaEndToEnd(t *testing.T, bin string) {
	installAuthJS(t)
	dsn := testdb.New(t)
	db := testdb.OpenURL(t, dsn)
	prismaMigration(t, db)
	p := startEnv(t, bin, "nextjs-prisma", environ(dsn, "AUTH_SECRET="+jsSecret), "-addr", "127.0.0.1:0")
	base := p.WaitLine(t, `^listening on (http://127\.0\.0\.1:\d+)$`)[1]
	name := gormauth.Prisma.CookieName(false)

	authJS := func(ops ...authjsnode.Op) []authjsnode.Response {
		t.Helper()
		out, err := authjsnode.Ops(context.Background(), dsn, "", authjsnode.OpsInput{
			Flavour: authjsnode.Prisma, Secret: jsSecret, Site: jsSite, Ops: ops})
		require.NoError(t, err)
		res := make([]authjsnode.Response, len(ops))
		for i, r := range out.Results {
			require.NoError(t, r.Decode(&res[i]), "op %d", i)
		}
		return res
	}
	sessionUser := func(r authjsnode.Response) string {
		t.Helper()
		var body *struct{ User struct{ Email string } }
		require.NoError(t, json.Unmarshal(r.Body, &body), "%s", r.Body)
		if body == nil {
			return ""
		}
		return body.User.Email
	}

	res := authJS(
		authjsnode.Op{"op": "handler", "method": "GET", "path": "/auth/csrf", "jar": "alice"},
		authjsnode.Op{"op": "handler", "method": "POST", "path": "/auth/signin/email", "jar": "alice",
			"form": map[string]any{"email": "alice@example.com", "csrfToken": authjsnode.Ref(0, "body.csrfToken")}},
		authjsnode.Op{"op": "handler", "method": "GET", "path": authjsnode.Ref(1, "emails.0.url"), "jar": "alice"},
		authjsnode.Op{"op": "handler", "method": "GET", "path": "/auth/session", "jar": "alice"},
	)
	value := res[2].Cookies[name]
	require.NotEmpty(t, value, "Auth.js signed alice in: %+v", res[2])
	require.Equal(t, "alice@example.com", sessionUser(res[3]), "Auth.js sees the session")

	checkSignOut(t, base, name, value, "alice@example.com", db, `"Session"`)

	res = authJS(authjsnode.Op{"op": "handler", "method": "GET", "path": "/auth/session", "cookies": map[string]any{name: value}})
	assert.Empty(t, sessionUser(res[0]), "Auth.js no longer sees the session: %s", res[0].Body)
}

// beta73EndToEnd: real NextAuth.js 2.0.0-beta.73 makes its tables
// (TypeORM's synchronisation) and signs bob in with an email link, in Node.js
// in nodeZone; the cookie it sets authenticates at the compiled example,
// told that zone, whose sign-out ends the session for NextAuth.js too.
func beta73EndToEnd(t *testing.T, bin string) {
	ctx := context.Background()
	installBeta73(t)
	dsn := testdb.New(t)
	_, err := nextauthjs.Sync(ctx, dsn)
	require.NoError(t, err)
	p := startEnv(t, bin, "nextjs-beta73", environ(dsn, "NEXTAUTH_TZ="+nodeZone), "-addr", "127.0.0.1:0")
	base := p.WaitLine(t, `^listening on (http://127\.0\.0\.1:\d+)$`)[1]
	name := beta73Cookie

	type response struct {
		SetCookie []string `json:"setCookie"`
		Body      string   `json:"body"`
	}
	nextAuth := func(ops ...nextauthjs.Op) []response {
		t.Helper()
		out, err := nextauthjs.Ops(ctx, dsn, nodeZone, nextauthjs.OpsInput{Secret: jsSecret, Site: jsSite, Ops: ops})
		require.NoError(t, err)
		require.Equal(t, nodeZone, out.TimeZone)
		res := make([]response, len(ops))
		for i, r := range out.Results {
			require.NoError(t, r.Decode(&res[i]), "op %d", i)
		}
		return res
	}
	// session is the body of NextAuth.js's session endpoint for the
	// cookie name=value ("{}" without a session).
	session := func(value string) string {
		t.Helper()
		return nextAuth(nextauthjs.Op{"op": "handler", "method": "GET", "action": "session", "cookies": map[string]any{name: value}})[0].Body
	}

	res := nextAuth(
		nextauthjs.Op{"op": "createVerificationRequest", "identifier": "bob@example.com", "token": "bob-link", "maxAge": 86400},
		nextauthjs.Op{"op": "handler", "method": "GET", "action": "callback/email", "query": map[string]string{"email": "bob@example.com", "token": "bob-link"}},
	)
	var value string
	for _, line := range res[1].SetCookie {
		if v, ok := strings.CutPrefix(line, name+"="); ok {
			value, _, _ = strings.Cut(v, ";")
		}
	}
	require.NotEmpty(t, value, "NextAuth.js signed bob in: %+v", res[1])
	require.Contains(t, session(value), `"email":"bob@example.com"`, "NextAuth.js sees the session")

	checkSignOut(t, base, name, value, "bob@example.com", testdb.OpenURL(t, dsn), "sessions")

	assert.Equal(t, "{}", session(value), "NextAuth.js no longer sees the session")
}

// checkSignOut checks that the example at base answers /api/me with the
// user email for the cookie name=value, deletes the session (the only one in
// the sessions table) on POST /api/signout and expires the cookie, and then
// answers 401.
func checkSignOut(t *testing.T, base, name, value, email string, db *gorm.DB, sessions string) {
	t.Helper()
	cookie := name + "=" + value
	res := send(t, http.MethodGet, base+"/api/me", cookie, "")
	require.Equal(t, http.StatusOK, res.status, "the cookie the JavaScript side set authenticates: %s", res.body)
	var user struct{ Email string }
	require.NoError(t, json.Unmarshal([]byte(res.body), &user))
	assert.Equal(t, email, user.Email)

	res = send(t, http.MethodPost, base+"/api/signout", cookie, "cross-site")
	assert.Equal(t, http.StatusForbidden, res.status, "a cross-site sign-out is refused")
	assert.Equal(t, int64(1), count(t, db, sessions))

	res = send(t, http.MethodPost, base+"/api/signout", cookie, "same-origin")
	require.Equal(t, http.StatusOK, res.status, res.body)
	assert.JSONEq(t, `{"signedOut":true}`, res.body)
	assert.Equal(t, []string{name + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"}, res.setCookie)
	assert.Zero(t, count(t, db, sessions), "the session is deleted")
	assert.Equal(t, http.StatusUnauthorized, send(t, http.MethodGet, base+"/api/me", cookie, "").status)
}

type sent struct {
	status    int
	body      string
	setCookie []string
}

// send sends method url with the Cookie header cookie and the header
// Sec-Fetch-Site fetchSite, each unless empty.
func send(t *testing.T, method, url, cookie, fetchSite string) sent {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, url, nil)
	require.NoError(t, err)
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	if fetchSite != "" {
		req.Header.Set("Sec-Fetch-Site", fetchSite)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return sent{status: res.StatusCode, body: string(body), setCookie: res.Header.Values("Set-Cookie")}
}

// curl runs a curl command line an example printed and returns its output.
func curl(t *testing.T, command string) string {
	t.Helper()
	cmd := exec.Command("sh", "-c", command)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "%s\n%s", command, stderr.String())
	return string(out)
}

// count counts the rows of from: a table, or a table with a join or a
// WHERE clause whose placeholders (?) args fill.
func count(t *testing.T, db *gorm.DB, from string, args ...any) int64 {
	t.Helper()
	var n int64
	require.NoError(t, db.Raw("SELECT count(*) FROM "+from, args...).Row().Scan(&n))
	return n
}

var authJSInstall, beta73Install struct {
	sync.Once
	err error
}

func installAuthJS(t *testing.T) {
	t.Helper()
	authJSInstall.Do(func() { _, authJSInstall.err = authjsnode.Install(context.Background()) })
	require.NoError(t, authJSInstall.err)
}

func installBeta73(t *testing.T) {
	t.Helper()
	beta73Install.Do(func() { _, beta73Install.err = nextauthjs.Install(context.Background()) })
	require.NoError(t, beta73Install.err)
}
