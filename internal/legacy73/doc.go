// Package repository runs the queries of an authentication system on the
// four NextAuth.js tables (see package models), with NextAuth.js's exact
// semantics, so that a Go service can share its database with a NextAuth.js
// application or use the schema on its own.
//
//	repo := repository.New(db, repository.Options{}) // MaxAge 30 days, UpdateAge 24 hours
//	sess, err := repo.Sessions.WithUser(ctx, cookie.Value)
//	if errors.Is(err, repository.ErrNotFound) {
//		// not signed in, or the session expired
//	}
//	_, err = repo.Sessions.Refresh(ctx, sess) // sliding expiry, writes at most once a day
//
// # Operations
//
// Repository.Users, .Accounts, .Sessions and .Verifications group the
// operations on each table; Repository.SignInOAuth and
// Repository.SignInEmail are the sign-in flows that span tables, each one
// transaction and safe against concurrent sign-ins. Every method takes a
// context.Context first.
//
// # Sign-in by email
//
// One working link an address: Verifications.Replace stores a new sign-in
// token and deletes the address's others, and SignInEmail, when it redeems
// a token, deletes the address's other tokens too (NextAuth.js keeps each
// until it is used or expires). Both hold an advisory lock of the address.
//
// SignInEmail differs from NextAuth.js on purpose where an address is
// proven for the first time: if the user of the address was created by an
// OAuth sign-in (EmailVerified nil) and has linked provider accounts, it
// deletes those accounts and the user's sessions before it opens the new
// session, and lists the providers in SignInResult.Unlinked. NextAuth.js
// keeps them, so that whoever signed up first through a provider that does
// not verify addresses keeps signing in as the owner of the address
// (pre-account takeover). The accounts are dropped rather than the sign-in
// refused or the person asked: the link proves the address, nothing proves
// the accounts. A user SignInOAuth creates with OAuthSignIn.EmailVerified
// (the provider verified the address) is verified and keeps them. Beside
// NextAuth.js 2.0.0-beta.73, which never records a verified address, every
// user it made is unverified: one who signed up through a provider loses
// that account, and their sessions, at their first email sign-in here, and
// links it again while signed in.
//
// # Errors
//
// Errors name the operation and wrap one of ErrNotFound, ErrAlreadyExists
// (a Postgres unique violation, SQLSTATE 23505), ErrInvalidInput or
// ErrAccountNotLinked, to match with errors.Is, and the underlying cause.
// Their text never contains a token or secret. Invalid input (empty values,
// values over the Max… limits, NUL bytes, invalid UTF-8, ids ≤ 0, times out
// of a column's range, a nil or cancelled context) is rejected before
// anything is sent to the database.
//
// # Time
//
// The columns are timestamp without time zone. Every timestamp is written as
// the wall clock of Options.Location (UTC unless set; beside NextAuth.js
// 2.0.0-beta.73, the TZ of its Node.js process) at microsecond precision,
// and read back as the instant that wall clock stands for, whatever the
// process's TZ, the Postgres session's TimeZone or a TimeZone in the DSN.
// No statement relies on the database's now(). Expiry is decided in Go on
// those instants, as NextAuth.js decides it in JavaScript: a session or
// sign-in token is valid while now ≤ expires. A wall clock that Location
// skips or shows twice is read as JavaScript's Date reads it, so both sides
// agree to the millisecond. With Options.MaxLifetime (off by default, as
// in NextAuth.js) a session is also valid only while now ≤ created +
// MaxLifetime, and its expires never goes past that. Times outside the range Options.Location
// states (what a column holds and NextAuth.js reads back) are refused with
// ErrInvalidInput.
//
// # Email addresses
//
// Both sign-in flows lower-case the address, as NextAuth.js does, with
// JavaScript's toLowerCase (LowerEmail), before they look a user up or
// store one: SignInOAuth the profile's email, SignInEmail (and
// Verifications) the identifier. Users.Create, Users.Update and
// Users.ByEmail take the address exactly as given, as NextAuth.js's adapter
// does. MaxEmailLen applies to the address as stored.
//
// # Logs
//
// The repository wraps the *gorm.DB's logger so that it never prints bound
// parameters: its SQL is logged with $1, $2, … in place of values, so
// session tokens, provider tokens, sign-in tokens and secrets never reach a
// log. Queries you run yourself on the same *gorm.DB are not covered: open it
// with logger.Config{ParameterizedQueries: true} to get the same there.
//
// # Round trips
//
// Single operations are one statement each, with no BEGIN/COMMIT around
// them; Sessions.WithUser reads a session and its user in one query, and
// Sessions.Refresh writes only when the session is due.
package repository
