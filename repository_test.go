package gormauth_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"regexp"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/internal/harness/testdb"
	legacy "github.com/gormauth/gormauth/internal/legacy73"
	"github.com/gormauth/gormauth/models"
)

// End-to-end flows of an authentication system on the tables AutoMigrate
// creates and on a database NextAuth.js wrote, each on a fresh database.

// flowStart is where the test clocks begin.
var flowStart = testdb.Start

// flow is one test's database, migrated by AutoMigrate, with a repository
// on a fake clock.
type flow struct {
	db    *gorm.DB
	repo  *legacy.Repository
	clock *testdb.Clock
}

func newFlow(t *testing.T) *flow {
	t.Helper()
	db := testdb.Open(t)
	require.NoError(t, gormauth.AutoMigrate(context.Background(), db, gormauth.Beta73))
	c := testdb.NewClock(flowStart)
	return &flow{db: db, repo: legacy.New(db, legacy.Options{Now: c.Now}), clock: c}
}

// count returns the number of rows of table matching the optional
// condition.
func (f *flow) count(t *testing.T, table string, where ...any) int64 {
	t.Helper()
	q := f.db.Table(table)
	if len(where) > 0 {
		q = q.Where(where[0], where[1:]...)
	}
	var n int64
	require.NoError(t, q.Count(&n).Error)
	return n
}

// counts returns the number of rows of each table.
func (f *flow) counts(t *testing.T) map[string]int64 {
	t.Helper()
	m := map[string]int64{}
	for _, table := range []string{"users", "accounts", "sessions", "verification_requests"} {
		m[table] = f.count(t, table)
	}
	return m
}

// emailLink stores a fresh sign-in token for email, valid for maxAge.
func (f *flow) emailLink(t *testing.T, email string, maxAge time.Duration) legacy.SignInToken {
	t.Helper()
	tok, err := legacy.NewToken()
	require.NoError(t, err)
	st := legacy.SignInToken{Identifier: email, Token: tok, Secret: "flow-secret"}
	_, err = f.repo.Verifications.Create(context.Background(), st, maxAge)
	require.NoError(t, err)
	return st
}

func strPtr(s string) *string { return &s }

func github(id, email string) legacy.OAuthSignIn {
	return legacy.OAuthSignIn{
		Account:      legacy.AccountKey{ProviderID: "github", ProviderAccountID: id},
		AccessToken:  strPtr("gho_" + id),
		RefreshToken: strPtr("ghr_" + id),
		Name:         strPtr("Octo " + id),
		Email:        strPtr(email),
	}
}

