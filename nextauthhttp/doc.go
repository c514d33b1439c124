// Package nextauthhttp is net/http middleware that authenticates requests by
// NextAuth.js's database-session cookie, so that a Go service can sit beside
// a NextAuth.js application (same database, same domain) and know who is
// signed in.
//
//	repo := repository.New(db, repository.Options{})
//	mux := http.NewServeMux()
//	mux.HandleFunc("GET /api/me", func(w http.ResponseWriter, r *http.Request) {
//		user, _ := nextauthhttp.UserFrom(r.Context())
//		json.NewEncoder(w).Encode(user)
//	})
//	http.ListenAndServe(":8080", nextauthhttp.Middleware(repo, nextauthhttp.Options{})(mux))
//
// # What a request goes through
//
//  1. The session token is read from the cookie (see Cookies below). A
//     missing cookie, or a value that is not WellFormed, is answered 401
//     without any database query.
//  2. The session and its user are loaded in one query
//     (repository.Sessions.WithUser). An unknown or expired session, or one
//     whose user is gone, is answered 401.
//  3. The sliding expiry is applied (repository.Sessions.Refresh): at most
//     once per UpdateAge per session the expiry is pushed to now + MaxAge in
//     one UPDATE; other requests write nothing. When it was pushed, the
//     cookie is sent again with the new expiry, as NextAuth.js does (same
//     name and value, Path=/, HttpOnly, SameSite=Lax, Secure when the cookie
//     is a __Secure- one or the request is HTTPS, Expires = the new expiry).
//  4. The session (with its User) is put in the request's context for
//     SessionFrom and UserFrom, and the next handler runs.
//
// Other database errors are answered 500 and logged (Options.Logger); the
// log never contains the token. The answers are JSON: {"error":"unauthorized"}
// and {"error":"internal server error"}, with Cache-Control: no-store.
// Options.Unauthorized replaces the 401 answer, for example with a redirect
// to the sign-in page.
//
// # Cookies
//
// NextAuth.js names the cookie "next-auth.session-token", or
// "__Secure-next-auth.session-token" when the site is served over HTTPS. The
// middleware decides per request:
//   - over HTTPS (r.TLS set, or X-Forwarded-Proto: https when
//     Options.TrustProxyHeaders is set) it reads only the __Secure- cookie.
//     A browser accepts a __Secure- cookie only from a secure origin, so a
//     man in the middle cannot plant one; reading the plain name there would
//     let him fix a victim's session (a plain cookie can be set over HTTP);
//   - over plain HTTP it reads "next-auth.session-token", and falls back to
//     the __Secure- cookie: a browser sends that one only over HTTPS, so its
//     presence means TLS ended at a proxy in front of this service.
//
// Both names can be changed in Options, for NextAuth.js applications that
// configure their own cookie names.
package nextauthhttp
