#!/usr/bin/env bash
# What recording a run costs, and how fast `kam changes` answers (release build).
# Usage: bash Benchmarks/history-whole-command.sh [ROWS] [RUNS]   (default 1000000 rows, 3 runs)
#        KAM=path/to/kam bash Benchmarks/history-whole-command.sh   (an already built kam)
# For each of RUNS repetitions, on one generated list: `kam rank LIST` (the default table,
# top 20), `kam rank LIST --format csv` (every row written), and `kam rank LIST --record DB`
# into a fresh history; then two lists (seeds 1 and 2) recorded into one history and
# `kam changes` between them (table, and json of every account to /dev/null).
# Prints each run and the medians; run from the repository root.
set -euo pipefail
rows=${1:-1000000}
runs=${2:-3}
cd "$(dirname "$0")/.."
if [ -z "${KAM:-}" ]; then
  bash .ci/setup
  swift build -c release --product kam >/dev/null
  KAM=.build/release/kam
fi
kam=$KAM
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$kam" generate --rows "$rows" --seed 1 --output "$work/q3.csv"
"$kam" generate --rows "$rows" --seed 2 --output "$work/q4.csv"
echo "rows=$rows file=$(du -h "$work/q3.csv" | cut -f1)"

# time_it NAME COMMAND...: one timed run, appended to $work/NAME.times as "seconds kilobytes".
time_it() {
  local name=$1
  shift
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null
  read -r seconds kilobytes < "$work/time"
  echo "$name: ${seconds} s, peak $((kilobytes / 1024)) MiB"
  echo "$seconds $kilobytes" >> "$work/$name.times"
}
median() {
  sort -n "$work/$1.times" | awk -v n="$runs" -v name="$1" \
    'NR == int((n + 1) / 2) { printf "median %-22s %6.2f s, peak %d MiB\n", name":", $1, $2 / 1024 }'
}

for run in $(seq "$runs"); do
  time_it rank "$kam" rank "$work/q3.csv" --rejects "$work/r.csv" --quiet
  time_it rank-csv-all "$kam" rank "$work/q3.csv" --format csv --output "$work/out.csv" --rejects "$work/r.csv" --quiet
  rm -f "$work/one.sqlite"*
  time_it rank-record "$kam" rank "$work/q3.csv" --record "$work/one.sqlite" --rejects "$work/r.csv" --quiet
done
echo "history file after one run: $(du -h "$work/one.sqlite" | cut -f1)"

"$kam" rank "$work/q3.csv" --record "$work/two.sqlite" --rejects "$work/r.csv" --quiet >/dev/null
"$kam" rank "$work/q4.csv" --record "$work/two.sqlite" --rejects "$work/r.csv" --quiet >/dev/null
echo "history file after two runs: $(du -h "$work/two.sqlite" | cut -f1)"
for run in $(seq "$runs"); do
  time_it changes "$kam" changes "$work/two.sqlite"
  time_it changes-json-all "$kam" changes "$work/two.sqlite" --format json --output /dev/null
  time_it history "$kam" history K-000042 "$work/two.sqlite"
done
echo
for name in rank rank-csv-all rank-record changes changes-json-all history; do median "$name"; done
