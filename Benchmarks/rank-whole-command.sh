#!/usr/bin/env bash
# Whole-command time and peak memory of `kam rank` on generated lists (release build).
# Usage: bash Benchmarks/rank-whole-command.sh [ROWS] [RUNS]   (default 1000000 rows, 3 runs)
# Prints each run and the median; run from the repository root.
set -euo pipefail
rows=${1:-1000000}
runs=${2:-3}
cd "$(dirname "$0")/.."
bash .ci/setup
swift build -c release --product kam >/dev/null
kam=.build/release/kam
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$kam" generate --rows "$rows" --seed 1 --output "$work/list.csv"
echo "rows=$rows file=$(du -h "$work/list.csv" | cut -f1)"
times=()
for run in $(seq "$runs"); do
  /usr/bin/time -f "%e %M" -o "$work/time" "$kam" rank "$work/list.csv" --top 1000 --format csv \
    --output "$work/out.csv" --rejects "$work/rejects.csv" --quiet
  read -r seconds kilobytes < "$work/time"
  echo "run $run: ${seconds} s, peak $((kilobytes / 1024)) MiB"
  times+=("$seconds $kilobytes")
done
printf '%s\n' "${times[@]}" | sort -n | awk -v n="$runs" 'NR == int((n + 1) / 2) { printf "median: %s s, peak %d MiB\n", $1, $2 / 1024 }'
"$kam" rank "$work/list.csv" --top 1000 --format csv --output "$work/out.csv" --rejects "$work/rejects.csv" --quiet --timings
