// Package exampledb gives the programs in examples/ a database: the one
// named by DATABASE_URL when it is set, otherwise a throwaway PostgreSQL
// server started from the machine's own binaries (see internal/harness/pgserver) and
// removed again when the program exits, also on Ctrl-C.
//
// An example's main is usually just
//
//	func main() { exampledb.Main(run) }
//	func run(ctx context.Context, dsn string) error { … }
package exampledb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"

	"github.com/gormauth/gormauth/internal/harness/pgserver"
)

// EnvURL names the environment variable that points the examples at an
// existing database.
const EnvURL = "DATABASE_URL"

// Stderr is where Open and Main report the throwaway server and errors.
var Stderr io.Writer = os.Stderr

// Open returns the DSN of the database the example should use.
//
// With DATABASE_URL set, it returns that and a stop function that does
// nothing. Otherwise it starts a throwaway PostgreSQL server, prints where it
// is to Stderr, and returns the URL of its "postgres" database and a stop
// function that stops the server and removes its folder. The caller must
// call stop (it is safe to call more than once and from several goroutines).
// With neither DATABASE_URL nor PostgreSQL's binaries, the error says how to
// install PostgreSQL.
func Open(ctx context.Context) (dsn string, stop func(), err error) {
	if dsn := os.Getenv(EnvURL); dsn != "" {
		return dsn, func() {}, nil
	}
	srv, err := pgserver.Start(ctx)
	if err != nil {
		return "", nil, fmt.Errorf("exampledb: %s is not set and no throwaway PostgreSQL could be started: %w", EnvURL, err)
	}
	fmt.Fprintf(Stderr, "exampledb: %s is not set: started a throwaway PostgreSQL at %s (data in %s); it is removed when the program exits\n",
		EnvURL, srv.URL("postgres"), srv.Dir())
	var once sync.Once
	stop = func() {
		once.Do(func() {
			if err := srv.Stop(); err != nil {
				fmt.Fprintf(Stderr, "exampledb: stopping the throwaway PostgreSQL: %v\n", err)
			}
		})
	}
	return srv.URL("postgres"), stop, nil
}

// Main runs an example and exits: it opens the database (see Open), calls
// run with a context that is cancelled on the first SIGINT or SIGTERM,
// stops the throwaway server, if any, and exits with status 0 if run
// returned nil or was stopped by a signal, 1 otherwise. A closed stdout
// does not stop the example (prints fail silently), so the server is still
// removed. A signal while the
// throwaway server is starting exits with status 130, and so does a second
// signal, which stops the server and exits at once.
func Main(run func(ctx context.Context, dsn string) error) {
	os.Exit(main(run))
}

func main(run func(ctx context.Context, dsn string) error) int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	// Without this, a closed stdout (go run … | head) kills the process at
	// its next print, before the throwaway server is stopped; with it, the
	// print fails with EPIPE and the example runs to its end.
	pipe := make(chan os.Signal, 1)
	signal.Notify(pipe, syscall.SIGPIPE)
	defer signal.Stop(pipe)

	var (
		mu   sync.Mutex
		stop = func() {}
	)
	stopServer := func() {
		mu.Lock()
		defer mu.Unlock()
		stop()
	}
	go func() {
		if _, ok := <-sigs; !ok {
			return
		}
		cancel()
		<-sigs
		fmt.Fprintln(Stderr, "exampledb: second signal: exiting now")
		stopServer()
		os.Exit(130)
	}()

	mu.Lock()
	dsn, s, err := Open(ctx)
	if err == nil {
		stop = s
	}
	mu.Unlock()
	if err != nil {
		if ctx.Err() != nil {
			fmt.Fprintln(Stderr, "exampledb: interrupted while starting PostgreSQL")
			return 130
		}
		fmt.Fprintln(Stderr, err)
		return 1
	}
	defer stopServer()

	err = run(ctx, dsn)
	if err != nil && !(ctx.Err() != nil && errors.Is(err, context.Canceled)) {
		fmt.Fprintf(Stderr, "error: %v\n", err)
		return 1
	}
	return 0
}
