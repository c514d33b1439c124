package gormauth_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/internal/harness/nextauthjs"
	"github.com/gormauth/gormauth/internal/harness/testdb"
	"github.com/gormauth/gormauth/repository"
)

// installNextAuth installs NextAuth.js (npm ci, when node_modules is not
// already what package-lock.json pins).
func installNextAuth(t *testing.T) {
	t.Helper()
	d, err := nextauthjs.Install(context.Background())
	require.NoError(t, err)
	if d > 0 {
		t.Logf("npm ci took %s", d.Round(time.Millisecond))
	}
}

// TestNextAuthInterop shares one database between the real NextAuth.js
// 2.0.0-beta.73 (its adapter and its request handler, run by Node.js) and
// the repository on gormauth.Beta73, both ways: what NextAuth.js writes the repository reads
// field by field, what the repository writes NextAuth.js reads field by
// field, both take the same due/not-due decisions of the sliding expiry,
// and their sign-in flows find each other's users by lower-cased email.
// Times must agree to the millisecond (JavaScript's precision).
//
// It runs twice: all in UTC with the default options, and with NextAuth.js
// in Pacific/Auckland (TZ of Node.js, whose wall clock beta.73 stores), the
// database's TimeZone America/New_York, the Go process in Asia/Tokyo and
// Options.Location Pacific/Auckland.
func TestNextAuthInterop(t *testing.T) {
	t.Parallel()
	t.Run("UTC", func(t *testing.T) {
		t.Parallel()
		checkInterop(t, interopZones{node: "UTC", database: "UTC"})
	})
	t.Run("Zones", func(t *testing.T) {
		t.Parallel()
		if !testdb.InZone(t, "Asia/Tokyo") {
			return
		}
		auckland, err := time.LoadLocation("Pacific/Auckland")
		require.NoError(t, err)
		checkInterop(t, interopZones{node: "Pacific/Auckland", database: "America/New_York", location: auckland})
	})
}

// interopZones is where each side keeps its clock.
type interopZones struct {
	node     string         // TZ of the Node.js process
	database string         // the database's TimeZone setting
	location *time.Location // repository.Options.Location (nil: UTC)
}

// What NextAuth.js's adapter returns, as run.js prints it.
type (
	naUser struct {
		ID            int32      `json:"id"`
		Name          *string    `json:"name"`
		Email         *string    `json:"email"`
		EmailVerified *time.Time `json:"emailVerified"`
		Image         *string    `json:"image"`
		Created       time.Time  `json:"created"`
		Updated       time.Time  `json:"updated"`
	}
	naAccount struct {
		ID                 int32      `json:"id"`
		CompoundID         string     `json:"compoundId"`
		UserID             int32      `json:"userId"`
		ProviderType       string     `json:"providerType"`
		ProviderID         string     `json:"providerId"`
		ProviderAccountID  string     `json:"providerAccountId"`
		RefreshToken       *string    `json:"refreshToken"`
		AccessToken        *string    `json:"accessToken"`
		AccessTokenExpires *time.Time `json:"accessTokenExpires"`
		Created            time.Time  `json:"created"`
		Updated            time.Time  `json:"updated"`
	}
	naSession struct {
		ID           int32     `json:"id"`
		UserID       int32     `json:"userId"`
		Expires      time.Time `json:"expires"`
		SessionToken string    `json:"sessionToken"`
		AccessToken  string    `json:"accessToken"`
		Created      time.Time `json:"created"`
		Updated      time.Time `json:"updated"`
	}
	naVerification struct {
		ID         int32     `json:"id"`
		Identifier string    `json:"identifer"`
		Token      string    `json:"token"`
		Expires    time.Time `json:"expires"`
		Created    time.Time `json:"created"`
		Updated    time.Time `json:"updated"`
	}
	naResponse struct {
		Status    int      `json:"status"`
		Location  string   `json:"location"`
		SetCookie []string `json:"setCookie"`
	}
)

type op = nextauthjs.Op

