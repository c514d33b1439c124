package repository_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/internal/harness/testdb"
	"github.com/gormauth/gormauth/repository"
)

// Every timestamp is stored in UTC, as Auth.js stores it, whatever the Go
// process's zone (Tokyo here) and the Postgres session's TimeZone (New York,
// given in the DSN, which also makes the gorm driver label what it scans
// with that zone); and read back as the same instant. The clock starts at
// 01:30 in New York on the morning its clocks go forward, with nanoseconds
// each flavour truncates to its precision. Beta73's wall clocks are those
// of Options.Location (TestTimeZonesBeta73).
func TestTimeZones(t *testing.T) {
	t.Parallel()
	if !testdb.InZone(t, "Asia/Tokyo") {
		return
	}
	ctx := context.Background()
	at := time.Date(2026, 3, 8, 6, 30, 15, 123456789, time.UTC)
	for _, f := range gormauth.AuthJSFlavours() {
		t.Run(f.Name(), func(t *testing.T) {
			t.Parallel()
			base := newEnv(t, f)
			e := *base
			e.db = testdb.OpenURL(t, dsnWith(base.dsn, "TimeZone", "America/New_York"))
			e.repo = repository.New(e.db, f, repository.Options{Now: func() time.Time { return at.In(time.Local) }, Secret: []string{secret}})
			var zone string
			require.NoError(t, e.db.Raw("SHOW TimeZone").Row().Scan(&zone))
			require.Equal(t, "America/New_York", zone)

			verified := at.Add(-time.Hour).In(time.Local)
			u := &repository.User{Email: ptr("alice@example.com"), EmailVerified: &verified}
			require.NoError(t, e.repo.Users.Create(ctx, u))
			s, err := e.repo.Sessions.Create(ctx, u.ID)
			require.NoError(t, err)
			tok := e.mustToken(t, "alice@example.com")

			p := f.Precision()
			utc := func(col, table string) string {
				expr := col + `::text`
				if !f.WallClock() {
					expr = `(` + col + ` AT TIME ZONE 'UTC')::text`
				}
				var v string
				require.NoError(t, base.db.Raw(`SELECT `+expr+` FROM `+table).Row().Scan(&v))
				return v
			}
			text := func(t time.Time) string { return t.UTC().Truncate(p).Format("2006-01-02 15:04:05.999999") }
			assert.Equal(t, text(verified), utc(`"emailVerified"`, e.users))
			assert.Equal(t, text(at.Add(repository.DefaultMaxAge)), utc(`"expires"`, e.sessions))
			assert.Equal(t, text(at.Add(repository.DefaultVerificationMaxAge)), utc(`"expires"`, e.tokens))
			if f.ClockColumns() {
				assert.Equal(t, text(at), utc(`"createdAt"`, e.users))
				assert.Equal(t, text(at), utc(`"updatedAt"`, e.sessions))
			}

			got, err := e.repo.Sessions.WithUser(ctx, s.SessionToken)
			require.NoError(t, err)
			assert.Equal(t, at.Add(repository.DefaultMaxAge).UTC().Truncate(p), got.Expires)
			assert.Equal(t, verified.UTC().Truncate(p), *got.User.EmailVerified)
			row, err := e.repo.Verifications.Find(ctx, tok)
			require.NoError(t, err)
			assert.Equal(t, at.Add(repository.DefaultVerificationMaxAge).UTC().Truncate(p), row.Expires)
		})
	}
}

// sessionZones are the ways a host can give the Postgres session a
// TimeZone (New York).
var sessionZones = []struct {
	name string
	open func(t *testing.T, dsn string) *gorm.DB
	// scanZone is the zone pgx labels timestamp values with (the gorm
	// driver registers the DSN's TimeZone as the scan location).
	scanZone string
}{
	{name: "DSNTimeZone", scanZone: "America/New_York", open: func(t *testing.T, dsn string) *gorm.DB {
		return testdb.OpenURL(t, dsnWith(dsn, "TimeZone", "America/New_York"))
	}},
	{name: "DSNOptions", scanZone: "UTC", open: func(t *testing.T, dsn string) *gorm.DB {
		return openPgx(t, dsn, func(cfg *pgx.ConnConfig) {
			cfg.RuntimeParams["options"] = "-c TimeZone=America/New_York"
		})
	}},
	{name: "SetTimeZone", scanZone: "UTC", open: func(t *testing.T, dsn string) *gorm.DB {
		return openPgx(t, dsn, nil, stdlib.OptionAfterConnect(func(ctx context.Context, c *pgx.Conn) error {
			_, err := c.Exec(ctx, "SET TimeZone = 'America/New_York'")
			return err
		}))
	}},
}

