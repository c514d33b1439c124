package models_test

import (
	"context"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"
	"gorm.io/gorm/schema"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/internal/harness/testdb"
	"github.com/gormauth/gormauth/models/drizzle"
	"github.com/gormauth/gormauth/models/pg"
	"github.com/gormauth/gormauth/models/prisma"
	"github.com/gormauth/gormauth/models/prismav4"
	"github.com/gormauth/gormauth/repository"
)

// flavourModels is one Auth.js flavour's models package, as the tests see
// it.
type flavourModels struct {
	f *gormauth.Flavour
	// ddl is the flavour's tool's DDL, under testdata/.
	ddl string
	// models are the package's models, one per table, in the order of
	// Flavour.Tables and then the rest.
	models []any
	// remaining are the differences CheckSchema finds in the tables
	// CreateTable makes from the models ("kind table index"): the keys and
	// constraints GORM cannot give the tool's names.
	remaining []string
	// read reads the rows named by k through the models, as authjs rows.
	read func(t *testing.T, db *gorm.DB, k keys) rows
	// write creates the rows of in through the models, each ID left to
	// the models and the account's and session's user being the new user,
	// and returns them as the models hold them after the create.
	write func(t *testing.T, db *gorm.DB, in rows) rows
}

// rows are one user with an account, a session and a sign-in token, in
// package authjs's types.
type rows struct {
	User    repository.User
	Account repository.Account
	Session repository.Session
	Token   repository.VerificationToken
}

// keys name the rows of a rows.
type keys struct {
	UserID                      string
	Provider, ProviderAccountID string
	SessionToken                string
	Identifier, TokenHash       string
}

// drizzleRenamed: drizzle-kit names composite primary keys
// <table>_<columns>_pk and unique constraints <table>_<column>_unique; GORM
// gives a primary key no name (PostgreSQL's <table>_pkey) and a unique
// constraint uni_<table>_<column>.
var drizzleRenamed = []string{
	"constraint under another name user user_email_unique",
	"constraint under another name account account_provider_providerAccountId_pk",
	"constraint under another name verificationToken verificationToken_identifier_token_pk",
	"constraint under another name authenticator authenticator_userId_credentialID_pk",
	"constraint under another name authenticator authenticator_credentialID_unique",
}

func allFlavourModels() []flavourModels {
	drizzleModels := []any{&drizzle.User{}, &drizzle.Account{}, &drizzle.Session{}, &drizzle.VerificationToken{}, &drizzle.Authenticator{}}
	return []flavourModels{
		{f: gormauth.Prisma, ddl: "authjs/prisma-migrate-diff.sql",
			models: []any{&prisma.User{}, &prisma.Account{}, &prisma.Session{}, &prisma.VerificationToken{}, &prisma.Authenticator{}},
			read:   readPrisma, write: writePrisma},
		{f: gormauth.PrismaV4, ddl: "authjs-v4/prisma-v4-migrate-diff.sql",
			models: []any{&prismav4.User{}, &prismav4.Account{}, &prismav4.Session{}, &prismav4.VerificationToken{}},
			read:   readPrismaV4, write: writePrismaV4},
		{f: gormauth.Drizzle, ddl: "authjs/drizzle-builtin-tables.sql", models: drizzleModels,
			remaining: drizzleRenamed, read: readDrizzle, write: writeDrizzle},
		// The docs' schema lacks the composite primary keys the models
		// declare: GORM's are extra.
		{f: gormauth.DrizzleDocs, ddl: "authjs/drizzle-kit-generate.sql", models: drizzleModels,
			remaining: []string{
				drizzleRenamed[0],
				"extra index account account_pkey",
				"extra index verificationToken verificationToken_pkey",
				"extra index authenticator authenticator_pkey",
				drizzleRenamed[4],
			},
			read: readDrizzle, write: writeDrizzle},
		{f: gormauth.Pg, ddl: "authjs/pg-schema.sql",
			models: []any{&pg.User{}, &pg.Account{}, &pg.Session{}, &pg.VerificationToken{}},
			read:   readPg, write: writePg},
	}
}

