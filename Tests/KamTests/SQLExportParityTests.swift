import Foundation
import ScoringTestSupport
import Testing

/// `kam model export --sql` against `kam rank --format csv --digits 12`, scored by DuckDB and
/// by Spark in local mode (Tests/SQLParity/sql_parity.py): the bundled sample, a
/// 100,000-row `kam generate` list (with 25 bad rows of every kind) and three models — the
/// default one, one learned by `kam model fit datasets/history.csv`, and
/// Tests/SQLParity/models/every-scale.yaml (min-max and z-score scales, every missing
/// policy, binned and categorical-with-other scales, value_per_difficulty, isotonic
/// calibration), Tests/SQLParity/models/interaction.yaml (two pairwise interactions), plus Tests/SQLParity/data/tricky-cells.csv (units, currency signs,
/// separators, exponents, missing codes and cells kam rejects) with the default model. Every account: same accepted set, same grade under every scenario, same
/// segments and stage, rank equal up to ties within 1e-9, every number within 1e-9.
///
/// Skips with the reason when python3 lacks duckdb or pyspark, or no PostgreSQL server is
/// named by PGHOST (`.ci/run` installs all three and starts the server); under
/// `KAM_REQUIRE_TOOLS=1` (CI) a missing tool fails instead.
@Suite("SQL export parity with kam rank", .serialized)
struct SQLExportParityTests {
    static let hasDuckDB = PythonTools.hasModule("duckdb")
    static let hasSpark = PythonTools.hasModule("pyspark") && (requireTools || commandRuns(["java", "-version"]))
    /// A PostgreSQL server named by PGHOST (`.ci/run` installs Debian's `postgresql` and
    /// starts one as a scratch user) and psql. Under `KAM_REQUIRE_TOOLS=1` (CI) a missing
    /// server fails the test instead of skipping it.
    static let hasPostgres =
        requireTools || (ProcessInfo.processInfo.environment["PGHOST"] != nil && commandRuns(["psql", "--version"]))
    static let requireTools = ProcessInfo.processInfo.environment["KAM_REQUIRE_TOOLS"] == "1"

    static func commandRuns(_ arguments: [String]) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The cases' files, made once for both engines: lists, models, kam's rankings.
    static let prepared: Result<String, Failure> = {
        do {
            let folder = try KamRunner.temporaryDirectory()
            func kam(_ arguments: [String]) throws {
                let outcome = try KamRunner.run(arguments)
                guard outcome.status == 0 else {
                    throw Failure(description: "kam \(arguments.joined(separator: " ")): \(outcome.standardError)")
                }
            }
            try kam(["generate", "--rows", "100000", "--bad-rows", "25", "--output", folder + "/p100k.csv"])
            try kam(["model", "fit", "datasets/history.csv", "--output", folder + "/learned.yaml"])
            let lists = [("sample", Paths.packageRoot + "/datasets/prospects.csv"), ("p100k", folder + "/p100k.csv")]
            let models = [
                ("default", Paths.packageRoot + "/models/default.yaml"), ("learned", folder + "/learned.yaml"),
                ("every-scale", Paths.packageRoot + "/Tests/SQLParity/models/every-scale.yaml"),
                ("interaction", Paths.packageRoot + "/Tests/SQLParity/models/interaction.yaml"),
            ]
            var manifests: [String: [[String: String]]] = [:]
            let tricky = Paths.packageRoot + "/Tests/SQLParity/data/tricky-cells.csv"
            let pairs = lists.flatMap { list in models.map { (list, $0) } } + [(("tricky-cells", tricky), models[0])]
            for ((list, data), (name, model)) in pairs {
                do {
                    let stem = "\(folder)/\(list)-\(name)"
                    // Rejected rows go to their own file; kam exits 0 with them.
                    try kam([
                        "rank", data, "--model", model, "--format", "csv", "--digits", "12", "--output", stem + ".kam.csv",
                        "--rejects", stem + ".rejects.csv", "--quiet",
                    ])
                    for dialect in ["duckdb", "spark", "postgres"] {
                        try kam([
                            "model", "export", "--sql", "--model", model, "--dialect", dialect, "--line-column", "kam_line",
                            "--output", "\(stem).\(dialect).sql",
                        ])
                        manifests[dialect, default: []].append([
                            "name": "\(list)/\(name)", "data": data, "sql": "\(stem).\(dialect).sql",
                            "expected": stem + ".kam.csv", "line_column": "kam_line",
                        ])
                    }
                }
            }
            for (dialect, cases) in manifests {
                let data = try JSONSerialization.data(withJSONObject: cases, options: [.prettyPrinted])
                try data.write(to: URL(fileURLWithPath: "\(folder)/\(dialect).json"))
            }
            return .success(folder)
        } catch let failure as Failure {
            return .failure(failure)
        } catch {
            return .failure(Failure(description: "\(error)"))
        }
    }()

    /// Runs the parity script for one engine over all cases; returns its report.
    static func runParity(_ engine: String) throws -> String {
        let folder = try prepared.get()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Paths.packageRoot + "/Tests/SQLParity/sql_parity.py", engine, "\(folder)/\(engine).json"]
        process.currentDirectoryURL = URL(fileURLWithPath: Paths.packageRoot)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let report = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw Failure(description: report) }
        return report
    }

    @Test(
        "DuckDB scores every account as kam rank does (sample, 100,000 rows, tricky cells; default, learned, every-scale, interaction models)",
        .enabled(if: hasDuckDB, "python3 has no duckdb module: pip install duckdb (.ci/run does)"))
    func duckDB() throws {
        let report = try Self.runParity("duckdb")
        print(report)
        #expect(report.components(separatedBy: "duckdb ok ").count - 1 == 9)
    }

    @Test(
        "Spark local mode scores every account as kam rank does (one session for all nine cases)",
        .enabled(if: hasSpark, "python3 has no pyspark module or java is missing: pip install pyspark (.ci/run does)"))
    func spark() throws {
        let report = try Self.runParity("spark")
        print(report)
        #expect(report.components(separatedBy: "spark ok ").count - 1 == 9)
    }

    @Test(
        "PostgreSQL scores every account as kam rank does (sample, 100,000 rows, tricky cells; default, learned, every-scale, interaction models)",
        .enabled(if: hasPostgres, "no PostgreSQL server: set PGHOST (and PGPORT, PGUSER, PGDATABASE) to run it; .ci/run starts one"))
    func postgres() throws {
        let report = try Self.runParity("postgres")
        print(report)
        #expect(report.components(separatedBy: "postgres ok ").count - 1 == 9)
    }
}
