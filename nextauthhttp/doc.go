// Package nextauthhttp is net/http middleware that authenticates requests by
// the database-session cookie of NextAuth.js or Auth.js, so that a Go
// service can sit beside a Next.js application (same database, same
// domain) and know who is signed in, or sign people in itself.
//
//	repo := repository.New(db, gormauth.Prisma, repository.Options{Secret: secrets}) // any flavour
//	mux := http.NewServeMux()
//	mux.HandleFunc("GET /api/me", func(w http.ResponseWriter, r *http.Request) {
//		user, _ := nextauthhttp.UserFrom(r.Context())
//		json.NewEncoder(w).Encode(user)
//	})
//	http.ListenAndServe(":8080", nextauthhttp.Middleware(repo, nextauthhttp.Options{})(mux))
//
// # Optional and required sign-in
//
// Load authenticates the request when it carries a valid session and
// always calls the next handler, so that a public page can greet a
// signed-in user; Require answers 401 (or a handler of your choice, such as
// a redirect to the sign-in page) to the requests Load found no session
// for. Middleware is Load followed by Require:
//
//	load := nextauthhttp.Load(repo, opts)
//	mux.Handle("GET /{$}", home)                                  // anyone; SignedIn(ctx) tells
//	mux.Handle("GET /account", nextauthhttp.Require(nil)(account)) // signed-in users only
//	http.ListenAndServe(":8080", load(mux))
//
// # What Load does to a request
//
//  1. The session token is read from the cookie and percent-decoded as the
//     JavaScript side decodes it (see Cookie.Read). A missing cookie, or a
//     token that is not WellFormed (one that no session row can hold),
//     leaves the request anonymous without any database query; any other
//     token is looked up, whatever its characters, as Auth.js looks up
//     those its session.generateSessionToken option makes.
//  2. The repository authenticates it (repository.Repository.Authenticate):
//     the session and its user in one query, then the sliding expiry, which
//     writes at most once per UpdateAge per session. An unknown or expired
//     session, or one whose user is gone, leaves the request anonymous. The
//     cookie is left alone: the application that set it clears it.
//  3. The cookie is sent again when the application's own handler would
//     send it, with the expiry Authenticate reports.
//  4. The session (with its User) is put in the request's context
//     (SessionFrom, UserFrom, SignedIn), and the next handler runs.
//
// Repository is a two-method interface that *repository.Repository
// satisfies on every flavour, so that handlers built on the middleware can
// also be tested with a fake, without a database.
//
// Other database errors are answered 500 and logged (Options.Logger); the
// log never contains the token. The answers are JSON,
// {"error":"unauthorized"} and {"error":"internal server error"}, with
// Cache-Control: no-store.
//
// # Cookies
//
// The session cookie is named by the flavour and the scheme (CookieFor).
// CookieOf returns the Cookie the middleware
// reads for a repository; its Set and Clear write the cookie with the
// attributes the JavaScript side gives it (Path=/, HttpOnly,
// SameSite=Lax, Secure over HTTPS), so that a sign-in or sign-out made in Go
// leaves the browser as the application's own would. The value is the
// token percent-encoded as NextAuth.js and Auth.js encode it
// (encodeURIComponent, see EncodeValue), and Read decodes it as they do
// (DecodeValue), so that a token with characters such as base64's / + =
// reads back the same on both sides. The __Secure- cookie wins whenever
// the request carries it: a browser accepts it only from a secure origin,
// while a plain cookie can be planted over HTTP. Two cookies of the name
// read count as none: a sibling subdomain can set one for the parent
// domain (__Secure- does not forbid that; only __Host- would, and
// NextAuth.js and Auth.js do not use it), and nothing tells whose is whose.
// Over HTTPS only the __Secure- cookie is read; over plain HTTP, the plain
// name when no __Secure- cookie is there. A __Secure- cookie reaching Go
// over plain HTTP means TLS ended at a proxy in front of this service
// (Options.TrustProxyHeaders makes X-Forwarded-Proto count): Set, Clear
// and the middleware then write that name, with Secure. The
// names can be changed in Options, for applications that configure their
// own.
//
// # Cross-site requests
//
// SameSite=Lax keeps the cookie off cross-site POSTs from other sites'
// forms, but not off requests from a sibling subdomain. Protect the
// handlers that change state (sign-out, deleting a session, linking an
// account) with net/http's CrossOriginProtection, which refuses
// cross-origin unsafe requests by the browser's Sec-Fetch-Site and Origin
// headers:
//
//	protect := http.NewCrossOriginProtection()
//	mux.Handle("POST /signout", protect.Handler(signOut))
package nextauthhttp
