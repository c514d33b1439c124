package repository_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/internal/harness/authjsnode"
	"github.com/gormauth/gormauth/internal/harness/testdb"
	"github.com/gormauth/gormauth/nextauthhttp"
	"github.com/gormauth/gormauth/repository"
)

// The judge of agreement is the real Auth.js: internal/harness/authjsnode runs each
// flavour's adapter and request handler from npm against the test's
// database. The tests below write with one side and read with the other,
// both ways, through the 14 adapter methods and through the handler's
// sign-in flows; TestInteropInZones runs them again with Node.js in
// Auckland, the database sessions in New York and Go in Tokyo.

var nodeInstall struct {
	sync.Once
	err error
}

func installNode(t *testing.T) {
	t.Helper()
	nodeInstall.Do(func() {
		d, err := authjsnode.Install(context.Background())
		nodeInstall.err = err
		if d > 0 {
			t.Logf("npm ci + prisma generate: %s", d.Round(time.Millisecond))
		}
	})
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
	site       = "http://localhost:3000"
	nodeSecret = "9QMbdHsL22K1zug/Dl3MInzVgP2LI1vZPuo1Fe83RKE="
	nodeZone   = "Pacific/Auckland"
	dbZone     = "America/New_York"
	goZone     = "Asia/Tokyo"
)

// side is one flavour's database, shared by the Go repository and the
// real Auth.js.
type side struct {
	*env
	nodeTZ string
}

// newSide makes the database of f. Zoned, its sessions' TimeZone is
// dbZone (for Go's connections through the DSN, read by the gorm driver,
// and for Node's through the database's default) and Node.js runs in
// nodeZone.
func newSide(t *testing.T, f *gormauth.Flavour, zoned bool) *side {
	t.Helper()
	e := newEnv(t, f)
	s := &side{env: e}
	if zoned {
		var name string
		require.NoError(t, e.db.Raw("SELECT current_database()").Scan(&name).Error)
		require.NoError(t, e.db.Exec(`ALTER DATABASE "`+name+`" SET TimeZone = '`+dbZone+`'`).Error)
		e.db = testdb.OpenURL(t, dsnWith(e.dsn, "TimeZone", dbZone))
		var zone string
		require.NoError(t, e.db.Raw("SHOW TimeZone").Row().Scan(&zone))
		require.Equal(t, dbZone, zone)
		s.nodeTZ = nodeZone
	}
	e.repo = repository.New(e.db, f, repository.Options{Secret: []string{nodeSecret}})
	return s
}

// node runs ops with the real Auth.js of the side's flavour.
func (s *side) node(t *testing.T, in authjsnode.OpsInput) *authjsnode.OpsOutput {
	t.Helper()
	in.Flavour, in.Secret, in.Site = nodeFlavour[s.f], nodeSecret, site
	out, err := authjsnode.Ops(context.Background(), s.dsn, s.nodeTZ, in)
	require.NoError(t, err)
	if s.nodeTZ != "" {
		require.Equal(t, s.nodeTZ, out.TimeZone)
	}
	return out
}

type obj = map[string]any

// result decodes op i's result (nil for null).
func result(t *testing.T, out *authjsnode.OpsOutput, i int) obj {
	t.Helper()
	var v obj
	require.NoError(t, out.Results[i].Decode(&v), "op %d", i)
	return v
}

