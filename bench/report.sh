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
RUNS=${RUNS:-7}
. "$(dirname "$0")/store.sh"

echo "| report | median wall | max wall | median CPU (user+sys) | peak RSS |"
echo "|---|---:|---:|---:|---:|"
measure "report sla, a year (2025), by week, --json" $s report sla --from 2025-01-01 --to 2025-12-31 --json
measure "report sla, a year (2025), by month, --format html" $s report sla --from 2025-01-01 --to 2025-12-31 --by month --format html
measure "report queue --json" $s report queue --json
measure "report queue --format html" $s report queue --format html
measure "report customer C042 --month 2026-10 --format html" $s report customer C042 --month 2026-10 --format html
