package repository_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/internal/harness/nextauthjs"
	"github.com/gormauth/gormauth/internal/harness/testdb"
	"github.com/gormauth/gormauth/internal/wallclock"
	"github.com/gormauth/gormauth/repository"
)

// TestBeta73Interop: the engine on beta.73's tables beside the real
// NextAuth.js 2.0.0-beta.73 (its adapter, run by Node.js in Auckland), with
// the database's TimeZone in New York and Options.Location Auckland: each
// side reads what the other wrote, to JavaScript's millisecond, and each
// redeems the other's sign-in links.
func TestBeta73Interop(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, err := nextauthjs.Install(ctx)
	require.NoError(t, err)
	auckland, err := time.LoadLocation("Pacific/Auckland")
	require.NoError(t, err)
	dsn := testdb.New(t)
	setup := testdb.OpenURL(t, dsn)
	require.NoError(t, gormauth.AutoMigrate(ctx, setup, gormauth.Beta73))
	var name string
	require.NoError(t, setup.Raw("SELECT current_database()").Row().Scan(&name))
	testdb.Exec(t, setup, fmt.Sprintf(`ALTER DATABASE %q SET timezone TO 'America/New_York'`, name))
	db := testdb.OpenURL(t, dsn)
	const naSecret = "interop-s3cret"
	repo := repository.New(db, gormauth.Beta73, repository.Options{Location: auckland, Secret: []string{naSecret}})
	nextAuth := func(ops ...nextauthjs.Op) []nextauthjs.Result {
		t.Helper()
		out, err := nextauthjs.Ops(ctx, dsn, "Pacific/Auckland", nextauthjs.OpsInput{Secret: naSecret, Site: "http://localhost:3000", Ops: ops})
		require.NoError(t, err)
		for i, r := range out.Results {
			require.Empty(t, r.Error, "NextAuth.js op %d", i)
		}
		return out.Results
	}
	type row = map[string]any
	decode := func(r nextauthjs.Result) row {
		t.Helper()
		var v row
		require.NoError(t, json.Unmarshal(r.OK, &v))
		return v
	}
	instant := func(v any) time.Time {
		t.Helper()
		at, err := time.Parse(time.RFC3339Nano, v.(string))
		require.NoError(t, err)
		return at
	}
	ms := func(at time.Time) time.Time { return at.Truncate(time.Millisecond) }
	ref := func(i int, field string) row { return row{"$result": i, "field": field} }
	expires := time.Date(2026, 12, 24, 9, 30, 0, 0, time.UTC)

	t.Run("NextAuthWritesEngineReads", func(t *testing.T) {
		rs := nextAuth(
			nextauthjs.Op{"op": "createUser", "profile": row{"name": "Alice", "email": "alice@example.com"}},
			nextauthjs.Op{"op": "linkAccount", "userId": ref(0, "id"), "providerId": "github", "providerType": "oauth",
				"providerAccountId": "1001", "refreshToken": "rt", "accessToken": "at", "accessTokenExpires": expires.Format(time.RFC3339)},
			nextauthjs.Op{"op": "createSession", "userId": ref(0, "id")},
			nextauthjs.Op{"op": "createVerificationRequest", "identifier": "alice@example.com", "token": "na-token", "maxAge": 86400},
			nextauthjs.Op{"op": "getUser", "id": ref(0, "id")},
		)
		naUser, naSession := decode(rs[4]), decode(rs[2])
		u, err := repo.Users.ByEmail(ctx, "alice@example.com")
		require.NoError(t, err)
		assert.Equal(t, fmt.Sprint(naUser["id"]), u.ID)
		assert.Equal(t, instant(naUser["created"]), ms(*u.CreatedAt), "the created column, in Auckland's wall clock")
		a, err := repo.Accounts.ByKey(ctx, repository.AccountKey{Provider: "github", ProviderAccountID: "1001"})
		require.NoError(t, err)
		assert.Equal(t, expires.Unix(), *a.ExpiresAt)
		s, err := repo.Sessions.WithUser(ctx, naSession["sessionToken"].(string))
		require.NoError(t, err)
		assert.Equal(t, instant(naSession["expires"]), ms(s.Expires))
		assert.False(t, repo.Sessions.Due(s), "just opened")
		res, err := repo.SignInEmail(ctx, repository.EmailSignIn{SignInToken: repository.SignInToken{Identifier: "Alice@Example.com", Token: "na-token"}})
		require.NoError(t, err, "the engine redeems NextAuth.js's link")
		assert.Equal(t, u.ID, res.User.ID)
		assert.Equal(t, []string{"github"}, res.Unlinked, "beta.73 never verified Alice's address")
	})

	t.Run("EngineWritesNextAuthReads", func(t *testing.T) {
		u := &repository.User{Name: ptr("Bob"), Email: ptr("bob@example.com")}
		require.NoError(t, repo.Users.Create(ctx, u))
		exp := expires.Unix()
		require.NoError(t, repo.Accounts.Link(ctx, &repository.Account{UserID: u.ID, Provider: "gitlab", ProviderAccountID: "2002",
			AccessToken: ptr("glat"), ExpiresAt: &exp}))
		s, err := repo.Sessions.Create(ctx, u.ID)
		require.NoError(t, err)
		_, err = repo.Verifications.Create(ctx, repository.SignInToken{Identifier: "Bob@Example.com", Token: "go-token"}, time.Hour)
		require.NoError(t, err)
		rs := nextAuth(
			nextauthjs.Op{"op": "getUserByEmail", "email": "bob@example.com"},
			nextauthjs.Op{"op": "findAccount", "providerId": "gitlab", "providerAccountId": "2002"},
			nextauthjs.Op{"op": "getSession", "sessionToken": s.SessionToken},
			nextauthjs.Op{"op": "getVerificationRequest", "identifier": "bob@example.com", "token": "go-token"},
		)
		naUser, naAccount, naSession, naLink := decode(rs[0]), decode(rs[1]), decode(rs[2]), decode(rs[3])
		assert.Equal(t, u.ID, fmt.Sprint(naUser["id"]))
		assert.Equal(t, ms(*u.CreatedAt), instant(naUser["created"]), "NextAuth.js reads Auckland's wall clock as the instant Go wrote")
		assert.Equal(t, expires, instant(naAccount["accessTokenExpires"]))
		assert.Len(t, naAccount["compoundId"], 64)
		assert.Equal(t, ms(s.Expires), instant(naSession["expires"]))
		assert.Len(t, naSession["accessToken"], 64)
		assert.Equal(t, "bob@example.com", naLink["identifer"], "lower-cased, as NextAuth.js stores it")
	})
}

