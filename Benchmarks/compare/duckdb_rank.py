"""kam's scoring rules as one DuckDB SQL query (see rules.py): read, clean, score, grade,
rank, top K with the grade counts alongside. Usage: duckdb_rank.py LIST.csv MODEL.yaml TOP
OUTPUT.csv COUNTS.json"""

import duckdb

from rules import GRADES, UNITS, Rules, arguments, write_results

path, model_path, top, output, counts_path = arguments()
rules = Rules(model_path)


def quote(text):
    return "'" + str(text).replace("'", "''") + "'"


def identifier(name):
    return '"' + name.replace('"', '""') + '"'


codes = ", ".join(quote(code) for code in rules.missing_codes)


def missing(column):
    raw = identifier(column)
    return f"({raw} IS NULL OR {raw} = '' OR lower({raw}) IN ({codes}))"


def number(column, unit):
    text = f"replace({identifier(column)}, ',', '')"
    if unit == "percent":
        return f"TRY_CAST(regexp_replace({text}, '%$', '') AS DOUBLE)"
    if unit in UNITS:
        cases = " ".join(
            f"WHEN suffix({text}, {quote(suffix)}) THEN TRY_CAST(left({text}, length({text}) - {len(suffix)}) AS DOUBLE) * {10.0 ** (exponent - UNITS[unit])!r}"
            for suffix, exponent in (("万元", 4), ("亿元", 8), ("万", 4), ("亿", 8), ("元", 0)))
        return f"(CASE {cases} ELSE TRY_CAST({text} AS DOUBLE) END)"
    return f"TRY_CAST({text} AS DOUBLE)"


def utility(factor):
    if factor.kind == "categorical":
        raw = identifier(factor.column)
        exact = " ".join(f"WHEN {raw} = {quote(label)} THEN {u!r}" for label, u in factor.labels.items())
        folded = " ".join(f"WHEN lower({raw}) = {quote(label)} THEN {u!r}" for label, u in factor.folded.items())
        u = f"(CASE {exact} {folded} END)"
    else:
        x = number(factor.column, factor.unit)
        if factor.kind == "linear":
            u = f"least(greatest(({x} - {factor.low!r}) / {factor.high - factor.low!r}, 0), 1)"
        elif factor.kind == "log":
            clamped = f"least(greatest({x}, {factor.low!r}), {factor.high!r})"
            u = f"least(greatest(ln({clamped} - {factor.low!r} + {factor.offset!r}) / {factor.denominator!r}, 0), 1)"
        else:
            points = factor.points
            segments = " ".join(
                f"WHEN {x} < {x1!r} THEN {u0!r} + ({x} - {x0!r}) / {x1 - x0!r} * {u1 - u0!r}"
                for (x0, u0), (x1, u1) in zip(points, points[1:]))
            u = f"(CASE WHEN {x} <= {points[0][0]!r} THEN {points[0][1]!r} {segments} ELSE {points[-1][1]!r} END)"
    return f"(1 - {u})" if factor.decreasing else u


selects = [f"{identifier(rules.id_column)} AS account_id"]
for index, factor in enumerate(rules.factors):
    selects += [f"{utility(factor)} AS u{index}", f"NOT {missing(factor.column)} AS p{index}"]
bad = " OR ".join(
    [f"(p{i} AND u{i} IS NULL)" for i in range(len(rules.factors))]
    + [f"NOT p{i}" for i, f in enumerate(rules.factors) if f.missing == "required"])
means = ", ".join(f"coalesce(avg(u{i}) FILTER (WHERE p{i}), 0.5) AS m{i}" for i in range(len(rules.factors)))
filled = []
for index, factor in enumerate(rules.factors):
    fill = f"{factor.fill!r}" if factor.fill is not None else f"m{index}"
    filled.append((factor, f"(CASE WHEN p{index} THEN u{index} ELSE {fill} END)", index))
value = " + ".join(f"{100 * f.weight!r} * {u}" for f, u, _ in filled if f.side == "value")
difficulty = " + ".join(f"{100 * f.weight!r} * {u}" for f, u, _ in filled if f.side == "difficulty")
completeness = " + ".join(f"(CASE WHEN p{i} THEN {f.weight / rules.sides!r} ELSE 0 END)" for f, _, i in filled)


def band(score, cuts):
    return " + ".join([f"(CASE WHEN {score} >= {cut!r} THEN 1 ELSE 0 END)" for cut in cuts] or ["0"])


grid = " ".join(
    f"WHEN vb = {v} AND db = {d} THEN {GRADES.index(letter)}"
    for v, row in enumerate(rules.grid) for d, letter in enumerate(row))
order = ("grade, " if rules.grade_first else "") + "priority DESC, account_id"
counts = ", ".join(f"count(*) FILTER (WHERE grade = {g}) AS c{g}" for g in range(5))
query = f"""
WITH raw AS (SELECT * FROM read_csv({quote(path)}, all_varchar = true, header = true)),
utilities AS MATERIALIZED (SELECT {", ".join(selects)} FROM raw),
kept AS (SELECT * FROM utilities WHERE NOT ({bad})),
means AS (SELECT {means} FROM kept),
scored AS (
  SELECT account_id, {value} AS value, {difficulty} AS difficulty, least({completeness}, 1) AS completeness
  FROM kept, means),
banded AS (
  SELECT *, {band("value", rules.value_cuts)} AS vb, {band("difficulty", rules.difficulty_cuts)} AS db FROM scored),
graded AS (
  SELECT account_id, value, difficulty, value - {rules.penalty!r} * difficulty AS priority,
         CASE WHEN completeness < {rules.minimum_completeness!r} THEN 4 ELSE (CASE {grid} END) END AS grade
  FROM banded),
counts AS (SELECT {counts} FROM graded),
ranked AS (SELECT account_id, grade, value, difficulty, priority FROM graded ORDER BY {order} LIMIT {top})
SELECT * FROM ranked, counts ORDER BY {order}
"""
rows = duckdb.sql(query).fetchall()
counts = {GRADES[g]: rows[0][5 + g] for g in range(5)} if rows else {}
write_results(output, counts_path, [(a, GRADES[g], v, d, p) for a, g, v, d, p, *_ in rows], counts)
