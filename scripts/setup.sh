#!/usr/bin/env bash
# setup.sh installs what building and testing gormauth needs, and nothing
# that is already there, so it is safe to run again and again:
#
#   - Go at least as new as go.mod's `go` line: Debian/Ubuntu's golang-go if
#     that is new enough; else, with a go of 1.21 or later, the go command
#     fetches the right toolchain itself through the module proxy
#     (GOTOOLCHAIN=auto, which the Makefile sets); else the official tarball
#     from https://go.dev/dl/ into /usr/local/go.
#   - a C compiler (gcc), which go test -race needs (the race detector
#     uses cgo); only in test mode.
#   - Node.js and npm, with which tests run NextAuth.js's own adapter and
#     request handler (internal/harness/nextauthjs; its npm ci needs the npm
#     registry) and compare lower-casing and local time with JavaScript's;
#     only in test mode.
#   - Chromium, which the browser test of examples/signin drives headless
#     (chromedp); only in test mode.
#   - PostgreSQL's server binaries (initdb, pg_ctl, postgres), from which the
#     tests, and make run and make signin, start a throwaway server; and, when
#     running as root, the "postgres" OS user the server then runs as.
#     Skipped when the run uses a server of yours: GORMAUTH_TEST_DATABASE_URL
#     for the tests, DATABASE_URL for the examples.
#
# Usage: scripts/setup.sh [test|run]   (default: test)
# On other systems it only checks, and says what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-test}"
case "$mode" in
test) db_var=GORMAUTH_TEST_DATABASE_URL ;;
run) db_var=DATABASE_URL ;;
*)
	echo "usage: $0 [test|run]" >&2
	exit 2
	;;
esac

say() { echo "setup: $*"; }
die() {
	echo "setup: $*" >&2
	exit 1
}

# The Makefile puts /usr/local/go/bin first on PATH too.
export PATH="/usr/local/go/bin:$PATH"

sudo=""
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null; then
		sudo="sudo"
	fi
fi

have_apt() { command -v apt-get >/dev/null; }

apt_updated=""
apt_install() {
	have_apt || return 1
	if [ "$(id -u)" -ne 0 ] && [ -z "$sudo" ]; then
		say "need root or sudo to install $*"
		return 1
	fi
	if [ -z "$apt_updated" ]; then
		say "apt-get update"
		$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
		apt_updated=1
	fi
	say "apt-get install -y $*"
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"
}

# version_ge A B: is version A at least B? (1.25.0 ≥ 1.25)
version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }

# go_version prints the version of the go on PATH (1.26.8): its own, run
# outside the module and with GOTOOLCHAIN=local so that it does not switch.
go_version() { (cd / && GOTOOLCHAIN=local go version 2>/dev/null) | awk '{ print $3 }' | sed 's/^go//; s/[^0-9.].*$//'; }

need_go="$(awk '$1 == "go" { print $2; exit }' go.mod)"
[ -n "$need_go" ] || die "no go line in go.mod"

ensure_go() {
	local have=""
	if command -v go >/dev/null; then
		have="$(go_version)"
		if [ -n "$have" ] && version_ge "$have" "$need_go"; then
			say "Go $have at $(command -v go): ok (go.mod needs $need_go)"
			return
		fi
		say "Go ${have:-of unknown version} at $(command -v go) is older than go.mod's $need_go"
	else
		say "Go is not installed"
	fi

	if have_apt && apt_install golang-go; then
		hash -r
		have="$(go_version)"
		if [ -n "$have" ] && version_ge "$have" "$need_go"; then
			say "Go $have from apt: ok"
			return
		fi
		say "apt's Go ${have:-?} is older than $need_go"
	fi

	if [ -n "$have" ] && version_ge "$have" 1.21; then
		say "Go $have can fetch go$need_go itself through the module proxy (GOTOOLCHAIN=auto): fetching it now"
		GOTOOLCHAIN=auto go version
		return
	fi

	install_go_tarball
}

