// Package gothauth signs people in with github.com/markbates/goth and keeps
// them in gormauth's tables: goth talks to the OAuth provider, gothauth
// stores the user, the linked provider account and the session with
// package repository, on any flavour (NextAuth.js 2.0.0-beta.73's tables or
// an Auth.js adapter's), and sets the session cookie exactly as the
// JavaScript side would, so that nextauthhttp authenticates the requests
// that follow.
//
//	repo := repository.New(db, gormauth.Prisma, repository.Options{}) // any flavour
//	h, err := gothauth.New(repo, gothauth.Options{
//		Providers: []goth.Provider{github.New(key, secret, "https://example.com/auth/github/callback", "user:email")},
//		Secret:    stateSecret, // 32 random bytes, the same on every replica
//	})
//	load := nextauthhttp.Load(repo, nextauthhttp.Options{})
//	cop := http.NewCrossOriginProtection()
//	mux.HandleFunc("GET /auth/{provider}", h.Begin)
//	mux.Handle("POST /auth/{provider}/link", cop.Handler(load(http.HandlerFunc(h.Link))))
//	mux.Handle("GET /auth/{provider}/callback", load(http.HandlerFunc(h.Callback)))
//
// Begin sends the browser to the provider to sign in, Link (a POST from a
// signed-in page) to link another provider account to the signed-in user.
// Both keep a random state in a cookie that lives 15 minutes, sealed
// (encrypted and authenticated with a key derived from the Secret), named
// __Host-gormauth.oauth-state over HTTPS so that neither a sibling
// subdomain nor a man in the middle can plant one. The sealed state records
// what the flow is for (sign in, or link) and a keyed hash of the session
// cookie of the browser that began it (or none), and, with PKCE, the code
// verifier.
//
// Callback checks that state, and that the browser carries the session
// cookie the flow began with, so that a state carried to another browser
// (an attacker's approved sign-in planted in a victim's) is refused with
// ErrState; it exchanges the code, fetches the profile, and then signs the
// person in (the repository's SignInOAuth: a returning user, or a new one;
// an email that belongs to another user is refused with ErrAccountNotLinked,
// shown as a page) or, for a flow Link began, links the provider account to
// the signed-in user (SignInOAuth with the signed-in session, which decides
// whether it may). A sign-in never links, even in a signed-in browser.
//
// The profile's email reaches the repository only if the provider verified
// it (Options.VerifiedEmail, by default VerifiedEmail, which knows goth's
// github, google, openidConnect, auth0 and discord providers), marked
// verified; otherwise the user is made without it, so that nobody claims
// another person's address at a provider that does not check addresses.
// A flavour that cannot make a user without an email (gormauth.Prisma,
// Auth.js v5) refuses a new account without a verified one with
// ErrUnverifiedEmail. PKCE (S256) is used with the providers whose code
// exchange sends the verifier (Options.PKCE, by default PKCE: goth's
// openidConnect, zoom and fitbit providers).
//
// No global state: unlike goth's gothic package it keeps no session store
// and no provider registry of its own.
//
// SignIn turns a goth.User into the repository's sign-in, for applications
// that run goth themselves.
//
// This package lives in a module of its own, so that gormauth itself does
// not depend on goth.
package gothauth
