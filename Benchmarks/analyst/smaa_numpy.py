"""The peer of `kam sensitivity`: SMAA-2 weight sampling written the way a good numpy user
would, vectorized, float64, doing the same work as kam.

Usage: smaa_numpy.py LIST.csv MODEL.yaml SAMPLES TOP SEED THREADS OUTPUT.csv

- Utilities from the model's rules (../compare/rules.py: scales, directions, missing
  policies, units), accounts in ascending id order (kam's tie order), completeness as the
  weighted share of present factors per side.
- Draws: uniform on each side's simplex (Dirichlet(1, ..., 1), numpy's generator; the
  numbers differ from kam's generator, the work is the same).
- Per block of draws: value and difficulty scores by one matrix product each (OpenBLAS
  dgemm), bands by comparisons with the cuts, grades from the grid, priority keys; ranks by
  np.argsort of the keys (numpy's AVX-512 sort on this machine) and a stable radix argsort
  of the grades (grade first), exact for ties: rows with equal keys inside a grade are
  sorted again with a stable sort, so ties go to the lower id as in kam.
- Counts per account: grades, top-K hits, rank sums, central weights (a matrix product of
  the top-K indicator with the draws), and rank histograms with kam's bins (512 MiB
  budget: one bin per rank when they fit, else exact best ranks and geometric bins), from
  which P5, median and P95 are read as kam reads them.
- THREADS > 1: blocks are shared between Python threads (numpy releases the GIL in its
  sorts, products and most loops), each with its own counts, added at the end; OpenBLAS is
  then held to one thread per call, as kam does.
Prints the phase seconds as JSON on standard error.
"""

import concurrent.futures
import csv
import json
import math
import os
import sys
import time

start = time.perf_counter()
path, model_path = sys.argv[1], sys.argv[2]
samples, top, seed, threads = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
output = sys.argv[7]
if threads > 1:
    os.environ["OPENBLAS_NUM_THREADS"] = "1"
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "compare"))
from rules import UNITS, Rules  # noqa: E402

rules = Rules(model_path)
with open(path, encoding="utf-8", newline="") as handle:
    reader = csv.reader(handle)
    header = next(reader)
    rows = list(reader)
column_of = {name: i for i, name in enumerate(header)}
codes = set(rules.missing_codes)
SUFFIXES = (("万元", 4), ("亿元", 8), ("万", 4), ("亿", 8), ("元", 0))


def number(text, unit):
    text = text.replace(",", "")
    scale = 1.0
    if unit == "percent":
        text = text.removesuffix("%")
    elif unit in UNITS:
        for suffix, exponent in SUFFIXES:
            if text.endswith(suffix):
                text, scale = text[: -len(suffix)], 10.0 ** (exponent - UNITS[unit])
                break
    try:
        return float(text) * scale
    except ValueError:
        return math.nan


n_rows = len(rows)
keep = np.ones(n_rows, dtype=bool)
utilities, present = [], []
for factor in rules.factors:
    cells = [row[column_of[factor.column]] for row in rows]
    missing = np.array([c == "" or c.lower() in codes for c in cells])
    if factor.kind == "categorical":
        u = np.array([factor.labels.get(c, factor.folded.get(c.lower(), math.nan)) for c in cells], dtype=float)
        keep &= ~(np.isnan(u) & ~missing)
    else:
        x = np.array([math.nan if m else number(c, factor.unit) for c, m in zip(cells, missing)])
        keep &= ~(np.isnan(x) & ~missing)
        u = factor.numeric_utility(x)
    if factor.decreasing:
        u = 1 - u
    if factor.missing == "required":
        keep &= ~missing
    utilities.append(u)
    present.append(~missing)
ids = np.array([row[column_of[rules.id_column]] for row in rows])
order = np.argsort(ids[keep], kind="stable")
F = len(rules.factors)
U = np.empty((int(keep.sum()), F))
completeness = np.zeros(len(U))
for j, (factor, u, has) in enumerate(zip(rules.factors, utilities, present)):
    fill = factor.fill if factor.fill is not None else (u[has & keep].mean() if (has & keep).any() else 0.5)
    U[:, j] = np.where(has, u, fill)[keep]
    completeness += np.where(has[keep], factor.weight / rules.sides, 0.0)
