#!/usr/bin/env bash
# kam against the scripts an analyst or an expert would write today, on two data shapes:
#
# - default: `kam generate` lists (thousands separators, 万 units, mixed-case missing codes)
#   scored with models/default.yaml; peers pandas+numpy, polars lazy as an analyst writes it
#   (polars_rank.py), polars lazy tuned as an expert writes it (polars_tuned.py: no per-cell
#   lower-casing, each column parsed once) and DuckDB (one SQL query);
# - plain: plain_list.py lists (an id and 12 plain numbers, the exact missing code NA) scored
#   with plain.yaml (every factor on a batch-relative min-max scale); peers polars
#   (polars_plain.py: typed Float64 columns) and DuckDB (duckdb_plain.py), as experts write them.
#
# Modes: top (kam rank --top 1000 --format csv; peers write their top 1000) and full (plain
# shape only: every row ranked and written as CSV, kam without --top; polars sort + sink_csv,
# DuckDB ORDER BY + COPY). For each shape, mode and size: runs kam and each peer RUNS times
# in alternation, checks that every peer agrees with kam on the top 1000 and the grade
# counts, and prints medians of wall time and peak resident memory, with each peer's ratio
# to kam, and the load average before and after.
#
# Usage (from anywhere): bash Benchmarks/compare/compare.sh [ROWS ...]
#   default sizes 1000000 10000000; RUNS=3 runs per tool; SHAPES="default plain";
#   MODES="top full"; PEERS (default shape) "pandas polars polars_tuned duckdb";
#   PLAIN_PEERS "polars duckdb"; KEEP=1 keeps the generated lists; KAM=path/to/kam uses that
#   (release) binary instead of building one.
# Installs the peers from PyPI into Benchmarks/compare/.venv (gitignored) on first use.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(1000000 10000000)
runs=${RUNS:-3}
shapes=(${SHAPES:-default plain})
modes=(${MODES:-top full})
default_peers=(${PEERS:-pandas polars polars_tuned duckdb})
plain_peers=(${PLAIN_PEERS:-polars duckdb})

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

# Runs one tool once; appends "seconds kilobytes" to $work/<shape>-<mode>-<tool>-<rows>.times.
measure() {
  local shape=$1 mode=$2 tool=$3 rows=$4 list=$5 model=$6
  local out="$work/$shape-$mode-$tool-$rows"
  local top=1000
  [ "$mode" = full ] && top=0
  if [ "$tool" = kam ]; then
    local limit=(--top 1000)
    [ "$mode" = full ] && limit=()
    /usr/bin/time -f "%e %M" -o "$out.time" "$kam" rank "$list" --model "$model" "${limit[@]}" --format csv \
      --output "$out.csv" --rejects "$out.rejects.csv" 2>"$out.stderr"
  else
    local script="${tool}_rank.py"
    [ "$tool" = polars_tuned ] && script=polars_tuned.py
    [ "$shape" = plain ] && script="${tool}_plain.py"
    /usr/bin/time -f "%e %M" -o "$out.time" "$python" "$here/$script" "$list" "$model" "$top" "$out.csv" \
      "$out.json" 2>"$out.stderr"
  fi
  cat "$out.time" >> "$out.times"
}

median() { sort -n | awk '{ values[NR] = $1 } END { print values[int((NR + 1) / 2)] }'; }

echo "$(uname -m), $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo); $versions; $runs alternating runs"
for shape in "${shapes[@]}"; do
  for rows in "${sizes[@]}"; do
    list="$work/$shape-$rows.csv"
    if [ "$shape" = plain ]; then
      "$python" "$here/plain_list.py" "$rows" 1 "$list"
      model="$here/plain.yaml"
      peers=("${plain_peers[@]}")
    else
      "$kam" generate --rows "$rows" --seed 1 --output "$list"
      model="models/default.yaml"
      peers=("${default_peers[@]}")
    fi
    for mode in "${modes[@]}"; do
      [ "$mode" = full ] && [ "$shape" != plain ] && continue
      echo
      what="top 1000"
      [ "$mode" = full ] && what="every row ranked and written as CSV"
      echo "shape=$shape rows=$rows ($(du -h "$list" | cut -f1)), $what; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
      for run in $(seq "$runs"); do
        for tool in kam "${peers[@]}"; do measure "$shape" "$mode" "$tool" "$rows" "$list" "$model"; done
      done
      base="$work/$shape-$mode"
      kam_time=$(cut -d' ' -f1 "$base-kam-$rows.times" | median)
      kam_memory=$(cut -d' ' -f2 "$base-kam-$rows.times" | median)
      printf '| %-12s | %9s | %12s | %14s | %16s | %s\n' tool "median s" "peak MiB" "time vs kam" "memory vs kam" "agreement"
      printf '| %-12s | %9s | %12d | %14s | %16s | %s\n' kam "$kam_time" $((kam_memory / 1024)) "1.0×" "1.0×" "–"
      for tool in "${peers[@]}"; do
        time=$(cut -d' ' -f1 "$base-$tool-$rows.times" | median)
        memory=$(cut -d' ' -f2 "$base-$tool-$rows.times" | median)
        agreement=$("$python" "$here/check.py" "$base-kam-$rows.csv" "$base-kam-$rows.stderr" "$base-$tool-$rows.csv" "$base-$tool-$rows.json" || true)
        printf '| %-12s | %9s | %12d | %14s | %16s | %s\n' "$tool" "$time" $((memory / 1024)) \
          "$(awk -v a="$time" -v b="$kam_time" 'BEGIN { printf "%.2f× (peer/kam)", a / b }')" \
          "$(awk -v a="$memory" -v b="$kam_memory" 'BEGIN { printf "%.2f× (peer/kam)", a / b }')" "$agreement"
      done
      echo "all runs (s KiB): kam $(tr '\n' ' ' < "$base-kam-$rows.times")"
      for tool in "${peers[@]}"; do echo "  $tool $(tr '\n' ' ' < "$base-$tool-$rows.times")"; done
      echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
      rm -f "$base"-*-"$rows".csv
    done
    [ "${KEEP:-0}" = 1 ] || rm -f "$list"
  done
done