// openPgx opens dsn through pgx's database/sql driver, after edit changes
// its configuration, without the gorm driver's DSN handling.
func openPgx(t *testing.T, dsn string, edit func(*pgx.ConnConfig), opts ...stdlib.OptionOpenDB) *gorm.DB {
	cfg, err := pgx.ParseConfig(dsn)
	require.NoError(t, err)
	if edit != nil {
		edit(cfg)
	}
	sqlDB := stdlib.OpenDB(*cfg, opts...)
	t.Cleanup(func() { sqlDB.Close() })
	db, err := gorm.Open(postgres.New(postgres.Config{Conn: sqlDB}), &gorm.Config{Logger: logger.Discard})
	require.NoError(t, err)
	return db
}

// TestTimeZonesBeta73: on beta.73's tables, timestamps are stored as the
// wall clock of Options.Location (UTC by default) and read back as the
// instants they stand for, whatever the Go process's zone (Tokyo) and the
// Postgres session's TimeZone, set to New York three ways; with Location
// UTC and Auckland.
func TestTimeZonesBeta73(t *testing.T) {
	t.Parallel()
	if !testdb.InZone(t, "Asia/Tokyo") {
		return
	}
	for _, z := range sessionZones {
		for _, location := range []string{"UTC", "Pacific/Auckland"} {
			t.Run(z.name+"/"+location, func(t *testing.T) {
				t.Parallel()
				loc, err := time.LoadLocation(location)
				require.NoError(t, err)
				db := z.open(t, newEnv(t, gormauth.Beta73).dsn)
				var zone string
				require.NoError(t, db.Raw("SHOW TimeZone").Row().Scan(&zone))
				require.Equal(t, "America/New_York", zone, "the session TimeZone must be set")
				checkTimeZonesBeta73(t, db, z.scanZone, loc)
			})
		}
	}
}

// tzStart is the test clock's first instant: 15:30 in Tokyo, 01:30 in New
// York on the morning its clocks go forward, with nanoseconds that the
// repository must truncate to PostgreSQL's microseconds.
var tzStart = time.Date(2026, 3, 8, 6, 30, 15, 123456789, time.UTC)

// columnText returns a column of the row of table whose key column is key,
// as PostgreSQL prints it, read without the driver's time handling.
func columnText(t *testing.T, db *gorm.DB, table, column, keyColumn, key string) string {
	t.Helper()
	var s sql.NullString
	require.NoError(t, db.Raw("SELECT "+column+"::text FROM "+table+" WHERE "+keyColumn+"::text = ?", key).Row().Scan(&s))
	return s.String
}

// assertInstant checks that got is the instant want, labelled UTC.
func assertInstant(t *testing.T, want time.Time, got time.Time, what string) {
	t.Helper()
	want = want.Truncate(time.Microsecond)
	assert.True(t, want.Equal(got), "%s: want %s, got %s", what, want.UTC(), got)
	assert.True(t, got.Location() == time.UTC, "%s: labelled %s, not UTC", what, got.Location())
}

