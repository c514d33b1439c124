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

	"github.com/gormauth/gormauth/internal/harness/testdb"
	"github.com/gormauth/gormauth/internal/legacy73"
	"github.com/gormauth/gormauth/models"
)

// The repository must never let a token or secret reach the host's GORM
// logger, whatever its level, even though the host did not ask for
// ParameterizedQueries (the default).

// secretWorkload runs every operation that handles a secret, the failing ones
// included, on repo. It returns every secret it used or was given (session
// and access tokens, sign-in tokens, their hashes, the secret, provider
// tokens) and every error the failing operations returned.
func secretWorkload(t *testing.T, repo *repository.Repository, c *testdb.Clock) (secrets []string, errs []error) {
	t.Helper()
	ctx := context.Background()
	keep := func(s ...string) { secrets = append(secrets, s...) }
	fail := func(err error, target error) {
		t.Helper()
		require.ErrorIs(t, err, target)
		errs = append(errs, err)
	}
	const secret = "log-test-secret-0a1b2c"
	keep(secret)

	u := &models.User{Name: ptr("Logged"), Email: ptr("logged@example.com")}
	require.NoError(t, repo.Users.Create(ctx, u))
	fail(repo.Users.Create(ctx, &models.User{Email: ptr("logged@example.com")}), repository.ErrAlreadyExists)

	// Sessions.
	s, err := repo.Sessions.Create(ctx, u.ID)
	require.NoError(t, err)
	keep(s.SessionToken, s.AccessToken)
	_, err = repo.Sessions.ByToken(ctx, s.SessionToken)
	require.NoError(t, err)
	_, err = repo.Sessions.ByAccessToken(ctx, s.AccessToken)
	require.NoError(t, err)
	_, err = repo.Sessions.WithUser(ctx, s.SessionToken)
	require.NoError(t, err)
	c.Advance(repository.DefaultUpdateAge + time.Second)
	wrote, err := repo.Sessions.Refresh(ctx, s)
	require.NoError(t, err)
	require.True(t, wrote, "the refresh must write, so that its UPDATE is logged")
	require.NoError(t, repo.Sessions.ForceRefresh(ctx, s))
	require.NoError(t, repo.Sessions.Delete(ctx, s.SessionToken))
	fail(repo.Sessions.Delete(ctx, s.SessionToken), repository.ErrNotFound)
	_, err = repo.Sessions.ByToken(ctx, s.SessionToken)
	fail(err, repository.ErrNotFound)
	_, err = repo.Sessions.WithUser(ctx, s.SessionToken)
	fail(err, repository.ErrNotFound)
	fail(repo.Sessions.ForceRefresh(ctx, s), repository.ErrNotFound)

	// Email sign-in tokens.
	tok, err := repository.NewToken()
	require.NoError(t, err)
	st := repository.SignInToken{Identifier: "logged@example.com", Token: tok, Secret: secret}
	keep(tok, models.HashToken(tok, secret))
	_, err = repo.Verifications.Create(ctx, st, 0)
	require.NoError(t, err)
	_, err = repo.Verifications.Create(ctx, st, 0)
	fail(err, repository.ErrAlreadyExists)
	_, err = repo.Verifications.Find(ctx, st)
	require.NoError(t, err)
	_, err = repo.Verifications.Use(ctx, st)
	require.NoError(t, err)
	_, err = repo.Verifications.Use(ctx, st)
	fail(err, repository.ErrNotFound)
	fail(repo.Verifications.Delete(ctx, st), repository.ErrNotFound)

	tok2, err := repository.NewToken()
	require.NoError(t, err)
	st2 := repository.SignInToken{Identifier: "new-by-email@example.com", Token: tok2, Secret: secret}
	keep(tok2, models.HashToken(tok2, secret))
	_, err = repo.Verifications.Create(ctx, st2, 0)
	require.NoError(t, err)
	res, err := repo.SignInEmail(ctx, st2)
	require.NoError(t, err)
	keep(res.Session.SessionToken, res.Session.AccessToken)
	_, err = repo.SignInEmail(ctx, st2)
	fail(err, repository.ErrNotFound)

	// Provider accounts and their OAuth tokens.
	access, refresh := "gho_access_"+tok[:20], "ghr_refresh_"+tok[20:40]
	keep(access, refresh)
	a := &models.Account{UserID: u.ID, ProviderType: "oauth", ProviderID: "github", ProviderAccountID: "777",
		AccessToken: &access, RefreshToken: &refresh, AccessTokenExpires: ptr(c.Now().Add(time.Hour))}
	require.NoError(t, repo.Accounts.Link(ctx, a))
	dup := &models.Account{UserID: u.ID, ProviderType: "oauth", ProviderID: "github", ProviderAccountID: "777",
		AccessToken: &access, RefreshToken: &refresh}
	fail(repo.Accounts.Link(ctx, dup), repository.ErrAlreadyExists)
	key := repository.AccountKey{ProviderID: "github", ProviderAccountID: "777"}
	access2, refresh2 := "gho_access2_"+tok2[:20], "ghr_refresh2_"+tok2[20:40]
	keep(access2, refresh2)
	_, err = repo.Accounts.UpdateTokens(ctx, key, repository.Tokens{AccessToken: access2, RefreshToken: &refresh2})
	require.NoError(t, err)
	_, err = repo.Accounts.UpdateTokens(ctx, repository.AccountKey{ProviderID: "github", ProviderAccountID: "nobody"},
		repository.Tokens{AccessToken: access2})
	fail(err, repository.ErrNotFound)
	_, err = repo.Accounts.ByKey(ctx, key)
	require.NoError(t, err)

	// OAuth sign-in: new user, returning user, and an email already taken.
	access3, refresh3 := "ya29_access_"+tok[40:], "1//refresh_"+tok2[40:]
	keep(access3, refresh3)
	in := repository.OAuthSignIn{Account: repository.AccountKey{ProviderID: "google", ProviderAccountID: "g-1"},
		AccessToken: &access3, RefreshToken: &refresh3, Email: ptr("google-user@example.com")}
	for range 2 {
		signedIn, err := repo.SignInOAuth(ctx, in)
		require.NoError(t, err)
		keep(signedIn.Session.SessionToken, signedIn.Session.AccessToken)
	}
	taken := in
	taken.Account.ProviderAccountID = "g-2"
	taken.Email = ptr("logged@example.com")
	_, err = repo.SignInOAuth(ctx, taken)
	fail(err, repository.ErrAccountNotLinked)

	// Sign out everywhere (the user of the email sign-in), and the clean-ups.
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
		if strings.Contains(text, s) {
			i := strings.Index(text, s)
			from, to := max(0, strings.LastIndexByte(text[:i], '\n')), min(len(text), i+len(s)+80)
			t.Errorf("%s reveals the secret %q:\n%s", what, s, text[from:to])
		}
	}
}

