package repository_test

import (
	"context"
	"encoding/base64"
	"errors"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/internal/harness/authjsnode"
	"github.com/gormauth/gormauth/repository"
)

// entraPhoto returns a profile photo as Auth.js's Microsoft Entra ID
// provider stores it in users.image: a data: URL of a base64 JPEG
// (profilePhotoSize up to 648 px). jpegBytes is the size of the JPEG;
// its base64 is a third longer.
func entraPhoto(jpegBytes int, seed uint64) string {
	b := make([]byte, jpegBytes)
	r := rand.New(rand.NewPCG(seed, 1))
	for i := range b {
		b[i] = byte(r.UintN(256))
	}
	copy(b, []byte{0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00})
	b[len(b)-2], b[len(b)-1] = 0xff, 0xd9
	return "data:image/jpeg;base64," + base64.StdEncoding.EncodeToString(b)
}

// jwt returns a token shaped like a signed JWT of about n bytes, as OIDC
// id tokens and Entra ID access tokens (with group claims) are.
func jwt(n int, seed uint64) string {
	r := rand.New(rand.NewPCG(seed, 2))
	part := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(r.UintN(256))
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	payload := n*3/4 - 300
	return "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9." + part(payload) + "." + part(256)
}

// A long scope, as Google and Entra ID grant them.
const longScope = "openid email profile offline_access https://graph.microsoft.com/User.Read https://graph.microsoft.com/Mail.Read " +
	"https://graph.microsoft.com/Calendars.ReadWrite https://graph.microsoft.com/Files.Read.All https://graph.microsoft.com/Sites.Read.All " +
	"https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/userinfo.profile https://www.googleapis.com/auth/calendar"

