package pgserver

import (
	"context"
	"database/sql"
	"os"
	"testing"

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