func TestFlowOAuthSignIn(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFlow(t)

	first, err := f.repo.SignInOAuth(ctx, github("42", "octo@example.com"))
	require.NoError(t, err)
	t.Run("NewUser", func(t *testing.T) {
		assert.True(t, first.IsNewUser)
		assert.Equal(t, "octo@example.com", *first.User.Email)
		assert.Equal(t, "Octo 42", *first.User.Name)
		acc, err := f.repo.Accounts.ByKey(ctx, legacy.AccountKey{ProviderID: "github", ProviderAccountID: "42"})
		require.NoError(t, err)
		assert.Equal(t, first.User.ID, acc.UserID)
		assert.Equal(t, models.CompoundID("github", "42"), acc.CompoundID)
		assert.Equal(t, "oauth", acc.ProviderType)
		assert.Equal(t, "gho_42", *acc.AccessToken)
		assert.Equal(t, "ghr_42", *acc.RefreshToken)
		sess, err := f.repo.Sessions.WithUser(ctx, first.Session.SessionToken)
		require.NoError(t, err)
		assert.Equal(t, first.User.ID, sess.User.ID)
		assert.Equal(t, flowStart.Add(legacy.DefaultMaxAge), sess.Expires)
		assert.Equal(t, map[string]int64{"users": 1, "accounts": 1, "sessions": 1, "verification_requests": 0}, f.counts(t))
	})
	t.Run("ReturningUser", func(t *testing.T) {
		again, err := f.repo.SignInOAuth(ctx, github("42", "octo@example.com"))
		require.NoError(t, err)
		assert.False(t, again.IsNewUser)
		assert.Equal(t, first.User.ID, again.User.ID)
		assert.NotEqual(t, first.Session.SessionToken, again.Session.SessionToken)
		for _, s := range []*models.Session{first.Session, again.Session} {
			_, err := f.repo.Sessions.WithUser(ctx, s.SessionToken)
			assert.NoError(t, err, "both sessions are valid")
		}
		assert.Equal(t, map[string]int64{"users": 1, "accounts": 1, "sessions": 2, "verification_requests": 0}, f.counts(t))
	})
	t.Run("EmailOfAnotherUser", func(t *testing.T) {
		before := f.counts(t)
		in := github("43", "octo@example.com")
		in.Account.ProviderID = "gitlab"
		_, err := f.repo.SignInOAuth(ctx, in)
		assert.ErrorIs(t, err, legacy.ErrAccountNotLinked)
		assert.Equal(t, before, f.counts(t), "nothing is written")
		_, err = f.repo.Users.ByAccount(ctx, in.Account)
		assert.ErrorIs(t, err, legacy.ErrNotFound)
	})
	t.Run("LinkSecondProvider", func(t *testing.T) {
		// The signed-in user links a Google account explicitly.
		sess, err := f.repo.Sessions.WithUser(ctx, first.Session.SessionToken)
		require.NoError(t, err)
		google := legacy.AccountKey{ProviderID: "google", ProviderAccountID: "117331234567890123456"}
		a := &models.Account{UserID: sess.UserID, ProviderType: "oauth",
			ProviderID: google.ProviderID, ProviderAccountID: google.ProviderAccountID}
		require.NoError(t, f.repo.Accounts.Link(ctx, a))
		assert.Equal(t, "d6bc1c91ffe7c0f0adc242aba1c9964b8d13fc46a521c9bf95e82fffd30b7ca0", a.CompoundID)

		// From now on Google signs in to the same user, whatever email
		// Google reports.
		res, err := f.repo.SignInOAuth(ctx, legacy.OAuthSignIn{Account: google, Email: strPtr("octo@gmail.com")})
		require.NoError(t, err)
		assert.False(t, res.IsNewUser)
		assert.Equal(t, first.User.ID, res.User.ID)
		accounts, err := f.repo.Accounts.ListByUser(ctx, first.User.ID)
		require.NoError(t, err)
		require.Len(t, accounts, 2)
		assert.Equal(t, "github", accounts[0].ProviderID)
		assert.Equal(t, "google", accounts[1].ProviderID)

		dup := &models.Account{UserID: sess.UserID, ProviderType: "oauth",
			ProviderID: google.ProviderID, ProviderAccountID: google.ProviderAccountID}
		assert.ErrorIs(t, f.repo.Accounts.Link(ctx, dup), legacy.ErrAlreadyExists)
	})
}

func TestFlowEmailSignIn(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFlow(t)
	tok, err := legacy.NewToken()
	require.NoError(t, err)
	st := legacy.SignInToken{Identifier: "Carol@Example.com", Token: tok, Secret: "s3cret"}
	v, err := f.repo.Verifications.Create(ctx, st, 0)
	require.NoError(t, err)

	t.Run("OnlyTheHashIsStored", func(t *testing.T) {
		var row struct {
			Identifer, Token string
			Text             string
		}
		require.NoError(t, f.db.Raw(`SELECT identifer, token, v::text AS text FROM verification_requests v WHERE id = ?`, v.ID).
			Scan(&row).Error)
		assert.Equal(t, models.HashToken(tok, "s3cret"), row.Token)
		assert.Equal(t, "carol@example.com", row.Identifer)
		assert.NotContains(t, row.Text, tok)
		assert.NotContains(t, row.Text, "s3cret")
		assert.Equal(t, flowStart.Add(legacy.DefaultVerificationMaxAge), v.Expires)
	})
	var carol *models.User
	t.Run("RedeemsOnce", func(t *testing.T) {
		f.clock.Advance(time.Hour)
		res, err := f.repo.SignInEmail(ctx, st)
		require.NoError(t, err)
		assert.True(t, res.IsNewUser)
		carol = res.User
		assert.Equal(t, "carol@example.com", *carol.Email)
		require.NotNil(t, carol.EmailVerified)
		assert.Equal(t, f.clock.Now(), *carol.EmailVerified)
		sess, err := f.repo.Sessions.WithUser(ctx, res.Session.SessionToken)
		require.NoError(t, err)
		assert.Equal(t, carol.ID, sess.User.ID)
		assert.Zero(t, f.count(t, "verification_requests"))

		_, err = f.repo.SignInEmail(ctx, st)
		assert.ErrorIs(t, err, legacy.ErrNotFound)
		assert.EqualValues(t, 1, f.count(t, "sessions"), "a used link opens no session")
	})
	t.Run("ReturningUser", func(t *testing.T) {
		st := f.emailLink(t, "carol@example.com", 0)
		res, err := f.repo.SignInEmail(ctx, st)
		require.NoError(t, err)
		assert.False(t, res.IsNewUser)
		assert.Equal(t, carol.ID, res.User.ID)
		assert.Equal(t, f.clock.Now(), *res.User.EmailVerified)
	})
	t.Run("ExpiredLink", func(t *testing.T) {
		st := f.emailLink(t, "dan@example.com", time.Hour)
		f.clock.Advance(time.Hour + time.Microsecond)
		before := f.counts(t)
		_, err := f.repo.SignInEmail(ctx, st)
		assert.ErrorIs(t, err, legacy.ErrNotFound)
		before["verification_requests"]--
		assert.Equal(t, before, f.counts(t), "the expired row is deleted and nothing else is written")
		_, err = f.repo.Users.ByEmail(ctx, "dan@example.com")
		assert.ErrorIs(t, err, legacy.ErrNotFound)
	})
	t.Run("WrongSecret", func(t *testing.T) {
		st := f.emailLink(t, "erin@example.com", 0)
		st.Secret = "another secret"
		_, err := f.repo.SignInEmail(ctx, st)
		assert.ErrorIs(t, err, legacy.ErrNotFound)
		assert.EqualValues(t, 1, f.count(t, "verification_requests"), "the link stays for the right secret")
	})
}

