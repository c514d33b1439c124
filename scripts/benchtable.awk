#!/usr/bin/awk -f
# benchtable.awk turns the output of `go test -bench VersusPgx` into the
# Markdown table of BENCHMARKS.md: one row per operation, data set and
# number of clients, module against the hand-written pgx floor; then the
# clean-up (BenchmarkVersusPgxDeleteExpired), if it ran.
#
#   go test ./repository -run '^$' -bench VersusPgx -benchtime 10000x -timeout 100m | tee bench.out
#   awk -f scripts/benchtable.awk bench.out
/^BenchmarkVersusPgx\// {
	name = $1
	sub(/^BenchmarkVersusPgx\//, "", name)
	sub(/-[0-9]+$/, "", name)
	n = split(name, part, "/")
	delete m
	for (i = 3; i < NF; i += 2) m[$(i + 1)] = $i
	if (!header) {
		print "| data set | operation | clients | module µs/op | pgx µs/op | ratio (time) | throughput (module ÷ pgx) | allocs/op module / pgx | statements/op |"
		print "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
		header = 1
	}
	clients = part[3]
	sub(/^clients=/, "", clients)
	# flavour=NAME is NAME's tables with 1e4 users; flavour=NAME-1eK with 1eK.
	set = part[1]
	sub(/^flavour=/, "", set)
	size = "1e4"
	if (match(set, /-1e[0-9]+$/)) {
		size = substr(set, RSTART + 1)
		set = substr(set, 1, RSTART - 1)
	}
	printf "| %s, %s sessions | %s | %s | %.1f | %.1f | %.3f | %.3f | %.0f / %.0f | %s |\n", set, size, part[2], clients,
		m["module-ns/op"] / 1000, m["pgx-ns/op"] / 1000, m["ratio"], m["tput"],
		m["module-allocs/op"], m["pgx-allocs/op"], m["module-stmts/op"]
}
/^BenchmarkVersusPgxDeleteExpired/ {
	delete m
	for (i = 3; i < NF; i += 2) m[$(i + 1)] = $i
	cleanup = sprintf("Clean-up, 100 000 expired sessions among 10⁶ (beta73): module %.2f s, pgx %.2f s, ratio %.3f; statements: module %d, pgx %d",
		m["module-ns/100k"] / 1e9, m["pgx-ns/100k"] / 1e9, m["ratio"], m["module-stmts/100k"], m["pgx-stmts/100k"])
}
END {
	if (cleanup != "") {
		print ""
		print cleanup
	}
}
