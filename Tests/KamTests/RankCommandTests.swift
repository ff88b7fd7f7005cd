import Foundation
import ScoringIO
import ScoringTestSupport
import Testing

@Suite("kam rank end to end", .serialized)
struct RankCommandTests {
    static let sample = "datasets/prospects.csv"

    func rank(_ extra: [String]) throws -> KamRunner.Outcome {
        let directory = try KamRunner.temporaryDirectory()
        return try KamRunner.run(["rank", Paths.packageRoot + "/" + Self.sample, "--rejects", directory + "/rejects.csv"] + extra)
    }

    @Test("the README's main command prints a graded, explained ranking and exits 0")
    func table() throws {
        let outcome = try KamRunner.run(["rank", Self.sample, "--rejects", try KamRunner.temporaryDirectory() + "/r.csv"])
        #expect(outcome.status == 0)
        let lines = outcome.standardOutput.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first?.contains("top reasons") == true)
        #expect(outcome.standardOutput.contains("A all in"))
        #expect(outcome.standardOutput.contains("rows read:"))
        #expect(outcome.standardOutput.contains("Grades: A "))
        // 20 ranked rows by default, numbered 1…20.
        let ranked = lines.filter { $0.range(of: #"^\s*\d+\s+K-\d+"#, options: .regularExpression) != nil }
        #expect(ranked.count == 20)
        for line in lines { #expect(DisplayWidthCheck.width(of: String(line)) <= 100, "line wider than 100 columns: \(line)") }
    }

    @Test("--lang zh shows Chinese labels and still fits 100 columns")
    func chinese() throws {
        let outcome = try rank(["--lang", "zh", "--top", "10"])
        #expect(outcome.status == 0)
        #expect(outcome.standardOutput.contains("全力以赴"))
        #expect(outcome.standardOutput.contains("主要原因"))
        for line in outcome.standardOutput.split(separator: "\n") {
            #expect(DisplayWidthCheck.width(of: String(line)) <= 100, "line wider than 100 columns: \(line)")
        }
    }

    @Test("--format csv writes every accepted account with scores, grade and contributions")
    func csv() throws {
        let outcome = try rank(["--format", "csv"])
        #expect(outcome.status == 0)
        let records = CSVCheck.parse(outcome.standardOutput)
        let header = try #require(records.first)
        #expect(Array(header.prefix(6)) == ["rank", "account_id", "name", "industry", "region", "manager"])
        #expect(header.contains("points_budget"))
        #expect(header.contains("grade_growth"))
        let rows = records.dropFirst()
        #expect(rows.count >= 290)
        #expect(rows.map { Int($0[0])! } == Array(1...rows.count))
        // The summary goes to standard error, not into the CSV.
        #expect(outcome.standardError.contains("rows read:"))
        // Value points sum to the value score (4 decimals printed: within 5e-4 per term).
        let valueIndex = header.firstIndex(of: "value")!
        let pointColumns = ["points_share", "points_budget", "points_strategic", "points_service_fit", "points_margin"].map {
            header.firstIndex(of: $0)!
        }
        for row in rows {
            let total = pointColumns.map { Double(row[$0])! }.reduce(0, +)
            #expect(abs(total - Double(row[valueIndex])!) < 5e-3)
        }
    }

    @Test("--format json follows the documented schema")
    func json() throws {
        let outcome = try rank(["--format", "json", "--top", "7"])
        #expect(outcome.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any])
        #expect(object["schema"] as? String == "kam.rank/1")
        let summary = try #require(object["summary"] as? [String: Any])
        let read = try #require(summary["rows_read"] as? Int)
        let accepted = try #require(summary["accepted"] as? Int)
        let rejected = try #require(summary["rejected"] as? Int)
        #expect(accepted + rejected == read)
        let accounts = try #require(object["accounts"] as? [[String: Any]])
        #expect(accounts.count == 7)
        #expect(accounts.map { $0["rank"] as? Int } == (1...7).map { $0 })
        let first = accounts[0]
        for key in [
            "account_id", "grade", "value", "difficulty", "priority", "completeness", "segments", "scenarios", "contributions",
            "reasons_up", "reasons_down",
        ] {
            #expect(first[key] != nil, "missing key \(key)")
        }
        let contributions = try #require(first["contributions"] as? [[String: Any]])
        let valuePoints = contributions.filter { $0["side"] as? String == "value" }.compactMap { $0["points"] as? Double }.reduce(0, +)
        #expect(abs(valuePoints - (first["value"] as! Double)) < 1e-5)
        let rejects = try #require(object["rejects"] as? [[String: Any]])
        #expect(rejects.count == rejected)
    }

    @Test("--format markdown writes a pipe table")
    func markdown() throws {
        let outcome = try rank(["--format", "markdown", "--top", "3"])
        #expect(outcome.status == 0)
        let lines = outcome.standardOutput.split(separator: "\n")
        #expect(lines[0].hasPrefix("| # | account"))
        #expect(lines[1].hasPrefix("| ---: |"))
        #expect(lines[2].hasPrefix("| 1 |"))
    }

    @Test("--top N shows N rows; --grade filters by grade")
    func topAndGrade() throws {
        let top = CSVCheck.parse(try rank(["--format", "csv", "--top", "5"]).standardOutput)
        #expect(top.count == 6)
        let graded = CSVCheck.parse(try rank(["--format", "csv", "--grade", "B,C"]).standardOutput)
        let gradeIndex = graded[0].firstIndex(of: "grade")!
        #expect(graded.count > 10)
        #expect(Set(graded.dropFirst().map { $0[gradeIndex] }) == ["B", "C"])
        // Ranks keep their place in the whole list.
        let ranks = graded.dropFirst().map { Int($0[0])! }
        #expect(ranks == ranks.sorted())
        #expect(ranks.first! > 1)
    }

    @Test("the same input gives byte-identical output")
    func deterministic() throws {
        let first = try rank(["--format", "csv"]).standardOutput
        let second = try rank(["--format", "csv"]).standardOutput
        #expect(first == second)
    }

    @Test("rejected rows are written to the rejects file; --strict makes them a failure (65)")
    func rejectsAndStrict() throws {
        let directory = try KamRunner.temporaryDirectory()
        let outcome = try KamRunner.run(["rank", Self.sample, "--rejects", directory + "/r.csv", "--format", "csv"])
        #expect(outcome.status == 0)
        let rejects = CSVCheck.parse(try String(contentsOfFile: directory + "/r.csv", encoding: .utf8))
        #expect(rejects[0].prefix(4) == ["line", "column", "reason", "message"])
        #expect(rejects.count - 1 >= 5)
        let strict = try KamRunner.run(["rank", Self.sample, "--strict", "--rejects", directory + "/s.csv"])
        #expect(strict.status == 65)
        #expect(strict.standardError.contains("rejected and --strict is set"))
    }

    @Test("exit codes: 64 for usage, 66 for a missing file, 65 for a broken model")
    func exitCodes() throws {
        let usage = try KamRunner.run(["rank", Self.sample, "--top", "0"])
        #expect(usage.status == 64)
        #expect(usage.standardError.contains("Please specify a '--top' of at least 1."))
        let badFormat = try KamRunner.run(["rank", Self.sample, "--format", "xml"])
        #expect(badFormat.status == 64)
        let missing = try KamRunner.run(["rank", "no-such-file.csv"])
        #expect(missing.status == 66)
        #expect(missing.standardError == "kam: error: no-such-file.csv: no such file. Check the path of the prospect list.\n")
        let directory = try KamRunner.temporaryDirectory()
        let broken = directory + "/broken.yaml"
        let text = try String(contentsOfFile: Paths.packageRoot + "/models/default.yaml", encoding: .utf8)
            .replacingOccurrences(of: "    weight: 0.25\n", with: "    weight: -0.25\n")
        try text.write(toFile: broken, atomically: true, encoding: .utf8)
        let bad = try KamRunner.run(["rank", Self.sample, "--model", broken])
        #expect(bad.status == 65)
        #expect(bad.standardError.contains("broken.yaml, line "))
        #expect(bad.standardError.contains("weight for 'share' is -0.25; weights must be finite numbers of at least 0."))
    }

    @Test("help documents the exit codes")
    func help() throws {
        let outcome = try KamRunner.run(["--help"])
        #expect(outcome.status == 0)
        for text in ["64  usage error", "65  bad data", "66  an input file is missing", "70  internal failure"] {
            #expect(outcome.standardOutput.contains(text))
        }
    }

    @Test("cells that would be formulas in Excel are escaped in CSV output")
    func formulaEscaping() throws {
        let directory = try KamRunner.temporaryDirectory()
        let header = try String(contentsOfFile: Paths.packageRoot + "/" + Self.sample, encoding: .utf8).split(separator: "\n")[0]
        let path = directory + "/evil.csv"
        let row = "K-1,\"=HYPERLINK(\"\"http://x\"\")\",@SUM(A1),+region,-manager,3,100,30%,3,3,15%,5,2,2,AA,10,2,3,yes,1,50,0,0,good,0,,no"
        try (header + "\n" + row + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let outcome = try KamRunner.run(["rank", path, "--format", "csv"])
        #expect(outcome.status == 0)
        let records = CSVCheck.parse(outcome.standardOutput)
        #expect(records[1][2] == "'=HYPERLINK(\"http://x\")")
        #expect(records[1][3] == "'@SUM(A1)")
        #expect(records[1][4] == "'+region")
        #expect(records[1][5] == "'-manager")
    }
}

@Suite("kam validate, kam model show", .serialized)
struct OtherCommandTests {
    @Test("validate lists every problem, not only the first, and exits 65")
    func validate() throws {
        let outcome = try KamRunner.run(["validate", "datasets/prospects.csv"])
        #expect(outcome.status == 65)
        let problems = outcome.standardOutput.split(separator: "\n").filter {
            $0.hasPrefix("datasets/prospects.csv:") && !$0.contains(" rows read")
        }
        #expect(problems.count >= 5)
        #expect(outcome.standardOutput.contains("cannot."))
    }

    @Test("validate lists every problem within a row, each with its column, and counts them")
    func validateEveryProblemOfARow() throws {
        let lines = try String(contentsOfFile: Paths.packageRoot + "/datasets/prospects.csv", encoding: .utf8)
            .split(separator: "\n").map(String.init)
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        var fields = lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let budget = try #require(header.firstIndex(of: "annual_ad_budget"))
        let credit = try #require(header.firstIndex(of: "credit_rating"))
        let stage = try #require(header.firstIndex(of: "stage"))
        fields[budget] = "lots"
        fields[credit] = "Z"
        fields[stage] = "7"
        let directory = try KamRunner.temporaryDirectory()
        let path = directory + "/three.csv"
        try ([lines[0], fields.joined(separator: ","), lines[2]].joined(separator: "\n") + "\n")
            .write(toFile: path, atomically: true, encoding: .utf8)
        let outcome = try KamRunner.run(["validate", path])
        #expect(outcome.status == 65)
        let problems = outcome.standardOutput.split(separator: "\n").filter { $0.hasPrefix(path + ":2:") }
        #expect(problems.map { $0.split(separator: ":")[2] } == ["\(budget + 1)", "\(credit + 1)", "\(stage + 1)"])
        #expect(outcome.standardOutput.contains("1 can be scored, 1 cannot (3 problems)."))
    }

    @Test("validate streams a large list and reports what the in-memory loader finds, problem for problem")
    func validateStreamsLikeTheLoader() throws {
        let directory = try KamRunner.temporaryDirectory()
        let list = directory + "/list.csv"
        let generated = try KamRunner.run([
            "generate", "--rows", "20000", "--seed", "12", "--bad-rows", "60", "--blank-rate", "0.05", "--output", list,
        ])
        #expect(generated.status == 0)
        let outcome = try KamRunner.run(["validate", list])
        #expect(outcome.status == 65)
        let model = try ModelFileReader().read(contentsOf: Paths.packageRoot + "/models/default.yaml")
        let loader = ProspectListLoader(model: model)
        let loaded = try loader.load(try CSVReader().read(contentsOf: list))
        let problems = loader.everyProblem(of: loaded.rejects, header: loaded.header, file: loaded.file)
        #expect(problems.count >= 60)
        let expected =
            problems.map { $0.description + "\n" }.joined()
            + "\(list): 20000 rows read (utf8, delimiter ','): \(loaded.batch.count) can be scored, "
            + "\(loaded.rejects.count) cannot\(problems.count > loaded.rejects.count ? " (\(problems.count) problems)" : "").\n"
        #expect(outcome.standardOutput == expected)
    }

    @Test("- reads the list from standard input, for rank and validate alike")
    func standardInput() throws {
        let list = try Data(contentsOf: URL(fileURLWithPath: Paths.packageRoot + "/datasets/prospects.csv"))
        let directory = try KamRunner.temporaryDirectory()
        let piped = try KamRunner.run(
            ["rank", "-", "--format", "csv", "--rejects", directory + "/piped.rejects.csv"], input: list)
        let fromFile = try KamRunner.run(
            ["rank", "datasets/prospects.csv", "--format", "csv", "--rejects", directory + "/file.rejects.csv"])
        #expect(piped.status == 0)
        #expect(piped.standardOutput == fromFile.standardOutput)
        let validate = try KamRunner.run(["validate", "-"], input: list)
        #expect(validate.status == 65)
        #expect(validate.standardOutput.contains("/dev/stdin:92:7: 'annual_ad_budget' is 'about 8800'"))
        #expect(validate.standardOutput.contains("/dev/stdin: 300 rows read"))
    }

    @Test("model show lists the normalized weights")
    func modelShow() throws {
        let outcome = try KamRunner.run(["model", "show"])
        #expect(outcome.status == 0)
        #expect(outcome.standardOutput.contains("budget"))
        #expect(outcome.standardOutput.contains("0.300"))
        #expect(outcome.standardOutput.contains("Grade grid"))
        let json = try KamRunner.run(["model", "show", "--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
        let factors = try #require(object["factors"] as? [[String: Any]])
        let valueTotal = factors.filter { $0["side"] as? String == "value" }.compactMap { $0["weight"] as? Double }.reduce(0, +)
        #expect(abs(valueTotal - 1) < 1e-6)
    }

    @Test(
        "the real CRM export scores end to end with its example model",
        .enabled(if: Paths.sharedDatasetsAvailable, Comment(rawValue: Paths.sharedDatasetsMissing))
    )
    func crm() throws {
        let outcome = try KamRunner.run([
            "rank", Paths.sharedDatasets + "/maven-crm-sales-opportunities/sales_pipeline.csv",
            "--model", "models/examples/crm-opportunities.yaml", "--format", "json", "--top", "3",
        ])
        #expect(outcome.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any])
        let summary = try #require(object["summary"] as? [String: Any])
        #expect(summary["rows_read"] as? Int == 8800)
        #expect(summary["rejected"] as? Int == 0)
    }

    @Test(
        "the real bank marketing list (';', quoted, 'unknown') scores end to end with its example model",
        .enabled(if: Paths.sharedDatasetsAvailable, Comment(rawValue: Paths.sharedDatasetsMissing))
    )
    func bank() throws {
        let directory = try KamRunner.temporaryDirectory()
        let outcome = try KamRunner.run([
            "rank", Paths.sharedDatasets + "/uci-bank-marketing/bank-additional-full.csv",
            "--model", "models/examples/bank-marketing.yaml", "--format", "json", "--top", "3", "--rejects", directory + "/r.csv",
        ])
        #expect(outcome.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any])
        let summary = try #require(object["summary"] as? [String: Any])
        #expect(summary["rows_read"] as? Int == 41188)
        #expect(summary["accepted"] as? Int == 41188)
        let grades = try #require(summary["grades"] as? [String: Int])
        #expect(grades.values.reduce(0, +) == 41188)
        #expect(grades["A", default: 0] > 0 && grades["D", default: 0] > 0)
    }
}

/// Terminal width of a line (CJK counts two), independent of the CLI's own measure.
enum DisplayWidthCheck {
    static func width(of text: String) -> Int {
        text.unicodeScalars.reduce(0) { total, scalar in
            let v = scalar.value
            let wide =
                (0x2E80...0x9FFF).contains(v) || (0xAC00...0xD7A3).contains(v) || (0xF900...0xFAFF).contains(v)
                || (0xFF00...0xFF60).contains(v)
            return total + (wide ? 2 : 1)
        }
    }
}

/// A small RFC 4180 parser for checking output (independent of the product's reader).
enum CSVCheck {
    static func parse(_ text: String) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var characters = Array(text)
        characters.append("\n")
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if quoted {
                if character == "\"" {
                    if index + 1 < characters.count, characters[index + 1] == "\"" {
                        field.append("\"")
                        index += 1
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                record.append(field)
                field = ""
            } else if character == "\n" {
                record.append(field)
                field = ""
                if record != [""] { records.append(record) }
                record = []
            } else {
                field.append(character)
            }
            index += 1
        }
        return records
    }
}
