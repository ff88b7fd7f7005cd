"""The scoring rules of a kam model file, for the peer scripts.

Each peer (pandas+numpy, polars lazy, DuckDB) implements kam's rules from the same model
file (models/default.yaml by default), the way an analyst would write them:

- fields: blank or a missing code (ASCII case ignored) is missing; numbers may carry
  thousands separators, `%` in percent columns, and 万/万元/亿/亿元/元 in money columns
  (converted to the column's unit);
- utilities in 0..1 per factor: linear, log, piecewise, categorical (exact label, then
  ignoring case); `direction: decreasing` takes 1 - u;
- missing values by policy: worst (0 on the value side, 1 on the difficulty side),
  neutral (0.5), mean (the mean utility of the accounts that have the value);
- value and difficulty scores: 100 x sum of weight x utility per side (weights normalized
  per side); completeness: the weighted share of present factors, each side weighing 1/2;
- grade: insufficient below minimum_completeness, else the grid cell of the value band
  and the difficulty band (a score equal to a cut is in the band above);
- rank: grade first (A..D, then insufficient), priority = value - penalty x difficulty
  highest first, then account id.

Batch-relative min-max scales are implemented by the plain-shape peers only
(polars_plain.py, duckdb_plain.py); zscore is not implemented here. Rows kam would reject (not a number, unknown category, ...) are
dropped; generated lists (kam generate without --bad-rows) have none.
"""

import json
import math
import sys

import yaml

GRADES = ["A", "B", "C", "D", "insufficient"]
UNITS = {"yuan": 0, "wan": 4, "yi": 8}


class Factor:
    def __init__(self, spec, weight):
        self.id = spec["id"]
        self.column = spec.get("column", self.id)
        self.side = spec["side"]
        self.weight = weight
        self.decreasing = spec.get("direction", "increasing") == "decreasing"
        self.unit = spec.get("unit") or "none"
        self.missing = spec.get("missing", "neutral")
        scale = spec["scale"]
        self.kind = scale["type"]
        if self.kind == "linear":
            self.low, self.high = float(scale["min"]), float(scale["max"])
        elif self.kind == "log":
            self.low, self.high = float(scale["min"]), float(scale["max"])
            self.offset = float(scale.get("offset", 1))
            self.denominator = math.log(self.high - self.low + self.offset)
        elif self.kind == "piecewise":
            self.points = [(float(x), float(u)) for x, u in scale["points"]]
        elif self.kind == "minmax":
            pass  # batch-relative: (x - min) / (max - min) over the list, 0.5 without spread
        elif self.kind == "categorical":
            self.labels = {str(label): float(u) for label, u in scale["map"].items()}
            self.folded = {}
            for label, u in self.labels.items():
                self.folded.setdefault(label.lower(), u)
            # Every ASCII case variant of every label, to match exactly (no lower-casing).
            self.variants = {}
            for label, u in self.labels.items():
                self.variants[label] = u
            for label, u in self.labels.items():
                for variant in case_variants(label):
                    self.variants.setdefault(variant, self.folded[label.lower()])
        else:
            raise SystemExit(f"scale {self.kind} of factor {self.id} is not implemented by the peers")

    def numeric_utility(self, x):
        """Utilities in 0..1 (before `direction`) of the numbers `x` (a numpy array; NaN stays
        NaN) by a linear, log or piecewise scale: piecewise is u0 + t (u1 - u0) between
        points and flat beyond the ends."""
        import numpy as np

        if self.kind == "linear":
            return np.clip((x - self.low) / (self.high - self.low), 0, 1)
        if self.kind == "log":
            clamped = np.minimum(np.maximum(x, self.low), self.high)
            return np.clip(np.log(clamped - self.low + self.offset) / self.denominator, 0, 1)
        xs = np.array([p[0] for p in self.points])
        us = np.array([p[1] for p in self.points])
        segment = np.clip(np.searchsorted(xs, x, side="right") - 1, 0, len(xs) - 2)
        t = (x - xs[segment]) / (xs[segment + 1] - xs[segment])
        u = us[segment] + t * (us[segment + 1] - us[segment])
        return np.where(x <= xs[0], us[0], np.where(x >= xs[-1], us[-1], u))

    @property
    def fill(self):
        """The utility of a missing value (None for the mean policy)."""
        if self.missing == "worst":
            return 0.0 if self.side == "value" else 1.0
        if self.missing in ("neutral", "required"):
            return 0.5
        return None


def case_variants(text):
    """Every spelling of `text` that differs only in ASCII letter case."""
    variants = [""]
    for character in text:
        if character.isascii() and character.isalpha():
            variants = [v + c for v in variants for c in (character.lower(), character.upper())]
        else:
            variants = [v + character for v in variants]
    return variants


class Rules:
    def __init__(self, path):
        with open(path, encoding="utf-8") as handle:
            model = yaml.safe_load(handle)
        specs = model["factors"]
        totals = {}
        for spec in specs:
            totals[spec["side"]] = totals.get(spec["side"], 0.0) + float(spec["weight"])
        self.factors = [Factor(spec, float(spec["weight"]) / totals[spec["side"]]) for spec in specs]
        self.sides = len(totals)
        columns = model.get("columns", {})
        self.id_column = columns.get("id", "account_id")
        codes = [str(code) for code in model.get("missing_codes", ["NA", "N/A", "unknown", "-", "未知", "无"])]
        self.missing_codes = [code.lower() for code in codes]
        # Every ASCII case variant of every code (kam ignores ASCII case): matching these
        # exactly gives the same answer as lower-casing every cell, without doing so.
        self.missing_variants = sorted({variant for code in codes for variant in case_variants(code)})
        grading = model["grading"]
        self.value_cuts = [float(c) for c in grading["value_bands"]["cuts"]]
        self.difficulty_cuts = [float(c) for c in grading["difficulty_bands"]["cuts"]]
        value_names = grading["value_bands"]["names"]
        self.grid = [grading["grid"][name] for name in value_names]
        self.minimum_completeness = float(grading.get("minimum_completeness", 0))
        ranking = grading.get("ranking", {})
        self.penalty = float(ranking.get("difficulty_penalty", 0.5))
        self.grade_first = bool(ranking.get("grade_first", True))
        if ranking.get("key", "priority") != "priority":
            raise SystemExit("the peers implement the ranking key 'priority' only")

    def grade_of_bands(self, value_band, difficulty_band):
        return self.grid[value_band][difficulty_band]


def write_results(path_top, path_counts, top_rows, counts):
    """Writes the top rows (rank, account_id, grade, value, difficulty, priority) and the
    grade counts (JSON)."""
    with open(path_top, "w", encoding="utf-8") as handle:
        handle.write("rank,account_id,grade,value,difficulty,priority\n")
        for rank, (account, grade, value, difficulty, priority) in enumerate(top_rows, start=1):
            handle.write(f"{rank},{account},{grade},{value:.4f},{difficulty:.4f},{priority:.4f}\n")
    with open(path_counts, "w", encoding="utf-8") as handle:
        json.dump({grade: int(counts.get(grade, 0)) for grade in GRADES}, handle)


def arguments():
    """path, model, top, output, counts from the command line."""
    if len(sys.argv) != 6:
        raise SystemExit("usage: PEER.py LIST.csv MODEL.yaml TOP OUTPUT.csv COUNTS.json")
    return sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
