package repository_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/gormauth/gormauth/internal/harness/testdb"
	"github.com/gormauth/gormauth/internal/legacy73"
	"github.com/gormauth/gormauth/models"
)

// A session or account inserted while the user is being deleted waits for
// the delete and then inserts nothing: no row points at a deleted user.
func TestInsertWaitsForUserDelete(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for name, insert := range map[string]func(r *repository.Repository, id int32) error{
		"Sessions.Create": func(r *repository.Repository, id int32) error {
			_, err := r.Sessions.Create(ctx, id)
			return err
		},
		"Accounts.Link": func(r *repository.Repository, id int32) error {
			return r.Accounts.Link(ctx, &models.Account{UserID: id, ProviderType: "oauth", ProviderID: "github", ProviderAccountID: "42"})
		},
		"SignInOAuth returning user": func(r *repository.Repository, id int32) error {
			_, err := r.SignInOAuth(ctx, repository.OAuthSignIn{Account: repository.AccountKey{ProviderID: "google", ProviderAccountID: "7"}})
			return err
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			u := e.mustUser(t, "a@example.com")
			require.NoError(t, e.repo.Accounts.Link(ctx, &models.Account{UserID: u.ID, ProviderType: "oauth", ProviderID: "google", ProviderAccountID: "7"}))

			tx := e.db.Begin()
			require.NoError(t, e.repo.WithTx(tx).Users.Delete(ctx, u.ID))
			done := make(chan error, 1)
			go func() { done <- insert(e.repo, u.ID) }()
			waited, early := testdb.WaitForLockWait(t, e.db, done)
			require.NoError(t, tx.Commit().Error)
			if !waited {
				t.Errorf("the insert did not wait for the delete (returned %v)", early)
			}
			if waited {
				<-done
			}
			var orphans int64
			require.NoError(t, e.db.Raw(`SELECT (SELECT count(*) FROM sessions s WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = s.user_id))
				+ (SELECT count(*) FROM accounts a WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = a.user_id))`).Scan(&orphans).Error)
			assert.Zero(t, orphans, "no session or account points at the deleted user")
		})
	}
}

// A user deleted while a session is being inserted for it waits for the
// insert and then deletes that session too.
func TestUserDeleteWaitsForInsert(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
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
	assert.Equal(t, map[string]int64{"users": 0, "accounts": 0, "sessions": 0, "verification_requests": 0}, e.counts(t))
}

// An account whose user was deleted outside the repository (there are no
// foreign keys) does not lock its provider account out: the next OAuth
// sign-in replaces it.
func TestSignInOAuthReplacesOrphanAccount(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	first, err := e.repo.SignInOAuth(ctx, githubSignIn("orphan", nil))
	require.NoError(t, err)
	require.NoError(t, e.db.Exec("DELETE FROM users WHERE id = ?", first.User.ID).Error)

	res, err := e.repo.SignInOAuth(ctx, githubSignIn("orphan", ptr("orphan@example.com")))
	require.NoError(t, err)
	assert.True(t, res.IsNewUser)
	acc, err := e.repo.Accounts.ByKey(ctx, repository.AccountKey{ProviderID: "github", ProviderAccountID: "orphan"})
	require.NoError(t, err)
	assert.Equal(t, res.User.ID, acc.UserID)
	assert.EqualValues(t, 1, e.count(t, "accounts"))
}

// New and WithTx ignore conditions already on the *gorm.DB they are given.
func TestNewIgnoresScopedDB(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	u := e.mustUser(t, "a@example.com")
	for name, db := range map[string]*gorm.DB{
		"Where": e.db.Where("1 = 0"),
		"Table": e.db.Table("nope"),
	} {
		repo := repository.New(db, repository.Options{})
		got, err := repo.Users.ByID(ctx, u.ID)
		if assert.NoError(t, err, name) {
			assert.Equal(t, u.ID, got.ID)
		}
	}
}
