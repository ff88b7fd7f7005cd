# Sourced by bank.sh and optbinning.sh: finds or builds a release kam ($kam), installs the
# Python peers into Benchmarks/model-fit/.venv (gitignored) on first use ($python), and
# says whether this kam has `model fit` ($kam_has_fit = 1 or 0).
#   KAM=path/to/kam uses that (release) binary instead of building one.
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
if [ -n "${KAM:-}" ]; then
  kam="$KAM"
else
  bash .ci/setup
  swift build -c release --product kam >/dev/null
  kam="$root/.build/release/kam"
fi
if [ ! -x "$here/.venv/bin/python" ]; then
  echo "Installing the peers into Benchmarks/model-fit/.venv…" >&2
  python3 -m venv "$here/.venv"
  # optbinning brings OR-Tools (its CP-SAT solver) from PyPI as a wheel.
  "$here/.venv/bin/pip" install -q "scikit-learn==1.9.1" "pandas==3.1.1" "numpy==2.4.6" \
    "optbinning==1.0.0" "ortools==9.15.6755" interpret
fi
python="$here/.venv/bin/python"
versions=$("$python" -c 'import sklearn, optbinning, ortools, pandas, numpy; print(f"scikit-learn {sklearn.__version__}, optbinning {optbinning.__version__}, ortools {ortools.__version__}, pandas {pandas.__version__}, numpy {numpy.__version__}")')
# (The help is captured first: `grep -q` closing the pipe early would fail it under pipefail.)
fit_help=$("$kam" model fit --help 2>/dev/null || true)
if [[ "$fit_help" == *--candidates* ]]; then kam_has_fit=1; else kam_has_fit=0; fi