func TestFlowSignOut(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFlow(t)
	var mine []*models.Session
	for range 3 {
		res, err := f.repo.SignInOAuth(ctx, github("1", "one@example.com"))
		require.NoError(t, err)
		mine = append(mine, res.Session)
	}
	other, err := f.repo.SignInOAuth(ctx, github("2", "two@example.com"))
	require.NoError(t, err)

	t.Run("OneSession", func(t *testing.T) {
		require.NoError(t, f.repo.Sessions.Delete(ctx, mine[0].SessionToken))
		_, err := f.repo.Sessions.WithUser(ctx, mine[0].SessionToken)
		assert.ErrorIs(t, err, legacy.ErrNotFound)
		_, err = f.repo.Sessions.WithUser(ctx, mine[1].SessionToken)
		assert.NoError(t, err, "the user's other sessions stay")
		assert.ErrorIs(t, f.repo.Sessions.Delete(ctx, mine[0].SessionToken), legacy.ErrNotFound)
	})
	t.Run("Everywhere", func(t *testing.T) {
		n, err := f.repo.Sessions.DeleteByUser(ctx, mine[1].UserID)
		require.NoError(t, err)
		assert.EqualValues(t, 2, n)
		for _, s := range mine {
			_, err := f.repo.Sessions.WithUser(ctx, s.SessionToken)
			assert.ErrorIs(t, err, legacy.ErrNotFound)
		}
		_, err = f.repo.Sessions.WithUser(ctx, other.Session.SessionToken)
		assert.NoError(t, err, "another user's session stays")
		assert.EqualValues(t, 1, f.count(t, "sessions"))
	})
}

func TestFlowExpiryAndCleanUp(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFlow(t)
	old, err := f.repo.SignInOAuth(ctx, github("1", "one@example.com"))
	require.NoError(t, err)
	f.emailLink(t, "old@example.com", time.Hour)
	f.emailLink(t, "old2@example.com", 2*time.Hour)

	f.clock.Advance(legacy.DefaultMaxAge - time.Hour)
	fresh, err := f.repo.SignInOAuth(ctx, github("1", "one@example.com"))
	require.NoError(t, err)
	live := f.emailLink(t, "new@example.com", 0)

	f.clock.Advance(time.Hour + time.Microsecond) // old session just expired
	_, err = f.repo.Sessions.WithUser(ctx, old.Session.SessionToken)
	assert.ErrorIs(t, err, legacy.ErrNotFound)
	assert.EqualValues(t, 2, f.count(t, "sessions"), "expired rows stay until cleaned up")

	n, err := f.repo.Sessions.DeleteExpired(ctx, 0)
	require.NoError(t, err)
	assert.EqualValues(t, 1, n)
	n, err = f.repo.Verifications.DeleteExpired(ctx, 1)
	require.NoError(t, err)
	assert.EqualValues(t, 2, n)
	assert.Equal(t, map[string]int64{"users": 1, "accounts": 1, "sessions": 1, "verification_requests": 1}, f.counts(t))

	_, err = f.repo.Sessions.WithUser(ctx, fresh.Session.SessionToken)
	assert.NoError(t, err)
	_, err = f.repo.Verifications.Find(ctx, live)
	assert.NoError(t, err)
	n, err = f.repo.Sessions.DeleteExpired(ctx, 0)
	require.NoError(t, err)
	assert.Zero(t, n)
}

