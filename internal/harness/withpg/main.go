// Withpg runs a command with DATABASE_URL pointing at a PostgreSQL
// database: the one DATABASE_URL already names, or else a throwaway server
// started from the machine's own binaries (see internal/harness/pgserver)
// and removed again when the command exits, also on Ctrl-C. The Makefile's
// run and signin targets start the examples through it, so that the
// examples themselves need nothing but DATABASE_URL.
//
//	go run ./internal/harness/withpg go run ./examples/quickstart
//
// The command runs in a process group of its own; SIGINT, SIGTERM and
// SIGHUP sent to withpg (Ctrl-C reaches withpg) are passed on to that whole
// group once, so a `go run` and the program it starts each get the signal
// once. Withpg exits with the command's exit status (128+n if a signal n
// ended it), 2 if the command could not be started, 1 if no database could
// be had; a signal while the server is starting stops it and exits with
// 130.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"

	"github.com/gormauth/gormauth/internal/harness/pgserver"
)

// envURL names the variable that carries the database's URL to the command.
const envURL = "DATABASE_URL"

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintf(os.Stderr, "usage: withpg command [argument ...]\n"+
			"runs command with %s set: to a throwaway PostgreSQL, removed when the command exits, unless %s is already set\n", envURL, envURL)
		return 2
	}
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)

	env := os.Environ()
	if os.Getenv(envURL) == "" {
		srv, code := startServer(sigs)
		if srv == nil {
			return code
		}
		defer func() {
			if err := srv.Stop(); err != nil {
				fmt.Fprintf(os.Stderr, "withpg: removing the throwaway PostgreSQL: %v\n", err)
			}
		}()
		fmt.Fprintf(os.Stderr, "withpg: %s is not set: started a throwaway PostgreSQL at %s (data in %s); it is removed when the command exits\n",
			envURL, srv.URL("postgres"), srv.Dir())
		env = append(env, envURL+"="+srv.URL("postgres"))
	}
	return runCommand(args, env, sigs)
}

// startServer starts the throwaway server; a signal while it starts
// cancels it. It returns the server, or nil and withpg's exit status.
func startServer(sigs <-chan os.Signal) (*pgserver.Server, int) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	interrupted := make(chan struct{})
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-sigs:
			close(interrupted)
			cancel()
		case <-done:
		}
	}()
	srv, err := pgserver.Start(ctx)
	if err == nil {
		return srv, 0
	}
	select {
	case <-interrupted:
		fmt.Fprintln(os.Stderr, "withpg: interrupted while starting PostgreSQL")
		return nil, 130
	default:
	}
	fmt.Fprintf(os.Stderr, "withpg: %s is not set and no throwaway PostgreSQL could be started: %v\n", envURL, err)
	return nil, 1
}

// runCommand runs args with env in a process group of its own, passes
// each signal from sigs on to that group, and returns the exit status.
func runCommand(args, env []string, sigs <-chan os.Signal) int {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(os.Stderr, "withpg: starting %s: %v\n", args[0], err)
		return 2
	}
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	for {
		select {
		case sig := <-sigs:
			// The group's id is the command's pid (Setpgid).
			_ = syscall.Kill(-cmd.Process.Pid, sig.(syscall.Signal))
		case err := <-waited:
			return exitStatus(err)
		}
	}
}

// exitStatus turns the command's Wait error into an exit status as a shell
// reports it.
func exitStatus(err error) int {
	if err == nil {
		return 0
	}
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		fmt.Fprintf(os.Stderr, "withpg: %v\n", err)
		return 1
	}
	if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return exit.ExitCode()
}
