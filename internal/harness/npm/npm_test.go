package npm

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStamp(t *testing.T) {
	lock := []byte("{}\n")
	sum := sha256.Sum256(lock)
	// Without post-install commands the stamp is what nextauthjs always wrote.
	assert.Equal(t, hex.EncodeToString(sum[:])+"\n", stamp(lock, nil))
	assert.Equal(t, hex.EncodeToString(sum[:])+"\nafter [\"node\",\"gen.js\",\"x y\"]\n", stamp(lock, [][]string{{"node", "gen.js", "x y"}}))
}

// TestInstall runs npm ci on a package without dependencies (it needs no
// registry) and a post-install command.
func TestInstall(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644))
	}
	write("package.json", `{"name":"t","version":"0.0.0","private":true}`+"\n")
	write("package-lock.json", `{"name":"t","version":"0.0.0","lockfileVersion":3,"requires":true,"packages":{"":{"name":"t","version":"0.0.0"}}}`+"\n")
	after := []string{"node", "-e", "const fs = require('fs'); fs.appendFileSync('runs.txt', 'x')"}
	runs := func() string {
		b, _ := os.ReadFile(filepath.Join(dir, "runs.txt"))
		return string(b)
	}
	ctx := context.Background()

	d, err := Install(ctx, dir, after)
	require.NoError(t, err)
	assert.Positive(t, d)
	assert.Equal(t, "x", runs())

	d, err = Install(ctx, dir, after)
	require.NoError(t, err)
	assert.Zero(t, d, "installed already")
	assert.Equal(t, "x", runs())

	// Another post-install command, or another lock file, installs again.
	d, err = Install(ctx, dir, append(after, "--", "v2"))
	require.NoError(t, err)
	assert.Positive(t, d)
	assert.Equal(t, "xx", runs())

	_, err = Install(ctx, dir, []string{"node", "-e", "process.exit(3)"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "node -e process.exit(3)")
	_, err = os.Stat(filepath.Join(dir, "node_modules", StampFile))
	assert.True(t, os.IsNotExist(err), "a failed install leaves no stamp")
}

func TestDatabaseURL(t *testing.T) {
	tests := []struct{ dsn, want string }{
		{"postgres://postgres@127.0.0.1:5432/db?sslmode=disable", "postgres://postgres@127.0.0.1:5432/db?sslmode=disable"},
		{"host=127.0.0.1 port=5433 user=alice password='p w' dbname=auth sslmode=disable", "postgres://alice:p%20w@127.0.0.1:5433/auth"},
		{"host=::1 user=bob dbname=x", "postgres://bob@[::1]:5432/x"},
	}
	for _, tt := range tests {
		got, err := DatabaseURL(tt.dsn)
		if err != nil || got != tt.want {
			t.Errorf("DatabaseURL(%q) = %q, %v; want %q", tt.dsn, got, err, tt.want)
		}
	}
	if _, err := DatabaseURL("host='unterminated"); err == nil {
		t.Error("DatabaseURL of a malformed DSN: no error")
	}
}
