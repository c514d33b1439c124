package repository

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/gormauth/gormauth"
	"github.com/gormauth/gormauth/internal/fail"
	"github.com/gormauth/gormauth/internal/ids"
	"github.com/gormauth/gormauth/internal/input"
	"github.com/gormauth/gormauth/internal/sqlexec"
	"github.com/gormauth/gormauth/internal/wallclock"
)

// Defaults of Options, the same as Auth.js's.
const (
	DefaultMaxAge             = 30 * 24 * time.Hour // sessions live 30 days
	DefaultUpdateAge          = 24 * time.Hour      // and are extended at most once a day
	DefaultVerificationMaxAge = 24 * time.Hour      // email sign-in links live a day
	DefaultBatchSize          = 1000                // rows per statement when deleting expired rows
)

// Errors returned by the repository, wrapped with the name of the
// operation. Match them with errors.Is.
var (
	// ErrNotFound: no row matched, or the row matched has expired.
	ErrNotFound = fail.ErrNotFound
	// ErrAlreadyExists: a unique value is taken (an email, a linked
	// provider account, a token).
	ErrAlreadyExists = fail.ErrAlreadyExists
	// ErrInvalidInput: an argument was rejected before anything was sent to
	// the database (empty, too long, a NUL byte, invalid UTF-8, an id the
	// flavour cannot have, a time outside the flavour's TimeRange, Options.Now
	// included, an expires_at its column or a JavaScript Date cannot hold,
	// an email address Auth.js's normaliser refuses).
	ErrInvalidInput = fail.ErrInvalidInput
	// ErrAccountNotLinked: an OAuth sign-in came from a provider account
	// linked to no user, and its email belongs to an existing user: Auth.js's
	// OAuthAccountNotLinked. Options.AllowDangerousEmailAccountLinking links
	// it instead.
	ErrAccountNotLinked = fail.ErrAccountNotLinked
	// ErrMaxLifetimeUnsupported: NewChecked was given Options.MaxLifetime
	// for a flavour whose sessions table does not record when a session was
	// created (every flavour but Prisma's for Auth.js v5 and Beta73).
	ErrMaxLifetimeUnsupported = errors.New("gormauth: repository: Options.MaxLifetime needs a sessions table that records when a session was created")
)

// Limits on the length in bytes of values written or looked up (README's
// "Limits" says why each is where it is); anything longer is rejected with
// ErrInvalidInput. In the pg flavour the columns of type character
// varying(255) also limit their values to 255 characters. Only the values
// an operation is given are checked, never what it reads; Users.Update
// also takes a value over its limit that equals the one stored, so that a
// row the JavaScript side wrote stays updatable.
const (
	MaxTokenLen         = input.MaxTokenLen         // 2 KiB: session tokens, sign-in tokens
	MaxSecretLen        = input.MaxSecretLen        // 4 KiB: the secret, joined
	MaxEmailLen         = input.MaxEmailLen         // 2 KiB: email addresses
	MaxNameLen          = input.MaxNameLen          // 64 KiB: display names
	MaxImageLen         = input.MaxImageLen         // 1 MiB: image URLs, data: URLs included
	MaxProviderFieldLen = input.MaxProviderFieldLen // 1 KiB: type, provider, provider account id, ids, token type
	MaxProviderTokenLen = input.MaxProviderTokenLen // 1 MiB: OAuth access, refresh and id tokens, scope, session state
)

