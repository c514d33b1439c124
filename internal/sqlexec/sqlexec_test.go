package sqlexec_test

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
	"gorm.io/plugin/dbresolver"

	"github.com/gormauth/gormauth/internal/harness/testdb"
	"github.com/gormauth/gormauth/internal/sqlexec"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// traceLog records what a GORM logger's Trace is told.
type traceLog struct {
	logger.Interface
	mu   sync.Mutex
	sql  []string
	rows []int64
	errs []error
}

func (l *traceLog) Trace(_ context.Context, _ time.Time, fc func() (string, int64), err error) {
	sql, rows := fc()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sql = append(l.sql, sql)
	l.rows = append(l.rows, rows)
	l.errs = append(l.errs, err)
}

// open returns a *gorm.DB on a fresh database with a table t, its logger
// recording traces, and the tracer of its statements.
func open(t *testing.T) (*gorm.DB, *traceLog, *testdb.Tracer) {
	t.Helper()
	db, tr := testdb.OpenTraced(t, testdb.New(t))
	testdb.Exec(t, db, `CREATE TABLE t (id int PRIMARY KEY, name text)`)
	log := &traceLog{Interface: logger.Discard}
	tr.Reset()
	return db.Session(&gorm.Session{Logger: log}), log, tr
}

func TestQueryRowAndExec(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, log, tr := open(t)
	x := sqlexec.New(db)

	n, err := x.Exec(ctx, `INSERT INTO t VALUES ($1, $2), ($3, $4)`, 1, "one", 2, nil)
	require.NoError(t, err)
	assert.EqualValues(t, 2, n)
	var name *string
	found, err := x.QueryRow(ctx, sqlexec.Replica, `SELECT name FROM t WHERE id = $1`, []any{1}, &name)
	require.NoError(t, err)
	assert.True(t, found)
	assert.Equal(t, "one", *name)
	found, err = x.QueryRow(ctx, sqlexec.ReplicaOrPrimary, `SELECT name FROM t WHERE id = $1`, []any{2}, &name)
	require.NoError(t, err)
	assert.True(t, found)
	assert.Nil(t, name, "NULL into a *string")
	found, err = x.QueryRow(ctx, sqlexec.ReplicaOrPrimary, `SELECT name FROM t WHERE id = $1`, []any{3}, &name)
	require.NoError(t, err)
	assert.False(t, found, "no row is no error")
	assert.Len(t, tr.Statements(), 4, "without a resolver a miss is not asked twice")

	var ids []int
	require.NoError(t, x.Query(ctx, sqlexec.Replica, `SELECT id FROM t ORDER BY id`, nil, func(s sqlexec.Scanner) error {
		var id int
		ids = append(ids, id)
		return s.Scan(&ids[len(ids)-1])
	}))
	assert.Equal(t, []int{1, 2}, ids)
	stop := errors.New("stop")
	assert.ErrorIs(t, x.Query(ctx, sqlexec.Replica, `SELECT id FROM t`, nil, func(sqlexec.Scanner) error { return stop }), stop)

	_, err = x.Exec(ctx, `INSERT INTO t VALUES ($1, $2)`, 1, "dup")
	var pgErr interface{ SQLState() string }
	require.ErrorAs(t, err, &pgErr)
	assert.Equal(t, "23505", pgErr.SQLState())

	// Every statement was reported to the logger, as written, with its
	// rows and error.
	assert.Len(t, log.sql, 7)
	assert.Equal(t, `INSERT INTO t VALUES ($1, $2), ($3, $4)`, log.sql[0])
	assert.EqualValues(t, 2, log.rows[0])
	assert.EqualValues(t, 1, log.rows[1])
	assert.Error(t, log.errs[6])
	for _, s := range log.sql {
		assert.NotContains(t, s, "one", "no values in what is logged")
	}

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = x.QueryRow(cancelled, sqlexec.Replica, `SELECT 1`, nil, new(int))
	assert.ErrorIs(t, err, context.Canceled)
}

