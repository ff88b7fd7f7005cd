"""The peer of `kam weights fit`: pandas reads the history, numpy computes the factor
utilities exactly as kam's rules say (../compare/rules.py, as the ranking peers do), and
scikit-learn fits L2-regularized logistic regressions with solver="newton-cholesky".

Usage: sklearn_weights_fit.py HISTORY.csv MODEL.yaml fixed STRENGTH
       sklearn_weights_fit.py HISTORY.csv MODEL.yaml cv

fixed: the same fits `kam weights fit --strength STRENGTH` runs: the calibration of the
  current score on all outcomes, the final fit (C = 1/STRENGTH), and for each of 5
  stratified folds the calibration of the current score on its training rows, the fit on
  its training rows and the calibration of the proposed weights' score (one-variable fits
  with C = 1e6, kam's ridge of 1e-6), each predicting its held-out fold.
cv: LogisticRegressionCV over kam's strength grid (Cs = 1/λ), 5 stratified folds,
  scoring by log loss, refitted on all outcomes at the chosen strength.

scikit-learn shrinks toward zero (kam shrinks toward the model's weights by default:
an offset the solver does not take); the work per fit is the same.
Prints a JSON line with the seconds per phase and the final coefficients.
"""

import json
import os
import sys
import time

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression, LogisticRegressionCV
from sklearn.model_selection import StratifiedKFold

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "compare"))
from pandas_columns import text_utilities  # noqa: E402
from rules import Rules  # noqa: E402

GRID = [0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30, 100, 300, 1000]
WON = {"won", "win", "w", "1", "yes", "true", "赢", "赢单", "成交", "签约", "已签约"}
LOST = {"lost", "lose", "loss", "l", "0", "no", "false", "dropped", "输", "输单", "丢单", "失败", "未成交", "放弃"}

start = time.perf_counter()
path, model_path, mode = sys.argv[1], sys.argv[2], sys.argv[3]
strength = float(sys.argv[4]) if mode == "fixed" else None
rules = Rules(model_path)
columns = sorted({factor.column for factor in rules.factors} | {"outcome"})
codes = set(rules.missing_codes)
# A plain numeric history (no units, no categories; missing codes in the file's own case)
# is read as numbers by pandas' C parser, as an expert would; any other shape is read as
# text and converted below (thousands separators, units, missing codes in any case).
plain = all(f.kind != "categorical" and f.unit == "none" for f in rules.factors)
if plain:
    numeric = {f.column: float for f in rules.factors}
    frame = pd.read_csv(path, usecols=columns, dtype={**numeric, "outcome": str}, na_values=["", *rules.missing_variants],
                        keep_default_na=False)
else:
    frame = pd.read_csv(path, dtype=str, usecols=columns, keep_default_na=False, na_filter=False)
rows = len(frame)


rejected = np.zeros(rows, dtype=bool)
utilities, present = [], []
for factor in rules.factors:
    if plain:
        x = frame[factor.column].to_numpy(dtype=float)
        missing = np.isnan(x)
        u = factor.numeric_utility(x)
    else:
        u, missing, unreadable = text_utilities(factor, frame[factor.column], codes)
        rejected |= unreadable
    if factor.decreasing:
        u = 1 - u
    if factor.missing == "required":
        rejected |= missing
    utilities.append(u)
    present.append(~missing)
keep = ~rejected
matrix = np.empty((rows, len(rules.factors)))
for j, (factor, u, has) in enumerate(zip(rules.factors, utilities, present)):
    fill = factor.fill if factor.fill is not None else (u[has & keep].mean() if (has & keep).any() else 0.5)
    matrix[:, j] = np.where(has, u, fill)
word = frame["outcome"].fillna("").str.strip().str.lower()
won = word.isin(WON).to_numpy()
decided = keep & (won | word.isin(LOST).to_numpy())
X = np.ascontiguousarray(matrix[decided])
y = won[decided].astype(float)
read_seconds = time.perf_counter() - start

expert = np.array([100 * f.weight if f.side == "value" else -100 * rules.penalty * f.weight for f in rules.factors])
fit_start = time.perf_counter()
iterations = []


def fit(features, outcomes, c):
    model = LogisticRegression(C=c, solver="newton-cholesky", max_iter=100)
    model.fit(features, outcomes)
    iterations.append(int(model.n_iter_[0]))
    return model


if mode == "fixed":
    fit((X @ expert)[:, None], y, 1e6)
    final = fit(X, y, 1 / strength)
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=1)
    fitted = np.empty(len(y))
    for train, test in folds.split(X, y):
        Xt, yt = X[train], y[train]
        fit((Xt @ expert)[:, None], yt, 1e6)
        model = fit(Xt, yt, 1 / strength)
        fitted[test] = model.predict_proba(X[test])[:, 1]
        beta = model.coef_[0]
        proposed = np.where(expert > 0, np.maximum(beta, 0), np.maximum(-beta, 0) * rules.penalty)
        fit((Xt @ proposed)[:, None], yt, 1e6)
    coefficients = final.coef_[0].tolist()
    chosen = strength
else:
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=1)
    model = LogisticRegressionCV(
        Cs=[1 / s for s in GRID], cv=folds, solver="newton-cholesky", scoring="neg_log_loss", max_iter=100)
    model.fit(X, y)
    coefficients = model.coef_[0].tolist()
    chosen = 1 / float(model.C_[0])
fit_seconds = time.perf_counter() - fit_start
print(json.dumps({
    "rows": int(len(y)), "read_seconds": round(read_seconds, 3), "fit_seconds": round(fit_seconds, 3),
    "fits": len(iterations), "iterations": iterations, "strength": chosen,
    "coefficients": [round(c, 6) for c in coefficients]}))
