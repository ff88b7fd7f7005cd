#!/usr/bin/env python3
"""Scores prospect lists with SQL exported by `kam model export --sql` and compares every
account with `kam rank --format csv --digits 12` on the same file.

Usage: sql_parity.py ENGINE MANIFEST
  ENGINE    duckdb, spark or postgres
  MANIFEST  JSON: [{"name", "data" (CSV), "sql" (file), "expected" (kam rank CSV),
                    "line_column" (optional: add the file's row order under this name)}]

All cases of one engine run in one session (Spark's local start-up is slow). For every case
the accepted accounts must be the same, every grade (of every scenario), segment, stage and
rank equal, and every number within 1e-9 of kam's (probability, value, difficulty,
priority, completeness, points, scenario scores). Prints one line per case and exits 1 if
any case fails.
"""
import csv
import json
import os
import math
import sys
import time

TOLERANCE = 1e-9
TEXT_COLUMNS = ["grade", "segments", "name", "industry", "region", "manager"]


def read_expected(path):
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return rows


def as_number(text):
    if text is None or text == "":
        return None
    return float(text)


def compare(case, header, result_rows, expected_rows):
    """Returns (ok, message)."""
    got = {}
    for row in result_rows:
        record = dict(zip(header, row))
        got[record["account_id"]] = record
    want = {row["account_id"]: row for row in expected_rows}
    problems = []
    if set(got) != set(want):
        only_sql = sorted(set(got) - set(want))[:5]
        only_kam = sorted(set(want) - set(got))[:5]
        problems.append(f"accounts differ: {len(got)} in SQL, {len(want)} in kam; only SQL {only_sql}, only kam {only_kam}")
    numeric = [c for c in expected_rows[0].keys() if c in ("probability", "value", "difficulty", "priority", "completeness", "deal_value")
               or c.startswith("points_") or c.startswith("value_") or c.startswith("difficulty_")] if expected_rows else []
    texts = [c for c in expected_rows[0].keys() if c in TEXT_COLUMNS or c.startswith("grade_")] if expected_rows else []
    integers = [c for c in ("rank", "stage") if expected_rows and c in expected_rows[0] and c in header]
    by_rank = {row["rank"]: row for row in expected_rows}
    worst = 0.0
    worst_where = ""
    mismatches = 0
    for account, expected in want.items():
        record = got.get(account)
        if record is None:
            continue
        for column in texts:
            value = record.get(column)
            value = "" if value is None else str(value)
            wanted = expected[column]
            # kam's CSV escapes text that a spreadsheet would read as a formula.
            if wanted[:1] == "'" and wanted[1:2] in ("=", "+", "-", "@", "\t", "\r"):
                wanted = wanted[1:]
            if value != wanted:
                mismatches += 1
                if mismatches <= 5:
                    problems.append(f"{account} {column}: SQL {value!r}, kam {wanted!r}")
        for column in integers:
            value = record.get(column)
            value = "" if value is None else str(int(value))
            if column == "rank" and value != expected[column] and tied(value, expected, by_rank):
                continue
            if value != expected[column]:
                mismatches += 1
                if mismatches <= 5:
                    problems.append(f"{account} {column}: SQL {value!r}, kam {expected[column]!r}")
        for column in numeric:
            a = record.get(column)
            b = as_number(expected[column])
            if (a is None) != (b is None):
                mismatches += 1
                if mismatches <= 5:
                    problems.append(f"{account} {column}: SQL {a!r}, kam {b!r}")
                continue
            if a is None:
                continue
            difference = abs(float(a) - b)
            # kam writes deal values with 2 decimals, the rest with --digits 12.
            allowed = 0.005 + TOLERANCE if column == "deal_value" else TOLERANCE
            if column == "deal_value":
                difference = max(0.0, difference - 0.005)
            if not difference <= allowed:
                mismatches += 1
                if mismatches <= 5:
                    problems.append(f"{account} {column}: SQL {a!r}, kam {b!r} (differ by {difference:.3g})")
            if difference > worst:
                worst, worst_where = difference, f"{account} {column}"
    ok = not problems
    summary = (f"{case['name']}: {len(got)} accounts, {len(numeric)} number columns, "
               f"largest difference {worst:.3g} ({worst_where or '-'}), {mismatches} mismatches")
    return ok, summary + ("" if ok else "\n    " + "\n    ".join(problems))


