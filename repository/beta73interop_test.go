package repository_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/internal/harness/nextauthjs"
	"github.com/gormauth/gormauth/internal/harness/testdb"
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
