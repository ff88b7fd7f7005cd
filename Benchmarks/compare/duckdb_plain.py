"""The plain-numeric shape (plain_list.py, plain.yaml) as a DuckDB expert would write it:
typed DOUBLE columns with the exact missing code as NULL, min and max computed once in a
one-row CTE, one query. TOP > 0 writes the top TOP rows; TOP = 0 writes every row in rank
order (COPY ... TO, with each factor's points).
Usage: duckdb_plain.py LIST.csv MODEL.yaml TOP OUTPUT.csv COUNTS.json"""

import json
import sys

import duckdb

from rules import GRADES, Rules

path, model_path, top, output, counts_path = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
rules = Rules(model_path)


def quote(text):
    return "'" + str(text).replace("'", "''") + "'"


def identifier(name):
    return '"' + name.replace('"', '""') + '"'


types = ", ".join([f"{quote(rules.id_column)}: 'VARCHAR'"] + [f"{quote(f.column)}: 'DOUBLE'" for f in rules.factors])
nulls = ", ".join(quote(code) for code in rules.missing_variants + [""])
stats = ", ".join(
    f"min({identifier(f.column)}) AS lo{i}, max({identifier(f.column)}) - min({identifier(f.column)}) AS span{i}"
    for i, f in enumerate(rules.factors))
points = []
for i, f in enumerate(rules.factors):
    x = identifier(f.column)
    fill = f.fill if f.fill is not None else 0.5
    u = f"CASE WHEN {x} IS NULL THEN {fill!r} WHEN span{i} > 0 THEN least(greatest(({x} - lo{i}) / span{i}, 0), 1) ELSE 0.5 END"
    points.append(f"{100 * f.weight!r} * ({u}) AS {identifier('points_' + f.id)}")
value = " + ".join(identifier("points_" + f.id) for f in rules.factors if f.side == "value")
difficulty = " + ".join(identifier("points_" + f.id) for f in rules.factors if f.side == "difficulty")
completeness = " + ".join(
    f"(CASE WHEN {identifier(f.column)} IS NULL THEN 0 ELSE {f.weight / rules.sides!r} END)" for f in rules.factors)


def band(score, cuts):
    return " + ".join([f"(CASE WHEN {score} >= {cut!r} THEN 1 ELSE 0 END)" for cut in cuts] or ["0"])


grid = " ".join(
    f"WHEN vb = {v} AND db = {d} THEN {GRADES.index(letter)}" for v, row in enumerate(rules.grid) for d, letter in enumerate(row))
point_names = ", ".join(identifier("points_" + f.id) for f in rules.factors)
rounded_points = ", ".join(
    f"round({identifier('points_' + f.id)}, 4) AS {identifier('points_' + f.id)}" for f in rules.factors)
order = ("grade, " if rules.grade_first else "") + "priority DESC, account_id"
letters = "CASE grade " + " ".join(f"WHEN {g} THEN {quote(letter)}" for g, letter in enumerate(GRADES)) + " END"
query = f"""
WITH raw AS (SELECT * FROM read_csv({quote(path)}, header = true, types = {{{types}}}, nullstr = [{nulls}])),
stats AS (SELECT {stats} FROM raw),
pointed AS (SELECT {identifier(rules.id_column)} AS account_id, {", ".join(points)}, least({completeness}, 1) AS completeness
            FROM raw, stats),
scored AS (SELECT *, {value} AS value, {difficulty} AS difficulty FROM pointed),
banded AS (SELECT *, {band("value", rules.value_cuts)} AS vb, {band("difficulty", rules.difficulty_cuts)} AS db FROM scored),
graded AS (
  SELECT account_id, value, difficulty, value - {rules.penalty!r} * difficulty AS priority, completeness, {point_names},
         CASE WHEN completeness < {rules.minimum_completeness!r} THEN 4 ELSE (CASE {grid} END) END AS grade
  FROM banded)
"""
connection = duckdb.connect()
connection.execute(f"CREATE TEMP TABLE graded AS {query} SELECT * FROM graded")
limit = f"LIMIT {top}" if top > 0 else ""
connection.execute(f"""COPY (SELECT row_number() OVER (ORDER BY {order}) AS rank, account_id, {letters} AS grade,
    round(value, 4) AS value, round(difficulty, 4) AS difficulty, round(priority, 4) AS priority,
    round(completeness, 4) AS completeness, {rounded_points}
    FROM graded ORDER BY {order} {limit}) TO {quote(output)} (HEADER)""")
counts = dict(connection.execute("SELECT grade, count(*) FROM graded GROUP BY grade").fetchall())
with open(counts_path, "w", encoding="utf-8") as handle:
    json.dump({letter: int(counts.get(g, 0)) for g, letter in enumerate(GRADES)}, handle)
