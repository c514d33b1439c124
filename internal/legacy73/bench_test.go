package repository_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth/internal/legacy73"
	"github.com/gormauth/gormauth/models"
)

// Benchmarks of the operations on the request path, each on its own
// database, reporting allocations and the statements sent per operation
// (BEGIN and COMMIT included). Run them without -race:
//
//	go test ./repository/ -run '^$' -bench . -benchtime 2s

// benchEnv is a fresh database with one user and one session.
func benchEnv(b *testing.B) (*env, *models.User, *models.Session) {
	b.Helper()
	e := newEnv(b)
	u := e.mustUser(b, "bench@example.com")
	return e, u, e.mustSession(b, u)
}

// measure resets the timer and the statement count, runs op b.N times, and
// reports the statements per operation.
func measure(b *testing.B, e *env, op func() error) {
	b.Helper()
	b.ReportAllocs()
	e.tracer.Reset()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := op(); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(len(e.tracer.Statements()))/float64(b.N), "stmts/op")
}

func BenchmarkSessionsByToken(b *testing.B) {
	e, _, s := benchEnv(b)
	ctx := context.Background()
	measure(b, e, func() error {
		_, err := e.repo.Sessions.ByToken(ctx, s.SessionToken)
		return err
	})
}

func BenchmarkSessionsRefresh(b *testing.B) {
	ctx := context.Background()
	b.Run("NotDue", func(b *testing.B) {
		e, _, s := benchEnv(b)
		measure(b, e, func() error {
			wrote, err := e.repo.Sessions.Refresh(ctx, s)
			if err == nil && wrote {
				err = fmt.Errorf("refresh wrote")
			}
			return err
		})
	})
	b.Run("Due", func(b *testing.B) {
		e, _, s := benchEnv(b)
		measure(b, e, func() error {
			e.clock.Advance(repository.DefaultUpdateAge + time.Second) // due again every time
			wrote, err := e.repo.Sessions.Refresh(ctx, s)
			if err == nil && !wrote {
				err = fmt.Errorf("refresh did not write")
			}
			return err
		})
	})
}

func BenchmarkVerificationsUse(b *testing.B) {
	e := newEnv(b)
	ctx := context.Background()
	// b.N valid sign-in tokens, inserted in bulk before the timer starts.
	tokens := make([]repository.SignInToken, b.N)
	rows := make([]models.VerificationRequest, b.N)
	now := e.clock.Now()
	for i := range tokens {
		tokens[i] = repository.SignInToken{Identifier: "bench@example.com", Token: fmt.Sprintf("token-%d", i), Secret: "s3cret"}
		rows[i] = models.VerificationRequest{Identifier: "bench@example.com", Token: models.HashToken(tokens[i].Token, "s3cret"),
			Expires: now.Add(time.Hour), Created: now, Updated: now}
	}
	require.NoError(b, e.db.CreateInBatches(rows, 1000).Error)
	i := 0
	measure(b, e, func() error {
		_, err := e.repo.Verifications.Use(ctx, tokens[i])
		i++
		return err
	})
}

func BenchmarkSignInOAuthReturningUser(b *testing.B) {
	e := newEnv(b)
	ctx := context.Background()
	in := repository.OAuthSignIn{Account: repository.AccountKey{ProviderID: "github", ProviderAccountID: "1"},
		Email: ptr("bench@example.com")}
	first, err := e.repo.SignInOAuth(ctx, in)
	require.NoError(b, err)
	require.True(b, first.IsNewUser)
	measure(b, e, func() error {
		_, err := e.repo.SignInOAuth(ctx, in)
		return err
	})
}

// BenchmarkSessionsWithUser measures the lookup behind every authenticated
// request, one query, against the naive two queries.
func BenchmarkSessionsWithUser(b *testing.B) {
	ctx := context.Background()
	b.Run("OneQuery", func(b *testing.B) {
		e, _, s := benchEnv(b)
		measure(b, e, func() error {
			_, err := e.repo.Sessions.WithUser(ctx, s.SessionToken)
			return err
		})
	})
	b.Run("NaiveByTokenThenUsersByID", func(b *testing.B) {
		e, _, s := benchEnv(b)
		measure(b, e, func() error {
			sess, err := e.repo.Sessions.ByToken(ctx, s.SessionToken)
			if err != nil {
				return err
			}
			_, err = e.repo.Users.ByID(ctx, sess.UserID)
			return err
		})
	})
}

// BenchmarkSessionsCreate measures Sessions.Create (one statement) against
// a plain GORM Create of the same row on a *gorm.DB with GORM's defaults,
// which wraps the INSERT in BEGIN … COMMIT.
func BenchmarkSessionsCreate(b *testing.B) {
	ctx := context.Background()
	b.Run("Repository", func(b *testing.B) {
		e, u, _ := benchEnv(b)
		measure(b, e, func() error {
			_, err := e.repo.Sessions.Create(ctx, u.ID)
			return err
		})
	})
	b.Run("GORMCreateDefaultTransaction", func(b *testing.B) {
		e, u, _ := benchEnv(b)
		db := e.db.WithContext(ctx)
		measure(b, e, func() error {
			sessionToken, err := repository.NewToken()
			if err != nil {
				return err
			}
			accessToken, err := repository.NewToken()
			if err != nil {
				return err
			}
			now := e.clock.Now()
			return db.Create(&models.Session{UserID: u.ID, Expires: now.Add(repository.DefaultMaxAge),
				SessionToken: sessionToken, AccessToken: accessToken, Created: now, Updated: now}).Error
		})
	})
}
