"""The optbinning peer of `kam model fit --candidates all` (issue 8's benchmark).

    python optbinning_peer.py TRAIN TEST [--json FILE]

Reads a history written by `kam generate --outcomes` the way an analyst would with pandas
(missing codes to NaN; '1,800', '1800万', '35%' to numbers), fits optbinning's
BinningProcess on every candidate column (categorical ones declared as such; defaults
otherwise: optimal binning with the CP solver from OR-Tools, monotonic trend 'auto') and a
scikit-learn LogisticRegression(max_iter=1000) on the weight-of-evidence features, then
reports AUC, Brier score, log loss and ECE (10 equal-width bins) on TEST.

Candidates: every column but `account_id`, `name` (identifiers), `outcome` (the target)
and `followup_status` (the planted leak, written after the outcome, which `kam model fit`
flags and leaves out). The whole run, reading included, is what the benchmark times.
"""

import json
import sys
import time

import numpy as np
import pandas as pd
from optbinning import BinningProcess
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score

MISSING = ["", "unknown", "NA", "-", "未知"]
CATEGORICAL = ["industry", "region", "manager", "credit_rating", "inside_contact",
               "payment_record", "parent_group", "industry_benchmark"]
NUMERIC = ["stage", "annual_ad_budget", "expected_share", "strategic_importance",
           "service_fit", "expected_margin", "development_cost", "deal_risk",
           "incumbent_strength", "payment_delay_days", "tech_difficulty",
           "decision_cycle_months", "support_balance", "deal_value",
           "cumulative_consumption", "largest_contract", "referrals_signed"]


def read(path):
    frame = pd.read_csv(path, dtype=str, na_values=MISSING, keep_default_na=False)
    for column in NUMERIC:
        text = frame[column].str.replace(",", "", regex=False).str.rstrip("万%")
        frame[column] = pd.to_numeric(text, errors="coerce")
    # An empty parent_group means "no parent group", not missing information.
    frame["parent_group"] = frame["parent_group"].fillna("(none)")
    y = frame["outcome"].eq("won").astype(int).to_numpy()
    return frame[CATEGORICAL + NUMERIC], y


def expected_calibration_error(y, p, bins=10):
    index = np.minimum((p * bins).astype(int), bins - 1)
    return sum((index == b).sum() / len(p) * abs(y[index == b].mean() - p[index == b].mean())
               for b in range(bins) if (index == b).any())


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(64)
    started = time.perf_counter()
    x_train, y_train = read(argv[0])
    x_test, y_test = read(argv[1])
    read_seconds = time.perf_counter() - started
    binning = BinningProcess(variable_names=CATEGORICAL + NUMERIC,
                             categorical_variables=CATEGORICAL)
    binning.fit(x_train, y_train)
    woe_train = binning.transform(x_train, metric="woe")
    model = LogisticRegression(max_iter=1000).fit(woe_train, y_train)
    fit_seconds = time.perf_counter() - started - read_seconds
    p = model.predict_proba(binning.transform(x_test, metric="woe"))[:, 1]
    result = {
        "model": "optbinning + sklearn LR",
        "train_rows": len(y_train), "test_rows": len(y_test),
        "auc": roc_auc_score(y_test, p), "brier": brier_score_loss(y_test, p),
        "log_loss": log_loss(y_test, p), "ece": expected_calibration_error(y_test, p),
        "read_seconds": read_seconds, "fit_seconds": fit_seconds,
        "information_value": {name: float(iv) for name, iv in
                              binning.summary().set_index("name")["iv"].items()},
    }
    print(f"optbinning: AUC {result['auc']:.4f}, Brier {result['brier']:.4f}, "
          f"log loss {result['log_loss']:.4f}, ECE {result['ece']:.4f} "
          f"(read {read_seconds:.1f} s, fit {fit_seconds:.1f} s)", file=sys.stderr)
    if "--json" in argv:
        with open(argv[argv.index("--json") + 1], "w") as handle:
            json.dump(result, handle, indent=1)


if __name__ == "__main__":
    main(sys.argv[1:])
