// Package sqlexec runs the repository's statements on the connections a
// *gorm.DB stands for, without GORM's per-statement machinery: no statement
// building, no callbacks, no reflection. A lookup on the request path then
// costs what the same statement sent with pgx costs.
//
// What it keeps of GORM:
//   - the connection pool, or the transaction a *gorm.DB is bound to (a
//     statement of a *gorm.DB from db.Begin runs in that transaction);
//   - the routing of a resolver plugin such as gorm.io/plugin/dbresolver:
//     the resolver's own callback picks the pool for each statement, and a
//     statement can ask for the primary (Primary) or for wherever reads go
//     (Replica);
//   - the logger: every statement is reported to db.Logger.Trace, with its
//     SQL as written ($1, $2, …, never the values).
//
// On a pool of pgx's database/sql driver (gorm.io/driver/postgres), a
// statement runs on the *pgx.Conn under the database/sql connection
// (sql.Conn.Raw); on anything else, through database/sql.
package sqlexec

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
	"gorm.io/plugin/dbresolver"

	"github.com/gormauth/gormauth/internal/fail"
)

// Route says which server a statement may run on when the *gorm.DB routes
// statements to replicas.
type Route int

const (
	// Primary: writes, and reads that must see every commit. The zero
	// value, so that nothing goes to a replica by mistake.
	Primary Route = iota
	// Replica: reads that tolerate replication lag, sent where the
	// resolver sends reads.
	Replica
	// ReplicaOrPrimary: as Replica, but a QueryRow that finds no row on a
	// replica asks the primary again, so that "not found" never comes of
	// lag (a row committed a moment ago is found). Query treats it as
	// Replica.
	ReplicaOrPrimary
)

// Lookup returns the route of a lookup whose "not found" must never come
// of replication lag: ReplicaOrPrimary, or Primary alone when strict (a
// row deleted a moment ago, a revoked session, must not be found on a
// replica that has not caught up).
func Lookup(strict bool) Route {
	if strict {
		return Primary
	}
	return ReplicaOrPrimary
}

// resolverCallback is the name under which gorm.io/plugin/dbresolver
// registers the callback that picks a statement's pool.
const resolverCallback = "gorm:db_resolver"

// DB runs statements on what a *gorm.DB stands for. Make it with New.
type DB struct {
	db *gorm.DB
}

// errNoDB is what every statement of a DB made of a nil *gorm.DB returns
// (a repository's WithTx(nil)): an ErrInvalidInput, and nothing is sent.
var errNoDB = fmt.Errorf("%w: nil *gorm.DB (WithTx was given nil)", fail.ErrInvalidInput)

// New returns a DB that runs statements on db's pool (or db's transaction),
// routed by db's resolver, logged by db's logger with the bound parameters
// dropped: logged SQL shows $1, $2, …, never a token or a secret. For a nil
// db, every statement returns an ErrInvalidInput and nothing is sent.
func New(db *gorm.DB) *DB {
	if db == nil {
		return &DB{}
	}
	return &DB{db: db.Session(&gorm.Session{
		SkipDefaultTransaction: true,
		Logger:                 redactingLogger{db.Logger},
	})}
}

// Gorm returns the *gorm.DB d runs on, with its logger redacting, for the
// statements the caller leaves to GORM (a transaction it begins).
func (d *DB) Gorm() *gorm.DB { return d.db }

// redactingLogger passes everything to the host's logger but drops the
// bound parameters of every statement GORM logs (its ParamsFilter hook).
type redactingLogger struct {
	logger.Interface
}

// LogMode keeps the redaction when the level changes (db.Debug()).
func (l redactingLogger) LogMode(level logger.LogLevel) logger.Interface {
	return redactingLogger{l.Interface.LogMode(level)}
}

// ParamsFilter drops the parameters: logged SQL keeps its $n placeholders.
func (redactingLogger) ParamsFilter(_ context.Context, sql string, _ ...any) (string, []any) {
	return sql, nil
}

