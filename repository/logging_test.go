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

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/repository"
)

// The repository never lets a token or secret reach the host's GORM
// logger, whatever its level, although the host did not ask for
// ParameterizedQueries (the default), nor an error's text.

// secretWorkload runs every operation that handles a secret, the failing
// ones included, on repo (e's flavour, with theSecret). It returns every
// secret it used or was given (session tokens and beta.73's access tokens,
// sign-in tokens and their hashes, the secret, provider tokens) and every
// error the failing operations returned.
func secretWorkload(t *testing.T, e *env, repo *repository.Repository, theSecret string) (secrets []string, errs []error) {
	t.Helper()
	ctx := context.Background()
	keep := func(s ...string) { secrets = append(secrets, s...) }
	keepSession := func(s *repository.Session) {
		keep(s.SessionToken)
		if s.AccessToken != nil {
			keep(*s.AccessToken)
		}
	}
	failed := func(err, target error) {
		t.Helper()
		require.ErrorIs(t, err, target)
		errs = append(errs, err)
	}
	keep(theSecret)

	// OAuth sign-in: a new user, the returning user, and an email taken.
	res, err := repo.SignInOAuth(ctx, repository.OAuthSignIn{
		Account: repository.Account{Provider: "github", ProviderAccountID: "7", AccessToken: ptr("gho_secret_access"),
			RefreshToken: ptr("ghr_secret_refresh"), IDToken: ptr("eyJ.secret.id"), SessionState: ptr("secret-state")},
		Email: ptr("logged@example.com")})
	require.NoError(t, err)
	keep("gho_secret_access", "ghr_secret_refresh", "eyJ.secret.id", "secret-state")
	keepSession(res.Session)
	again, err := repo.SignInOAuth(ctx, repository.OAuthSignIn{Account: repository.Account{Provider: "github", ProviderAccountID: "7"}})
	require.NoError(t, err)
	keepSession(again.Session)
	_, err = repo.SignInOAuth(ctx, repository.OAuthSignIn{Account: repository.Account{Provider: "google", ProviderAccountID: "g-1",
		AccessToken: ptr("ya29_secret_taken")}, Email: ptr("logged@example.com")})
	failed(err, repository.ErrAccountNotLinked)
	keep("ya29_secret_taken")
	if e.f != gormauth.Pg { // the other flavours' users.email is unique
		failed(repo.Users.Create(ctx, &repository.User{Email: ptr("logged@example.com")}), repository.ErrAlreadyExists)
	}

	// Provider accounts and their tokens.
	key := repository.AccountKey{Provider: "github", ProviderAccountID: "7"}
	_, err = repo.Accounts.UpdateTokens(ctx, key, repository.Tokens{AccessToken: "gho_secret_access2", RefreshToken: ptr("ghr_secret_refresh2")})
	require.NoError(t, err)
	keep("gho_secret_access2", "ghr_secret_refresh2")
	_, err = repo.Accounts.UpdateTokens(ctx, repository.AccountKey{Provider: "github", ProviderAccountID: "nobody"},
		repository.Tokens{AccessToken: "gho_secret_nobody"})
	failed(err, repository.ErrNotFound)
	keep("gho_secret_nobody")
	failed(repo.Accounts.Link(ctx, &repository.Account{UserID: res.User.ID, Provider: "github", ProviderAccountID: "7",
		AccessToken: ptr("gho_secret_dup")}), repository.ErrAlreadyExists)
	keep("gho_secret_dup")
	_, err = repo.Accounts.ByKey(ctx, key)
	require.NoError(t, err)

	// Sessions.
	s := res.Session
	_, err = repo.Sessions.ByToken(ctx, s.SessionToken)
	require.NoError(t, err)
	if s.AccessToken != nil {
		_, err = repo.Sessions.ByAccessToken(ctx, *s.AccessToken)
		require.NoError(t, err)
	}
	_, err = repo.Sessions.WithUser(ctx, s.SessionToken)
	require.NoError(t, err)
	e.clock.Advance(e.dueAfter())
	wrote, err := repo.Sessions.Refresh(ctx, s)
	require.NoError(t, err)
	require.True(t, wrote, "the refresh must write, so that its UPDATE is logged")
	e.clock.Advance(time.Minute)
	require.NoError(t, repo.Sessions.ForceRefresh(ctx, s))
	require.NoError(t, repo.Sessions.Delete(ctx, s.SessionToken))
	failed(repo.Sessions.Delete(ctx, s.SessionToken), repository.ErrNotFound)
	_, err = repo.Sessions.ByToken(ctx, s.SessionToken)
	failed(err, repository.ErrNotFound)
	_, err = repo.Sessions.WithUser(ctx, s.SessionToken)
	failed(err, repository.ErrNotFound)
	failed(repo.Sessions.ForceRefresh(ctx, s), repository.ErrNotFound)

	// Email sign-in tokens.
	tok, err := repository.NewSignInToken()
	require.NoError(t, err)
	keep(tok, repository.HashToken(tok, []string{theSecret}))
	row, err := repo.Verifications.Create(ctx, repository.SignInToken{Identifier: "logged@example.com", Token: tok}, time.Hour)
	require.NoError(t, err)
	st := repository.SignInToken{Identifier: row.Identifier, Token: tok}
	_, err = repo.Verifications.Find(ctx, st)
	require.NoError(t, err)
	_, err = repo.Verifications.Use(ctx, st)
	require.NoError(t, err)
	_, err = repo.Verifications.Use(ctx, st)
	failed(err, repository.ErrNotFound)
	failed(repo.Verifications.Delete(ctx, st), repository.ErrNotFound)
	tok2, err := repository.NewSignInToken()
	require.NoError(t, err)
	keep(tok2, repository.HashToken(tok2, []string{theSecret}))
	row, err = repo.Verifications.Replace(ctx, repository.SignInToken{Identifier: "new-by-email@example.com", Token: tok2}, time.Hour)
	require.NoError(t, err)
	st = repository.SignInToken{Identifier: row.Identifier, Token: tok2}
	signedIn, err := repo.SignInEmail(ctx, repository.EmailSignIn{SignInToken: st})
	require.NoError(t, err)
	keepSession(signedIn.Session)
	_, err = repo.SignInEmail(ctx, repository.EmailSignIn{SignInToken: st})
	failed(err, repository.ErrNotFound)

	// Sign out everywhere, and the clean-ups.
	_, err = repo.Sessions.DeleteByUser(ctx, res.User.ID)
	require.NoError(t, err)
	_, err = repo.Sessions.DeleteExpired(ctx, 0)
	require.NoError(t, err)
	_, err = repo.Verifications.DeleteExpired(ctx, 0)
	require.NoError(t, err)
	return secrets, errs
}

