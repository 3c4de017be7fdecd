#!/usr/bin/env bash
# Long lists and completion on 100,000 generated requests (bench/genstore),
# issue 15: whole-process median and maximum wall time, median CPU time
# (user+sys) and peak RSS (GNU time) of RUNS runs each, then the same
# commands in-process (Go benchmarks, no process start). Targets: a
# 100,000-row --all table or JSON array in well under 2 s, flat memory;
# completion < 100 ms.
#
#   bash bench/lists.sh          # REQUESTS=100000 RUNS=5 by default
#
# Needs GNU time (apt-get install time).
set -euo pipefail
RUNS=${RUNS:-5}
. "$(dirname "$0")/store.sh"

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| command | median wall | max wall | median CPU (user+sys) | peak RSS |"
echo "|---|---:|---:|---:|---:|"
measure "ticket list --all --status all --json" $s ticket list --all --status all --json
measure "ticket list --all --status all (pipe)" $s ticket list --all --status all
measure "ticket list --all --status all, SUSTAIN_FORCE_TTY=120" env SUSTAIN_FORCE_TTY=120 $s ticket list --all --status all
measure "ticket list (30 rows)" $s ticket list
measure "__complete ticket show SUP-4" $s __complete ticket show SUP-4
measure "__complete ticket list --customer C0" $s __complete ticket list --customer C0
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
BENCH_STORE=$store go test -run '^$' -bench 'List|Complete' -benchtime 3x -benchmem ./cmd/sustain | grep -E '^Benchmark'
