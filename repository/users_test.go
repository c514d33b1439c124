package repository_test

import (
	"context"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/repository"
)

var (
	cuidRE = regexp.MustCompile(`^c[0-9a-z]{24}$`)
	uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
)

// checkID asserts that id is of kind k.
func checkID(t *testing.T, k gormauth.IDKind, id string) {
	t.Helper()
	switch k {
	case gormauth.CUID:
		assert.Regexp(t, cuidRE, id)
	case gormauth.UUID:
		assert.Regexp(t, uuidRE, id)
	case gormauth.Serial:
		n, err := strconv.Atoi(id)
		assert.NoError(t, err)
		assert.Positive(t, n)
	case gormauth.NoID:
		assert.Empty(t, id)
	}
}

func TestUsersCreate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachFlavour(t, func(t *testing.T, e *env) {
		verified := start.Add(-time.Hour + 123456789*time.Nanosecond).In(time.FixedZone("X", 3600))
		u := &repository.User{Name: ptr("Alice"), Email: ptr("Alice@Example.com"), EmailVerified: &verified, Image: ptr("https://img/a.png")}
		require.NoError(t, e.repo.Users.Create(ctx, u))
		ids, _, _ := e.f.IDs()
		checkID(t, ids, u.ID)
		assert.Equal(t, "Alice@Example.com", *u.Email, "stored exactly as given")
		assert.Equal(t, verified.UTC().Truncate(e.f.Precision()), *u.EmailVerified, "at the flavour's precision, in UTC")
		if e.f.ClockColumns() {
			require.NotNil(t, u.CreatedAt)
			assert.Equal(t, start, *u.CreatedAt)
			assert.Equal(t, start, *u.UpdatedAt)
		} else {
			assert.Nil(t, u.CreatedAt)
		}

		got, err := e.repo.Users.ByID(ctx, u.ID)
		require.NoError(t, err)
		assert.Equal(t, u, got, "what Create returned is what reads back")

		// The second user of the same address.
		dup := &repository.User{Email: ptr("Alice@Example.com")}
		err = e.repo.Users.Create(ctx, dup)
		if e.f == gormauth.Pg {
			assert.NoError(t, err, "the pg adapter's users.email is not unique")
		} else {
			assert.ErrorIs(t, err, repository.ErrAlreadyExists)
			assert.ErrorContains(t, err, "Users.Create")
			assert.Empty(t, dup.ID, "a failed create leaves the argument alone")
		}

		// Users without an email.
		a, b := &repository.User{Name: ptr("No mail")}, &repository.User{Name: ptr("No mail either")}
		err = e.repo.Users.Create(ctx, a)
		if e.f.EmailRequired() {
			assert.ErrorIs(t, err, repository.ErrInvalidInput)
		} else {
			assert.NoError(t, err)
			require.NoError(t, e.repo.Users.Create(ctx, b), "many users may have no email")
			assert.NotEqual(t, a.ID, b.ID)
		}

		assert.ErrorIs(t, e.repo.Users.Create(ctx, &repository.User{ID: "x", Email: ptr("b@example.com")}), repository.ErrInvalidInput, "ids are made by the flavour")
	})
}

func TestUsersLookups(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachFlavour(t, func(t *testing.T, e *env) {
		u := e.mustUser(t, "alice@example.com")
		e.mustAccount(t, u, "42")

		byEmail, err := e.repo.Users.ByEmail(ctx, "alice@example.com")
		require.NoError(t, err)
		assert.Equal(t, u.ID, byEmail.ID)
		_, err = e.repo.Users.ByEmail(ctx, "Alice@Example.com")
		assert.ErrorIs(t, err, repository.ErrNotFound, "the match is exact, as in every Auth.js adapter")

		e.tracer.Reset()
		byAccount, err := e.repo.Users.ByAccount(ctx, repository.AccountKey{Provider: "github", ProviderAccountID: "42"})
		require.NoError(t, err)
		assert.Equal(t, u, byAccount)
		assert.Len(t, e.tracer.Statements(), 1, "one query")
		_, err = e.repo.Users.ByAccount(ctx, repository.AccountKey{Provider: "github", ProviderAccountID: "43"})
		assert.ErrorIs(t, err, repository.ErrNotFound)

		ids, _, _ := e.f.IDs()
		unknown := map[gormauth.IDKind]string{gormauth.CUID: "cnotauser000000000000000", gormauth.UUID: "00000000-0000-4000-8000-000000000000", gormauth.Serial: "999999"}[ids]
		_, err = e.repo.Users.ByID(ctx, unknown)
		assert.ErrorIs(t, err, repository.ErrNotFound)
	})
}