func TestLoggingNeverRevealsSecrets(t *testing.T) {
	t.Parallel()
	// The SQL each run must log, so that a logger that printed nothing
	// would fail the test.
	statements := []string{
		"INSERT INTO sessions", "session_token", "UPDATE sessions", "DELETE FROM verification_requests",
		"INSERT INTO accounts", "UPDATE accounts", "verification_requests", "FROM sessions s JOIN users u",
	}
	tests := []struct {
		name string
		cfg  logger.Config
		// db derives the *gorm.DB handed to repository.New.
		db   func(*gorm.DB) *gorm.DB
		want []string // what the log must contain besides the statements
	}{
		{name: "Info", cfg: logger.Config{LogLevel: logger.Info},
			want: []string{"duplicate key"}},
		{name: "DebugOnSilent", cfg: logger.Config{LogLevel: logger.Silent},
			db:   func(db *gorm.DB) *gorm.DB { return db.Debug() },
			want: []string{"duplicate key"}},
		{name: "SlowQueries", cfg: logger.Config{LogLevel: logger.Warn, SlowThreshold: time.Nanosecond},
			want: []string{"SLOW SQL"}},
		{name: "ErrorsOnly", cfg: logger.Config{LogLevel: logger.Error},
			want: []string{"duplicate key"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			var buf bytes.Buffer
			db := e.db.Session(&gorm.Session{Logger: logger.New(log.New(&buf, "", 0), tt.cfg)})
			if tt.db != nil {
				db = tt.db(db)
			}
			repo := repository.New(db, repository.Options{Now: e.clock.Now})
			secrets, errs := secretWorkload(t, repo, e.clock)

			out := buf.String()
			assert.NotContains(t, out, "record not found", "a lookup that finds nothing is not logged as an error")
			for _, want := range tt.want {
				assert.Contains(t, out, want)
			}
			if tt.cfg.LogLevel != logger.Error {
				for _, want := range statements {
					assert.Contains(t, out, want)
				}
			}
			assertNoSecrets(t, "the log", out, secrets)
			for _, err := range errs {
				assertNoSecrets(t, "the error", err.Error(), secrets)
			}
		})
	}
}

// A host transaction put in debug mode and handed to WithTx is redacted too.
func TestLoggingWithTxDebug(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	var buf bytes.Buffer
	db := e.db.Session(&gorm.Session{Logger: logger.New(log.New(&buf, "", 0), logger.Config{LogLevel: logger.Silent})})
	u := e.mustUser(t, "tx@example.com")
	var s *models.Session
	require.NoError(t, db.Transaction(func(tx *gorm.DB) error {
		var err error
		s, err = e.repo.WithTx(tx.Debug()).Sessions.Create(ctx, u.ID)
		return err
	}))
	out := buf.String()
	assert.Contains(t, out, "INSERT INTO sessions")
	assertNoSecrets(t, "the log", out, []string{s.SessionToken, s.AccessToken})
}
