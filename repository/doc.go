// Package repository is the database layer of NextAuth.js and Auth.js for
// Go: the queries of Auth.js's Adapter and its sign-in flows, on the tables
// of one flavour (gormauth.Flavour) — Auth.js v5 with the Prisma, Drizzle
// or pg adapter, NextAuth.js v4 with the Prisma adapter, or NextAuth.js
// 2.0.0-beta.73's own tables (gormauth.Beta73) — so that a Go service
// reads and writes the same users, accounts, sessions and sign-in tokens as
// the Next.js application beside it, or uses the schema on its own.
//
//	repo := repository.New(db, gormauth.Prisma, repository.Options{Secret: []string{os.Getenv("AUTH_SECRET")}})
//	sess, _, err := repo.Authenticate(ctx, token) // the session cookie's value
//	if errors.Is(err, repository.ErrNotFound) {
//		// not signed in, or the session expired
//	}
//
// Repository.Users, .Accounts, .Sessions and .Verifications group the
// operations on each table; Repository.SignInOAuth and
// Repository.SignInEmail are the flows that span them, and
// Repository.Authenticate is what a request with a session cookie runs
// (package nextauthhttp's middleware calls it).
//
// # One set of types
//
// User, Account, Session and VerificationToken have the shape of Auth.js's
// AdapterUser, AdapterAccount, AdapterSession and VerificationToken, on
// every flavour; a field a flavour's table lacks is left nil. Ids are
// strings whatever the column's type: a cuid (Prisma), a UUID (Drizzle), or
// a serial integer in decimal (pg, beta.73). Strings because Auth.js itself
// passes every id as a string, so an id reads the same in Go and in the
// application's JavaScript, and one type serves text and integer keys
// alike without a type parameter on every signature; an id that the
// flavour's column cannot hold (not a decimal integer in range, for serial
// ids) is refused with ErrInvalidInput before anything is sent.
//
// # Auth.js's rules
//
//   - Sessions: a new session's token is a random UUID (NewSessionToken),
//     or what Options.GenerateSessionToken makes; any token is looked up,
//     so the 64 hexadecimal characters of older applications work too. A session is valid while now ≤ expires. It is
//     due for the sliding expiry when expires − MaxAge + UpdateAge ≤ now,
//     and Refresh then sets expires to now + MaxAge. Options.MaxLifetime
//     (off by default, as in Auth.js; only for Prisma's Auth.js v5 flavour,
//     whose sessions record createdAt) also ends a session at createdAt +
//     MaxLifetime, which its expires never passes.
//   - Email sign-in: Verifications.Create normalises the address as the
//     flavour's Auth.js does (NormalizeIdentifier, NormalizeIdentifierV4,
//     or Options.NormalizeIdentifier) and stores
//     sha256(token + secrets joined with ",") (HashToken); Use and
//     SignInEmail take the identifier exactly as the link carries it and
//     redeem a token once. Unlike Auth.js, which keeps every link until it
//     is used or expires, an address has one working link:
//     Verifications.Replace stores a token and deletes the address's
//     others, and SignInEmail deletes them when it redeems one. Deliberately
//     unlike Auth.js too, SignInEmail that
//     proves an address for the first time (EmailVerified nil) on a user
//     with linked provider accounts deletes those accounts and the user's
//     sessions, and lists the providers in SignInResult.Unlinked: Auth.js
//     keeps them, so that whoever signed up first through a provider that
//     does not verify addresses keeps signing in as the owner of the
//     address (pre-account takeover). They are dropped rather than the
//     sign-in refused or the person asked: the link proves the address,
//     nothing proves the accounts.
//   - OAuth sign-in: the profile's email is lower-cased with JavaScript's
//     toLowerCase (LowerEmail); an unknown provider account whose email
//     belongs to a user is ErrAccountNotLinked unless
//     Options.AllowDangerousEmailAccountLinking; a request already signed
//     in links the provider account to its user. A user the flow creates is
//     verified if the provider verified the address
//     (OAuthSignIn.EmailVerified), so that SignInEmail keeps its accounts.
//   - Accounts keep the seven token fields Auth.js keeps, expires_at in
//     seconds since the epoch, refused beyond what the flavour's column
//     holds (2038-01-19 where it is an integer); Auth.js v5 lower-cases the
//     token type ("bearer"), NextAuth.js v4 stores it as the provider sent
//     it.
//
// # NextAuth.js 2.0.0-beta.73
//
// On gormauth.Beta73 the repository follows beta.73's rules where they
// differ from Auth.js's (see gormauth.Flavour's methods): session tokens
// are 64 hexadecimal characters (gormauth.Flavour.NewSessionToken), and
// each session gets beta.73's access_token; a session is due for the
// sliding expiry only more than UpdateAge after its last extension; the
// address of a sign-in link is lower-cased when it is stored and when it is
// redeemed, and otherwise taken as typed; the timestamp columns hold the
// wall clock of Options.Location (the TZ of NextAuth.js's Node.js
// process), read as JavaScript's Date reads it; accounts keep no ID token,
// scope, session state or token type, and the expiry as
// access_token_expires, which ExpiresAt reads and writes in seconds
// (rounded down); compound_id is set as beta.73 sets it; a session's
// access token (Session.AccessToken) finds it with Sessions.ByAccessToken.
//
// # Flavours
//
// One implementation serves every flavour, driven by its description: the
// statements are made once per repository from the flavour's table names,
// id kinds, timestamp type and clock columns. Ids are made as each flavour's
// Auth.js makes them: cuids (Prisma) and UUIDs (Drizzle) in Go, serial
// integers (pg) by the database. Prisma's createdAt and updatedAt are
// filled where the Prisma client would fill them. The statements rely on no
// key a flavour may lack: no ON CONFLICT; a user's accounts and sessions are
// deleted by the repository, whether or not foreign keys cascade; where the
// accounts table has no unique key (pg, Drizzle's docs schema) an advisory
// lock of the provider account keeps each provider account linked once, and
// the sign-in flows hold advisory locks of the provider account and the
// email address, so that concurrent sign-ins of a new identity make one
// user on every flavour.
//
// # Time
//
// Every timestamp is stored in UTC, as Auth.js stores it: the instant in
// timestamp with time zone (pg), or the UTC wall clock in timestamp without
// time zone (Prisma, to the millisecond; Drizzle); in Beta73, the wall clock
// of Options.Location. This holds whatever the TZ of the Go process and
// the TimeZone of the Postgres session. Times are returned as
// instants in UTC at the flavour's precision. Expiry is decided in Go.
//
// # Errors and logs
//
// Errors name the operation and wrap ErrNotFound, ErrAlreadyExists,
// ErrInvalidInput or ErrAccountNotLinked, and their cause. Invalid input (empty values, values over
// the Max… limits or a varchar(255) column, NUL bytes, invalid UTF-8, ids the
// flavour cannot have, times or expires_at a column cannot hold, a nil or
// cancelled context) is refused before anything is sent. Statements are
// logged through the *gorm.DB's logger without their parameters, so no
// token or secret reaches a log.
package repository
