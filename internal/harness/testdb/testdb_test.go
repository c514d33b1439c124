package testdb

import (
	"os"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) { Main(m) }

func TestNewIsolated(t *testing.T) {
	t.Parallel()
	a := Open(t)
	b := Open(t)
	require.NoError(t, a.Exec("CREATE TABLE only_in_a (id int)").Error)
	var n int64
	require.NoError(t, b.Raw("SELECT count(*) FROM pg_tables WHERE tablename = 'only_in_a'").Scan(&n).Error)
	assert.Zero(t, n, "a table made in one test database must not appear in another")
	var nameA, nameB string
	require.NoError(t, a.Raw("SELECT current_database()").Scan(&nameA).Error)
	require.NoError(t, b.Raw("SELECT current_database()").Scan(&nameB).Error)
	assert.NotEqual(t, nameA, nameB)
}

func TestDatabaseDroppedAfterTest(t *testing.T) {
	var name string
	t.Run("inner", func(t *testing.T) {
		db := Open(t)
		require.NoError(t, db.Raw("SELECT current_database()").Scan(&name).Error)
	})
	var n int
	require.NoError(t, admin.QueryRow("SELECT count(*) FROM pg_database WHERE datname = $1", name).Scan(&n))
	assert.Zero(t, n, "database %s should be dropped after its test", name)
}

func TestWithDatabase(t *testing.T) {
	assert.Equal(t, "postgres://u@h:5/other?sslmode=disable", WithDatabase("postgres://u@h:5/postgres?sslmode=disable", "other"))
	assert.Equal(t, "host=h user=u dbname=other", WithDatabase("host=h user=u", "other"))
}

// childEnv marks the re-executed test binary of TestMainFailsWithoutPostgres.
const childEnv = "GORMAUTH_TESTDB_CHILD"

// With neither GORMAUTH_TEST_DATABASE_URL nor PostgreSQL binaries, Main fails
// the run with a message that says how to install PostgreSQL: it never
// skips.
func TestMainFailsWithoutPostgres(t *testing.T) {
	if os.Getenv(childEnv) != "" {
		return // the child's Main already failed before reaching here
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestMainFailsWithoutPostgres$", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"=1", EnvURL+"=", "PG_BINDIR="+t.TempDir())
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "the run must fail, got output:\n%s", out)
	assert.Equal(t, 1, exit.ExitCode())
	assert.Contains(t, string(out), "apt-get install -y postgresql")
	assert.Contains(t, string(out), EnvURL)
	assert.NotContains(t, string(out), "PASS")
}
