"""Checks that kam and a peer agree: the same top-K accounts in the same order, and the same
grade counts (for full rankings, the first 1000 rows). Usage: check.py KAM.csv KAM.stderr
PEER.csv PEER.json
Prints 'agree' or what differs; exits 1 on disagreement."""

import csv
import itertools
import json
import re
import sys

kam_csv, kam_err, peer_csv, peer_json = sys.argv[1:5]
with open(kam_csv, encoding="utf-8", newline="") as handle:
    kam_rows = list(itertools.islice(csv.DictReader(handle), 1000))
with open(peer_csv, encoding="utf-8", newline="") as handle:
    peer_rows = list(itertools.islice(csv.DictReader(handle), 1000))
with open(kam_err, encoding="utf-8") as handle:
    summary = handle.read()
match = re.search(r"Grades: A (\d+), B (\d+), C (\d+), D (\d+), insufficient (\d+)", summary)
if not match:
    raise SystemExit(f"no grade counts in {kam_err}")
kam_counts = dict(zip(["A", "B", "C", "D", "insufficient"], map(int, match.groups())))
with open(peer_json, encoding="utf-8") as handle:
    peer_counts = json.load(handle)

problems = []
if kam_counts != peer_counts:
    problems.append(f"grade counts: kam {kam_counts}, peer {peer_counts}")
kam_ids = [row["account_id"] for row in kam_rows]
peer_ids = [row["account_id"] for row in peer_rows]
if kam_ids != peer_ids:
    first = next((i for i, (a, b) in enumerate(zip(kam_ids, peer_ids)) if a != b), min(len(kam_ids), len(peer_ids)))
    problems.append(
        f"top {len(kam_ids)} differs from rank {first + 1}: kam {kam_ids[first:first + 3]}, peer {peer_ids[first:first + 3]}"
        f" ({len(set(kam_ids) ^ set(peer_ids))} ids in one list only)")
kam_grades = [row["grade"] for row in kam_rows]
peer_grades = [row["grade"] for row in peer_rows]
if kam_ids == peer_ids and kam_grades != peer_grades:
    problems.append("grades of the top rows differ")
print("agree" if not problems else "DISAGREE: " + "; ".join(problems))
sys.exit(1 if problems else 0)
