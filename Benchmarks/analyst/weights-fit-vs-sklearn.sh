#!/usr/bin/env bash
# `kam weights fit` against scikit-learn (newton-cholesky) on a generated history, whole
# command, side by side, alternating runs, medians, peak memory.
# Usage: bash Benchmarks/analyst/weights-fit-vs-sklearn.sh [ROWS] [RUNS] [MODES]
#        (default 1000000 rows, 3 runs, modes "fixed cv"); run from the repository root.
# KAM=path uses that (release) binary; otherwise one is built with -c release.
# HISTORY=file and MODEL=file run another history and model (e.g. a plain numeric history
# with linear scales, which the peer then reads as numbers: see sklearn_weights_fit.py).
# The peer (sklearn_weights_fit.py) reads with pandas, computes the same utilities
# (../compare/rules.py) and runs the same fits; it is installed with numpy, pandas and
# scikit-learn into Benchmarks/analyst/.venv (gitignored) on first use.
set -euo pipefail
rows=${1:-1000000}
runs=${2:-3}
modes=${3:-fixed cv}
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/../.."
if [ -z "${KAM:-}" ]; then
  bash .ci/setup
  swift build -c release --product kam >/dev/null
  kam=.build/release/kam
else
  kam=$KAM
fi
if [ ! -x "$here/.venv/bin/python" ]; then
  python3 -m venv "$here/.venv"
  "$here/.venv/bin/pip" install -q scikit-learn numpy pandas pyyaml
fi
python="$here/.venv/bin/python"
work=${WORK:-$(mktemp -d)}
model=${MODEL:-models/default.yaml}
history=${HISTORY:-$work/history-$rows.csv}
[ -f "$history" ] || "$kam" generate --rows "$rows" --seed 1 --outcomes --output "$history"
echo "rows=$rows runs=$runs load average: $(cut -d' ' -f1-3 /proc/loadavg)"
"$python" -c 'import sklearn, numpy, pandas; print(f"scikit-learn {sklearn.__version__}, numpy {numpy.__version__}, pandas {pandas.__version__}")'
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }
for mode in $modes; do
  if [ "$mode" = fixed ]; then kam_args=(--strength 1); peer_args=(fixed 1); else kam_args=(--strength cv); peer_args=(cv); fi
  : > "$work/kam.times"; : > "$work/peer.times"
  for run in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o "$work/t" "$kam" weights fit "$history" --model "$model" "${kam_args[@]}" --format json --quiet > "$work/kam.json"
    read -r s k < "$work/t"; echo "$s $k" >> "$work/kam.times"
    echo "  $mode run $run: kam ${s} s, $((k / 1024)) MiB"
    /usr/bin/time -f "%e %M" -o "$work/t" "$python" "$here/sklearn_weights_fit.py" "$history" "$model" "${peer_args[@]}" > "$work/peer.json"
    read -r s k < "$work/t"; echo "$s $k" >> "$work/peer.times"
    echo "  $mode run $run: scikit-learn ${s} s, $((k / 1024)) MiB  $(cut -c1-160 "$work/peer.json")"
  done
  kt=$(cut -d' ' -f1 "$work/kam.times" | median); km=$(cut -d' ' -f2 "$work/kam.times" | median)
  pt=$(cut -d' ' -f1 "$work/peer.times" | median); pm=$(cut -d' ' -f2 "$work/peer.times" | median)
  awk -v m="$mode" -v kt="$kt" -v km="$km" -v pt="$pt" -v pm="$pm" 'BEGIN {
    printf "%s: kam %.2f s %d MiB | scikit-learn %.2f s %d MiB | kam is %.2fx faster, uses %.2f of the memory\n",
      m, kt, km / 1024, pt, pm / 1024, pt / kt, km / pm }'
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
