package repository_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth/repository"
)

// Every operation refuses bad input with ErrInvalidInput before anything
// is sent, and writes nothing, on every flavour.
func TestHostileInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachFlavour(t, func(t *testing.T, e *env) {
		u := e.mustUser(t, "alice@example.com")
		e.mustAccount(t, u, "42")
		sess := e.mustSession(t, u)
		tok := e.mustToken(t, "alice@example.com")
		r := e.repo
		key := repository.AccountKey{Provider: "github", ProviderAccountID: "42"}

		bad := map[string]string{
			"empty":        "",
			"NUL":          "a\x00b",
			"invalid UTF8": "a\xffb",
			"oversized":    strings.Repeat("a", repository.MaxProviderTokenLen+1), // over every limit
		}
		if e.f.MaxLen() > 0 { // character varying(255)
			bad["256 characters"] = strings.Repeat("é", 256)
		}
		badIDs := []string{"", "x\x00"}
		if e.f.SerialIDs() {
			badIDs = append(badIDs, "abc", "0", "-1", "01", "1.5", "99999999999")
		}
		farFuture := time.Date(300000, 1, 1, 0, 0, 0, 0, time.UTC)

		type op struct {
			name string
			run  func() error
		}
		var ops []op
		for name, v := range bad {
			ops = append(ops,
				op{"Users.Create email " + name, func() error { return r.Users.Create(ctx, &repository.User{Email: &v}) }},
				op{"Users.ByEmail " + name, func() error { _, err := r.Users.ByEmail(ctx, v); return err }},
				op{"Users.ByAccount " + name, func() error {
					_, err := r.Users.ByAccount(ctx, repository.AccountKey{Provider: v, ProviderAccountID: "1"})
					return err
				}},
				op{"Accounts.Link provider " + name, func() error {
					return r.Accounts.Link(ctx, &repository.Account{UserID: u.ID, Provider: v, ProviderAccountID: "7"})
				}},
				op{"Accounts.Link account id " + name, func() error {
					return r.Accounts.Link(ctx, &repository.Account{UserID: u.ID, Provider: "gitlab", ProviderAccountID: v})
				}},
				op{"Accounts.Unlink " + name, func() error {
					return r.Accounts.Unlink(ctx, repository.AccountKey{Provider: "github", ProviderAccountID: v})
				}},
				op{"Sessions.WithUser " + name, func() error { _, err := r.Sessions.WithUser(ctx, v); return err }},
				op{"Sessions.ByToken " + name, func() error { _, err := r.Sessions.ByToken(ctx, v); return err }},
				op{"Sessions.Delete " + name, func() error { return r.Sessions.Delete(ctx, v) }},
				op{"Verifications.Create identifier " + name, func() error {
					if v == "" { // "@example.com" is an address beta.73 takes
						_, err := r.Verifications.Create(ctx, repository.SignInToken{Identifier: v, Token: "t"}, 0)
						return err
					}
					_, err := r.Verifications.Create(ctx, repository.SignInToken{Identifier: v + "@example.com", Token: "t"}, 0)
					return err
				}},
				op{"SignInOAuth account id " + name, func() error {
					_, err := r.SignInOAuth(ctx, githubSignIn(v, ptr("new@example.com")))
					return err
				}},
				op{"SignInOAuth email " + name, func() error {
					_, err := r.SignInOAuth(ctx, githubSignIn("77", &v))
					return err
				}},
			)
		}
		// Values that are wrong in any column but an empty one (a name may
		// be empty) or a long one in a text column.
		for name, v := range bad {
			if v == "" || name == "256 characters" {
				continue
			}
			ops = append(ops,
				op{"Users.Create name " + name, func() error {
					return r.Users.Create(ctx, &repository.User{Name: &v, Email: ptr("n@example.com")})
				}},
				op{"Accounts.Link access token " + name, func() error {
					return r.Accounts.Link(ctx, &repository.Account{UserID: u.ID, Provider: "gitlab", ProviderAccountID: "7", AccessToken: &v})
				}},
			)
		}
		// Values wrong in any column, text columns included.
		for name, v := range bad {
			if name == "256 characters" {
				continue
			}
			ops = append(ops,
				op{"Accounts.UpdateTokens " + name, func() error {
					_, err := r.Accounts.UpdateTokens(ctx, key, repository.Tokens{AccessToken: v})
					return err
				}},
				op{"Verifications.Use token " + name, func() error {
					_, err := r.Verifications.Use(ctx, repository.SignInToken{Identifier: tok.Identifier, Token: v})
					return err
				}},
				op{"SignInEmail token " + name, func() error {
					_, err := r.SignInEmail(ctx, repository.EmailSignIn{SignInToken: repository.SignInToken{Identifier: tok.Identifier, Token: v}})
					return err
				}},
			)
		}
		for _, id := range badIDs {
			ops = append(ops,
				op{"Users.ByID " + id, func() error { _, err := r.Users.ByID(ctx, id); return err }},
				op{"Users.Delete " + id, func() error { return r.Users.Delete(ctx, id) }},
				op{"Sessions.Create " + id, func() error { _, err := r.Sessions.Create(ctx, id); return err }},
				op{"Sessions.DeleteByUser " + id, func() error { _, err := r.Sessions.DeleteByUser(ctx, id); return err }},
				op{"Accounts.Link user " + id, func() error {
					return r.Accounts.Link(ctx, &repository.Account{UserID: id, Provider: "gitlab", ProviderAccountID: "7"})
				}},
			)
		}
		ops = append(ops,
			op{"Users.Create nil", func() error { return r.Users.Create(ctx, nil) }},
			op{"Users.Create far future", func() error {
				return r.Users.Create(ctx, &repository.User{Email: ptr("f@example.com"), EmailVerified: &farFuture})
			}},
			op{"Verifications.Create far future", func() error {
				late := repository.New(e.db, e.f, repository.Options{Secret: []string{secret},
					Now: func() time.Time { return time.Date(294276, 12, 31, 23, 0, 0, 0, time.UTC) }})
				_, err := late.Verifications.Create(ctx, repository.SignInToken{Identifier: "f@example.com", Token: "t"}, 2*time.Hour)
				return err
			}},
			op{"Verifications.Create negative max age", func() error {
				_, err := r.Verifications.Create(ctx, repository.SignInToken{Identifier: "f@example.com", Token: "t"}, -time.Second)
				return err
			}},
			op{"Sessions.Refresh nil", func() error { _, err := r.Sessions.Refresh(ctx, nil); return err }},
			op{"SignInOAuth signed in with a bad id", func() error {
				in := githubSignIn("77", nil)
				in.SignedIn = &repository.Session{UserID: ""}
				_, err := r.SignInOAuth(ctx, in)
				return err
			}},
		)
		before := e.snapshot(t)
		for _, o := range ops {
			err := o.run()
			assert.ErrorIs(t, err, repository.ErrInvalidInput, o.name)
			if err != nil {
				assert.NotContains(t, err.Error(), "\x00", o.name)
			}
		}
		assert.Equal(t, before, e.snapshot(t), "nothing written")

		// A nil or cancelled context: refused, nothing written.
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		for name, run := range map[string]func(context.Context) error{
			"Users.Create": func(ctx context.Context) error {
				return r.Users.Create(ctx, &repository.User{Email: ptr("c@example.com")})
			},
			"Sessions.Create": func(ctx context.Context) error { _, err := r.Sessions.Create(ctx, u.ID); return err },
			"Sessions.Delete": func(ctx context.Context) error { return r.Sessions.Delete(ctx, sess.SessionToken) },
			"SignInOAuth": func(ctx context.Context) error {
				_, err := r.SignInOAuth(ctx, githubSignIn("88", ptr("c@example.com")))
				return err
			},
			"SignInEmail": func(ctx context.Context) error {
				_, err := r.SignInEmail(ctx, repository.EmailSignIn{SignInToken: tok})
				return err
			},
			"Verifications.DeleteExpired": func(ctx context.Context) error { _, err := r.Verifications.DeleteExpired(ctx, 0); return err },
		} {
			err := run(cancelled)
			assert.True(t, errors.Is(err, context.Canceled), "%s: %v", name, err)
			var none context.Context // a nil context is what is tested
			err = run(none)
			assert.ErrorIs(t, err, repository.ErrInvalidInput, name)
		}
		assert.Equal(t, before, e.snapshot(t), "nothing written")
		_, err := r.Verifications.Find(ctx, tok)
		require.NoError(t, err, "the token is still there")
	})
}
