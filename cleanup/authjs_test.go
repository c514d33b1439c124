package cleanup_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/cleanup"
	"github.com/gormauth/gormauth/internal/harness/testdb"
	"github.com/gormauth/gormauth/repository"
)

// Once and Run clean up the tables of every Auth.js flavour: the sessions
// and sign-in tokens that expired by the repository's clock go, in batches;
// those still valid stay.
func TestAuthJSFlavours(t *testing.T) {
	t.Parallel()
	for _, f := range gormauth.AuthJSFlavours() {
		t.Run(f.Name(), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := testdb.Open(t)
			require.NoError(t, gormauth.AutoMigrate(ctx, db, f))
			clock := testdb.NewClock(start)
			repo := repository.New(db, f, repository.Options{Secret: []string{"s3cret"}, Now: clock.Now})
			_, _, sessions, tokens := f.Tables()
			count := func(table string) (n int64) {
				require.NoError(t, db.Table(table).Count(&n).Error)
				return n
			}

			// Three sessions and sign-in tokens made at start, three an
			// hour later.
			mk := func(r *repository.Repository, i int) {
				email := fmt.Sprintf("u%d@example.com", i)
				u := &repository.User{Email: &email}
				require.NoError(t, r.Users.Create(ctx, u))
				_, err := r.Sessions.Create(ctx, u.ID)
				require.NoError(t, err)
				tok, err := repository.NewSignInToken()
				require.NoError(t, err)
				_, err = r.Verifications.Create(ctx, repository.SignInToken{Identifier: email, Token: tok}, 0)
				require.NoError(t, err)
			}
			for i := range 3 {
				mk(repo, i)
			}
			clock.Advance(time.Hour)
			for i := 3; i < 6; i++ {
				mk(repo, i)
			}

			// A day and a half on, the sign-in tokens (24 hours) of both
			// rounds have expired, the sessions (30 days) have not.
			clock.Advance(35 * time.Hour)
			res := cleanup.Once(ctx, repo, 2)
			require.NoError(t, res.Err)
			assert.Equal(t, [2]int64{0, 6}, [2]int64{res.Sessions, res.Verifications})
			assert.Equal(t, [2]int64{6, 0}, [2]int64{count(sessions), count(tokens)})

			// A minute past 30 days after start only the later round's
			// sessions are left.
			clock.Advance(repository.DefaultMaxAge - 36*time.Hour + time.Minute)
			res = cleanup.Once(ctx, repo, 0)
			require.NoError(t, res.Err)
			assert.Equal(t, int64(3), res.Sessions)
			assert.Equal(t, int64(3), count(sessions))

			// Run makes its first pass at once.
			clock.Advance(2 * time.Hour)
			runCtx, cancel := context.WithCancel(ctx)
			done := make(chan cleanup.Result, 1)
			err := cleanup.Run(runCtx, repo, cleanup.Options{Interval: time.Hour, OnResult: func(r cleanup.Result) {
				done <- r
				cancel()
			}})
			require.NoError(t, err)
			r := <-done
			require.NoError(t, r.Err)
			assert.Equal(t, int64(3), r.Sessions)
			assert.Zero(t, count(sessions))
		})
	}
}
