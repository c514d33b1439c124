# gormauth's commands. On a fresh Debian/Ubuntu machine:
#
#   make run    installs what is missing, then runs examples/quickstart
#   make test   installs what is missing, then runs every test with -race
#
# Both start a throwaway PostgreSQL from the machine's binaries unless
# DATABASE_URL (run) or GORMAUTH_TEST_DATABASE_URL (test) names a server.

SHELL := /bin/bash
GO ?= go

# Go installed by scripts/setup.sh from the official tarball lives here.
export PATH := /usr/local/go/bin:$(PATH)
# A go of 1.21 or later that is older than go.mod's go line fetches the right
# toolchain itself; a newer one runs as it is.
GOTOOLCHAIN ?= auto
export GOTOOLCHAIN

.PHONY: test fuzz run quickstart signin lint bench setup

# The modules: gormauth, and the nested ones that bring their own
# dependencies (goth; the browser example's chromedp).
MODULES := . gothauth examples/signin

## test: install what is missing, then run every test of every module against PostgreSQL with -race,
## then each fuzz target briefly (FUZZTIME, 5s each here)
test: setup
	set -e; for m in $(MODULES); do echo "== $$m"; (cd $$m && $(GO) test -race -count=1 ./...); done
	FUZZTIME=$${FUZZTIME:-5s} scripts/fuzz.sh

## fuzz: each fuzz target of gormauth for FUZZTIME (default 10s)
fuzz:
	scripts/fuzz.sh

# WITHPG runs a command with DATABASE_URL set: unless it is set already, to
# a throwaway PostgreSQL that is removed when the command exits (also on
# Ctrl-C). The examples themselves only read DATABASE_URL.
WITHPG = $(GO) run ./internal/harness/withpg

## run (or quickstart): install what is missing, then run examples/quickstart
## (against a throwaway PostgreSQL unless DATABASE_URL is set)
run quickstart:
	scripts/setup.sh run
	$(WITHPG) $(GO) run ./examples/quickstart

## signin: install what is missing, then run examples/signin in demo mode
## (its own OAuth provider, sign-in links on the console; a throwaway
## PostgreSQL unless DATABASE_URL is set)
signin:
	scripts/setup.sh run
	$(WITHPG) sh -c 'cd examples/signin && exec $(GO) run . -demo'

# staticcheck, run at a pinned version from the module proxy.
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2

## lint: gofmt, go vet and staticcheck must be silent
lint:
	@files="$$(gofmt -l .)"; if [ -n "$$files" ]; then echo "gofmt -l: these files need gofmt -w:"; echo "$$files"; exit 1; fi
	set -e; for m in $(MODULES); do (cd $$m && $(GO) vet ./... && $(GO) run $(STATICCHECK) ./...); done

## bench: the benchmarks, against PostgreSQL; the module against hand-written
## pgx on the same database (the table of BENCHMARKS.md; raw output in bench.out)
bench: setup
	set -o pipefail; $(GO) test -run '^$$' -bench . -benchmem -count=1 -timeout 90m ./... | tee bench.out
	@awk -f scripts/benchtable.awk bench.out

setup:
	scripts/setup.sh test