// Options configures a Repository. The zero value means the documented
// defaults, which are Auth.js's (and NextAuth.js v4's).
type Options struct {
	// MaxAge is how long a session lasts after it is created or extended
	// (Auth.js's session.maxAge). Default 30 days.
	MaxAge time.Duration
	// UpdateAge throttles the sliding expiry (session.updateAge): a session
	// in use is extended when it was last extended UpdateAge ago or more.
	// Default 24 hours; it must be less than MaxAge. Auth.js's updateAge: 0
	// (extend on every use) is UpdateAge: time.Nanosecond.
	UpdateAge time.Duration
	// Now returns the current time. Default time.Now. Like every time an
	// operation is given, it must be within the flavour's TimeRange (the
	// times its column holds and its Auth.js adapter reads back), and so
	// must Now + MaxAge where an operation opens or extends a session:
	// otherwise the operation returns ErrInvalidInput and sends nothing.
	Now func() time.Time
	// Secret is Auth.js's secret, with which email sign-in tokens are
	// hashed: AUTH_SECRET (or NEXTAUTH_SECRET) as one element; or, where
	// @auth/core builds a list from AUTH_SECRET_1 … AUTH_SECRET_3 and
	// AUTH_SECRET, that list in its order ([AUTH_SECRET_3, AUTH_SECRET_2,
	// AUTH_SECRET_1, AUTH_SECRET], those set), which Auth.js joins with
	// commas into what it hashes. Needed by the sign-in token operations.
	Secret []string
	// AllowDangerousEmailAccountLinking makes SignInOAuth link an unknown
	// provider account to the existing user with the profile's email, as
	// the provider option of that name does in Auth.js, instead of
	// returning ErrAccountNotLinked. Only for providers that verify email
	// addresses.
	AllowDangerousEmailAccountLinking bool
	// NormalizeIdentifier turns the address a person types into the
	// identifier of an email sign-in token (Verifications.Create), as an
	// email provider's normalizeIdentifier option does. Default:
	// NormalizeIdentifierV4 for NextAuth.js v4's flavour,
	// NormalizeIdentifier for the others. It returns an error for an
	// address it refuses.
	NormalizeIdentifier func(email string) (string, error)
	// GenerateSessionToken makes the token of every session the repository
	// opens (Sessions.Create and the sign-in flows), as Auth.js's
	// session.generateSessionToken option does: give it the generator of
	// the Next.js application beside it. Default NewSessionToken, a random
	// UUID like Auth.js's default crypto.randomUUID(). A token it returns
	// is checked as every session token is (not empty, at most MaxTokenLen
	// bytes, no NUL byte, valid UTF-8, at most 255 characters in the pg
	// flavour), and a bad one is ErrInvalidInput; an error it returns is
	// returned wrapped. Either way the operation sends nothing.
	GenerateSessionToken func() (string, error)
	// MaxLifetime, if not 0, is how long a session may last however often
	// it is extended: it is valid only while now ≤ CreatedAt + MaxLifetime,
	// in every read (Sessions.ByToken, WithUser, ListByUser, and so the
	// middleware), and neither its opening nor Refresh sets its expires past
	// CreatedAt + MaxLifetime. Default 0: no limit, as in Auth.js, whose
	// sessions beside a limit live on in the Next.js application until they
	// expire. Only the flavours whose sessions record their creation
	// (ClockColumns: Prisma for Auth.js v5, and Beta73) can have it; for the others New
	// panics and NewChecked returns ErrMaxLifetimeUnsupported. It must not be
	// negative.
	MaxLifetime time.Duration
	// StrictRevocation makes session lookups read from the primary only
	// when the *gorm.DB sends reads to replicas (gorm.io/plugin/dbresolver),
	// so that a session signed out a moment ago is refused at once rather
	// than once the replica has applied the deletion (Repository.Strict
	// gives one repository of each kind on one database).
	StrictRevocation bool
	// Location is the time zone whose wall clock the timestamp columns
	// hold, for a flavour that holds local time (gormauth.Beta73: the TZ of
	// NextAuth.js's Node.js process, time.LoadLocation(tz)). Default UTC;
	// the other flavours hold UTC and refuse another. Every value written
	// and read, every expiry and the clean-up use it, whatever the Go
	// process's TZ and the database session's TimeZone; a wall clock the
	// zone skips or shows twice is read as JavaScript's Date reads it.
	Location *time.Location
}