// What real providers send is accepted both ways on every flavour: a user
// the real adapter wrote with an Entra ID profile photo (a 48 KB data:
// URL) and an account with a 16 KB id token and a 6 KB access token are
// read, updated and signed in with from Go; the same written by Go are
// read by the repository.
func TestProviderSizedValues(t *testing.T) {
	t.Parallel()
	installNode(t)
	ctx := context.Background()
	image, idToken, accessToken := entraPhoto(36<<10, 1), jwt(16<<10, 2), jwt(6<<10, 3)
	require.Greater(t, len(image), 48000)
	require.Greater(t, len(idToken), 16000)
	for _, f := range gormauth.AuthJSFlavours() {
		t.Run(f.Name(), func(t *testing.T) {
			t.Parallel()
			s := newSide(t, f, false)
			user := obj{"name": "Ada Entra", "email": "ada@contoso.com", "image": image}
			if !f.V4() {
				user["id"] = "2b5f5d7e-4f3c-4c55-9a7e-9d1b2c3d4e5f"
			}
			account := obj{"userId": authjsnode.Ref(0, "id"), "type": "oidc", "provider": "microsoft-entra-id",
				"providerAccountId": "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ", "access_token": accessToken,
				"refresh_token": "0.AX" + strings.Repeat("r", 1500), "id_token": idToken, "expires_at": 2000000000,
				"scope": longScope, "token_type": "bearer"}
			out := s.node(t, authjsnode.OpsInput{Ops: []authjsnode.Op{
				/* 0 */ {"op": "createUser", "user": user},
				/* 1 */ {"op": "linkAccount", "account": account},
			}})
			for i, r := range out.Results {
				require.Empty(t, r.Error, "op %d", i)
			}
			id := jsID(result(t, out, 0)["id"])
			key := repository.AccountKey{Provider: "microsoft-entra-id", ProviderAccountID: account["providerAccountId"].(string)}

			// Read, from Go.
			u, err := s.repo.Users.ByID(ctx, id)
			require.NoError(t, err)
			assert.Equal(t, image, *u.Image)
			a, err := s.repo.Accounts.ByKey(ctx, key)
			require.NoError(t, err)
			assert.Equal(t, idToken, *a.IDToken)
			assert.Equal(t, accessToken, *a.AccessToken)
			assert.Equal(t, longScope, *a.Scope)

			// Update another field of that user, and the tokens.
			u.Name = ptr("Ada L.")
			require.NoError(t, s.repo.Users.Update(ctx, u), "a row Auth.js wrote stays updatable")
			_, err = s.repo.Accounts.UpdateTokens(ctx, key, repository.Tokens{AccessToken: jwt(6<<10, 4), IDToken: ptr(jwt(16<<10, 5))})
			require.NoError(t, err)

			// Sign in with such a profile: the returning user, and a new one.
			for _, in := range []repository.OAuthSignIn{
				{Account: repository.Account{Type: "oidc", Provider: key.Provider, ProviderAccountID: key.ProviderAccountID,
					AccessToken: &accessToken, IDToken: &idToken, Scope: ptr(longScope)},
					Name: ptr("Ada Entra"), Email: ptr("ada@contoso.com"), Image: &image},
				{Account: repository.Account{Type: "oidc", Provider: key.Provider, ProviderAccountID: "BBBBBBBBBBBBBBBBBBBBBIkzqFVrSaSaFHy782bbtaQ",
					AccessToken: &accessToken, RefreshToken: ptr(strings.Repeat("r", 1500)), IDToken: &idToken, Scope: ptr(longScope)},
					Name: ptr("Grace Entra"), Email: ptr("Grace@Contoso.com"), Image: ptr(entraPhoto(120<<10, 6))},
			} {
				res, err := s.repo.SignInOAuth(ctx, in)
				require.NoError(t, err)
				assert.Equal(t, *in.Image, *res.User.Image)
			}
			grace, err := s.repo.Users.ByEmail(ctx, "grace@contoso.com")
			require.NoError(t, err)

			// Written by Go, read by the repository.
			bob := &repository.User{Name: ptr("Bob Entra"), Email: ptr("bob@contoso.com"), Image: &image}
			require.NoError(t, s.repo.Users.Create(ctx, bob))
			require.NoError(t, s.repo.Accounts.Link(ctx, &repository.Account{UserID: bob.ID, Type: "oidc", Provider: key.Provider,
				ProviderAccountID: "CCCC", AccessToken: &accessToken, IDToken: &idToken, Scope: ptr(longScope)}))
			nodeID := func(id string) any {
				if f.SerialIDs() {
					n, _ := strconv.Atoi(id)
					return n
				}
				return id
			}
			out = s.node(t, authjsnode.OpsInput{Ops: []authjsnode.Op{
				/* 0 */ {"op": "getUser", "id": nodeID(bob.ID)},
				/* 1 */ {"op": "getUserByAccount", "provider": key.Provider, "providerAccountId": "CCCC"},
				/* 2 */ {"op": "getUser", "id": nodeID(grace.ID)},
				/* 3 */ {"op": "getUser", "id": nodeID(id)},
			}})
			for i, r := range out.Results {
				require.Empty(t, r.Error, "op %d", i)
			}
			assert.Equal(t, image, result(t, out, 0)["image"])
			assert.Equal(t, "bob@contoso.com", result(t, out, 1)["email"])
			assert.Equal(t, *grace.Image, result(t, out, 2)["image"])
			assert.Equal(t, "Ada L.", result(t, out, 3)["name"])
			assert.Equal(t, image, result(t, out, 3)["image"])
		})
	}
}