func TestFlowDeleteUser(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFlow(t)
	gone, err := f.repo.SignInOAuth(ctx, github("1", "gone@example.com"))
	require.NoError(t, err)
	require.NoError(t, f.repo.Accounts.Link(ctx, &models.Account{UserID: gone.User.ID, ProviderType: "oauth",
		ProviderID: "google", ProviderAccountID: "g1"}))
	_, err = f.repo.Sessions.Create(ctx, gone.User.ID)
	require.NoError(t, err)
	stays, err := f.repo.SignInOAuth(ctx, github("2", "stays@example.com"))
	require.NoError(t, err)

	require.NoError(t, f.repo.Users.Delete(ctx, gone.User.ID))
	assert.Zero(t, f.count(t, "accounts", "user_id = ?", gone.User.ID))
	assert.Zero(t, f.count(t, "sessions", "user_id = ?", gone.User.ID))
	_, err = f.repo.Users.ByID(ctx, gone.User.ID)
	assert.ErrorIs(t, err, legacy.ErrNotFound)
	_, err = f.repo.Sessions.WithUser(ctx, gone.Session.SessionToken)
	assert.ErrorIs(t, err, legacy.ErrNotFound)
	_, err = f.repo.Users.ByAccount(ctx, legacy.AccountKey{ProviderID: "github", ProviderAccountID: "1"})
	assert.ErrorIs(t, err, legacy.ErrNotFound)

	assert.Equal(t, map[string]int64{"users": 1, "accounts": 1, "sessions": 1, "verification_requests": 0}, f.counts(t))
	got, err := f.repo.Sessions.WithUser(ctx, stays.Session.SessionToken)
	require.NoError(t, err)
	assert.Equal(t, stays.User.ID, got.User.ID)
	assert.ErrorIs(t, f.repo.Users.Delete(ctx, gone.User.ID), legacy.ErrNotFound)

	// The provider account can sign up afresh.
	again, err := f.repo.SignInOAuth(ctx, github("1", "gone@example.com"))
	require.NoError(t, err)
	assert.True(t, again.IsNewUser)
	assert.NotEqual(t, gone.User.ID, again.User.ID)
}

// race runs fn(i) for i in [0, n) in n goroutines released together, and
// returns the errors by i.
func race(n int, fn func(i int) error) []error {
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = fn(i)
		}()
	}
	close(start)
	wg.Wait()
	return errs
}

// tally counts nil errors and errors matching target; it fails t on any
// other error.
func tally(t *testing.T, errs []error, target error) (ok, matched int) {
	t.Helper()
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, target):
			matched++
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	return ok, matched
}

