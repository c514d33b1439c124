package authjsnode

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth/internal/harness/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

var installOnce struct {
	sync.Once
	err error
}

// install runs Install once per test binary.
func install(t *testing.T) {
	t.Helper()
	installOnce.Do(func() {
		d, err := Install(context.Background())
		installOnce.err = err
		if d > 0 {
			t.Logf("npm ci + prisma generate took %s", d.Round(time.Millisecond))
		}
	})
	require.NoError(t, installOnce.err)
}

// schemaDB creates a scratch database (dropped when t ends) holding
// flavour's documented schema, and returns its URL and a handle on it.
func schemaDB(t *testing.T, flavour string) (string, *sql.DB) {
	t.Helper()
	dsn := testdb.New(t)
	db, err := sql.Open("pgx", dsn)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	file, err := SchemaFile(flavour)
	require.NoError(t, err)
	ddl, err := os.ReadFile(file)
	require.NoError(t, err)
	_, err = db.Exec(string(ddl))
	require.NoError(t, err, "loading %s", file)
	return dsn, db
}

// tables are each flavour's table names, quoted for SQL.
type tables struct{ users, accounts, sessions, tokens string }

var flavourTables = map[string]tables{
	Prisma:         {`"User"`, `"Account"`, `"Session"`, `"VerificationToken"`},
	PrismaV4:       {`"User"`, `"Account"`, `"Session"`, `"VerificationToken"`},
	Drizzle:        {`"user"`, `account`, `session`, `"verificationToken"`},
	DrizzleBuiltin: {`"user"`, `account`, `session`, `"verificationToken"`},
	PG:             {`users`, `accounts`, `sessions`, `verification_token`},
}

var (
	cuidRE = regexp.MustCompile(`^c[a-z0-9]{24}$`)
	uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
)

// assertUserID checks that id is the kind of user id flavour makes.
func assertUserID(t *testing.T, flavour string, id any) {
	t.Helper()
	switch flavour {
	case PG:
		n, ok := id.(float64)
		assert.True(t, ok && n >= 1 && n == float64(int64(n)), "pg: user id %v (%T) is not a serial number", id, id)
	case Prisma, PrismaV4:
		s, _ := id.(string)
		assert.Regexp(t, cuidRE, s, "%s: user id is not a cuid", flavour)
	case Drizzle, DrizzleBuiltin:
		s, _ := id.(string)
		assert.Regexp(t, uuidRE, s, "%s: user id is not a UUID v4", flavour)
	}
}

type obj = map[string]any

func decode(t *testing.T, out *OpsOutput, i int) obj {
	t.Helper()
	var v obj
	require.NoError(t, out.Results[i].Decode(&v), "op %d", i)
	return v
}