// jsID is an id as Go holds it: the pg adapter returns serial ids as
// numbers.
func jsID(v any) string {
	if n, ok := v.(float64); ok {
		return strconv.FormatFloat(n, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// jsTime parses a Date as run.js prints it.
func jsTime(t *testing.T, v any) time.Time {
	t.Helper()
	s, ok := v.(string)
	require.True(t, ok, "%v is not a date", v)
	at, err := time.Parse(time.RFC3339Nano, s)
	require.NoError(t, err)
	return at.UTC()
}

// iso prints t as a JavaScript Date does (milliseconds, UTC).
func iso(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// ms is t as a JavaScript Date holds it.
func ms(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }

func TestInterop(t *testing.T) {
	t.Parallel()
	installNode(t)
	interop(t, false)
}

func TestInteropInZones(t *testing.T) {
	t.Parallel()
	if !testdb.InZone(t, goZone) {
		return
	}
	installNode(t)
	interop(t, true)
}

func interop(t *testing.T, zoned bool) {
	for _, f := range gormauth.AuthJSFlavours() {
		t.Run(f.Name(), func(t *testing.T) {
			t.Parallel()
			t.Run("AdapterToGo", func(t *testing.T) {
				t.Parallel()
				adapterToGo(t, newSide(t, f, zoned))
			})
			t.Run("GoToAdapter", func(t *testing.T) {
				t.Parallel()
				goToAdapter(t, newSide(t, f, zoned))
			})
			t.Run("Handler", func(t *testing.T) {
				t.Parallel()
				handlerFlows(t, newSide(t, f, zoned))
			})
		})
	}
}

// oauthAccount is an account with all seven token fields, as Auth.js
// gives linkAccount.
func oauthAccount(userID any, provider, id string) obj {
	return obj{"userId": userID, "type": "oauth", "provider": provider, "providerAccountId": id,
		"access_token": "gho_" + id, "refresh_token": "ghr_" + id, "id_token": "eyJ." + id, "expires_at": 2000000000,
		"scope": "read:user user:email", "token_type": "bearer", "session_state": "state-" + id}
}

// adapterToGo: the real adapter writes through its methods; Go reads every
// field back.
func adapterToGo(t *testing.T, s *side) {
	ctx := context.Background()
	now := time.Now()
	expires := ms(now.Add(30 * 24 * time.Hour))
	extended := ms(now.Add(31 * 24 * time.Hour))
	verified := time.Date(2026, 1, 2, 3, 4, 5, 678000000, time.UTC)
	verified2 := time.Date(2026, 3, 8, 7, 30, 0, 123000000, time.UTC) // 02:30 in New York: skipped
	alice := obj{"name": "Alice", "email": "alice@example.com", "emailVerified": iso(verified), "image": "https://img/a.png"}
	carol := obj{"name": "Carol", "email": "carol@example.com"}
	if !s.f.V4() {
		alice["id"], carol["id"] = "0b5f5d7e-4f3c-4c55-9a7e-9d1b2c3d4e5f", "1b5f5d7e-4f3c-4c55-9a7e-9d1b2c3d4e5f"
	}
	const t1, t2, t3 = "95347991-b3d5-4f4c-9091-ab3dbd527cba", "a5347991-b3d5-4f4c-9091-ab3dbd527cba", "b5347991-b3d5-4f4c-9091-ab3dbd527cba"
	user, carolID := authjsnode.Ref(0, "id"), authjsnode.Ref(10, "id")
	out := s.node(t, authjsnode.OpsInput{Ops: []authjsnode.Op{
		/* 0 */ {"op": "createUser", "user": alice},
		/* 1 */ {"op": "linkAccount", "account": oauthAccount(user, "github", "js-1")},
		/* 2 */ {"op": "linkAccount", "account": obj{"userId": user, "type": "oauth", "provider": "gitlab", "providerAccountId": "js-2"}},
		/* 3 */ {"op": "createSession", "session": obj{"sessionToken": t1, "userId": user, "expires": iso(expires)}},
		/* 4 */ {"op": "createSession", "session": obj{"sessionToken": t2, "userId": user, "expires": iso(expires)}},
		/* 5 */ {"op": "createVerificationToken", "token": obj{"identifier": "alice@example.com", "token": repository.HashToken("plain-js", []string{nodeSecret}), "expires": iso(expires)}},
		/* 6 */ {"op": "updateUser", "user": obj{"id": user, "name": "Alice B", "emailVerified": iso(verified2)}},
		/* 7 */ {"op": "updateSession", "session": obj{"sessionToken": t1, "expires": iso(extended)}},
		/* 8 */ {"op": "unlinkAccount", "provider": "gitlab", "providerAccountId": "js-2"},
		/* 9 */ {"op": "deleteSession", "sessionToken": t2},
		/* 10 */ {"op": "createUser", "user": carol},
		/* 11 */ {"op": "linkAccount", "account": obj{"userId": carolID, "type": "oauth", "provider": "github", "providerAccountId": "js-3"}},
		/* 12 */ {"op": "createSession", "session": obj{"sessionToken": t3, "userId": carolID, "expires": iso(expires)}},
		/* 13 */ {"op": "deleteUser", "id": carolID},
	}})
	for i, r := range out.Results {
		require.Empty(t, r.Error, "op %d", i)
	}
	id := jsID(result(t, out, 0)["id"])

	u, err := s.repo.Users.ByID(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, "Alice B", *u.Name)
	assert.Equal(t, "alice@example.com", *u.Email)
	assert.Equal(t, verified2, *u.EmailVerified)
	assert.Equal(t, "https://img/a.png", *u.Image)
	if s.f.ClockColumns() {
		created := jsTime(t, result(t, out, 0)["createdAt"])
		assert.Equal(t, created, *u.CreatedAt)
		assert.Equal(t, jsTime(t, result(t, out, 6)["updatedAt"]), *u.UpdatedAt)
	}
	byEmail, err := s.repo.Users.ByEmail(ctx, "alice@example.com")
	require.NoError(t, err)
	assert.Equal(t, u, byEmail)
	byAccount, err := s.repo.Users.ByAccount(ctx, repository.AccountKey{Provider: "github", ProviderAccountID: "js-1"})
	require.NoError(t, err)
	assert.Equal(t, u, byAccount)

	a, err := s.repo.Accounts.ByKey(ctx, repository.AccountKey{Provider: "github", ProviderAccountID: "js-1"})
	require.NoError(t, err)
	assert.Equal(t, id, a.UserID)
	assert.Equal(t, "oauth", a.Type)
	assert.Equal(t, "gho_js-1", *a.AccessToken)
	assert.Equal(t, "ghr_js-1", *a.RefreshToken)
	assert.Equal(t, "eyJ.js-1", *a.IDToken)
	assert.Equal(t, int64(2000000000), *a.ExpiresAt)
	assert.Equal(t, "read:user user:email", *a.Scope)
	assert.Equal(t, "bearer", *a.TokenType)
	assert.Equal(t, "state-js-1", *a.SessionState)
	_, err = s.repo.Accounts.ByKey(ctx, repository.AccountKey{Provider: "gitlab", ProviderAccountID: "js-2"})
	assert.ErrorIs(t, err, repository.ErrNotFound, "unlinked by Auth.js")

	sess, err := s.repo.Sessions.WithUser(ctx, t1)
	require.NoError(t, err)
	assert.Equal(t, extended, sess.Expires, "as updateSession set it")
	assert.Equal(t, u, sess.User)
	_, err = s.repo.Sessions.WithUser(ctx, t2)
	assert.ErrorIs(t, err, repository.ErrNotFound, "deleted by Auth.js")

	tok, err := s.repo.Verifications.Use(ctx, repository.SignInToken{Identifier: "alice@example.com", Token: "plain-js"})
	require.NoError(t, err)
	assert.Equal(t, expires, tok.Expires)

	carolGone := jsID(result(t, out, 10)["id"])
	_, err = s.repo.Users.ByID(ctx, carolGone)
	assert.ErrorIs(t, err, repository.ErrNotFound)
	_, err = s.repo.Sessions.WithUser(ctx, t3)
	assert.ErrorIs(t, err, repository.ErrNotFound)
	_, err = s.repo.Accounts.ByKey(ctx, repository.AccountKey{Provider: "github", ProviderAccountID: "js-3"})
	assert.ErrorIs(t, err, repository.ErrNotFound, "Auth.js's deleteUser took the accounts")
}

// goToAdapter: Go writes; the real adapter reads every field back, and the
// rows Go wrote are those the adapter writes for the same values.
func goToAdapter(t *testing.T, s *side) {
	ctx := context.Background()
	verified := time.Date(2026, 3, 8, 7, 30, 0, 123456789, time.UTC) // 02:30 in New York: skipped
	bob := &repository.User{Name: ptr("Bob"), Email: ptr("bob@example.com"), EmailVerified: &verified, Image: ptr("https://img/b.png")}
	require.NoError(t, s.repo.Users.Create(ctx, bob))
	account := &repository.Account{UserID: bob.ID, Type: "oauth", Provider: "github", ProviderAccountID: "go-1",
		AccessToken: ptr("gho_go-1"), RefreshToken: ptr("ghr_go-1"), IDToken: ptr("eyJ.go-1"), ExpiresAt: ptr(int64(2000000000)),
		Scope: ptr("read:user user:email"), TokenType: ptr("Bearer"), SessionState: ptr("state-go-1")}
	require.NoError(t, s.repo.Accounts.Link(ctx, account))
	sess, err := s.repo.Sessions.Create(ctx, bob.ID)
	require.NoError(t, err)
	require.NoError(t, s.repo.Sessions.ForceRefresh(ctx, sess))
	gone, err := s.repo.Sessions.Create(ctx, bob.ID)
	require.NoError(t, err)
	require.NoError(t, s.repo.Sessions.Delete(ctx, gone.SessionToken))
	tok, err := s.repo.Verifications.Create(ctx, repository.SignInToken{Identifier: " Bob@Example.com", Token: "plain-go"}, time.Hour)
	require.NoError(t, err)
	bob.Name = ptr("Bob B")
	require.NoError(t, s.repo.Users.Update(ctx, bob))

	dan := s.mustUser(t, "dan@example.com")
	s.mustAccount(t, dan, "go-2")
	danSess := s.mustSession(t, dan)
	require.NoError(t, s.repo.Users.Delete(ctx, dan.ID))
	s.mustAccount(t, bob, "go-3")
	require.NoError(t, s.repo.Accounts.Unlink(ctx, repository.AccountKey{Provider: "github", ProviderAccountID: "go-3"}))

	id := any(bob.ID)
	if s.f.SerialIDs() {
		n, _ := strconv.Atoi(bob.ID)
		id = n
	}
	out := s.node(t, authjsnode.OpsInput{Ops: []authjsnode.Op{
		/* 0 */ {"op": "getUser", "id": id},
		/* 1 */ {"op": "getUserByEmail", "email": "bob@example.com"},
		/* 2 */ {"op": "getUserByAccount", "provider": "github", "providerAccountId": "go-1"},
		/* 3 */ {"op": "getSessionAndUser", "sessionToken": sess.SessionToken},
		/* 4 */ {"op": "getSessionAndUser", "sessionToken": gone.SessionToken},
		/* 5 */ {"op": "getSessionAndUser", "sessionToken": danSess.SessionToken},
		/* 6 */ {"op": "getUserByAccount", "provider": "github", "providerAccountId": "go-2"},
		/* 7 */ {"op": "getUserByAccount", "provider": "github", "providerAccountId": "go-3"},
		/* 8 */ {"op": "useVerificationToken", "identifier": "bob@example.com", "token": repository.HashToken("plain-go", []string{nodeSecret})},
		// The same account linked by the adapter, to compare with Go's row.
		/* 9 */ {"op": "linkAccount", "account": oauthAccount(id, "github", "js-1")},
	}})
	for i, r := range out.Results {
		require.Empty(t, r.Error, "op %d", i)
	}
	want := obj{"id": id, "name": "Bob B", "email": "bob@example.com", "emailVerified": iso(verified), "image": "https://img/b.png"}
	for _, i := range []int{0, 1, 2} {
		got := result(t, out, i)
		for k, v := range want {
			assert.EqualValues(t, v, got[k], "op %d: %s", i, k)
		}
		if s.f.ClockColumns() {
			assert.Equal(t, iso(*bob.CreatedAt), got["createdAt"])
			assert.Equal(t, iso(*bob.UpdatedAt), got["updatedAt"])
		}
	}
	su := result(t, out, 3)
	require.NotNil(t, su, "Auth.js finds the session Go opened")
	assert.Equal(t, sess.SessionToken, su["session"].(obj)["sessionToken"])
	assert.Equal(t, iso(sess.Expires), su["session"].(obj)["expires"])
	assert.EqualValues(t, id, su["user"].(obj)["id"])
	for _, i := range []int{4, 5, 6, 7} {
		assert.Nil(t, result(t, out, i), "op %d: deleted by Go", i)
	}
	used := result(t, out, 8)
	require.NotNil(t, used, "Auth.js redeems the token Go stored")
	assert.Equal(t, iso(tok.Expires), used["expires"])

	// Go's account row and the adapter's differ only in the key and ids.
	_, accounts, _, _ := s.f.Tables()
	var rows []string
	require.NoError(t, s.db.Raw(`SELECT (to_jsonb(a) - 'providerAccountId' - 'id' - 'createdAt' - 'updatedAt'
			- 'access_token' - 'refresh_token' - 'id_token' - 'session_state')::text
		FROM `+quote(accounts)+` a ORDER BY "providerAccountId"`).Scan(&rows).Error)
	require.Len(t, rows, 2)
	if s.f.V4() {
		assert.Contains(t, rows[0], `"token_type": "Bearer"`, "v4 keeps the provider's token type")
		assert.Contains(t, rows[1], `"token_type": "bearer"`)
	} else {
		assert.Equal(t, rows[1], rows[0], "the Go row (go-1) and the adapter's (js-1)")
	}
}

// response decodes the handler's answer to op i.
func response(t *testing.T, out *authjsnode.OpsOutput, i int) authjsnode.Response {
	t.Helper()
	var r authjsnode.Response
	require.NoError(t, out.Results[i].Decode(&r), "op %d", i)
	return r
}

// noSession reports whether body is the session endpoint's answer without
// a session: null (Auth.js v5) or {} (NextAuth.js v4).
func noSession(body json.RawMessage) bool {
	return string(body) == "null" || string(body) == "{}"
}

func calls(r authjsnode.Response) []string {
	var m []string
	for _, c := range r.AdapterCalls {
		m = append(m, c.Method)
	}
	return m
}

// handlerFlows: the real request handler and the Go repository sign
// people in, read, extend and end each other's sessions and redeem each
// other's links.
func handlerFlows(t *testing.T, s *side) {
	ctx := context.Background()
	base := "/auth"
	if s.f.V4() {
		base = "/api/auth"
	}
	cookie := s.f.CookieName(false)
	profiles := map[string]authjsnode.Profile{
		"code-dora":   {ID: "4242", Name: "Dora", Email: "Dora@Example.com"},
		"code-gina":   {ID: "5151", Name: "Gina (Auth.js)", Email: "gina@example.com"},
		"code-thief":  {ID: "6161", Name: "Not Alice", Email: "ALICE@example.com"},
		"code-harold": {ID: "7171", Name: "Harold", Email: "harold@example.com"},
	}
	oauth := func(jar, code string, from int) []authjsnode.Op {
		return []authjsnode.Op{
			{"op": "handler", "method": "GET", "path": base + "/csrf", "jar": jar},
			{"op": "handler", "method": "POST", "path": base + "/signin/testoauth", "jar": jar, "form": obj{"csrfToken": authjsnode.Ref(from, "body.csrfToken")}},
			{"op": "handler", "method": "GET", "path": base + "/callback/testoauth", "jar": jar, "query": obj{"code": code, "state": authjsnode.Ref(from+1, "locationQuery.state")}},
		}
	}

	// Round 1, Auth.js: an email sign-in (alice), an OAuth sign-up (dora),
	// a link mailed for erin, which Go redeems.
	ops := []authjsnode.Op{
		/* 0 */ {"op": "handler", "method": "GET", "path": base + "/csrf", "jar": "alice"},
		/* 1 */ {"op": "handler", "method": "POST", "path": base + "/signin/email", "jar": "alice", "form": obj{"email": "  Alice@Example.COM ", "csrfToken": authjsnode.Ref(0, "body.csrfToken")}},
		/* 2 */ {"op": "handler", "method": "GET", "path": authjsnode.Ref(1, "emails.0.url"), "jar": "alice"},
		/* 3 */ {"op": "handler", "method": "GET", "path": base + "/csrf", "jar": "erin"},
		/* 4 */ {"op": "handler", "method": "POST", "path": base + "/signin/email", "jar": "erin", "form": obj{"email": "Erin@Example.com", "csrfToken": authjsnode.Ref(3, "body.csrfToken")}},
	}
	ops = append(ops, oauth("dora", "code-dora", 5)...) // 5, 6, 7
	out := s.node(t, authjsnode.OpsInput{OAuthProfiles: profiles, TokenResponse: map[string]any{"expires_in": 3600, "refresh_token": "rt"}, Ops: ops})
	aliceCookie := response(t, out, 2).Cookies[cookie]
	require.NotEmpty(t, aliceCookie, "Auth.js signed alice in: %+v", response(t, out, 2))
	doraCookie := response(t, out, 7).Cookies[cookie]
	require.NotEmpty(t, doraCookie)
	require.Len(t, out.Emails, 2)
	erinMail := out.Emails[1]

	// Go reads the sessions Auth.js opened.
	alice, err := s.repo.Sessions.WithUser(ctx, aliceCookie)
	require.NoError(t, err, "the cookie Auth.js set after an email sign-in authenticates in Go")
	assert.Equal(t, "alice@example.com", *alice.User.Email)
	require.NotNil(t, alice.User.EmailVerified)
	assert.WithinDuration(t, time.Now(), *alice.User.EmailVerified, time.Minute)
	// And at the Go middleware, by the cookie as the browser sends it.
	mw := nextauthhttp.Middleware(s.repo, nextauthhttp.Options{})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, _ := nextauthhttp.UserFrom(r.Context())
		io.WriteString(w, *u.Email)
	}))
	req := httptest.NewRequest(http.MethodGet, site+"/api/me", nil)
	req.AddCookie(&http.Cookie{Name: cookie, Value: aliceCookie})
	rec := httptest.NewRecorder()
	mw.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, "alice@example.com", rec.Body.String())
	dora, err := s.repo.Sessions.WithUser(ctx, doraCookie)
	require.NoError(t, err)
	assert.Equal(t, "dora@example.com", *dora.User.Email)

	// Go signs in the OAuth identity Auth.js created: the same user.
	res, err := s.repo.SignInOAuth(ctx, repository.OAuthSignIn{Account: repository.Account{Provider: "testoauth", ProviderAccountID: "4242"}})
	require.NoError(t, err)
	assert.Equal(t, dora.User.ID, res.User.ID)
	assert.False(t, res.IsNewUser)
	// Go redeems the link Auth.js mailed.
	erin, err := s.repo.SignInEmail(ctx, repository.EmailSignIn{SignInToken: repository.SignInToken{Identifier: erinMail.Identifier, Token: erinMail.Token}})
	require.NoError(t, err, "Go redeems the link Auth.js mailed")
	assert.Equal(t, "erin@example.com", *erin.User.Email)
	// Both refuse an unknown identity whose email is alice's.
	_, err = s.repo.SignInOAuth(ctx, repository.OAuthSignIn{Account: repository.Account{Provider: "testoauth", ProviderAccountID: "6161"}, Email: ptr("ALICE@example.com")})
	assert.ErrorIs(t, err, repository.ErrAccountNotLinked)

	// Go: a session for alice, dora's Auth.js session ended, a link for
	// frank, an OAuth sign-up (gina), and two sessions of alice's that
	// Go opened 25 and 23 hours ago.
	goSess, err := s.repo.Sessions.Create(ctx, alice.UserID)
	require.NoError(t, err)
	require.NoError(t, s.repo.Sessions.Delete(ctx, doraCookie))
	frank := s.mustTokenNow(t, "Frank@Example.com")
	link := repository.CallbackURL(site+base, "email", site+"/welcome", frank)
	gina, err := s.repo.SignInOAuth(ctx, repository.OAuthSignIn{Account: repository.Account{Provider: "testoauth", ProviderAccountID: "5151"}, Name: ptr("Gina"), Email: ptr("gina@example.com")})
	require.NoError(t, err)
	opened := func(ago time.Duration) *repository.Session {
		past := repository.New(s.db, s.f, repository.Options{Now: func() time.Time { return time.Now().Add(-ago) }})
		sess, err := past.Sessions.Create(ctx, alice.UserID)
		require.NoError(t, err)
		return sess
	}
	due, notDue := opened(repository.DefaultUpdateAge+time.Hour), opened(repository.DefaultUpdateAge-time.Hour)
	assert.True(t, s.repo.Sessions.Due(due))
	assert.False(t, s.repo.Sessions.Due(notDue))
	goDue := opened(repository.DefaultUpdateAge + time.Hour)
	wrote, err := s.repo.Sessions.Refresh(ctx, goDue)
	require.NoError(t, err)
	require.True(t, wrote)

	// Round 2, Auth.js.
	session := func(token string) authjsnode.Op {
		return authjsnode.Op{"op": "handler", "method": "GET", "path": base + "/session", "cookies": obj{cookie: token}}
	}
	ops = []authjsnode.Op{
		/* 0 */ session(goSess.SessionToken),
		/* 1 */ session(doraCookie),
		/* 2 */ {"op": "handler", "method": "GET", "path": link, "jar": "frank"},
		/* 3 */ session(due.SessionToken),
		/* 4 */ session(notDue.SessionToken),
		/* 5 */ session(goDue.SessionToken),
		// Alice signs out in Auth.js.
		/* 6 */ {"op": "handler", "method": "GET", "path": base + "/csrf", "jar": "alice", "cookies": obj{cookie: aliceCookie}},
		/* 7 */ {"op": "handler", "method": "POST", "path": base + "/signout", "jar": "alice", "cookies": obj{cookie: aliceCookie}, "form": obj{"csrfToken": authjsnode.Ref(6, "body.csrfToken")}},
	}
	ops = append(ops, oauth("gina", "code-gina", 8)...)    // 8, 9, 10
	ops = append(ops, oauth("thief", "code-thief", 11)...) // 11, 12, 13
	out = s.node(t, authjsnode.OpsInput{OAuthProfiles: profiles, Ops: ops})

	var body struct {
		User    struct{ Name, Email *string }
		Expires string
	}
	r := response(t, out, 0)
	require.NoError(t, json.Unmarshal(r.Body, &body), "%s", r.Body)
	require.NotNil(t, body.User.Email, "Auth.js returns the session Go opened: %s", r.Body)
	assert.Equal(t, "alice@example.com", *body.User.Email)
	assert.Equal(t, iso(goSess.Expires), body.Expires)
	assert.True(t, noSession(response(t, out, 1).Body), "Auth.js refuses the session Go deleted: %s", response(t, out, 1).Body)

	r = response(t, out, 2)
	assert.Equal(t, 302, r.Status, "Auth.js redeems the link Go made: %+v", r)
	assert.Equal(t, site+"/welcome", r.Location)
	frankSess, err := s.repo.Sessions.WithUser(ctx, r.Cookies[cookie])
	require.NoError(t, err)
	assert.Equal(t, "frank@example.com", *frankSess.User.Email)

	// The sliding expiry: Auth.js extends exactly the session Go calls due.
	assert.Contains(t, calls(response(t, out, 3)), "updateSession", "due in Go, extended by Auth.js")
	assert.NotContains(t, calls(response(t, out, 4)), "updateSession", "not due in Go, not extended by Auth.js")
	assert.NotContains(t, calls(response(t, out, 5)), "updateSession", "extended by Go, not due for Auth.js")
	extended, err := s.repo.Sessions.ByToken(ctx, due.SessionToken)
	require.NoError(t, err)
	assert.WithinDuration(t, time.Now().Add(repository.DefaultMaxAge), extended.Expires, time.Minute, "Go reads the expiry Auth.js extended")
	kept, err := s.repo.Sessions.ByToken(ctx, notDue.SessionToken)
	require.NoError(t, err)
	assert.Equal(t, notDue.Expires, kept.Expires)

	_, err = s.repo.Sessions.WithUser(ctx, aliceCookie)
	assert.ErrorIs(t, err, repository.ErrNotFound, "Go refuses the session Auth.js signed out")

	r = response(t, out, 10)
	assert.NotContains(t, calls(r), "createUser", "Auth.js signs in the user Go created")
	ginaSess, err := s.repo.Sessions.WithUser(ctx, r.Cookies[cookie])
	require.NoError(t, err)
	assert.Equal(t, gina.User.ID, ginaSess.User.ID)
	r = response(t, out, 13)
	assert.Equal(t, "OAuthAccountNotLinked", r.LocationQuery["error"], "%+v", r)
}

// mustTokenNow stores a sign-in token with the real clock.
func (s *side) mustTokenNow(t *testing.T, email string) repository.SignInToken {
	t.Helper()
	tok, err := repository.NewSignInToken()
	require.NoError(t, err)
	row, err := s.repo.Verifications.Create(context.Background(), repository.SignInToken{Identifier: email, Token: tok}, 0)
	require.NoError(t, err)
	return repository.SignInToken{Identifier: row.Identifier, Token: tok}
}