func (o Options) withDefaults(f *gormauth.Flavour) (Options, error) {
	if o.MaxAge == 0 {
		o.MaxAge = DefaultMaxAge
	}
	if o.UpdateAge == 0 {
		o.UpdateAge = DefaultUpdateAge
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	switch {
	case o.NormalizeIdentifier != nil:
	case f.LowerCasesIdentifiers():
		o.NormalizeIdentifier = func(email string) (string, error) { return LowerEmail(email), nil }
	case f.V4():
		o.NormalizeIdentifier = NormalizeIdentifierV4
	default:
		o.NormalizeIdentifier = NormalizeIdentifier
	}
	if o.GenerateSessionToken == nil {
		o.GenerateSessionToken = f.NewSessionToken
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.Location != time.UTC && !f.LocalTime() {
		return o, fmt.Errorf("gormauth: repository options: Location (%s) is for flavours whose columns hold local time (Beta73); the %s flavour's hold UTC", o.Location, f.Name())
	}
	if o.MaxAge < 0 || o.UpdateAge < 0 || o.UpdateAge >= o.MaxAge {
		return o, fmt.Errorf("gormauth: repository options: MaxAge (%s) and UpdateAge (%s) must be positive with UpdateAge < MaxAge", o.MaxAge, o.UpdateAge)
	}
	if o.MaxLifetime < 0 {
		return o, fmt.Errorf("gormauth: repository options: MaxLifetime (%s) is negative", o.MaxLifetime)
	}
	if o.MaxLifetime > 0 && !f.ClockColumns() {
		return o, fmt.Errorf("%w: the %s flavour's sessions table has no createdAt", ErrMaxLifetimeUnsupported, f.Name())
	}
	return o, nil
}

// Repository runs the queries of Auth.js's Adapter on the tables of one
// flavour, with Auth.js's rules. Its methods are grouped by table; the
// sign-in flows that span tables are methods of Repository itself. It is
// safe for concurrent use. Make one with New or NewChecked: the zero value
// (and a zero Users, Accounts, Sessions or Verifications) is not usable.
type Repository struct {
	// Users reads and writes the users table.
	Users *Users
	// Accounts reads and writes the accounts table.
	Accounts *Accounts
	// Sessions reads and writes the sessions table.
	Sessions *Sessions
	// Verifications reads and writes the sign-in tokens table.
	Verifications *Verifications

	core *core
}

// core is what every group of methods shares.
type core struct {
	x    *sqlexec.DB // runs the statements on the caller's *gorm.DB
	f    *gormauth.Flavour
	opts Options
	q    statements
	cuid *ids.CUID
	// zone is the time zone whose wall clock the timestamp columns of a
	// wall-clock flavour hold: UTC for Auth.js's.
	zone *time.Location
	// accessTokens: the sessions table has beta.73's access_token, which
	// every new session gets.
	accessTokens bool
	// expiresAsTime: accounts keep the expiry as beta.73's
	// access_token_expires, a time, rather than expires_at in seconds.
	expiresAsTime bool
	// unkept are the accounts' token columns of Auth.js that the flavour
	// lacks (beta.73: id_token, scope, session_state, token_type).
	unkept []string
}

// New returns a Repository for the tables of flavour f on db: an Auth.js
// flavour, or NextAuth.js 2.0.0-beta.73's tables (gormauth.Beta73, with
// its rules: see the package documentation). It panics if f is nil or
// opts are inconsistent or unsupported by f
// (Options.MaxLifetime); use NewChecked to get an error instead.
// It runs every statement on db's connections
// (or db's transaction) without GORM's statement pipeline, routed by db's
// resolver, logged by db's logger without bound parameters.
func New(db *gorm.DB, f *gormauth.Flavour, opts Options) *Repository {
	r, err := NewChecked(db, f, opts)
	if err != nil {
		panic(err)
	}
	return r
}

// NewChecked is New, returning an error for a nil db or flavour or
// inconsistent options, and ErrMaxLifetimeUnsupported (wrapped) for
// Options.MaxLifetime on a flavour whose sessions do not record their
// creation.
func NewChecked(db *gorm.DB, f *gormauth.Flavour, opts Options) (*Repository, error) {
	if db == nil || f == nil {
		return nil, errors.New("gormauth: repository: nil *gorm.DB or flavour")
	}
	o, err := opts.withDefaults(f)
	if err != nil {
		return nil, err
	}
	_, accounts, sessions, _ := f.Tables()
	return newRepository(&core{x: sqlexec.New(db), f: f, opts: o, q: newStatements(f), cuid: ids.NewCUID(), zone: o.Location,
		accessTokens: f.Has(sessions, "access_token"), expiresAsTime: f.Has(accounts, "access_token_expires"),
		unkept: lacking(f, accounts, "id_token", "scope", "session_state", "token_type")}), nil
}

// lacking returns the columns of table that f does not have.
func lacking(f *gormauth.Flavour, table string, columns ...string) []string {
	var out []string
	for _, c := range columns {
		if !f.Has(table, c) {
			out = append(out, c)
		}
	}
	return out
}

func newRepository(c *core) *Repository {
	return &Repository{
		Users:         &Users{c},
		Accounts:      &Accounts{c},
		Sessions:      &Sessions{c},
		Verifications: &Verifications{c},
		core:          c,
	}
}

// WithTx returns a Repository whose statements run in tx, a transaction the
// caller began on the same database. After an error from any method, roll
// the transaction back: PostgreSQL refuses its later statements. For a nil tx,
// every operation returns ErrInvalidInput and sends nothing.
func (r *Repository) WithTx(tx *gorm.DB) *Repository {
	c := *r.core
	c.x = sqlexec.New(tx)
	return newRepository(&c)
}

// Transaction runs fn with a Repository bound to a new transaction, and
// commits it if fn returns nil, or rolls it back otherwise. A nil fn is
// ErrInvalidInput, and no transaction is begun.
func (r *Repository) Transaction(ctx context.Context, fn func(tx *Repository) error) error {
	if err := fail.Ctx("Transaction", ctx); err != nil {
		return err
	}
	if fn == nil {
		return fail.Invalid("Transaction", "nil function")
	}
	return r.core.x.GormTransaction(ctx, func(tx *gorm.DB) error {
		return fn(r.WithTx(tx))
	})
}

// Strict returns a Repository on the same database whose session lookups
// read from the primary only (Options.StrictRevocation).
func (r *Repository) Strict() *Repository {
	if r.core.opts.StrictRevocation {
		return r
	}
	c := *r.core
	c.opts.StrictRevocation = true
	return newRepository(&c)
}

// Options returns the repository's options with the defaults filled in.
func (r *Repository) Options() Options { return r.core.opts }

// Flavour returns the repository's flavour.
func (r *Repository) Flavour() *gormauth.Flavour { return r.core.f }

// sessionRoute is where session lookups read: a replica unless
// Options.StrictRevocation.
func (c *core) sessionRoute() sqlexec.Route { return sqlexec.Lookup(c.opts.StrictRevocation) }

// now returns the current instant at the flavour's precision, in UTC.
func (c *core) now() time.Time {
	return c.opts.Now().UTC().Truncate(c.f.Precision())
}

// truncate returns t in UTC at the flavour's precision (rounded down), as
// its column holds it.
func (c *core) truncate(t time.Time) time.Time {
	return t.UTC().Truncate(c.f.Precision())
}

// stored returns t as it reads back once written: truncated and, where the
// columns hold the wall clock of a zone other than UTC (Beta73 with
// Options.Location), the instant JavaScript's Date reads that wall clock
// as, which for an instant in the hour the zone shows twice is the first.
func (c *core) stored(t time.Time) time.Time {
	t = c.truncate(t)
	if c.f.LocalTime() && c.zone != time.UTC {
		t = wallclock.Instant(wallclock.Of(t, c.zone), c.zone)
	}
	return t
}

func (c *core) storedPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	s := c.stored(*t)
	return &s
}

// bind returns the parameter to write for t: for a timestamp column the
// wall clock of the flavour's zone (UTC for Auth.js), labelled UTC so that
// every driver and protocol writes its fields unchanged; for timestamp with
// time zone the instant, in UTC.
func (c *core) bind(t time.Time) time.Time {
	if !c.f.WallClock() {
		return c.truncate(t)
	}
	return wallclock.Of(c.truncate(t), c.zone)
}

func (c *core) bindPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	b := c.bind(*t)
	return &b
}

