import Foundation
import ScoringTestSupport
import Testing

/// Every `--format json` output validates against its published schema in `docs/schemas/`
/// (checked by Python's jsonschema, Draft 2020-12), in English and Chinese, on the bundled
/// data and on lists with missing cells.
@Suite(
    "JSON outputs validate against docs/schemas", .serialized,
    .enabled(if: PythonTools.hasModule("jsonschema"), "needs Python's jsonschema (pip install jsonschema); .ci/run installs it"))
struct JSONSchemaTests {
    /// The schema file, and the command lines whose output it describes (run in the package
    /// root; `$DIR` is a scratch folder, `$HISTORY` a run history with two recorded runs).
    static let cases: [(schema: String, runs: [[String]])] = [
        (
            "rank",
            [
                ["rank", "datasets/prospects.csv", "--rejects", "$DIR/r.csv"],
                ["rank", "datasets/prospects.csv", "--lang", "zh", "--top", "5", "--rejects", "$DIR/r.csv"],
                [
                    "rank", "datasets/prospects.csv", "--model", "Tests/KamTests/Snapshots/rank-writer/calibrated.yaml", "--rejects",
                    "$DIR/r.csv",
                ],
            ]
        ),
        ("validate", [["validate", "datasets/prospects.csv", "--rejects", "$DIR/r.csv"]]),
        (
            "explain",
            [["explain", "K-000021", "datasets/prospects.csv"], ["explain", "K-000001", "datasets/prospects.csv", "--lang", "zh"]]
        ),
        ("sensitivity", [["sensitivity", "datasets/prospects.csv", "--samples", "100", "--show", "5"]]),
        (
            "forecast",
            [
                ["forecast", "datasets/prospects.csv", "--runs", "100", "--rejects", "$DIR/r.csv"],
                ["forecast", "datasets/prospects.csv", "--runs", "50", "--lang", "zh", "--top", "5", "--rejects", "$DIR/r.csv"],
            ]
        ),
        (
            "allocate",
            [
                ["allocate", "datasets/prospects.csv", "--rejects", "$DIR/r.csv"],
                ["allocate", "datasets/prospects.csv", "--policy", "grade", "--rejects", "$DIR/r.csv"],
            ]
        ),
        ("simulate", [["simulate", "datasets/prospects.csv", "--runs", "20", "--rejects", "$DIR/r.csv"]]),
        (
            "kpi",
            [
                ["kpi", "--plan", "datasets/kpi-plan.csv", "--actual", "datasets/kpi-actuals.csv", "--rejects-dir", "$DIR"],
                [
                    "kpi", "--plan", "datasets/kpi-plan.csv", "--actual", "datasets/kpi-actuals.csv", "--by", "team", "--rejects-dir",
                    "$DIR",
                ],
                [
                    "kpi", "--plan", "datasets/kpi-plan.csv", "--actual", "datasets/kpi-actuals.csv", "--prospects",
                    "datasets/prospects.csv",
                    "--lang", "zh", "--rejects-dir", "$DIR",
                ],
            ]
        ),
        ("backtest", [["backtest", "datasets/history/events.csv", "datasets/history/snapshots.csv", "--cut", "2022-01-01"]]),
        ("pipeline", [["pipeline", "show"], ["pipeline", "show", "--lang", "zh"]]),
        ("model-show", [["model", "show"]]),
        ("model-fit", [["model", "fit", "datasets/history.csv", "--output", "$DIR/fit.yaml"]]),
        ("weights-ahp", [["weights", "ahp", "datasets/judgements.yaml"]]),
        ("weights-fit", [["weights", "fit", "datasets/history.csv"]]),
        ("runs", [["runs", "$HISTORY"]]),
        ("changes", [["changes", "$HISTORY"], ["changes", "$HISTORY", "--lang", "zh", "--top", "3"]]),
        ("history", [["history", "K-000001", "$HISTORY"]]),
    ]

    static let validate = """
        import json, sys, jsonschema
        schema = json.load(open(sys.argv[1], encoding="utf-8"))
        jsonschema.Draft202012Validator.check_schema(schema)
        validator = jsonschema.Draft202012Validator(schema)
        for path in sys.argv[2:]:
            errors = sorted(validator.iter_errors(json.load(open(path, encoding="utf-8"))), key=lambda e: list(e.path))
            for error in errors[:5]:
                print(f"{path}: {'/'.join(map(str, error.path))}: {error.message}")
        """

    /// A run history with two recorded runs of generated lists.
    static func history(in directory: String) throws -> String {
        let database = directory + "/history.sqlite"
        for seed in ["3", "4"] {
            let list = directory + "/list\(seed).csv"
            _ = try KamRunner.run(["generate", "--rows", "300", "--seed", seed, "--bad-rows", "3", "--output", list])
            _ = try KamRunner.run(["rank", list, "--record", database, "--quiet", "--rejects", directory + "/h.csv"])
        }
        return database
    }

    @Test("every command's JSON output validates against docs/schemas/<command>.schema.json", arguments: cases.map(\.schema))
    func validates(schema: String) throws {
        let directory = try KamRunner.temporaryDirectory()
        let runs = try #require(Self.cases.first { $0.schema == schema }?.runs)
        let history = runs.joined().contains("$HISTORY") ? try Self.history(in: directory) : ""
        var outputs: [String] = []
        for (index, arguments) in runs.enumerated() {
            let expanded = arguments.map {
                $0.replacingOccurrences(of: "$DIR", with: directory).replacingOccurrences(of: "$HISTORY", with: history)
            }
            let outcome = try KamRunner.run(expanded + ["--format", "json"])
            // validate exits 65 when a row cannot be scored, and still reports it.
            #expect(
                outcome.status == 0 || (schema == "validate" && outcome.status == 65),
                "\(expanded.joined(separator: " ")): \(outcome.standardError)")
            let path = directory + "/out\(index).json"
            try Data(outcome.standardOutput.utf8).write(to: URL(fileURLWithPath: path))
            outputs.append(path)
        }
        let schemaPath = Paths.packageRoot + "/docs/schemas/\(schema).schema.json"
        #expect(FileManager.default.fileExists(atPath: schemaPath), "no schema \(schemaPath)")
        let problems = try PythonTools.run(Self.validate, [schemaPath] + outputs)
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test("a schema rejects what it must: a missing cell given as \"NA\" where a number belongs, a missing key")
    func schemasBite() throws {
        let directory = try KamRunner.temporaryDirectory()
        let outcome = try KamRunner.run([
            "rank", "datasets/prospects.csv", "--format", "json", "--quiet", "--rejects", directory + "/r.csv",
        ])
        var object = try #require(try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any])
        var accounts = try #require(object["accounts"] as? [[String: Any]])
        accounts[0]["deal_value"] = "NA"
        accounts[1].removeValue(forKey: "grade")
        object["accounts"] = accounts
        let path = directory + "/broken.json"
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
        let problems = try PythonTools.run(Self.validate, [Paths.packageRoot + "/docs/schemas/rank.schema.json", path])
        #expect(problems.contains("accounts/0/deal_value: 'NA' is not of type 'number', 'null'"), "\(problems)")
        #expect(problems.contains("accounts/1: 'grade' is a required property"), "\(problems)")
    }
}
