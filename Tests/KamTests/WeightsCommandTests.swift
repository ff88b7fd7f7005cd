import Foundation
import ScoringTestSupport
import Testing

@Suite("kam weights ahp / fit end to end", .serialized)
struct WeightsCommandTests {
    static let judgements = "datasets/judgements.yaml"

    func json(_ text: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("ahp on the sample: both sides, every judge, the inconsistent judge's lines, 100 columns")
    func ahpTable() throws {
        let outcome = try KamRunner.run(["weights", "ahp", Self.judgements])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let text = outcome.standardOutput
        #expect(text.contains("Value side (5 factors): λmax"))
        #expect(text.contains("Difficulty side (9 factors)"))
        #expect(text.contains("李经理's judgements are inconsistent (CR 0.280)"))
        #expect(text.contains("line 101: strategic vs margin judged 1/4; the other judgements imply 2.00: revise to 2"))
        #expect(text.contains("王经理 left 27 of 36 pairs blank; Harker's method fills them in."))
        for line in text.split(separator: "\n") {
            #expect(DisplayWidthCheck.width(of: String(line)) <= 100, "too wide: \(line)")
        }
    }

    @Test("ahp in markdown, csv, json and Chinese")
    func ahpFormats() throws {
        let markdown = try KamRunner.run(["weights", "ahp", Self.judgements, "--format", "markdown"])
        #expect(markdown.status == 0)
        #expect(markdown.standardOutput.contains("| factor | current | AHP | change | 张总监 | 王经理 | 李经理 |"))
        let csv = try KamRunner.run(["weights", "ahp", Self.judgements, "--format", "csv"])
        #expect(csv.status == 0)
        let records = CSVCheck.parse(csv.standardOutput).filter { !($0.count == 1 && $0[0].isEmpty) }
        #expect(records[0].first == "kind")
        #expect(records.filter { $0[0] == "weight" && $0[2] == "combined" }.count == 14)
        #expect(records.contains { $0[0] == "revisit" && $0[2] == "李经理" && $0[15] == "101" })
        let json = try self.json(try KamRunner.run(["weights", "ahp", Self.judgements, "--format", "json"]).standardOutput)
        #expect(json["schema"] as? String == "kam.weights.ahp/1")
        let sides = try #require(json["sides"] as? [[String: Any]])
        let weights = try #require(sides[0]["factors"] as? [[String: Any]]).compactMap { $0["weight"] as? Double }
        #expect(abs(weights.reduce(0, +) - 1) < 1e-5)
        let zh = try KamRunner.run(["weights", "ahp", Self.judgements, "--lang", "zh"])
        #expect(zh.standardOutput.contains("价值方"))
        #expect(zh.standardOutput.contains("成交后份额"))
    }

    @Test("--write-model changes only the weight and scenario lines and the copy ranks with the new weights")
    func ahpWriteModel() throws {
        let directory = try KamRunner.temporaryDirectory()
        let out = directory + "/ahp.yaml"
        let outcome = try KamRunner.run(["weights", "ahp", Self.judgements, "--write-model", out])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let original = try String(contentsOfFile: Paths.packageRoot + "/models/default.yaml", encoding: .utf8).split(
            separator: "\n", omittingEmptySubsequences: false)
        let written = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(original.count == written.count)
        let differing = zip(original, written).filter { $0 != $1 }
        // 14 factor weights and the two scenarios' weights (which follow their factors).
        #expect(differing.count == 16)
        #expect(differing.allSatisfy { $0.0.contains("weight:") || $0.0.contains("weights: {") })
        let show = try KamRunner.run(["model", "show", "--model", out, "--format", "json"])
        #expect(show.status == 0)
        #expect(show.standardOutput.contains("\"weight\": 0.309"))
    }

    @Test("--write-model refuses while a side is inconsistent, unless --allow-inconsistent")
    func ahpRefuses() throws {
        let directory = try KamRunner.temporaryDirectory()
        let file = directory + "/j.yaml"
        try """
        judges:
          - name: only
            value:
              - [share, budget, 9]
              - [budget, strategic, 9]
              - [strategic, share, 9]
              - [share, service_fit, 1]
              - [service_fit, margin, 1]
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let refused = try KamRunner.run(["weights", "ahp", file, "--write-model", directory + "/m.yaml"])
        #expect(refused.status == 65)
        #expect(refused.standardError.contains("Did not write"))
        #expect(!FileManager.default.fileExists(atPath: directory + "/m.yaml"))
        #expect(refused.standardOutput.contains("INCONSISTENT"))
        let allowed = try KamRunner.run(["weights", "ahp", file, "--write-model", directory + "/m.yaml", "--allow-inconsistent"])
        #expect(allowed.status == 0)
        #expect(FileManager.default.fileExists(atPath: directory + "/m.yaml"))
    }

    @Test("a bad judgement file is exit 65 with file, line and column; a missing one 66")
    func ahpErrors() throws {
        let directory = try KamRunner.temporaryDirectory()
        let file = directory + "/bad.yaml"
        try "judges:\n  - name: a\n    value:\n      - [share, budget, 10]\n".write(toFile: file, atomically: true, encoding: .utf8)
        let bad = try KamRunner.run(["weights", "ahp", file])
        #expect(bad.status == 65)
        #expect(bad.standardError.contains("bad.yaml, line 4, column 25: '10' is off Saaty's scale"))
        let missing = try KamRunner.run(["weights", "ahp", directory + "/none.yaml"])
        #expect(missing.status == 66)
    }

    @Test("fit on the small history: table with coefficients, cross-validation and effective outcomes")
    func fitTable() throws {
        let outcome = try KamRunner.run(["weights", "fit", "datasets/history-small.csv"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let text = outcome.standardOutput
        #expect(text.contains("60 outcomes (26 won, 34 lost)"))
        #expect(text.contains("Effective outcomes: 26"))
        #expect(text.contains("cross-validated, 5 folds"))
        #expect(text.contains("current weights as a score"))
        for line in text.split(separator: "\n") {
            #expect(DisplayWidthCheck.width(of: String(line)) <= 100, "too wide: \(line)")
        }
    }

    @Test("fit on the large history flags decision_cycle, which the generator made help winning")
    func fitContradiction() throws {
        let outcome = try KamRunner.run(["weights", "fit", "datasets/history.csv", "--format", "json", "--quiet"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let json = try self.json(outcome.standardOutput)
        #expect(json["schema"] as? String == "kam.weights.fit/1")
        let factors = try #require(json["factors"] as? [[String: Any]])
        let contradicted = factors.filter { $0["contradicted"] as? Bool == true }.compactMap { $0["id"] as? String }
        #expect(contradicted == ["decision_cycle"])
        let proposed = factors.compactMap { $0["proposed_weight"] as? Double }
        #expect(abs(proposed.reduce(0, +) - 2) < 1e-5)  // each side sums to 1
        let cv = try #require(json["cross_validation"] as? [String: Any])
        let fitted = try #require(cv["fitted"] as? [String: Any])
        let current = try #require(cv["current"] as? [String: Any])
        #expect((fitted["auc"] as? Double ?? 0) > (current["auc"] as? Double ?? 1))
    }

    @Test("fit in csv and markdown; --prior none --strength 3 is deterministic")
    func fitFormats() throws {
        let csv = try KamRunner.run([
            "weights", "fit", "datasets/history-small.csv", "--format", "csv", "--prior", "none", "--strength", "3", "--quiet",
        ])
        #expect(csv.status == 0)
        let records = CSVCheck.parse(csv.standardOutput).filter { !($0.count == 1 && $0[0].isEmpty) }
        #expect(
            records[0] == [
                "factor", "side", "expected_sign", "current_weight", "proposed_weight", "coefficient", "standard_error", "z", "p_value",
                "prior_mean", "contradicted", "data_note",
            ])
        #expect(records.count == 1 + 1 + 14)
        let again = try KamRunner.run([
            "weights", "fit", "datasets/history-small.csv", "--format", "csv", "--prior", "none", "--strength", "3", "--quiet",
        ])
        #expect(again.standardOutput == csv.standardOutput)
        let markdown = try KamRunner.run(["weights", "fit", "datasets/history-small.csv", "--format", "markdown", "--lang", "zh"])
        #expect(markdown.status == 0)
        #expect(markdown.standardOutput.contains("| 因素 |"))
    }

    @Test("fit errors: no outcome column, separation without a penalty, bad --strength")
    func fitErrors() throws {
        let noColumn = try KamRunner.run(["weights", "fit", "datasets/prospects.csv"])
        #expect(noColumn.status == 65)
        #expect(noColumn.standardError.contains("no 'outcome' column"))
        // Six outcomes cannot identify fifteen unpenalized coefficients.
        let directory = try KamRunner.temporaryDirectory()
        let lines = try String(contentsOfFile: Paths.packageRoot + "/datasets/history-small.csv", encoding: .utf8)
            .split(separator: "\n").prefix(7)
        try (lines.joined(separator: "\n") + "\n").write(toFile: directory + "/six.csv", atomically: true, encoding: .utf8)
        let unidentified = try KamRunner.run(["weights", "fit", directory + "/six.csv", "--prior", "none", "--strength", "0"])
        #expect(unidentified.status == 65)
        #expect(unidentified.standardError.contains("collinear") || unidentified.standardError.contains("separated"))
        #expect(unidentified.standardError.contains("--strength"))
        // With a prior the same six outcomes give an answer.
        let withPrior = try KamRunner.run(["weights", "fit", directory + "/six.csv", "--strength", "10"])
        #expect(withPrior.status == 0, "\(withPrior.standardError)")
        let usage = try KamRunner.run(["weights", "fit", "datasets/history-small.csv", "--strength", "lots"])
        #expect(usage.status == 64)
    }
}