// ref stands, in an op's arguments, for field of what op i returned.
func ref(i int, field string) map[string]any { return map[string]any{"$result": i, "field": field} }

const (
	interopSecret = "interop-s3cret"
	interopSite   = "http://localhost:3000"
	day           = 24 * time.Hour
)

// interop is one run of checkInterop: a database, the repository on it and
// NextAuth.js beside it.
type interop struct {
	t        *testing.T
	z        interopZones
	dsn      string
	db       *gorm.DB
	repo     *repository.Repository
	profiles map[string]nextauthjs.Profile
}

// nextAuth runs ops with NextAuth.js and returns their results; every op
// must succeed.
func (x *interop) nextAuth(ops ...op) []nextauthjs.Result {
	x.t.Helper()
	out, err := nextauthjs.Ops(context.Background(), x.dsn, x.z.node, nextauthjs.OpsInput{
		Secret: interopSecret, Site: interopSite, OAuthProfiles: x.profiles, Ops: ops})
	require.NoError(x.t, err)
	require.Equal(x.t, "2.0.0-beta.73", out.Versions.NextAuth)
	if x.z.node != "UTC" {
		require.Equal(x.t, x.z.node, out.TimeZone, "Node.js runs in its zone")
	}
	for i, r := range out.Results {
		require.Empty(x.t, r.Error, "NextAuth.js op %d (%v)", i, ops[i]["op"])
	}
	return out.Results
}

// newInterop returns an interop on the database of dsn (beta.73's tables),
// whose repository has the zones' Location and NextAuth.js's secret.
func newInterop(t *testing.T, z interopZones, dsn string, db *gorm.DB, profiles map[string]nextauthjs.Profile) *interop {
	x := &interop{t: t, z: z, dsn: dsn, db: db, profiles: profiles}
	x.repo = x.repoAt(0)
	return x
}

// repoAt returns a repository on the same database whose clock runs offset
// from the real one.
func (x *interop) repoAt(offset time.Duration) *repository.Repository {
	return repository.New(x.db, gormauth.Beta73, repository.Options{Location: x.z.location, Secret: []string{interopSecret},
		Now: func() time.Time { return time.Now().Add(offset) }})
}

// id is a repository id as NextAuth.js's adapter takes it: a number.
func id(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	require.NoError(t, err)
	return n
}

func decode[T any](t *testing.T, r nextauthjs.Result) *T {
	t.Helper()
	var v *T
	require.NoError(t, r.Decode(&v))
	return v
}

// sameTime asserts that NextAuth.js's reading (milliseconds) and the
// repository's (microseconds) of one column agree to the millisecond.
func sameTime(t *testing.T, na, got time.Time, what string) {
	t.Helper()
	assert.True(t, na.Equal(got.Truncate(time.Millisecond)), "%s: NextAuth.js reads %s, the repository %s", what,
		na.UTC().Format(time.RFC3339Nano), got.UTC().Format(time.RFC3339Nano))
}

func sameTimePtr(t *testing.T, na, got *time.Time, what string) {
	t.Helper()
	if na == nil || got == nil {
		assert.True(t, na == nil && got == nil, "%s: NextAuth.js reads %v, the repository %v", what, na, got)
		return
	}
	sameTime(t, *na, *got, what)
}

func sameUser(t *testing.T, na *naUser, got *repository.User) {
	t.Helper()
	require.NotNil(t, na, "NextAuth.js found the user")
	require.NotNil(t, got)
	assert.Equal(t, fmt.Sprint(na.ID), got.ID)
	assert.Equal(t, na.Name, got.Name)
	assert.Equal(t, na.Email, got.Email)
	assert.Equal(t, na.Image, got.Image)
	sameTimePtr(t, na.EmailVerified, got.EmailVerified, "users.email_verified")
	sameTimePtr(t, &na.Created, got.CreatedAt, "users.created")
	sameTimePtr(t, &na.Updated, got.UpdatedAt, "users.updated")
}