// TestNextAuthTimeRange: the first and last instants the repository
// accepts on beta.73's tables (firstInstant, and JavaScript's last Date)
// are stored and the real NextAuth.js
// 2.0.0-beta.73 reads them back exactly; one millisecond outside is refused
// with ErrInvalidInput. The measurement behind it: NextAuth.js reads the
// whole column as Location's wall clock up to the last Date, and an Invalid
// Date (null) past it. It runs in UTC, and with NextAuth.js in Auckland
// (Location too) and the database's sessions in New York.
func TestNextAuthTimeRange(t *testing.T) {
	t.Parallel()
	_, err := nextauthjs.Install(context.Background())
	require.NoError(t, err)
	for _, z := range []struct{ name, node, database string }{
		{"UTC", "UTC", "UTC"},
		{"zoned", "Pacific/Auckland", "America/New_York"},
	} {
		t.Run(z.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			loc, err := time.LoadLocation(z.node)
			require.NoError(t, err)
			e := newEnv(t, gormauth.Beta73, repository.Options{Location: loc})
			var name string
			require.NoError(t, e.db.Raw("SELECT current_database()").Scan(&name).Error)
			testdb.Exec(t, e.db, `ALTER DATABASE "`+name+`" SET TimeZone = '`+z.database+`'`)

			// The first instant both UTC's and Location's wall clock of 4714
			// BC hold, and the last of a JavaScript Date.
			first, last := firstInstant(e), wallclock.JSMax
			inside := []time.Time{first, last, time.Date(0, 6, 1, 0, 0, 0, 0, time.UTC), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}
			outside := []time.Time{first.Add(-time.Millisecond), last.Add(time.Millisecond), last.Add(time.Second),
				time.Date(294276, 6, 1, 0, 0, 0, 0, time.UTC)}
			var ops []nextauthjs.Op
			for i, at := range inside {
				u := &repository.User{Email: ptr(fmt.Sprintf("in%d@example.com", i)), EmailVerified: &at}
				require.NoError(t, e.repo.Users.Create(ctx, u), "Go stores %s", jsISO(at))
				id, err := strconv.Atoi(u.ID)
				require.NoError(t, err)
				ops = append(ops, nextauthjs.Op{"op": "getUser", "id": id})
			}
			before := e.snapshot(t)
			for i, at := range outside {
				err := e.repo.Users.Create(ctx, &repository.User{Email: ptr(fmt.Sprintf("out%d@example.com", i)), EmailVerified: &at})
				require.ErrorIs(t, err, repository.ErrInvalidInput, "Go stores %s", jsISO(at))
				assert.ErrorContains(t, err, "email verified is outside the times the beta73 flavour holds")
			}
			assert.Equal(t, before, e.snapshot(t), "nothing written")
			for i, at := range outside {
				// What NextAuth.js would read past the last Date, written by
				// hand where the column holds it.
				if w := wallclock.Of(at, loc); at.After(last) && wallclock.InRange(w) {
					testdb.Exec(t, e.db, fmt.Sprintf(`INSERT INTO users (email, email_verified, created, updated)
						VALUES ('raw%d@example.com', '%s', now(), now())`, i, w.Format("2006-01-02 15:04:05.999999")))
					ops = append(ops, nextauthjs.Op{"op": "getUserByEmail", "email": fmt.Sprintf("raw%d@example.com", i)})
				}
			}
			out, err := nextauthjs.Ops(ctx, e.dsn, z.node, nextauthjs.OpsInput{Secret: secret, Site: "http://localhost:3000", Ops: ops})
			require.NoError(t, err)
			require.Equal(t, z.node, out.TimeZone)
			var measured []string
			for i, r := range out.Results {
				var u struct{ EmailVerified *string }
				require.NoError(t, r.Decode(&u), "op %d", i)
				read := "null"
				if u.EmailVerified != nil {
					read = *u.EmailVerified
				}
				if i < len(inside) {
					assert.Equal(t, jsISO(inside[i]), read, "NextAuth.js reads Go's %s", jsISO(inside[i]))
					got, err := e.repo.Users.ByEmail(ctx, fmt.Sprintf("in%d@example.com", i))
					require.NoError(t, err)
					assert.True(t, inside[i].Equal(*got.EmailVerified), "Go reads back %s", jsISO(inside[i]))
				} else {
					assert.Equal(t, "null", read, "past the last Date NextAuth.js reads an Invalid Date")
				}
				measured = append(measured, read)
			}
			t.Logf("NextAuth.js in %s reads %s", z.node, strings.Join(measured, ", "))
			// The wall clock before the column's first is refused by
			// PostgreSQL itself.
			err = e.db.Exec(`INSERT INTO users (email, email_verified, created, updated)
				VALUES ('min@example.com', '4714-11-23 23:59:59.999 BC', now(), now())`).Error
			assert.ErrorContains(t, err, "out of range")
		})
	}
}
