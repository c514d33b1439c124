package npm

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// Run runs `node script args…` in dir with DATABASE_URL set to dsn as a
// URL (DatabaseURL) and env added to the environment, gives it stdin, and
// decodes the JSON it prints into out. It returns how long the process
// ran; a failed process, or one that printed no JSON, is an error with what
// it printed.
func Run(ctx context.Context, dir, dsn string, env []string, stdin []byte, out any, script string, args ...string) (time.Duration, error) {
	u, err := DatabaseURL(dsn)
	if err != nil {
		return 0, err
	}
	cmd := exec.CommandContext(ctx, "node", append([]string{script}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "DATABASE_URL="+u), env...)
	cmd.Stdin = bytes.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err = cmd.Run()
	elapsed := time.Since(start)
	what := fmt.Sprint(append([]string{"node", script}, args...))
	if err != nil {
		return elapsed, fmt.Errorf("%s: %w\nstderr:\n%s\nstdout:\n%s", what, err, stderr.Bytes(), stdout.Bytes())
	}
	if err := json.Unmarshal(stdout.Bytes(), out); err != nil {
		return elapsed, fmt.Errorf("%s printed no JSON result: %w\n%s", what, err, stdout.Bytes())
	}
	return elapsed, nil
}

// DatabaseURL returns dsn as a postgres:// URL for Node.js's drivers (pg,
// postgres.js, TypeORM, Prisma's adapter): a URL is returned as it is; a
// key/value DSN is converted (host, port, user, password, database; the
// URL connects without TLS, and its user and password are percent-encoded).
func DatabaseURL(dsn string) (string, error) {
	if u, err := url.Parse(dsn); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		return dsn, nil
	}
	cfg, err := pgconn.ParseConfig(dsn)
	if err != nil {
		return "", fmt.Errorf("npm: parsing the DSN: %w", err)
	}
	u := &url.URL{
		Scheme: "postgres",
		Host:   net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port))),
		Path:   "/" + cfg.Database,
	}
	if cfg.Password != "" {
		u.User = url.UserPassword(cfg.User, cfg.Password)
	} else {
		u.User = url.User(cfg.User)
	}
	return u.String(), nil
}