U = np.ascontiguousarray(U[order])
completeness = completeness[order]
ids = ids[keep][order]
n = len(U)
read_seconds = time.perf_counter() - start

# Grades: the grid as codes 0..3 (A..D), 4 = insufficient.
grade_code = {"A": 0, "B": 1, "C": 2, "D": 3}
grid = np.array([[grade_code[g] for g in row] for row in rules.grid], dtype=np.uint8)
value_cuts = np.array(rules.value_cuts)
difficulty_cuts = np.array(rules.difficulty_cuts)
insufficient = completeness < rules.minimum_completeness
value_side = np.array([f.side == "value" for f in rules.factors])

# kam's rank bins for a 512 MiB budget (SensitivityAnalysis.RankBinning).
storage = (512 << 20) // 2
if n * samples * 4 <= storage:
    bins_wanted = n
else:
    bins_wanted = max(2, storage // max(1, n * (2 if samples <= 65535 else 4)))
if bins_wanted >= n:
    bin_start = np.arange(1, n + 2)
else:
    exact = max(1, bins_wanted // 2)
    geometric = max(1, bins_wanted - exact)
    ratio = (n / exact) ** (1 / geometric)
    starts = list(range(1, exact + 1))
    edge, nxt = float(exact), exact + 1
    while nxt <= n:
        starts.append(nxt)
        edge *= ratio
        nxt = max(nxt + 1, int(math.ceil(edge)) + 1)
    starts.append(n + 1)
    bin_start = np.array(starts)
bins = len(bin_start) - 1
bin_of_rank = (np.searchsorted(bin_start, np.arange(1, n + 1), side="right") - 1).astype(np.int64)
hist_type = np.uint16 if samples <= 65535 else np.uint32

rng = np.random.default_rng(seed)
draws = np.empty((samples, F))
for side in (True, False):
    columns = np.flatnonzero(value_side == side)
    if len(columns):
        draws[:, columns] = rng.dirichlet(np.ones(len(columns)), size=samples)
block = max(1, min(samples, (32 << 20) // (8 * n)))
blocks = [(b, min(samples, b + block)) for b in range(0, samples, block)]
positions = np.arange(1, n + 1, dtype=np.int32)
account_offsets = np.arange(n, dtype=np.int64) * bins
use_bincount = n * bins <= 4_000_000


class Counts:
    def __init__(self):
        self.grades = np.zeros((n, 5), dtype=np.int64)
        self.top = np.zeros(n, dtype=np.int64)
        self.rank_sum = np.zeros(n)
        self.central = np.zeros((n, F))
        self.hist = np.zeros(n * bins, dtype=np.int64 if use_bincount else hist_type)


def run_block(lo, hi, counts):
    w = 100 * draws[lo:hi]
    V = (w * value_side) @ U.T
    D = (w * ~value_side) @ U.T
    vb = np.zeros(V.shape, dtype=np.uint8)
    for cut in value_cuts:
        vb += V >= cut
    db = np.zeros(D.shape, dtype=np.uint8)
    for cut in difficulty_cuts:
        db += D >= cut
    grades = grid[vb, db]
    grades[:, insufficient] = 4
    keys = V - rules.penalty * D
    by_key = np.argsort(-keys, axis=1)
    if rules.grade_first:
        ordered = np.take_along_axis(by_key, np.argsort(np.take_along_axis(grades, by_key, 1), axis=1, kind="stable"), 1)
    else:
        ordered = by_key
    # Ties inside a grade: re-sort those draws stably (ties by position, i.e. by id).
    sorted_keys = np.take_along_axis(keys, ordered, 1)
    sorted_grades = np.take_along_axis(grades, ordered, 1)
    tied = np.flatnonzero(((sorted_keys[:, 1:] == sorted_keys[:, :-1]) & (sorted_grades[:, 1:] == sorted_grades[:, :-1])).any(1))
    for r in tied:
        stable = np.argsort(-keys[r], kind="stable")
        ordered[r] = stable[np.argsort(grades[r][stable], kind="stable")] if rules.grade_first else stable
    ranks = np.empty_like(ordered, dtype=np.int32)
    np.put_along_axis(ranks, ordered, positions[None, :], 1)
    for g in range(5):
        counts.grades[:, g] += (grades == g).sum(0)
    counts.rank_sum += ranks.sum(0)
    hit = ranks <= top
    counts.top += hit.sum(0)
    counts.central += hit.T.astype(float) @ draws[lo:hi]
    rank_bins = bin_of_rank[ranks - 1]
    if use_bincount:
        counts.hist += np.bincount((rank_bins + account_offsets).ravel(), minlength=n * bins)
    else:
        for row in rank_bins:  # one draw: every account once, so += on the fancy index is exact
            counts.hist[row + account_offsets] += 1


sampling_start = time.perf_counter()
parts = [Counts() for _ in range(threads)]
if threads == 1:
    for lo, hi in blocks:
        run_block(lo, hi, parts[0])
else:
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        futures = [pool.submit(lambda t=t: [run_block(lo, hi, parts[t]) for lo, hi in blocks[t::threads]]) for t in range(threads)]
        for future in futures:
            future.result()
total = parts[0]
for part in parts[1:]:
    total.grades += part.grades
    total.top += part.top
    total.rank_sum += part.rank_sum
    total.central += part.central
    total.hist += part.hist
sampling_seconds = time.perf_counter() - sampling_start

# Quantiles as kam reads them from its histograms (exact in one-rank bins, else interpolated).
targets = [max(1, int(math.ceil(q * samples))) for q in (0.05, 0.5, 0.95)]
quantiles = np.zeros((n, 3), dtype=np.int64)
hist = total.hist.reshape(n, bins)
for lo in range(0, n, 4096):
    cumulative = np.cumsum(hist[lo : lo + 4096], axis=1, dtype=np.int64)
    for t, target in enumerate(targets):
        b = np.argmax(cumulative >= target, axis=1)
        rows_ = np.arange(len(b))
        count = hist[lo : lo + 4096][rows_, b].astype(np.int64)
        before = cumulative[rows_, b] - count
        low = bin_start[b]
        width = bin_start[b + 1] - low
        quantiles[lo : lo + 4096, t] = np.where(width == 1, low, low + (width * (target - before - 1)) // np.maximum(count, 1))
central = np.divide(total.central, total.top[:, None], out=np.full_like(total.central, np.nan), where=total.top[:, None] > 0)
with open(output, "w", encoding="utf-8") as handle:
    handle.write("account_id,p_a,p_b,p_c,p_d,p_insufficient,p_top,mean_rank,p5_rank,median_rank,p95_rank," + ",".join(f"central_{f.id}" for f in rules.factors) + "\n")
    p = total.grades / samples
    mean_rank = total.rank_sum / samples
    p_top = total.top / samples
    for i in range(n):
        handle.write(
            f"{ids[i]},{p[i, 0]:.4f},{p[i, 1]:.4f},{p[i, 2]:.4f},{p[i, 3]:.4f},{p[i, 4]:.4f},{p_top[i]:.4f},{mean_rank[i]:.2f},"
            f"{quantiles[i, 0]},{quantiles[i, 1]},{quantiles[i, 2]}," + ",".join("" if np.isnan(c) else f"{c:.4f}" for c in central[i]) + "\n")
print(json.dumps({
    "accounts": n, "samples": samples, "threads": threads, "block_draws": block, "bins": bins,
    "read_seconds": round(read_seconds, 3), "sampling_seconds": round(sampling_seconds, 3),
    "total_seconds": round(time.perf_counter() - start, 3), "mean_of_mean_ranks": float(mean_rank.mean()),
}), file=sys.stderr)