// toolDatabase returns a fresh database holding the tables fm's tool
// creates.
func toolDatabase(t *testing.T, fm flavourModels) string {
	t.Helper()
	ddl, err := os.ReadFile("../testdata/" + fm.ddl)
	require.NoError(t, err)
	dsn := testdb.New(t)
	testdb.Exec(t, testdb.OpenURL(t, dsn), string(ddl))
	return dsn
}

// The models' tags give the flavour's columns exactly (names, types,
// nullability, defaults), and its keys, indexes and foreign keys under their
// names but for those GORM cannot name: CheckSchema on the tables
// db.Migrator().CreateTable makes from the models finds nothing else. A tag
// that drifts (a type, a NOT NULL, a default, an index name, a column
// missing or extra) adds a difference and fails.
func TestAuthJSModelsCreateTable(t *testing.T) {
	t.Parallel()
	for _, fm := range allFlavourModels() {
		t.Run(fm.f.Name(), func(t *testing.T) {
			t.Parallel()
			db := testdb.Open(t)
			require.NoError(t, db.Migrator().CreateTable(fm.models...))
			diffs, err := gormauth.CheckSchema(context.Background(), db, fm.f)
			require.NoError(t, err)
			var got []string
			for _, d := range diffs {
				got = append(got, d.Kind.String()+" "+d.Table+" "+d.Index)
			}
			assert.ElementsMatch(t, fm.remaining, got, "%v", diffs)
		})
	}
}

// GORM's own AutoMigrate on the models finds nothing to change in the
// tables the flavour's tool made: an application that calls it at start-up
// issues no DDL on them.
func TestAuthJSModelsGORMAutoMigrateNoDDL(t *testing.T) {
	t.Parallel()
	for _, fm := range allFlavourModels() {
		t.Run(fm.f.Name(), func(t *testing.T) {
			t.Parallel()
			db := testdb.OpenURL(t, toolDatabase(t, fm))
			testdb.InstallDDLLog(t, db)
			require.NoError(t, db.AutoMigrate(fm.models...))
			assert.Empty(t, testdb.DDLCommands(t, db))
		})
	}
}

// Each model's table is the flavour's whatever the naming strategy, and no
// field is one GORM stamps itself (autoCreateTime, autoUpdateTime), which it
// would do with the local time: the hooks stamp in UTC.
func TestAuthJSModelsTableNames(t *testing.T) {
	t.Parallel()
	namer := schema.NamingStrategy{TablePrefix: "app_", SingularTable: true, NoLowerCase: true}
	for _, fm := range allFlavourModels() {
		users, accounts, sessions, tokens := fm.f.Tables()
		for i, want := range []string{users, accounts, sessions, tokens} {
			s, err := schema.Parse(fm.models[i], &sync.Map{}, namer)
			require.NoError(t, err)
			assert.Equal(t, want, s.Table, "%s: %T", fm.f.Name(), fm.models[i])
		}
		for _, m := range fm.models {
			s, err := schema.Parse(m, &sync.Map{}, namer)
			require.NoError(t, err)
			for _, field := range s.Fields {
				assert.Zero(t, field.AutoCreateTime, "%T.%s", m, field.Name)
				assert.Zero(t, field.AutoUpdateTime, "%T.%s", m, field.Name)
			}
		}
	}
}

// Rows the repository of package repository writes read back through
// the models with the same values, and rows created through the models
// (ids, and Prisma's createdAt and updatedAt, left to their hooks; times in
// the local zone, to the nanosecond) read back through the repository with
// the same values: times are the same instants, at the column's precision.
// The models read through a connection whose TimeZone is not UTC, and the
// whole test runs again in a process whose local zone is UTC+14.
func TestAuthJSModelsRoundTrip(t *testing.T) {
	t.Parallel()
	for _, fm := range allFlavourModels() {
		t.Run(fm.f.Name(), func(t *testing.T) {
			t.Parallel()
			t.Run("TZ", func(t *testing.T) { roundTrip(t, fm) })
			t.Run("Kiritimati", func(t *testing.T) {
				if testdb.InZone(t, "Pacific/Kiritimati") {
					roundTrip(t, fm)
				}
			})
		})
	}
}

