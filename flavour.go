package gormauth

import (
	"time"

	"github.com/gormauth/gormauth/internal/ids"
	"github.com/gormauth/gormauth/internal/wallclock"
)

// Flavour is the way one application keeps users, accounts, sessions and
// sign-in tokens in PostgreSQL: NextAuth.js 2.0.0-beta.73's own tables, or
// those of an Auth.js adapter. It holds their table names, the kind of
// their ids, the type of their timestamps, which columns a writer must
// fill, which keys the schema has, and the rules of the NextAuth.js or
// Auth.js version it belongs to. The flavours are the values below; a
// Flavour has no fields to set.
type Flavour struct {
	name, about string

	users, accounts, sessions, tokens string // table names

	userID, accountID, sessionID IDKind

	// wallClock: the timestamps are timestamp without time zone holding the
	// UTC wall clock (Prisma, Drizzle); otherwise timestamp with time zone
	// (pg).
	wallClock bool
	// precision of the timestamps: milliseconds for Prisma's timestamp(3).
	precision time.Duration
	// times are the instants a timestamp column holds and the flavour's
	// adapter writes and reads back (see TimeRange).
	times wallclock.Range
	// clockColumns: "createdAt" and "updatedAt" on users, accounts and
	// sessions, which the Prisma client fills (Auth.js v5's Prisma schema),
	// or created and updated, which TypeORM fills (Beta73).
	clockColumns bool
	// emailRequired: users.email is NOT NULL (Auth.js v5's Prisma schema).
	emailRequired bool
	// maxExpiresAt is the largest accounts.expires_at: int4 or int8.
	maxExpiresAt int64
	// maxLen is the length limit of the columns that have one
	// (character varying(255) in the pg adapter's schema), in characters;
	// 0 when none has.
	maxLen int
	// cascades: foreign keys delete a user's accounts and sessions with
	// the user; otherwise the repository deletes them itself.
	cascades bool
	// accountKey: every database of the flavour has a unique key on
	// (provider, providerAccountId) (Prisma's; not the Drizzle docs'
	// schema's, nor the pg adapter's).
	accountKey bool
	// v4: NextAuth.js v4's rules rather than Auth.js v5's: its identifier
	// normaliser, OAuth token types stored as the provider sent them.
	v4 bool
	// cookie is the session cookie's name over plain HTTP.
	cookie string
	// columns spells, by the name Auth.js's schema gives them, the columns
	// the flavour names otherwise (see Column).
	columns map[string]string
	// localTime: the timestamp columns hold the wall clock of the zone the
	// JavaScript side runs in, not UTC's (beta.73).
	localTime bool
	// beta73Rules: NextAuth.js 2.0.0-beta.73's rules rather than Auth.js's:
	// hexadecimal session tokens, a strict sliding-expiry threshold, sign-in
	// addresses lower-cased when stored and when redeemed.
	beta73Rules bool

	schema func() tables
}

// IDKind is how a table's ids are made.
type IDKind int

// The kinds of id.
const (
	// NoID: the table has no id column.
	NoID IDKind = iota
	// Serial: an integer from the table's sequence, given by the database.
	Serial
	// CUID: text, a cuid (version 1) the writer makes, as Prisma's
	// @default(cuid()) has the Prisma client make it.
	CUID
	// UUID: text, a random (version 4) UUID the writer makes, as
	// crypto.randomUUID() in Auth.js's Drizzle tables.
	UUID
)

// String returns "serial", "cuid", "uuid", or "none".
func (k IDKind) String() string {
	switch k {
	case Serial:
		return "serial"
	case CUID:
		return "cuid"
	case UUID:
		return "uuid"
	}
	return "none"
}