// checkTime rejects a time outside the flavour's TimeRange (at the
// flavour's precision, as it is stored): one its column cannot hold, or
// its Auth.js adapter cannot read back.
func (c *core) checkTime(op, name string, t *time.Time) error {
	if t == nil || c.holds(*t) {
		return nil
	}
	return fail.Invalid(op, "%s is outside the times the %s flavour holds (%s)", name, c.f.Name(), c.times())
}

// holds reports whether the flavour's columns hold t, at their precision:
// within TimeRange and, for local time, a wall clock of the zone that
// JavaScript's Date reads back as t (wallclock.Holds).
func (c *core) holds(t time.Time) bool {
	t = c.truncate(t)
	if c.f.LocalTime() {
		return c.times().Contains(t) && wallclock.Holds(t, c.zone)
	}
	return c.times().Contains(t)
}

// times is the flavour's TimeRange.
func (c *core) times() wallclock.Range {
	first, last := c.f.TimeRange()
	return wallclock.Range{Min: first, Max: last}
}

// clock returns Options.Now at the flavour's precision, in UTC, once it and
// the times an operation derives from it (now + each of ahead: a session's
// or a sign-in token's expiry) are checked with checkTime. Every operation
// that reads the clock calls it before it sends anything.
func (c *core) clock(op string, ahead ...time.Duration) (time.Time, error) {
	now := c.now()
	if err := c.checkTime(op, "the current time (Options.Now)", &now); err != nil {
		return now, err
	}
	for _, d := range ahead {
		// now is within the range, so now + d cannot overflow.
		if t := now.Add(d); !c.holds(t) {
			return now, fail.Invalid(op, "the current time (Options.Now) plus %s is outside the times the %s flavour holds (%s)", d, c.f.Name(), c.times())
		}
	}
	return now, nil
}

