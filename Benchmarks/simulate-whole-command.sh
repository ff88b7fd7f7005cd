#!/usr/bin/env bash
# Whole-command time and peak memory of `kam simulate --compare` (release build): three
# policies on generated accounts over PERIODS periods and MONTE_CARLO_RUNS runs each.
# Usage: bash Benchmarks/simulate-whole-command.sh [ROWS] [PERIODS] [MONTE_CARLO_RUNS] [TIMED_RUNS]
#        (default 10000 accounts, 12 periods, 1000 runs, 1 timed run)
# Uses models/pipeline.yaml and models/team.yaml; run from the repository root.
set -euo pipefail
rows=${1:-10000}
periods=${2:-12}
simulations=${3:-1000}
timed=${4:-1}
cd "$(dirname "$0")/.."
bash .ci/setup
swift build -c release --product kam >/dev/null
kam=.build/release/kam
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$kam" generate --rows "$rows" --seed 1 --output "$work/list.csv"
echo "accounts=$rows periods=$periods monte_carlo_runs=$simulations policies=3"
for run in $(seq "$timed"); do
  /usr/bin/time -f "%e s wall, %U s user, %M KB peak" -o "$work/time" "$kam" simulate "$work/list.csv" --compare \
    --periods "$periods" --runs "$simulations" --seed 42 --quiet --timings --output "$work/out.txt"
  echo "run $run: $(cat "$work/time")"
done
cat "$work/out.txt"