// Scanner reads the current row into dest (pgx.Rows and *sql.Rows are
// Scanners).
type Scanner interface {
	Scan(dest ...any) error
}

// QueryRow runs a query and scans its first row into dest; it reports
// whether there was a row. No row is not an error.
//
// A read of route Replica or ReplicaOrPrimary that fails because the
// replica is unavailable (a connection error, a server shutting down, a
// query cancelled by a conflict with recovery, a table the replica does not
// have yet) is run again on the primary: an answer from the primary is
// never wrong, only later.
func (d *DB) QueryRow(ctx context.Context, route Route, query string, args []any, dest ...any) (found bool, err error) {
	if d.db == nil {
		return false, errNoDB
	}
	pool := d.pool(ctx, route, query)
	found, err = d.queryRow(ctx, pool, query, args, dest)
	if route == Primary || (err == nil && (found || route != ReplicaOrPrimary)) || (err != nil && !unavailable(ctx, err)) {
		return found, err
	}
	if primary := d.pool(ctx, Primary, query); !samePool(pool, primary) {
		found, err = d.queryRow(ctx, primary, query, args, dest)
	}
	return found, err
}

// queryRow runs a query of one row on pool and reports it to the logger.
// On a pool of pgx's driver, the path of every authenticated request, it
// allocates no more than it must.
func (d *DB) queryRow(ctx context.Context, pool gorm.ConnPool, query string, args, dest []any) (found bool, err error) {
	begin := time.Now()
	if db, ok := pool.(*sql.DB); ok {
		found, err = queryRowOnDB(ctx, db, query, args, dest)
	} else {
		err = withQuerier(ctx, pool, func(q querier) error {
			found, err = queryRow(ctx, q, query, args, dest)
			return err
		})
	}
	d.db.Logger.Trace(ctx, begin, func() (string, int64) { return query, rowsOf(found) }, err)
	return found, err
}

// oneRow is a query of one row to run on the pgx connection of a
// database/sql connection (sql.Conn.Raw).
type oneRow struct {
	ctx          context.Context
	query        string
	args, dest   []any
	found, onPgx bool
}

func (r *oneRow) run(driverConn any) error {
	c, ok := driverConn.(interface{ Conn() *pgx.Conn })
	if !ok {
		return nil
	}
	r.onPgx = true
	err := c.Conn().QueryRow(r.ctx, r.query, r.args...).Scan(r.dest...)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	r.found = err == nil
	return err
}

func queryRowOnDB(ctx context.Context, db *sql.DB, query string, args, dest []any) (bool, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return false, err
	}
	defer conn.Close()
	r := &oneRow{ctx: ctx, query: query, args: args, dest: dest}
	if err := conn.Raw(r.run); err != nil || r.onPgx {
		return r.found, err
	}
	return queryRow(ctx, sqlQuerier{conn}, query, args, dest) // another driver
}

// Query runs a query and calls each for every row, until each returns an
// error. Like QueryRow, it reads again on the primary when the replica is
// unavailable before the first row.
func (d *DB) Query(ctx context.Context, route Route, query string, args []any, each func(Scanner) error) error {
	if d.db == nil {
		return errNoDB
	}
	pool := d.pool(ctx, route, query)
	var rows int64
	read := func(pool gorm.ConnPool) error {
		return d.run(ctx, pool, query, func(q querier) (int64, error) {
			err := queryEach(ctx, q, query, args, func(s Scanner) error {
				rows++
				return each(s)
			})
			return rows, err
		})
	}
	err := read(pool)
	if err == nil || route == Primary || rows > 0 || !unavailable(ctx, err) {
		return err
	}
	if primary := d.pool(ctx, Primary, query); !samePool(pool, primary) {
		err = read(primary)
	}
	return err
}