func TestAdapterMethods(t *testing.T) {
	install(t)
	for _, flavour := range Flavours {
		t.Run(flavour, func(t *testing.T) {
			t.Parallel()
			dsn, _ := schemaDB(t, flavour)
			tb := flavourTables[flavour]
			user := Ref(0, "id")
			// Core passes createUser a UUID that every v5 adapter drops;
			// next-auth v4 passes none (and its adapter would store one).
			alice := obj{"id": "0b5f5d7e-4f3c-4c55-9a7e-9d1b2c3d4e5f", "name": "Alice", "email": "alice@example.com", "emailVerified": "2026-01-02T03:04:05.678Z", "image": "https://example.com/a.png"}
			if flavour == PrismaV4 {
				delete(alice, "id")
			}
			in := OpsInput{
				Flavour: flavour,
				Secret:  "test-secret",
				Site:    "http://localhost:3000",
				Ops: []Op{
					/* 0 */ {"op": "createUser", "user": alice},
					/* 1 */ {"op": "getUser", "id": user},
					/* 2 */ {"op": "getUserByEmail", "email": "alice@example.com"},
					/* 3 */ {"op": "updateUser", "user": obj{"id": user, "name": "Alice B"}},
					/* 4 */ {"op": "linkAccount", "account": obj{"userId": user, "type": "oauth", "provider": "github", "providerAccountId": "12345", "access_token": "gho_x", "token_type": "bearer", "scope": "read:user", "expires_at": 1795767128}},
					/* 5 */ {"op": "getUserByAccount", "provider": "github", "providerAccountId": "12345"},
					/* 6 */ {"op": "createSession", "session": obj{"sessionToken": "95347991-b3d5-4f4c-9091-ab3dbd527cba", "userId": user, "expires": "2099-01-01T00:00:00.000Z"}},
					/* 7 */ {"op": "getSessionAndUser", "sessionToken": "95347991-b3d5-4f4c-9091-ab3dbd527cba"},
					/* 8 */ {"op": "updateSession", "session": obj{"sessionToken": "95347991-b3d5-4f4c-9091-ab3dbd527cba", "expires": "2099-02-01T00:00:00.000Z"}},
					/* 9 */ {"op": "getSessionAndUser", "sessionToken": "95347991-b3d5-4f4c-9091-ab3dbd527cba"},
					/* 10 */ {"op": "createVerificationToken", "token": obj{"identifier": "alice@example.com", "token": "fe3032bb5b9e37695c28e097be3f9d7661afe1b61eee9ae0797d34b4c06a9ad7", "expires": "2099-01-01T00:00:00.000Z"}},
					/* 11 */ {"op": "useVerificationToken", "identifier": "alice@example.com", "token": "fe3032bb5b9e37695c28e097be3f9d7661afe1b61eee9ae0797d34b4c06a9ad7"},
					/* 12 */ {"op": "useVerificationToken", "identifier": "alice@example.com", "token": "fe3032bb5b9e37695c28e097be3f9d7661afe1b61eee9ae0797d34b4c06a9ad7"},
					/* 13 */ {"op": "unlinkAccount", "provider": "github", "providerAccountId": "12345"},
					/* 14 */ {"op": "getUserByAccount", "provider": "github", "providerAccountId": "12345"},
					/* 15 */ {"op": "deleteSession", "sessionToken": "95347991-b3d5-4f4c-9091-ab3dbd527cba"},
					/* 16 */ {"op": "getSessionAndUser", "sessionToken": "95347991-b3d5-4f4c-9091-ab3dbd527cba"},
					// deleteUser removes the user's accounts and sessions.
					/* 17 */ {"op": "linkAccount", "account": obj{"userId": user, "type": "oauth", "provider": "gitlab", "providerAccountId": "777"}},
					/* 18 */ {"op": "createSession", "session": obj{"sessionToken": "9033719e-5564-4be1-9084-44ccf2fddc3f", "userId": user, "expires": "2099-01-01T00:00:00.000Z"}},
					/* 19 */ {"op": "deleteUser", "id": user},
					/* 20 */ {"op": "getUser", "id": user},
					/* 21 */ {"op": "query", "sql": "SELECT (SELECT count(*) FROM " + tb.users + ")::int AS users, (SELECT count(*) FROM " + tb.accounts + ")::int AS accounts, (SELECT count(*) FROM " + tb.sessions + ")::int AS sessions, (SELECT count(*) FROM " + tb.tokens + ")::int AS tokens"},
				},
			}
			out, err := Ops(context.Background(), dsn, "Pacific/Auckland", in)
			require.NoError(t, err)
			t.Logf("%s: %d ops in %s", flavour, len(in.Ops), out.Elapsed.Round(time.Millisecond))
			assert.Equal(t, "Pacific/Auckland", out.TimeZone)
			assert.Equal(t, "0.41.3", out.Versions["@auth/core"])
			assert.Equal(t, "4.24.15", out.Versions["next-auth"])

			created := decode(t, out, 0)
			assertUserID(t, flavour, created["id"])
			assert.NotEqual(t, "0b5f5d7e-4f3c-4c55-9a7e-9d1b2c3d4e5f", created["id"], "the adapter made the id")
			assert.Equal(t, "alice@example.com", created["email"])
			assert.Equal(t, "2026-01-02T03:04:05.678Z", created["emailVerified"], "dates print as UTC ISO whatever TZ is")
			if flavour == Prisma {
				assert.Contains(t, created, "createdAt")
				assert.Contains(t, created, "updatedAt")
			}
			for _, i := range []int{1, 2, 5} {
				got := decode(t, out, i)
				assert.Equal(t, created["id"], got["id"], "op %d", i)
				assert.Equal(t, "alice@example.com", got["email"], "op %d", i)
			}
			assert.Equal(t, "Alice B", decode(t, out, 3)["name"])

			su := decode(t, out, 7)
			require.NotNil(t, su)
			session, _ := su["session"].(obj)
			sessionUser, _ := su["user"].(obj)
			assert.Equal(t, "95347991-b3d5-4f4c-9091-ab3dbd527cba", session["sessionToken"])
			assert.Equal(t, created["id"], session["userId"])
			assert.Equal(t, "2099-01-01T00:00:00.000Z", session["expires"])
			assert.Equal(t, created["id"], sessionUser["id"])
			assert.Equal(t, "Alice B", sessionUser["name"])
			if flavour == PG {
				assert.True(t, out.Results[8].Undefined, "pg's updateSession returns undefined")
			} else {
				assert.Equal(t, "2099-02-01T00:00:00.000Z", decode(t, out, 8)["expires"])
			}
			assert.Equal(t, "2099-02-01T00:00:00.000Z", decode(t, out, 9)["session"].(obj)["expires"])

			tok := decode(t, out, 11)
			assert.Equal(t, "alice@example.com", tok["identifier"])
			assert.Equal(t, "fe3032bb5b9e37695c28e097be3f9d7661afe1b61eee9ae0797d34b4c06a9ad7", tok["token"])
			assert.Equal(t, "2099-01-01T00:00:00.000Z", tok["expires"])
			assert.Nil(t, decode(t, out, 12), "a used token is gone")
			assert.Nil(t, decode(t, out, 14), "unlinked")
			assert.Nil(t, decode(t, out, 16), "session deleted")
			for i := 13; i <= 19; i++ {
				assert.Empty(t, out.Results[i].Error, "op %d", i)
			}
			assert.Nil(t, decode(t, out, 20), "user deleted")
			var counts []obj
			require.NoError(t, out.Results[21].Decode(&counts))
			assert.Equal(t, []obj{{"users": 0.0, "accounts": 0.0, "sessions": 0.0, "tokens": 0.0}}, counts, "deleteUser removed the user's account and session")
		})
	}
}