// checkTimeZonesBeta73 runs the operations that write and read timestamps
// on db (beta.73's tables), whose session TimeZone is not UTC, from a
// process whose zone is not UTC, with a repository whose Location is loc.
func checkTimeZonesBeta73(t *testing.T, db *gorm.DB, scanZone string, loc *time.Location) {
	ctx := context.Background()
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	require.NoError(t, err)
	newYork, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	c := testdb.NewClock(tzStart)
	// Like time.Now, the clock answers in the local zone.
	repo := repository.New(db, gormauth.Beta73, repository.Options{Now: func() time.Time { return c.Now().In(time.Local) },
		Location: loc, Secret: []string{secret}})
	now := tzStart.Truncate(time.Microsecond)
	wall := func(t time.Time) string {
		return t.In(loc).Truncate(time.Microsecond).Format("2006-01-02 15:04:05.999999")
	}
	column := func(table, column, id string) string { return columnText(t, db, table, column, "id", id) }

	verified := time.Date(2026, 1, 2, 3, 4, 5, 6000, tokyo) // 2026-01-01 18:04:05.000006 UTC
	u := &repository.User{Email: ptr("tz@example.com"), EmailVerified: &verified}
	require.NoError(t, repo.Users.Create(ctx, u))
	assertInstant(t, now, *u.CreatedAt, "Users.Create: created")
	assertInstant(t, now, *u.UpdatedAt, "Users.Create: updated")
	assertInstant(t, verified, *u.EmailVerified, "Users.Create: email_verified")
	assert.Equal(t, wall(now), column("users", "created", u.ID))
	assert.Equal(t, wall(now), column("users", "updated", u.ID))
	assert.Equal(t, wall(verified), column("users", "email_verified", u.ID))

	s, err := repo.Sessions.Create(ctx, u.ID)
	require.NoError(t, err)
	expires := now.Add(repository.DefaultMaxAge)
	assertInstant(t, expires, s.Expires, "Sessions.Create: expires")
	assert.Equal(t, wall(expires), column("sessions", "expires", s.ID))
	assert.Equal(t, wall(now), column("sessions", "created", s.ID))
	got, err := repo.Sessions.WithUser(ctx, s.SessionToken)
	require.NoError(t, err)
	assertInstant(t, expires, got.Expires, "Sessions.WithUser: expires")
	assertInstant(t, now, *got.CreatedAt, "Sessions.WithUser: created")
	assertInstant(t, now, *got.User.CreatedAt, "Sessions.WithUser: user created")
	assertInstant(t, verified, *got.User.EmailVerified, "Sessions.WithUser: email_verified")

	st := repository.SignInToken{Identifier: "tz-link@example.com", Token: "tz-token"}
	v, err := repo.Verifications.Create(ctx, st, 0)
	require.NoError(t, err)
	vExpires := now.Add(repository.DefaultVerificationMaxAge)
	assertInstant(t, vExpires, v.Expires, "Verifications.Create: expires")
	assert.Equal(t, wall(vExpires), columnText(t, db, "verification_requests", "expires", "token", v.Token))
	assert.Equal(t, wall(now), columnText(t, db, "verification_requests", "created", "token", v.Token))
	assert.Equal(t, wall(now), columnText(t, db, "verification_requests", "updated", "token", v.Token))
	found, err := repo.Verifications.Find(ctx, st)
	require.NoError(t, err)
	assertInstant(t, vExpires, found.Expires, "Verifications.Find: expires")

	tokenExpires := time.Date(2026, 11, 1, 1, 30, 0, 0, newYork) // New York's repeated hour: 05:30 UTC
	a := &repository.Account{UserID: u.ID, Provider: "github", ProviderAccountID: "tz", AccessToken: ptr("gho_tz"), ExpiresAt: ptr(tokenExpires.Unix())}
	require.NoError(t, repo.Accounts.Link(ctx, a))
	assert.Equal(t, tokenExpires.Unix(), *a.ExpiresAt, "Accounts.Link: access_token_expires")
	assert.Equal(t, wall(tokenExpires), column("accounts", "access_token_expires", a.ID))
	assert.Equal(t, wall(now), column("accounts", "created", a.ID))
	key := repository.AccountKey{Provider: "github", ProviderAccountID: "tz"}
	acc, err := repo.Accounts.ByKey(ctx, key)
	require.NoError(t, err)
	assert.Equal(t, tokenExpires.Unix(), *acc.ExpiresAt, "Accounts.ByKey: access_token_expires")
	assertInstant(t, now, *acc.CreatedAt, "Accounts.ByKey: created")
	later := time.Date(2027, 7, 1, 9, 0, 0, 0, tokyo) // 2027-07-01 00:00 UTC
	acc, err = repo.Accounts.UpdateTokens(ctx, key, repository.Tokens{AccessToken: "gho_tz2", ExpiresAt: ptr(later.Unix())})
	require.NoError(t, err)
	assert.Equal(t, later.Unix(), *acc.ExpiresAt, "Accounts.UpdateTokens: access_token_expires")
	assert.Equal(t, wall(later), column("accounts", "access_token_expires", a.ID))

	// Sign-in by email sets email_verified to now.
	c.Advance(time.Hour)
	now = now.Add(time.Hour)
	res, err := repo.SignInEmail(ctx, repository.EmailSignIn{SignInToken: st})
	require.NoError(t, err)
	assertInstant(t, now, *res.User.EmailVerified, "SignInEmail: email_verified")
	assertInstant(t, now, *res.User.CreatedAt, "SignInEmail: created")
	assertInstant(t, now.Add(repository.DefaultMaxAge), res.Session.Expires, "SignInEmail: session expires")
	assert.Equal(t, wall(now), column("users", "email_verified", res.User.ID))

	oauth, err := repo.SignInOAuth(ctx, repository.OAuthSignIn{
		Account: repository.Account{Provider: "google", ProviderAccountID: "tz", ExpiresAt: ptr(later.Unix())}})
	require.NoError(t, err)
	assertInstant(t, now, *oauth.User.CreatedAt, "SignInOAuth: created")
	assertInstant(t, now, *oauth.User.UpdatedAt, "SignInOAuth: updated")
	assertInstant(t, now.Add(repository.DefaultMaxAge), oauth.Session.Expires, "SignInOAuth: session expires")
	assert.Equal(t, wall(now), column("users", "created", oauth.User.ID))
	assert.Equal(t, wall(later), column("accounts", "access_token_expires", oauth.Account.ID))

	// The sliding expiry writes the wall clock of loc too.
	c.Advance(repository.DefaultUpdateAge + time.Second)
	now = now.Add(repository.DefaultUpdateAge + time.Second)
	require.True(t, repo.Sessions.Due(s))
	wrote, err := repo.Sessions.Refresh(ctx, s)
	require.NoError(t, err)
	require.True(t, wrote)
	expires = now.Add(repository.DefaultMaxAge)
	assertInstant(t, expires, s.Expires, "Sessions.Refresh: expires")
	assert.Equal(t, wall(expires), column("sessions", "expires", s.ID))
	assert.Equal(t, wall(now), column("sessions", "updated", s.ID))
	require.False(t, repo.Sessions.Due(s))

	// A row as NextAuth.js writes it (the wall clock of its zone) reads as
	// the instant that wall clock shows in loc.
	require.NoError(t, db.Exec(`INSERT INTO sessions (user_id, expires, session_token, access_token, created, updated)
		VALUES (?, '2126-11-02 18:28:08.983', 'nextauth-written', 'nextauth-access', '2026-11-26 18:28:08.986957', '2026-11-26 18:28:08.986957')`,
		u.ID).Error)
	na, err := repo.Sessions.WithUser(ctx, "nextauth-written")
	require.NoError(t, err)
	assertInstant(t, time.Date(2126, 11, 2, 18, 28, 8, 983000000, loc), na.Expires, "NextAuth.js row: expires")
	assertInstant(t, time.Date(2026, 11, 26, 18, 28, 8, 986957000, loc), *na.CreatedAt, "NextAuth.js row: created")

	// Wall clocks that a zone skips or shows twice: the hour New York skips
	// (a driver that turned the stored value into a time in the DSN's zone
	// would move it), the hour Auckland skips and the hour it shows twice,
	// read as JavaScript reads them.
	require.NoError(t, db.Exec(`UPDATE accounts SET access_token_expires = '2026-03-08 02:30:00',
		created = '2026-09-27 02:30:00', updated = '2027-04-04 02:30:00' WHERE id::text = ?`, a.ID).Error)
	acc, err = repo.Accounts.ByKey(ctx, key)
	require.NoError(t, err)
	want := [3]time.Time{ // UTC: the wall clocks as they are
		time.Date(2026, 3, 8, 2, 30, 0, 0, time.UTC), time.Date(2026, 9, 27, 2, 30, 0, 0, time.UTC),
		time.Date(2027, 4, 4, 2, 30, 0, 0, time.UTC)}
	if loc.String() == "Pacific/Auckland" {
		want = [3]time.Time{
			time.Date(2026, 3, 7, 13, 30, 0, 0, time.UTC),  // NZDT, +13
			time.Date(2026, 9, 26, 14, 30, 0, 0, time.UTC), // skipped: NZST (+12), the offset before
			time.Date(2027, 4, 3, 13, 30, 0, 0, time.UTC),  // shown twice: the first, NZDT (+13)
		}
	}
	assert.Equal(t, want[0].Unix(), *acc.ExpiresAt, "a wall clock New York skips")
	assertInstant(t, want[1], *acc.CreatedAt, "a wall clock Auckland skips")
	assertInstant(t, want[2], *acc.UpdatedAt, "a wall clock Auckland shows twice")

	// The driver really labels values with scanZone: read naively, these
	// values would be hours off, or an hour off in the hour it skips.
	var raw time.Time
	require.NoError(t, db.Raw("SELECT expires FROM sessions WHERE id::text = ?", s.ID).Row().Scan(&raw))
	assert.Equal(t, scanZone, raw.Location().String())

	t.Run("ExpiryBoundary", func(t *testing.T) {
		c.Advance(s.Expires.Sub(c.Now())) // now == expires: still valid
		_, err := repo.Sessions.ByToken(ctx, s.SessionToken)
		require.NoError(t, err)
		_, err = repo.Sessions.WithUser(ctx, s.SessionToken)
		require.NoError(t, err)
		_, err = repo.Sessions.ByAccessToken(ctx, *s.AccessToken)
		require.NoError(t, err)
		_, err = repo.Sessions.DeleteExpired(ctx, 0)
		require.NoError(t, err)
		_, err = repo.Sessions.ByToken(ctx, s.SessionToken)
		require.NoError(t, err, "DeleteExpired keeps a session at its last valid instant")

		c.Advance(time.Microsecond)
		_, err = repo.Sessions.ByToken(ctx, s.SessionToken)
		assert.ErrorIs(t, err, repository.ErrNotFound)
		_, err = repo.Sessions.WithUser(ctx, s.SessionToken)
		assert.ErrorIs(t, err, repository.ErrNotFound)
		n, err := repo.Sessions.DeleteExpired(ctx, 0)
		require.NoError(t, err)
		assert.EqualValues(t, 1, n, "the session expired a microsecond ago (SignInEmail's session expired earlier, the NextAuth.js row lives on)")
		var left int64
		require.NoError(t, db.Raw("SELECT count(*) FROM sessions WHERE id::text = ?", s.ID).Row().Scan(&left))
		assert.Zero(t, left)
	})
	t.Run("SignInTokenBoundary", func(t *testing.T) {
		at := c.Now()
		st := repository.SignInToken{Identifier: "edge@example.com", Token: "edge"}
		_, err := repo.Verifications.Create(ctx, st, time.Hour)
		require.NoError(t, err)
		c.Advance(time.Hour) // now == expires
		_, err = repo.Verifications.Find(ctx, st)
		require.NoError(t, err)
		c.Advance(time.Microsecond)
		_, err = repo.Verifications.Find(ctx, st)
		assert.ErrorIs(t, err, repository.ErrNotFound)
		_, err = repo.Verifications.Use(ctx, st)
		assert.ErrorIs(t, err, repository.ErrNotFound)
		assert.True(t, c.Now().After(at.Add(time.Hour)))
	})
}

