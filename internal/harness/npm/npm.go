// Package npm installs the npm dependencies of a test harness folder (one
// with package.json and package-lock.json, such as internal/harness/nextauthjs or
// internal/harness/authjsnode), once per package-lock.json, for tests that run the
// real Node.js packages.
package npm

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// InstallHint says how to get Node.js and npm.
const InstallHint = "install Node.js and npm (Debian/Ubuntu: apt-get install nodejs npm, or run scripts/setup.sh)"

// StampFile, in node_modules, records what the last successful Install
// installed: the SHA-256 of package-lock.json, then one line per
// post-install command.
const StampFile = ".gormauth-package-lock.sha256"

// LockFile, in the folder, is what processes that install at once lock
// (flock) to take turns.
const LockFile = ".install.lock"

// Timeout bounds one Install's commands together.
const Timeout = 10 * time.Minute

// Install runs `npm ci` in dir, then each command of after in turn (an argv
// run in dir, such as {"node", "generate.js"}), unless node_modules already
// holds what package-lock.json pins and what those commands made; it
// reports how long it took (0 when there was nothing to do).
//
// What was installed is known by StampFile, written once everything
// succeeded: it holds package-lock.json's SHA-256 and the after commands, so
// changing either (a command's arguments can carry a digest of its inputs)
// installs again. Processes that install at once (the test binaries of
// several packages, a test's child process) take turns on LockFile: the
// first installs, the others find it done. It fails (never skips) when node
// or npm is missing, with InstallHint in the error.
func Install(ctx context.Context, dir string, after ...[]string) (time.Duration, error) {
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			return 0, fmt.Errorf("%s is not on PATH: %s", tool, InstallHint)
		}
	}
	for _, argv := range after {
		if len(argv) == 0 {
			return 0, fmt.Errorf("npm.Install: an empty post-install command")
		}
	}
	lock, err := os.ReadFile(filepath.Join(dir, "package-lock.json"))
	if err != nil {
		return 0, err
	}
	want := stamp(lock, after)
	stampPath := filepath.Join(dir, "node_modules", StampFile)

	f, err := os.OpenFile(filepath.Join(dir, LockFile), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		return 0, fmt.Errorf("locking %s: %w", f.Name(), err)
	}
	defer syscall.Flock(int(f.Fd()), syscall.LOCK_UN) //nolint:errcheck // closing the file unlocks it too

	if got, err := os.ReadFile(stampPath); err == nil && string(got) == want {
		return 0, nil
	}
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	start := time.Now()
	// npm ci removes node_modules first, the old stamp with it: a failure
	// below leaves no stamp, so the next Install starts again.
	for _, argv := range append([][]string{{"npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"}}, after...) {
		cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			return time.Since(start), fmt.Errorf("%s in %s: %w\n%s", strings.Join(argv, " "), dir, err, out)
		}
	}
	// npm ci makes no node_modules for a package without dependencies.
	if err := os.MkdirAll(filepath.Dir(stampPath), 0o755); err != nil {
		return time.Since(start), err
	}
	if err := os.WriteFile(stampPath, []byte(want), 0o644); err != nil {
		return time.Since(start), err
	}
	return time.Since(start), nil
}

// stamp is StampFile's content for lock and after. Without after commands
// it is the SHA-256 alone, as the stamps written before there were any.
func stamp(lock []byte, after [][]string) string {
	sum := sha256.Sum256(lock)
	s := hex.EncodeToString(sum[:]) + "\n"
	for _, argv := range after {
		b, _ := json.Marshal(argv) // a []string always marshals
		s += "after " + string(b) + "\n"
	}
	return s
}
