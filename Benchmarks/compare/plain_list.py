"""Writes the comparison's second data shape: a plain numeric prospect list that nobody
tuned kam to. An id (P-0000001…) and twelve numeric columns f01..f12: integers 1-5, amounts
with two decimals, percentages as plain numbers; about 3% of cells are the missing code
"NA" (exact case). No thousands separators, no units, no quoting.
Usage: plain_list.py ROWS SEED OUTPUT.csv (deterministic for a seed)."""

import sys

import numpy as np
import polars as pl

rows, seed, output = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
generator = np.random.default_rng(seed)
columns = {"account_id": pl.Series([f"P-{i:07d}" for i in range(1, rows + 1)])}
for index in range(12):
    kind = index % 3
    if kind == 0:
        values = generator.integers(1, 6, rows).astype(np.float64)
    elif kind == 1:
        values = np.round(generator.lognormal(5, 1.2, rows), 2)
    else:
        values = np.round(generator.uniform(0, 100, rows), 1)
    missing = generator.random(rows) < 0.03
    series = pl.Series(values)
    if kind == 0:
        series = series.cast(pl.Int64)
    columns[f"f{index + 1:02d}"] = pl.select(pl.when(pl.lit(pl.Series(missing))).then(None).otherwise(series)).to_series()
frame = pl.DataFrame(columns)
frame.write_csv(output, null_value="NA", float_precision=None)
