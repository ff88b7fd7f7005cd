#!/usr/bin/env bash
# Writes the golden outputs of `kam rank` that RankWriterGoldenTests compares against.
# Only their SHA-256 sums are kept (golden.sha256). They were made with the writer as it was before the fast writer (commit c66db1c);
# the json sums were made again when the summary gained "constant_factors" (issue 14), the only line that changed,
# and again when missing text cells became null in JSON (issue 20: "name", "industry", "region", "manager" of
# accounts whose cell is blank or a missing code; no other byte changed):
#   KAM=/path/to/that/kam bash make.sh
# Inputs: list.csv (generated, then edited so that names need quoting and formula escapes)
# and three models: the default one, one with batch-relative scales and mean fills, and a
# calibrated one (P(won) column).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../../.." && pwd)"
cd "$here"
kam=${KAM:?set KAM to the kam binary}
if [ ! -f list.csv ]; then
  "$kam" generate --rows 2500 --seed 19 --bad-rows 60 --blank-rate 0.08 --output plain.csv
  python3 - <<'PY'
lines = open("plain.csv", encoding="utf-8").read().split("\n")
out = [lines[0]]
for index, line in enumerate(lines[1:]):
    if not line:
        continue
    fields = line.split(",", 2)
    if len(fields) == 3:
        if index % 13 == 0:
            fields[1] = '"' + fields[1] + ', with ""quotes""\nand a second line"'
        elif index % 17 == 0:
            fields[1] = "=" + fields[1]
        elif index % 19 == 0:
            fields[1] = '"-' + fields[1] + ';x"'
    out.append(",".join(fields))
open("list.csv", "w", encoding="utf-8").write("\n".join(out) + "\n")
PY
  rm plain.csv
fi
python3 - "$root/models/default.yaml" <<'PY'
import sys
text = open(sys.argv[1], encoding="utf-8").read()
relative = text.replace(
    "    scale: {type: linear, min: 0, max: 60}    # 60% of the customer's spend or more is the best case\n    missing: neutral",
    "    scale: {type: minmax}\n    missing: mean").replace(
    "scale: {type: piecewise, points: [[1, 0], [6, 0.4], [12, 0.8], [24, 1]]}",
    "scale: {type: zscore, clip: 2.5}")
assert relative != text
open("relative.yaml", "w", encoding="utf-8").write(relative)
calibrated = text.replace("\nscenarios:", "\ncalibration:\n  method: platt\n  intercept: -1.5\n  slope: 0.04\n\nscenarios:")
assert calibrated != text
open("calibrated.yaml", "w", encoding="utf-8").write(calibrated)
open("default.yaml", "w", encoding="utf-8").write(text)
PY
# name|arguments (the list and --rejects are added)
while IFS='|' read -r name arguments; do
  [ -z "$name" ] && continue
  case "$arguments" in *--model*) ;; *) arguments="$arguments --model default.yaml" ;; esac
  # shellcheck disable=SC2086
  "$kam" rank list.csv $arguments --quiet --rejects "$here/.rejects.tmp" --output "$name.out"
done < variants.txt
rm -f "$here/.rejects.tmp"
# The outputs are large (JSON of every row): only their SHA-256 sums are kept.
sha256sum -- *.out > golden.sha256
rm -f -- *.out