func TestFlowConcurrency(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("LinkOneProviderAccount", func(t *testing.T) {
		f := newFlow(t)
		users := make([]*models.User, 2)
		for i := range users {
			users[i] = &models.User{Email: strPtr(string(rune('a'+i)) + "@example.com")}
			require.NoError(t, f.repo.Users.Create(ctx, users[i]))
		}
		linked := make([]*models.Account, 50)
		errs := race(50, func(i int) error {
			linked[i] = &models.Account{UserID: users[i%2].ID, ProviderType: "oauth", ProviderID: "github", ProviderAccountID: "1"}
			return f.repo.Accounts.Link(ctx, linked[i])
		})
		ok, dup := tally(t, errs, legacy.ErrAlreadyExists)
		assert.Equal(t, 1, ok)
		assert.Equal(t, 49, dup)
		assert.EqualValues(t, 1, f.count(t, "accounts"))
		for i, err := range errs {
			if err == nil {
				acc, err := f.repo.Accounts.ByKey(ctx, legacy.AccountKey{ProviderID: "github", ProviderAccountID: "1"})
				require.NoError(t, err)
				assert.Equal(t, linked[i].UserID, acc.UserID, "the row is the winner's")
			}
		}
	})
	t.Run("CreateUsersSameEmail", func(t *testing.T) {
		f := newFlow(t)
		errs := race(20, func(int) error {
			return f.repo.Users.Create(ctx, &models.User{Email: strPtr("same@example.com")})
		})
		ok, dup := tally(t, errs, legacy.ErrAlreadyExists)
		assert.Equal(t, 1, ok)
		assert.Equal(t, 19, dup)
		assert.EqualValues(t, 1, f.count(t, "users"))
	})
	for _, email := range []string{"new@example.com", ""} {
		name := "SignInOAuthNewAccount"
		if email == "" {
			name += "NoEmail"
		}
		t.Run(name, func(t *testing.T) {
			f := newFlow(t)
			in := github("7", email)
			if email == "" {
				in.Email = nil
			}
			results := make([]*legacy.SignInResult, 20)
			errs := race(20, func(i int) (err error) {
				results[i], err = f.repo.SignInOAuth(ctx, in)
				return err
			})
			ok, _ := tally(t, errs, nil)
			require.Equal(t, 20, ok)
			newUsers, tokens := 0, map[string]bool{}
			for _, r := range results {
				assert.Equal(t, results[0].User.ID, r.User.ID)
				if r.IsNewUser {
					newUsers++
				}
				tokens[r.Session.SessionToken] = true
			}
			assert.Equal(t, 1, newUsers)
			assert.Len(t, tokens, 20)
			assert.Equal(t, map[string]int64{"users": 1, "accounts": 1, "sessions": 20, "verification_requests": 0}, f.counts(t))
		})
	}
	t.Run("SignInEmailTwoLinksOneNewAddress", func(t *testing.T) {
		f := newFlow(t)
		for round := range 5 {
			email := "round" + string(rune('0'+round)) + "@example.com"
			links := []legacy.SignInToken{f.emailLink(t, email, 0), f.emailLink(t, email, 0)}
			results := make([]*legacy.SignInResult, 2)
			errs := race(2, func(i int) (err error) {
				results[i], err = f.repo.SignInEmail(ctx, links[i])
				return err
			})
			// The first redeemed ends the other link.
			ok, gone := tally(t, errs, legacy.ErrNotFound)
			require.Equal(t, 1, ok)
			require.Equal(t, 1, gone)
			for _, r := range results {
				if r != nil {
					assert.True(t, r.IsNewUser, "it created the user")
				}
			}
			assert.EqualValues(t, 1, f.count(t, "users", "email = ?", email))
		}
		assert.Equal(t, map[string]int64{"users": 5, "accounts": 0, "sessions": 5, "verification_requests": 0}, f.counts(t))
	})
	t.Run("UseOneToken", func(t *testing.T) {
		f := newFlow(t)
		st := f.emailLink(t, "once@example.com", 0)
		errs := race(50, func(int) error {
			_, err := f.repo.Verifications.Use(ctx, st)
			return err
		})
		ok, gone := tally(t, errs, legacy.ErrNotFound)
		assert.Equal(t, 1, ok)
		assert.Equal(t, 49, gone)
		assert.Zero(t, f.count(t, "verification_requests"))
	})
}

// nextAuthRows is testdata/nextauth-rows.json: what NextAuth.js wrote, with
// the plain tokens.
type nextAuthRows struct {
	Secret string
	Users  []struct {
		ID          int32
		Name, Email *string
		Image       *string
	}
	Accounts []struct {
		ID, UserID                                              int32
		ProviderType, ProviderID, ProviderAccountID, CompoundID string
		RefreshToken, AccessToken                               *string
		AccessTokenExpires                                      *time.Time
	}
	Sessions []struct {
		ID, UserID                int32
		Valid                     bool
		SessionToken, AccessToken string
		Expires                   time.Time
	}
	VerificationRequests []struct {
		ID                int32
		Identifier, Token string
		Valid             bool
		Expires           time.Time
	}
}

