#!/usr/bin/env bash
# kam model fit against scikit-learn on real data: the UCI Bank Marketing file
# (../shared/datasets/uci-bank-marketing/bank-additional-full.csv, 41,188 clients).
# Splits it stratified 70/30 (train_test_split(stratify=y, random_state=42)) with
# `duration` dropped (known only after the call), writes train.csv and test.csv (same
# columns less duration, ';' delimiter, quoting and CRLF as the original) into a work
# folder, fits on train and reports on test:
#   - scikit-learn LogisticRegression(max_iter=1000) (default C=1) on one-hot
#     categoricals + standardized numerics, and HistGradientBoostingClassifier(random_state=42)
#     with defaults and native categoricals (these reproduce the issue's reference figures:
#     see bank_peers.py);
#   - `kam model fit train.csv --model models/examples/bank-marketing.yaml --candidates all
#     --outcome-column y --test test.csv --format json`, skipped with a message when this
#     kam has no `model fit`.
# Prints one table: model, AUC, Brier, log loss, ECE (10 equal-width bins).
#
# Usage (from anywhere): bash Benchmarks/model-fit/bank.sh   (BANK_FILE=bank-full.csv: the older file)
#   KAM=path/to/kam uses that binary; KEEP=1 keeps the work folder (printed);
#   ALL=1 adds the sklearn variants tried while matching the reference.
set -euo pipefail
source "$(cd "$(dirname "$0")" && pwd)/common.sh"
# SHARED names the shared folder when it is not beside the package (e.g. from a git worktree).
# BANK_FILE=bank-full.csv uses the older 45,211-client file (other columns, no economic indicators).
source_file="${SHARED:-$root/../shared}/datasets/uci-bank-marketing/${BANK_FILE:-bank-additional-full.csv}"
[ -f "$source_file" ] || { echo "bank.sh: $source_file is missing" >&2; exit 66; }
work=$(mktemp -d)
trap '[ "${KEEP:-0}" = 1 ] && echo "work folder kept: $work" >&2 || rm -rf "$work"' EXIT

echo "$(uname -m), $(nproc) cores; $versions"
"$python" "$here/bank_peers.py" split "$source_file" "$work"
extra=()
[ "${ALL:-0}" = 1 ] && extra=(--all)
"$python" "$here/bank_peers.py" fit "$work/train.csv" "$work/test.csv" --json "$work/peers.json" "${extra[@]}" >"$work/peers.txt"
kam_json=()
if [ "$kam_has_fit" = 1 ]; then
  started=$(date +%s.%N)
  "$kam" model fit "$work/train.csv" --model models/examples/bank-marketing.yaml --candidates all \
    --outcome-column y --test "$work/test.csv" --format json --output "$work/bank.model.yaml" \
    --rejects "$work/rejects.csv" --quiet >"$work/kam.json"
  [ "${KEEP:-0}" = 1 ] && "$kam" model fit "$work/train.csv" --model models/examples/bank-marketing.yaml \
    --candidates all --outcome-column y --test "$work/test.csv" --output "$work/bank.model.yaml" \
    --rejects "$work/rejects.csv" --quiet >"$work/kam.txt"
  kam_seconds=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
  echo "kam model fit: $kam_seconds s" >&2
  kam_json=(--kam "$work/kam.json" --kam-seconds "$kam_seconds")
else
  echo "kam model fit is not in this kam ($kam): its rows are skipped; rebuild once 'kam model fit' has landed." >&2
fi
echo
echo "$(basename "$source_file"): held out 30%, fitted on the stratified 70% (seed 42), duration dropped"
"$python" "$here/table.py" "${kam_json[@]}" "$work/peers.json"
