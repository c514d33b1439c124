package repository

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/gormauth/gormauth/internal/ids"
	"github.com/gormauth/gormauth/internal/sqlexec"
)

// Defaults of Options, the same as NextAuth.js's.
const (
	DefaultMaxAge             = 30 * 24 * time.Hour // sessions live 30 days
	DefaultUpdateAge          = 24 * time.Hour      // and are extended at most once a day
	DefaultVerificationMaxAge = 24 * time.Hour      // email sign-in links live a day
	DefaultBatchSize          = 1000                // rows per statement when deleting expired rows
)

// Options configures a Repository. The zero value means the documented
// defaults, which are NextAuth.js's.
type Options struct {
	// MaxAge is how long a session lasts after it is created or extended.
	// Default 30 days.
	MaxAge time.Duration
	// UpdateAge throttles the sliding expiry: a session in use is extended
	// only when it was last extended more than UpdateAge ago. Default 24
	// hours. It must be less than MaxAge. NextAuth.js's updateAge: 0 (extend
	// on every use) is UpdateAge: time.Nanosecond.
	UpdateAge time.Duration
	// Now returns the current time. Default time.Now. Its result is used as
	// an instant, rounded down to the microsecond that PostgreSQL stores;
	// tests set it to own the clock.
	Now func() time.Time
	// Location is the time zone whose wall clock the timestamp columns
	// hold. Default UTC. NextAuth.js 2.0.0-beta.73 writes the wall clock of
	// the Node.js process's zone (its TZ), so beside it set Location to that
	// zone: time.LoadLocation(tz). Every value written and read, every
	// expiry, Due and the clean-up use it, whatever the Go process's TZ and
	// whatever the database session's TimeZone. A wall clock that Location
	// skips or shows twice (when clocks change) is read as JavaScript's Date
	// reads it: with the UTC offset in effect before the change.
	//
	// Times are accepted from the first wall clock a timestamp column holds
	// in Location (4714-11-24 00:00 BC) to the last instant a JavaScript Date
	// holds (+275760-09-13T00:00:00Z), the range NextAuth.js reads back.
	// Any other time, given or from Now (Now + MaxAge included), is
	// ErrInvalidInput, returned before anything is sent.
	Location *time.Location
	// MaxLifetime, if not 0, is how long a session may last however often
	// it is extended: it is valid only while now ≤ Created + MaxLifetime,
	// in every read (Sessions.ByToken, ByAccessToken, WithUser, ListByUser,
	// and so the middleware), and neither its opening nor Refresh sets its
	// expires past Created + MaxLifetime. Default 0: no limit, as in
	// NextAuth.js, whose sessions beside a limit live on in the NextAuth.js
	// application until they expire. It must not be negative.
	MaxLifetime time.Duration
	// StrictRevocation makes session lookups (Sessions.WithUser, ByToken,
	// ByAccessToken, and so the middleware) read from the primary only,
	// when the *gorm.DB sends reads to replicas (gorm.io/plugin/dbresolver).
	// By default they read where reads go, and a session that was deleted
	// (signed out, signed out everywhere, its user deleted) or that expired
	// early keeps authenticating on a replica until the replica has applied
	// the deletion: for as long as the replica lags behind the primary.
	// Without replicas it changes nothing.
	StrictRevocation bool
}

