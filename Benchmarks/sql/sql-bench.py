#!/usr/bin/env python3
"""kam rank against the model exported as SQL (kam model export --sql), run in DuckDB and in
Spark local mode, on the same `kam generate` list: wall time and peak memory (RSS of the
whole process tree, from GNU time), medians of alternating runs, and the agreement check
(same accounts, same grades, largest score difference).

Each engine does the whole job a user would run: read the CSV, score every row, write every
row to a CSV file.
  kam     kam rank LIST --format csv --digits 12 --output OUT
  duckdb  COPY (<exported query> over read_csv(LIST, all_varchar)) TO OUT
  spark   spark.read.csv(LIST) as a view, spark.sql(<exported query>), write.csv(OUT)
          (includes the JVM's start, about 5-10 s on these machines; printed separately;
          peak memory is the Python driver's plus the JVM's VmHWM, read from /proc)

Usage (from the repository root, after swift build -c release):
  python3 Benchmarks/sql/sql-bench.py --rows 10000000 --runs 3 [--engines kam,duckdb,spark]
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))

DUCKDB_RUNNER = r'''
import duckdb, sys, time
data, query, out, threads = sys.argv[1], open(sys.argv[2]).read(), sys.argv[3], sys.argv[4]
c = duckdb.connect()
c.execute(f"SET threads = {threads}")
source = ("read_csv('" + data + "', header = true, all_varchar = true, delim = ',', quote = '\"', escape = '\"')")
c.execute("CREATE VIEW prospects AS SELECT * FROM " + source)
c.execute("COPY (" + query.rstrip().rstrip(";") + ") TO '" + out + "' (HEADER, DELIMITER ',')")
'''

SPARK_RUNNER = r'''
import sys, time
started = time.time()
from pyspark.sql import SparkSession
data, query, out, threads, memory = sys.argv[1], open(sys.argv[2]).read(), sys.argv[3], sys.argv[4], sys.argv[5]
spark = (SparkSession.builder.master(f"local[{threads}]").config("spark.ui.enabled", "false")
         .config("spark.driver.memory", memory).getOrCreate())
spark.sparkContext.setLogLevel("ERROR")
ready = time.time()
spark.read.option("header", True).csv(data).createOrReplaceTempView("prospects")
spark.sql(query).write.mode("overwrite").option("header", True).csv(out)
done = time.time()
print(f"spark-session-start {ready - started:.2f}", file=sys.stderr)
# GNU time sees the Python driver only: the JVM that does the work is not its waited-for
# child. Its peak resident memory (VmHWM) is read from /proc before it stops.
try:
    jvm = spark.sparkContext._gateway.proc.pid
    with open(f"/proc/{jvm}/status") as status:
        peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    print(f"spark-jvm-peak-kib {peak}", file=sys.stderr)
except Exception as error:  # not launched by this Python (e.g. spark-submit)
    print(f"spark-jvm-peak-unknown {error}", file=sys.stderr)
spark.stop()
'''


def timed(command, env=None):
    """Runs a command under GNU time; returns (seconds, peak MiB, stderr)."""
    with tempfile.NamedTemporaryFile(mode="r", suffix=".time") as report:
        started = time.time()
        result = subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", report.name] + command,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
        elapsed = time.time() - started
        if result.returncode != 0:
            sys.exit(f"failed: {' '.join(command)}\n{result.stderr[-3000:]}")
        fields = report.read().split()
        return elapsed, int(fields[-1]) / 1024, result.stderr


def agreement(kam_csv, other, label):
    """Same accounts and grades, largest |difference| of value, difficulty, priority."""
    import duckdb
    c = duckdb.connect()
    pattern = other + ("/*.csv" if os.path.isdir(other) else "")
    row = c.execute(f"""
        SELECT count(*) AS joined,
               (SELECT count(*) FROM read_csv('{kam_csv}', header = true, all_varchar = true)) AS kam_rows,
               (SELECT count(*) FROM read_csv('{pattern}', header = true, all_varchar = true)) AS other_rows,
               sum(CASE WHEN k.grade = o.grade THEN 0 ELSE 1 END) AS grade_mismatches,
               max(greatest(abs(CAST(k.value AS DOUBLE) - CAST(o.value AS DOUBLE)),
                            abs(CAST(k.difficulty AS DOUBLE) - CAST(o.difficulty AS DOUBLE)),
                            abs(CAST(k.priority AS DOUBLE) - CAST(o.priority AS DOUBLE)))) AS largest
        FROM read_csv('{kam_csv}', header = true, all_varchar = true) k
        JOIN read_csv('{pattern}', header = true, all_varchar = true) o USING (account_id)
    """).fetchone()
    joined, kam_rows, other_rows, mismatches, largest = row
    ok = joined == kam_rows == other_rows and mismatches == 0 and largest <= 1e-9
    return (f"{label}: {other_rows} rows, {joined} matched kam's {kam_rows}, {mismatches} grade mismatches, "
            f"largest score difference {largest:.2g} -> {'agree' if ok else 'DISAGREE'}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--engines", default="kam,duckdb,spark")
    parser.add_argument("--kam", default=".build/release/kam")
    parser.add_argument("--model", default="models/default.yaml")
    parser.add_argument("--threads", default="2")
    parser.add_argument("--spark-memory", default="4g")
    parser.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "kam-sql-bench"))
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    data = os.path.join(args.work, f"prospects-{args.rows}.csv")
    if not os.path.exists(data):
        subprocess.run([args.kam, "generate", "--rows", str(args.rows), "--output", data], check=True)
    queries = {}
    for dialect in ("duckdb", "spark"):
        queries[dialect] = os.path.join(args.work, f"model.{dialect}.sql")
        subprocess.run([args.kam, "model", "export", "--sql", "--model", args.model, "--dialect", dialect,
                        "--output", queries[dialect]], check=True)
    outputs = {engine: os.path.join(args.work, f"out-{engine}.csv") for engine in ("kam", "duckdb", "spark")}
    commands = {
        "kam": [args.kam, "rank", data, "--model", args.model, "--format", "csv", "--digits", "12",
                "--output", outputs["kam"], "--quiet"],
        "duckdb": [sys.executable, "-c", DUCKDB_RUNNER, data, queries["duckdb"], outputs["duckdb"], args.threads],
        "spark": [sys.executable, "-c", SPARK_RUNNER, data, queries["spark"], outputs["spark"], args.threads,
                  args.spark_memory],
    }
    engines = args.engines.split(",")
    results = {engine: [] for engine in engines}
    starts = []
    for run in range(args.runs):
        for engine in engines:  # alternate: one run of each engine per round
            seconds, mebibytes, stderr = timed(commands[engine])
            for line in stderr.splitlines():
                if line.startswith("spark-session-start"):
                    starts.append(float(line.split()[1]))
                if line.startswith("spark-jvm-peak-kib"):
                    # The driver's Python and the JVM run side by side: their peaks add up.
                    mebibytes += int(line.split()[1]) / 1024
            results[engine].append((seconds, mebibytes))
            print(f"round {run + 1} {engine}: {seconds:.2f} s, {mebibytes:.0f} MiB", flush=True)
    print(f"\n{args.rows:,} rows, model {args.model}, {args.runs} alternating rounds, {args.threads} threads")
    base = statistics.median(s for s, _ in results["kam"]) if "kam" in results else None
    print("| engine | median wall time | range | median peak memory | time / kam's |")
    print("|---|---|---|---|---|")
    for engine in engines:
        times = [s for s, _ in results[engine]]
        memory = statistics.median(m for _, m in results[engine])
        ratio = f"{statistics.median(times) / base:.1f}x" if base else "-"
        print(f"| {engine} | {statistics.median(times):.2f} s | {min(times):.2f}-{max(times):.2f} s | {memory:.0f} MiB | {ratio} |")
    if starts:
        print(f"Spark session start (in its times): median {statistics.median(starts):.1f} s")
    if "kam" in engines:
        for engine in engines:
            if engine != "kam":
                print(agreement(outputs["kam"], outputs[engine], engine))


if __name__ == "__main__":
    main()