// assertNoSecrets fails if text holds any of secrets.
func assertNoSecrets(t *testing.T, what, text string, secrets []string) {
	t.Helper()
	for _, s := range secrets {
		if i := strings.Index(text, s); i >= 0 {
			from, to := max(0, strings.LastIndexByte(text[:i], '\n')), min(len(text), i+len(s)+80)
			t.Errorf("%s reveals the secret %q:\n%s", what, s, text[from:to])
		}
	}
}

// TestLoggingNeverRevealsSecrets runs secretWorkload on every flavour with
// the host's logger at each level that prints SQL or errors, and in debug
// mode on a silent logger.
func TestLoggingNeverRevealsSecrets(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  logger.Config
		// db derives the *gorm.DB handed to repository.New.
		db   func(*gorm.DB) *gorm.DB
		want []string // what the log must contain besides the statements
	}{
		{name: "Info", cfg: logger.Config{LogLevel: logger.Info}},
		{name: "DebugOnSilent", cfg: logger.Config{LogLevel: logger.Silent}, db: func(db *gorm.DB) *gorm.DB { return db.Debug() }},
		{name: "SlowQueries", cfg: logger.Config{LogLevel: logger.Warn, SlowThreshold: time.Nanosecond}, want: []string{"SLOW SQL"}},
		{name: "ErrorsOnly", cfg: logger.Config{LogLevel: logger.Error}},
	}
	for _, f := range gormauth.Flavours() {
		for _, tt := range tests {
			t.Run(f.Name()+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, f)
				var buf bytes.Buffer
				db := e.db.Session(&gorm.Session{Logger: logger.New(log.New(&buf, "", 0), tt.cfg)})
				if tt.db != nil {
					db = tt.db(db)
				}
				const theSecret = "log-test-secret-0a1b2c"
				repo := repository.New(db, f, repository.Options{Now: e.clock.Now, Secret: []string{theSecret}})
				secrets, errs := secretWorkload(t, e, repo, theSecret)

				out := buf.String()
				assert.NotContains(t, out, "record not found", "a lookup that finds nothing is not logged as an error")
				want := tt.want
				if f != gormauth.Pg && tt.cfg.SlowThreshold == 0 {
					want = append(want, "duplicate key") // Users.Create of a taken email
				}
				if tt.cfg.LogLevel != logger.Error {
					for _, stmt := range []string{`"sessionToken"`, "INSERT INTO", "UPDATE", "DELETE FROM", `"access_token"`, e.tokens} {
						want = append(want, e.sql(stmt))
					}
				}
				for _, w := range want {
					assert.Contains(t, out, w, "the log")
				}
				assertNoSecrets(t, "the log", out, secrets)
				for _, err := range errs {
					assertNoSecrets(t, "the error", err.Error(), secrets)
				}
			})
		}
	}
}

// A host transaction put in debug mode and handed to WithTx is redacted too.
func TestLoggingWithTxDebug(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachFlavour(t, func(t *testing.T, e *env) {
		var buf bytes.Buffer
		db := e.db.Session(&gorm.Session{Logger: logger.New(log.New(&buf, "", 0), logger.Config{LogLevel: logger.Silent})})
		u := e.mustUser(t, "tx@example.com")
		var s *repository.Session
		require.NoError(t, db.Transaction(func(tx *gorm.DB) error {
			var err error
			s, err = e.repo.WithTx(tx.Debug()).Sessions.Create(ctx, u.ID)
			return err
		}))
		out := buf.String()
		assert.Contains(t, out, "INSERT INTO "+e.sessions)
		secrets := []string{s.SessionToken}
		if s.AccessToken != nil {
			secrets = append(secrets, *s.AccessToken)
		}
		assertNoSecrets(t, "the log", out, secrets)
	})
}
