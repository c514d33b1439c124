package repository_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth/internal/legacy73"
)

// newLink returns a link for the address with a fresh token, not stored.
func newLink(tb testing.TB, email string) repository.SignInToken {
	tb.Helper()
	tok, err := repository.NewToken()
	require.NoError(tb, err)
	return repository.SignInToken{Identifier: email, Token: tok, Secret: "s3cret"}
}

// Replace stores a new link and the links sent before for the address stop
// working; other addresses' links are kept.
func TestVerificationsReplace(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	other := e.mustLink(t, "bob@example.com")
	first := newLink(t, "alice@example.com")
	_, err := e.repo.Verifications.Replace(ctx, first, 0)
	require.NoError(t, err)
	created := e.mustLink(t, "ALICE@example.com") // by Create, lower-cased

	second := newLink(t, "Alice@Example.com")
	row, err := e.repo.Verifications.Replace(ctx, second, 10*time.Minute)
	require.NoError(t, err)
	assert.Equal(t, "alice@example.com", row.Identifier, "lower-cased as Create does")
	assert.Equal(t, start.Add(10*time.Minute), row.Expires)
	assert.EqualValues(t, 1, e.countWhere(t, "verification_requests", "identifer = ?", "alice@example.com"))
	for _, old := range []repository.SignInToken{first, created} {
		_, err = e.repo.SignInEmail(ctx, old)
		assert.ErrorIs(t, err, repository.ErrNotFound, "a link sent before stops working")
	}
	_, err = e.repo.Verifications.Find(ctx, other)
	assert.NoError(t, err, "another address's link is kept")
	_, err = e.repo.SignInEmail(ctx, second)
	assert.NoError(t, err)

	// The same token and secret twice is ErrAlreadyExists, as with Create,
	// and the stored link is kept.
	third := newLink(t, "carol@example.com")
	_, err = e.repo.Verifications.Replace(ctx, third, 0)
	require.NoError(t, err)
	_, err = e.repo.Verifications.Replace(ctx, third, 0)
	assert.NoError(t, err, "replacing a link by itself: the old row is deleted first")
	assert.EqualValues(t, 1, e.countWhere(t, "verification_requests", "identifer = ?", "carol@example.com"))
	dup := third
	dup.Identifier = "dave@example.com"
	_, err = e.repo.Verifications.Replace(ctx, dup, 0)
	assert.ErrorIs(t, err, repository.ErrAlreadyExists)
	_, err = e.repo.Verifications.Find(ctx, third)
	assert.NoError(t, err)
}

// Concurrent Replace calls for one address leave exactly one link.
func TestVerificationsReplaceConcurrent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	const n = 20
	links := make([]repository.SignInToken, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		links[i] = newLink(t, "race@example.com")
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
	assert.EqualValues(t, 1, e.count(t, "verification_requests"))
	works := 0
	for _, l := range links {
		if _, err := e.repo.Verifications.Find(ctx, l); err == nil {
			works++
		}
	}
	assert.Equal(t, 1, works)
}

// Invalid input to Replace is ErrInvalidInput, and nothing is sent.
func TestVerificationsReplaceInvalidInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	valid := newLink(t, "d@example.com")
	var calls []func() error
	for _, bad := range badStrings {
		for _, mutate := range []func(*repository.SignInToken){
			func(s *repository.SignInToken) { s.Identifier = bad },
			func(s *repository.SignInToken) { s.Token = bad },
		} {
			tok := valid
			mutate(&tok)
			calls = append(calls, func() error { _, err := e.repo.Verifications.Replace(ctx, tok, 0); return err })
		}
	}
	late := repository.New(e.db, repository.Options{Now: func() time.Time { return time.Date(294276, 12, 31, 23, 0, 0, 0, time.UTC) }})
	var none context.Context // a nil context is what is tested
	calls = append(calls,
		func() error { _, err := e.repo.Verifications.Replace(ctx, valid, -time.Second); return err },
		func() error { _, err := late.Verifications.Replace(ctx, valid, 2*time.Hour); return err },
		func() error { _, err := e.repo.Verifications.Replace(none, valid, 0); return err },
	)
	e.tracer.Reset()
	for i, call := range calls {
		assert.ErrorIs(t, call(), repository.ErrInvalidInput, "call %d", i)
	}
	assert.Empty(t, e.tracer.Statements(), "nothing sent")
}

// Redeeming a link ends the address's other links; a wrong or expired
// token ends none.
func TestSignInEmailEndsOtherLinks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t)
	a, b := e.mustLink(t, "alice@example.com"), e.mustLink(t, "alice@example.com")
	other := e.mustLink(t, "bob@example.com")

	wrong := a
	wrong.Token = "guessed"
	_, err := e.repo.SignInEmail(ctx, wrong)
	assert.ErrorIs(t, err, repository.ErrNotFound)
	assert.EqualValues(t, 2, e.countWhere(t, "verification_requests", "identifer = ?", "alice@example.com"), "a wrong token ends nothing")

	_, err = e.repo.SignInEmail(ctx, a)
	require.NoError(t, err)
	_, err = e.repo.SignInEmail(ctx, b)
	assert.ErrorIs(t, err, repository.ErrNotFound, "the other link stopped working")
	assert.Zero(t, e.countWhere(t, "verification_requests", "identifer = ?", "alice@example.com"))
	_, err = e.repo.Verifications.Find(ctx, other)
	assert.NoError(t, err, "another address's link is kept")

	// An expired link is deleted, and the address's other links kept.
	short := newLink(t, "carol@example.com")
	_, err = e.repo.Verifications.Create(ctx, short, time.Minute)
	require.NoError(t, err)
	keep := e.mustLink(t, "carol@example.com")
	e.clock.Advance(time.Minute + time.Second)
	_, err = e.repo.SignInEmail(ctx, short)
	assert.ErrorIs(t, err, repository.ErrNotFound)
	_, err = e.repo.SignInEmail(ctx, keep)
	assert.NoError(t, err)
}
