"""Prints one table of held-out metrics: the peers' (from bank_peers.py or optbinning_peer.py
--json) and kam's (from `kam model fit ... --format json`).

    python table.py [--kam KAM.json [--kam-seconds S]] PEERS.json [MORE.json ...]

Columns: model, AUC, Brier score, log loss, ECE (10 equal-width bins), fit seconds. kam's rows are the
held-out metrics in its JSON report, then its cross-validated ones; see `kam_rows`.
"""

import json
import sys


def kam_rows(report):
    """The rows of a `kam model fit --format json` report: its held-out metrics
    (`holdout`: the learned model on --test or --holdout), then its cross-validated ones on
    the training file (`cross_validation`: learned, weights_only, stage_baseline,
    base_rate), each {auc, brier, log_loss, ece}."""
    def row(name, metrics):
        return {"model": name, **{key: metrics.get(key) for key in ("auc", "brier", "log_loss", "ece")}}

    rows = []
    if report.get("holdout"):
        rows.append(row("kam model fit (held out)", report["holdout"]))
    for key, name in (("learned", "kam learned (5-fold CV, train)"),
                      ("weights_only", "kam weights only (CV, train)")):
        metrics = (report.get("cross_validation") or {}).get(key)
        if metrics:
            rows.append(row(name, metrics))
    return rows


def seconds(value):
    return "–" if value is None else f"{value:.1f}"


def number(value):
    return "–" if value is None else f"{value:.4f}"


def main(argv):
    rows = []
    if argv[:1] == ["--kam"]:
        rows += kam_rows(json.load(open(argv[1])))
        argv = argv[2:]
        if argv[:1] == ["--kam-seconds"]:
            # The whole `kam model fit` run (fit, cross-validation and held-out scoring).
            rows[0]["seconds"] = float(argv[1])
            argv = argv[2:]
    for path in argv:
        loaded = json.load(open(path))
        rows += loaded if isinstance(loaded, list) else [loaded]
    print(f"| {'model':<32} | {'AUC':>6} | {'Brier':>6} | {'log loss':>8} | {'ECE':>6} | {'fit s':>6} |")
    print(f"|{'-' * 34}|{'-' * 8}|{'-' * 8}|{'-' * 10}|{'-' * 8}|{'-' * 8}|")
    for row in rows:
        print(f"| {row['model']:<32} | {number(row.get('auc')):>6} | {number(row.get('brier')):>6} | "
              f"{number(row.get('log_loss')):>8} | {number(row.get('ece')):>6} | {seconds(row.get('seconds')):>6} |")
    compare(rows)


def compare(rows):
    """kam's held-out row against every peer row measured on the same test file, side by
    side: AUC difference, Brier and log-loss ratios (kam / peer; below 1 is better) and how
    many times faster kam's whole run was than the peer's fit."""
    kam = next((row for row in rows if row["model"].startswith("kam model fit")), None)
    peers = [row for row in rows if not row["model"].startswith("kam") and row["model"] != "base rate"]
    if kam is None or not peers:
        return
    print()
    print(f"| {'kam (held out) against':<32} | {'ΔAUC':>7} | {'Brier ×':>7} | {'log loss ×':>10} | {'kam faster ×':>12} |")
    print(f"|{'-' * 34}|{'-' * 9}|{'-' * 9}|{'-' * 12}|{'-' * 14}|")
    for peer in peers:
        def ratio(key):
            a, b = kam.get(key), peer.get(key)
            return "–" if a is None or not b else f"{a / b:.3f}"
        auc = "–" if kam.get("auc") is None or peer.get("auc") is None else f"{kam['auc'] - peer['auc']:+.4f}"
        faster = "–"
        if kam.get("seconds") and peer.get("seconds"):
            # Two significant digits: a peer 30 times faster shows 0.033, not 0.0.
            faster = f"{peer['seconds'] / kam['seconds']:.2g}"
        print(f"| {peer['model']:<32} | {auc:>7} | {ratio('brier'):>7} | {ratio('log_loss'):>10} | {faster:>12} |")


if __name__ == "__main__":
    main(sys.argv[1:])
