#!/usr/bin/env bash
# Ticket store benchmarks on 100,000 generated requests (bench/genstore):
# whole-process times of list, next, sweep and open. Needs hyperfine.
#
#   bash bench/tickets.sh        # REQUESTS=100000 RUNS=20 by default
set -euo pipefail
cd "$(dirname "$0")/.."
REQUESTS=${REQUESTS:-100000}
RUNS=${RUNS:-20}
work=$PWD/bench/work
mkdir -p "$work"
command -v hyperfine >/dev/null || { echo "bench: hyperfine is missing (apt-get install hyperfine)" >&2; exit 1; }

go build -o "$work/sustain" ./cmd/sustain
store=$work/tickets-$REQUESTS.db
[ -f "$store" ] || go run ./bench/genstore -requests "$REQUESTS" -store "$store"
export SUSTAIN_NOW=2026-11-20T10:00:00+03:00 XDG_CONFIG_HOME=$work/empty-config
s="$work/sustain --store $store"

hyperfine -N --warmup 3 --runs "$RUNS" --export-markdown "$work/results-tickets.md" \
  "$s ticket list --status resolved --customer C042" \
  "$s ticket list" \
  "$s ticket list --all --status all" \
  "$s ticket list --all --status all --json" \
  "$s ticket next" \
  "$s --config $PWD/examples/regulation-a-build.yaml ticket next" \
  "$s ticket sweep --dry-run" \
  "$s ticket open --customer C001 --channel phone --subject bench --description bench" >/dev/null
# The first sweep of the generated store closes its whole backlog (every
# resolved request, ~12,500): measured on fresh copies. Then a sweep in the
# steady state, as cron runs it, with nothing left to close.
hyperfine -N --runs 5 --prepare "sh -c 'rm -f $store.sweep-wal $store.sweep-shm; cp $store $store.sweep'" --export-markdown "$work/results-sweep.md" \
  "$work/sustain --store $store.sweep ticket sweep --json" >/dev/null
hyperfine -N --warmup 1 --runs 10 --export-markdown "$work/results-sweep-steady.md" \
  "$work/sustain --store $store.sweep ticket sweep --json" >/dev/null
# Check the steady-state store really was swept: nothing resolved is overdue.
"$work/sustain" --store "$store.sweep" ticket list --all --status closed --template '{{len .}} closed{{"\n"}}' >&2
rm -f "$store.sweep" "$store.sweep-wal" "$store.sweep-shm"
cat "$work/results-tickets.md" "$work/results-sweep.md" "$work/results-sweep-steady.md"