// The flavours.
var (
	// Beta73 is NextAuth.js 2.0.0-beta.73 with its built-in TypeORM models:
	// tables users, accounts, sessions and verification_requests; serial
	// integer ids; timestamp without time zone holding the wall clock of
	// the Node.js process's zone (repository.Options.Location); created and
	// updated columns on every table; a unique compound_id on accounts (a
	// hash of the provider and the provider's account id) and an
	// access_token on sessions; no foreign keys. Its range of times is that
	// of Pg, read in that zone.
	Beta73 = &Flavour{
		name: "beta73", about: "NextAuth.js 2.0.0-beta.73 (its built-in TypeORM models)",
		users: "users", accounts: "accounts", sessions: "sessions", tokens: "verification_requests",
		userID: Serial, accountID: Serial, sessionID: Serial, wallClock: true, precision: time.Microsecond, times: pgTimes,
		clockColumns: true, accountKey: true, cookie: nextAuthCookie, localTime: true, beta73Rules: true,
		maxExpiresAt: jsMaxSeconds, schema: func() tables { return expectedSchema().Tables },
		columns: map[string]string{
			"emailVerified": "email_verified", "userId": "user_id", "type": "provider_type", "provider": "provider_id",
			"providerAccountId": "provider_account_id", "sessionToken": "session_token", "createdAt": "created",
			"updatedAt": "updated", "identifier": "identifer", // sic: beta.73's column
		},
	}
	// Prisma is Auth.js v5 with @auth/prisma-adapter, on the Prisma schema
	// of the Auth.js documentation: tables "User", "Account", "Session",
	// "VerificationToken" and "Authenticator"; text ids (cuid) made by the
	// Prisma client; timestamp(3) holding the UTC wall clock; "createdAt"
	// and "updatedAt" that the client fills; users.email NOT NULL; foreign
	// keys that cascade.
	Prisma = &Flavour{
		name: "prisma", about: "Auth.js v5 with @auth/prisma-adapter (the Prisma schema of the Auth.js docs)",
		users: "User", accounts: "Account", sessions: "Session", tokens: "VerificationToken",
		userID: CUID, wallClock: true, precision: time.Millisecond, times: prismaTimes, clockColumns: true, emailRequired: true,
		maxExpiresAt: maxInt4, cascades: true, accountKey: true, cookie: authJSCookie, schema: prismaTables,
	}
	// PrismaV4 is NextAuth.js v4 with @next-auth/prisma-adapter, on the
	// Prisma schema of its documentation: the same table names as Prisma,
	// text ids (cuid) on users, accounts and sessions, no clock columns,
	// users.email nullable.
	PrismaV4 = &Flavour{
		name: "prisma-v4", about: "NextAuth.js v4 with @next-auth/prisma-adapter (the Prisma schema of its docs)",
		users: "User", accounts: "Account", sessions: "Session", tokens: "VerificationToken",
		userID: CUID, accountID: CUID, sessionID: CUID, wallClock: true, precision: time.Millisecond, times: prismaTimes,
		maxExpiresAt: maxInt4, cascades: true, accountKey: true, v4: true, cookie: nextAuthCookie, schema: prismaV4Tables,
	}
	// Drizzle is Auth.js v5 with @auth/drizzle-adapter on the adapter's own
	// table definitions: tables "user", account, session,
	// "verificationToken" and authenticator; text ids (UUID) made by the
	// writer; timestamp holding the UTC wall clock; foreign keys that
	// cascade. A database made from the Drizzle schema of the Auth.js docs
	// (DrizzleDocs), which lacks the primary keys of account,
	// verificationToken and authenticator, passes its checks with a warning
	// for each missing key.
	Drizzle = &Flavour{
		name: "drizzle", about: "Auth.js v5 with @auth/drizzle-adapter (the adapter's own tables)",
		users: "user", accounts: "account", sessions: "session", tokens: "verificationToken",
		userID: UUID, wallClock: true, precision: time.Microsecond, times: drizzleTimes,
		maxExpiresAt: maxInt4, cascades: true, cookie: authJSCookie, schema: drizzleTables,
	}
	// DrizzleDocs is Drizzle on the schema of the Auth.js docs as
	// drizzle-kit creates it, which has no primary key on account,
	// verificationToken and authenticator (the docs' schema.ts wraps each
	// primaryKey() in an object that drizzle does not look into). The
	// repository is the same as Drizzle's; AutoMigrate creates this schema
	// exactly.
	DrizzleDocs = &Flavour{
		name: "drizzle-docs", about: "Auth.js v5 with @auth/drizzle-adapter (the Drizzle schema of the Auth.js docs)",
		users: "user", accounts: "account", sessions: "session", tokens: "verificationToken",
		userID: UUID, wallClock: true, precision: time.Microsecond, times: drizzleTimes,
		maxExpiresAt: maxInt4, cascades: true, cookie: authJSCookie, schema: drizzleDocsTables,
	}
	// Pg is Auth.js v5 with @auth/pg-adapter, on its schema.sql: tables
	// users, accounts, sessions and verification_token; serial integer ids;
	// timestamp with time zone; character varying(255) for names, emails,
	// provider fields and session tokens; no unique constraint but the
	// token's key, and no foreign keys (the repository deletes a user's
	// accounts and sessions itself).
	Pg = &Flavour{
		name: "pg", about: "Auth.js v5 with @auth/pg-adapter (its schema.sql)",
		users: "users", accounts: "accounts", sessions: "sessions", tokens: "verification_token",
		userID: Serial, accountID: Serial, sessionID: Serial, precision: time.Microsecond, times: pgTimes,
		maxExpiresAt: maxInt8, maxLen: 255, cookie: authJSCookie, schema: pgTables,
	}
)

