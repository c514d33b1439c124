package repository_test

import (
	"bytes"
	"context"
	"log"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/gormauth/gormauth/repository"
)

// No token or secret reaches the host's GORM logger, at Info level and
// with every statement logged, nor an error's text, on any flavour.
func TestLoggingNeverRevealsSecrets(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachFlavour(t, func(t *testing.T, e *env) {
		var buf bytes.Buffer
		db := e.db.Session(&gorm.Session{Logger: logger.New(log.New(&buf, "", 0), logger.Config{LogLevel: logger.Info})})
		const theSecret = "log-test-secret-0a1b2c"
		repo := repository.New(db, e.f, repository.Options{Now: e.clock.Now, Secret: []string{theSecret}})
		secrets := []string{theSecret}
		var errs []error
		keep := func(s ...string) { secrets = append(secrets, s...) }
		failed := func(err, target error) {
			t.Helper()
			require.ErrorIs(t, err, target)
			errs = append(errs, err)
		}

		res, err := repo.SignInOAuth(ctx, repository.OAuthSignIn{
			Account: repository.Account{Provider: "github", ProviderAccountID: "7", AccessToken: ptr("gho_secret_access"),
				RefreshToken: ptr("ghr_secret_refresh"), IDToken: ptr("eyJ.secret.id"), SessionState: ptr("secret-state")},
			Email: ptr("logged@example.com")})
		require.NoError(t, err)
		keep("gho_secret_access", "ghr_secret_refresh", "eyJ.secret.id", "secret-state", res.Session.SessionToken)
		again, err := repo.SignInOAuth(ctx, repository.OAuthSignIn{Account: repository.Account{Provider: "github", ProviderAccountID: "7"}})
		require.NoError(t, err)
		keep(again.Session.SessionToken)
		_, err = repo.Accounts.UpdateTokens(ctx, repository.AccountKey{Provider: "github", ProviderAccountID: "7"},
			repository.Tokens{AccessToken: "gho_secret_access2", RefreshToken: ptr("ghr_secret_refresh2")})
		require.NoError(t, err)
		keep("gho_secret_access2", "ghr_secret_refresh2")
		failed(repo.Accounts.Link(ctx, &repository.Account{UserID: res.User.ID, Provider: "github", ProviderAccountID: "7",
			AccessToken: ptr("gho_secret_dup")}), repository.ErrAlreadyExists)
		keep("gho_secret_dup")

		_, err = repo.Sessions.WithUser(ctx, res.Session.SessionToken)
		require.NoError(t, err)
		e.clock.Advance(e.dueAfter())
		wrote, err := repo.Sessions.Refresh(ctx, res.Session)
		require.NoError(t, err)
		require.True(t, wrote)
		require.NoError(t, repo.Sessions.Delete(ctx, res.Session.SessionToken))
		failed(repo.Sessions.Delete(ctx, res.Session.SessionToken), repository.ErrNotFound)
		_, err = repo.Sessions.WithUser(ctx, res.Session.SessionToken)
		failed(err, repository.ErrNotFound)

		tok, err := repository.NewSignInToken()
		require.NoError(t, err)
		keep(tok, repository.HashToken(tok, []string{theSecret}))
		row, err := repo.Verifications.Create(ctx, repository.SignInToken{Identifier: "logged@example.com", Token: tok}, time.Hour)
		require.NoError(t, err)
		st := repository.SignInToken{Identifier: row.Identifier, Token: tok}
		signedIn, err := repo.SignInEmail(ctx, repository.EmailSignIn{SignInToken: st})
		require.NoError(t, err)
		keep(signedIn.Session.SessionToken)
		_, err = repo.SignInEmail(ctx, repository.EmailSignIn{SignInToken: st})
		failed(err, repository.ErrNotFound)
		_, err = repo.Sessions.DeleteByUser(ctx, res.User.ID)
		require.NoError(t, err)

		out := buf.String()
		for _, want := range []string{`"sessionToken"`, "INSERT INTO", "UPDATE", "DELETE FROM", `"access_token"`} {
			assert.Contains(t, out, e.sql(want), "the statements are logged")
		}
		for _, s := range secrets {
			assert.False(t, strings.Contains(out, s), "the log reveals %q", s)
			for _, err := range errs {
				assert.NotContains(t, err.Error(), s)
			}
		}
	})
}
