package repository_test

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth/repository"
)

// vectors are the normaliser's and createHash's inputs and outputs as the
// real packages gave them (testdata/authjs*/…-flows.json).
type vectors struct {
	NormalizeIdentifier []struct{ Input, Output string }
	CreateHash          []struct {
		Input, Output, Note string
		Token, Secret       *string
	}
}

func readVectors(t testing.TB, file string) vectors {
	t.Helper()
	b, err := os.ReadFile("../testdata/" + file)
	require.NoError(t, err)
	var flows struct{ Vectors vectors }
	require.NoError(t, json.Unmarshal(b, &flows))
	require.NotEmpty(t, flows.Vectors.NormalizeIdentifier)
	return flows.Vectors
}

func TestNormalizeIdentifier(t *testing.T) {
	t.Parallel()
	for file, normalize := range map[string]func(string) (string, error){
		"authjs/pg-flows.json":           repository.NormalizeIdentifier,
		"authjs/prisma-flows.json":       repository.NormalizeIdentifier,
		"authjs/drizzle-flows.json":      repository.NormalizeIdentifier,
		"authjs-v4/prisma-v4-flows.json": repository.NormalizeIdentifierV4,
	} {
		for _, v := range readVectors(t, file).NormalizeIdentifier {
			got, err := normalize(v.Input)
			if strings.HasPrefix(v.Output, "Error:") {
				assert.ErrorIs(t, err, repository.ErrInvalidEmail, "%s: %q", file, v.Input)
			} else if assert.NoError(t, err, "%s: %q", file, v.Input) {
				assert.Equal(t, v.Output, got, "%s: %q", file, v.Input)
			}
		}
	}
	_, err := repository.NormalizeIdentifier("")
	assert.ErrorIs(t, err, repository.ErrInvalidEmail, "Auth.js: Missing email from request body")
	got, err := repository.NormalizeIdentifier("a@localhost")
	assert.NoError(t, err, "v5 accepts a domain without a dot")
	assert.Equal(t, "a@localhost", got)
	_, err = repository.NormalizeIdentifier("bob@,example.com")
	assert.ErrorIs(t, err, repository.ErrInvalidEmail, "nothing left of the domain")
}

func TestHashToken(t *testing.T) {
	t.Parallel()
	for _, file := range []string{"authjs/pg-flows.json", "authjs-v4/prisma-v4-flows.json"} {
		for _, v := range readVectors(t, file).CreateHash {
			switch {
			case v.Token != nil:
				assert.Equal(t, v.Output, repository.HashToken(*v.Token, []string{*v.Secret}))
			case v.Note != "": // the secret as the list [s2, s1]
				assert.Equal(t, v.Output, repository.HashToken("tok", []string{"s2", "s1"}))
			default:
				assert.Equal(t, v.Output, repository.HashToken(v.Input, []string{""}))
			}
		}
	}
}

func TestVerificationsCreate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachFlavour(t, func(t *testing.T, e *env) {
		row, err := e.repo.Verifications.Create(ctx, repository.SignInToken{Identifier: "  Alice@Example.COM ", Token: "a1b2c3"}, 0)
		require.NoError(t, err)
		want := "alice@example.com"
		if e.f.LowerCasesIdentifiers() {
			want = "  alice@example.com " // beta.73 lower-cases, and nothing else
		}
		assert.Equal(t, want, row.Identifier)
		assert.Equal(t, repository.HashToken("a1b2c3", []string{secret}), row.Token, "only the hash is stored")
		assert.Equal(t, "d491d5d9d73fef6b6b704383009989555ff183b34d775857f1d2d3b061143791", row.Token)
		assert.Equal(t, start.Add(repository.DefaultVerificationMaxAge), row.Expires)
		assert.Equal(t, int64(0), e.count(t, e.tokens, `"token" = 'a1b2c3' OR "token" LIKE '%'||?||'%'`, secret), "neither the token nor the secret")
		assert.Equal(t, int64(1), e.count(t, e.tokens, `"token" = ? AND "identifier" = ?`, row.Token, want))
		row, err = e.repo.Verifications.Create(ctx, repository.SignInToken{Identifier: "b@example.com", Token: "t2"}, 10*time.Minute)
		require.NoError(t, err)
		assert.Equal(t, start.Add(10*time.Minute), row.Expires)

		// The same token again, for another address: refused where the
		// token is a unique key (beta.73's, NextAuth.js v4's Prisma schema).
		_, err = e.repo.Verifications.Create(ctx, repository.SignInToken{Identifier: "c@example.com", Token: "a1b2c3"}, 0)
		if e.uniqueToken(t) {
			assert.ErrorIs(t, err, repository.ErrAlreadyExists)
		} else {
			assert.NoError(t, err)
		}

		// Refused addresses (beta.73 refuses only what no row holds), and
		// v4's extra rule.
		before := e.snapshot(t)
		refused := []string{"alice@example.com,evil@attacker.com", `"bob"@example.com`, "no-at-sign", ""}
		if e.f.LowerCasesIdentifiers() {
			refused = []string{"", "a\x00b@example.com"}
		}
		for _, bad := range refused {
			_, err := e.repo.Verifications.Create(ctx, repository.SignInToken{Identifier: bad, Token: "t"}, 0)
			assert.ErrorIs(t, err, repository.ErrInvalidInput, "%q", bad)
		}
		_, err = e.repo.Verifications.Create(ctx, repository.SignInToken{Identifier: "a@localhost", Token: "t"}, time.Hour)
		if e.f.V4() {
			assert.ErrorIs(t, err, repository.ErrInvalidEmail)
			assert.Equal(t, before, e.snapshot(t))
		} else {
			assert.NoError(t, err)
		}

		// Without a secret, nothing can be hashed.
		noSecret := repository.New(e.db, e.f, repository.Options{Now: e.clock.Now, Secret: []string{}})
		_, err = noSecret.Verifications.Create(ctx, repository.SignInToken{Identifier: "a@example.com", Token: "t"}, 0)
		assert.ErrorIs(t, err, repository.ErrInvalidInput)
	})
}

