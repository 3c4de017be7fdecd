#!/usr/bin/env bash
# Release commands against git on a repository that looks real (issue 12):
# bench/genreal's 36,000 main-line commits, 1.2 million objects, a pack of
# several hundred MB in clone order (commits first, as git clone and CI
# checkouts have it), deep trees, in-place edits stored as deltas, large
# binary files, merged side branches, release tags and maintenance branches
# with cherry-picks and tags of their own. Each command runs RUNS times in
# the same session as git; the median wall and CPU times and the highest
# peak memory (GNU time) are printed, without and then with a commit-graph
# file. On a shared machine the CPU times are the steadier comparison.
#
#   bash bench/real.sh           # RUNS=5 COMMITS=36000
#
# Needs git and GNU time. git-cliff (npm install git-cliff) is timed when
# found on PATH or in bench/work/node_modules.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
COMMITS=${COMMITS:-36000}
RUNS=${RUNS:-5}
work=$root/bench/work
repo=$work/real-$COMMITS
mkdir -p "$work"
for tool in git /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install time)" >&2; exit 1; }
done
go build -o "$work/sustain" ./cmd/sustain
cat > "$work/real.yaml" <<'YAML'
jira:
  project: SRV
components:
  api: { paths: ["api/**"] }
YAML
sustain="$work/sustain --config $work/real.yaml"

if [ ! -d "$repo" ]; then
  echo "bench: generating $COMMITS commits into $repo (several minutes)" >&2
  rm -rf "$repo.tmp"
  git init -q -b main "$repo.tmp"
  go run ./bench/genreal -commits "$COMMITS" | git -C "$repo.tmp" fast-import --quiet --depth=50
  # One pack in the order git clone gives (commits first); existing deltas kept.
  git -C "$repo.tmp" repack -a -d -q --window=0
  mv "$repo.tmp" "$repo"
fi
cd "$repo"
git count-objects -vH | grep -E 'in-pack|size-pack'

# median time and peak memory of RUNS runs
measure() {
  local times=() cpus=() mem=0 e c m
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -o "$work/time.out" -f '%e %U %S %M' "$@" >/dev/null 2>"$work/cmd.err" || { echo "bench: $* failed:" >&2; cat "$work/cmd.err" >&2; }
    read -r e u s m < <(tail -1 "$work/time.out")
    times+=("$e")
    cpus+=("$(echo "$u + $s" | bc)")
    [ "$m" -gt "$mem" ] && mem=$m
  done
  local mid=$(( (RUNS + 1) / 2 ))
  printf '| `%s` | %s s | %s s | %d MB |\n' "${*#$work/}" \
    "$(printf '%s\n' "${times[@]}" | sort -n | sed -n "${mid}p")" \
    "$(printf '%s\n' "${cpus[@]}" | sort -n | sed -n "${mid}p")" $((mem / 1024))
}

last=$(git describe --tags --abbrev=0 --match 'v*')
to=$(git describe --tags --abbrev=0 --match 'v*' "$last^")
from=$(git describe --tags --abbrev=0 --match 'v*' "$to^")
echo "range $from..$to: $(git rev-list --count "$from..$to") commits"

for graph in without with; do
  rm -f .git/objects/info/commit-graph
  rm -rf .git/objects/info/commit-graphs
  [ $graph = with ] && git commit-graph write --reachable 2>/dev/null
  echo
  echo "### $graph commit-graph"
  echo
  echo "| command | median wall time | median CPU time (user+sys) | peak memory |"
  echo "|---|---|---|---|"
  measure git rev-list --count HEAD
  measure $sustain release build-info
  measure git rev-list --count --full-history HEAD -- api/
  measure $sustain release build-info --component api
  measure git describe --tags --abbrev=0
  measure $sustain release current
  measure git log "$last..HEAD"
  measure $sustain release next --pick highest
  measure sh -c "git log --format=%H%x00%B $from..$to | grep -oE '[A-Z][A-Z0-9_]+-[0-9]+' >/dev/null"
  measure $sustain release changelog --from "$from" --to "$to"
  measure $sustain release changelog --all
done

cliff=$(command -v git-cliff || true)
[ -z "$cliff" ] && [ -x "$work/node_modules/.bin/git-cliff" ] && cliff=$work/node_modules/.bin/git-cliff
if [ -n "$cliff" ]; then
  echo
  measure "$cliff" --tag-pattern 'v[0-9]'
fi
