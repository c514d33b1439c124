// Package gothauth signs people in with github.com/markbates/goth and keeps
// them in gormauth's tables: goth talks to the OAuth provider, gothauth
// stores the user, the linked provider account and the session (with
// NextAuth.js 2.0.0-beta.73's repository or an Auth.js flavour's) and sets
// the session cookie exactly as the JavaScript side would, so that
// nextauthhttp authenticates the requests that follow.
//
//	repo := repository.New(db, repository.Options{})
//	h, err := gothauth.New(repo, gothauth.Options{
//		Providers: []goth.Provider{github.New(key, secret, "https://example.com/auth/github/callback", "user:email")},
//		Secret:    stateSecret, // 32 random bytes, the same on every replica
//	})
//	load := nextauthhttp.Load(repo, nextauthhttp.Options{})
//	mux.HandleFunc("GET /auth/{provider}", h.Begin)
//	mux.Handle("GET /auth/{provider}/callback", load(http.HandlerFunc(h.Callback)))
//
// Begin sends the browser to the provider with a random state, which it also
// keeps in a signed, HttpOnly cookie that lives 15 minutes; Callback checks
// that state, exchanges the code, fetches the profile, and then signs the
// person in (SignInOAuth: a returning user, or a new one; an email that
// belongs to another user is refused with ErrAccountNotLinked, shown as a
// page) or, when Load found the request signed in, links the provider
// account to that user. No global state: unlike goth's gothic package it
// keeps no session store and no provider registry of its own.
//
// SignIn and AuthJSSignIn turn a goth.User into the repositories' sign-in,
// for applications that run goth themselves.
//
// This package lives in a module of its own, so that gormauth itself does
// not depend on goth.
package gothauth
