#!/usr/bin/env bash
# Compares sustain with git itself, in the same run, on a generated repository
# of 100,000 commits (merges, tags, component folders): with and without a
# commit-graph file. Results go to bench/work/results-*.md; BENCHMARKS.md
# records them.
#
#   bash bench/run.sh            # COMMITS=100000 RUNS=10 by default
#
# Needs git, hyperfine and GNU time (apt-get install hyperfine time).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
COMMITS=${COMMITS:-100000}
RUNS=${RUNS:-10}
work=bench/work
repo=$work/repo-$COMMITS
mkdir -p "$work"

for tool in git hyperfine /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install hyperfine time)" >&2; exit 1; }
done

go build -o "$work/sustain" ./cmd/sustain
sustain="$PWD/$work/sustain --config $PWD/bench/sustain.yaml"

if [ ! -d "$repo/.git" ]; then
  echo "bench: generating $COMMITS commits into $repo"
  git init -q -b main "$repo.tmp"
  go run ./bench/genrepo -commits "$COMMITS" | git -C "$repo.tmp" fast-import --quiet
  git -C "$repo.tmp" reset -q --hard
  mv "$repo.tmp" "$repo"
fi
cd "$repo"
last=$(git describe --tags --abbrev=0 --match 'v*')

# git-cliff (npm install git-cliff) over the whole history, once: it takes
# about a minute here, so it is timed once rather than by hyperfine.
cliff=$(command -v git-cliff || true)
[ -z "$cliff" ] && [ -x "$root/bench/work/node_modules/.bin/git-cliff" ] && cliff=$root/bench/work/node_modules/.bin/git-cliff
if [ -n "$cliff" ]; then
  echo "## git-cliff $($cliff --version | cut -d' ' -f2), whole history, default configuration"
  /usr/bin/time -f "git-cliff: %e s, %M KB" "$cliff" --tag-pattern 'v[0-9]' >/dev/null 2>../cliff.err || true
  tail -1 ../cliff.err
  echo
fi

run() { # name, then hyperfine commands
  local name=$1; shift
  hyperfine -N --warmup 2 --runs "$RUNS" --export-markdown "../results-$name.md" "$@" >/dev/null
  echo "### $name"; cat "../results-$name.md"; echo
}

peak() { # peak resident memory of a command, in MB
  /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%.0f MB", $1/1024}'
}

for graph in without with; do
  rm -f .git/objects/info/commit-graph
  rm -rf .git/objects/info/commit-graphs
  [ $graph = with ] && git commit-graph write --reachable 2>/dev/null
  echo "## $graph commit-graph"
  echo
  run "build-info-$graph-graph" \
    "git rev-list --count HEAD" \
    "$sustain release build-info"
  run "build-info-component-$graph-graph" \
    "git rev-list --count HEAD -- api/" \
    "git rev-list --count --full-history HEAD -- api/" \
    "$sustain release build-info --component api"
  run "next-$graph-graph" \
    "git describe --tags --abbrev=0 --match v*" \
    "git log $last..HEAD" \
    "$sustain release next --pick highest"
  prev=$(git describe --tags --abbrev=0 --match 'v*' "$last^")
  run "changelog-range-$graph-graph" \
    "sh -c 'git log --format=%H%x00%B $prev..$last | grep -oE \"[A-Z][A-Z0-9_]+-[0-9]+\" > /dev/null'" \
    "$sustain release changelog --from $prev --to $last"
  run "changelog-all-$graph-graph" "$sustain release changelog --all"
  echo "Peak memory: changelog --all $(peak $sustain release changelog --all)"
  echo "Peak memory: build-info $(peak $sustain release build-info), build-info --component api $(peak $sustain release build-info --component api), next $(peak $sustain release next --pick highest)"
  echo
done
