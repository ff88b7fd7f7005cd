"""kam's scoring rules in pandas + numpy (see rules.py): read, clean, score, grade, rank,
write the top K. Usage: pandas_rank.py LIST.csv MODEL.yaml TOP OUTPUT.csv COUNTS.json"""

import numpy as np
import pandas as pd

from pandas_columns import text_utilities
from rules import GRADES, Rules, arguments, write_results

path, model_path, top, output, counts_path = arguments()
rules = Rules(model_path)
columns = [rules.id_column] + sorted({factor.column for factor in rules.factors})
frame = pd.read_csv(path, dtype=str, usecols=columns, keep_default_na=False, na_filter=False)
rows = len(frame)
codes = set(rules.missing_codes)


rejected = np.zeros(rows, dtype=bool)
utilities = []
present = []
for factor in rules.factors:
    u, missing, unreadable = text_utilities(factor, frame[factor.column], codes)
    rejected |= unreadable
    if factor.decreasing:
        u = 1 - u
    if factor.missing == "required":
        rejected |= missing
    utilities.append(u)
    present.append(~missing)

keep = ~rejected
value = np.zeros(rows)
difficulty = np.zeros(rows)
completeness = np.zeros(rows)
for factor, u, has in zip(rules.factors, utilities, present):
    fill = factor.fill if factor.fill is not None else (u[has & keep].mean() if (has & keep).any() else 0.5)
    u = np.where(has, u, fill)
    if factor.side == "value":
        value += 100 * factor.weight * u
    else:
        difficulty += 100 * factor.weight * u
    completeness += np.where(has, factor.weight / rules.sides, 0)
completeness = np.minimum(completeness, 1)

value_band = np.searchsorted(rules.value_cuts, value, side="right")
difficulty_band = np.searchsorted(rules.difficulty_cuts, difficulty, side="right")
grid = np.array([[GRADES.index(g) for g in row] for row in rules.grid])
grade = np.where(completeness < rules.minimum_completeness, 4, grid[value_band, difficulty_band])
priority = value - rules.penalty * difficulty

result = pd.DataFrame({
    "account_id": frame[rules.id_column], "grade": grade, "value": value, "difficulty": difficulty,
    "priority": priority,
})[keep]
by = (["grade"] if rules.grade_first else []) + ["priority", "account_id"]
ascending = ([True] if rules.grade_first else []) + [False, True]
ranked = result.sort_values(by, ascending=ascending, kind="stable").head(top)
counts = result["grade"].value_counts()
write_results(
    output, counts_path,
    [(a, GRADES[g], v, d, p) for a, g, v, d, p in ranked.itertuples(index=False, name=None)],
    {GRADES[g]: n for g, n in counts.items()})