// uniqueToken reports whether the sign-in tokens table has a unique key on
// the token alone.
func (e *env) uniqueToken(tb testing.TB) bool {
	tb.Helper()
	var unique bool
	require.NoError(tb, e.db.Raw(`SELECT EXISTS (SELECT 1 FROM pg_index i
		JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
		WHERE i.indrelid = ?::regclass AND i.indisunique AND i.indnatts = 1 AND a.attname = 'token')`, e.tokens).Scan(&unique).Error)
	return unique
}

// TestIdentifierLengthAfterLowerCasing: MaxEmailLen holds for the address
// as stored, lower-cased (and normalised), not as given: "İ" is 2 bytes and
// lower-cases to 3, the Kelvin sign is 3 and becomes "k". (Not in pg's
// flavour, whose columns hold 255 characters.)
func TestIdentifierLengthAfterLowerCasing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	longer := strings.Repeat("İ", 700) + "@x.io" // 1 405 bytes given, 2 105 lower-cased
	require.Len(t, longer, 1405)
	require.Len(t, repository.LowerEmail(longer), 2105)
	require.Greater(t, 2105, repository.MaxEmailLen)
	shorter := strings.Repeat("\u212a", 700) + "@x.io" // 2 105 bytes given, 705 lower-cased
	require.Len(t, shorter, 2105)
	require.Len(t, repository.LowerEmail(shorter), 705)
	eachFlavour(t, func(t *testing.T, e *env) {
		if e.f.MaxLen() > 0 {
			t.Skip("character varying(255) columns")
		}
		before := e.snapshot(t)
		tok := repository.SignInToken{Identifier: longer, Token: "long"}
		_, err := e.repo.Verifications.Create(ctx, tok, 0)
		assert.ErrorIs(t, err, repository.ErrInvalidInput)
		assert.ErrorContains(t, err, "identifier is 2105 bytes, more than the 2048 allowed")
		_, err = e.repo.SignInEmail(ctx, repository.EmailSignIn{SignInToken: tok})
		assert.ErrorIs(t, err, repository.ErrNotFound, "no row holds such an identifier")
		_, err = e.repo.SignInOAuth(ctx, repository.OAuthSignIn{Account: repository.Account{Provider: "github", ProviderAccountID: "long"}, Email: &longer})
		assert.ErrorIs(t, err, repository.ErrInvalidInput)
		assert.ErrorContains(t, err, "email is 2105 bytes")
		assert.Equal(t, before, e.snapshot(t), "nothing written")

		tok = e.mustToken(t, shorter)
		assert.Equal(t, strings.Repeat("k", 700)+"@x.io", tok.Identifier)
		res, err := e.repo.SignInEmail(ctx, repository.EmailSignIn{SignInToken: tok})
		require.NoError(t, err)
		assert.Equal(t, strings.Repeat("k", 700)+"@x.io", *res.User.Email)
		// What was stored can be looked up and written back: the limit held.
		got, err := e.repo.Users.ByEmail(ctx, *res.User.Email)
		require.NoError(t, err)
		require.NoError(t, e.repo.Users.Update(ctx, got))
		oauth, err := e.repo.SignInOAuth(ctx, repository.OAuthSignIn{Account: repository.Account{Provider: "github", ProviderAccountID: "short"},
			Email: ptr(strings.Repeat("\u212a", 700) + "@y.io")})
		require.NoError(t, err)
		assert.Equal(t, strings.Repeat("k", 700)+"@y.io", *oauth.User.Email)
	})
}

