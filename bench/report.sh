#!/usr/bin/env bash
# Report benchmarks on 100,000 generated requests (bench/genstore): whole
# process wall time and peak memory (GNU time's maximum RSS) of report sla
# over a year, the queue, and a customer's month, in JSON and HTML; each run
# RUNS times, the medians printed (wall and CPU time: CPU time tells the
# work done when other processes share the machine). Targets (issue 13): < 1 s, < 200 MB.
#
#   bash bench/report.sh         # REQUESTS=100000 RUNS=7 by default
#
# Needs GNU time (apt-get install time).
set -euo pipefail
cd "$(dirname "$0")/.."
REQUESTS=${REQUESTS:-100000}
RUNS=${RUNS:-7}
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
  "$@" >/dev/null # warm the page cache
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

echo "| report | median wall | max wall | median CPU (user+sys) | peak RSS |"
echo "|---|---:|---:|---:|---:|"
measure "report sla, a year (2025), by week, --json" $s report sla --from 2025-01-01 --to 2025-12-31 --json
measure "report sla, a year (2025), by month, --format html" $s report sla --from 2025-01-01 --to 2025-12-31 --by month --format html
measure "report queue --json" $s report queue --json
measure "report queue --format html" $s report queue --format html
measure "report customer C042 --month 2026-10 --format html" $s report customer C042 --month 2026-10 --format html
