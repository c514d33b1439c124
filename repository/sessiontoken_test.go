package repository_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/repository"
)

// tokenQueue is a session.generateSessionToken that returns its tokens in
// turn (then err, or an error once they run out) and counts its calls.
type tokenQueue struct {
	mu     sync.Mutex
	tokens []string
	err    error
	calls  int
}

func (q *tokenQueue) next() (string, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.calls++
	switch {
	case q.err != nil:
		return "", q.err
	case len(q.tokens) == 0:
		return "", errors.New("tokenQueue: no tokens left")
	}
	tok := q.tokens[0]
	q.tokens = q.tokens[1:]
	return tok, nil
}

// longestToken is the longest session token f's column holds and the
// repository accepts: MaxTokenLen bytes, or 255 characters of two bytes
// each in the pg flavour's character varying(255).
func longestToken(f *gormauth.Flavour) string {
	if f.MaxLen() > 0 {
		return strings.Repeat("é", f.MaxLen())
	}
	return strings.Repeat("+/=", repository.MaxTokenLen/3) + strings.Repeat("=", repository.MaxTokenLen%3)
}

// Options.GenerateSessionToken makes the token of every session the
// repository opens, on every flavour: Sessions.Create, SignInEmail, and
// SignInOAuth for a new and a returning user store the generator's tokens
// (base64 with / + =, characters a cookie carries only encoded, the longest
// the column holds) and return them, and each is looked up again.
func TestGenerateSessionToken(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, f := range gormauth.AuthJSFlavours() {
		t.Run(f.Name(), func(t *testing.T) {
			t.Parallel()
			tokens := []string{"SJdj+x/LGSO9a5Qz+/w8ZA==", "9fK/+Lw2Qm0xZt7Ea+/cRg==", "q+/Zm8Rk0w==", `x%2Fy z,"1";é`, longestToken(f)}
			q := &tokenQueue{tokens: append([]string(nil), tokens...)}
			e := newEnv(t, f, repository.Options{GenerateSessionToken: q.next})
			opened := func(sess *repository.Session, err error, token, userID string) {
				t.Helper()
				require.NoError(t, err)
				require.NotNil(t, sess)
				require.Equal(t, token, sess.SessionToken, "the generator's token")
				got, err := e.repo.Sessions.WithUser(ctx, token)
				require.NoError(t, err, "stored with the generator's token")
				assert.Equal(t, userID, got.User.ID)
				assert.Equal(t, sess.Expires, got.Expires)
			}
			ann := e.mustUser(t, "ann@example.com")
			sess, err := e.repo.Sessions.Create(ctx, ann.ID)
			opened(sess, err, tokens[0], ann.ID)

			res, err := e.repo.SignInEmail(ctx, repository.EmailSignIn{SignInToken: e.mustToken(t, "ann@example.com")})
			require.NoError(t, err)
			opened(res.Session, nil, tokens[1], ann.ID)

			res, err = e.repo.SignInOAuth(ctx, githubSignIn("7", ptr("bo@example.com")))
			require.NoError(t, err)
			require.True(t, res.IsNewUser)
			opened(res.Session, nil, tokens[2], res.User.ID)
			bo := res.User

			res, err = e.repo.SignInOAuth(ctx, githubSignIn("7", ptr("bo@example.com"))) // returning
			require.NoError(t, err)
			opened(res.Session, nil, tokens[3], bo.ID)

			sess, err = e.repo.Sessions.Create(ctx, bo.ID)
			opened(sess, err, tokens[4], bo.ID)
			assert.Equal(t, len(tokens), q.calls, "one token per session")
			assert.Equal(t, int64(len(tokens)), e.count(t, e.sessions, ""))
		})
	}
}

// Without Options.GenerateSessionToken, sessions get the flavour's default
// token: Auth.js's random version 4 UUID in lowercase
// (crypto.randomUUID()), beta.73's 64 hexadecimal characters.
func TestGenerateSessionTokenDefault(t *testing.T) {
	t.Parallel()
	eachFlavour(t, func(t *testing.T, e *env) {
		assert.NotNil(t, e.repo.Options().GenerateSessionToken)
		s := e.mustSession(t, e.mustUser(t, "ann@example.com"))
		assert.Regexp(t, e.tokenRE(), s.SessionToken)
	})
}