// Each limit is enforced at its edge: a value of the limit's length is
// accepted, one byte more is ErrInvalidInput before any statement is sent.
func TestLimits(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// No limit is near what providers send: a 648 px Entra ID photo of
	// 200 KB, id and access tokens of 16 KB, a subject of 255 characters.
	assert.Greater(t, repository.MaxImageLen, 3*len(entraPhoto(200<<10, 7)))
	assert.Greater(t, repository.MaxProviderTokenLen, 4*len(jwt(16<<10, 8)))
	assert.Greater(t, repository.MaxProviderFieldLen, 4*255)
	assert.Greater(t, repository.MaxEmailLen, 4*254, "an address of 254 characters (RFC 5321), each of up to 4 bytes")
	eachFlavour(t, func(t *testing.T, e *env) {
		u := e.mustUser(t, "alice@example.com")
		r := e.repo
		key := repository.AccountKey{Provider: "github", ProviderAccountID: "42"}
		e.mustAccount(t, u, key.ProviderAccountID)
		at := func(n int) *string { return ptr(strings.Repeat("a", n)) }
		email := func(n int) *string { return ptr(strings.Repeat("a", n-len("@example.com")) + "@example.com") }
		type limit struct {
			name string
			max  int
			run  func(n int) error
		}
		limits := []limit{
			{"Users.Create image", repository.MaxImageLen, func(n int) error {
				return r.Users.Create(ctx, &repository.User{Email: ptr("i" + strconv.Itoa(n) + "@example.com"), Image: at(n)})
			}},
			{"Users.Update image", repository.MaxImageLen, func(n int) error {
				return r.Users.Update(ctx, &repository.User{ID: u.ID, Email: u.Email, Image: at(n)})
			}},
			{"Accounts.UpdateTokens id token", repository.MaxProviderTokenLen, func(n int) error {
				_, err := r.Accounts.UpdateTokens(ctx, key, repository.Tokens{AccessToken: "a", IDToken: at(n)})
				return err
			}},
			{"Accounts.UpdateTokens access token", repository.MaxProviderTokenLen, func(n int) error {
				_, err := r.Accounts.UpdateTokens(ctx, key, repository.Tokens{AccessToken: *at(n)})
				return err
			}},
			{"Accounts.UpdateTokens refresh token", repository.MaxProviderTokenLen, func(n int) error {
				_, err := r.Accounts.UpdateTokens(ctx, key, repository.Tokens{AccessToken: "a", RefreshToken: at(n)})
				return err
			}},
			{"SignInOAuth image", repository.MaxImageLen, func(n int) error {
				in := githubSignIn("o"+strconv.Itoa(n), ptr("o"+strconv.Itoa(n)+"@example.com"))
				in.Image = at(n)
				_, err := r.SignInOAuth(ctx, in)
				return err
			}},
			{"SignInOAuth scope", repository.MaxProviderTokenLen, func(n int) error {
				in := githubSignIn("s"+strconv.Itoa(n), ptr("s"+strconv.Itoa(n)+"@example.com"))
				in.Account.Scope = at(n)
				_, err := r.SignInOAuth(ctx, in)
				return err
			}},
		}
		if e.f.MaxLen() == 0 { // text columns; pg's are character varying(255)
			limits = append(limits,
				limit{"Users.Create name", repository.MaxNameLen, func(n int) error {
					return r.Users.Create(ctx, &repository.User{Email: ptr("n" + strconv.Itoa(n) + "@example.com"), Name: at(n)})
				}},
				limit{"Users.Create email", repository.MaxEmailLen, func(n int) error {
					return r.Users.Create(ctx, &repository.User{Email: email(n)})
				}},
				limit{"Verifications.Create identifier", repository.MaxEmailLen, func(n int) error {
					_, err := r.Verifications.Create(ctx, repository.SignInToken{Identifier: *email(n), Token: "t" + strconv.Itoa(n)}, 0)
					return err
				}},
				limit{"Accounts.Link provider account id", repository.MaxProviderFieldLen, func(n int) error {
					return r.Accounts.Link(ctx, &repository.Account{UserID: u.ID, Provider: "gitlab", ProviderAccountID: *at(n)})
				}},
				limit{"Sessions.ByToken", repository.MaxTokenLen, func(n int) error {
					_, err := r.Sessions.ByToken(ctx, *at(n))
					if errors.Is(err, repository.ErrNotFound) {
						return nil // looked up, not refused
					}
					return err
				}},
			)
		}
		for _, l := range limits {
			require.NoError(t, l.run(l.max), "%s at %d bytes", l.name, l.max)
		}
		before := e.snapshot(t)
		for _, l := range limits {
			e.tracer.Reset()
			assert.ErrorIs(t, l.run(l.max+1), repository.ErrInvalidInput, "%s at %d bytes", l.name, l.max+1)
			if l.name == "Users.Update image" {
				// Update keeps a value over its limit that equals the stored
				// one: one UPDATE guarded by that comparison, which writes nothing.
				assert.Len(t, e.tracer.Statements(), 1, "%s: one guarded statement", l.name)
			} else {
				assert.Empty(t, e.tracer.Statements(), "%s: nothing sent", l.name)
			}
		}
		assert.Equal(t, before, e.snapshot(t), "nothing written")
	})
}
