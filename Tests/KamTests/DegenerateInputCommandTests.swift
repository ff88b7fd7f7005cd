import Foundation
import ScoringTestSupport
import Testing

/// Degenerate models and data end to end (issue 14): each gives the stated correct result or a
/// clear error with the file and line, never a confident wrong answer with exit 0.
@Suite("Degenerate input end to end", .serialized)
struct DegenerateInputCommandTests {
    static let sample = "datasets/prospects.csv"

    func defaultModel() throws -> String {
        try String(contentsOfFile: Paths.packageRoot + "/models/default.yaml", encoding: .utf8)
    }

    func write(_ text: String, name: String) throws -> String {
        let path = try KamRunner.temporaryDirectory() + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The ranking part of `kam rank --format csv` (the header's file names aside).
    func ranking(_ model: String) throws -> String {
        let outcome = try KamRunner.run(["rank", Self.sample, "--model", model, "--format", "csv", "--quiet"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        return outcome.standardOutput
    }

    @Test("every factor weight 1e308 ranks exactly as every weight 1: no overflow to weight 0, no 'gather info'")
    func hugeWeights() throws {
        // Scenarios are written on the model's declared scale, so they would differ; drop them.
        let full = try defaultModel()
        let cut = try #require(full.range(of: "\nscenarios:"))
        let text = String(full[..<cut.lowerBound]) + "\n"
        let huge = text.replacingOccurrences(of: #"(?m)^(    weight: )[0-9.]+"#, with: "$11e308", options: .regularExpression)
        let ones = text.replacingOccurrences(of: #"(?m)^(    weight: )[0-9.]+"#, with: "$11", options: .regularExpression)
        #expect(huge.contains("weight: 1e308"))
        let hugeRanking = try ranking(try write(huge, name: "huge.yaml"))
        #expect(hugeRanking == (try ranking(try write(ones, name: "ones.yaml"))))
        #expect(!hugeRanking.contains("insufficient"))
    }

    @Test("difficulty_penalty 1e308 is refused with the file and line, exit 65")
    func hugePenalty() throws {
        let model = try write(
            try defaultModel().replacingOccurrences(of: "difficulty_penalty: 0.5", with: "difficulty_penalty: 1e308"), name: "penalty.yaml")
        let outcome = try KamRunner.run(["rank", Self.sample, "--model", model, "--format", "json"])
        #expect(outcome.status == 65)
        #expect(outcome.standardOutput.isEmpty)
        #expect(
            outcome.standardError.contains("penalty.yaml, line 179: difficulty_penalty is 1e+308; it must be a number from 0 to 1000000000")
        )
    }

    @Test("duplicate and all-zero scenarios fail `model show` with their line, as they would fail `rank`")
    func scenarios() throws {
        let text = try defaultModel()
        let duplicate = try write(text.replacingOccurrences(of: "  - name: cautious", with: "  - name: growth"), name: "duplicate.yaml")
        for command in [["model", "show"], ["rank", Self.sample]] {
            let outcome = try KamRunner.run(command + ["--model", duplicate])
            #expect(outcome.status == 65)
            #expect(outcome.standardError.contains("duplicate.yaml, line 211: scenario 'growth' is defined twice (first on line 209)"))
        }
        let zero = try write(
            text.replacingOccurrences(
                of: "weights: {budget: 0.45, share: 0.35}",
                with: "weights: {budget: 0, share: 0, strategic: 0, service_fit: 0, margin: 0}"),
            name: "zero.yaml")
        for command in [["model", "show"], ["rank", Self.sample, "--scenario", "growth"]] {
            let outcome = try KamRunner.run(command + ["--model", zero])
            #expect(outcome.status == 65)
            #expect(outcome.standardError.contains("zero.yaml, line 209: scenario 'growth' gives every value factor weight 0"))
        }
    }

    /// A model with 16 value factors and one difficulty factor, and a judge whose judgements
    /// are consistent with weights √1…√16 except `perturb` times on the first pair.
    func sixteenFactorFiles(perturb: Double) throws -> (model: String, judgements: String) {
        var model = "name: sixteen\nfactors:\n"
        for k in 0..<16 {
            model += "  - id: v\(k)\n    column: v\(k)\n    side: value\n    weight: 1\n    scale: {type: linear, min: 0, max: 10}\n"
        }
        model += "  - id: d0\n    column: d0\n    side: difficulty\n    weight: 1\n    scale: {type: linear, min: 0, max: 10}\n"
        model += """
            grading:
              value_bands: {names: [low, high], cuts: [50]}
              difficulty_bands: {names: [low, high], cuts: [50]}
              grid:
                high: [A, B]
                low: [C, D]
              minimum_completeness: 0.5

            """
        var judgements = "judges:\n  - name: judge\n    value:\n"
        for i in 0..<16 {
            for j in (i + 1)..<16 {
                var ratio = (Double(i + 1) / Double(j + 1)).squareRoot()
                if i == 0 && j == 1 { ratio *= perturb }
                judgements += "      - [v\(i), v\(j), \(ratio)]\n"
            }
        }
        return (try write(model, name: "sixteen.yaml"), try write(judgements, name: "sixteen-judgements.yaml"))
    }

    @Test("AHP with 16 factors: a CR from Alonso–Lamata's formula, named in every format; --write-model writes when consistent")
    func ahpSixteen() throws {
        let files = try sixteenFactorFiles(perturb: 1)
        let output = try KamRunner.temporaryDirectory() + "/out.yaml"
        let table = try KamRunner.run(["weights", "ahp", files.judgements, "--model", files.model, "--write-model", output])
        #expect(table.status == 0, "\(table.standardError)")
        #expect(table.standardOutput.contains("CR 0.000 — acceptable"))
        #expect(table.standardOutput.contains("RI(16) = 1.5978 from the Alonso–Lamata (2006) formula (1.7699n − 4.3513)/(n − 1)."))
        #expect(table.standardOutput.contains("random index: auto (Saaty 1980 up to n = 15"))
        #expect(FileManager.default.fileExists(atPath: output))

        let inconsistent = try sixteenFactorFiles(perturb: 9)
        let json = try KamRunner.run(["weights", "ahp", inconsistent.judgements, "--model", inconsistent.model, "--format", "json"])
        #expect(json.status == 0)
        let object = try #require(JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
        #expect(object["random_index"] as? String == "auto")
        let side = try #require((object["sides"] as? [[String: Any]])?.first)
        #expect(side["ri_source"] as? String == "alonso-lamata-formula")
        let ri = try #require(side["ri"] as? Double)
        let ci = try #require(side["ci"] as? Double)
        let cr = try #require(side["cr"] as? Double)
        #expect(abs(ri - 1.597807) < 1e-6)
        #expect(abs(cr - ci / ri) < 1e-5)

        let csv = try KamRunner.run([
            "weights", "ahp", inconsistent.judgements, "--model", inconsistent.model, "--format", "csv", "--random-index", "alonso-lamata",
        ])
        #expect(csv.status == 0)
        #expect(csv.standardOutput.contains(",1.5978,alonso-lamata-formula"))

        let saaty = try KamRunner.run(["weights", "ahp", files.judgements, "--model", files.model, "--random-index", "saaty1980"])
        #expect(saaty.status == 64)
        #expect(saaty.standardError.contains("the value side has 16 factors, and Saaty's 1980 random-index table stops at 15"))
    }

    @Test("AHP up to 15 factors keeps Saaty's table by default and says so")
    func ahpDefaultTable() throws {
        let outcome = try KamRunner.run(["weights", "ahp", "datasets/judgements.yaml", "--format", "json"])
        #expect(outcome.status == 0 || outcome.status == 65)
        let object = try #require(JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any])
        for side in try #require(object["sides"] as? [[String: Any]]) {
            #expect(side["ri_source"] as? String == "saaty1980")
        }
    }

    /// datasets/history.csv with its outcomes rewritten by `outcome(fields, header)` and
    /// `column` set to `constant` when given.
    func history(outcome: ([String], [String]) -> String?, constant: (column: String, value: String)? = nil) throws -> String {
        let text = try String(contentsOfFile: Paths.packageRoot + "/datasets/history.csv", encoding: .utf8)
        let records = CSVCheck.parse(text).filter { $0.count > 1 }
        let header = records[0]
        let outcomeIndex = try #require(header.firstIndex(of: "outcome"))
        let constantIndex = constant.flatMap { header.firstIndex(of: $0.column) }
        var lines = [header.joined(separator: ",")]
        for record in records.dropFirst() where record.count == header.count {
            var fields = record
            if let value = outcome(record, header) { fields[outcomeIndex] = value }
            if let constantIndex, let constant { fields[constantIndex] = constant.value }
            lines.append(
                fields.map { $0.contains(",") || $0.contains("\"") ? "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : $0 }
                    .joined(separator: ","))
        }
        return try write(lines.joined(separator: "\n") + "\n", name: "history.csv")
    }

    @Test("weights fit: a separating factor is named 'separation', a constant one 'no information (constant)', in every format")
    func weightsFitDegenerate() throws {
        let path = try history(
            outcome: { fields, header in
                guard let value = Double(fields[header.firstIndex(of: "service_fit")!]) else { return "" }
                return value >= 4 ? "won" : "lost"
            }, constant: ("tech_difficulty", "3"))
        let table = try KamRunner.run(["weights", "fit", path, "--strength", "cv", "--quiet"])
        #expect(table.status == 0, "\(table.standardError)")
        #expect(table.standardOutput.contains("Separation: service_fit alone separates won from lost"))
        #expect(table.standardOutput.contains("tech_difficulty has the same utility in every outcome: no information (constant)."))
        let rows = table.standardOutput.split(separator: "\n")
        let tech = try #require(rows.first { $0.hasPrefix("tech_difficulty") })
        #expect(tech.hasSuffix("no info (constant)"))
        #expect(!tech.contains("supports") && !tech.contains("contradicts") && !tech.contains("CONTRADICTS"))
        let service = try #require(rows.first { $0.hasPrefix("service_fit") })
        #expect(service.hasSuffix("separation"))

        let json = try KamRunner.run(["weights", "fit", path, "--strength", "cv", "--format", "json", "--quiet"])
        let object = try #require(JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
        let factors = try #require(object["factors"] as? [[String: Any]])
        #expect(factors.first { $0["id"] as? String == "tech_difficulty" }?["data_note"] as? String == "constant")
        #expect(factors.first { $0["id"] as? String == "tech_difficulty" }?["contradicted"] as? Bool == false)
        #expect(factors.first { $0["id"] as? String == "service_fit" }?["data_note"] as? String == "separation")
        let csv = try KamRunner.run(["weights", "fit", path, "--strength", "cv", "--format", "csv", "--quiet"])
        #expect(csv.standardOutput.contains(",constant\n"))
        #expect(csv.standardOutput.contains(",separation\n"))
    }

    @Test("a constant min-max or z-score column is named in the rank summary, in every format")
    func constantColumns() throws {
        let model = try write(
            try defaultModel()
                .replacingOccurrences(of: "scale: {type: linear, min: 0, max: 60}", with: "scale: {type: minmax}")
                .replacingOccurrences(
                    of:
                        "    weight: 0.15\n    scale: {type: linear, min: 1, max: 5}\n    missing: neutral\n    source: \"seed §3.2.3 (五) D; §3.2.2 二.1\"",
                    with: "    weight: 0.15\n    scale: {type: zscore}\n    missing: neutral\n    source: \"seed §3.2.3 (五) D; §3.2.2 二.1\""
                ),
            name: "relative.yaml")
        let text = try String(contentsOfFile: Paths.packageRoot + "/" + Self.sample, encoding: .utf8)
        let records = CSVCheck.parse(text).filter { $0.count > 1 }
        let header = records[0]
        let share = try #require(header.firstIndex(of: "expected_share"))
        let strategic = try #require(header.firstIndex(of: "strategic_importance"))
        var lines = [header.joined(separator: ",")]
        for record in records.dropFirst() where record.count == header.count {
            var fields = record
            fields[share] = "35"
            fields[strategic] = "3"
            lines.append(fields.map { $0.contains(",") ? "\"" + $0 + "\"" : $0 }.joined(separator: ","))
        }
        let list = try write(lines.joined(separator: "\n") + "\n", name: "constant.csv")
        let sentence = "Constant in this list, so every account gets utility 0.5 on it and it does not rank: share, strategic."

        let table = try KamRunner.run(["rank", list, "--model", model])
        #expect(table.status == 0, "\(table.standardError)")
        #expect(table.standardOutput.replacingOccurrences(of: "\n    ", with: " ").contains(sentence))
        let markdown = try KamRunner.run(["rank", list, "--model", model, "--format", "markdown"])
        #expect(markdown.standardOutput.contains(sentence))
        let json = try KamRunner.run(["rank", list, "--model", model, "--format", "json"])
        let object = try #require(JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
        let summary = try #require(object["summary"] as? [String: Any])
        #expect(summary["constant_factors"] as? [String] == ["share", "strategic"])
        let csv = try KamRunner.run(["rank", list, "--model", model, "--format", "csv"])
        #expect(csv.standardError.replacingOccurrences(of: "\n    ", with: " ").contains(sentence))
        // A list where they vary names none.
        let varied = try KamRunner.run(["rank", Self.sample, "--model", model, "--format", "json"])
        let variedObject = try #require(JSONSerialization.jsonObject(with: Data(varied.standardOutput.utf8)) as? [String: Any])
        #expect((variedObject["summary"] as? [String: Any])?["constant_factors"] as? [String] == [])
    }

    @Test("a negative deal value rejects its row with line and column, in memory and streaming")
    func negativeDealValue() throws {
        let text = try String(contentsOfFile: Paths.packageRoot + "/" + Self.sample, encoding: .utf8)
        var lines = text.components(separatedBy: "\n")
        let header = lines[0].components(separatedBy: ",")
        let deal = try #require(header.firstIndex(of: "deal_value"))
        var fields = lines[5].components(separatedBy: ",")
        #expect(fields.count == header.count)
        fields[deal] = "-1"
        lines[5] = fields.joined(separator: ",")
        let list = try write(lines.joined(separator: "\n"), name: "negative.csv")
        for extra in [[], ["--in-memory"]] {
            let outcome = try KamRunner.run(["rank", list, "--format", "json"] + extra)
            #expect(outcome.status == 0)
            #expect(
                outcome.standardError.contains(
                    "negative.csv:6:\(deal + 1): 'deal_value' is '-1'; a deal value cannot be negative: write 0 or more, or leave it blank when unknown."
                ))
            let object = try #require(JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any])
            #expect((object["summary"] as? [String: Any])?["rejected"] as? Int == 6)
        }
        let strict = try KamRunner.run(["rank", list, "--strict", "--quiet"])
        #expect(strict.status == 65)
    }

    @Test("a KPI period 2024Q5 is refused at read with its line and what to write")
    func impossiblePeriod() throws {
        let plan = try String(contentsOfFile: Paths.packageRoot + "/datasets/kpi-plan.csv", encoding: .utf8)
        let actual = try String(contentsOfFile: Paths.packageRoot + "/datasets/kpi-actuals.csv", encoding: .utf8)
        let planPath = try write(plan.replacingOccurrences(of: "\n2024Q2,王经理", with: "\n2024Q5,王经理"), name: "plan.csv")
        let actualPath = try write(actual.replacingOccurrences(of: "\n2024Q2,王经理", with: "\n2024Q5,王经理"), name: "actual.csv")
        let outcome = try KamRunner.run(["kpi", "--plan", planPath, "--actual", actualPath, "--format", "json"])
        let message =
            "'period' is '2024Q5': quarter 5 does not exist; a quarter is Q1 to Q4. Write a quarter as 2024Q2, a month as 2024-06, a year as 2024."
        let errors = outcome.standardError.replacingOccurrences(of: "\n    ", with: " ")
        #expect(errors.contains("plan.csv:3:1: " + message), "\(outcome.standardError)")
        #expect(errors.contains("actual.csv:3:1: " + message))
    }
}
