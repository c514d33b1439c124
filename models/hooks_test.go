package models_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/internal/harness/testdb"
	"github.com/gormauth/gormauth/models"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// Plain GORM creates of the models store and return UTC timestamps even when
// the session's TimeZone and the driver's scan location are not UTC.
func TestCreateStampsUTC(t *testing.T) {
	t.Parallel()
	dsn := testdb.New(t)
	require.NoError(t, gormauth.AutoMigrate(context.Background(), testdb.OpenURL(t, dsn), gormauth.Beta73))
	// TimeZone in the DSN sets the session zone and makes the driver label
	// timestamps it reads with that zone.
	db := testdb.OpenURL(t, dsn+"&TimeZone=Asia/Tokyo")

	before := time.Now().UTC().Add(-time.Second)
	u := &models.User{}
	require.NoError(t, db.Create(u).Error)
	s := &models.Session{UserID: u.ID, Expires: time.Now().Add(time.Hour), SessionToken: "st", AccessToken: "at"}
	require.NoError(t, db.Create(s).Error)
	a := &models.Account{UserID: u.ID, CompoundID: "c", ProviderType: "oauth", ProviderID: "p", ProviderAccountID: "x"}
	require.NoError(t, db.Create(a).Error)
	v := &models.VerificationRequest{Identifier: "a@b", Token: "t", Expires: time.Now().Add(time.Hour)}
	require.NoError(t, db.Create(v).Error)
	after := time.Now().UTC().Add(time.Second)

	for table, created := range map[string]time.Time{"users": u.Created, "sessions": s.Created, "accounts": a.Created, "verification_requests": v.Created} {
		assert.Equal(t, time.UTC, created.Location(), table)
		assert.True(t, created.After(before) && created.Before(after), "%s: %s is now in UTC", table, created)
		var raw time.Time
		require.NoError(t, db.Raw("SELECT created FROM "+table).Row().Scan(&raw))
		assert.True(t, models.UTCWall(raw).Equal(created), "%s: stored %s, returned %s", table, raw, created)
	}
	assert.Equal(t, u.Created, u.Updated)

	var got models.User
	require.NoError(t, db.First(&got, u.ID).Error)
	assert.Equal(t, time.UTC, got.Created.Location())
	assert.True(t, got.Created.Equal(u.Created))
}