func TestHandlerFlows(t *testing.T) {
	install(t)
	for _, flavour := range Flavours {
		t.Run(flavour, func(t *testing.T) {
			t.Parallel()
			dsn, db := schemaDB(t, flavour)
			tb := flavourTables[flavour]
			base, cookie := "/auth", "authjs."
			if flavour == PrismaV4 {
				base, cookie = "/api/auth", "next-auth."
			}
			const secret = "9QMbdHsL22K1zug/Dl3MInzVgP2LI1vZPuo1Fe83RKE="
			in := OpsInput{
				Flavour: flavour,
				Secret:  secret,
				Site:    "http://localhost:3000",
				OAuthProfiles: map[string]Profile{
					"code-dora": {ID: "4242", Name: "Dora", Email: "Dora.Explorer@Example.com", Image: "https://example.com/dora.png"},
				},
				TokenResponse: map[string]any{"expires_in": 28800, "refresh_token": "rt_dora", "scope": "read:user"},
				Ops: []Op{
					// E-mail sign-in, in the cookie jar "alice".
					/* 0 */ {"op": "handler", "method": "GET", "path": base + "/csrf", "jar": "alice"},
					/* 1 */ {"op": "handler", "method": "POST", "path": base + "/signin/email", "jar": "alice", "form": obj{"email": "  Alice@Example.COM ", "csrfToken": Ref(0, "body.csrfToken"), "callbackUrl": "http://localhost:3000/dashboard"}},
					/* 2 */ {"op": "handler", "method": "GET", "path": Ref(1, "emails.0.url"), "jar": "alice"},
					/* 3 */ {"op": "handler", "method": "GET", "path": base + "/session", "jar": "alice"},
					// OAuth sign-in, in the jar "dora": the provider would
					// redirect the browser to the callback with the code and
					// the state of the authorization URL.
					/* 4 */ {"op": "handler", "method": "GET", "path": base + "/csrf", "jar": "dora"},
					/* 5 */ {"op": "handler", "method": "POST", "path": base + "/signin/testoauth", "jar": "dora", "form": obj{"csrfToken": Ref(4, "body.csrfToken")}},
					/* 6 */ {"op": "handler", "method": "GET", "path": base + "/callback/testoauth", "jar": "dora", "query": obj{"code": "code-dora", "state": Ref(5, "locationQuery.state")}},
					// The session cookie alone, passed explicitly.
					/* 7 */ {"op": "handler", "method": "GET", "path": base + "/session", "cookies": obj{cookie + "session-token": Ref(6, "cookies."+cookie+"session-token")}},
				},
			}
			out, err := Ops(context.Background(), dsn, "", in)
			require.NoError(t, err)
			t.Logf("%s: %d requests in %s", flavour, len(in.Ops), out.Elapsed.Round(time.Millisecond))
			res := make([]Response, len(out.Results))
			for i := range out.Results {
				require.NoError(t, out.Results[i].Decode(&res[i]), "op %d", i)
				assert.Empty(t, res[i].Logs, "op %d logged", i)
			}

			// E-mail: the link, its stored hash, the session.
			assert.Equal(t, 302, res[1].Status)
			assert.Equal(t, "http://localhost:3000"+base+"/verify-request?provider=email&type=email", res[1].Location)
			require.Len(t, out.Emails, 1)
			mail := out.Emails[0]
			assert.Equal(t, "alice@example.com", mail.Identifier)
			assert.Regexp(t, `^[0-9a-f]{64}$`, mail.Token)
			assert.True(t, strings.HasPrefix(mail.URL, "http://localhost:3000"+base+"/callback/email?"), mail.URL)
			assert.WithinDuration(t, time.Now().Add(24*time.Hour), mail.Expires, 5*time.Minute)
			require.NotEmpty(t, res[1].AdapterCalls)
			var stored struct{ Token string }
			for _, c := range res[1].AdapterCalls {
				if c.Method == "createVerificationToken" {
					require.NoError(t, json.Unmarshal(c.Args[0], &stored))
				}
			}
			sum := sha256.Sum256([]byte(mail.Token + secret))
			assert.Equal(t, hex.EncodeToString(sum[:]), stored.Token, "stored token = sha256(token + secret)")

			assert.Equal(t, 302, res[2].Status)
			assert.Equal(t, "http://localhost:3000/dashboard", res[2].Location)
			aliceToken := res[2].Cookies[cookie+"session-token"]
			assert.Regexp(t, uuidRE, aliceToken)

			var sess struct {
				User    struct{ Name, Email, Image *string }
				Expires time.Time
			}
			assert.Equal(t, 200, res[3].Status)
			require.NoError(t, json.Unmarshal(res[3].Body, &sess), "%s", res[3].Body)
			require.NotNil(t, sess.User.Email)
			assert.Equal(t, "alice@example.com", *sess.User.Email)
			assert.WithinDuration(t, time.Now().Add(30*24*time.Hour), sess.Expires, 5*time.Minute)

			// OAuth: the authorization URL, the callback, the session.
			assert.Equal(t, 302, res[5].Status)
			assert.Contains(t, res[5].Location, "/authorize?")
			assert.NotEmpty(t, res[5].LocationQuery["state"])
			assert.NotEmpty(t, res[5].Cookies[cookie+"state"])
			assert.Equal(t, 302, res[6].Status)
			doraToken := res[6].Cookies[cookie+"session-token"]
			assert.Regexp(t, uuidRE, doraToken)
			var methods []string
			for _, c := range res[6].AdapterCalls {
				methods = append(methods, c.Method)
			}
			assert.Equal(t, []string{"getUserByAccount", "getUserByAccount", "getUserByEmail", "createUser", "linkAccount", "createSession"}, methods)

			sess.User.Email = nil
			require.NoError(t, json.Unmarshal(res[7].Body, &sess), "%s", res[7].Body)
			require.NotNil(t, sess.User.Email)
			assert.Equal(t, "dora.explorer@example.com", *sess.User.Email, "OAuth e-mails are lower-cased")
			require.NotNil(t, sess.User.Name)
			assert.Equal(t, "Dora", *sess.User.Name)

			// Both sessions are rows of the flavour's table.
			for _, token := range []string{aliceToken, doraToken} {
				var n int
				require.NoError(t, db.QueryRow(`SELECT count(*) FROM `+tb.sessions+` WHERE "sessionToken" = $1`, token).Scan(&n))
				assert.Equal(t, 1, n, "session row %s", token)
			}
			var provider, accountID string
			require.NoError(t, db.QueryRow(`SELECT provider, "providerAccountId" FROM `+tb.accounts).Scan(&provider, &accountID))
			assert.Equal(t, "testoauth", provider)
			assert.Equal(t, "4242", accountID)
		})
	}
}

