#!/usr/bin/env bash
# Re-makes history-shaped.yaml: the model `kam model fit` writes for datasets/history-shaped.csv
# with every column a candidate, no interactions and one smoothing strength, comment lines removed (they hold paths). ModelFitSpeedTests
# compares today's model with it number by number (1e-9 relative). Re-make it only when a
# change to the learner is meant to change the model, and say why in the commit.
#   KAM=path/to/kam (default: .build/debug/kam), run from the package root.
set -euo pipefail
kam=${KAM:-.build/debug/kam}
work=$(mktemp -d)
"$kam" model fit datasets/history-shaped.csv --model models/default.yaml --candidates all --interactions 0 --no-smoothing-per-factor \
  --output "$work/shaped.yaml" --format json --quiet >/dev/null
grep -v '^#' "$work/shaped.yaml" >Tests/KamTests/Snapshots/model-fit-speed/history-shaped.yaml
rm -rf "$work"
