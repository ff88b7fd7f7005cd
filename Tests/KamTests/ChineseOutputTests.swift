import Foundation
import ScoringTestSupport
import Testing

/// Under `--lang zh` every line a person reads is Chinese: each command of the golden suite
/// (``CommandGoldenTests/cases``) is run again in table and markdown form with `--lang zh`
/// and without `--quiet` (so summaries and footers show), on the bundled files and on a list
/// with every kind of rejected row, and its standard output and standard error are scanned
/// for runs of ASCII letters.
///
/// A run of letters passes only when it is one of these (see ``ChineseText``):
/// - part of a token with a digit (an account id `K-000010`, a hash `38e3d493`, a period
///   `2024Q2`, a number `1e-12`, a quantile `P90`);
/// - a file name or path (a token with `/` or a known file suffix);
/// - an identifier the user wrote: a column name or a cell value of an input file, a
///   factor, segment, scenario or model id, a category of a factor's map;
/// - an option (`--model`) or a whole command line a user is told to type (`kam weights fit …`);
/// - one of the few tokens in ``ChineseText/allowed``, each justified there.
@Suite("Chinese output: every command's table and markdown under --lang zh")
struct ChineseOutputTests {
    /// A prospect list with every kind of row `kam` rejects (header of `datasets/prospects.csv`).
    static let rejectsList: Data = {
        let text = (try? String(contentsOfFile: Paths.packageRoot + "/datasets/prospects.csv", encoding: .utf8)) ?? ""
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).prefix(31).map(String.init)
        let good = lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        func row(_ id: String, _ edits: [Int: String]) -> String { edited(good, id: id, edits) }
        lines += [
            row("K-900001", [6: "about 800"]),  // not a number
            row("K-900002", [7: "45万"]),  // a unit where the column takes none
            row("K-900003", [20: "45%"]),  // deal_value (万元) with a unit that does not fit
            row("K-900004", [14: "Z"]),  // unknown category
            row("", [:]),  // blank id
            row("K-000002", [:]),  // duplicate id
            row("K-900005", [5: "9"]),  // bad stage
            row("K-900006", [20: "-5"]),  // negative deal value
            String(row("K-900007", [:]).dropLast(3)),  // one field short
        ]
        return Data((lines.joined(separator: "\n") + "\n").utf8)
    }()

    /// Commands without Chinese output, and why.
    static let exempt: [String: String] = [
        "generate": "writes data (a CSV list), no text for people",
        "pipeline generate": "writes data (event and snapshot CSV files)",
        "model export": "writes SQL, whose keywords are English by nature",
    ]

    /// The golden cases in table and markdown form, with `--lang zh` and without `--quiet`,
    /// plus the commands that read a list run on ``rejectsList``.
    static let cases: [CommandGoldenTests.Case] = {
        var result: [CommandGoldenTests.Case] = []
        var seen = Set<[String]>()
        for golden in CommandGoldenTests.cases where !golden.name.hasPrefix("error-") {
            let command = golden.arguments.prefix(2).joined(separator: " ")
            if exempt.keys.contains(where: { command == $0 || golden.arguments.first == $0 }) { continue }
            var arguments = golden.arguments.filter { $0 != "--quiet" }
            if let index = arguments.firstIndex(of: "--format") {
                guard ["table", "markdown"].contains(arguments[index + 1]) else { continue }
                arguments.removeSubrange(index...(index + 1))
            }
            // The report is an HTML page: its reject reasons are checked in ``htmlReportRejects``.
            if golden.arguments.first == "report" { continue }
            if let index = arguments.firstIndex(of: "--lang") { arguments.removeSubrange(index...(index + 1)) }
            arguments += ["--lang", "zh"]
            // kam init prints one summary line and has no --format.
            for format in golden.arguments.first == "init" ? ["table"] : ["table", "markdown"] {
                let full = format == "table" ? arguments : arguments + ["--format", format]
                guard seen.insert(full).inserted else { continue }
                result.append(
                    CommandGoldenTests.Case(
                        name: golden.name + "-zh-" + format, arguments: full, setup: golden.setup, inputs: golden.inputs))
            }
        }
        let rejects: [String: Data] = ["rejects.csv": rejectsList]
        for command in [
            ["rank", "rejects.csv", "--rejects", "r.csv"], ["validate", "rejects.csv"],
            ["forecast", "rejects.csv", "--rejects", "r.csv"], ["allocate", "rejects.csv", "--rejects", "r.csv"],
            ["sensitivity", "rejects.csv", "--samples", "20"],
            ["simulate", "rejects.csv", "--runs", "4", "--periods", "2", "--rejects", "r.csv"],
            ["kpi", "--plan", "datasets/kpi-plan.csv", "--actual", "datasets/kpi-actuals.csv", "--prospects", "rejects.csv"],
        ] {
            for format in ["table", "markdown"] {
                result.append(
                    CommandGoldenTests.Case(
                        name: command[0] + "-rejects-zh-" + format,
                        arguments: command + ["--lang", "zh"] + (format == "table" ? [] : ["--format", format]), inputs: rejects))
            }
        }
        // KPI plans and actuals, event logs, snapshots and learning histories with every kind
        // of row their readers reject.
        result += rejectFileCases
        return result
    }()

    /// How many rejected rows each of ``rejectFileCases`` lists.
    static let listedRejects: [String: Int] = [
        "kpi-plan-rejects-a-zh-table": 7, "kpi-plan-rejects-b-zh-table": 6, "kpi-actual-rejects-zh-table": 7,
        "pipeline-fit-rejects-a-zh-table": 10, "pipeline-fit-rejects-b-zh-table": 5, "backtest-rejects-zh-table": 5,
        "model-fit-rejects-zh-table": 3, "weights-fit-rejects-zh-table": 3,
    ]

    @Test("No English words in the output", arguments: cases)
    func everyLineIsChinese(_ testCase: CommandGoldenTests.Case) throws {
        let directory = try CommandGoldenTests.scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for (name, contents) in testCase.inputs {
            FileManager.default.createFile(atPath: directory + "/" + name, contents: contents)
        }
        for arguments in testCase.setup {
            let outcome = try CommandGoldenTests.run(arguments, in: directory)
            try #require(outcome.status == 0, "setup \(arguments) failed")
        }
        let outcome = try CommandGoldenTests.run(testCase.arguments, in: directory)
        let output = String(decoding: outcome.output, as: UTF8.self)
        let error = String(decoding: outcome.error, as: UTF8.self)
        // kam validate exits 65 when a row cannot be scored, by design.
        #expect(
            outcome.status == 0 || (testCase.arguments.first == "validate" && outcome.status == 65),
            "kam \(testCase.arguments.joined(separator: " ")) exited \(outcome.status): \(error)")
        #expect(!(output + error).isEmpty)
        let scanner = try ChineseText.scanner(inputs: testCase.inputs.keys.map { directory + "/" + $0 })
        for (stream, text) in [("standard output", output), ("standard error", error)] {
            let offences = scanner.englishWords(in: text)
            #expect(
                offences.isEmpty,
                "kam \(testCase.arguments.joined(separator: " ")): English in \(stream):\n\(offences.prefix(20).map { "  \($0.word)  ←  \($0.line)" }.joined(separator: "\n"))"
            )
        }
        // The files with every kind of rejected KPI, event-log, snapshot and history row: each
        // row is listed, and no English reason of those readers survives.
        if let expected = Self.listedRejects[testCase.name] {
            let text = output + error
            let listed = text.components(separatedBy: "  拒绝 ").count - 1
            #expect(listed == expected, "\(testCase.name): \(listed) rejected rows listed:\n\(text.suffix(1500))")
            for english in ["which is not", "write ", "the row has", "is blank", "account '"] {
                #expect(!text.contains(english), "\(testCase.name): English reason '\(english)' in:\n\(text.suffix(1500))")
            }
        }
    }

    @Test("kam report --lang zh lists the rejected rows with Chinese reasons")
    func htmlReportRejects() throws {
        let directory = try CommandGoldenTests.scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        FileManager.default.createFile(atPath: directory + "/rejects.csv", contents: Self.rejectsList)
        let outcome = try CommandGoldenTests.run(
            ["report", "rejects.csv", "--lang", "zh", "--rejects", "r.csv", "--output", "report.html", "--quiet"], in: directory)
        #expect(outcome.status == 0, "\(String(decoding: outcome.error, as: UTF8.self))")
        let page = try String(contentsOfFile: directory + "/report.html", encoding: .utf8)
        let list = try #require(page.range(of: "<ul id=\"rejects\">"))
        let end = try #require(page[list.upperBound...].range(of: "</ul>"))
        let items = page[list.upperBound..<end.lowerBound].replacingOccurrences(of: "<li>", with: "\n")
            .replacingOccurrences(of: "</li>", with: "").replacingOccurrences(of: "&#39;", with: "'")
        #expect(items.contains("不是数字"), "\(items)")
        let scanner = try ChineseText.scanner(inputs: [directory + "/rejects.csv"])
        let offences = scanner.englishWords(in: items)
        #expect(offences.isEmpty, "\(offences.map { "\($0.word) ← \($0.line)" }.joined(separator: "\n"))")
    }

    @Test("Every command with a table either has a Chinese case here or is exempt with a reason")
    func everyCommandCovered() {
        let commands = Set(CommandGoldenTests.cases.map { $0.arguments.first ?? "" })
        for command in commands where !command.isEmpty && !command.hasPrefix("rnak") {
            let covered =
                Self.cases.contains { $0.arguments.first == command } || Self.exempt.keys.contains(command)
                || command == "report"
            #expect(covered, "kam \(command) has no Chinese case")
        }
    }

    @Test("The scanner finds English words and passes ids, files, numbers and listed tokens")
    func scannerWorks() throws {
        let scanner = ChineseText.Scanner(identifiers: ["expected_share"])
        #expect(scanner.englishWords(in: "K-000010 的等级 A，AUC 0.71，datasets/prospects.csv 第 3 行: expected_share").isEmpty)
        #expect(scanner.englishWords(in: "运行 kam weights fit history.csv --write-model OUT（仅供查看）").isEmpty)
        #expect(scanner.englishWords(in: "Grades: A 46").map(\.word) == ["Grades"])
        #expect(scanner.englishWords(in: "12 个月 (per month)").map(\.word) == ["per", "month"])
        #expect(scanner.englishWords(in: "用 --write-model OUT 写出；--top N 或 --format csv 查看全部").isEmpty)
    }
}

