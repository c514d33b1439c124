package testdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gormauth/gormauth/internal/harness/pgserver"
)

// ReplicaDelay is how long after the primary commits a transaction the
// replica of Replicated applies it: the replication lag, made
// deterministic.
const ReplicaDelay = time.Second

// pair is the primary and replica of Replicated, started once per test
// binary and stopped when Main returns.
var pair struct {
	once             sync.Once
	err              error
	primary, replica *pgserver.Server
	admin            *sql.DB
}

// stopPair stops the servers Replicated started, if any.
func stopPair() {
	if pair.replica != nil {
		pair.replica.Stop()
	}
	if pair.primary != nil {
		pair.primary.Stop()
	}
	if pair.admin != nil {
		pair.admin.Close()
	}
}

// Replicated creates a fresh database on a throwaway primary server that has
// a streaming replica applying every commit ReplicaDelay late, waits until
// the replica has it too, and returns the database's URL on each; the
// database is dropped when tb ends. The two servers are started from the
// machine's PostgreSQL binaries on first use and serve every test of the
// binary. Without the binaries it fails, saying how to install them; when
// GORMAUTH_TEST_DATABASE_URL names a server of the caller's (which the tests
// cannot replicate) and there are no binaries, it skips.
func Replicated(tb testing.TB) (primary, replica string) {
	tb.Helper()
	pair.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		if pair.primary, pair.err = pgserver.Start(ctx); pair.err != nil {
			return
		}
		if pair.replica, pair.err = pair.primary.StartReplica(ctx, ReplicaDelay); pair.err != nil {
			return
		}
		pair.admin, pair.err = sql.Open("pgx", pair.primary.URL("postgres"))
	})
	if errors.Is(pair.err, pgserver.ErrNoBinaries) && os.Getenv(EnvURL) != "" {
		tb.Skipf("testdb: replication tests need PostgreSQL's server binaries, to start a primary and a replica of their own "+
			"(%s names a server they cannot replicate): %v", EnvURL, pair.err)
	}
	require.NoError(tb, pair.err, "testdb: starting a primary and a replica")

	name := fmt.Sprintf("gormauth_test_%s_%d", runID, counter.Add(1))
	_, err := pair.admin.Exec(`CREATE DATABASE "` + name + `"`)
	require.NoError(tb, err)
	tb.Cleanup(func() {
		if _, err := pair.admin.Exec(`DROP DATABASE IF EXISTS "` + name + `" WITH (FORCE)`); err != nil {
			tb.Errorf("testdb: dropping database %s: %v", name, err)
		}
	})
	primary, replica = pair.primary.URL(name), pair.replica.URL(name)
	r, err := sql.Open("pgx", replica)
	require.NoError(tb, err)
	defer r.Close()
	deadline := time.Now().Add(time.Minute)
	for r.Ping() != nil {
		require.True(tb, time.Now().Before(deadline), "testdb: the replica never got database %s", name)
		time.Sleep(50 * time.Millisecond)
	}
	return primary, replica
}

// CaughtUp waits until the replica of Replicated has applied everything
// the primary had committed when CaughtUp was called.
func CaughtUp(tb testing.TB) {
	tb.Helper()
	var lsn string
	require.NoError(tb, pair.admin.QueryRow("SELECT pg_current_wal_insert_lsn()::text").Scan(&lsn))
	r, err := sql.Open("pgx", pair.replica.URL("postgres"))
	require.NoError(tb, err)
	defer r.Close()
	deadline := time.Now().Add(time.Minute)
	for {
		var done bool
		err := r.QueryRow("SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn", lsn).Scan(&done)
		require.NoError(tb, err)
		if done {
			return
		}
		require.True(tb, time.Now().Before(deadline), "testdb: the replica never caught up")
		time.Sleep(25 * time.Millisecond)
	}
}

// ReplicaOfPrimary starts another replica of the primary of Replicated
// (which must have been called), applying commits delay late, for a test
// that stops it. The caller stops it.
func ReplicaOfPrimary(ctx context.Context, delay time.Duration) (*pgserver.Server, error) {
	if pair.primary == nil {
		return nil, errors.New("testdb: ReplicaOfPrimary before Replicated")
	}
	return pair.primary.StartReplica(ctx, delay)
}