const secret = "s3cret"

func roundTrip(t *testing.T, fm flavourModels) {
	ctx := context.Background()
	dsn := toolDatabase(t, fm)
	// The driver labels what it reads of a timestamp column with the
	// connection's TimeZone.
	mdb := testdb.OpenURL(t, dsn+"&TimeZone=America/Los_Angeles")
	now := time.Date(2026, 11, 26, 18, 0, 0, 123456789, time.UTC)
	repo := repository.New(testdb.OpenURL(t, dsn), fm.f, repository.Options{Now: func() time.Time { return now }, Secret: []string{secret}})

	// Written by the repository, read through the models.
	verified := now.Add(-time.Hour)
	u := &repository.User{Name: ptr("Alice"), Email: ptr("alice@example.com"), EmailVerified: &verified, Image: ptr("https://example.com/a.png")}
	require.NoError(t, repo.Users.Create(ctx, u))
	require.NoError(t, repo.Accounts.Link(ctx, &repository.Account{UserID: u.ID, Type: "oidc", Provider: "google", ProviderAccountID: "1234",
		RefreshToken: ptr("refresh-1"), AccessToken: ptr("access-1"), IDToken: ptr("id-1"), ExpiresAt: ptr(int64(2_000_000_000)),
		TokenType: ptr("bearer"), Scope: ptr("openid email"), SessionState: ptr("state-1")}))
	s, err := repo.Sessions.Create(ctx, u.ID)
	require.NoError(t, err)
	plain := repository.SignInToken{Identifier: "alice@example.com", Token: "plain-1"}
	_, err = repo.Verifications.Create(ctx, plain, time.Hour)
	require.NoError(t, err)

	k := keys{UserID: u.ID, Provider: "google", ProviderAccountID: "1234", SessionToken: s.SessionToken,
		Identifier: plain.Identifier, TokenHash: repository.HashToken(plain.Token, []string{secret})}
	want := readAdapter(t, repo, k, plain)
	got := fm.read(t, mdb, k)
	if fm.f.WallClock() {
		for _, tm := range got.times() {
			assert.Equal(t, time.UTC, tm.Location(), "read through the models")
		}
	}
	assert.Equal(t, want.inUTC(), got.inUTC(), "rows the repository wrote, read through the models")

	// Written through the models, read by the repository.
	local := time.Date(2026, 11, 27, 9, 30, 15, 987654321, time.Local)
	in := rows{
		User: repository.User{Name: ptr("Bob"), Email: ptr("bob@example.com"), EmailVerified: &local},
		Account: repository.Account{Type: "oauth", Provider: "github", ProviderAccountID: "42", RefreshToken: ptr("refresh-2"),
			AccessToken: ptr("access-2"), IDToken: ptr("id-2"), ExpiresAt: ptr(int64(2_100_000_000)), TokenType: ptr("bearer"),
			Scope: ptr("read:user"), SessionState: ptr("state-2")},
		Session: repository.Session{SessionToken: "model-session-token", Expires: local.Add(24 * time.Hour)},
		Token:   repository.VerificationToken{Identifier: "bob@example.com", Token: repository.HashToken("plain-2", []string{secret}), Expires: local.Add(time.Hour)},
	}
	before := time.Now()
	written := fm.write(t, mdb, in)
	after := time.Now()
	assert.NotEmpty(t, written.User.ID, "the user's id")
	assert.True(t, written.Session.Expires.Equal(in.Session.Expires.Truncate(fm.f.Precision())), "%s", written.Session.Expires)
	assert.True(t, written.User.EmailVerified.Equal(local.Truncate(fm.f.Precision())), "%s", written.User.EmailVerified)
	if fm.f.ClockColumns() {
		for _, tm := range []time.Time{*written.User.CreatedAt, *written.User.UpdatedAt, *written.Account.CreatedAt, *written.Session.UpdatedAt} {
			assert.Equal(t, time.UTC, tm.Location())
			assert.True(t, !tm.Before(before.Truncate(fm.f.Precision())) && !tm.After(after), "%s is now", tm)
			assert.Equal(t, tm, tm.Truncate(fm.f.Precision()))
		}
	}
	back := readAdapter(t, repo, keys{UserID: written.User.ID, Provider: "github", ProviderAccountID: "42",
		SessionToken: "model-session-token", Identifier: "bob@example.com"}, repository.SignInToken{Identifier: "bob@example.com", Token: "plain-2"})
	assert.Equal(t, written.inUTC(), back.inUTC(), "rows written through the models, read by the repository")
}