func TestUsersUpdate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachFlavour(t, func(t *testing.T, e *env) {
		u := e.mustUser(t, "alice@example.com")
		other := e.mustUser(t, "bob@example.com")
		e.clock.Advance(time.Minute)
		verified := e.clock.Now()
		u.Name, u.EmailVerified, u.Image = ptr("Alice B."), &verified, nil
		require.NoError(t, e.repo.Users.Update(ctx, u))
		got, err := e.repo.Users.ByID(ctx, u.ID)
		require.NoError(t, err)
		assert.Equal(t, u, got)
		if e.f.ClockColumns() {
			assert.Equal(t, start, *got.CreatedAt)
			assert.Equal(t, verified, *got.UpdatedAt, "updatedAt follows every update, as Prisma's @updatedAt")
		}

		u.Email = other.Email
		err = e.repo.Users.Update(ctx, u)
		if e.f == gormauth.Pg {
			assert.NoError(t, err)
		} else {
			assert.ErrorIs(t, err, repository.ErrAlreadyExists)
		}
		before := e.snapshot(t)
		assert.ErrorIs(t, e.repo.Users.Update(ctx, &repository.User{Email: ptr("x@example.com")}), repository.ErrInvalidInput, "no id")
		assert.ErrorIs(t, e.repo.Users.Update(ctx, nil), repository.ErrInvalidInput)
		assert.Equal(t, before, e.snapshot(t))
		gone := *u
		require.NoError(t, e.repo.Users.Delete(ctx, u.ID))
		assert.ErrorIs(t, e.repo.Users.Update(ctx, &gone), repository.ErrNotFound)
	})
}

func TestUsersDelete(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachFlavour(t, func(t *testing.T, e *env) {
		u := e.mustUser(t, "alice@example.com")
		e.mustAccount(t, u, "1")
		e.mustAccount(t, u, "2")
		e.mustSession(t, u)
		keep := e.mustUser(t, "bob@example.com")
		e.mustAccount(t, keep, "3")
		e.mustSession(t, keep)

		e.tracer.Reset()
		require.NoError(t, e.repo.Users.Delete(ctx, u.ID))
		if stmts := e.tracer.Statements(); assert.GreaterOrEqual(t, len(stmts), 3, "%q", stmts) {
			assert.Equal(t, "begin", stmts[0], "one transaction")
			assert.Contains(t, stmts[1], "FOR UPDATE", "the user's row is locked before anything is deleted")
			assert.Equal(t, "commit", stmts[len(stmts)-1])
		}
		assert.Equal(t, int64(1), e.count(t, e.users, ""))
		assert.Equal(t, int64(1), e.count(t, e.accounts, ""), "the user's accounts go too, with or without foreign keys")
		assert.Equal(t, int64(1), e.count(t, e.sessions, ""))
		assert.ErrorIs(t, e.repo.Users.Delete(ctx, u.ID), repository.ErrNotFound)

		// Where no foreign key cascades, the rows of a user deleted outside
		// the repository stay, and Delete of that id leaves them alone.
		if !e.f.Cascades() {
			e.exec(t, `DELETE FROM `+e.users+` WHERE "id"::text = ?`, keep.ID)
			before := e.snapshot(t)
			assert.ErrorIs(t, e.repo.Users.Delete(ctx, keep.ID), repository.ErrNotFound)
			assert.Equal(t, before, e.snapshot(t))
		}
	})
}