// nextAuthDatabase returns a fresh database holding NextAuth.js's schema and
// rows, and what the rows hold.
func nextAuthDatabase(t *testing.T) (*gorm.DB, nextAuthRows) {
	t.Helper()
	db := testdb.Open(t)
	for _, name := range []string{"testdata/nextauth-typeorm.sql", "testdata/nextauth-rows.sql"} {
		b, err := os.ReadFile(name)
		require.NoError(t, err)
		testdb.Exec(t, db, string(b))
	}
	b, err := os.ReadFile("testdata/nextauth-rows.json")
	require.NoError(t, err)
	var rows nextAuthRows
	require.NoError(t, json.Unmarshal(b, &rows))
	require.Len(t, rows.Sessions, 2)
	require.True(t, rows.Sessions[0].Valid)
	require.False(t, rows.Sessions[1].Valid)
	require.Len(t, rows.VerificationRequests, 2)
	return db, rows
}

// rowJSON returns the row id of table as PostgreSQL's row_to_json gives it.
func rowJSON(t *testing.T, db *gorm.DB, table string, id int32) map[string]any {
	t.Helper()
	var text string
	require.NoError(t, db.Raw("SELECT row_to_json(t)::text FROM "+table+" t WHERE id = ?", id).Row().Scan(&text))
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(text), &m))
	return m
}

// tableDump returns every row of the four tables as text, in id order.
func tableDump(t *testing.T, db *gorm.DB) []string {
	t.Helper()
	var rows []string
	require.NoError(t, db.Raw(`SELECT 'users ' || t::text FROM (SELECT * FROM users ORDER BY id) t
		UNION ALL SELECT 'accounts ' || t::text FROM (SELECT * FROM accounts ORDER BY id) t
		UNION ALL SELECT 'sessions ' || t::text FROM (SELECT * FROM sessions ORDER BY id) t
		UNION ALL SELECT 'verification_requests ' || t::text FROM (SELECT * FROM verification_requests ORDER BY id) t`).
		Scan(&rows).Error)
	return rows
}

// catalog lists the constraints and indexes of the current schema.
func catalog(t *testing.T, db *gorm.DB) []string {
	t.Helper()
	var names []string
	require.NoError(t, db.Raw(`SELECT conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
		FROM pg_constraint WHERE connamespace = current_schema()::regnamespace
		UNION ALL SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema()`).Scan(&names).Error)
	sort.Strings(names)
	return names
}

