#!/usr/bin/env bash
# Reading a history: `kam weights fit`'s reading phase (the streaming reader into compact
# columns, from `--timings`) and its utilities phase, against pandas.read_csv of the same
# file (parsing only), alternating runs. Release build.
# Usage: bash Benchmarks/analyst/history-read-vs-pandas.sh HISTORY.csv [RUNS]
#        (run from the repository root; KAM=path to reuse a build; the pandas venv is the
#        one weights-fit-vs-sklearn.sh installs into Benchmarks/analyst/.venv)
set -euo pipefail
history=$1
runs=${2:-3}
kam=${KAM:-.build/release/kam}
python=Benchmarks/analyst/.venv/bin/python
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for run in $(seq "$runs"); do
  "$kam" weights fit "$history" --strength 1 --format json --quiet --timings 2>&1 >/dev/null \
    | grep -E "timing: (reading|utilities)" | sed "s/^/run $run /"
  "$python" -c "import sys, time, pandas as pd; t = time.perf_counter(); pd.read_csv(sys.argv[1]); print('run $run pandas read_csv: %.3f s' % (time.perf_counter() - t))" "$history"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