func TestCallbackURL(t *testing.T) {
	t.Parallel()
	link := repository.CallbackURL("https://app.example.com/api/auth/", "nodemailer", "https://app.example.com/dash?a=1",
		repository.SignInToken{Identifier: "a+b@example.com", Token: "abc"})
	u, err := url.Parse(link)
	require.NoError(t, err)
	assert.Equal(t, "/api/auth/callback/nodemailer", u.Path)
	assert.Equal(t, url.Values{"callbackUrl": {"https://app.example.com/dash?a=1"}, "token": {"abc"}, "email": {"a+b@example.com"}}, u.Query())
}

func TestVerificationsFindAndUse(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachFlavour(t, func(t *testing.T, e *env) {
		tok := e.mustToken(t, "Alice@Example.com")
		assert.Equal(t, "alice@example.com", tok.Identifier)

		_, err := e.repo.Verifications.Find(ctx, tok)
		require.NoError(t, err)
		for name, wrong := range map[string]repository.SignInToken{
			"token":      {Identifier: tok.Identifier, Token: tok.Token + "x"},
			"identifier": {Identifier: "bob@example.com", Token: tok.Token},
		} {
			_, err := e.repo.Verifications.Find(ctx, wrong)
			assert.ErrorIs(t, err, repository.ErrNotFound, name)
		}
		if !e.f.LowerCasesIdentifiers() {
			_, err = e.repo.Verifications.Use(ctx, repository.SignInToken{Identifier: "Alice@Example.com", Token: tok.Token})
			assert.ErrorIs(t, err, repository.ErrNotFound, "the link's address is not normalised again")
		} else {
			_, err = e.repo.Verifications.Find(ctx, repository.SignInToken{Identifier: "Alice@Example.com", Token: tok.Token})
			assert.NoError(t, err, "beta.73 lower-cases the link's address again")
		}
		rotated := repository.New(e.db, e.f, repository.Options{Now: e.clock.Now, Secret: []string{"other", secret}})
		_, err = rotated.Verifications.Use(ctx, tok)
		assert.ErrorIs(t, err, repository.ErrNotFound, "hashed with the secrets joined")

		e.clock.Advance(repository.DefaultVerificationMaxAge) // now = expires: still valid
		e.tracer.Reset()
		row, err := e.repo.Verifications.Use(ctx, tok)
		require.NoError(t, err)
		assert.Len(t, e.tracer.Statements(), 1, "one DELETE … RETURNING")
		assert.Equal(t, tok.Identifier, row.Identifier)
		_, err = e.repo.Verifications.Use(ctx, tok)
		assert.ErrorIs(t, err, repository.ErrNotFound, "once")

		expired := e.mustToken(t, "bob@example.com")
		e.clock.Advance(repository.DefaultVerificationMaxAge + e.f.Precision())
		_, err = e.repo.Verifications.Find(ctx, expired)
		assert.ErrorIs(t, err, repository.ErrNotFound)
		_, err = e.repo.Verifications.Use(ctx, expired)
		assert.ErrorIs(t, err, repository.ErrNotFound)
		assert.Equal(t, int64(0), e.count(t, e.tokens, ""), "an expired token is deleted by the redeem, as Auth.js does")
	})
}

// Of concurrent redeems of one token exactly one succeeds, on every
// flavour (Drizzle's docs schema has no key on the table).
func TestVerificationsUseConcurrent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachFlavour(t, func(t *testing.T, e *env) {
		tok := e.mustToken(t, "alice@example.com")
		const n = 8
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = e.repo.Verifications.Use(ctx, tok)
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
			} else {
				assert.ErrorIs(t, err, repository.ErrNotFound)
			}
		}
		assert.Equal(t, 1, ok)
	})
}

func TestVerificationsDelete(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachFlavour(t, func(t *testing.T, e *env) {
		a := e.mustToken(t, "a@example.com")
		require.NoError(t, e.repo.Verifications.Delete(ctx, a))
		assert.ErrorIs(t, e.repo.Verifications.Delete(ctx, a), repository.ErrNotFound)

		for range 3 {
			e.mustToken(t, "old@example.com")
		}
		e.clock.Advance(time.Hour)
		live := e.mustToken(t, "new@example.com")
		e.clock.Advance(repository.DefaultVerificationMaxAge) // the old ones expired an hour ago; live expires now
		n, err := e.repo.Verifications.DeleteExpired(ctx, 2)
		require.NoError(t, err)
		assert.Equal(t, int64(3), n)
		_, err = e.repo.Verifications.Find(ctx, live)
		assert.NoError(t, err)
		assert.Equal(t, int64(1), e.count(t, e.tokens, ""))
	})
}
