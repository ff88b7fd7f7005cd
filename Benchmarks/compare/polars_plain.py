"""The plain-numeric shape (plain_list.py, plain.yaml) as a polars expert would write it:
typed numeric columns read as Float64 with the exact missing code as null, min-max
utilities from each column's own min and max, one lazy query. TOP > 0 writes the top TOP
rows; TOP = 0 writes every row in rank order (sort + sink_csv, with each factor's points).
Usage: polars_plain.py LIST.csv MODEL.yaml TOP OUTPUT.csv COUNTS.json"""

import json
import sys

import polars as pl

from rules import GRADES, Rules

path, model_path, top, output, counts_path = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
rules = Rules(model_path)
columns = [factor.column for factor in rules.factors]
frame = pl.scan_csv(
    path, schema_overrides={rules.id_column: pl.String} | {c: pl.Float64 for c in columns},
    null_values=rules.missing_variants)

utilities, presence = [], []
for index, factor in enumerate(rules.factors):
    x = pl.col(factor.column)
    low = x.min()
    span = x.max() - low
    u = pl.when(span > 0).then(((x - low) / span).clip(0, 1)).otherwise(0.5)
    fill = factor.fill if factor.fill is not None else 0.5
    utilities.append(pl.when(x.is_not_null()).then(u).otherwise(fill).alias(f"u{index}"))
    presence.append(x.is_not_null().alias(f"p{index}"))
scored = frame.select([pl.col(rules.id_column).alias("account_id")] + utilities + presence)
points = [(100 * f.weight * pl.col(f"u{i}")).alias(f"points_{f.id}") for i, f in enumerate(rules.factors)]
scored = scored.with_columns(points)
value = pl.sum_horizontal([pl.col(f"points_{f.id}") for f in rules.factors if f.side == "value"])
difficulty = pl.sum_horizontal([pl.col(f"points_{f.id}") for f in rules.factors if f.side == "difficulty"])
completeness = pl.sum_horizontal(
    [pl.when(pl.col(f"p{i}")).then(f.weight / rules.sides).otherwise(0.0) for i, f in enumerate(rules.factors)])
scored = scored.with_columns(value=value, difficulty=difficulty, completeness=pl.min_horizontal(completeness, 1.0))


def band(score, cuts):
    return pl.sum_horizontal([(score >= cut).cast(pl.Int32) for cut in cuts])


value_band, difficulty_band = band(pl.col("value"), rules.value_cuts), band(pl.col("difficulty"), rules.difficulty_cuts)
scored = scored.with_columns(vb=value_band, db=difficulty_band)
grade = None
for v, row in enumerate(rules.grid):
    for d, letter in enumerate(row):
        condition = (pl.col("vb") == v) & (pl.col("db") == d)
        grade = (pl.when(condition) if grade is None else grade.when(condition)).then(GRADES.index(letter))
grade = pl.when(pl.col("completeness") < rules.minimum_completeness).then(4).otherwise(grade.otherwise(4))
scored = scored.with_columns(grade=grade, priority=pl.col("value") - rules.penalty * pl.col("difficulty"))
by = (["grade"] if rules.grade_first else []) + ["priority", "account_id"]
descending = ([False] if rules.grade_first else []) + [True, False]
ranked = scored.sort(by, descending=descending)
letters = pl.Series(GRADES)
shown = ranked.select(
    pl.int_range(1, pl.len() + 1).alias("rank"), "account_id",
    pl.col("grade").replace_strict(list(range(5)), GRADES).alias("grade"),
    "value", "difficulty", "priority", "completeness", *[f"points_{f.id}" for f in rules.factors])
counts = scored.group_by("grade").len()
if top > 0:
    shown, counts = pl.collect_all([shown.head(top), counts])
    shown.write_csv(output, float_precision=4)
else:
    counts = counts.collect()
    shown.sink_csv(output, float_precision=4)
with open(counts_path, "w", encoding="utf-8") as handle:
    found = {GRADES[g]: n for g, n in counts.iter_rows()}
    json.dump({grade: int(found.get(grade, 0)) for grade in GRADES}, handle)