// TestSecrets: with AUTH_SECRET_1=s2 and AUTH_SECRET=s1 @auth/core hashes
// e-mail tokens with the secrets joined by commas.
func TestSecrets(t *testing.T) {
	install(t)
	dsn, _ := schemaDB(t, PG)
	out, err := Ops(context.Background(), dsn, "", OpsInput{
		Flavour: PG,
		Secrets: []string{"s2", "s1"},
		Site:    "http://localhost:3000",
		Ops: []Op{
			{"op": "handler", "method": "GET", "path": "/auth/csrf", "jar": "b"},
			{"op": "handler", "method": "POST", "path": "/auth/signin/email", "jar": "b", "form": obj{"email": "bob@example.com", "csrfToken": Ref(0, "body.csrfToken")}},
			{"op": "query", "sql": "SELECT token, expires FROM verification_token"},
		},
	})
	require.NoError(t, err)
	require.Len(t, out.Emails, 1)
	var rows []struct{ Token, Expires string }
	require.NoError(t, out.Results[2].Decode(&rows))
	require.Len(t, rows, 1)
	sum := sha256.Sum256([]byte(out.Emails[0].Token + "s2,s1"))
	assert.Equal(t, hex.EncodeToString(sum[:]), rows[0].Token)
	// query returns timestamps as PostgreSQL prints them.
	assert.Regexp(t, `^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?[+-]\d\d(:\d\d)?$`, rows[0].Expires)
}
