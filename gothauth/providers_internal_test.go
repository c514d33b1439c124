package gothauth

import (
	"testing"

	"github.com/markbates/goth"
	"github.com/stretchr/testify/assert"
)

// TestVerifiedByGoogle: goth's google provider (which the tests do not
// import: its package needs Google Cloud's metadata module) reads the
// OAuth2 v2 userinfo, whose flag is verified_email; email_verified counts
// too, for the userinfo's own email only.
func TestVerifiedByGoogle(t *testing.T) {
	t.Parallel()
	google, gplus := gothProviders+"google", gothProviders+"gplus"
	profile := func(email string, raw map[string]any) goth.User { return goth.User{Email: email, RawData: raw} }
	for _, c := range []struct {
		name string
		pkg  string
		u    goth.User
		want bool
	}{
		{"verified_email", google, profile("a@x.com", map[string]any{"email": "a@x.com", "verified_email": true}), true},
		{"email_verified", google, profile("a@x.com", map[string]any{"email": "a@x.com", "email_verified": true}), true},
		{"the flag as a string", google, profile("a@x.com", map[string]any{"email": "a@x.com", "verified_email": "true"}), true},
		{"not verified", google, profile("a@x.com", map[string]any{"email": "a@x.com", "verified_email": false}), false},
		{"no flag", google, profile("a@x.com", map[string]any{"email": "a@x.com"}), false},
		{"the flag of another address", google, profile("a@x.com", map[string]any{"email": "b@x.com", "verified_email": true}), false},
		{"no email", google, profile("", map[string]any{"verified_email": true}), false},
		{"no raw data", google, profile("a@x.com", nil), false},
		{"another package", gplus, profile("a@x.com", map[string]any{"email": "a@x.com", "verified_email": true}), false},
	} {
		assert.Equal(t, c.want, verifiedBy(c.pkg, c.u), c.name)
	}
}
