package repository_test

import (
	"context"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/stretchr/testify/require"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/repository"
)

// cancelAfterCommit cancels a context once a COMMIT has run.
type cancelAfterCommit struct {
	mu        sync.Mutex
	committed bool
	cancel    context.CancelFunc
}

type commitKey struct{}

func (c *cancelAfterCommit) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	return context.WithValue(ctx, commitKey{}, d.SQL == "commit")
}

func (c *cancelAfterCommit) TraceQueryEnd(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryEndData) {
	if commit, _ := ctx.Value(commitKey{}).(bool); commit {
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.cancel != nil && !c.committed {
			c.committed = true
			c.cancel()
		}
	}
}

// TestLinkFailureNotNotFound: in the flavours without a key on the
// provider account, Link of an account linked already reads the user to
// tell "no user" from "linked already"; when that read fails (here: the
// context is cancelled as the link's transaction commits), Link returns
// that failure, not ErrNotFound for a user who exists (it returned
// ErrNotFound whatever the read's error).
func TestLinkFailureNotNotFound(t *testing.T) {
	for _, f := range gormauth.AuthJSFlavours() {
		if f.AccountKey() {
			continue
		}
		t.Run(f.Name(), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, f)
			u := e.mustUser(t, "linked@example.com")
			e.mustAccount(t, u, "1001")

			cfg, err := pgx.ParseConfig(e.dsn)
			require.NoError(t, err)
			tr := &cancelAfterCommit{}
			cfg.Tracer = tr
			sqlDB := stdlib.OpenDB(*cfg)
			t.Cleanup(func() { sqlDB.Close() })
			db, err := gorm.Open(postgres.New(postgres.Config{Conn: sqlDB}), &gorm.Config{Logger: logger.Discard})
			require.NoError(t, err)
			repo := repository.New(db, f, repository.Options{Now: e.clock.Now})

			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			tr.mu.Lock()
			tr.cancel = cancel
			tr.mu.Unlock()
			err = repo.Accounts.Link(ctx, &repository.Account{UserID: u.ID, Type: "oauth", Provider: "github", ProviderAccountID: "1001"})
			require.ErrorIs(t, err, context.Canceled)
			require.NotErrorIs(t, err, repository.ErrNotFound)
		})
	}
}