// Flavours lists every flavour.
func Flavours() []*Flavour { return []*Flavour{Beta73, Prisma, PrismaV4, Drizzle, DrizzleDocs, Pg} }

// AuthJSFlavours lists the flavours of the Auth.js adapters (@auth/… and
// @next-auth/…): every flavour but Beta73.
func AuthJSFlavours() []*Flavour { return []*Flavour{Prisma, PrismaV4, Drizzle, DrizzleDocs, Pg} }

// The session cookie's names over plain HTTP.
const (
	nextAuthCookie = "next-auth.session-token" // NextAuth.js 2.0.0-beta.73 and v4
	authJSCookie   = "authjs.session-token"    // Auth.js v5
)

const (
	maxInt4 = 1<<31 - 1
	maxInt8 = 1<<63 - 1
	// jsMaxSeconds is the last second a JavaScript Date holds
	// (+275760-09-13T00:00:00Z): beta.73 keeps a token's expiry as a
	// timestamp, which holds that and more.
	jsMaxSeconds = 8_640_000_000_000
)

// The instants each flavour's adapter writes to its timestamp columns and
// reads back as the same Date, measured with the real packages
// (repository's TestAdapterTimeRange keeps them true). Outside, an
// adapter fails to write (Prisma and Drizzle before year 1 or 100, Drizzle
// from year 10000: PostgreSQL refuses the ISO text "+010000-…") or reads an
// Invalid Date (Prisma from year 10000, Drizzle before year 100, which
// JavaScript's Date.parse takes for 19xx or 20xx, or BC) or another instant.
var (
	// Prisma's client: years 1 to 9999, at its millisecond precision.
	prismaTimes = wallclock.Range{
		Min: time.Date(1, time.January, 1, 0, 0, 0, 0, time.UTC),
		Max: time.Date(9999, time.December, 31, 23, 59, 59, 999e6, time.UTC),
	}
	// drizzle-orm on postgres.js: years 100 to 9999.
	drizzleTimes = wallclock.Range{
		Min: time.Date(100, time.January, 1, 0, 0, 0, 0, time.UTC),
		Max: time.Date(9999, time.December, 31, 23, 59, 59, 999999e3, time.UTC),
	}
	// pg: everything timestamp with time zone holds (from 4714 BC) up to
	// the last instant a JavaScript Date holds (275760-09-13).
	pgTimes = wallclock.Range{Min: wallclock.Min, Max: wallclock.JSMax}
)

// Name returns a short name: "beta73", "prisma", "prisma-v4", "drizzle",
// "drizzle-docs" or "pg".
func (f *Flavour) Name() string { return f.name }

// String describes the flavour in words.
func (f *Flavour) String() string { return f.about }

// V4 reports whether the flavour is NextAuth.js v4's rather than Auth.js
// v5's.
func (f *Flavour) V4() bool { return f.v4 }

// CookieName returns the name of the session cookie: authjs.session-token
// (Auth.js v5) or next-auth.session-token (NextAuth.js v4 and
// 2.0.0-beta.73), with the __Secure- prefix when secure (the site is
// served over HTTPS).
func (f *Flavour) CookieName(secure bool) string {
	if secure {
		return "__Secure-" + f.cookie
	}
	return f.cookie
}

// Tables returns the names of the users, accounts, sessions and sign-in
// tokens tables.
func (f *Flavour) Tables() (users, accounts, sessions, tokens string) {
	return f.users, f.accounts, f.sessions, f.tokens
}

// Column returns the flavour's name for the column that Auth.js's schema
// calls name, such as "userId", "emailVerified" or "sessionToken": the same
// name in the Auth.js flavours, NextAuth.js 2.0.0-beta.73's ("user_id",
// "email_verified", "session_token"; "provider_type" for "type",
// "provider_id" for "provider", "created" and "updated" for "createdAt"
// and "updatedAt", and "identifer", so misspelt, for "identifier") in
// Beta73.
func (f *Flavour) Column(name string) string {
	if c, ok := f.columns[name]; ok {
		return c
	}
	return name
}

// Has reports whether the flavour's table, one of the names Tables
// returns, has the column, named as the flavour names it.
func (f *Flavour) Has(table, column string) bool {
	for _, t := range f.schema() {
		if t.Name != table {
			continue
		}
		for _, c := range t.Columns {
			if c.Name == column {
				return true
			}
		}
	}
	return false
}

// LocalTime reports whether the timestamp columns hold the wall clock of
// the zone the JavaScript side runs in (Beta73: NextAuth.js 2.0.0-beta.73
// writes its Node.js process's local time), which a repository must be
// told, rather than UTC's or instants.
func (f *Flavour) LocalTime() bool { return f.localTime }