func TestTx(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _, tr := open(t)
	x := sqlexec.New(db)
	count := func() int {
		var n int
		_, err := x.QueryRow(ctx, sqlexec.Primary, `SELECT count(*) FROM t`, nil, &n)
		require.NoError(t, err)
		return n
	}

	require.NoError(t, x.Tx(ctx, func(tx *sqlexec.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO t VALUES (1, 'a')`)
		return err
	}))
	assert.Equal(t, 1, count(), "committed")
	assert.Equal(t, 1, tr.Count("BEGIN"))

	boom := errors.New("boom")
	err := x.Tx(ctx, func(tx *sqlexec.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO t VALUES (2, 'b')`); err != nil {
			return err
		}
		var n int
		if _, err := tx.QueryRow(ctx, `SELECT count(*) FROM t`, nil, &n); err != nil || n != 2 {
			return errors.Join(err, errors.New("the transaction sees its own insert"))
		}
		return boom
	})
	assert.ErrorIs(t, err, boom)
	assert.Equal(t, 1, count(), "rolled back")

	// Bound to a caller's transaction: statements run in it, and a failed
	// Tx rolls back to a savepoint, so the caller's transaction goes on.
	require.NoError(t, db.Transaction(func(gtx *gorm.DB) error {
		in := sqlexec.New(gtx)
		if _, err := in.Exec(ctx, `INSERT INTO t VALUES (3, 'c')`); err != nil {
			return err
		}
		err := in.Tx(ctx, func(tx *sqlexec.Tx) error {
			if _, err := tx.Exec(ctx, `INSERT INTO t VALUES (4, 'd')`); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO t VALUES (1, 'duplicate')`)
			return err
		})
		require.Error(t, err)
		var n int
		if _, err := in.QueryRow(ctx, sqlexec.Replica, `SELECT count(*) FROM t`, nil, &n); err != nil {
			return err
		}
		assert.Equal(t, 2, n, "the caller's insert is there, the savepoint's is not")
		return nil
	}))
	assert.Equal(t, 2, count())
	assert.Equal(t, 1, tr.Count("SAVEPOINT"))
	assert.Equal(t, 1, tr.Count("ROLLBACK TO SAVEPOINT"))
}

// TestPreparedStatements: a *gorm.DB in PrepareStmt mode works the same.
func TestPreparedStatements(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _, _ := open(t)
	x := sqlexec.New(db.Session(&gorm.Session{PrepareStmt: true}))
	_, err := x.Exec(ctx, `INSERT INTO t VALUES (1, 'a')`)
	require.NoError(t, err)
	var name string
	found, err := x.QueryRow(ctx, sqlexec.Replica, `SELECT name FROM t WHERE id = $1`, []any{1}, &name)
	require.NoError(t, err)
	assert.True(t, found)
	assert.Equal(t, "a", name)
	require.NoError(t, db.Transaction(func(gtx *gorm.DB) error {
		_, err := sqlexec.New(gtx.Session(&gorm.Session{PrepareStmt: true})).Exec(ctx, `INSERT INTO t VALUES (2, 'b')`)
		return err
	}))
}

// TestRoutes: behind dbresolver, each route goes where it says; a miss or an
// unavailable replica on the way to a ReplicaOrPrimary read is asked again
// on the primary. The "replica" here is another database without
// replication, to tell the servers apart.
func TestRoutes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	primary, log, ptr := open(t)
	replica, rtr := testdb.OpenTraced(t, testdb.New(t))
	testdb.Exec(t, replica, `CREATE TABLE t (id int PRIMARY KEY, name text); INSERT INTO t VALUES (1, 'on the replica')`)
	require.NoError(t, primary.Use(dbresolver.Register(dbresolver.Config{
		Replicas: []gorm.Dialector{postgres.New(postgres.Config{Conn: replica.ConnPool})},
	})))
	x := sqlexec.New(primary)
	_, err := x.Exec(ctx, `INSERT INTO t VALUES (1, 'on the primary'), (2, 'only on the primary')`)
	require.NoError(t, err)
	ptr.Reset()
	rtr.Reset()

	read := func(route sqlexec.Route, id int) (string, bool) {
		t.Helper()
		var name string
		found, err := x.QueryRow(ctx, route, `SELECT name FROM t WHERE id = $1`, []any{id}, &name)
		require.NoError(t, err)
		return name, found
	}
	name, _ := read(sqlexec.Replica, 1)
	assert.Equal(t, "on the replica", name)
	name, _ = read(sqlexec.Primary, 1)
	assert.Equal(t, "on the primary", name)
	_, found := read(sqlexec.Replica, 2)
	assert.False(t, found, "Replica does not ask again")
	name, found = read(sqlexec.ReplicaOrPrimary, 2)
	assert.True(t, found)
	assert.Equal(t, "only on the primary", name)
	assert.Len(t, rtr.Statements(), 3)
	assert.Len(t, ptr.Statements(), 2)

	// A table the replica does not have yet: read on the primary.
	_, err = x.Exec(ctx, `CREATE TABLE fresh (id int); INSERT INTO fresh VALUES (7)`)
	require.NoError(t, err)
	var id int
	found, err = x.QueryRow(ctx, sqlexec.Replica, `SELECT id FROM fresh`, nil, &id)
	require.NoError(t, err)
	assert.True(t, found)
	assert.Equal(t, 7, id)
	assert.Equal(t, "42P01", sqlState(log.errs[len(log.errs)-2]), "the replica's error was logged")
	var ids []int
	require.NoError(t, x.Query(ctx, sqlexec.Replica, `SELECT id FROM fresh`, nil, func(s sqlexec.Scanner) error {
		ids = append(ids, 0)
		return s.Scan(&ids[len(ids)-1])
	}))
	assert.Equal(t, []int{7}, ids)

	// An error of the statement is not the replica's: not asked again.
	ptr.Reset()
	_, err = x.QueryRow(ctx, sqlexec.ReplicaOrPrimary, `SELECT 1/0`, nil, &id)
	assert.Equal(t, "22012", sqlState(err))
	assert.Empty(t, ptr.Statements())

	// Inside a transaction, everything runs in it: on the primary.
	rtr.Reset()
	require.NoError(t, primary.Transaction(func(gtx *gorm.DB) error {
		name, err := "", error(nil)
		_, err = sqlexec.New(gtx).QueryRow(ctx, sqlexec.Replica, `SELECT name FROM t WHERE id = 1`, nil, &name)
		assert.Equal(t, "on the primary", name)
		return err
	}))
	assert.Empty(t, rtr.Statements())
}

func sqlState(err error) string {
	var pgErr interface{ SQLState() string }
	if errors.As(err, &pgErr) {
		return pgErr.SQLState()
	}
	return ""
}

// TestReplicaUnreachable: a replica no one listens at is not an error for
// reads: the primary answers.
func TestReplicaUnreachable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	primary, _, _ := open(t)
	dead, err := sql.Open("pgx", "postgres://postgres@127.0.0.1:1/none?sslmode=disable&connect_timeout=2")
	require.NoError(t, err)
	defer dead.Close()
	primary.Config.DisableAutomaticPing = true // dbresolver would ping the replica, which is not there
	require.NoError(t, primary.Use(dbresolver.Register(dbresolver.Config{
		Replicas: []gorm.Dialector{postgres.New(postgres.Config{Conn: dead})},
	})))
	x := sqlexec.New(primary)
	_, err = x.Exec(ctx, `INSERT INTO t VALUES (1, 'a')`)
	require.NoError(t, err)
	var name string
	found, err := x.QueryRow(ctx, sqlexec.Replica, `SELECT name FROM t WHERE id = 1`, nil, &name)
	require.NoError(t, err)
	assert.True(t, found)
	assert.Equal(t, "a", name)
	var names []string
	require.NoError(t, x.Query(ctx, sqlexec.Replica, `SELECT name FROM t`, nil, func(s sqlexec.Scanner) error {
		names = append(names, "")
		return s.Scan(&names[len(names)-1])
	}))
	assert.Equal(t, []string{"a"}, names)
}