// sameAccount compares the account as NextAuth.js reads it with the
// repository's; compound_id, which the repository does not return, with
// the row's.
func (x *interop) sameAccount(t *testing.T, na *naAccount, got *repository.Account) {
	t.Helper()
	require.NotNil(t, na, "NextAuth.js found the account")
	assert.Equal(t, fmt.Sprint(na.ID), got.ID)
	var compoundID string
	require.NoError(t, x.db.Raw(`SELECT compound_id FROM accounts WHERE id::text = ?`, got.ID).Row().Scan(&compoundID))
	assert.Equal(t, na.CompoundID, compoundID)
	assert.Equal(t, fmt.Sprint(na.UserID), got.UserID)
	assert.Equal(t, na.ProviderType, got.Type)
	assert.Equal(t, na.ProviderID, got.Provider)
	assert.Equal(t, na.ProviderAccountID, got.ProviderAccountID)
	assert.Equal(t, na.RefreshToken, got.RefreshToken)
	assert.Equal(t, na.AccessToken, got.AccessToken)
	if na.AccessTokenExpires == nil || got.ExpiresAt == nil {
		assert.True(t, na.AccessTokenExpires == nil && got.ExpiresAt == nil, "accounts.access_token_expires: NextAuth.js reads %v, the repository %v",
			na.AccessTokenExpires, got.ExpiresAt)
	} else {
		assert.Equal(t, na.AccessTokenExpires.Unix(), *got.ExpiresAt, "accounts.access_token_expires, in seconds")
	}
	sameTimePtr(t, &na.Created, got.CreatedAt, "accounts.created")
	sameTimePtr(t, &na.Updated, got.UpdatedAt, "accounts.updated")
}

func sameSession(t *testing.T, na *naSession, got *repository.Session) {
	t.Helper()
	require.NotNil(t, na, "NextAuth.js found the session")
	assert.Equal(t, fmt.Sprint(na.ID), got.ID)
	assert.Equal(t, fmt.Sprint(na.UserID), got.UserID)
	assert.Equal(t, na.SessionToken, got.SessionToken)
	assert.Equal(t, &na.AccessToken, got.AccessToken)
	sameTime(t, na.Expires, got.Expires, "sessions.expires")
	sameTimePtr(t, &na.Created, got.CreatedAt, "sessions.created")
	sameTimePtr(t, &na.Updated, got.UpdatedAt, "sessions.updated")
}

// sameVerification compares the sign-in token as NextAuth.js reads it with
// the repository's. For a token the repository wrote valid for maxAge (0
// for one NextAuth.js wrote), NextAuth.js reads its created and updated as
// the instant the repository made it: expires − maxAge.
func sameVerification(t *testing.T, na *naVerification, got *repository.VerificationToken, maxAge time.Duration) {
	t.Helper()
	require.NotNil(t, na, "NextAuth.js found the sign-in token")
	assert.Equal(t, na.Identifier, got.Identifier)
	assert.Equal(t, na.Token, got.Token)
	sameTime(t, na.Expires, got.Expires, "verification_requests.expires")
	if maxAge > 0 {
		sameTime(t, na.Created, got.Expires.Add(-maxAge), "verification_requests.created")
		sameTime(t, na.Updated, got.Expires.Add(-maxAge), "verification_requests.updated")
	}
}

// sessionCookie returns the value of NextAuth.js's session cookie in a
// response, and its expiry.
func sessionCookie(t *testing.T, res *naResponse) (string, time.Time) {
	t.Helper()
	for _, line := range res.SetCookie {
		c, err := http.ParseSetCookie(line)
		require.NoError(t, err)
		if c.Name == gormauth.Beta73.CookieName(false) {
			return c.Value, c.Expires
		}
	}
	t.Fatalf("no session cookie in %q", res.SetCookie)
	return "", time.Time{}
}

// repeatedHour is 02:30 NZST on 2027-04-04: the second time Auckland's clock
// shows 02:30 that morning (NZDT ends at 03:00). Stored as Auckland's wall
// clock, both sides read it back as the first 02:30 (NZDT), an hour
// earlier.
var repeatedHour = time.Date(2027, 4, 3, 14, 30, 0, 0, time.UTC)