// unavailable reports whether err says that the server could not answer,
// rather than that the statement failed: anything but an error PostgreSQL
// reported for the statement, or one of the errors of a server that is
// going away or recovering (SQLSTATE class 08, 57P01-57P03, 53300, and
// 40001, which a standby reports for a query cancelled by a conflict with
// recovery), or of a replica that has not applied the DDL that made a
// table or column yet (42P01, 42703). A done context is not the server's
// fault.
func unavailable(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return true
	}
	switch pgErr.Code {
	case "57P01", "57P02", "57P03", "53300", "40001", "42P01", "42703":
		return true
	}
	return strings.HasPrefix(pgErr.Code, "08")
}

// Exec runs a statement that returns no rows on the primary and returns
// the number of rows it affected.
func (d *DB) Exec(ctx context.Context, query string, args ...any) (n int64, err error) {
	if d.db == nil {
		return 0, errNoDB
	}
	err = d.run(ctx, d.pool(ctx, Primary, query), query, func(q querier) (int64, error) {
		n, err = q.exec(ctx, query, args)
		return n, err
	})
	return n, err
}

// ExecBatches runs query, a statement on the primary that deletes (or
// updates) at most $2 rows selected by $1, with the arguments cutoff and
// batch, until a run affects fewer than batch rows, and returns the total
// affected. Between runs it stops when ctx is done, returning ctx's error
// and the total so far. Each run is a statement of its own, so no run holds
// many row locks.
func (d *DB) ExecBatches(ctx context.Context, query string, cutoff any, batch int) (int64, error) {
	var total int64
	for {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		n, err := d.Exec(ctx, query, cutoff, batch)
		total += n
		if err != nil || n < int64(batch) {
			return total, err
		}
	}
}

// Tx runs fn in a transaction on the primary, committed if fn returns nil
// and rolled back otherwise. Bound to a transaction already, it runs fn
// within a savepoint of it instead, so that the caller's transaction
// survives a failure of fn.
func (d *DB) Tx(ctx context.Context, fn func(tx *Tx) error) error {
	if d.db == nil {
		return errNoDB
	}
	return withQuerier(ctx, d.pool(ctx, Primary, "BEGIN"), func(q querier) error {
		return q.transaction(ctx, func(tq querier) error {
			return fn(&Tx{db: d, q: tq})
		})
	})
}

// GormTransaction runs fn in a GORM transaction begun on a statement of its
// own, bound to ctx: no condition set on the *gorm.DB that New was given
// carries over. It commits if fn returns nil and rolls back otherwise.
func (d *DB) GormTransaction(ctx context.Context, fn func(tx *gorm.DB) error) error {
	if d.db == nil {
		return errNoDB
	}
	return d.db.Session(&gorm.Session{NewDB: true, Context: ctx}).Transaction(fn)
}

// Querier runs statements: a DB on one route (DB.On), or a Tx.
type Querier interface {
	QueryRow(ctx context.Context, query string, args []any, dest ...any) (found bool, err error)
	Query(ctx context.Context, query string, args []any, each func(Scanner) error) error
	Exec(ctx context.Context, query string, args ...any) (int64, error)
}

// On returns d as a Querier whose queries take route (Exec always runs on
// the primary).
func (d *DB) On(route Route) Querier { return routed{d, route} }

type routed struct {
	d     *DB
	route Route
}

func (r routed) QueryRow(ctx context.Context, query string, args []any, dest ...any) (bool, error) {
	return r.d.QueryRow(ctx, r.route, query, args, dest...)
}

func (r routed) Query(ctx context.Context, query string, args []any, each func(Scanner) error) error {
	return r.d.Query(ctx, r.route, query, args, each)
}

func (r routed) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	return r.d.Exec(ctx, query, args...)
}

// Tx runs statements in one transaction. Use it only inside DB.Tx's fn.
type Tx struct {
	db *DB
	q  querier
}

