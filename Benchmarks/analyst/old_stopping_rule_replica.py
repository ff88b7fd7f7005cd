"""Usage: old_stopping_rule_replica.py HISTORY.csv [MODEL.yaml]  (history from `kam generate --outcomes`)

Replica of the previous LogisticRegression.fit loop (stop: max|ZΔ| ≤ 1e-8 and max|Δ|/(1+|β|) ≤ 1e-8;
Armijo step halving on Q down to 1e-10 without a rounding allowance; Q summed sequentially like the Swift loop),
run on the same fits `kam weights fit --strength 1` makes, to see which stall and why."""
import sys, json, numpy as np
import os
here = os.path.dirname(os.path.abspath(__file__))
history = sys.argv[1]
model = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "..", "..", "models", "default.yaml")
sys.argv = ["x", history, model, "fixed", "1"]
src = open(os.path.join(here, "sklearn_weights_fit.py")).read()
src = src.split("expert = np.array")[0]  # reading and utilities only
sys.path.insert(0, os.path.join(here, "..", "compare")); src = src.replace("sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), \"..\", \"compare\"))", "")
exec(src)
expert = np.array([100 * f.weight if f.side == "value" else -100 * rules.penalty * f.weight for f in rules.factors])

def seqsum(v):
    return np.cumsum(v)[-1]

def softplus(t):
    return np.maximum(t, 0) + np.log1p(np.exp(-np.abs(t)))

def old_fit(X, y, lam, mu, label):
    n, f = X.shape
    Z = np.hstack([np.ones((n, 1)), X])
    D = np.array([0.0] + [lam] * f); prior = np.concatenate([[0.0], mu])
    beta = prior.copy()
    mean = y.mean(); beta[0] = np.log(mean / (1 - mean)) - (Z @ beta).mean()
    def Q(b):
        t = Z @ b
        return seqsum(y * t - softplus(t)) - 0.5 * np.sum(D * (b - prior) ** 2), t
    q, t = Q(beta); evals = 1
    for it in range(1, 101):
        p = 1 / (1 + np.exp(-t)); w = p * (1 - p)
        H = (Z * w[:, None]).T @ Z + np.diag(D)
        g = Z.T @ (y - p) - D * (beta - prior)
        step = np.linalg.solve(H, g); dec = g @ step
        eta_change = np.max(np.abs(Z @ step)); coef_change = np.max(np.abs(step) / (1 + np.abs(beta)))
        scale = 1.0; acc = None; tries = 0
        while scale >= 1e-10:
            cand = beta + scale * step; qq, tt = Q(cand); evals += 1; tries += 1
            if np.isfinite(qq) and qq >= q + 1e-4 * scale * dec:
                acc = (cand, qq, tt); break
            scale /= 2
        if it <= 12 or it % 20 == 0:
            print(f"  {label} it={it} |Q|={abs(q):.6e} decrement={dec:.3e} halfDec={0.5*dec:.3e} etaChange={eta_change:.3e} coefChange={coef_change:.3e} tries={tries} scale={scale:.2e} dQ={(acc[1]-q) if acc else float('nan'):.3e}")
        if eta_change <= 1e-8 and coef_change <= 1e-8:
            print(f"{label}: converged it={it} evals={evals}"); return
        if acc is None:
            print(f"{label}: no step accepted it={it} evals={evals}"); return
        beta, q, t = acc
    print(f"{label}: CAP it=100 evals={evals}")

score = X @ expert
#old_fit(score[:, None], y, 1e-6, np.zeros(1), "calibration all")
b = 0.043820  # the prior slope kam reports for `kam generate --rows 1000000 --seed 1 --outcomes`
mu = b * expert
old_fit(X, y, 1.0, mu, "final fit lambda=1")
rng = np.random.default_rng(1)
fold = np.empty(len(y), dtype=int)
for cls in (1.0, 0.0):
    idx = np.flatnonzero(y == cls); rng.shuffle(idx); fold[idx] = np.arange(len(idx)) % 5
for k in range(5):
    tr = fold != k
    old_fit(score[tr][:, None], y[tr], 1e-6, np.zeros(1), f"fold {k+1} calibration")
    old_fit(X[tr], y[tr], 1.0, mu, f"fold {k+1} fit")