func TestNextAuthDatabase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, rows := nextAuthDatabase(t)
	repo := legacy.New(db, legacy.Options{}) // the real clock
	alice := rows.Users[0]
	live, expired := rows.Sessions[0], rows.Sessions[1]
	var emailSession *models.Session // SignInTokens's
	// NextAuth.js's rows as it wrote them, before the subtests change any.
	theirRows := map[string]map[string]any{
		"users":                 rowJSON(t, db, "users", alice.ID),
		"accounts":              rowJSON(t, db, "accounts", rows.Accounts[0].ID),
		"sessions":              rowJSON(t, db, "sessions", live.ID),
		"verification_requests": rowJSON(t, db, "verification_requests", rows.VerificationRequests[0].ID),
	}

	t.Run("LiveSession", func(t *testing.T) {
		sess, err := repo.Sessions.WithUser(ctx, live.SessionToken)
		require.NoError(t, err)
		assert.Equal(t, live.ID, sess.ID)
		assert.Equal(t, "2126-11-02T18:28:08.983Z", sess.Expires.Format(time.RFC3339Nano))
		assert.True(t, sess.Expires.Equal(live.Expires))
		assert.Equal(t, time.UTC, sess.Expires.Location())
		assert.Equal(t, time.Date(2026, 11, 26, 18, 28, 8, 986957000, time.UTC), sess.Created)
		u := sess.User
		require.NotNil(t, u)
		assert.Equal(t, alice.ID, u.ID)
		assert.Equal(t, "Alice", *u.Name)
		assert.Equal(t, *alice.Email, *u.Email)
		assert.Equal(t, *alice.Image, *u.Image)
		assert.Nil(t, u.EmailVerified)
		assert.Equal(t, time.Date(2026, 11, 26, 18, 28, 8, 966431000, time.UTC), u.Created)

		byAccess, err := repo.Sessions.ByAccessToken(ctx, live.AccessToken)
		require.NoError(t, err)
		assert.Equal(t, live.ID, byAccess.ID)
		wrote, err := repo.Sessions.Refresh(ctx, sess)
		require.NoError(t, err)
		assert.False(t, wrote, "a session a century from expiry is not due")
	})
	t.Run("ExpiredSession", func(t *testing.T) {
		_, err := repo.Sessions.WithUser(ctx, expired.SessionToken)
		assert.ErrorIs(t, err, legacy.ErrNotFound)
		_, err = repo.Sessions.ByToken(ctx, expired.SessionToken)
		assert.ErrorIs(t, err, legacy.ErrNotFound)
	})
	t.Run("Accounts", func(t *testing.T) {
		gh := rows.Accounts[0]
		key := legacy.AccountKey{ProviderID: gh.ProviderID, ProviderAccountID: gh.ProviderAccountID}
		u, err := repo.Users.ByAccount(ctx, key)
		require.NoError(t, err)
		assert.Equal(t, alice.ID, u.ID)
		assert.Equal(t, "Alice", *u.Name)
		acc, err := repo.Accounts.ByKey(ctx, key)
		require.NoError(t, err)
		assert.Equal(t, gh.CompoundID, acc.CompoundID)
		assert.Equal(t, "gho_refresh_alice", *acc.RefreshToken)
		assert.Equal(t, "gho_access_alice", *acc.AccessToken)
		require.NotNil(t, acc.AccessTokenExpires)
		assert.Equal(t, time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), *acc.AccessTokenExpires)
		assert.True(t, gh.AccessTokenExpires.Equal(*acc.AccessTokenExpires))

		google := rows.Accounts[1]
		acc, err = repo.Accounts.ByKey(ctx, legacy.AccountKey{ProviderID: google.ProviderID, ProviderAccountID: google.ProviderAccountID})
		require.NoError(t, err)
		assert.Equal(t, google.UserID, acc.UserID)
		assert.Nil(t, acc.AccessToken)
		assert.Nil(t, acc.RefreshToken)
		assert.Nil(t, acc.AccessTokenExpires)

		// Alice signs in with GitHub from the Go service.
		res, err := repo.SignInOAuth(ctx, legacy.OAuthSignIn{Account: key, Email: alice.Email})
		require.NoError(t, err)
		assert.False(t, res.IsNewUser)
		assert.Equal(t, alice.ID, res.User.ID)
		// GitLab with Alice's email is not linked automatically.
		_, err = repo.SignInOAuth(ctx, legacy.OAuthSignIn{
			Account: legacy.AccountKey{ProviderID: "gitlab", ProviderAccountID: "1"}, Email: alice.Email})
		assert.ErrorIs(t, err, legacy.ErrAccountNotLinked)
	})
	t.Run("SignInTokens", func(t *testing.T) {
		link, old := rows.VerificationRequests[0], rows.VerificationRequests[1]
		require.Equal(t, "a1b2c3", link.Token)
		require.Equal(t, "s3cret", rows.Secret)
		st := legacy.SignInToken{Identifier: link.Identifier, Token: link.Token, Secret: rows.Secret}
		found, err := repo.Verifications.Find(ctx, st)
		require.NoError(t, err)
		assert.Equal(t, "2126-11-02T18:28:08.99Z", found.Expires.Format(time.RFC3339Nano))

		res, err := repo.SignInEmail(ctx, st)
		require.NoError(t, err)
		assert.False(t, res.IsNewUser)
		assert.Equal(t, alice.ID, res.User.ID)
		require.NotNil(t, res.User.EmailVerified)
		// beta.73 never records a verified address: this first proof of
		// Alice's drops the account linked to her and her sessions.
		assert.Equal(t, []string{"github"}, res.Unlinked)
		_, err = repo.Sessions.WithUser(ctx, live.SessionToken)
		assert.ErrorIs(t, err, legacy.ErrNotFound)
		emailSession = res.Session
		_, err = repo.SignInEmail(ctx, st)
		assert.ErrorIs(t, err, legacy.ErrNotFound, "a link works once")
		_, err = repo.Verifications.Use(ctx, st)
		assert.ErrorIs(t, err, legacy.ErrNotFound)

		stOld := legacy.SignInToken{Identifier: old.Identifier, Token: old.Token, Secret: rows.Secret}
		_, err = repo.SignInEmail(ctx, stOld)
		assert.ErrorIs(t, err, legacy.ErrNotFound)
		_, err = repo.Verifications.Use(ctx, stOld)
		assert.ErrorIs(t, err, legacy.ErrNotFound)
		var n int64
		require.NoError(t, db.Raw("SELECT count(*) FROM verification_requests").Row().Scan(&n))
		assert.Zero(t, n, "the used and the expired token are gone")
	})
	t.Run("RowsWeWriteLookLikeNextAuths", func(t *testing.T) {
		before := time.Now().UTC().Truncate(time.Microsecond)
		res, err := repo.SignInOAuth(ctx, legacy.OAuthSignIn{
			Account: legacy.AccountKey{ProviderID: "github", ProviderAccountID: "67890"},
			Name:    strPtr("Dave"), Email: strPtr("dave@example.com"), Image: strPtr("https://example.com/dave.png"),
			AccessToken: strPtr("gho_access_dave"), RefreshToken: strPtr("gho_refresh_dave"),
			AccessTokenExpires: func() *time.Time { t := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC); return &t }(),
		})
		require.NoError(t, err)
		v, err := repo.Verifications.Create(ctx, legacy.SignInToken{Identifier: "Dave@Example.com", Token: "d4v3", Secret: rows.Secret}, 0)
		require.NoError(t, err)
		after := time.Now().UTC()
		acc, err := repo.Accounts.ByKey(ctx, legacy.AccountKey{ProviderID: "github", ProviderAccountID: "67890"})
		require.NoError(t, err)
		assert.Greater(t, res.User.ID, int32(2), "ids continue NextAuth.js's sequences")
		assert.EqualValues(t, 3, acc.ID)
		assert.Greater(t, res.Session.ID, int32(2))
		assert.Greater(t, v.ID, int32(2))

		hex64 := regexp.MustCompile(`^[0-9a-f]{64}$`)
		// timestamp without time zone, as row_to_json prints it: no Z, no offset.
		noZone := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?$`)
		for _, tc := range []struct {
			table      string
			ours       int32
			hex        []string
			timestamps []string
		}{
			{"users", res.User.ID, nil, []string{"created", "updated"}},
			{"accounts", acc.ID, []string{"compound_id"}, []string{"access_token_expires", "created", "updated"}},
			{"sessions", res.Session.ID, []string{"session_token", "access_token"}, []string{"expires", "created", "updated"}},
			{"verification_requests", v.ID, []string{"token"}, []string{"expires", "created", "updated"}},
		} {
			theirs, ours := theirRows[tc.table], rowJSON(t, db, tc.table, tc.ours)
			require.Equal(t, len(theirs), len(ours), tc.table)
			for col, want := range theirs {
				got, ok := ours[col]
				if assert.True(t, ok, "%s.%s", tc.table, col) && want != nil && got != nil {
					assert.IsType(t, want, got, "%s.%s", tc.table, col)
				}
				assert.Equal(t, want == nil, got == nil, "%s.%s: NULL in one row only", tc.table, col)
			}
			for _, col := range tc.hex {
				assert.Regexp(t, hex64, theirs[col], "theirs: %s.%s", tc.table, col)
				assert.Regexp(t, hex64, ours[col], "ours: %s.%s", tc.table, col)
			}
			for _, col := range tc.timestamps {
				assert.Regexp(t, noZone, theirs[col], "theirs: %s.%s", tc.table, col)
				assert.Regexp(t, noZone, ours[col], "ours: %s.%s", tc.table, col)
			}
			// Our timestamps are the UTC wall clock of the real now.
			created, err := time.Parse("2006-01-02T15:04:05.999999", ours["created"].(string))
			require.NoError(t, err)
			assert.False(t, created.Before(before) || created.After(after),
				"%s.created %s is UTC wall clock between %s and %s", tc.table, created, before, after)
		}
		assert.Equal(t, models.CompoundID("github", "67890"), acc.CompoundID)
		assert.Equal(t, "2030-01-01T00:00:00", rowJSON(t, db, "accounts", acc.ID)["access_token_expires"])
		assert.Equal(t, models.HashToken("d4v3", rows.Secret), rowJSON(t, db, "verification_requests", v.ID)["token"])
		assert.Equal(t, "dave@example.com", rowJSON(t, db, "verification_requests", v.ID)["identifer"])
	})
	t.Run("AutoMigrateLeavesItAlone", func(t *testing.T) {
		rowsBefore, catalogBefore := tableDump(t, db), catalog(t, db)
		require.NotEmpty(t, rowsBefore)
		require.NoError(t, gormauth.AutoMigrate(context.Background(), db, gormauth.Beta73))
		assert.Equal(t, rowsBefore, tableDump(t, db))
		assert.Equal(t, catalogBefore, catalog(t, db))
		// And the repository still reads a session.
		_, err := repo.Sessions.WithUser(ctx, emailSession.SessionToken)
		assert.NoError(t, err)
	})
}