// readAdapter reads the rows named by k through the repository.
func readAdapter(t *testing.T, repo *repository.Repository, k keys, token repository.SignInToken) rows {
	t.Helper()
	ctx := context.Background()
	u, err := repo.Users.ByID(ctx, k.UserID)
	require.NoError(t, err)
	a, err := repo.Accounts.ByKey(ctx, repository.AccountKey{Provider: k.Provider, ProviderAccountID: k.ProviderAccountID})
	require.NoError(t, err)
	s, err := repo.Sessions.ByToken(ctx, k.SessionToken)
	require.NoError(t, err)
	v, err := repo.Verifications.Find(ctx, token)
	require.NoError(t, err)
	return rows{User: *u, Account: *a, Session: *s, Token: *v}
}

// times returns every timestamp of r that is set.
func (r rows) times() []time.Time {
	var ts []time.Time
	for _, p := range []*time.Time{r.User.EmailVerified, r.User.CreatedAt, r.User.UpdatedAt, r.Account.CreatedAt,
		r.Account.UpdatedAt, &r.Session.Expires, r.Session.CreatedAt, r.Session.UpdatedAt, &r.Token.Expires} {
		if p != nil {
			ts = append(ts, *p)
		}
	}
	return ts
}

// inUTC returns r with every timestamp the same instant in UTC, so that
// rows compare equal when their times are the same instants.
func (r rows) inUTC() rows {
	for _, p := range []**time.Time{&r.User.EmailVerified, &r.User.CreatedAt, &r.User.UpdatedAt, &r.Account.CreatedAt,
		&r.Account.UpdatedAt, &r.Session.CreatedAt, &r.Session.UpdatedAt} {
		if *p != nil {
			utc := (**p).UTC()
			*p = &utc
		}
	}
	r.Session.Expires = r.Session.Expires.UTC()
	r.Token.Expires = r.Token.Expires.UTC()
	r.Session.User = nil
	return r
}

func ptr[T any](v T) *T { return &v }

// take reads the row where says through its model.
func take[T any](t *testing.T, db *gorm.DB, where *T) *T {
	t.Helper()
	var got T
	require.NoError(t, db.Where(where).Take(&got).Error)
	return &got
}

// create inserts each value through its model.
func create(t *testing.T, db *gorm.DB, values ...any) {
	t.Helper()
	for _, v := range values {
		require.NoError(t, db.Create(v).Error, "%T", v)
	}
}

