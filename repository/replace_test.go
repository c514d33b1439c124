package repository_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth/repository"
)

// replaceToken stores a sign-in token for the address with Replace and
// returns what the link carries.
func (e *env) replaceToken(tb testing.TB, email string, maxAge time.Duration) repository.SignInToken {
	tb.Helper()
	tok, err := repository.NewSignInToken()
	require.NoError(tb, err)
	row, err := e.repo.Verifications.Replace(context.Background(), repository.SignInToken{Identifier: email, Token: tok}, maxAge)
	require.NoError(tb, err)
	return repository.SignInToken{Identifier: row.Identifier, Token: tok}
}

// Replace stores a new link and the links sent before for the address (as
// the normaliser makes it) stop working; other addresses' links are kept.
func TestVerificationsReplace(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachFlavour(t, func(t *testing.T, e *env) {
		other := e.mustToken(t, "bob@example.com")
		first := e.replaceToken(t, "alice@example.com", 0)
		created := e.mustToken(t, "ALICE@example.com")

		typed := " Alice@Example.COM "
		if e.f.LowerCasesIdentifiers() {
			typed = "Alice@Example.COM" // beta.73 lower-cases only: the spaces would make another address
		}
		second := e.replaceToken(t, typed, 10*time.Minute)
		assert.Equal(t, "alice@example.com", second.Identifier, "normalised as Create does")
		row, err := e.repo.Verifications.Find(ctx, second)
		require.NoError(t, err)
		assert.Equal(t, start.Add(10*time.Minute), row.Expires)
		assert.Equal(t, int64(1), e.count(t, e.tokens, `"identifier" = ?`, "alice@example.com"))
		for _, old := range []repository.SignInToken{first, created} {
			_, err = e.repo.SignInEmail(ctx, repository.EmailSignIn{SignInToken: old})
			assert.ErrorIs(t, err, repository.ErrNotFound, "a link sent before stops working")
		}
		_, err = e.repo.Verifications.Find(ctx, other)
		assert.NoError(t, err, "another address's link is kept")
		_, err = e.repo.SignInEmail(ctx, repository.EmailSignIn{SignInToken: second})
		assert.NoError(t, err)

		// A link replaced by itself: the old row is deleted first. The same
		// token for another address is refused where the token is a unique
		// key, and the stored link is kept.
		third := e.replaceToken(t, "carol@example.com", 0)
		_, err = e.repo.Verifications.Replace(ctx, third, 0)
		assert.NoError(t, err)
		assert.Equal(t, int64(1), e.count(t, e.tokens, `"identifier" = ?`, "carol@example.com"))
		if e.uniqueToken(t) {
			_, err = e.repo.Verifications.Replace(ctx, repository.SignInToken{Identifier: "dave@example.com", Token: third.Token}, 0)
			assert.ErrorIs(t, err, repository.ErrAlreadyExists)
		}
		_, err = e.repo.Verifications.Find(ctx, third)
		assert.NoError(t, err)
	})
}

// Concurrent Replace calls for one address leave exactly one link.
func TestVerificationsReplaceConcurrent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachFlavour(t, func(t *testing.T, e *env) {
		const n = 20
		links := make([]repository.SignInToken, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			tok, err := repository.NewSignInToken()
			require.NoError(t, err)
			links[i] = repository.SignInToken{Identifier: "race@example.com", Token: tok}
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = e.repo.Verifications.Replace(ctx, links[i], 0)
			}()
		}
		wg.Wait()
		for _, err := range errs {
			require.NoError(t, err)
		}
		assert.Equal(t, int64(1), e.count(t, e.tokens, ""))
		works := 0
		for _, l := range links {
			if _, err := e.repo.Verifications.Find(ctx, l); err == nil {
				works++
			}
		}
		assert.Equal(t, 1, works)
	})
}

// Invalid input to Replace is ErrInvalidInput, and nothing is sent.
func TestVerificationsReplaceInvalidInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachFlavour(t, func(t *testing.T, e *env) {
		valid := repository.SignInToken{Identifier: "d@example.com", Token: "t"}
		bad := map[string]string{
			"empty": "", "NUL": "a\x00b", "invalid UTF8": "a\xffb",
			"oversized": strings.Repeat("a", 3*repository.MaxEmailLen+1),
		}
		var calls []func() error
		replace := func(r *repository.Repository, ctx context.Context, t repository.SignInToken, maxAge time.Duration) func() error {
			return func() error { _, err := r.Verifications.Replace(ctx, t, maxAge); return err }
		}
		for _, v := range bad {
			calls = append(calls,
				replace(e.repo, ctx, repository.SignInToken{Identifier: v, Token: "t"}, 0),
				replace(e.repo, ctx, repository.SignInToken{Identifier: "d@example.com", Token: v}, 0))
		}
		noSecret := repository.New(e.db, e.f, repository.Options{Now: e.clock.Now, Secret: []string{}})
		late := repository.New(e.db, e.f, repository.Options{Secret: []string{secret},
			Now: func() time.Time { return time.Date(294276, 12, 31, 23, 0, 0, 0, time.UTC) }})
		var none context.Context          // a nil context is what is tested
		if !e.f.LowerCasesIdentifiers() { // beta.73 takes any address
			calls = append(calls, replace(e.repo, ctx, repository.SignInToken{Identifier: "not an address", Token: "t"}, 0))
		}
		calls = append(calls,
			replace(e.repo, ctx, valid, -time.Second),
			replace(noSecret, ctx, valid, 0),
			replace(late, ctx, valid, 2*time.Hour),
			replace(e.repo, none, valid, 0),
		)
		e.tracer.Reset()
		for i, call := range calls {
			assert.ErrorIs(t, call(), repository.ErrInvalidInput, "call %d", i)
		}
		assert.Empty(t, e.tracer.Statements(), "nothing sent")
	})
}

// Redeeming a link ends the address's other links; a wrong or expired
// token ends none.
func TestSignInEmailEndsOtherLinks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachFlavour(t, func(t *testing.T, e *env) {
		a, b := e.mustToken(t, "alice@example.com"), e.mustToken(t, "alice@example.com")
		other := e.mustToken(t, "bob@example.com")

		wrong := a
		wrong.Token = "guessed"
		_, err := e.repo.SignInEmail(ctx, repository.EmailSignIn{SignInToken: wrong})
		assert.ErrorIs(t, err, repository.ErrNotFound)
		assert.Equal(t, int64(2), e.count(t, e.tokens, `"identifier" = ?`, "alice@example.com"), "a wrong token ends nothing")

		_, err = e.repo.SignInEmail(ctx, repository.EmailSignIn{SignInToken: a})
		require.NoError(t, err)
		_, err = e.repo.SignInEmail(ctx, repository.EmailSignIn{SignInToken: b})
		assert.ErrorIs(t, err, repository.ErrNotFound, "the other link stopped working")
		assert.Zero(t, e.count(t, e.tokens, `"identifier" = ?`, "alice@example.com"))
		_, err = e.repo.Verifications.Find(ctx, other)
		assert.NoError(t, err, "another address's link is kept")

		// An expired link is deleted, and the address's other links kept.
		short := e.replaceToken(t, "carol@example.com", time.Minute)
		keep := e.mustToken(t, "carol@example.com")
		e.clock.Advance(time.Minute + time.Second)
		_, err = e.repo.SignInEmail(ctx, repository.EmailSignIn{SignInToken: short})
		assert.ErrorIs(t, err, repository.ErrNotFound)
		_, err = e.repo.SignInEmail(ctx, repository.EmailSignIn{SignInToken: keep})
		assert.NoError(t, err)
	})
}