// QueryRow is DB.QueryRow in the transaction.
func (tx *Tx) QueryRow(ctx context.Context, query string, args []any, dest ...any) (found bool, err error) {
	err = tx.db.traced(ctx, query, func() (int64, error) {
		found, err = queryRow(ctx, tx.q, query, args, dest)
		return rowsOf(found), err
	})
	return found, err
}

// Query is DB.Query in the transaction.
func (tx *Tx) Query(ctx context.Context, query string, args []any, each func(Scanner) error) error {
	return tx.db.traced(ctx, query, func() (int64, error) {
		var rows int64
		err := queryEach(ctx, tx.q, query, args, func(s Scanner) error {
			rows++
			return each(s)
		})
		return rows, err
	})
}

// Exec is DB.Exec in the transaction.
func (tx *Tx) Exec(ctx context.Context, query string, args ...any) (n int64, err error) {
	err = tx.db.traced(ctx, query, func() (int64, error) {
		n, err = tx.q.exec(ctx, query, args)
		return n, err
	})
	return n, err
}

func rowsOf(found bool) int64 {
	if found {
		return 1
	}
	return 0
}

func queryRow(ctx context.Context, q querier, query string, args, dest []any) (bool, error) {
	found := false
	err := q.query(ctx, query, args, func(r rows) error {
		if !r.Next() {
			return nil
		}
		found = true
		return r.Scan(dest...)
	})
	return found, err
}

func queryEach(ctx context.Context, q querier, query string, args []any, each func(Scanner) error) error {
	return q.query(ctx, query, args, func(r rows) error {
		for r.Next() {
			if err := each(r); err != nil {
				return err
			}
		}
		return nil
	})
}

// run runs f on a connection of pool and reports the statement to the
// logger, with the rows f says it returned or affected.
func (d *DB) run(ctx context.Context, pool gorm.ConnPool, query string, f func(querier) (int64, error)) error {
	return d.traced(ctx, query, func() (n int64, err error) {
		err = withQuerier(ctx, pool, func(q querier) error {
			n, err = f(q)
			return err
		})
		return n, err
	})
}

// traced runs f and reports the statement to the logger, with the rows f
// says it affected (-1: unknown).
func (d *DB) traced(ctx context.Context, query string, f func() (int64, error)) error {
	begin := time.Now()
	n, err := f()
	d.db.Logger.Trace(ctx, begin, func() (string, int64) { return query, n }, err)
	return err
}

// pool returns the pool (or transaction) a statement of route runs on:
// db's own, or the one its resolver picks.
func (d *DB) pool(ctx context.Context, route Route, query string) gorm.ConnPool {
	p := d.db.Statement.ConnPool
	if _, inTx := p.(gorm.TxCommitter); inTx {
		return p // a resolver never moves a statement out of a transaction
	}
	if d.db.Callback().Query().Get(resolverCallback) == nil {
		return p
	}
	// The resolver's callback, run by its own Operation, sets the pool of
	// a statement with this SQL (a resolver may be configured per table).
	s := d.db.Session(&gorm.Session{NewDB: true, Context: ctx})
	s.Statement.SQL.WriteString(query)
	if route == Primary {
		dbresolver.Write.ModifyStatement(s.Statement)
	} else {
		dbresolver.Read.ModifyStatement(s.Statement)
	}
	return s.Statement.ConnPool
}

// samePool reports whether two pools are surely one, seen through the
// prepared statement wrappers a resolver makes anew for each statement.
func samePool(a, b gorm.ConnPool) bool {
	if p, ok := a.(*gorm.PreparedStmtDB); ok {
		a = p.ConnPool
	}
	if p, ok := b.(*gorm.PreparedStmtDB); ok {
		b = p.ConnPool
	}
	da, ok := a.(*sql.DB)
	return ok && da == b
}