func prismaRows(u *prisma.User, a *prisma.Account, s *prisma.Session, v *prisma.VerificationToken) rows {
	return rows{
		User: repository.User{ID: u.ID, Name: u.Name, Email: &u.Email, EmailVerified: u.EmailVerified, Image: u.Image,
			CreatedAt: &u.CreatedAt, UpdatedAt: &u.UpdatedAt},
		Account: repository.Account{UserID: a.UserID, Type: a.Type, Provider: a.Provider, ProviderAccountID: a.ProviderAccountID,
			RefreshToken: a.RefreshToken, AccessToken: a.AccessToken, IDToken: a.IDToken, ExpiresAt: a.ExpiresAt,
			TokenType: a.TokenType, Scope: a.Scope, SessionState: a.SessionState, CreatedAt: &a.CreatedAt, UpdatedAt: &a.UpdatedAt},
		Session: repository.Session{SessionToken: s.SessionToken, UserID: s.UserID, Expires: s.Expires, CreatedAt: &s.CreatedAt, UpdatedAt: &s.UpdatedAt},
		Token:   repository.VerificationToken{Identifier: v.Identifier, Token: v.Token, Expires: v.Expires},
	}
}

func readPrisma(t *testing.T, db *gorm.DB, k keys) rows {
	return prismaRows(take(t, db, &prisma.User{ID: k.UserID}),
		take(t, db, &prisma.Account{Provider: k.Provider, ProviderAccountID: k.ProviderAccountID}),
		take(t, db, &prisma.Session{SessionToken: k.SessionToken}),
		take(t, db, &prisma.VerificationToken{Identifier: k.Identifier, Token: k.TokenHash}))
}

func writePrisma(t *testing.T, db *gorm.DB, in rows) rows {
	u := &prisma.User{Name: in.User.Name, Email: *in.User.Email, EmailVerified: in.User.EmailVerified, Image: in.User.Image}
	create(t, db, u)
	a := &prisma.Account{UserID: u.ID, Type: in.Account.Type, Provider: in.Account.Provider, ProviderAccountID: in.Account.ProviderAccountID,
		RefreshToken: in.Account.RefreshToken, AccessToken: in.Account.AccessToken, IDToken: in.Account.IDToken,
		ExpiresAt: in.Account.ExpiresAt, TokenType: in.Account.TokenType, Scope: in.Account.Scope, SessionState: in.Account.SessionState}
	s := &prisma.Session{SessionToken: in.Session.SessionToken, UserID: u.ID, Expires: in.Session.Expires}
	v := &prisma.VerificationToken{Identifier: in.Token.Identifier, Token: in.Token.Token, Expires: in.Token.Expires}
	create(t, db, a, s, v)
	assert.Len(t, u.ID, 25, "a cuid")
	return prismaRows(u, a, s, v)
}

func prismaV4Rows(u *prismav4.User, a *prismav4.Account, s *prismav4.Session, v *prismav4.VerificationToken) rows {
	return rows{
		User: repository.User{ID: u.ID, Name: u.Name, Email: u.Email, EmailVerified: u.EmailVerified, Image: u.Image},
		Account: repository.Account{ID: a.ID, UserID: a.UserID, Type: a.Type, Provider: a.Provider, ProviderAccountID: a.ProviderAccountID,
			RefreshToken: a.RefreshToken, AccessToken: a.AccessToken, IDToken: a.IDToken, ExpiresAt: a.ExpiresAt,
			TokenType: a.TokenType, Scope: a.Scope, SessionState: a.SessionState},
		Session: repository.Session{ID: s.ID, SessionToken: s.SessionToken, UserID: s.UserID, Expires: s.Expires},
		Token:   repository.VerificationToken{Identifier: v.Identifier, Token: v.Token, Expires: v.Expires},
	}
}

func readPrismaV4(t *testing.T, db *gorm.DB, k keys) rows {
	return prismaV4Rows(take(t, db, &prismav4.User{ID: k.UserID}),
		take(t, db, &prismav4.Account{Provider: k.Provider, ProviderAccountID: k.ProviderAccountID}),
		take(t, db, &prismav4.Session{SessionToken: k.SessionToken}),
		take(t, db, &prismav4.VerificationToken{Identifier: k.Identifier, Token: k.TokenHash}))
}

