#!/usr/bin/env bash
# kam against the scripts an analyst would write today: pandas+numpy, polars (lazy) and
# DuckDB (one SQL query), on the same generated lists and with the same scoring rules
# (models/default.yaml; see rules.py). For each size: generates the list with `kam generate
# --seed 1`, runs kam and each peer RUNS times in alternation (`kam rank --top 1000 --format
# csv`; the peers write their top 1000 too), checks that every peer agrees with kam on the
# top 1000 and the grade counts, and prints medians of wall time and peak resident memory,
# with each peer's ratio to kam.
#
# Usage (from anywhere): bash Benchmarks/compare/compare.sh [ROWS ...]
#   default sizes 1000000 10000000; RUNS=3 (environment) runs per tool and size;
#   PEERS="pandas polars duckdb" to choose peers; KEEP=1 keeps the generated lists;
#   KAM=path/to/kam uses that (release) binary instead of building one.
# Installs the peers from PyPI into Benchmarks/compare/.venv (gitignored) on first use.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(1000000 10000000)
runs=${RUNS:-3}
peers=(${PEERS:-pandas polars duckdb})

if [ -n "${KAM:-}" ]; then
  kam="$KAM"  # a kam binary built elsewhere (release)
else
  bash .ci/setup
  swift build -c release --product kam >/dev/null
  kam="$root/.build/release/kam"
fi
if [ ! -x "$here/.venv/bin/python" ]; then
  echo "Installing the peers into Benchmarks/compare/.venv…" >&2
  python3 -m venv "$here/.venv"
  "$here/.venv/bin/pip" install -q "polars==2.1.0" "duckdb==2.0.1" "pandas==3.1.1" "numpy==2.4.6" "pyyaml==6.0.4"
fi
python="$here/.venv/bin/python"
versions=$("$python" -c 'import polars, duckdb, pandas, numpy; print(f"pandas {pandas.__version__}, numpy {numpy.__version__}, polars {polars.__version__}, duckdb {duckdb.__version__}")')
work=$(mktemp -d)
trap '[ "${KEEP:-0}" = 1 ] || rm -rf "$work"' EXIT

# Runs one tool once; appends "seconds kilobytes" to $work/<tool>-<rows>.times.
measure() {
  local tool=$1 rows=$2 list=$3
  local out="$work/$tool-$rows"
  if [ "$tool" = kam ]; then
    /usr/bin/time -f "%e %M" -o "$out.time" "$kam" rank "$list" --top 1000 --format csv \
      --output "$out.csv" --rejects "$out.rejects.csv" 2>"$out.stderr"
  else
    /usr/bin/time -f "%e %M" -o "$out.time" "$python" "$here/${tool}_rank.py" "$list" \
      models/default.yaml 1000 "$out.csv" "$out.json" 2>"$out.stderr"
  fi
  cat "$out.time" >> "$out.times"
}

median() { sort -n | awk '{ values[NR] = $1 } END { print values[int((NR + 1) / 2)] }'; }

echo "$(uname -m), $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo); $versions; $runs alternating runs"
for rows in "${sizes[@]}"; do
  list="$work/list-$rows.csv"
  "$kam" generate --rows "$rows" --seed 1 --output "$list"
  echo
  echo "rows=$rows ($(du -h "$list" | cut -f1)), kam rank --top 1000 --format csv vs peers writing their top 1000"
  for run in $(seq "$runs"); do
    for tool in kam "${peers[@]}"; do measure "$tool" "$rows" "$list"; done
  done
  kam_time=$(cut -d' ' -f1 "$work/kam-$rows.times" | median)
  kam_memory=$(cut -d' ' -f2 "$work/kam-$rows.times" | median)
  printf '| %-7s | %9s | %12s | %14s | %16s | %s\n' tool "median s" "peak MiB" "time vs kam" "memory vs kam" "agreement"
  printf '| %-7s | %9s | %12d | %14s | %16s | %s\n' kam "$kam_time" $((kam_memory / 1024)) "1.0×" "1.0×" "–"
  for tool in "${peers[@]}"; do
    time=$(cut -d' ' -f1 "$work/$tool-$rows.times" | median)
    memory=$(cut -d' ' -f2 "$work/$tool-$rows.times" | median)
    agreement=$("$python" "$here/check.py" "$work/kam-$rows.csv" "$work/kam-$rows.stderr" "$work/$tool-$rows.csv" "$work/$tool-$rows.json" || true)
    printf '| %-7s | %9s | %12d | %14s | %16s | %s\n' "$tool" "$time" $((memory / 1024)) \
      "$(awk -v a="$time" -v b="$kam_time" 'BEGIN { printf "%.1f× slower", a / b }')" \
      "$(awk -v a="$memory" -v b="$kam_memory" 'BEGIN { printf "%.1f× more", a / b }')" "$agreement"
  done
  [ "${KEEP:-0}" = 1 ] || rm -f "$list"
done
