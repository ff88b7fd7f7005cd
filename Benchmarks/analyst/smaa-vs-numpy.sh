#!/usr/bin/env bash
# `kam sensitivity` (SMAA-2) against the vectorized numpy peer (smaa_numpy.py), whole
# command, side by side, alternating runs, medians, ratio, and time per draw × account.
# Usage: bash Benchmarks/analyst/smaa-vs-numpy.sh [ACCOUNTS] [DRAWS] [RUNS] [PEER_THREADS]
#        (default 100000 accounts, 10000 draws, 3 runs, 2 peer threads); from the repository root.
# KAM=path uses that (release) binary; otherwise one is built with -c release. The peer
# needs numpy and pyyaml (python3 -m pip install numpy pyyaml). Model: models/default.yaml
# without its last two factors (12 factors), as Benchmarks/sensitivity-whole-command.sh.
set -euo pipefail
accounts=${1:-100000}
draws=${2:-10000}
runs=${3:-3}
peer_threads=${4:-2}
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/../.."
if [ -z "${KAM:-}" ]; then
  bash .ci/setup
  swift build -c release --product kam >/dev/null
  kam=.build/release/kam
else
  kam=$KAM
fi
python=${PYTHON:-python3}
work=${WORK:-$(mktemp -d)}
awk '/^  - id: inside_contact/ { skip = 1 } /^grading:/ { skip = 0 } !skip' models/default.yaml > "$work/model12.yaml"
list="$work/list-$accounts.csv"
[ -f "$list" ] || "$kam" generate --rows "$accounts" --seed 1 --output "$list"
echo "accounts=$accounts draws=$draws runs=$runs peer threads=$peer_threads load average: $(cut -d' ' -f1-3 /proc/loadavg)"
"$python" -c 'import numpy; print(f"numpy {numpy.__version__}")'
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }
: > "$work/kam.times"; : > "$work/peer.times"
for run in $(seq "$runs"); do
  /usr/bin/time -f "%e %U %M" -o "$work/t" "$kam" sensitivity "$list" --model "$work/model12.yaml" --samples "$draws" --top 20 \
    --seed "$run" --format csv --output "$work/kam.csv" --quiet
  read -r s u k < "$work/t"; echo "$s $k" >> "$work/kam.times"
  echo "  run $run: kam ${s} s (user ${u} s), $((k / 1024)) MiB, load $(cut -d' ' -f1 /proc/loadavg)"
  /usr/bin/time -f "%e %U %M" -o "$work/t" "$python" "$here/smaa_numpy.py" "$list" "$work/model12.yaml" "$draws" 20 "$run" \
    "$peer_threads" "$work/peer.csv" 2> "$work/peer.log"
  read -r s u k < "$work/t"; echo "$s $k" >> "$work/peer.times"
  echo "  run $run: numpy ${s} s (user ${u} s), $((k / 1024)) MiB  $(tail -1 "$work/peer.log")"
done
kt=$(cut -d' ' -f1 "$work/kam.times" | median); km=$(cut -d' ' -f2 "$work/kam.times" | median)
pt=$(cut -d' ' -f1 "$work/peer.times" | median); pm=$(cut -d' ' -f2 "$work/peer.times" | median)
awk -v kt="$kt" -v km="$km" -v pt="$pt" -v pm="$pm" -v n="$accounts" -v m="$draws" 'BEGIN {
  printf "kam %.2f s %d MiB (%.1f ns per draw x account) | numpy %.2f s %d MiB (%.1f ns) | kam is %.2fx faster\n",
    kt, km / 1024, 1e9 * kt / (n * m), pt, pm / 1024, 1e9 * pt / (n * m), pt / kt }'
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