func writePrismaV4(t *testing.T, db *gorm.DB, in rows) rows {
	u := &prismav4.User{Name: in.User.Name, Email: in.User.Email, EmailVerified: in.User.EmailVerified, Image: in.User.Image}
	create(t, db, u)
	a := &prismav4.Account{UserID: u.ID, Type: in.Account.Type, Provider: in.Account.Provider, ProviderAccountID: in.Account.ProviderAccountID,
		RefreshToken: in.Account.RefreshToken, AccessToken: in.Account.AccessToken, IDToken: in.Account.IDToken,
		ExpiresAt: in.Account.ExpiresAt, TokenType: in.Account.TokenType, Scope: in.Account.Scope, SessionState: in.Account.SessionState}
	s := &prismav4.Session{SessionToken: in.Session.SessionToken, UserID: u.ID, Expires: in.Session.Expires}
	v := &prismav4.VerificationToken{Identifier: in.Token.Identifier, Token: in.Token.Token, Expires: in.Token.Expires}
	create(t, db, a, s, v)
	for _, id := range []string{u.ID, a.ID, s.ID} {
		assert.Len(t, id, 25, "a cuid")
	}
	return prismaV4Rows(u, a, s, v)
}

func drizzleRows(u *drizzle.User, a *drizzle.Account, s *drizzle.Session, v *drizzle.VerificationToken) rows {
	return rows{
		User: repository.User{ID: u.ID, Name: u.Name, Email: u.Email, EmailVerified: u.EmailVerified, Image: u.Image},
		Account: repository.Account{UserID: a.UserID, Type: a.Type, Provider: a.Provider, ProviderAccountID: a.ProviderAccountID,
			RefreshToken: a.RefreshToken, AccessToken: a.AccessToken, IDToken: a.IDToken, ExpiresAt: a.ExpiresAt,
			TokenType: a.TokenType, Scope: a.Scope, SessionState: a.SessionState},
		Session: repository.Session{SessionToken: s.SessionToken, UserID: s.UserID, Expires: s.Expires},
		Token:   repository.VerificationToken{Identifier: v.Identifier, Token: v.Token, Expires: v.Expires},
	}
}

func readDrizzle(t *testing.T, db *gorm.DB, k keys) rows {
	return drizzleRows(take(t, db, &drizzle.User{ID: k.UserID}),
		take(t, db, &drizzle.Account{Provider: k.Provider, ProviderAccountID: k.ProviderAccountID}),
		take(t, db, &drizzle.Session{SessionToken: k.SessionToken}),
		take(t, db, &drizzle.VerificationToken{Identifier: k.Identifier, Token: k.TokenHash}))
}

func writeDrizzle(t *testing.T, db *gorm.DB, in rows) rows {
	u := &drizzle.User{Name: in.User.Name, Email: in.User.Email, EmailVerified: in.User.EmailVerified, Image: in.User.Image}
	create(t, db, u)
	a := &drizzle.Account{UserID: u.ID, Type: in.Account.Type, Provider: in.Account.Provider, ProviderAccountID: in.Account.ProviderAccountID,
		RefreshToken: in.Account.RefreshToken, AccessToken: in.Account.AccessToken, IDToken: in.Account.IDToken,
		ExpiresAt: in.Account.ExpiresAt, TokenType: in.Account.TokenType, Scope: in.Account.Scope, SessionState: in.Account.SessionState}
	s := &drizzle.Session{SessionToken: in.Session.SessionToken, UserID: u.ID, Expires: in.Session.Expires}
	v := &drizzle.VerificationToken{Identifier: in.Token.Identifier, Token: in.Token.Token, Expires: in.Token.Expires}
	create(t, db, a, s, v)
	assert.Len(t, u.ID, 36, "a UUID")
	return drizzleRows(u, a, s, v)
}