def tied(sql_rank, expected, by_rank):
    """Whether kam's account at the SQL's rank has the same grade and a ranking key within
    1e-9: keys equal in exact arithmetic that rounded apart differently in BLAS and in SQL
    may come out in either order."""
    other = by_rank.get(sql_rank)
    if other is None:
        return False
    return other["grade"] == expected["grade"] and abs(float(other["priority"]) - float(expected["priority"])) <= TOLERANCE


def run_duckdb(cases):
    import duckdb
    results = []
    for case in cases:
        connection = duckdb.connect()
        source = ("read_csv(" + sql_string(case["data"]) + ", header = true, all_varchar = true, delim = ',', "
                  + "quote = '\"', escape = '\"', ignore_errors = true)")
        line = case.get("line_column")
        select = f"SELECT *, row_number() OVER () AS {line} FROM {source}" if line else f"SELECT * FROM {source}"
        connection.execute(f"CREATE TABLE prospects AS {select}")
        query = open(case["sql"], encoding="utf-8").read()
        started = time.time()
        cursor = connection.execute(query)
        header = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
        elapsed = time.time() - started
        results.append((case, header, rows, elapsed))
        connection.close()
    return results


def run_spark(cases):
    from pyspark.sql import SparkSession
    from pyspark.sql import functions
    spark = (SparkSession.builder.master("local[2]").appName("kam-sql-parity")
             .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4").config("spark.driver.memory", "2g")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    results = []
    try:
        for case in cases:
            frame = spark.read.option("header", True).option("mode", "DROPMALFORMED").csv(case["data"])
            line = case.get("line_column")
            if line:
                frame = frame.withColumn(line, functions.monotonically_increasing_id())
            frame.createOrReplaceTempView("prospects")
            query = open(case["sql"], encoding="utf-8").read()
            started = time.time()
            result = spark.sql(query)
            header = result.columns
            rows = [tuple(row) for row in result.collect()]
            elapsed = time.time() - started
            results.append((case, header, rows, elapsed))
    finally:
        spark.stop()
    return results


def run_postgres(cases):
    """Through psql (PGHOST, PGPORT, PGUSER, PGDATABASE from the environment): each list is
    loaded as text columns in file order (rows with the wrong number of fields left out,
    as kam rejects them), then the exported query runs with CSV output."""
    import subprocess
    import tempfile
    results = []
    for case in cases:
        with open(case["data"], newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        header, body = rows[0], [row for row in rows[1:] if len(row) == len(rows[0])]
        with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, encoding="utf-8", newline="") as clean:
            csv.writer(clean, lineterminator="\n").writerows([header] + body)
        os.chmod(clean.name, 0o644)
        columns = ", ".join('"' + name.replace('"', '""') + '" text' for name in header)
        line = case.get("line_column")
        setup = (f"DROP TABLE IF EXISTS prospects_raw, prospects; CREATE TABLE prospects_raw ({columns});\n"
                 f"\\copy prospects_raw FROM '{clean.name}' WITH (FORMAT csv, HEADER true)\n"
                 + (f"CREATE TABLE prospects AS SELECT *, row_number() OVER () AS {line} FROM prospects_raw;\n" if line
                    else "CREATE TABLE prospects AS SELECT * FROM prospects_raw;\n"))
        subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1"], input=setup, text=True, check=True,
                       stdout=subprocess.DEVNULL)
        started = time.time()
        output = subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", "--csv", "-f", case["sql"]],
                                capture_output=True, text=True)
        if output.returncode != 0:
            raise SystemExit(output.stderr)
        elapsed = time.time() - started
        table = list(csv.reader(output.stdout.splitlines()))
        header_out = table[0]
        rows_out = [tuple(None if cell == "" and column not in ("segments", "name", "industry", "region", "manager")
                          else cell for column, cell in zip(header_out, row)) for row in table[1:]]
        results.append((case, header_out, rows_out, elapsed))
        os.unlink(clean.name)
    return results


def sql_string(text):
    return "'" + text.replace("'", "''") + "'"


def main():
    engine, manifest = sys.argv[1], sys.argv[2]
    cases = json.load(open(manifest, encoding="utf-8"))
    runner = {"duckdb": run_duckdb, "spark": run_spark, "postgres": run_postgres}[engine]
    results = runner(cases)
    failed = False
    for case, header, rows, elapsed in results:
        ok, message = compare(case, header, rows, read_expected(case["expected"]))
        print(f"{engine} {'ok' if ok else 'FAILED'} {message} [{elapsed:.1f} s]")
        failed = failed or not ok
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
