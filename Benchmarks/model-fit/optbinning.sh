#!/usr/bin/env bash
# kam model fit --candidates all against optbinning's BinningProcess + scikit-learn
# LogisticRegression on the WoE features (issue 8's benchmark), on the same generated
# history. Generates ROWS training rows with `kam generate --outcomes --seed 7` and
# ROWS/4 held-out rows with `--seed 8` (independent draws from the same known truth,
# ShapedHistoryTruth), then runs kam and the peer RUNS times in alternation (kam, peer,
# kam, peer, ...), each fitting on the training file and scoring the held-out one, and
# prints medians of wall time and peak resident memory (/usr/bin/time), the peer's ratios
# to kam (peer ÷ kam: above 1 means the peer takes longer or more memory), every run's
# figures, and the held-out AUC, Brier, log loss and ECE each reaches. The peer's candidates
# are every column but the identifiers, the outcome and the planted leak followup_status
# (which kam is expected to flag); kam gets --candidates all.
#
# Usage (from anywhere): bash Benchmarks/model-fit/optbinning.sh [ROWS]   (default 1000000)
#   RUNS=3 runs per tool; PEER_ONLY=1 runs only the peer; KAM=path/to/kam uses that binary;
#   KEEP=1 keeps the work folder.
set -euo pipefail
source "$(cd "$(dirname "$0")" && pwd)/common.sh"
rows=${1:-1000000}
runs=${RUNS:-3}
test_rows=$((rows / 4))
work=$(mktemp -d)
trap '[ "${KEEP:-0}" = 1 ] && echo "work folder kept: $work" >&2 || rm -rf "$work"' EXIT

tools=(peer)
if [ "${PEER_ONLY:-0}" != 1 ]; then
  if [ "$kam_has_fit" = 1 ]; then
    tools=(kam peer)
  else
    echo "kam model fit is not in this kam ($kam): only the peer runs; rebuild once 'kam model fit' has landed." >&2
  fi
fi

train="$work/train.csv"
test="$work/test.csv"
"$kam" generate --rows "$rows" --seed 7 --outcomes --output "$train"
"$kam" generate --rows "$test_rows" --seed 8 --outcomes --output "$test"
echo "$(uname -m), $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo); $versions; $runs alternating runs"
echo "train: $rows rows ($(du -h "$train" | cut -f1)), test: $test_rows rows; 25 candidate columns + the leak"

measure() {
  local tool=$1 run=$2
  local out="$work/$tool-$run"
  if [ "$tool" = kam ]; then
    /usr/bin/time -f "%e %M" -o "$out.time" "$kam" model fit "$train" --candidates all \
      --outcome-column outcome --test "$test" --format json --output "$out.yaml" \
      --rejects "$out.rejects.csv" --quiet >"$out.json" 2>"$out.stderr"
  else
    /usr/bin/time -f "%e %M" -o "$out.time" "$python" "$here/optbinning_peer.py" "$train" "$test" \
      --json "$out.json" 2>"$out.stderr"
  fi
  cat "$out.time" >>"$work/$tool.times"
}

median() { sort -n | awk '{ values[NR] = $1 } END { print values[int((NR + 1) / 2)] }'; }

for run in $(seq "$runs"); do
  for tool in "${tools[@]}"; do measure "$tool" "$run"; done
done

printf '| %-28s | %9s | %9s | %12s | %14s |\n' tool "median s" "peak MiB" "time ÷ kam" "memory ÷ kam"
kam_time="" kam_memory=""
if [ -f "$work/kam.times" ]; then
  kam_time=$(cut -d' ' -f1 "$work/kam.times" | median)
  kam_memory=$(cut -d' ' -f2 "$work/kam.times" | median)
  printf '| %-28s | %9s | %9d | %12s | %14s |\n' "kam model fit" "$kam_time" $((kam_memory / 1024)) "1.0×" "1.0×"
fi
peer_time=$(cut -d' ' -f1 "$work/peer.times" | median)
peer_memory=$(cut -d' ' -f2 "$work/peer.times" | median)
if [ -n "$kam_time" ]; then
  printf '| %-28s | %9s | %9d | %12s | %14s |\n' "optbinning + sklearn LR" "$peer_time" $((peer_memory / 1024)) \
    "$(awk -v a="$peer_time" -v b="$kam_time" 'BEGIN { printf "%.1f×", a / b }')" \
    "$(awk -v a="$peer_memory" -v b="$kam_memory" 'BEGIN { printf "%.1f×", a / b }')"
else
  printf '| %-28s | %9s | %9d | %12s | %14s |\n' "optbinning + sklearn LR" "$peer_time" $((peer_memory / 1024)) n/a n/a
fi
for tool in "${tools[@]}"; do
  echo "$tool runs (seconds, peak KiB): $(tr '\n' ';' <"$work/$tool.times" | sed 's/;$//; s/;/; /g')"
done
echo
echo "Held-out metrics ($test_rows rows, seed 8):"
kam_json=()
[ -f "$work/kam-1.json" ] && kam_json=(--kam "$work/kam-1.json")
(cd "$here" && "$python" truth_metrics.py "$test" --json "$work/truth.json" 2>/dev/null)
"$python" "$here/table.py" "${kam_json[@]}" "$work/peer-1.json" "$work/truth.json"
