package pgserver

import (
	"context"
	"database/sql"
	"os"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStartStop(t *testing.T) {
	if _, err := FindBinaries(); err != nil {
		t.Fatalf("%v", err)
	}
	s, err := Start(context.Background())
	require.NoError(t, err)
	dir := s.Dir()

	db, err := sql.Open("pgx", s.URL("postgres"))
	require.NoError(t, err)
	var one int
	require.NoError(t, db.QueryRow("SELECT 1").Scan(&one))
	assert.Equal(t, 1, one)
	var tz string
	require.NoError(t, db.QueryRow("SHOW TimeZone").Scan(&tz))
	assert.Equal(t, "UTC", tz)
	require.NoError(t, db.Close())

	require.NoError(t, s.Stop())
	_, err = os.Stat(dir)
	assert.True(t, os.IsNotExist(err), "folder %s should be removed", dir)
	db, _ = sql.Open("pgx", s.URL("postgres"))
	defer db.Close()
	assert.Error(t, db.Ping(), "server should be stopped")
}

func TestFindBinariesPGBinDir(t *testing.T) {
	t.Setenv("PG_BINDIR", t.TempDir())
	_, err := FindBinaries()
	assert.ErrorContains(t, err, "holds no initdb")
}

func TestVersionOf(t *testing.T) {
	assert.Equal(t, 15.0, versionOf("/usr/lib/postgresql/15/bin"))
	assert.Equal(t, 9.6, versionOf("/usr/lib/postgresql/9.6/bin"))
	assert.Equal(t, 16.0, versionOf("/usr/pgsql-16/bin"))
}

// A server whose owner died is stopped and removed by the next Start.
func TestStartReapsStaleServers(t *testing.T) {
	ctx := context.Background()
	stale, err := Start(ctx)
	require.NoError(t, err)
	// Pretend its owner died: a pid that cannot be running.
	require.NoError(t, os.WriteFile(stale.Dir()+"/"+ownerFile, []byte("2147483646"), 0o644))

	fresh, err := Start(ctx)
	require.NoError(t, err)
	defer fresh.Stop()

	_, err = os.Stat(stale.Dir())
	assert.True(t, os.IsNotExist(err), "the stale server's folder is removed")
	db, _ := sql.Open("pgx", stale.URL("postgres"))
	defer db.Close()
	assert.Error(t, db.Ping(), "the stale server is stopped")

	// A live owner's server is left alone.
	_, err = os.Stat(fresh.Dir())
	assert.NoError(t, err)
}

// TestStartReplica: a replica streams the primary's changes, read-only,
// and applies each commit no sooner than the delay after it.
func TestStartReplica(t *testing.T) {
	if _, err := FindBinaries(); err != nil {
		t.Fatalf("%v", err)
	}
	ctx := context.Background()
	primary, err := Start(ctx)
	require.NoError(t, err)
	defer primary.Stop()
	const delay = 1500 * time.Millisecond
	replica, err := primary.StartReplica(ctx, delay)
	require.NoError(t, err)
	defer replica.Stop()
	assert.NotEqual(t, primary.Port(), replica.Port())

	p, err := sql.Open("pgx", primary.URL("postgres"))
	require.NoError(t, err)
	defer p.Close()
	r, err := sql.Open("pgx", replica.URL("postgres"))
	require.NoError(t, err)
	defer r.Close()
	var inRecovery bool
	require.NoError(t, r.QueryRow("SELECT pg_is_in_recovery()").Scan(&inRecovery))
	assert.True(t, inRecovery, "the replica is a standby")
	_, err = r.Exec("CREATE TABLE nope (id int)")
	assert.ErrorContains(t, err, "read-only transaction")

	_, err = p.Exec("CREATE TABLE t (id int); INSERT INTO t VALUES (1)")
	require.NoError(t, err)
	committed := time.Now()
	var n int
	for {
		err := r.QueryRow("SELECT count(*) FROM t").Scan(&n)
		if err == nil && n == 1 {
			break
		}
		require.Less(t, time.Since(committed), 30*time.Second, "the replica never caught up: %v", err)
		time.Sleep(20 * time.Millisecond)
	}
	assert.GreaterOrEqual(t, time.Since(committed), delay-100*time.Millisecond, "applied no sooner than the delay")
}
