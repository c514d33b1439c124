package gothauth

import (
	"reflect"

	"github.com/markbates/goth"
)

// gothProviders is the import path of goth's provider packages.
const gothProviders = "github.com/markbates/goth/providers/"

// packageOf returns the import path of the package that defines p's type
// (of the type it points to, for a pointer).
func packageOf(p goth.Provider) string {
	t := reflect.TypeOf(p)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return ""
	}
	return t.PkgPath()
}

// VerifiedEmail reports whether provider p verified u.Email, the default
// of Options.VerifiedEmail. It decides by the goth package p's type is of
// and by the profile p sent (u.RawData), as goth v1.82.0's providers fill
// them in:
//   - github: yes. goth takes the profile's public email, which GitHub
//     lets a person pick only among their verified addresses, or else the
//     address GET /user/emails marks primary and verified (it fails the
//     sign-in when there is none);
//   - google: the userinfo's verified_email (what goth's provider reads,
//     OAuth2 v2) or email_verified is true, for the userinfo's email;
//   - openidConnect and auth0: the claims' email_verified is true (or
//     "true"), for the claims' email;
//   - discord: the user's verified flag is true, for the user's email;
//   - any other provider: no. That includes goth's apple provider, which
//     keeps Apple's email_verified out of the user, okta's, whose RawData
//     leaves it out, azureadv2's, whose email is Microsoft Graph's mail
//     attribute (a tenant's administrator sets it, unverified), and a
//     provider type of the application's own (wrap VerifiedEmail in
//     Options.VerifiedEmail to add one).
//
// An empty u.Email is never verified.
func VerifiedEmail(p goth.Provider, u goth.User) bool {
	if p == nil {
		return false
	}
	return verifiedBy(packageOf(p), u)
}

// verifiedBy is VerifiedEmail for a provider of the package pkg.
func verifiedBy(pkg string, u goth.User) bool {
	if u.Email == "" {
		return false
	}
	raw := u.RawData
	email, _ := raw["email"].(string)
	switch pkg {
	case gothProviders + "github":
		// RawData is GET /user: the public email, or null when goth
		// took the verified primary one from /user/emails.
		return email == "" && raw["email"] == nil || email == u.Email
	case gothProviders + "google":
		return email == u.Email && (isTrue(raw["verified_email"]) || isTrue(raw["email_verified"]))
	case gothProviders + "openidConnect", gothProviders + "auth0":
		return email == u.Email && isTrue(raw["email_verified"])
	case gothProviders + "discord":
		return email == u.Email && isTrue(raw["verified"])
	}
	return false
}

// isTrue reports whether a JSON value is true, or the string "true" (as
// some OpenID providers send email_verified).
func isTrue(v any) bool {
	switch v := v.(type) {
	case bool:
		return v
	case string:
		return v == "true"
	}
	return false
}

// PKCE reports whether to use PKCE with p, the default of Options.PKCE:
// for goth's openidConnect, zoom and fitbit providers, whose sessions send
// the code_verifier with the code exchange. Other goth providers ignore it
// (github's, google's…): a challenge sent to a server that enforces PKCE
// would fail every sign-in.
func PKCE(p goth.Provider) bool {
	switch packageOf(p) {
	case gothProviders + "openidConnect", gothProviders + "zoom", gothProviders + "fitbit":
		return true
	}
	return false
}
