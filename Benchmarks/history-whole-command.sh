#!/usr/bin/env bash
# What recording a run costs, and how fast `kam changes` answers (release build).
# Usage: bash Benchmarks/history-whole-command.sh [ROWS] [RUNS]   (default 1000000 rows, 3 runs)
#        KAM=path/to/kam bash Benchmarks/history-whole-command.sh   (an already built kam)
#        EVERY_ROW=0 bash Benchmarks/history-whole-command.sh       (skip the runs writing every row)
# For each of RUNS repetitions, on one generated list: `kam rank LIST` (the default table,
# top 20), `kam rank LIST --format csv` (every row written), and `kam rank LIST --record DB`
# into a fresh history; then two lists (seeds 1 and 2) recorded into one history and
# `kam changes` between them (table, and json of every account to /dev/null).
# Prints each run, the medians (wall and processor time, user + sys) and the ratios the issue
# sets targets for: what recording adds over `kam rank` (target: at most 1x rank's own time)
# and `kam changes` between two runs (target: under 3 s). Run from the repository root.
set -euo pipefail
rows=${1:-1000000}
runs=${2:-3}
every_row=${EVERY_ROW:-1}
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

# time_it NAME COMMAND...: one timed run, appended to $work/NAME.times as
# "wall-seconds kilobytes processor-seconds".
time_it() {
  local name=$1
  shift
  /usr/bin/time -f "%e %M %U %S" -o "$work/time" "$@" >/dev/null
  read -r seconds kilobytes user system < "$work/time"
  local cpu
  cpu=$(awk -v u="$user" -v s="$system" 'BEGIN { printf "%.2f", u + s }')
  echo "$name: ${seconds} s wall, ${cpu} s processor, peak $((kilobytes / 1024)) MiB"
  echo "$seconds $kilobytes $cpu" >> "$work/$name.times"
}
# median NAME COLUMN: the median of one column of NAME's runs (1 wall, 2 KiB, 3 processor).
median() {
  sort -n -k "$2" "$work/$1.times" | awk -v n="$runs" -v c="$2" 'NR == int((n + 1) / 2) { print $c }'
}
report() {
  printf "median %-22s %6.2f s wall, %6.2f s processor, peak %d MiB\n" "$1:" "$(median "$1" 1)" \
    "$(median "$1" 3)" "$(( $(median "$1" 2) / 1024 ))"
}

for run in $(seq "$runs"); do
  time_it rank "$kam" rank "$work/q3.csv" --rejects "$work/r.csv" --quiet
  if [ "$every_row" = 1 ]; then
    time_it rank-csv-all "$kam" rank "$work/q3.csv" --format csv --output "$work/out.csv" --rejects "$work/r.csv" --quiet
  fi
  rm -f "$work/one.sqlite"*
  time_it rank-record "$kam" rank "$work/q3.csv" --record "$work/one.sqlite" --rejects "$work/r.csv" --quiet
done
echo "history file after one run: $(du -h "$work/one.sqlite" | cut -f1)"

"$kam" rank "$work/q3.csv" --record "$work/two.sqlite" --rejects "$work/r.csv" --quiet >/dev/null
"$kam" rank "$work/q4.csv" --record "$work/two.sqlite" --rejects "$work/r.csv" --quiet >/dev/null
echo "history file after two runs: $(du -h "$work/two.sqlite" | cut -f1)"
for run in $(seq "$runs"); do
  time_it changes "$kam" changes "$work/two.sqlite"
  if [ "$every_row" = 1 ]; then
    time_it changes-json-all "$kam" changes "$work/two.sqlite" --format json --output /dev/null
  fi
  time_it history "$kam" history K-000042 "$work/two.sqlite"
done
echo
echo "load: $(uptime)"
for name in rank rank-csv-all rank-record changes changes-json-all history; do
  if [ -f "$work/$name.times" ]; then report "$name"; fi
done
# What recording adds, as a multiple of rank's own time (target: at most 1).
awk -v rank_wall="$(median rank 1)" -v record_wall="$(median rank-record 1)" \
    -v rank_cpu="$(median rank 3)" -v record_cpu="$(median rank-record 3)" 'BEGIN {
  printf "recording adds %.2f s wall = %.2fx rank'"'"'s own wall time; %.2f s processor = %.2fx rank'"'"'s processor time (target: at most 1x)\n",
    record_wall - rank_wall, (record_wall - rank_wall) / rank_wall, record_cpu - rank_cpu, (record_cpu - rank_cpu) / rank_cpu }'
awk -v wall="$(median changes 1)" -v cpu="$(median changes 3)" 'BEGIN {
  printf "kam changes: %.2f s wall, %.2f s processor (target: under 3 s)\n", wall, cpu }'
