import Foundation
import ScoringTestSupport
import Testing
import ZIPFoundation

/// Every command of `kam --help`, in every output format it has, against golden files in
/// `Golden/commands/` (one file per case: the command line, the exit status, standard
/// output, standard error and any file the command wrote), compared byte for byte.
///
/// Each case runs in a fresh scratch folder that holds links to the package's `datasets/`
/// and `models/`, so every path the output names is the same relative path on every
/// machine. Workbooks are compared by the XML parts inside them, never the zip bytes.
/// Times (the run history's `recorded_at`) are the only other part normalised, in the
/// cases that say so. Re-record with `KAM_UPDATE_GOLDEN=1 swift test --filter
/// CommandGoldenTests` and read the diff (see `Golden`).
@Suite("Golden files: every command and format, byte for byte")
struct CommandGoldenTests {
    static let folder = Paths.packageRoot + "/Tests/KamTests/Golden/commands"

    /// One golden case: a `kam` command line run in a scratch folder.
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let arguments: [String]
        /// Files the command writes (relative to the scratch folder) that join the golden file.
        var files: [String] = []
        /// `kam` command lines run first (their output is not compared).
        var setup: [[String]] = []
        /// Files written into the scratch folder first: name → contents.
        var inputs: [String: Data] = [:]
        /// Replace ISO 8601 UTC times (`2026-12-05T00:36:00Z`) by a placeholder of the same length.
        var normalizeTimes = false
        /// Write the files' full-precision numbers (13 or more decimals: a fitted model's
        /// coefficients) to 9 significant digits and their lines' padding as single spaces:
        /// their last digits follow the BLAS kernels of the machine (OpenBLAS picks them by
        /// processor), not kam.
        var roundsFullPrecision = false

