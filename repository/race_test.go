package repository_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/internal/harness/testdb"
	"github.com/gormauth/gormauth/repository"
)

// A session or account inserted while its user is being deleted waits for
// the delete and then inserts nothing: no row points at a deleted user, on
// any flavour, with foreign keys or without.
func TestInsertWaitsForUserDelete(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	inserts := map[string]func(r *repository.Repository, id string) error{
		"Sessions.Create": func(r *repository.Repository, id string) error {
			_, err := r.Sessions.Create(ctx, id)
			return err
		},
		"Accounts.Link": func(r *repository.Repository, id string) error {
			return r.Accounts.Link(ctx, &repository.Account{UserID: id, Provider: "github", ProviderAccountID: "42"})
		},
		"SignInOAuth returning user": func(r *repository.Repository, _ string) error {
			_, err := r.SignInOAuth(ctx, repository.OAuthSignIn{Account: repository.Account{Provider: "google", ProviderAccountID: "7"}})
			return err
		},
	}
	for name, insert := range inserts {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			eachFlavour(t, func(t *testing.T, e *env) {
				u := e.mustUser(t, "a@example.com")
				require.NoError(t, e.repo.Accounts.Link(ctx, &repository.Account{UserID: u.ID, Provider: "google", ProviderAccountID: "7"}))

				tx := e.db.Begin()
				require.NoError(t, e.repo.WithTx(tx).Users.Delete(ctx, u.ID))
				done := make(chan error, 1)
				go func() { done <- insert(e.repo, u.ID) }()
				waited, early := testdb.WaitForLockWait(t, e.db, done)
				require.NoError(t, tx.Commit().Error)
				if !waited {
					t.Errorf("the insert did not wait for the delete (returned %v)", early)
				} else {
					<-done
				}
				orphans := e.count(t, e.sessions, `NOT EXISTS (SELECT 1 FROM `+e.users+` u WHERE u."id" = "userId")`) +
					e.count(t, e.accounts, `NOT EXISTS (SELECT 1 FROM `+e.users+` u WHERE u."id" = "userId")`)
				assert.Zero(t, orphans, "no session or account points at the deleted user")
			})
		})
	}
}

// A user deleted while a session is being inserted for them waits for the
// insert and deletes the session too.
func TestUserDeleteWaitsForInsert(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachFlavour(t, func(t *testing.T, e *env) {
		u := e.mustUser(t, "a@example.com")
		tx := e.db.Begin()
		_, err := e.repo.WithTx(tx).Sessions.Create(ctx, u.ID)
		require.NoError(t, err)
		done := make(chan error, 1)
		go func() { done <- e.repo.Users.Delete(ctx, u.ID) }()
		waited, early := testdb.WaitForLockWait(t, e.db, done)
		require.NoError(t, tx.Commit().Error)
		if waited {
			require.NoError(t, <-done)
		} else {
			require.NoError(t, early)
		}
		assert.Zero(t, e.count(t, e.users, "")+e.count(t, e.sessions, ""))
	})
}

// Concurrent creations of users with one email: one wins where emails are
// unique; the pg adapter's schema has no such key, and Auth.js makes as
// many users there.
func TestUsersCreateConcurrentSameEmail(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachFlavour(t, func(t *testing.T, e *env) {
		const n = 8
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() { errs[i] = e.repo.Users.Create(ctx, &repository.User{Email: ptr("same@example.com")}) })
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
			} else {
				assert.ErrorIs(t, err, repository.ErrAlreadyExists)
			}
		}
		want := 1
		if e.f == gormauth.Pg {
			want = n
		}
		assert.Equal(t, want, ok)
		assert.EqualValues(t, want, e.count(t, e.users, ""))
	})
}

// New and WithTx ignore conditions already on the *gorm.DB they are given.
func TestNewIgnoresScopedDB(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachFlavour(t, func(t *testing.T, e *env) {
		u := e.mustUser(t, "alice@example.com")
		for name, db := range map[string]*gorm.DB{
			"Where": e.db.Where("1 = 0"),
			"Table": e.db.Table("nope"),
		} {
			for _, repo := range []*repository.Repository{repository.New(db, e.f, repository.Options{}), e.repo.WithTx(db)} {
				got, err := repo.Users.ByID(ctx, u.ID)
				if assert.NoError(t, err, name) {
					assert.Equal(t, u.ID, got.ID)
				}
			}
		}
	})
}