// A token the generator makes that no session token can be (empty, over
// MaxTokenLen, a NUL byte, invalid UTF-8, over the 255 characters of the
// pg flavour's column) is ErrInvalidInput naming the generator, and an
// error of the generator is returned wrapped: from every operation that
// opens a session, on every flavour, with no statement sent and nothing
// written (the sign-in token of SignInEmail is not used up).
func TestGenerateSessionTokenRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	broken := errors.New("entropy source unavailable")
	for _, f := range gormauth.AuthJSFlavours() {
		t.Run(f.Name(), func(t *testing.T) {
			t.Parallel()
			q := &tokenQueue{}
			e := newEnv(t, f, repository.Options{GenerateSessionToken: q.next})
			ann := e.mustUser(t, "ann@example.com")
			e.mustAccount(t, ann, "7")
			link := e.mustToken(t, "ann@example.com")
			opens := map[string]func() error{
				"Sessions.Create": func() error { _, err := e.repo.Sessions.Create(ctx, ann.ID); return err },
				"SignInEmail": func() error {
					_, err := e.repo.SignInEmail(ctx, repository.EmailSignIn{SignInToken: link})
					return err
				},
				"SignInOAuth (new user)": func() error {
					_, err := e.repo.SignInOAuth(ctx, githubSignIn("8", ptr("bo@example.com")))
					return err
				},
				"SignInOAuth (returning)": func() error {
					_, err := e.repo.SignInOAuth(ctx, githubSignIn("7", ptr("ann@example.com")))
					return err
				},
			}
			bad := map[string]string{
				"empty":                 "",
				"over MaxTokenLen":      strings.Repeat("tok-9/", repository.MaxTokenLen/6) + "tok-9/=",
				"a NUL byte":            "SJdj+x/\x00LGSO9a5Qz+/w8ZA==",
				"invalid UTF-8":         "SJdj+x/\xffLGSO9a5Qz+/w8ZA==",
				"over the column's 255": strings.Repeat("é", 256),
			}
			if f.MaxLen() == 0 {
				delete(bad, "over the column's 255") // text holds it
			}
			before := e.snapshot(t)
			for name, open := range opens {
				for what, token := range bad {
					q.tokens, q.err = []string{token}, nil
					e.tracer.Reset()
					err := open()
					assert.ErrorIs(t, err, repository.ErrInvalidInput, "%s, the generator's token %s", name, what)
					assert.ErrorContains(t, err, "GenerateSessionToken", "%s, the generator's token %s", name, what)
					if err != nil && token != "" {
						assert.NotContains(t, err.Error(), token[:8], "the token is not in the error")
					}
					assert.Empty(t, e.tracer.Statements(), "%s, the generator's token %s: nothing sent", name, what)
				}
				q.err = broken
				e.tracer.Reset()
				err := open()
				assert.ErrorIs(t, err, broken, "%s: the generator's error, wrapped", name)
				assert.NotErrorIs(t, err, repository.ErrInvalidInput, name)
				assert.ErrorContains(t, err, name[:strings.IndexByte(name+" ", ' ')], "the error names the operation")
				assert.ErrorContains(t, err, "GenerateSessionToken", name)
				assert.Empty(t, e.tracer.Statements(), "%s, the generator failing: nothing sent", name)
			}
			assert.Equal(t, before, e.snapshot(t), "nothing written")

			// The sign-in token was not used up: with a good generator the
			// link signs Ann in.
			q.tokens, q.err = []string{"SJdj+x/LGSO9a5Qz+/w8ZA=="}, nil
			res, err := e.repo.SignInEmail(ctx, repository.EmailSignIn{SignInToken: link})
			require.NoError(t, err)
			assert.Equal(t, ann.ID, res.User.ID)
			assert.Equal(t, "SJdj+x/LGSO9a5Qz+/w8ZA==", res.Session.SessionToken)
		})
	}
}

// SignInOAuth for a request that is signed in links the provider account
// to its user and opens no session, so it never calls the generator, as
// Auth.js calls generateSessionToken only when it creates a session.
func TestGenerateSessionTokenNotCalledWhenLinking(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, f := range gormauth.AuthJSFlavours() {
		t.Run(f.Name(), func(t *testing.T) {
			t.Parallel()
			q := &tokenQueue{err: errors.New("not to be called")}
			e := newEnv(t, f, repository.Options{GenerateSessionToken: q.next})
			ann := e.mustUser(t, "ann@example.com")
			signedIn, err := repository.New(e.db, f, repository.Options{Now: e.clock.Now, Secret: []string{secret}}).Sessions.Create(ctx, ann.ID)
			require.NoError(t, err)
			in := githubSignIn("7", ptr("someone-else@example.com"))
			in.SignedIn = signedIn
			res, err := e.repo.SignInOAuth(ctx, in)
			require.NoError(t, err)
			assert.Equal(t, ann.ID, res.User.ID)
			assert.Nil(t, res.Session)
			require.NotNil(t, res.Account)
			assert.Zero(t, q.calls)
		})
	}
}
