#!/usr/bin/env bash
# `kam report` against `kam rank` on the same generated list (release build): whole-command
# times in alternating runs, their medians and ratio, the report's size, and how long headless
# Chromium takes to load it (against an empty page, to take the browser's start-up out).
# Usage: bash Benchmarks/report-whole-command.sh [ROWS] [RUNS]   (default 1000000 rows, 5 runs)
# Run from the repository root; needs chromium for the last line (apt-get install chromium).
set -euo pipefail
rows=${1:-1000000}
runs=${2:-5}
cd "$(dirname "$0")/.."
bash .ci/setup >/dev/null
scratch=${KAM_SCRATCH:-.build}
swift build -c release --product kam --scratch-path "$scratch" >/dev/null
kam=$scratch/release/kam
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$kam" generate --rows "$rows" --seed 1 --output "$work/list.csv"
echo "rows=$rows file=$(du -h "$work/list.csv" | cut -f1) load: $(uptime | sed 's/.*load average: //')"
rank_times=()
report_times=()
for run in $(seq "$runs"); do
  /usr/bin/time -f "%e %M" -o "$work/time" "$kam" rank "$work/list.csv" --top 200 --format csv \
    --output "$work/rank.csv" --rejects "$work/rejects.csv" --quiet
  read -r seconds kilobytes < "$work/time"
  rank_times+=("$seconds")
  echo "run $run: kam rank   ${seconds} s, peak $((kilobytes / 1024)) MiB"
  /usr/bin/time -f "%e %M" -o "$work/time" "$kam" report "$work/list.csv" --top 200 \
    --output "$work/report.html" --rejects "$work/rejects.csv" --quiet
  read -r seconds kilobytes < "$work/time"
  report_times+=("$seconds")
  echo "run $run: kam report ${seconds} s, peak $((kilobytes / 1024)) MiB"
done
median() { printf '%s\n' "$@" | sort -n | awk -v n="$#" 'NR == int((n + 1) / 2)'; }
rank_median=$(median "${rank_times[@]}")
report_median=$(median "${report_times[@]}")
echo "median: kam rank ${rank_median} s, kam report ${report_median} s, ratio $(awk -v a="$report_median" -v b="$rank_median" 'BEGIN { printf "%.2f", a / b }')"
echo "report size: $(stat -c %s "$work/report.html") bytes"
if command -v chromium >/dev/null; then
  echo '<!DOCTYPE html><html><head><title>empty</title></head><body></body></html>' > "$work/empty.html"
  for run in $(seq 3); do
    for page in empty report; do
      start=$(date +%s.%N)
      chromium --headless --no-sandbox --disable-gpu --user-data-dir="$work/profile" --dump-dom "file://$work/$page.html" >/dev/null 2>&1
      end=$(date +%s.%N)
      echo "chromium --dump-dom $page.html: $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }') s"
    done
  done
fi
