#!/usr/bin/awk -f
# benchtable.awk turns the output of `go test -bench VersusPgx` into the
# Markdown table of BENCHMARKS.md: one row per operation, data set and
# number of clients, module against the hand-written pgx floor.
#
#   go test ./repository -run '^$' -bench VersusPgx | awk -f scripts/benchtable.awk
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
	set = part[1]
	if (sub(/^sessions=/, "", set)) set = "beta.73, " set " sessions"
	else if (sub(/^flavour=/, "", set)) set = set ", 1e4 sessions"
	printf "| %s | %s | %s | %.1f | %.1f | %.3f | %.3f | %.0f / %.0f | %s |\n", set, part[2], clients,
		m["module-ns/op"] / 1000, m["pgx-ns/op"] / 1000, m["ratio"], m["tput"],
		m["module-allocs/op"], m["pgx-allocs/op"], m["module-stmts/op"]
}
