package repository_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/internal/harness/testdb"
	"github.com/gormauth/gormauth/repository"
)

// Every timestamp is stored in UTC, as Auth.js stores it, whatever the Go
// process's zone (Tokyo here) and the Postgres session's TimeZone (New York,
// given in the DSN, which also makes the gorm driver label what it scans
// with that zone); and read back as the same instant. The clock starts at
// 01:30 in New York on the morning its clocks go forward, with nanoseconds
// each flavour truncates to its precision.
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