/// Finding English words in text meant to be Chinese.
enum ChineseText {
    /// Tokens allowed anywhere in Chinese output. Keep this list short; each entry says why.
    static let allowed: Set<String> = [
        // Grade letters: the seed's grades are A/B/C/D; Chinese sales offices say "A 类客户".
        "A", "B", "C", "D",
        // The program's own name, as in "kam: 写出 …".
        "kam",
        // Statistical abbreviations used untranslated in Chinese statistics texts:
        // area under the ROC curve, information value, weight of evidence, expected
        // calibration error, and AHP's consistency index / ratio / random index.
        "AUC", "IV", "WoE", "ECE", "CI", "CR", "RI",
        // The method names AHP (层次分析法), SMAA and FAST (the interaction ranking of
        // Lou et al.) are printed beside their Chinese names.
        "AHP", "SMAA", "FAST",
        // Proper names of the people behind methods (Saaty's scale, the Wilson interval,
        // Platt scaling, Brier score): names are not translated.
        "Saaty", "Wilson", "Platt", "Brier", "Harker", "Alonso", "Lamata",
        // Statistical symbols: a probability P(A) or p, a sample size n, a z statistic.
        "P", "p", "n", "z",
        // The time standard of recorded times, written "UTC" in Chinese texts too.
        "UTC",
        // The marker `kam init` writes into the drafted file, which the user searches for.
        "CONFIRM",
        // The variable in bin labels such as "165 ≤ x < 280".
        "x",
    ]

