// Package pgserver starts a throwaway PostgreSQL server from the machine's
// own binaries (initdb, pg_ctl) for tests and examples, and removes it again.
//
// The server runs from a fresh data directory in a temporary folder, listens
// on 127.0.0.1 at a free port with trust authentication, and is tuned for
// speed over durability (fsync off). When the process runs as root, the
// server runs as the "postgres" OS user, since PostgreSQL refuses root.
package pgserver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// InstallHint tells a person how to get PostgreSQL.
const InstallHint = "install PostgreSQL (Debian/Ubuntu: sudo apt-get install -y postgresql), " +
	"or point GORMAUTH_TEST_DATABASE_URL (tests) or DATABASE_URL (examples) at a server you own"

// ErrNoBinaries is returned by Start and FindBinaries when no initdb and
// pg_ctl can be found.
var ErrNoBinaries = errors.New("pgserver: no PostgreSQL server binaries (initdb, pg_ctl) found; " + InstallHint)

// Server is a running throwaway PostgreSQL server.
type Server struct {
	bindir string
	dir    string // temporary folder holding data/, the log and the socket
	port   int
	cred   *syscall.Credential
}

// FindBinaries returns the folder holding initdb and pg_ctl: $PG_BINDIR if
// set, else the folder of initdb on $PATH, else the newest
// /usr/lib/postgresql/<version>/bin (Debian, Ubuntu) or similar.
func FindBinaries() (string, error) {
	if dir := os.Getenv("PG_BINDIR"); dir != "" {
		if hasBinaries(dir) {
			return dir, nil
		}
		return "", fmt.Errorf("pgserver: PG_BINDIR=%s holds no initdb and pg_ctl", dir)
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		if dir := filepath.Dir(p); hasBinaries(dir) {
			return dir, nil
		}
	}
	var candidates []string
	for _, pattern := range []string{
		"/usr/lib/postgresql/*/bin",
		"/usr/pgsql-*/bin",
		"/usr/local/opt/postgresql*/bin",
		"/opt/homebrew/opt/postgresql*/bin",
	} {
		m, _ := filepath.Glob(pattern)
		candidates = append(candidates, m...)
	}
	sort.SliceStable(candidates, func(i, j int) bool {
		return versionOf(candidates[i]) > versionOf(candidates[j])
	})
	for _, dir := range candidates {
		if hasBinaries(dir) {
			return dir, nil
		}
	}
	return "", ErrNoBinaries
}

func hasBinaries(dir string) bool {
	for _, name := range []string{"initdb", "pg_ctl", "postgres"} {
		if fi, err := os.Stat(filepath.Join(dir, name)); err != nil || fi.IsDir() {
			return false
		}
	}
	return true
}

// versionOf extracts the first number in a path such as
// /usr/lib/postgresql/15/bin, for sorting newest first.
func versionOf(path string) float64 {
	var digits strings.Builder
	for _, r := range path {
		switch {
		case r >= '0' && r <= '9', r == '.' && digits.Len() > 0:
			digits.WriteRune(r)
		case digits.Len() > 0:
			v, _ := strconv.ParseFloat(strings.TrimSuffix(digits.String(), "."), 64)
			return v
		}
	}
	v, _ := strconv.ParseFloat(digits.String(), 64)
	return v
}

