package repository_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth/internal/legacy73"
	"github.com/gormauth/gormauth/models"
)

// TestUpdateKeepsOverLimitValues: a user NextAuth.js stored with values
// over Go's limits (a 2 MiB data: image, a name over MaxNameLen, an email
// over MaxEmailLen) can be read, updated and written back from Go, each
// Update in one statement; a new value over a limit is still
// ErrInvalidInput and writes nothing.
func TestUpdateKeepsOverLimitValues(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	u := e.mustUser(t, "over@example.com")
	image := "data:image/jpeg;base64," + strings.Repeat("QUJD", 1<<19) // 2 MiB
	require.Greater(t, len(image), repository.MaxImageLen)
	name := strings.Repeat("N", repository.MaxNameLen+1)
	b := make([]byte, 1040)
	_, err := rand.Read(b)
	require.NoError(t, err)
	email := hex.EncodeToString(b) + "@example.com" // 2 092 bytes: over the limit, within a key
	require.Greater(t, len(email), repository.MaxEmailLen)
	require.NoError(t, e.db.Exec(`UPDATE users SET name = ?, email = ?, image = ? WHERE id = ?`, name, email, image, u.ID).Error)

	got, err := e.repo.Users.ByID(ctx, u.ID)
	require.NoError(t, err)
	require.Equal(t, image, *got.Image)

	// Everything written back as it was read, a new EmailVerified.
	got.EmailVerified = ptr(start.Add(time.Hour))
	e.tracer.Reset()
	require.NoError(t, e.repo.Users.Update(ctx, got), "the values read back")
	assert.Len(t, e.tracer.Statements(), 1, "one statement")

	// A new name; the image and email over their limits are kept.
	got.Name = ptr("Ada Lovelace")
	require.NoError(t, e.repo.Users.Update(ctx, got), "a new name")
	again, err := e.repo.Users.ByID(ctx, u.ID)
	require.NoError(t, err)
	assert.Equal(t, "Ada Lovelace", *again.Name)
	assert.Equal(t, image, *again.Image, "image unchanged")
	assert.Equal(t, email, *again.Email, "email unchanged")
	assert.True(t, again.EmailVerified.Equal(start.Add(time.Hour)))

	// A new value over a limit, beside or instead of the kept ones.
	other := image[:len(image)-1] + "A"
	for _, c := range []struct {
		what string
		edit func(u *models.User)
	}{
		{"another image over the limit", func(u *models.User) { u.Image = &other }},
		{"another name over the limit", func(u *models.User) { u.Name = ptr(strings.Repeat("M", repository.MaxNameLen+1)) }},
		{"a longer image", func(u *models.User) { u.Image = ptr(image + "B") }},
		{"a missing user", func(u *models.User) { u.ID = 999999 }},
	} {
		before := e.userHash(t, u.ID)
		v := *again
		c.edit(&v)
		e.tracer.Reset()
		err := e.repo.Users.Update(ctx, &v)
		sent := len(e.tracer.Statements())
		if v.ID != u.ID {
			assert.ErrorIs(t, err, repository.ErrNotFound, c.what)
		} else {
			assert.ErrorIs(t, err, repository.ErrInvalidInput, c.what)
		}
		assert.Equal(t, before, e.userHash(t, u.ID), "%s: nothing written", c.what)
		assert.LessOrEqual(t, sent, 1, c.what)
	}

	// Within the limits, the common path: one statement, as before.
	again.Image, again.Email = ptr("https://example.com/a.png"), ptr("ada@example.com")
	e.tracer.Reset()
	require.NoError(t, e.repo.Users.Update(ctx, again))
	assert.Len(t, e.tracer.Statements(), 1, "one statement")
	var stored string
	require.NoError(t, e.db.Raw(`SELECT image FROM users WHERE id = ?`, u.ID).Scan(&stored).Error)
	assert.Equal(t, "https://example.com/a.png", stored)
}

// userHash returns the md5 of the user's row as text, to show that nothing
// was written.
func (e *env) userHash(tb testing.TB, id int32) string {
	tb.Helper()
	var h string
	require.NoError(tb, e.db.Raw(`SELECT md5(u::text) FROM users u WHERE u.id = ?`, id).Scan(&h).Error)
	return h
}