    /// A scanner for a case: identifiers from the bundled models and data and from `inputs`.
    static func scanner(inputs: [String]) throws -> Scanner {
        var identifiers = bundledIdentifiers
        for path in inputs where path.hasSuffix(".csv") { identifiers.formUnion(csvIdentifiers(path)) }
        return Scanner(identifiers: identifiers)
    }

    /// Column names and cell values of every CSV file in `datasets/`, and the ids in the
    /// model files of `models/`.
    static let bundledIdentifiers: Set<String> = {
        var identifiers = Set<String>()
        let root = Paths.packageRoot
        for folder in ["datasets", "datasets/history"] {
            for file in (try? FileManager.default.contentsOfDirectory(atPath: root + "/" + folder)) ?? [] where file.hasSuffix(".csv") {
                identifiers.formUnion(csvIdentifiers(root + "/" + folder + "/" + file))
            }
        }
        for file in ["default.yaml", "pipeline.yaml", "team.yaml", "scorecard.yaml"] {
            identifiers.formUnion(yamlIdentifiers(root + "/models/" + file))
        }
        return identifiers
    }()

    /// Columns whose values are words `kam` itself must translate (an outcome, a role, a
    /// pipeline state): their cells are not identifiers.
    static let translatedColumns: Set<String> = ["outcome", "followup_status", "role", "from_stage", "to_stage"]

