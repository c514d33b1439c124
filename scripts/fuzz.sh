#!/usr/bin/env bash
# Runs every Go fuzz target (func FuzzXxx(f *testing.F) in a _test.go file)
# of the module in the current directory, not of modules nested in it, for
# FUZZTIME each (default 10s), one at a time, as `go test -fuzz` requires.
# The targets are found in the source, so a new one is fuzzed without being
# named here. Their seed corpora already run in the ordinary `go test`; this
# adds a brief search for new inputs. go test writes a failing input to the
# package's testdata/fuzz/; committed with the fix, it becomes a regression
# test.
set -euo pipefail
fuzztime=${FUZZTIME:-10s}
go=${GO:-go}

count=0
while IFS=: read -r file target; do
	dir=./$(dirname "$file")
	# A folder with a go.mod of its own below here is another module.
	d=$dir; nested=
	while [ "$d" != . ]; do
		[ -f "$d/go.mod" ] && nested=1 && break
		d=$(dirname "$d")
	done
	[ -z "$nested" ] || continue
	echo "fuzz: $dir $target for $fuzztime"
	"$go" test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$dir"
	count=$((count + 1))
done < <(grep -rHoE --include='*_test.go' --exclude-dir=node_modules --exclude-dir=testdata \
	'^func Fuzz[A-Za-z0-9_]*\(' . | sed -E 's#^\./##; s#:func (Fuzz[A-Za-z0-9_]*)\($#:\1#' | sort)
if [ "$count" -eq 0 ]; then
	echo "fuzz: no fuzz targets found" >&2
	exit 1
fi
echo "fuzz: $count targets, $fuzztime each"