func pgRows(u *pg.User, a *pg.Account, s *pg.Session, v *pg.VerificationToken) rows {
	id := func(n int32) string { return strconv.FormatInt(int64(n), 10) }
	return rows{
		User: repository.User{ID: id(u.ID), Name: u.Name, Email: u.Email, EmailVerified: u.EmailVerified, Image: u.Image},
		Account: repository.Account{ID: id(a.ID), UserID: id(a.UserID), Type: a.Type, Provider: a.Provider, ProviderAccountID: a.ProviderAccountID,
			RefreshToken: a.RefreshToken, AccessToken: a.AccessToken, IDToken: a.IDToken, ExpiresAt: a.ExpiresAt,
			TokenType: a.TokenType, Scope: a.Scope, SessionState: a.SessionState},
		Session: repository.Session{ID: id(s.ID), SessionToken: s.SessionToken, UserID: id(s.UserID), Expires: s.Expires},
		Token:   repository.VerificationToken{Identifier: v.Identifier, Token: v.Token, Expires: v.Expires},
	}
}

func readPg(t *testing.T, db *gorm.DB, k keys) rows {
	userID, err := strconv.ParseInt(k.UserID, 10, 32)
	require.NoError(t, err)
	return pgRows(take(t, db, &pg.User{ID: int32(userID)}),
		take(t, db, &pg.Account{Provider: k.Provider, ProviderAccountID: k.ProviderAccountID}),
		take(t, db, &pg.Session{SessionToken: k.SessionToken}),
		take(t, db, &pg.VerificationToken{Identifier: k.Identifier, Token: k.TokenHash}))
}

func writePg(t *testing.T, db *gorm.DB, in rows) rows {
	u := &pg.User{Name: in.User.Name, Email: in.User.Email, EmailVerified: in.User.EmailVerified, Image: in.User.Image}
	create(t, db, u)
	a := &pg.Account{UserID: u.ID, Type: in.Account.Type, Provider: in.Account.Provider, ProviderAccountID: in.Account.ProviderAccountID,
		RefreshToken: in.Account.RefreshToken, AccessToken: in.Account.AccessToken, IDToken: in.Account.IDToken,
		ExpiresAt: in.Account.ExpiresAt, TokenType: in.Account.TokenType, Scope: in.Account.Scope, SessionState: in.Account.SessionState}
	s := &pg.Session{SessionToken: in.Session.SessionToken, UserID: u.ID, Expires: in.Session.Expires}
	v := &pg.VerificationToken{Identifier: in.Token.Identifier, Token: in.Token.Token, Expires: in.Token.Expires}
	create(t, db, a, s, v)
	assert.NotZero(t, u.ID, "the serial id")
	return pgRows(u, a, s, v)
}

// An update through a Prisma model sets updatedAt to the current time in
// UTC, as the Prisma client's @updatedAt does, whether it saves the model or
// updates a column; createdAt stays.
func TestPrismaModelsUpdatedAt(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fm := allFlavourModels()[0]
	dsn := toolDatabase(t, fm)
	db := testdb.OpenURL(t, dsn+"&TimeZone=Asia/Tokyo")
	repo := repository.New(testdb.OpenURL(t, dsn), fm.f, repository.Options{})
	created := time.Date(2020, 1, 2, 3, 4, 5, 6e6, time.UTC)
	u := &prisma.User{Email: "carol@example.com", CreatedAt: created}
	create(t, db, u)
	assert.Equal(t, created, u.UpdatedAt, "a zero updatedAt is createdAt")

	check := func(what string) {
		t.Helper()
		got, err := repo.Users.ByID(ctx, u.ID)
		require.NoError(t, err)
		assert.True(t, got.CreatedAt.Equal(created), "%s: createdAt %s", what, got.CreatedAt)
		assert.WithinDuration(t, time.Now(), *got.UpdatedAt, 2*time.Second, "%s: updatedAt", what)
	}
	require.NoError(t, db.Model(u).Update("name", "Carol").Error)
	check("Update")
	u.UpdatedAt = created
	require.NoError(t, db.Save(u).Error)
	check("Save")
}