// Start initialises a data directory in a new temporary folder and starts a
// server on it. Call Stop to stop it and remove the folder.
func Start(ctx context.Context) (*Server, error) {
	bindir, err := FindBinaries()
	if err != nil {
		return nil, err
	}
	reapStale(ctx, bindir)
	dir, err := os.MkdirTemp("", dirPrefix)
	if err != nil {
		return nil, fmt.Errorf("pgserver: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("pgserver: %w", err)
	}
	s := &Server{bindir: bindir, dir: dir}
	if err := s.dropRoot(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := s.initdb(ctx); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	// A free port found by listening can be taken before the server binds
	// it; try a few times.
	for attempt := 0; ; attempt++ {
		if err = s.start(ctx); err == nil {
			return s, nil
		}
		if attempt == 2 || ctx.Err() != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
}

// dropRoot arranges for the server to run as the postgres OS user when this
// process is root.
func (s *Server) dropRoot() error {
	if os.Geteuid() != 0 {
		return nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return fmt.Errorf("pgserver: running as root, and PostgreSQL refuses to run as root, but there is no \"postgres\" OS user to run it as (%w); "+
			"create one (useradd --system postgres) or run as another user", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	s.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	if err := os.Chown(s.dir, uid, gid); err != nil {
		return fmt.Errorf("pgserver: %w", err)
	}
	return nil
}

func (s *Server) run(ctx context.Context, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, filepath.Join(s.bindir, name), args...)
	cmd.Dir = s.dir
	cmd.Env = append(os.Environ(), "LC_ALL=C", "PGTZ=UTC")
	if s.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred}
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("pgserver: %s %s: %w\n%s", name, strings.Join(args, " "), err, strings.TrimSpace(out.String()))
	}
	return nil
}

func (s *Server) initdb(ctx context.Context) error {
	return s.run(ctx, "initdb", "-D", s.dataDir(), "-U", "postgres", "-A", "trust",
		"-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions")
}

func (s *Server) start(ctx context.Context) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	s.port = port
	opts := strings.Join([]string{
		"-p", strconv.Itoa(port),
		"-k", s.dir,
		"-c", "listen_addresses=127.0.0.1",
		"-c", "max_connections=300",
		"-c", "fsync=off",
		"-c", "synchronous_commit=off",
		"-c", "full_page_writes=off",
		"-c", "timezone=UTC",
	}, " ")
	return s.run(ctx, "pg_ctl", "-D", s.dataDir(), "-l", filepath.Join(s.dir, "server.log"),
		"-w", "-t", "60", "-o", opts, "start")
}

func (s *Server) dataDir() string { return filepath.Join(s.dir, "data") }

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pgserver: finding a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// StartReplica starts a streaming replica of s (pg_basebackup -R) in a
// temporary folder of its own, at a free port, and waits until it accepts
// read-only connections. The replica applies each transaction delay after
// the primary committed it (recovery_min_apply_delay; 0: at once), which
// makes replication lag deterministic for tests. Call Stop to stop it and
// remove its folder.
func (s *Server) StartReplica(ctx context.Context, delay time.Duration) (*Server, error) {
	dir, err := os.MkdirTemp("", dirPrefix)
	if err != nil {
		return nil, fmt.Errorf("pgserver: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("pgserver: %w", err)
	}
	r := &Server{bindir: s.bindir, dir: dir}
	if err := r.dropRoot(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := r.run(ctx, "pg_basebackup", "-D", r.dataDir(), "-h", "127.0.0.1", "-p", strconv.Itoa(s.port),
		"-U", "postgres", "-R", "-X", "stream", "-c", "fast", "--no-sync"); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	conf := fmt.Sprintf("\nrecovery_min_apply_delay = '%dms'\n", delay.Milliseconds())
	if err := r.appendConf(conf); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		if err = r.start(ctx); err == nil {
			return r, nil
		}
		if attempt == 2 || ctx.Err() != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
}

// appendConf appends settings to the data directory's
// postgresql.auto.conf, as the server's OS user.
func (s *Server) appendConf(text string) error {
	f, err := os.OpenFile(filepath.Join(s.dataDir(), "postgresql.auto.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("pgserver: %w", err)
	}
	_, err = f.WriteString(text)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("pgserver: %w", err)
	}
	return nil
}

// Port returns the port the server listens on (at 127.0.0.1).
func (s *Server) Port() int { return s.port }

// URL returns a connection URL for the named database, as the superuser
// "postgres".
func (s *Server) URL(database string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", s.port, database)
}

// Dir returns the temporary folder that holds the server's data and log.
func (s *Server) Dir() string { return s.dir }

// Stop stops the server at once and removes its folder.
func (s *Server) Stop() error {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	err := s.run(ctx, "pg_ctl", "-D", s.dataDir(), "-m", "immediate", "-w", "stop")
	if rmErr := os.RemoveAll(s.dir); err == nil {
		err = rmErr
	}
	return err
}

const (
	dirPrefix = "gormauth-pg-" // temporary folders of servers
	ownerFile = "owner.pid"    // holds the pid of the process that started the server
)

// reapStale stops and removes the servers left behind by processes that
// died without calling Stop (killed, or a test binary that timed out): the
// server runs detached, so nothing else would. A folder is reaped only when
// the process named in its owner.pid is gone.
func reapStale(ctx context.Context, bindir string) {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), dirPrefix+"*"))
	for _, dir := range dirs {
		b, err := os.ReadFile(filepath.Join(dir, ownerFile))
		if err != nil {
			continue // being created, or not ours
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || pid <= 0 || processAlive(pid) {
			continue
		}
		s := &Server{bindir: bindir, dir: dir}
		if fi, err := os.Stat(dir); err == nil {
			if st, ok := fi.Sys().(*syscall.Stat_t); ok && os.Geteuid() == 0 && st.Uid != 0 {
				s.cred = &syscall.Credential{Uid: st.Uid, Gid: st.Gid}
			}
		}
		if _, err := os.Stat(filepath.Join(s.dataDir(), "postmaster.pid")); err == nil {
			stopCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
			_ = s.run(stopCtx, "pg_ctl", "-D", s.dataDir(), "-m", "immediate", "-w", "stop")
			cancel()
		}
		os.RemoveAll(dir)
	}
}

// processAlive reports whether a process with the pid exists.
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