// NewSessionToken returns a new session token as the flavour's JavaScript
// side makes them by default: a random UUID (Auth.js's
// crypto.randomUUID()), or 64 lowercase hexadecimal characters from 32
// random bytes (Beta73's randomBytes(32).toString("hex")).
func (f *Flavour) NewSessionToken() (string, error) {
	if f.beta73Rules {
		return ids.Hex()
	}
	return ids.UUID()
}

// Due reports whether a session that expires at expires is due for the
// sliding expiry at now, under the flavour's rule: last extended (expires −
// maxAge) updateAge ago or more in Auth.js, more than updateAge ago in
// Beta73.
func (f *Flavour) Due(expires, now time.Time, maxAge, updateAge time.Duration) bool {
	threshold := expires.Add(updateAge - maxAge)
	if f.beta73Rules {
		return now.After(threshold)
	}
	return !now.Before(threshold)
}

// SendsCookieEachRequest reports whether the JavaScript side sends the
// session cookie again on every request that reads the session, with
// Expires = now + maxAge (Auth.js's session endpoint), rather than only
// when the sliding expiry extended the session (Beta73).
func (f *Flavour) SendsCookieEachRequest() bool { return !f.beta73Rules }

// LowerCasesIdentifiers reports whether the address of an email sign-in
// link is lower-cased (with JavaScript's toLowerCase) both when the link is
// stored and when it is redeemed, and otherwise taken as typed
// (NextAuth.js 2.0.0-beta.73), rather than normalised once, when it is
// stored, by the email provider's normalizeIdentifier (Auth.js).
func (f *Flavour) LowerCasesIdentifiers() bool { return f.beta73Rules }

// WallClock reports whether the timestamp columns are timestamp without
// time zone holding the UTC wall clock (true) or timestamp with time zone.
func (f *Flavour) WallClock() bool { return f.wallClock }

// Precision returns the precision of the timestamp columns: a millisecond
// for Prisma's timestamp(3), a microsecond otherwise.
func (f *Flavour) Precision() time.Duration { return f.precision }

// ClockColumns reports whether users, accounts and sessions have the
// columns of when a row was created and last updated, which a writer must
// fill: "createdAt" and "updatedAt" (Prisma for Auth.js v5), created and
// updated (Beta73; see Column).
func (f *Flavour) ClockColumns() bool { return f.clockColumns }

// EmailRequired reports whether users.email is NOT NULL.
func (f *Flavour) EmailRequired() bool { return f.emailRequired }

// MaxExpiresAt returns the largest accounts.expires_at the column holds:
// for Beta73, which keeps the expiry as a timestamp (access_token_expires),
// JavaScript's last second.
func (f *Flavour) MaxExpiresAt() int64 { return f.maxExpiresAt }

// TimeRange returns the first and last instants the flavour's timestamp
// columns take from a writer, both included: those that its column holds
// and its Auth.js adapter both writes and reads back as the same Date. The
// repository (package repository) refuses any other time with
// ErrInvalidInput. Prisma: 0001-01-01T00:00:00Z to
// 9999-12-31T23:59:59.999Z; Drizzle: 0100-01-01T00:00:00Z to
// 9999-12-31T23:59:59.999999Z; pg: 4714-11-24T00:00:00Z BC to
// +275760-09-13T00:00:00Z (JavaScript's last Date).
func (f *Flavour) TimeRange() (first, last time.Time) { return f.times.Min, f.times.Max }

// MaxLen returns the length limit, in characters, of the columns that have
// one (character varying(255) in the pg adapter's schema: users.name and
// email, accounts.type, provider and providerAccountId,
// sessions.sessionToken), or 0 when none has.
func (f *Flavour) MaxLen() int { return f.maxLen }

// Cascades reports whether foreign keys delete a user's accounts and
// sessions with the user.
func (f *Flavour) Cascades() bool { return f.cascades }

// AccountKey reports whether every database of the flavour has a unique
// key on accounts' (provider, providerAccountId): Prisma's schemas have;
// the Drizzle docs' schema and the pg adapter's have none, and the
// repository keeps provider accounts unique itself there.
func (f *Flavour) AccountKey() bool { return f.accountKey }

// SerialIDs reports whether users' ids are serial integers (pg), which the
// database gives, rather than text ids the writer makes.
func (f *Flavour) SerialIDs() bool { return f.userID == Serial }

// IDs returns how the ids of users, accounts and sessions are made (NoID
// for a table without an id column).
func (f *Flavour) IDs() (users, accounts, sessions IDKind) {
	return f.userID, f.accountID, f.sessionID
}