// instants turns the times read into instants in UTC: a timestamp column's
// wall clock (read AT TIME ZONE 'UTC', see flavourSQL.readTime) as the
// flavour's zone means it, as JavaScript's Date reads it; timestamp with
// time zone, any label, as it is.
func (c *core) instants(ts ...*time.Time) {
	for _, t := range ts {
		if t == nil {
			continue
		}
		if c.f.WallClock() {
			*t = wallclock.Instant(t.UTC(), c.zone)
		} else {
			*t = t.UTC()
		}
	}
}

// checkUserID rejects an id no user of the flavour can have: for serial
// ids, anything but a positive integer in decimal.
func (c *core) checkUserID(op, name, id string) error {
	if err := input.Check(op, input.Field{Name: name, Value: id, Max: MaxProviderFieldLen}); err != nil {
		return err
	}
	if c.f.SerialIDs() {
		if n, err := strconv.ParseInt(id, 10, 32); err != nil || n <= 0 || strconv.FormatInt(n, 10) != id {
			return fail.Invalid(op, "%s is not a serial id (a positive integer)", name)
		}
	}
	return nil
}

// newID returns a new id of kind k, or "" for the database to give one
// (serial) or for a table without ids.
func (c *core) newID(k gormauth.IDKind) (string, error) {
	switch k {
	case gormauth.CUID:
		return c.cuid.New()
	case gormauth.UUID:
		return ids.UUID()
	}
	return "", nil
}

// chars returns the character limit of the columns that have one.
func (c *core) chars() int { return c.f.MaxLen() }