func checkInterop(t *testing.T, z interopZones) {
	installNextAuth(t)
	ctx := context.Background()
	dsn := testdb.New(t)
	setup := testdb.OpenURL(t, dsn)
	require.NoError(t, gormauth.AutoMigrate(context.Background(), setup, gormauth.Beta73))
	var dbName string
	require.NoError(t, setup.Raw("SELECT current_database()").Row().Scan(&dbName))
	testdb.Exec(t, setup, fmt.Sprintf(`ALTER DATABASE %q SET timezone TO '%s'`, dbName, z.database))
	db := testdb.OpenURL(t, dsn) // new connections: with the database's TimeZone
	var sessionZone string
	require.NoError(t, db.Raw("SHOW TimeZone").Row().Scan(&sessionZone))
	require.Equal(t, z.database, sessionZone)
	x := newInterop(t, z, dsn, db, map[string]nextauthjs.Profile{
		"alice-code": {ID: "3003", Name: "Alice Again", Email: "Alice.Interop@Example.com"},
		"grace-code": {ID: "3004", Name: "Grace Again", Email: "GRACE.OAUTH@example.com"},
		"hal-code":   {ID: "3005", Name: "Hal", Email: "Hal.New@Example.com"},
	})
	repo := x.repo
	wantRepeated := repeatedHour
	if z.node == "Pacific/Auckland" {
		wantRepeated = repeatedHour.Add(-time.Hour)
	}

	t.Run("NextAuthWritesRepositoryReads", func(t *testing.T) {
		x.t = t
		rs := x.nextAuth(
			op{"op": "createUser", "profile": map[string]any{"name": "Alice", "email": "alice.interop@example.com", "image": "https://img.example/alice"}}, // 0
			op{"op": "linkAccount", "userId": ref(0, "id"), "providerId": "github", "providerType": "oauth", "providerAccountId": "1001",
				"refreshToken": "rt-1001", "accessToken": "at-1001", "accessTokenExpires": repeatedHour.Format(time.RFC3339)}, // 1
			op{"op": "createSession", "userId": ref(0, "id")},                                                                        // 2: live, not due
			op{"op": "createSession", "userId": ref(0, "id"), "maxAge": (30*day - 25*time.Hour).Seconds()},                           // 3: as if extended 25 hours ago: due
			op{"op": "getUser", "id": ref(0, "id")},                                                                                  // 4
			op{"op": "createSession", "userId": ref(0, "id"), "maxAge": -3600},                                                       // 5: expired an hour ago
			op{"op": "getUser", "id": ref(0, "id")},                                                                                  // 6
			op{"op": "createVerificationRequest", "identifier": "alice.interop@example.com", "token": "na-live", "maxAge": 86400},    // 7
			op{"op": "createVerificationRequest", "identifier": "alice.interop@example.com", "token": "na-expired", "maxAge": -3600}, // 8
			op{"op": "getUser", "id": ref(0, "id")},                                                                                  // 9
			op{"op": "getSession", "sessionToken": ref(2, "sessionToken")},                                                           // 10
			op{"op": "getSession", "sessionToken": ref(3, "sessionToken")},                                                           // 11
			op{"op": "getSession", "sessionToken": ref(5, "sessionToken")},                                                           // 12
			op{"op": "findAccount", "providerId": "github", "providerAccountId": "1001"},                                             // 13
			op{"op": "getVerificationRequest", "identifier": "alice.interop@example.com", "token": "na-live"},                        // 14
			op{"op": "query", "sql": "SHOW TimeZone"},                                                                                // 15
		)
		var shown []struct{ TimeZone string }
		require.NoError(t, rs[15].Decode(&shown))
		require.Equal(t, z.database, shown[0].TimeZone, "NextAuth.js's session has the database's TimeZone")

		alice := decode[naUser](t, rs[9])
		u, err := repo.Users.ByID(ctx, fmt.Sprint(alice.ID))
		require.NoError(t, err)
		sameUser(t, alice, u)
		u, err = repo.Users.ByEmail(ctx, "alice.interop@example.com")
		require.NoError(t, err)
		assert.Equal(t, fmt.Sprint(alice.ID), u.ID)
		u, err = repo.Users.ByAccount(ctx, repository.AccountKey{Provider: "github", ProviderAccountID: "1001"})
		require.NoError(t, err)
		assert.Equal(t, fmt.Sprint(alice.ID), u.ID)

		naAcc := decode[naAccount](t, rs[13])
		acc, err := repo.Accounts.ByKey(ctx, repository.AccountKey{Provider: "github", ProviderAccountID: "1001"})
		require.NoError(t, err)
		x.sameAccount(t, naAcc, acc)
		assert.True(t, wantRepeated.Equal(*naAcc.AccessTokenExpires), "NextAuth.js reads the repeated hour as %s", naAcc.AccessTokenExpires)

		live := decode[naSession](t, rs[10])
		sess, err := repo.Sessions.WithUser(ctx, live.SessionToken)
		require.NoError(t, err)
		sameSession(t, live, sess)
		sameUser(t, alice, sess.User)
		assert.WithinDuration(t, time.Now().Add(30*day), sess.Expires, time.Minute, "30 days from now, in absolute terms")
		byAccess, err := repo.Sessions.ByAccessToken(ctx, live.AccessToken)
		require.NoError(t, err)
		assert.Equal(t, sess.ID, byAccess.ID)
		due := decode[naSession](t, rs[11])
		dueSess, err := repo.Sessions.WithUser(ctx, due.SessionToken)
		require.NoError(t, err)
		sameSession(t, due, dueSess)
		liveDue, dueDue := repo.Sessions.Due(sess), repo.Sessions.Due(dueSess)
		assert.False(t, liveDue, "a session NextAuth.js just opened is not due")
		assert.True(t, dueDue, "a session last extended 25 hours ago is due")
		assert.Equal(t, "null", string(rs[12].OK), "NextAuth.js: the expired session is absent")
		_, err = repo.Sessions.WithUser(ctx, decode[naSession](t, rs[5]).SessionToken)
		assert.ErrorIs(t, err, repository.ErrNotFound, "the repository: absent too")

		naLink := decode[naVerification](t, rs[14])
		v, err := repo.Verifications.Find(ctx, repository.SignInToken{Identifier: "alice.interop@example.com", Token: "na-live"})
		require.NoError(t, err)
		sameVerification(t, naLink, v, 0)
		_, err = repo.Verifications.Find(ctx, repository.SignInToken{Identifier: "alice.interop@example.com", Token: "na-expired"})
		assert.ErrorIs(t, err, repository.ErrNotFound)

		// NextAuth.js takes the same decisions on the same rows.
		rs = x.nextAuth(
			op{"op": "updateSession", "sessionToken": live.SessionToken},                                         // 0
			op{"op": "updateSession", "sessionToken": due.SessionToken},                                          // 1
			op{"op": "getVerificationRequest", "identifier": "alice.interop@example.com", "token": "na-expired"}, // 2
			op{"op": "getSession", "sessionToken": due.SessionToken},                                             // 3
		)
		assert.Equal(t, liveDue, string(rs[0].OK) != "null", "NextAuth.js's due decision on the live session")
		assert.Equal(t, dueDue, string(rs[1].OK) != "null", "NextAuth.js's due decision on the due session")
		assert.Equal(t, "null", string(rs[2].OK), "NextAuth.js: the expired sign-in token is absent")
		extended := decode[naSession](t, rs[3])
		dueSess, err = repo.Sessions.WithUser(ctx, due.SessionToken)
		require.NoError(t, err)
		sameSession(t, extended, dueSess)
		assert.False(t, repo.Sessions.Due(dueSess), "extended by NextAuth.js: no longer due")
	})

	t.Run("RepositoryWritesNextAuthReads", func(t *testing.T) {
		x.t = t
		grace := &repository.User{Name: ptr("Grace"), Email: ptr("grace.go@example.com"), Image: ptr("https://img.example/grace"),
			EmailVerified: ptr(repeatedHour)}
		require.NoError(t, repo.Users.Create(ctx, grace))
		stored, err := repo.Users.ByID(ctx, grace.ID)
		require.NoError(t, err)
		assert.True(t, wantRepeated.Equal(*stored.EmailVerified), "read back as %s", stored.EmailVerified)
		assert.True(t, wantRepeated.Equal(*grace.EmailVerified), "Create returns it as it reads back, not %s", grace.EmailVerified)
		acc := &repository.Account{UserID: grace.ID, Type: "oauth", Provider: "google", ProviderAccountID: "2002",
			RefreshToken: ptr("rt-2002"), AccessToken: ptr("at-2002"), ExpiresAt: ptr(time.Now().Add(time.Hour).Unix())}
		require.NoError(t, repo.Accounts.Link(ctx, acc))
		live, err := repo.Sessions.Create(ctx, grace.ID)
		require.NoError(t, err)
		due, err := x.repoAt(-25*time.Hour).Sessions.Create(ctx, grace.ID)
		require.NoError(t, err)
		expired, err := x.repoAt(-31*day).Sessions.Create(ctx, grace.ID)
		require.NoError(t, err)
		refreshed, err := x.repoAt(-25*time.Hour).Sessions.Create(ctx, grace.ID)
		require.NoError(t, err)
		wrote, err := repo.Sessions.Refresh(ctx, refreshed)
		require.NoError(t, err)
		require.True(t, wrote)
		link, err := repo.Verifications.Create(ctx, repository.SignInToken{Identifier: "Grace.Go@Example.com", Token: "go-live"}, 0)
		require.NoError(t, err)
		_, err = x.repoAt(-2*day).Verifications.Create(ctx, repository.SignInToken{Identifier: "grace.go@example.com", Token: "go-expired"}, 0)
		require.NoError(t, err)
		oauth, err := repo.SignInOAuth(ctx, repository.OAuthSignIn{
			Account: repository.Account{Provider: "github", ProviderAccountID: "2003", AccessToken: ptr("at-2003")},
			Name:    ptr("Grace OAuth"), Email: ptr("Grace.OAuth@Example.com")})
		require.NoError(t, err)
		assert.Equal(t, "grace.oauth@example.com", *oauth.User.Email)
		dora := repository.SignInToken{Identifier: "Dora@Example.com", Token: "go-dora"}
		_, err = repo.Verifications.Create(ctx, dora, 0)
		require.NoError(t, err)
		dora.Identifier = "DORA@example.com" // beta.73 lower-cases the link's address
		byEmail, err := repo.SignInEmail(ctx, repository.EmailSignIn{SignInToken: dora})
		require.NoError(t, err)
		// Wall clocks Auckland skips and shows twice, written as they are.
		gap := &repository.User{Name: ptr("Gap")}
		require.NoError(t, repo.Users.Create(ctx, gap))
		require.NoError(t, x.db.Exec(`UPDATE users SET email_verified = '2026-09-27 02:30:00', updated = '2027-04-04 02:30:00' WHERE id::text = ?`, gap.ID).Error)
		gap, err = repo.Users.ByID(ctx, gap.ID)
		require.NoError(t, err)
		decisions := []bool{repo.Sessions.Due(live), repo.Sessions.Due(due), repo.Sessions.Due(refreshed)}
		assert.Equal(t, []bool{false, true, false}, decisions)

		rs := x.nextAuth(
			op{"op": "getUser", "id": id(t, grace.ID)},                                                      // 0
			op{"op": "getUserByEmail", "email": "grace.go@example.com"},                                     // 1
			op{"op": "getUserByProviderAccountId", "providerId": "google", "providerAccountId": "2002"},     // 2
			op{"op": "findAccount", "providerId": "google", "providerAccountId": "2002"},                    // 3
			op{"op": "getSession", "sessionToken": live.SessionToken},                                       // 4
			op{"op": "getSession", "sessionToken": due.SessionToken},                                        // 5
			op{"op": "getSession", "sessionToken": expired.SessionToken},                                    // 6
			op{"op": "getSession", "sessionToken": refreshed.SessionToken},                                  // 7
			op{"op": "getVerificationRequest", "identifier": "grace.go@example.com", "token": "go-live"},    // 8
			op{"op": "getUserByEmail", "email": "grace.oauth@example.com"},                                  // 9
			op{"op": "getUserByProviderAccountId", "providerId": "github", "providerAccountId": "2003"},     // 10
			op{"op": "getSession", "sessionToken": oauth.Session.SessionToken},                              // 11
			op{"op": "getUserByEmail", "email": "dora@example.com"},                                         // 12
			op{"op": "getSession", "sessionToken": byEmail.Session.SessionToken},                            // 13
			op{"op": "updateSession", "sessionToken": live.SessionToken},                                    // 14
			op{"op": "updateSession", "sessionToken": due.SessionToken},                                     // 15
			op{"op": "updateSession", "sessionToken": refreshed.SessionToken},                               // 16
			op{"op": "getVerificationRequest", "identifier": "grace.go@example.com", "token": "go-expired"}, // 17
			op{"op": "deleteSession", "sessionToken": live.SessionToken},                                    // 18
			op{"op": "getUser", "id": id(t, gap.ID)},                                                        // 19
		)
		sameUser(t, decode[naUser](t, rs[0]), stored)
		sameUser(t, decode[naUser](t, rs[1]), stored)
		sameUser(t, decode[naUser](t, rs[2]), stored)
		x.sameAccount(t, decode[naAccount](t, rs[3]), acc)
		sameSession(t, decode[naSession](t, rs[4]), live)
		sameSession(t, decode[naSession](t, rs[5]), due)
		assert.Equal(t, "null", string(rs[6].OK), "NextAuth.js: the session the repository opened 31 days ago has expired")
		sameSession(t, decode[naSession](t, rs[7]), refreshed)
		sameVerification(t, decode[naVerification](t, rs[8]), link, repository.DefaultVerificationMaxAge)
		sameUser(t, decode[naUser](t, rs[9]), oauth.User)
		sameUser(t, decode[naUser](t, rs[10]), oauth.User)
		sameSession(t, decode[naSession](t, rs[11]), oauth.Session)
		sameUser(t, decode[naUser](t, rs[12]), byEmail.User)
		sameSession(t, decode[naSession](t, rs[13]), byEmail.Session)
		assert.Equal(t, decisions, []bool{string(rs[14].OK) != "null", string(rs[15].OK) != "null", string(rs[16].OK) != "null"},
			"NextAuth.js's due decisions on the sessions the repository opened")
		assert.Equal(t, "null", string(rs[17].OK), "NextAuth.js: the expired sign-in token is absent")
		_, err = repo.Verifications.Find(ctx, repository.SignInToken{Identifier: "grace.go@example.com", Token: "go-expired"})
		assert.ErrorIs(t, err, repository.ErrNotFound)
		var deleted struct{ Affected int }
		require.NoError(t, rs[18].Decode(&deleted))
		assert.Equal(t, 1, deleted.Affected)
		_, err = repo.Sessions.WithUser(ctx, live.SessionToken)
		assert.ErrorIs(t, err, repository.ErrNotFound, "signed out by NextAuth.js")
		extended, err := repo.Sessions.WithUser(ctx, due.SessionToken)
		require.NoError(t, err)
		sameSession(t, decode[naSession](t, rs[15]), extended)
		sameUser(t, decode[naUser](t, rs[19]), gap)
	})

	t.Run("SignInFlowsLowerCaseAlike", func(t *testing.T) {
		x.t = t
		erin := repository.SignInToken{Identifier: "Erin@Example.com", Token: "go-erin"}
		_, err := repo.Verifications.Create(ctx, erin, 0)
		require.NoError(t, err)
		callback := func(provider string, query map[string]string) op {
			return op{"op": "handler", "method": "GET", "action": "callback/" + provider, "query": query}
		}
		rs := x.nextAuth(
			callback("testoauth", map[string]string{"code": "alice-code"}),                                             // 0
			callback("testoauth", map[string]string{"code": "grace-code"}),                                             // 1
			callback("testoauth", map[string]string{"code": "hal-code"}),                                               // 2
			callback("email", map[string]string{"email": "Erin@Example.COM", "token": "go-erin"}),                      // 3
			op{"op": "createVerificationRequest", "identifier": "fay@example.com", "token": "na-fay", "maxAge": 86400}, // 4
		)
		notLinked := interopSite + "/api/auth/error?error=OAuthAccountNotLinked"
		// NextAuth.js's user alice.interop@example.com: NextAuth.js refuses
		// the unlinked account whose profile says Alice.Interop@Example.com,
		// and so does the repository.
		assert.Equal(t, notLinked, decode[naResponse](t, rs[0]).Location)
		before := x.count(t)
		_, err = repo.SignInOAuth(ctx, repository.OAuthSignIn{Account: repository.Account{Provider: "testoauth", ProviderAccountID: "3006"},
			Email: ptr("Alice.Interop@Example.com")})
		assert.ErrorIs(t, err, repository.ErrAccountNotLinked)
		assert.Equal(t, before, x.count(t), "nothing written")
		// The user the repository made from Grace.OAuth@Example.com is the
		// one NextAuth.js finds for GRACE.OAUTH@example.com.
		assert.Equal(t, notLinked, decode[naResponse](t, rs[1]).Location)
		// A new user made by NextAuth.js's OAuth callback signs in at the
		// repository with its cookie, and again through SignInOAuth.
		hal := decode[naResponse](t, rs[2])
		assert.Equal(t, interopSite, hal.Location)
		token, cookieExpires := sessionCookie(t, hal)
		sess, err := repo.Sessions.WithUser(ctx, token)
		require.NoError(t, err)
		assert.Equal(t, "hal.new@example.com", *sess.User.Email)
		assert.True(t, sess.Expires.Truncate(time.Second).Equal(cookieExpires), "cookie expires %s, session %s", cookieExpires, sess.Expires)
		again, err := repo.SignInOAuth(ctx, repository.OAuthSignIn{Account: repository.Account{Provider: "testoauth", ProviderAccountID: "3005"}})
		require.NoError(t, err)
		assert.Equal(t, sess.User.ID, again.User.ID)
		assert.False(t, again.IsNewUser)
		// A link the repository made for Erin@Example.com is redeemed by
		// NextAuth.js's email callback for Erin@Example.COM.
		erinRes := decode[naResponse](t, rs[3])
		assert.Equal(t, interopSite, erinRes.Location)
		token, _ = sessionCookie(t, erinRes)
		sess, err = repo.Sessions.WithUser(ctx, token)
		require.NoError(t, err)
		assert.Equal(t, "erin@example.com", *sess.User.Email)
		_, err = repo.Verifications.Find(ctx, erin)
		assert.ErrorIs(t, err, repository.ErrNotFound, "used once")
		// And the reverse: NextAuth.js's link for fay@example.com.
		res, err := repo.SignInEmail(ctx, repository.EmailSignIn{SignInToken: repository.SignInToken{Identifier: "Fay@Example.COM", Token: "na-fay"}})
		require.NoError(t, err)
		assert.Equal(t, "fay@example.com", *res.User.Email)
		assert.True(t, res.IsNewUser)
	})
}

// count returns the number of rows of the four tables together.
func (x *interop) count(t *testing.T) int64 {
	t.Helper()
	var n int64
	require.NoError(t, x.db.Raw(`SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM accounts)
		+ (SELECT count(*) FROM sessions) + (SELECT count(*) FROM verification_requests)`).Row().Scan(&n))
	return n
}

func ptr[T any](v T) *T { return &v }
