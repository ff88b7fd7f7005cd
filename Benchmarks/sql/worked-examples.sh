#!/usr/bin/env bash
# Runs the worked examples of docs/sql-export.md and checks each result against kam rank:
#   1. DuckDB on a CSV (datasets/prospects.csv), the doc's Python as written;
#   2. Spark on a Parquet dataset of text cells (the default --cells text);
#   3. Spark on a Parquet dataset of typed columns (--cells typed --no-rank), the doc's
#      Python with a local folder for s3://lake/crm/prospects/.
# The Parquet files are written by DuckDB from a `kam generate` list (3 and 2) or the sample.
# Usage (from the repository root): KAM=.build/release/kam bash Benchmarks/sql/worked-examples.sh [ROWS]
# Needs python3 with duckdb and pyspark, and Java 17.
set -euo pipefail
cd "$(dirname "$0")/../.."
kam=$(realpath "${KAM:-.build/debug/kam}")
rows=${1:-20000}
root=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
mkdir -p datasets lake/crm
cp "$root/datasets/prospects.csv" datasets/

# compare KAM_CSV OTHER LABEL [--no-rank]: same accounts, grades and scores within 1e-9.
compare() {
  python3 - "$@" <<'PY'
import duckdb, os, sys
kam, other, label = sys.argv[1:4]
pattern = other + ("/*.csv" if os.path.isdir(other) else "")
row = duckdb.connect().execute(f"""
    SELECT count(*), (SELECT count(*) FROM read_csv('{kam}', header = true, all_varchar = true)),
           (SELECT count(*) FROM read_csv('{pattern}', header = true, all_varchar = true)),
           sum(CASE WHEN k.grade = o.grade THEN 0 ELSE 1 END),
           max(greatest(abs(CAST(k.value AS DOUBLE) - CAST(o.value AS DOUBLE)),
                        abs(CAST(k.difficulty AS DOUBLE) - CAST(o.difficulty AS DOUBLE)),
                        abs(CAST(k.priority AS DOUBLE) - CAST(o.priority AS DOUBLE))))
    FROM read_csv('{kam}', header = true, all_varchar = true) k
    JOIN read_csv('{pattern}', header = true, all_varchar = true) o USING (account_id)""").fetchone()
joined, kam_rows, other_rows, mismatches, largest = row
ok = joined == kam_rows == other_rows and mismatches == 0 and largest <= 1e-9
print(f"{label}: {other_rows} rows, {joined} matched kam's {kam_rows}, {mismatches} grade mismatches, "
      f"largest score difference {largest:.2g} -> {'agree' if ok else 'DISAGREE'}")
sys.exit(0 if ok else 1)
PY
}

echo "== 1. DuckDB on a CSV (datasets/prospects.csv)"
"$kam" model export --sql --line-column line --output model.sql
python3 - <<'PY'
import duckdb
con = duckdb.connect()
con.execute("""CREATE VIEW prospects AS SELECT *, row_number() OVER () AS line
               FROM read_csv('datasets/prospects.csv', header = true, all_varchar = true,
                             delim = ',', quote = '"', escape = '"', ignore_errors = true)""")
con.execute("COPY (" + open("model.sql").read() + ") TO 'ranked.csv' (HEADER)")
PY
"$kam" rank datasets/prospects.csv --format csv --digits 12 --output kam-sample.csv --rejects kam-sample.rejects.csv --quiet
compare kam-sample.csv ranked.csv "DuckDB on CSV"

echo "== 2. Spark on a Parquet dataset of text cells ($rows generated rows)"
"$kam" generate --rows "$rows" --seed 7 --output list.csv
"$kam" rank list.csv --format csv --digits 12 --output kam-list.csv --rejects kam-list.rejects.csv --quiet
python3 - <<'PY'
import duckdb
duckdb.sql("COPY (SELECT * FROM read_csv('list.csv', header = true, all_varchar = true)) TO 'lake/crm/text.parquet' (FORMAT parquet)")
PY
"$kam" model export --sql --dialect spark --output model-text.sql
python3 - <<'PY'
from pyspark.sql import SparkSession
spark = SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false").getOrCreate()
spark.sparkContext.setLogLevel("ERROR")
spark.read.parquet("lake/crm/text.parquet").createOrReplaceTempView("prospects")
scored = spark.sql(open("model-text.sql").read())
scored.write.mode("overwrite").option("header", True).csv("scored-text")
scored.groupBy("grade").count().orderBy("grade").show()
spark.stop()
PY
compare kam-list.csv scored-text "Spark on Parquet (text cells)"

echo "== 3. Spark on a Parquet dataset of typed columns (--cells typed --no-rank)"
# Numbers in the model's units: 万元 columns in 万 (亿 × 10,000), percent columns in points.
python3 - <<'PY'
import duckdb
def number(column, unit=None):
    text = f"replace(trim({column}), ',', '')"
    if unit == "wan":
        return (f"CASE WHEN {text} LIKE '%亿%' THEN TRY_CAST(regexp_replace({text}, '亿元?$', '') AS DOUBLE) * 10000 "
                f"ELSE TRY_CAST(regexp_replace({text}, '万元?$', '') AS DOUBLE) END AS {column}")
    if unit == "percent":
        return f"TRY_CAST(regexp_replace({text}, '%$', '') AS DOUBLE) AS {column}"
    return f"TRY_CAST({text} AS DOUBLE) AS {column}"
columns = [number("annual_ad_budget", "wan"), number("expected_share", "percent"), number("strategic_importance"),
           number("service_fit"), number("expected_margin", "percent"), number("development_cost", "wan"),
           number("deal_risk"), number("incumbent_strength"), number("payment_delay_days"), number("tech_difficulty"),
           number("decision_cycle_months"), number("support_balance")]
typed = ["annual_ad_budget", "expected_share", "strategic_importance", "service_fit", "expected_margin",
         "development_cost", "deal_risk", "incumbent_strength", "payment_delay_days", "tech_difficulty",
         "decision_cycle_months", "support_balance"]
duckdb.sql(f"""COPY (SELECT * EXCLUDE ({', '.join(typed)}), {', '.join(columns)}
                     FROM read_csv('list.csv', header = true, all_varchar = true))
               TO 'lake/crm/prospects' (FORMAT parquet, PER_THREAD_OUTPUT true)""")
PY
"$kam" model export --sql --dialect spark --cells typed --no-rank --output model.sql
python3 - <<'PY'
from pyspark.sql import SparkSession
spark = SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false").getOrCreate()
spark.sparkContext.setLogLevel("ERROR")
spark.read.parquet("lake/crm/prospects/").createOrReplaceTempView("prospects")
scored = spark.sql(open("model.sql").read())
scored.write.mode("overwrite").parquet("lake/crm/prospects_scored/")
scored.groupBy("grade").count().show()
scored.write.mode("overwrite").option("header", True).csv("scored-typed")
spark.stop()
PY
compare kam-list.csv scored-typed "Spark on Parquet (typed columns)"
