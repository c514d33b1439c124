package repository_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/internal/harness/authjsnode"
	"github.com/gormauth/gormauth/repository"
)

// TestUpdateKeepsOverLimitValues: a user the JavaScript side stored with
// values over Go's limits (a 2 MiB data: image; where the columns are text,
// a name over MaxNameLen and an email over MaxEmailLen) can be read,
// updated and written back from Go, each Update in one statement; a new
// value over a limit is still ErrInvalidInput and writes nothing.
func TestUpdateKeepsOverLimitValues(t *testing.T) {
	eachFlavour(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		u := e.mustUser(t, "over@example.com")
		image := "data:image/jpeg;base64," + strings.Repeat("QUJD", 1<<19) // 2 MiB
		require.Greater(t, len(image), repository.MaxImageLen)
		name, email := *u.Name, *u.Email
		if e.f != gormauth.Pg { // pg's name and email are character varying(255)
			name = strings.Repeat("N", repository.MaxNameLen+1)
			email = randomHex(t, 1040) + "@example.com" // 2 092 bytes: over the limit, within a key
			require.Greater(t, len(email), repository.MaxEmailLen)
		}
		require.NoError(t, e.db.Exec(`UPDATE `+e.users+` SET "name" = ?, "email" = ?, "image" = ? WHERE "id"::text = ?`,
			name, email, image, u.ID).Error)

		got, err := e.repo.Users.ByID(ctx, u.ID)
		require.NoError(t, err)
		require.Equal(t, image, *got.Image)

		// Everything written back as it was read, a new EmailVerified.
		got.EmailVerified = ptr(start.Add(time.Hour))
		e.tracer.Reset()
		require.NoError(t, e.repo.Users.Update(ctx, got), "the values read back")
		assert.Len(t, e.tracer.Statements(), 1, "one statement")
		assert.Equal(t, name, *e.column(t, e.users, `"name"`, `"id"::text = ?`, u.ID))

		// A new name; the image and email over their limits are kept.
		got.Name = ptr("Ada Lovelace")
		require.NoError(t, e.repo.Users.Update(ctx, got), "a new name")
		again, err := e.repo.Users.ByID(ctx, u.ID)
		require.NoError(t, err)
		assert.Equal(t, "Ada Lovelace", *again.Name)
		assert.Equal(t, image, *again.Image, "image unchanged")
		assert.Equal(t, email, *again.Email, "email unchanged")
		assert.Equal(t, start.Add(time.Hour), *again.EmailVerified)

		// A new value over a limit, beside or instead of the kept ones.
		other := image[:len(image)-1] + "A"
		for _, c := range []struct {
			what string
			edit func(u *repository.User)
		}{
			{"another image over the limit", func(u *repository.User) { u.Image = &other }},
			{"another name over the limit", func(u *repository.User) { u.Name = ptr(strings.Repeat("M", repository.MaxNameLen+1)) }},
			{"a longer image", func(u *repository.User) { u.Image = ptr(image + "B") }},
			{"a missing user", func(u *repository.User) { u.ID = missingID(e.f) }},
		} {
			before := e.rowHash(t, u.ID)
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
			assert.Equal(t, before, e.rowHash(t, u.ID), "%s: nothing written", c.what)
			assert.LessOrEqual(t, sent, 1, c.what)
		}

		// Within the limits, the common path: one statement, as before.
		again.Image = ptr("https://example.com/a.png")
		if e.f != gormauth.Pg {
			again.Email = ptr("ada@example.com")
		}
		e.tracer.Reset()
		require.NoError(t, e.repo.Users.Update(ctx, again))
		assert.Len(t, e.tracer.Statements(), 1, "one statement")
		assert.Equal(t, "https://example.com/a.png", *e.column(t, e.users, `"image"`, `"id"::text = ?`, u.ID))
	})
}

// The same with a user the real Auth.js adapter wrote with an image over
// MaxImageLen (and, where the columns are text, a name over MaxNameLen):
// Go updates its email, and Auth.js reads back its name and image as it
// wrote them and the new email; a new image over the limit is refused.
func TestUpdateKeepsOverLimitValuesAuthJS(t *testing.T) {
	t.Parallel()
	installNode(t)
	ctx := context.Background()
	image := "data:image/jpeg;base64," + strings.Repeat("QUJD", repository.MaxImageLen/4+1)
	for _, f := range gormauth.AuthJSFlavours() {
		t.Run(f.Name(), func(t *testing.T) {
			t.Parallel()
			s := newSide(t, f, false)
			name := "Ada Entra"
			if f.MaxLen() == 0 {
				name = strings.Repeat("N", repository.MaxNameLen+1)
			}
			user := obj{"name": name, "email": "ada@contoso.com", "image": image}
			if !f.V4() {
				user["id"] = "2b5f5d7e-4f3c-4c55-9a7e-9d1b2c3d4e5f"
			}
			out := s.node(t, authjsnode.OpsInput{Ops: []authjsnode.Op{{"op": "createUser", "user": user}}})
			require.Empty(t, out.Results[0].Error)
			id := jsID(result(t, out, 0)["id"])

			u, err := s.repo.Users.ByID(ctx, id)
			require.NoError(t, err)
			u.Email = ptr("ada@example.com")
			require.NoError(t, s.repo.Users.Update(ctx, u), "a row Auth.js wrote over the limits stays updatable")
			u.Image = ptr(image + "B")
			assert.ErrorIs(t, s.repo.Users.Update(ctx, u), repository.ErrInvalidInput, "a new image over the limit")

			nodeID := any(id)
			if f.SerialIDs() {
				n, err := strconv.Atoi(id)
				require.NoError(t, err)
				nodeID = n
			}
			out = s.node(t, authjsnode.OpsInput{Ops: []authjsnode.Op{{"op": "getUser", "id": nodeID}}})
			require.Empty(t, out.Results[0].Error)
			got := result(t, out, 0)
			assert.Equal(t, "ada@example.com", got["email"])
			assert.Equal(t, name, got["name"])
			assert.Equal(t, image, got["image"])
		})
	}
}

// rowHash returns the md5 of the user's row as text, to show that nothing
// was written.
func (e *env) rowHash(tb testing.TB, id string) string {
	tb.Helper()
	return *e.column(tb, e.users+" t", `md5(t::text)`, `t."id"::text = ?`, id)
}

// missingID is a user id no row has, of the flavour's kind.
func missingID(f *gormauth.Flavour) string {
	if f.SerialIDs() {
		return "999999"
	}
	return "no-such-user"
}

// randomHex returns n random bytes in hex (which does not compress much).
func randomHex(tb testing.TB, n int) string {
	tb.Helper()
	b := make([]byte, n)
	_, err := rand.Read(b)
	require.NoError(tb, err)
	return hex.EncodeToString(b)
}