        var testDescription: String { name }
    }

    /// `models/default.yaml` with `edits` applied (each `find` must occur).
    static func editedModel(_ edits: [(String, String)]) -> Data {
        var text = (try? String(contentsOfFile: Paths.packageRoot + "/models/default.yaml", encoding: .utf8)) ?? ""
        for (find, replacement) in edits {
            precondition(text.contains(find), "golden case edit: '\(find)' is not in models/default.yaml")
            text = text.replacingOccurrences(of: find, with: replacement)
        }
        return Data(text.utf8)
    }

    /// A `model show --model bad.yaml` case with `models/default.yaml` edited.
    static func brokenModel(_ name: String, _ edits: [(String, String)]) -> Case {
        Case(name: "error-model-" + name, arguments: ["model", "show", "--model", "bad.yaml"], inputs: ["bad.yaml": editedModel(edits)])
    }

    static let list = "datasets/prospects.csv"
    static let history = "datasets/history-small.csv"
    static let events = "datasets/history/events.csv"
    static let snapshots = "datasets/history/snapshots.csv"
    static let formats = ["table", "markdown", "csv", "json"]

    /// `arguments` once per format (`name-FORMAT`), table with no `--format`.
    static func everyFormat(
        _ name: String, _ arguments: [String], files: [String] = [], setup: [[String]] = [], normalizeTimes: Bool = false
    )
        -> [Case]
    {
        formats.map { format in
            Case(
                name: "\(name)-\(format)", arguments: arguments + (format == "table" ? [] : ["--format", format]), files: files,
                setup: setup, normalizeTimes: normalizeTimes)
        }
    }

    static let recordTwoRuns: [[String]] = [
        ["rank", list, "--record", "runs.sqlite", "--quiet", "--rejects", "r.csv", "--top", "1"],
        ["rank", list, "--record", "runs.sqlite", "--quiet", "--rejects", "r.csv", "--top", "1", "--scenario", "growth"],
    ]

    static let cases: [Case] = {
        var cases: [Case] = []
        // rank: every format, both languages, scenarios, encodings, a workbook, the history.
        cases += everyFormat("rank", ["rank", list, "--top", "12", "--quiet", "--rejects", "rejects.csv"])
        cases[0].files = ["rejects.csv"]
        cases += [
            Case(name: "rank-table-zh", arguments: ["rank", list, "--top", "6", "--lang", "zh", "--quiet", "--rejects", "r.csv"]),
            Case(
                name: "rank-json-zh-grades",
                arguments: [
                    "rank", list, "--format", "json", "--lang", "zh", "--grade", "A", "--top", "3", "--quiet", "--rejects", "r.csv",
                ]),
            Case(
                name: "rank-markdown-growth",
                arguments: ["rank", list, "--format", "markdown", "--scenario", "growth", "--top", "8", "--quiet", "--rejects", "r.csv"]),
            Case(
                name: "rank-csv-excel",
                arguments: ["rank", list, "--format", "csv", "--excel", "--top", "5", "--quiet", "--rejects", "r.csv"]),
            Case(
                name: "rank-csv-gb18030",
                arguments: ["rank", list, "--format", "csv", "--output-encoding", "gb18030", "--top", "5", "--quiet", "--rejects", "r.csv"]),
            Case(name: "rank-csv-all", arguments: ["rank", list, "--format", "csv", "--quiet", "--rejects", "r.csv"]),
            Case(
                name: "rank-xlsx",
                arguments: ["rank", list, "--format", "xlsx", "--output", "ranked.xlsx", "--top", "15", "--quiet", "--rejects", "r.csv"],
                files: ["ranked.xlsx"]),
            Case(name: "rank-warnings", arguments: ["rank", list, "--top", "3", "--rejects", "rejects.csv"]),
            Case(name: "rank-record", arguments: ["rank", list, "--top", "3", "--record", "runs.sqlite", "--rejects", "r.csv"]),
        ]
        // validate
        cases += everyFormat("validate", ["validate", list, "--quiet"])
        cases.append(Case(name: "validate-zh", arguments: ["validate", list, "--lang", "zh"]))
        // init
        cases.append(Case(name: "init", arguments: ["init", history, "--output", "draft.yaml"], files: ["draft.yaml"]))
        cases.append(Case(name: "init-no-outcome", arguments: ["init", list, "--output", "draft.yaml", "--quiet"], files: ["draft.yaml"]))
        // model show / fit / export
        cases += everyFormat("model-show", ["model", "show"])
        cases.append(Case(name: "model-show-zh", arguments: ["model", "show", "--lang", "zh"]))
        cases += everyFormat("model-fit", ["model", "fit", history, "--output", "fit.yaml", "--quiet"])
        cases[cases.count - 4].files = ["fit.yaml"]
        cases[cases.count - 4].roundsFullPrecision = true
        for view in ["groups", "metrics", "grades"] {
            cases.append(
                Case(
                    name: "model-fit-csv-\(view)",
                    arguments: ["model", "fit", history, "--output", "fit.yaml", "--quiet", "--format", "csv", "--view", view]))
        }
        for dialect in ["duckdb", "spark", "postgres"] {
            cases.append(Case(name: "model-export-\(dialect)", arguments: ["model", "export", "--sql", "--dialect", dialect]))
        }
        cases.append(
            Case(
                name: "model-export-typed-view",
                arguments: ["model", "export", "--sql", "--cells", "typed", "--view", "scored", "--scenario", "growth", "--lang", "zh"]))
        // generate
        cases.append(Case(name: "generate", arguments: ["generate", "--rows", "12", "--seed", "3"]))
        cases.append(Case(name: "generate-outcomes-crlf", arguments: ["generate", "--rows", "8", "--seed", "4", "--outcomes", "--crlf"]))
        cases.append(
            Case(
                name: "generate-bad-rows",
                arguments: ["generate", "--rows", "20", "--seed", "5", "--bad-rows", "3", "--blank-rate", "0.1", "--output", "g.csv"],
                files: ["g.csv"]))
        // kpi
        let kpi = ["kpi", "--plan", "datasets/kpi-plan.csv", "--actual", "datasets/kpi-actuals.csv", "--quiet"]
        cases += everyFormat("kpi", kpi)
        cases.append(Case(name: "kpi-team-zh", arguments: kpi + ["--by", "team", "--lang", "zh"]))
        cases.append(Case(name: "kpi-prospects", arguments: kpi + ["--prospects", list]))
        // weights
        cases += everyFormat("weights-ahp", ["weights", "ahp", "datasets/judgements.yaml"])
        cases.append(
            Case(
                name: "weights-ahp-write-model",
                arguments: ["weights", "ahp", "datasets/judgements.yaml", "--write-model", "ahp.yaml", "--lang", "zh"], files: ["ahp.yaml"])
        )
        cases += everyFormat("weights-fit", ["weights", "fit", history])
        // sensitivity, explain
        cases += everyFormat("sensitivity", ["sensitivity", list, "--samples", "60", "--show", "6", "--quiet"])
        cases += everyFormat("explain", ["explain", "K-000010", list])
        cases.append(Case(name: "explain-zh", arguments: ["explain", "K-000020", list, "--lang", "zh"]))
        // pipeline
        cases += everyFormat("pipeline-fit", ["pipeline", "fit", events, "--output", "p.yaml"])
        cases[cases.count - 4].files = ["p.yaml"]
        cases += everyFormat("pipeline-show", ["pipeline", "show"])
        cases.append(
            Case(
                name: "pipeline-show-csv-outlook",
                arguments: ["pipeline", "show", "--format", "csv", "--view", "outlook", "--horizon", "3"]))
        cases.append(Case(name: "pipeline-show-zh", arguments: ["pipeline", "show", "--lang", "zh"]))
        cases.append(
            Case(
                name: "pipeline-generate", arguments: ["pipeline", "generate", "--accounts", "12", "--months", "6", "--output-dir", "gen"],
                files: ["gen/events.csv", "gen/snapshots.csv"]))
        // forecast, backtest
        cases += everyFormat("forecast", ["forecast", list, "--quiet", "--rejects", "r.csv"])
        cases.append(
            Case(
                name: "forecast-csv-totals",
                arguments: ["forecast", list, "--quiet", "--rejects", "r.csv", "--format", "csv", "--view", "totals"]))
        cases.append(Case(name: "forecast-zh", arguments: ["forecast", list, "--quiet", "--rejects", "r.csv", "--lang", "zh"]))
        let backtest = ["backtest", events, snapshots, "--cut", "2022-01-01", "--quiet"]
        cases += everyFormat("backtest", backtest)
        for view in ["reliability", "revenue", "accounts"] {
            cases.append(Case(name: "backtest-csv-\(view)", arguments: backtest + ["--format", "csv", "--view", view]))
        }
        // allocate, simulate
        cases += everyFormat("allocate", ["allocate", list, "--quiet", "--rejects", "r.csv"])
        cases.append(
            Case(
                name: "allocate-csv-people",
                arguments: ["allocate", list, "--quiet", "--rejects", "r.csv", "--format", "csv", "--view", "people"]))
        cases.append(
            Case(
                name: "allocate-grade-zh",
                arguments: ["allocate", list, "--quiet", "--rejects", "r.csv", "--policy", "grade", "--lang", "zh"]))
        cases += everyFormat("simulate", ["simulate", list, "--quiet", "--runs", "10", "--periods", "2", "--rejects", "r.csv"])
        cases.append(
            Case(
                name: "simulate-compare",
                arguments: ["simulate", list, "--quiet", "--runs", "8", "--periods", "2", "--compare", "--rejects", "r.csv"]))
        // run history: runs, changes, history
        cases += everyFormat("runs", ["runs", "runs.sqlite"], setup: recordTwoRuns, normalizeTimes: true)
        cases += everyFormat("changes", ["changes", "runs.sqlite", "--top", "4"], setup: recordTwoRuns, normalizeTimes: true)
        cases += everyFormat("history", ["history", "K-000010", "runs.sqlite"], setup: recordTwoRuns, normalizeTimes: true)
        // the director's HTML report (its run time is the one normalised part)
        cases += ["en", "zh"].map { lang in
            Case(
                name: "report-\(lang)",
                arguments: [
                    "report", list, "--quiet", "--rejects", "r.csv", "--top", "15", "--team", "models/team.yaml",
                    "--lang", lang, "--output", "report.html",
                ],
                files: ["report.html"], normalizeTimes: true)
        }
        // Errors: wording and exit status, model files above all (typed errors must keep them).
        cases += [
            brokenModel("negative-weight", [("weight: 0.25", "weight: -0.25")]),
            brokenModel("unknown-key", [("    weight: 0.30\n", "    wieght: 0.30\n")]),
            brokenModel("scale-type", [("type: linear, min: 0, max: 60", "type: lenear, min: 0, max: 60")]),
            brokenModel("side", [("side: value\n    weight: 0.25", "side: valeu\n    weight: 0.25")]),
            brokenModel("completeness", [("minimum_completeness: 0.7", "minimum_completeness: 1.7")]),
            brokenModel("bands", [("cuts: [50, 68]", "cuts: [68, 50]")]),
            brokenModel("grid-short", [("high:   [A, A, B]", "high:   [A, A]")]),
            brokenModel("grid-grade", [("high:   [A, A, B]", "high:   [A, A, E]")]),
            brokenModel("penalty", [("difficulty_penalty: 0.5", "difficulty_penalty: lots")]),
            brokenModel("bool", [("grade_first: true", "grade_first: maybe")]),
            brokenModel("scenario-base", [("  - name: growth", "  - name: base")]),
            brokenModel("scenario-factor", [("weights: {budget: 0.45, share: 0.35}", "weights: {budget: 0.45, shares: 0.35}")]),
            brokenModel("duplicate-factor", [("  - id: budget ", "  - id: share ")]),
            brokenModel("condition", [("[cumulative_consumption > 1000, payment_record == good]", "[cumulative_consumption >> 1000]")]),
            brokenModel("unit", [("  deal_value: wan\n  cumulative", "  deal_value: lightyears\n  cumulative")]),
            brokenModel(
                "missing-policy",
                [("    missing: neutral\n    source: \"seed §3.2.3 (五) A\"", "    missing: sometimes\n    source: \"seed §3.2.3 (五) A\"")]),
            brokenModel("yaml-syntax", [("name: default", "name: [default")]),
            brokenModel("calibration", [("\nscenarios:", "\ncalibration:\n  method: magic\n\nscenarios:")]),
            brokenModel("no-factors", [("\nfactors:", "\nfactor:")]),
            brokenModel("not-a-list", [("segments:                           # seed", "segments: none  # seed")]),
            Case(name: "error-model-empty", arguments: ["model", "show", "--model", "bad.yaml"], inputs: ["bad.yaml": Data()]),
            Case(
                name: "error-model-not-utf8", arguments: ["model", "show", "--model", "bad.yaml"],
                inputs: ["bad.yaml": Data([0x6E, 0x61, 0x6D, 0x65, 0x3A, 0x20, 0xFF, 0xFE, 0x0A])]),
            Case(name: "error-model-missing", arguments: ["rank", list, "--model", "no-such-model.yaml"]),
            Case(name: "error-rank-missing-list", arguments: ["rank", "no-such-list.csv"]),
            Case(name: "error-rank-usage", arguments: ["rank", list, "--top", "0"]),
            Case(name: "error-rank-scenario", arguments: ["rank", list, "--scenario", "nope", "--rejects", "r.csv"]),
            Case(name: "error-rank-strict", arguments: ["rank", list, "--strict", "--rejects", "r.csv"]),
            Case(name: "error-unknown-command", arguments: ["rnak", list]),
            Case(name: "error-explain-rejected-row", arguments: ["explain", "K-000091", list]),
            Case(
                name: "error-team", arguments: ["allocate", list, "--quiet", "--rejects", "r.csv", "--team", "bad-team.yaml"],
                inputs: ["bad-team.yaml": Data("people:\n  - name: A\n    hours: lots\n".utf8)]),
            Case(
                name: "error-pipeline", arguments: ["pipeline", "show", "--pipeline", "bad.yaml"],
                inputs: ["bad.yaml": Data("stages: 7\n".utf8)]),
            Case(
                name: "error-scorecard", arguments: kpi + ["--scorecard", "bad.yaml"],
                inputs: ["bad.yaml": Data("name: x\nitems: 3\n".utf8)]),
            Case(
                name: "error-judgements", arguments: ["weights", "ahp", "bad.yaml"],
                inputs: ["bad.yaml": Data("judges:\n  - name: x\n    value:\n      - [share, budget, 12]\n".utf8)]),
            Case(name: "error-history-missing", arguments: ["runs", "none.sqlite"]),
        ]
        return cases
    }()

    // MARK: Running a case

    /// Runs `kam` in `directory` and returns status, standard output and standard error as bytes.
    static func run(_ arguments: [String], in directory: String) throws -> (status: Int32, output: Data, error: Data) {
        let process = Process()
        process.executableURL = KamRunner.executable
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        for key in ["COLUMNS", "KAM_MODEL", "LANG", "LC_ALL"] { environment[key] = nil }
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardInput = FileHandle.nullDevice
        return try KamRunner.capture(process)
    }

    /// A scratch folder with links to the package's `datasets/` and `models/`.
    static func scratchFolder() throws -> String {
        let directory = try KamRunner.temporaryDirectory()
        for name in ["datasets", "models"] {
            try FileManager.default.createSymbolicLink(atPath: directory + "/" + name, withDestinationPath: Paths.packageRoot + "/" + name)
        }
        return directory
    }

    /// The golden record of one case: the command line, exit status, outputs and files written.
    static func record(_ testCase: Case) throws -> Data {
        let directory = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for (name, contents) in testCase.inputs {
            FileManager.default.createFile(atPath: directory + "/" + name, contents: contents)
        }
        for arguments in testCase.setup {
            let outcome = try run(arguments, in: directory)
            guard outcome.status == 0 else {
                throw GoldenCaseError(
                    message: "setup \(arguments) exited \(outcome.status): \(String(decoding: outcome.error, as: UTF8.self))")
            }
        }
        let outcome = try run(testCase.arguments, in: directory)
        var data = Data("$ kam \(testCase.arguments.joined(separator: " "))\nexit status \(outcome.status)\n".utf8)
        func section(_ title: String, _ contents: Data) {
            data.append(Data("@@ \(title) (\(contents.count) bytes)\n".utf8))
            data.append(contents)
            if let last = contents.last, last != UInt8(ascii: "\n") { data.append(Data("\n@@ (no newline at the end)\n".utf8)) }
        }
        section("standard output", outcome.output)
        section("standard error", outcome.error)
        for file in testCase.files {
            let path = directory + "/" + file
            if file.hasSuffix(".xlsx") {
                for (part, contents) in try workbookParts(path) { section("file \(file): \(part)", contents) }
            } else {
                let contents = FileManager.default.contents(atPath: path) ?? Data("(not written)".utf8)
                section("file \(file)", testCase.roundsFullPrecision ? roundingFullPrecision(contents) : contents)
            }
        }
        // Normalised: the scratch folder (should a path name it) and, where asked, times.
        data = Golden.replacing(directory, with: "$SCRATCH", in: data)
        if testCase.normalizeTimes { data = normalizingTimes(data) }
        return data
    }

    /// The XML parts of a workbook, sorted by name (the zip bytes carry dates and compression).
    static func workbookParts(_ path: String) throws -> [(String, Data)] {
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        var parts: [(String, Data)] = []
        for entry in archive where entry.path.hasSuffix(".xml") || entry.path.hasSuffix(".rels") {
            var contents = Data()
            _ = try archive.extract(entry) { contents.append($0) }
            parts.append((entry.path, contents))
        }
        return parts.sorted { $0.0 < $1.0 }
    }

    /// ISO 8601 UTC times replaced by `0000-00-00T00:00:00Z` (same length, so tables keep their widths).
    static func normalizingTimes(_ data: Data) -> Data {
        let text = String(decoding: data, as: UTF8.self)
        let pattern = try! NSRegularExpression(pattern: "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")
        let range = NSRange(text.startIndex..., in: text)
        return Data(pattern.stringByReplacingMatches(in: text, range: range, withTemplate: "0000-00-00T00:00:00Z").utf8)
    }

    /// Numbers with 13 or more decimals written to 9 significant digits, and on their lines
    /// runs of spaces after the indentation as one (comments are aligned after the numbers).
    static func roundingFullPrecision(_ data: Data) -> Data {
        let pattern = try! NSRegularExpression(pattern: "-?[0-9]+\\.[0-9]{13,}(e-?[0-9]+)?")
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let text = String(line)
            let range = NSRange(text.startIndex..., in: text)
            let matches = pattern.matches(in: text, range: range)
            guard !matches.isEmpty else { return text }
            var result = text
            for match in matches.reversed() {
                guard let r = Range(match.range, in: result), let value = Double(result[r]) else { continue }
                result.replaceSubrange(r, with: String(format: "%.9g", value))
            }
            return result.replacingOccurrences(of: "(?<=\\S) {2,}", with: " ", options: .regularExpression)
        }
        return Data(lines.joined(separator: "\n").utf8)
    }

    struct GoldenCaseError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    // MARK: Tests

    @Test("The output equals its golden file", arguments: cases)
    func matchesGolden(_ testCase: Case) throws {
        let data = try Self.record(testCase)
        let mismatch = Golden.compare(data, toFile: Self.folder + "/\(testCase.name).txt")
        #expect(mismatch == nil, "\(mismatch ?? "")")
    }

    @Test("Case names are unique and every golden file belongs to a case")
    func noStrayGoldenFiles() throws {
        let names = Self.cases.map(\.name)
        #expect(Set(names).count == names.count, "duplicate case names")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: Self.folder)) ?? []
        let stray = files.filter { $0.hasSuffix(".txt") && !names.contains(String($0.dropLast(4))) }
        #expect(stray.isEmpty, "golden files without a case (delete them): \(stray.sorted())")
    }

    @Test("Every command and subcommand in kam --help has a golden case")
    func everyCommandCovered() throws {
        func subcommands(_ path: [String]) throws -> [String] {
            let help = String(decoding: try Self.run(path + ["--help"], in: Paths.packageRoot).output, as: UTF8.self)
            guard let start = help.range(of: "SUBCOMMANDS:\n") else { return [] }
            // The lines after SUBCOMMANDS up to the first blank line; a command is a line
            // indented by exactly two spaces.
            let block = help[start.upperBound...].split(separator: "\n", omittingEmptySubsequences: false).prefix { !$0.isEmpty }
            return block.compactMap { line in
                guard line.hasPrefix("  "), !line.hasPrefix("   "), let word = line.split(separator: " ").first else { return nil }
                return String(word)
            }
        }
        var leaves: [[String]] = []
        for command in try subcommands([]) {
            let children = try subcommands([command])
            if children.isEmpty { leaves.append([command]) } else { leaves += children.map { [command, $0] } }
        }
        #expect(leaves.count >= 20, "kam --help lists fewer commands than expected: \(leaves)")
        for leaf in leaves {
            let covered = Self.cases.contains { testCase in
                testCase.arguments.starts(with: leaf) && testCase.arguments.count > leaf.count
                    && !testCase.arguments[leaf.count].hasPrefix("--help")
            }
            #expect(covered, "kam \(leaf.joined(separator: " ")) has no golden case in CommandGoldenTests")
        }
    }
}