    /// The header's names and the words in the cells of a CSV file (simple split on commas;
    /// quoted commas only add harmless extra tokens).
    static func csvIdentifiers(_ path: String) -> Set<String> {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        let lines = text.split(whereSeparator: \.isNewline)
        guard let header = lines.first?.split(separator: ",", omittingEmptySubsequences: false).map(String.init) else { return [] }
        var identifiers = Set(header)
        let skipped = Set(header.indices.filter { translatedColumns.contains(header[$0]) })
        for line in lines.dropFirst() {
            for (index, cell) in line.split(separator: ",", omittingEmptySubsequences: false).enumerated() where !skipped.contains(index) {
                identifiers.formUnion(words(in: String(cell)))
            }
        }
        return identifiers
    }

    /// Ids a model file defines: `id:`, `name:` and `column:` values, the `columns:` and
    /// `column_units:` mappings, and the categories of `map:` scales (comments left out).
    static func yamlIdentifiers(_ path: String) -> Set<String> {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        var identifiers = Set<String>()
        let patterns = [
            #"(?:^|[\s{,-])(?:id|name|column):\s*"?([A-Za-z_][A-Za-z0-9_]*)"#,
            #"^  ([a-z_][a-z0-9_]*):\s*([a-z_][a-z0-9_]*)\s*$"#,
        ]
        for line in text.split(separator: "\n") {
            let code = String(line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
            for pattern in patterns {
                let expression = try! NSRegularExpression(pattern: pattern)
                let range = NSRange(code.startIndex..., in: code)
                for match in expression.matches(in: code, range: range) {
                    for group in 1..<match.numberOfRanges {
                        if let r = Range(match.range(at: group), in: code) { identifiers.insert(String(code[r])) }
                    }
                }
            }
            if let start = code.range(of: "map: {") {
                for entry in code[start.upperBound...].split(separator: ",") {
                    let key = entry.split(separator: ":").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
                    identifiers.insert(key.trimmingCharacters(in: CharacterSet(charactersIn: "\"{} ")))
                }
            }
        }
        return identifiers
    }

    /// The ASCII-letter words of a cell value.
    static func words(in text: String) -> Set<String> {
        Set(text.split { !($0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_")) }.map(String.init))
    }

    struct Offence: Equatable {
        let word: String
        let line: String
    }

    struct Scanner {
        let identifiers: Set<String>

        static let fileSuffixes = [".csv", ".yaml", ".yml", ".sqlite", ".html", ".xlsx", ".json", ".txt", ".tsv"]
        static let subcommands =
            "rank|validate|init|model|generate|kpi|weights|sensitivity|explain|pipeline|forecast|backtest|allocate|simulate|runs|changes|history|report"
        /// A command line a user is told to type: `kam`, a subcommand, then ASCII words.
        static let commandLine = try! NSRegularExpression(pattern: "kam (?:\(subcommands))(?: +[!-~]+)*")
        /// An option with its value, as a user types it: `--top N`, `--format csv`.
        static let option = try! NSRegularExpression(pattern: "--[a-z][a-z-]*(?:[ =][A-Za-z0-9_./-]+)?")
        /// A token: letters, digits and the characters of ids, numbers and paths.
        static let token = try! NSRegularExpression(pattern: "[A-Za-z0-9_./\\\\-]*[A-Za-z][A-Za-z0-9_./\\\\-]*")

        /// The words in `text` that are none of the allowed kinds, with their line.
        func englishWords(in text: String) -> [Offence] {
            var offences: [Offence] = []
            for line in text.split(separator: "\n") {
                var line = String(line)
                for expression in [Self.commandLine, Self.option] {
                    line = expression.stringByReplacingMatches(in: line, range: NSRange(line.startIndex..., in: line), withTemplate: "")
                }
                for match in Self.token.matches(in: line, range: NSRange(line.startIndex..., in: line)) {
                    guard let range = Range(match.range, in: line) else { continue }
                    let raw = String(line[range])
                    let word = raw.trimmingCharacters(in: CharacterSet(charactersIn: ".-/"))
                    if isAllowed(word, raw: raw) { continue }
                    offences.append(Offence(word: word, line: String(line)))
                }
            }
            return offences
        }

        func isAllowed(_ word: String, raw: String) -> Bool {
            if word.isEmpty || word.contains(where: \.isNumber) { return true }
            if raw.hasPrefix("--") { return true }  // an option name
            if word.contains("/") || Self.fileSuffixes.contains(where: { word.lowercased().hasSuffix($0) }) { return true }
            return identifiers.contains(word) || ChineseText.allowed.contains(word)
        }
    }
}
