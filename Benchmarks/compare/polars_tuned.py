"""polars_rank.py as a polars expert would write it (the same answers): missing codes and
category labels matched exactly against every ASCII case variant (no per-cell
lower-casing), and each column cleaned and parsed once into its own column before the
utilities use it (no expression inlined repeatedly). Usage: polars_tuned.py LIST.csv
MODEL.yaml TOP OUTPUT.csv COUNTS.json"""

import polars as pl

from rules import GRADES, UNITS, Rules, arguments, write_results

path, model_path, top, output, counts_path = arguments()
rules = Rules(model_path)
codes = rules.missing_codes


variants = rules.missing_variants + [""]


def missing(column):
    raw = pl.col(column)
    return raw.is_null() | raw.is_in(variants)


def number(column, unit):
    text = pl.col(column).str.replace_all(",", "", literal=True)
    scale = pl.lit(1.0)
    if unit == "percent":
        text = text.str.strip_suffix("%")
    elif unit in UNITS:
        stripped, factor = text, pl.lit(1.0)
        for suffix, exponent in (("万元", 4), ("亿元", 8), ("万", 4), ("亿", 8), ("元", 0)):
            has = text.str.ends_with(suffix)
            stripped = pl.when(has).then(text.str.strip_suffix(suffix)).otherwise(stripped)
            factor = pl.when(has).then(pl.lit(10.0 ** (exponent - UNITS[unit]))).otherwise(factor)
        text, scale = stripped, factor
    return text.cast(pl.Float64, strict=False) * scale


def utility(factor):
    if factor.kind == "categorical":
        u = pl.col(factor.column).replace_strict(factor.variants, default=None, return_dtype=pl.Float64)
    else:
        x = pl.col(f"x{factor.id}")
        if factor.kind == "linear":
            u = ((x - factor.low) / (factor.high - factor.low)).clip(0, 1)
        elif factor.kind == "log":
            clamped = x.clip(factor.low, factor.high)
            u = ((clamped - factor.low + factor.offset).log() / factor.denominator).clip(0, 1)
        else:
            points = factor.points
            u = pl.when(x <= points[0][0]).then(points[0][1])
            for (x0, u0), (x1, u1) in zip(points, points[1:]):
                u = u.when(x < x1).then(u0 + (x - x0) / (x1 - x0) * (u1 - u0))
            u = u.otherwise(points[-1][1])
    return (1 - u) if factor.decreasing else u


frame = pl.scan_csv(path, infer_schema=False)
# Each numeric column parsed once, into its own column.
frame = frame.with_columns(
    [number(f.column, f.unit).alias(f"x{f.id}") for f in rules.factors if f.kind != "categorical"])
parts = []
for index, factor in enumerate(rules.factors):
    parts += [utility(factor).alias(f"u{index}"), (~missing(factor.column)).alias(f"p{index}")]
scored = frame.select([pl.col(rules.id_column).alias("account_id")] + parts)
# Rows kam would reject: a present value that is not a number or label, or a required one missing.
bad = pl.lit(False)
for index, factor in enumerate(rules.factors):
    bad = bad | (pl.col(f"p{index}") & pl.col(f"u{index}").is_null())
    if factor.missing == "required":
        bad = bad | ~pl.col(f"p{index}")
scored = scored.filter(~bad)
value, difficulty, completeness = pl.lit(0.0), pl.lit(0.0), pl.lit(0.0)
for index, factor in enumerate(rules.factors):
    u, has = pl.col(f"u{index}"), pl.col(f"p{index}")
    fill = pl.lit(factor.fill) if factor.fill is not None else u.filter(has).mean().fill_null(0.5)
    u = pl.when(has).then(u).otherwise(fill)
    if factor.side == "value":
        value = value + 100 * factor.weight * u
    else:
        difficulty = difficulty + 100 * factor.weight * u
    completeness = completeness + pl.when(has).then(factor.weight / rules.sides).otherwise(0.0)


def band(score, cuts):
    result = pl.lit(0)
    for cut in cuts:
        result = result + (score >= cut).cast(pl.Int32)
    return result


scored = scored.with_columns(value=value, difficulty=difficulty, completeness=pl.min_horizontal(completeness, 1.0))
grade = None
for v, row in enumerate(rules.grid):
    for d, letter in enumerate(row):
        condition = (band(pl.col("value"), rules.value_cuts) == v) & (band(pl.col("difficulty"), rules.difficulty_cuts) == d)
        grade = (pl.when(condition) if grade is None else grade.when(condition)).then(GRADES.index(letter))
grade = pl.when(pl.col("completeness") < rules.minimum_completeness).then(4).otherwise(grade.otherwise(4))
scored = scored.with_columns(grade=grade, priority=pl.col("value") - rules.penalty * pl.col("difficulty"))
by = (["grade"] if rules.grade_first else []) + ["priority", "account_id"]
descending = ([False] if rules.grade_first else []) + [True, False]
ranked = scored.sort(by, descending=descending).head(top).select("account_id", "grade", "value", "difficulty", "priority")
counts = scored.group_by("grade").len()
ranked, counts = pl.collect_all([ranked, counts])
write_results(
    output, counts_path,
    [(a, GRADES[g], v, d, p) for a, g, v, d, p in ranked.iter_rows()],
    {GRADES[g]: n for g, n in counts.iter_rows()})
