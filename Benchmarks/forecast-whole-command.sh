#!/usr/bin/env bash
# Whole-command time and peak memory of `kam forecast` on generated open accounts (release build).
# Usage: bash Benchmarks/forecast-whole-command.sh [ROWS] [RUNS] [MONTE_CARLO_RUNS]
#        (default 1000000 accounts, 3 timed runs, 1000 Monte Carlo runs)
# Uses models/pipeline.yaml (fitted from datasets/history). Prints each run, the median, and
# one run's phase timings; run from the repository root.
set -euo pipefail
rows=${1:-1000000}
runs=${2:-3}
simulations=${3:-1000}
cd "$(dirname "$0")/.."
bash .ci/setup
swift build -c release --product kam >/dev/null
kam=.build/release/kam
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$kam" generate --rows "$rows" --seed 1 --output "$work/list.csv"
echo "accounts=$rows file=$(du -h "$work/list.csv" | cut -f1) monte_carlo_runs=$simulations"
times=()
for run in $(seq "$runs"); do
  /usr/bin/time -f "%e %M" -o "$work/time" "$kam" forecast "$work/list.csv" --runs "$simulations" \
    --output "$work/out.txt" --rejects "$work/rejects.csv" --quiet
  read -r seconds kilobytes < "$work/time"
  echo "run $run: ${seconds} s, peak $((kilobytes / 1024)) MiB"
  times+=("$seconds $kilobytes")
done
printf '%s\n' "${times[@]}" | sort -n | awk -v n="$runs" 'NR == int((n + 1) / 2) { printf "median: %s s, peak %d MiB\n", $1, $2 / 1024 }'
"$kam" forecast "$work/list.csv" --runs "$simulations" --output "$work/out.txt" --rejects "$work/rejects.csv" \
  --quiet --timings
