#!/usr/bin/env bash
# `kam report` against `kam rank` on the same generated list (release build): whole-command
# wall time, processor time (user + system) and peak memory in alternating runs, their
# medians and ratios, the report's size, and how long headless
# Chromium takes to load it (against an empty page, to take the browser's start-up out).
# Usage: bash Benchmarks/report-whole-command.sh [ROWS] [RUNS]   (default 1000000 rows, 5 runs)
# KAM_SCRATCH=.build-release uses that build folder (default .build); KAM=path/to/kam uses that
# binary as it is (no build), e.g. the release test build's .build-reltest/release/kam.
# Run from the repository root; needs chromium for the last line (apt-get install chromium).
set -euo pipefail
rows=${1:-1000000}
runs=${2:-5}
cd "$(dirname "$0")/.."
bash .ci/setup >/dev/null
scratch=${KAM_SCRATCH:-.build}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -n "${KAM:-}" ]; then
  kam=$KAM
else
  # The build's output (SwiftPM's warnings about unhandled files) only when it fails.
  swift build -c release --product kam --scratch-path "$scratch" >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
  kam=$scratch/release/kam
fi
"$kam" generate --rows "$rows" --seed 1 --output "$work/list.csv"
echo "rows=$rows file=$(du -h "$work/list.csv" | cut -f1) load: $(uptime | sed 's/.*load average: //')"
# Each run: wall seconds, processor seconds (user + system) and peak resident memory.
measure() {
  /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@"
  read -r wall user system kilobytes < "$work/time"
  cpu=$(awk -v u="$user" -v s="$system" 'BEGIN { printf "%.2f", u + s }')
  memory=$((kilobytes / 1024))
}
rank_wall=(); rank_cpu=(); rank_memory=()
report_wall=(); report_cpu=(); report_memory=()
for run in $(seq "$runs"); do
  measure "$kam" rank "$work/list.csv" --top 200 --format csv --output "$work/rank.csv" --rejects "$work/rejects.csv" --quiet
  rank_wall+=("$wall"); rank_cpu+=("$cpu"); rank_memory+=("$memory")
  echo "run $run: kam rank   wall ${wall} s, cpu ${cpu} s, peak ${memory} MiB"
  measure "$kam" report "$work/list.csv" --top 200 --output "$work/report.html" --rejects "$work/rejects.csv" --quiet
  report_wall+=("$wall"); report_cpu+=("$cpu"); report_memory+=("$memory")
  echo "run $run: kam report wall ${wall} s, cpu ${cpu} s, peak ${memory} MiB"
done
median() { printf '%s\n' "$@" | sort -n | awk -v n="$#" 'NR == int((n + 1) / 2)'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
for measure in wall cpu memory; do
  declare -n rank_values="rank_$measure" report_values="report_$measure"
  rank_median=$(median "${rank_values[@]}")
  report_median=$(median "${report_values[@]}")
  echo "median $measure: kam rank ${rank_median}, kam report ${report_median}, report/rank $(ratio "$report_median" "$rank_median")"
done
echo "load after the runs: $(uptime | sed 's/.*load average: //')"
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
