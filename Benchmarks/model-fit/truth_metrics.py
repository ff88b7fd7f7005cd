"""The held-out metrics of the known truth itself (the ceiling no learner can beat on
average): P(won) = σ(η) of Sources/ScoringIO/Generation/ShapedHistoryTruth.swift,
recomputed here from each row's text.

    python truth_metrics.py TEST.csv [--json FILE]

Keep the effects below in step with ShapedHistoryTruth (its doc comment has the table).
"""

import json
import sys

import numpy as np
import pandas as pd
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score

from optbinning_peer import MISSING, expected_calibration_error

INTERCEPT = -1.5
INDUSTRY = {"ecommerce": 0.5, "gaming": 0.3, "finance": -0.3, "real_estate": -0.4,
            "manufacturing": -0.6, "satellite": 1.0}
CREDIT = {"AAA": 0.2, "AA": 0.2, "A": 0.2, "CCC": -0.4, "CC": -0.4, "C": -0.4}


def number(frame, column):
    text = frame[column].str.replace(",", "", regex=False).str.rstrip("万%")
    return pd.to_numeric(text, errors="coerce")


def main(argv):
    frame = pd.read_csv(argv[0], dtype=str, na_values=MISSING, keep_default_na=False)
    cycle = number(frame, "decision_cycle_months")
    budget = number(frame, "annual_ad_budget")
    eta = np.full(len(frame), INTERCEPT)
    eta += np.where(cycle < 3, 0.6, np.where(cycle >= 9, -0.8, 0.0))  # NaN compares false: 0
    eta += np.nan_to_num(0.9 * np.log10(1 + budget / 100), nan=0.0)
    eta += frame["industry"].map(INDUSTRY).fillna(0).to_numpy()
    eta += np.where(frame["credit_rating"].isna(), -0.7, frame["credit_rating"].map(CREDIT).fillna(0))
    eta += np.where(frame["inside_contact"] == "yes", 0.5, 0.0)
    eta += np.nan_to_num(0.3 * number(frame, "support_balance"), nan=0.0)
    eta += np.nan_to_num(-0.25 * (number(frame, "deal_risk") - 3), nan=0.0)
    eta += np.nan_to_num(0.25 * (number(frame, "stage") - 3), nan=0.0)
    eta += np.nan_to_num(-0.01 * number(frame, "payment_delay_days"), nan=0.0)
    p = 1 / (1 + np.exp(-eta))
    y = frame["outcome"].eq("won").astype(int).to_numpy()
    result = {"model": "known truth σ(η) (ceiling)", "auc": roc_auc_score(y, p),
              "brier": brier_score_loss(y, p), "log_loss": log_loss(y, p),
              "ece": expected_calibration_error(y, p)}
    print(f"truth: AUC {result['auc']:.4f}, Brier {result['brier']:.4f}", file=sys.stderr)
    if "--json" in argv:
        json.dump(result, open(argv[argv.index("--json") + 1], "w"), indent=1)


if __name__ == "__main__":
    main(sys.argv[1:])
