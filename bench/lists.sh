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
cd "$(dirname "$0")/.."
REQUESTS=${REQUESTS:-100000}
RUNS=${RUNS:-5}
work=$PWD/bench/work
mkdir -p "$work"
[ -x /usr/bin/time ] || { echo "bench: GNU time is missing (apt-get install time)" >&2; exit 1; }

go build -o "$work/sustain" ./cmd/sustain
store=$work/tickets-$REQUESTS.db
[ -f "$store" ] || go run ./bench/genstore -requests "$REQUESTS" -store "$store"
export SUSTAIN_NOW=2026-11-20T10:00:00+03:00 XDG_CONFIG_HOME=$work/empty-config
s="$work/sustain --store $store"

measure() { # name, then the command
  local name=$1; shift
  "$@" >/dev/null 2>&1 # warm the page cache
  local runs
  runs=$(for _ in $(seq "$RUNS"); do /usr/bin/time -f "%e %M %U %S" "$@" 2>&1 >/dev/null | tail -1; done)
  local mid=$(((RUNS + 1) / 2))
  local wall cpu maxwall rss
  wall=$(echo "$runs" | awk '{print $1}' | sort -n | sed -n "${mid}p")
  maxwall=$(echo "$runs" | awk '{print $1}' | sort -n | tail -1)
  cpu=$(echo "$runs" | awk '{printf "%.2f\n", $3 + $4}' | sort -n | sed -n "${mid}p")
  rss=$(echo "$runs" | awk '{print $2}' | sort -n | tail -1)
  printf '| %s | %s s | %s s | %s s | %d MB |\n' "$name" "$wall" "$maxwall" "$cpu" $((rss / 1024))
}

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