// The clean-up never deletes a beta.73 session in a zone that reads still
// find valid: a row holding a wall clock the zone skips (Auckland's
// 2026-09-27 02:30, read as 02:30 NZST = 14:30Z) has not expired at 03:10
// NZDT (14:10Z), although 02:30 is before the wall clock of now. A cutoff of
// the wall clock of now deleted it.
func TestDeleteExpiredSkippedWallClock(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	auckland, err := time.LoadLocation("Pacific/Auckland")
	require.NoError(t, err)
	clock := testdb.NewClock(time.Date(2026, 9, 26, 14, 10, 0, 0, time.UTC)) // 03:10 NZDT
	e := newEnv(t, gormauth.Beta73, repository.Options{Location: auckland, Now: clock.Now})
	u := e.mustUser(t, "alice@example.com")
	s := e.mustSession(t, u)
	expired := e.mustSession(t, u)
	e.exec(t, `UPDATE sessions SET expires = '2026-09-27 02:30:00' WHERE "sessionToken" = ?`, s.SessionToken)
	e.exec(t, `UPDATE sessions SET expires = '2026-09-27 01:59:00' WHERE "sessionToken" = ?`, expired.SessionToken)

	got, err := e.repo.Sessions.ByToken(ctx, s.SessionToken)
	require.NoError(t, err, "valid until 14:30Z")
	assert.Equal(t, time.Date(2026, 9, 26, 14, 30, 0, 0, time.UTC), got.Expires)
	n, err := e.repo.Sessions.DeleteExpired(ctx, 0)
	require.NoError(t, err)
	assert.Equal(t, int64(1), n, "only the session that expired at 01:59 NZST")
	_, err = e.repo.Sessions.ByToken(ctx, s.SessionToken)
	assert.NoError(t, err, "the valid session is still there")
}