// querier runs statements on one connection or transaction.
type querier interface {
	// query runs a query and calls f with its rows, then closes them.
	query(ctx context.Context, query string, args []any, f func(rows) error) error
	exec(ctx context.Context, query string, args []any) (int64, error)
	// transaction runs f in a transaction, or a savepoint of the
	// transaction the querier is in.
	transaction(ctx context.Context, f func(querier) error) error
}

type rows interface {
	Next() bool
	Scan(dest ...any) error
}

// withQuerier runs f with a querier on p.
func withQuerier(ctx context.Context, p gorm.ConnPool, f func(querier) error) error {
	switch p := p.(type) {
	case *sql.DB:
		conn, err := p.Conn(ctx)
		if err != nil {
			return err
		}
		defer conn.Close()
		onPgx := false
		err = conn.Raw(func(driverConn any) error {
			c, ok := driverConn.(interface{ Conn() *pgx.Conn })
			if !ok {
				return nil
			}
			onPgx = true
			return f(pgxQuerier{c.Conn()})
		})
		if onPgx || err != nil {
			return err
		}
		return f(sqlQuerier{conn})
	case *gorm.PreparedStmtDB:
		return withQuerier(ctx, p.ConnPool, f)
	case *gorm.PreparedStmtTX:
		return withQuerier(ctx, p.Tx, f)
	default:
		return f(sqlQuerier{p})
	}
}

// pgxQuerier runs statements on a pgx connection or transaction.
type pgxQuerier struct {
	c interface {
		Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
		Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
		Begin(ctx context.Context) (pgx.Tx, error)
	}
}

func (q pgxQuerier) query(ctx context.Context, query string, args []any, f func(rows) error) error {
	r, err := q.c.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer r.Close()
	if err := f(r); err != nil {
		return err
	}
	r.Close()
	return r.Err()
}

func (q pgxQuerier) exec(ctx context.Context, query string, args []any) (int64, error) {
	tag, err := q.c.Exec(ctx, query, args...)
	return tag.RowsAffected(), err
}

func (q pgxQuerier) transaction(ctx context.Context, f func(querier) error) error {
	tx, err := q.c.Begin(ctx) // on a pgx.Tx: a savepoint
	if err != nil {
		return err
	}
	if err := f(pgxQuerier{tx}); err != nil {
		if rbErr := tx.Rollback(ctx); rbErr != nil && !errors.Is(rbErr, pgx.ErrTxClosed) {
			return errors.Join(err, rbErr)
		}
		return err
	}
	return tx.Commit(ctx)
}

// sqlQuerier runs statements through database/sql: on a transaction, a
// connection of another driver, or any other gorm.ConnPool.
type sqlQuerier struct {
	p interface {
		ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
		QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	}
}

func (q sqlQuerier) query(ctx context.Context, query string, args []any, f func(rows) error) error {
	r, err := q.p.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer r.Close()
	if err := f(r); err != nil {
		return err
	}
	if err := r.Close(); err != nil {
		return err
	}
	return r.Err()
}

func (q sqlQuerier) exec(ctx context.Context, query string, args []any) (int64, error) {
	res, err := q.p.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (q sqlQuerier) transaction(ctx context.Context, f func(querier) error) error {
	switch p := q.p.(type) {
	case interface {
		BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error)
	}:
		tx, err := p.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if err := f(sqlQuerier{tx}); err != nil {
			if rbErr := tx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) {
				return errors.Join(err, rbErr)
			}
			return err
		}
		return tx.Commit()
	default: // a transaction already: a savepoint of it
		if _, err := p.ExecContext(ctx, "SAVEPOINT gormauth"); err != nil {
			return err
		}
		if err := f(q); err != nil {
			if _, rbErr := p.ExecContext(ctx, "ROLLBACK TO SAVEPOINT gormauth"); rbErr != nil {
				return errors.Join(err, rbErr)
			}
			return err
		}
		_, err := p.ExecContext(ctx, "RELEASE SAVEPOINT gormauth")
		return err
	}
}
