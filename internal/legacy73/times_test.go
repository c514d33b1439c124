package repository_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth/internal/legacy73"
	"github.com/gormauth/gormauth/internal/wallclock"
	"github.com/gormauth/gormauth/models"
)

// The first and last instants a timestamp column holds, on the UTC wall
// clock: 4713 BC and 294276 AD.
var (
	firstTimestamp = time.Date(-4713, time.November, 24, 0, 0, 0, 0, time.UTC)
	lastTimestamp  = time.Date(294276, time.December, 31, 23, 59, 59, 999999000, time.UTC)
)

// outOfRange are times no timestamp column holds. The last one overflows
// pgx's binary encoding (microseconds since 2000 wrap to 0): sent, it would
// be stored silently as 2000-01-01 00:00:00.
var outOfRange = map[string]time.Time{
	"before 4713 BC":   firstTimestamp.Add(-time.Microsecond),
	"after 294276 AD":  lastTimestamp.Add(time.Microsecond),
	"year 300000":      time.Date(300000, 1, 1, 0, 0, 0, 0, time.UTC),
	"pgx overflow":     time.Unix(946684800+18446744073709, 551616000),
	"far before":       time.Unix(-1<<62, 0),
	"maximum duration": time.Unix(0, 0).Add(1<<63-1).AddDate(300000, 0, 0),
}

// TestOutOfRangeTimes: a time the column cannot hold is refused with
// ErrInvalidInput by every operation that takes one, and nothing is written.
func TestOutOfRangeTimes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	u := e.mustUser(t, "range@example.com")
	e.mustAccount(t, u, "range")
	key := repository.AccountKey{ProviderID: "github", ProviderAccountID: "range"}
	before := e.counts(t)
	for name, bad := range outOfRange {
		t.Run(name, func(t *testing.T) {
			err := e.repo.Users.Create(ctx, &models.User{Email: ptr("new-" + strings.ReplaceAll(name, " ", "-") + "@example.com"), EmailVerified: &bad})
			assert.ErrorIs(t, err, repository.ErrInvalidInput, "Users.Create")
			assert.ErrorContains(t, err, "email verified is outside what a timestamp column holds")
			upd := *u
			upd.EmailVerified = &bad
			assert.ErrorIs(t, e.repo.Users.Update(ctx, &upd), repository.ErrInvalidInput, "Users.Update")
			assert.ErrorIs(t, e.repo.Accounts.Link(ctx, &models.Account{UserID: u.ID, ProviderType: "oauth",
				ProviderID: "github", ProviderAccountID: "new", AccessTokenExpires: &bad}), repository.ErrInvalidInput, "Accounts.Link")
			_, err = e.repo.Accounts.UpdateTokens(ctx, key, repository.Tokens{AccessToken: "x", AccessTokenExpires: &bad})
			assert.ErrorIs(t, err, repository.ErrInvalidInput, "Accounts.UpdateTokens")
			_, err = e.repo.SignInOAuth(ctx, repository.OAuthSignIn{Account: repository.AccountKey{ProviderID: "github", ProviderAccountID: "new"},
				AccessTokenExpires: &bad})
			assert.ErrorIs(t, err, repository.ErrInvalidInput, "SignInOAuth")
		})
	}
	assert.Equal(t, before, e.counts(t), "nothing written")
	got, err := e.repo.Users.ByID(ctx, u.ID)
	require.NoError(t, err)
	assert.Nil(t, got.EmailVerified, "the user is unchanged")
	acc, err := e.repo.Accounts.ByKey(ctx, key)
	require.NoError(t, err)
	assert.Nil(t, acc.AccessToken, "the account is unchanged")
}

// TestTimestampRange: the first instant a column holds and the last a
// JavaScript Date holds are stored and read back exactly; the first is that
// of the wall clock in Options.Location.
func TestTimestampRange(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	for _, at := range []time.Time{firstTimestamp, wallclock.JSMax, {}, time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)} {
		u := &models.User{EmailVerified: &at}
		require.NoError(t, e.repo.Users.Create(ctx, u))
		got, err := e.repo.Users.ByID(ctx, u.ID)
		require.NoError(t, err)
		assert.True(t, at.Equal(*got.EmailVerified), "stored %s, read %s", at, got.EmailVerified)
		assert.Equal(t, at.Format(time.RFC3339Nano), got.EmailVerified.Format(time.RFC3339Nano))
	}

	tokyo, err := time.LoadLocation("Asia/Tokyo")
	require.NoError(t, err)
	inTokyo := repository.New(e.db, repository.Options{Now: e.clock.Now, Location: tokyo})
	first := wallclock.Instant(firstTimestamp, tokyo) // 9:18:59 earlier: Tokyo's local mean time
	err = e.repo.Users.Create(ctx, &models.User{EmailVerified: &first})
	assert.ErrorIs(t, err, repository.ErrInvalidInput, "in UTC the first instant in Tokyo is before the start")
	beforeFirst := first.Add(-time.Microsecond)
	err = inTokyo.Users.Create(ctx, &models.User{EmailVerified: &beforeFirst})
	assert.ErrorIs(t, err, repository.ErrInvalidInput)
	u := &models.User{EmailVerified: &first}
	require.NoError(t, inTokyo.Users.Create(ctx, u))
	got, err := inTokyo.Users.ByID(ctx, u.ID)
	require.NoError(t, err)
	assert.True(t, first.Equal(*got.EmailVerified))

	// Finer than a microsecond is rounded down, and returned as stored.
	fine := time.Date(2026, 5, 6, 7, 8, 9, 123456789, time.UTC)
	u = &models.User{EmailVerified: &fine}
	require.NoError(t, e.repo.Users.Create(ctx, u))
	assert.Equal(t, fine.Truncate(time.Microsecond), *u.EmailVerified)
	assert.Equal(t, fine, time.Date(2026, 5, 6, 7, 8, 9, 123456789, time.UTC), "the caller's time is not modified")
}
