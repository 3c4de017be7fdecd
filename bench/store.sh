# Sourced by bench/lists.sh and bench/report.sh: builds sustain, makes (once)
# the store of REQUESTS generated requests, and defines measure, which prints
# one Markdown row of RUNS whole-process runs: median and maximum wall time,
# median CPU time (user+sys, steadier on a shared machine) and peak RSS.
# Needs GNU time (apt-get install time).
cd "$(dirname "${BASH_SOURCE[0]}")/.."
REQUESTS=${REQUESTS:-100000}
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
