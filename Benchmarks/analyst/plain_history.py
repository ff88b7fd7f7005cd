"""A plain numeric won/lost history for `weights-fit-vs-sklearn.sh` (HISTORY=, MODEL=): the
columns of ../compare/plain_list.py's list plus an `outcome` (1/0) drawn from a known
logistic model of the factors scaled to 0..1 by the list's own min and max (missing: 0.5),
and a model file with those fixed linear scales (../compare/plain.yaml with `linear`
instead of the batch-relative `minmax`, which the peer does not implement).

Usage: plain_history.py LIST.csv HISTORY.csv MODEL.yaml SEED"""

import re
import sys

import numpy as np
import polars as pl

source, history, model, seed = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
frame = pl.read_csv(source, null_values=["NA"])
generator = np.random.default_rng(seed)
# Value factors raise the chance of winning, difficulty factors lower it.
coefficients = [1.5, 1.0, 0.8, 0.6, 0.4, 0.2, -1.2, -0.8, -0.6, -0.4, -0.2, -0.1]
eta = np.full(len(frame), -0.5)
ranges = {}
for index, coefficient in enumerate(coefficients):
    column = f"f{index + 1:02d}"
    x = frame[column].cast(pl.Float64).to_numpy()
    low, high = np.nanmin(x), np.nanmax(x)
    ranges[column] = (low, high)
    eta += coefficient * np.where(np.isnan(x), 0.5, (x - low) / (high - low))
won = generator.random(len(frame)) < 1 / (1 + np.exp(-eta))
frame.with_columns(pl.Series("outcome", np.where(won, "1", "0"))).write_csv(history, null_value="NA", float_precision=None)

here = __file__.rsplit("/", 2)[0]
text = open(f"{here}/compare/plain.yaml", encoding="utf-8").read().replace("name: plain-minmax", "name: plain-linear")


def linear(match):
    low, high = ranges[match.group(1)]
    return match.group(0).replace("scale: {type: minmax}", f"scale: {{type: linear, min: {low}, max: {high}}}")


with open(model, "w", encoding="utf-8") as handle:
    handle.write(re.sub(r"\{id: (f\d\d),[^\n]*\}", linear, text))