func (o Options) withDefaults() (Options, error) {
	if o.MaxAge == 0 {
		o.MaxAge = DefaultMaxAge
	}
	if o.UpdateAge == 0 {
		o.UpdateAge = DefaultUpdateAge
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.MaxAge < 0 || o.UpdateAge < 0 || o.UpdateAge >= o.MaxAge {
		return o, fmt.Errorf("gormauth: repository options: MaxAge (%s) and UpdateAge (%s) must be positive with UpdateAge < MaxAge", o.MaxAge, o.UpdateAge)
	}
	if o.MaxLifetime < 0 {
		return o, fmt.Errorf("gormauth: repository options: MaxLifetime (%s) is negative", o.MaxLifetime)
	}
	return o, nil
}

// Repository runs the queries of an authentication system on the four
// NextAuth.js tables. Its methods are grouped by table; the sign-in flows
// that span tables are methods of Repository itself. It is safe for
// concurrent use. Make one with New or NewChecked: the zero value (and a
// zero Users, Accounts, Sessions or Verifications) is not usable.
type Repository struct {
	// Users reads and writes the users table.
	Users *Users
	// Accounts reads and writes the accounts table (linked provider accounts).
	Accounts *Accounts
	// Sessions reads and writes the sessions table (database sessions).
	Sessions *Sessions
	// Verifications reads and writes the verification_requests table (email
	// sign-in tokens).
	Verifications *Verifications

	core *core
}

// core is what every group of methods shares.
type core struct {
	x    *sqlexec.DB // runs the statements on the caller's *gorm.DB
	opts Options
}

func newCore(db *gorm.DB, opts Options) *core {
	return &core{x: sqlexec.New(db), opts: opts}
}

// sessionRoute is where session lookups read: where reads go, and the
// primary when nothing is found there; the primary alone with
// StrictRevocation.
func (c *core) sessionRoute() sqlexec.Route { return sqlexec.Lookup(c.opts.StrictRevocation) }

// New returns a Repository on db. It panics if opts are inconsistent (see
// Options); use NewChecked to get an error instead.
//
// The repository uses db without GORM's default transaction around single
// statements, and with db's logger wrapped so that it never prints bound
// parameters (tokens, secrets): logged SQL shows $1, $2, ….
func New(db *gorm.DB, opts Options) *Repository {
	r, err := NewChecked(db, opts)
	if err != nil {
		panic(err)
	}
	return r
}

// NewChecked is New, returning an error for inconsistent options or a nil db.
func NewChecked(db *gorm.DB, opts Options) (*Repository, error) {
	if db == nil {
		return nil, errors.New("gormauth: repository: nil *gorm.DB")
	}
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	return newRepository(newCore(db, o)), nil
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
// caller began on the same database (db.Begin or inside db.Transaction). The
// options are kept.
//
// PostgreSQL aborts a transaction at its first failed statement, so after
// any error from a method (ErrAlreadyExists included) roll back rather than
// go on: "create, and on ErrAlreadyExists look it up" does not work inside a
// transaction. The sign-in flows use savepoints and need no such care. For
// a nil tx, every operation returns ErrInvalidInput and sends nothing.
func (r *Repository) WithTx(tx *gorm.DB) *Repository {
	return newRepository(newCore(tx, r.core.opts))
}

// Transaction runs fn with a Repository bound to a new transaction, and
// commits it if fn returns nil, or rolls it back otherwise. fn should return
// the first error it gets (see WithTx). A nil fn is ErrInvalidInput, and no
// transaction is begun.
func (r *Repository) Transaction(ctx context.Context, fn func(tx *Repository) error) error {
	if err := ctxError("Transaction", ctx); err != nil {
		return err
	}
	if fn == nil {
		return invalid("Transaction", "nil function")
	}
	return r.core.x.GormTransaction(ctx, func(tx *gorm.DB) error {
		return fn(newRepository(newCore(tx, r.core.opts)))
	})
}

// Options returns the repository's options with the defaults filled in.
func (r *Repository) Options() Options { return r.core.opts }

// Strict returns a Repository on the same database whose session lookups
// read from the primary only (Options.StrictRevocation), for the requests
// where a session that was just revoked must not authenticate.
func (r *Repository) Strict() *Repository {
	if r.core.opts.StrictRevocation {
		return r
	}
	o := r.core.opts
	o.StrictRevocation = true
	return newRepository(&core{x: r.core.x, opts: o})
}

// NewToken returns the lowercase hex of 32 random bytes from crypto/rand (64
// characters), as NextAuth.js makes session tokens and sign-in tokens.
func NewToken() (string, error) { return ids.Hex() }
