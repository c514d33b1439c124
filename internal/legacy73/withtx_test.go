package repository_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth/internal/legacy73"
)

// TestWithTxNil: a Repository bound to a nil transaction answers every
// operation with ErrInvalidInput and sends nothing (it panicked on first
// use).
func TestWithTxNil(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	u := e.mustUser(t, "nil-tx@example.com")
	e.tracer.Reset()
	r := e.repo.WithTx(nil)
	calls := map[string]func() error{
		"Users.ByID":             func() error { _, err := r.Users.ByID(ctx, u.ID); return err },
		"Users.Delete":           func() error { return r.Users.Delete(ctx, u.ID) },
		"Sessions.Create":        func() error { _, err := r.Sessions.Create(ctx, u.ID); return err },
		"Sessions.DeleteExpired": func() error { _, err := r.Sessions.DeleteExpired(ctx, 0); return err },
		"SignInOAuth": func() error {
			_, err := r.SignInOAuth(ctx, repository.OAuthSignIn{Account: repository.AccountKey{ProviderID: "github", ProviderAccountID: "nil-tx"}})
			return err
		},
		"Transaction": func() error {
			return r.Transaction(ctx, func(*repository.Repository) error { return nil })
		},
	}
	for name, call := range calls {
		require.ErrorIs(t, call(), repository.ErrInvalidInput, name)
	}
	require.Empty(t, e.tracer.Statements())
	var n int64
	require.NoError(t, e.db.Raw(`SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM accounts) + (SELECT count(*) FROM sessions)`).Scan(&n).Error)
	require.EqualValues(t, 1, n)
}