install_go_tarball() {
	local arch
	case "$(uname -m)" in
	x86_64 | amd64) arch=amd64 ;;
	aarch64 | arm64) arch=arm64 ;;
	*) die "no Go for $(uname -m): install Go $need_go or later by hand" ;;
	esac
	local os
	os="$(uname -s | tr '[:upper:]' '[:lower:]')"
	local want="$need_go"
	# A go line like 1.25 names a language version; the first release is 1.25.0.
	[[ "$want" =~ ^[0-9]+\.[0-9]+$ ]] && want="$want.0"
	local url="https://go.dev/dl/go${want}.${os}-${arch}.tar.gz"
	command -v curl >/dev/null || apt_install curl ca-certificates || die "need curl to download $url"
	local tmp
	tmp="$(mktemp -d)"
	say "downloading $url"
	curl -fsSL -o "$tmp/go.tar.gz" "$url"
	say "installing into /usr/local/go"
	$sudo rm -rf /usr/local/go
	$sudo tar -C /usr/local -xzf "$tmp/go.tar.gz"
	rm -rf "$tmp"
	hash -r
	say "Go $(go_version) at /usr/local/go/bin/go: ok"
}

find_initdb() {
	if command -v initdb >/dev/null; then
		command -v initdb
		return
	fi
	local f
	for f in /usr/lib/postgresql/*/bin/initdb; do
		if [ -x "$f" ]; then
			echo "$f"
			return
		fi
	done
	return 1
}

ensure_cc() {
	if command -v "${CC:-gcc}" >/dev/null; then
		say "C compiler $(command -v "${CC:-gcc}") for go test -race: ok"
		return
	fi
	say "no C compiler: go test -race needs one (cgo)"
	apt_install gcc libc6-dev || die "install gcc (Debian/Ubuntu: apt-get install -y gcc libc6-dev)"
}

ensure_node() {
	if command -v node >/dev/null && command -v npm >/dev/null; then
		say "Node.js $(node --version) and npm $(npm --version) for the tests that run NextAuth.js and compare with JavaScript: ok"
		return
	fi
	say "no node or npm: the tests run NextAuth.js (adapter, handler) and compare with JavaScript with them"
	apt_install nodejs npm || die "install Node.js and npm (Debian/Ubuntu: apt-get install -y nodejs npm)"
}

# find_chromium prints the path of a Chromium or Chrome, as the browser
# test looks for one.
find_chromium() {
	local c
	for c in chromium chromium-browser google-chrome google-chrome-stable; do
		if command -v "$c" >/dev/null; then
			command -v "$c"
			return
		fi
	done
	return 1
}

ensure_chromium() {
	local c
	if c="$(find_chromium)"; then
		say "Chromium at $c for the browser test of examples/signin: ok"
		return
	fi
	say "no Chromium: the browser test of examples/signin drives one"
	apt_install chromium || apt_install chromium-browser ||
		die "install Chromium (Debian: apt-get install -y chromium; Ubuntu: apt-get install -y chromium-browser)"
	c="$(find_chromium)" || die "installed Chromium, but found no chromium command"
	say "Chromium at $c: ok"
}

ensure_postgres() {
	if [ -n "${!db_var:-}" ]; then
		say "$db_var is set: using that server, not installing PostgreSQL"
		return
	fi
	local initdb
	if initdb="$(find_initdb)"; then
		say "PostgreSQL server binaries at $(dirname "$initdb"): ok"
	else
		say "no PostgreSQL server binaries (initdb) found"
		apt_install postgresql ||
			die "install PostgreSQL's server binaries (Debian/Ubuntu: apt-get install -y postgresql) or set $db_var"
		initdb="$(find_initdb)" || die "installed postgresql, but still no initdb"
		say "PostgreSQL server binaries at $(dirname "$initdb"): ok"
	fi
	# PostgreSQL refuses to run as root: the throwaway server then runs as
	# the postgres OS user (Debian's package creates it).
	if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
		say "creating the system user postgres, which the throwaway server runs as when started by root"
		useradd --system --user-group --no-create-home --shell /usr/sbin/nologin postgres
	fi
}

ensure_go
if [ "$mode" = test ]; then
	ensure_cc
	ensure_node
	ensure_chromium
fi
ensure_postgres
say "done"
