package gormauth_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/internal/harness/testdb"
	"github.com/gormauth/gormauth/repository"
)

// randomBase64 returns the base64 of n random bytes (seeded).
func randomBase64(n int, seed uint64, enc *base64.Encoding) string {
	b := make([]byte, n)
	r := rand.New(rand.NewPCG(seed, 3))
	for i := range b {
		b[i] = byte(r.UintN(256))
	}
	return enc.EncodeToString(b)
}

// What real providers send is accepted both ways by the repository on
// beta.73's tables:
// NextAuth.js writes a user whose image is an Entra ID profile photo (a
// data: URL of 48 KB) and an account with a 6 KB access token and a 2 KB
// refresh token; Go reads them, updates the user's name, and signs in with
// such a profile; NextAuth.js reads what Go wrote.
func TestNextAuthProviderSizedValues(t *testing.T) {
	t.Parallel()
	installNextAuth(t)
	ctx := context.Background()
	dsn := testdb.New(t)
	db := testdb.OpenURL(t, dsn)
	require.NoError(t, gormauth.AutoMigrate(context.Background(), db, gormauth.Beta73))
	x := newInterop(t, interopZones{node: "UTC", database: "UTC"}, dsn, db, nil)
	repo := x.repo
	image := "data:image/jpeg;base64,/9j/4AAQSkZJRgABAQ" + randomBase64(36<<10, 1, base64.StdEncoding)
	access := "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9." + randomBase64(6<<10, 2, base64.RawURLEncoding)
	refresh := "0.AX" + randomBase64(1500, 3, base64.RawURLEncoding)
	require.Greater(t, len(image), 48000)

	rs := x.nextAuth(
		op{"op": "createUser", "profile": map[string]any{"name": "Ada Entra", "email": "ada@contoso.com", "image": image}}, // 0
		op{"op": "linkAccount", "userId": ref(0, "id"), "providerId": "azure-ad", "providerType": "oauth",
			"providerAccountId": "00000000-0000-0000-66f3-3332eca7ea81", "refreshToken": refresh, "accessToken": access}, // 1
	)
	ada := decode[naUser](t, rs[0])
	key := repository.AccountKey{Provider: "azure-ad", ProviderAccountID: "00000000-0000-0000-66f3-3332eca7ea81"}

	u, err := repo.Users.ByID(ctx, fmt.Sprint(ada.ID))
	require.NoError(t, err)
	assert.Equal(t, image, *u.Image)
	a, err := repo.Accounts.ByKey(ctx, key)
	require.NoError(t, err)
	assert.Equal(t, access, *a.AccessToken)
	assert.Equal(t, refresh, *a.RefreshToken)

	u.Name = ptr("Ada L.")
	require.NoError(t, repo.Users.Update(ctx, u), "a row NextAuth.js wrote stays updatable")
	_, err = repo.Accounts.UpdateTokens(ctx, key, repository.Tokens{AccessToken: access + "2", RefreshToken: ptr(refresh + "2")})
	require.NoError(t, err)

	returning, err := repo.SignInOAuth(ctx, repository.OAuthSignIn{
		Account: repository.Account{Provider: key.Provider, ProviderAccountID: key.ProviderAccountID, AccessToken: &access, RefreshToken: &refresh},
		Name:    ptr("Ada Entra"), Email: ptr("ada@contoso.com"), Image: &image})
	require.NoError(t, err)
	assert.Equal(t, fmt.Sprint(ada.ID), returning.User.ID)
	grace, err := repo.SignInOAuth(ctx, repository.OAuthSignIn{
		Account: repository.Account{Provider: "azure-ad", ProviderAccountID: "00000000-0000-0000-1111-3332eca7ea81",
			AccessToken: &access, RefreshToken: &refresh},
		Name: ptr("Grace Entra"), Email: ptr("Grace@Contoso.com"), Image: &image})
	require.NoError(t, err)
	bob := &repository.User{Name: ptr("Bob"), Email: ptr("bob@contoso.com"), Image: &image}
	require.NoError(t, repo.Users.Create(ctx, bob))

	rs = x.nextAuth(
		op{"op": "getUser", "id": ada.ID},               // 0
		op{"op": "getUser", "id": id(t, grace.User.ID)}, // 1
		op{"op": "getUser", "id": id(t, bob.ID)},        // 2
		op{"op": "findAccount", "providerId": "azure-ad", "providerAccountId": "00000000-0000-0000-1111-3332eca7ea81"}, // 3
	)
	got := decode[naUser](t, rs[0])
	assert.Equal(t, "Ada L.", *got.Name)
	assert.Equal(t, image, *got.Image)
	assert.Equal(t, image, *decode[naUser](t, rs[1]).Image)
	assert.Equal(t, image, *decode[naUser](t, rs[2]).Image)
	acct := decode[naAccount](t, rs[3])
	assert.Equal(t, access, *acct.AccessToken)
	assert.Equal(t, refresh, *acct.RefreshToken)
}
