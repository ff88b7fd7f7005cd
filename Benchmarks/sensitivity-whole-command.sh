#!/usr/bin/env bash
# Whole-command time, peak memory and scoring-product throughput of `kam sensitivity`
# (release build): ACCOUNTS generated accounts × 12 factors × SAMPLES weight draws.
# Usage: bash Benchmarks/sensitivity-whole-command.sh [ACCOUNTS] [SAMPLES] [RUNS]
#        (default 100000 accounts, 10000 draws, 1 run); run from the repository root.
# Set KAM to use an already built binary instead of building one.
# The 12-factor model is models/default.yaml without its last two factors
# (inside_contact, support). The run with --timings prints where the time went and the
# achieved GFLOP/s of the scoring products next to a dgemm peak measured in the same run.
set -euo pipefail
accounts=${1:-100000}
samples=${2:-10000}
runs=${3:-1}
cd "$(dirname "$0")/.."
if [ -z "${KAM:-}" ]; then
  bash .ci/setup
  swift build -c release --product kam >/dev/null
  kam=.build/release/kam
else
  kam=$KAM
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
awk '/^  - id: inside_contact/ { skip = 1 } /^grading:/ { skip = 0 } !skip' models/default.yaml > "$work/model12.yaml"
factors=$("$kam" model show --model "$work/model12.yaml" --format csv | tail -n +2 | wc -l)
"$kam" generate --rows "$accounts" --seed 1 --output "$work/list.csv"
echo "accounts=$accounts factors=$factors samples=$samples file=$(du -h "$work/list.csv" | cut -f1) OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}"
for run in $(seq "$runs"); do
  /usr/bin/time -f "%e %M" -o "$work/time" "$kam" sensitivity "$work/list.csv" --model "$work/model12.yaml" \
    --samples "$samples" --seed 1 --format csv --output "$work/out.csv" --quiet --timings 2> "$work/timings"
  read -r seconds kilobytes < "$work/time"
  echo "run $run: ${seconds} s, peak $((kilobytes / 1024)) MiB"
  cat "$work/timings"
done
