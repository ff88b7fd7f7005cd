import Foundation
import ScoringEngine
import ScoringIO
import ScoringTestSupport
import Testing

@Suite("kam model fit")
struct ModelFitCommandTests {
    static let history = Paths.packageRoot + "/datasets/history.csv"
    static let shaped = Paths.packageRoot + "/datasets/history-shaped.csv"
    static let model = Paths.packageRoot + "/models/default.yaml"

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// One fit of the shaped history with every column as a candidate, shared by the tests
    /// that read it (it is the slow one).
    struct ShapedFit: Sendable {
        let status: Int32
        let report: String
        let standardError: String
        let modelText: String
        let directory: String
    }

    static let shapedFit: ShapedFit? = {
        guard FileManager.default.fileExists(atPath: shaped), let directory = try? KamRunner.temporaryDirectory() else { return nil }
        guard
            let outcome = try? KamRunner.run(
                ["model", "fit", shaped, "--model", model, "--candidates", "all", "--output", "shaped.yaml", "--format", "json"],
                in: directory)
        else { return nil }
        let text = (try? String(contentsOfFile: directory + "/shaped.yaml", encoding: .utf8)) ?? ""
        return ShapedFit(
            status: outcome.status, report: outcome.standardOutput, standardError: outcome.standardError, modelText: text,
            directory: directory)
    }()

    @Test("history.csv: exit 0, a model file kam reads, and kam rank shows P(won) with it")
    func historyEndToEnd() throws {
        let directory = try KamRunner.temporaryDirectory()
        let outcome = try KamRunner.run(["model", "fit", Self.history, "--model", Self.model, "--output", "fit.yaml"], in: directory)
        #expect(outcome.status == 0, "\(outcome.standardError)")
        #expect(outcome.standardOutput.hasPrefix("Model learned from past outcomes (base model 'default')\n"))
        #expect(outcome.standardOutput.contains("2000 rows read: 2000 outcomes (912 won, 1088 lost)"))
        #expect(outcome.standardOutput.contains("Wrote fit.yaml; read back, it scores the 2000 training accounts as the fit did"))
        #expect(outcome.standardOutput.contains("cross-validated, 5 folds (out of fold)"))
        let learned = try ModelFileReader().read(contentsOf: directory + "/fit.yaml")
        #expect(learned.calibration != nil)
        #expect(learned.factors.map(\.id) == (try ModelFileReader().read(contentsOf: Self.model)).factors.map(\.id))
        let text = try String(contentsOfFile: directory + "/fit.yaml", encoding: .utf8)
        #expect(text.hasPrefix("# Learned by `kam model fit` from history.csv (base model 'default'"))
        #expect(text.contains("type: binned") && text.contains("% won, WoE "))

        let rank = try KamRunner.run(["rank", "datasets/prospects.csv", "--model", directory + "/fit.yaml", "--top", "5"])
        #expect(rank.status == 0)
        #expect(rank.standardOutput.contains("P(won)"))
        let csv = try KamRunner.run(["rank", Self.history, "--model", directory + "/fit.yaml", "--format", "csv", "--top", "3"])
        #expect(csv.status == 0)
        #expect(csv.standardOutput.split(separator: "\n").first?.contains("probability") == true)
    }

    @Test("--exclude leaves a base model factor out, with its scenario entries; excluding a whole side is refused")
    func excludeBaseFactor() throws {
        let directory = try KamRunner.temporaryDirectory()
        let outcome = try KamRunner.run(
            ["model", "fit", Self.history, "--model", Self.model, "--exclude", "credit_rating,annual_ad_budget", "--output", "fit.yaml"],
            in: directory)
        #expect(outcome.status == 0, "\(outcome.standardError)")
        #expect(outcome.standardOutput.contains("Candidates: the base model's 12 factors."))
        let base = try ModelFileReader().read(contentsOf: Self.model)
        let learned = try ModelFileReader().read(contentsOf: directory + "/fit.yaml")
        #expect(learned.factors.map(\.id) == base.factors.map(\.id).filter { $0 != "credit" && $0 != "budget" })
        #expect(learned.scenarios.allSatisfy { $0.weights["credit"] == nil && $0.weights["budget"] == nil })
        #expect(learned.scenarios.first { $0.name == "growth" }?.weights.keys.sorted() == ["share"])

        let value = base.factors.filter { $0.side == .value }.map(\.column).joined(separator: ",")
        let refused = try KamRunner.run(
            ["model", "fit", Self.history, "--model", Self.model, "--exclude", value, "--output", "none.yaml"], in: directory)
        #expect(refused.status == 65)
        #expect(refused.standardError.contains("keep at least one value and one difficulty factor"))
        #expect(!FileManager.default.fileExists(atPath: directory + "/none.yaml"))
    }

    @Test("the JSON report carries the round-trip check, cross-validated and held-out metrics")
    func jsonHoldout() throws {
        let directory = try KamRunner.temporaryDirectory()
        let outcome = try KamRunner.run(
            [
                "model", "fit", Self.history, "--model", Self.model, "--output", "fit.yaml", "--holdout", "0.3", "--format", "json",
                "--interactions", "0",
            ],
            in: directory)
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let report = try json(outcome.standardOutput)
        #expect(report["schema"] as? String == "kam.modelfit/1")
        let roundTrip = try #require(report["round_trip"] as? [String: Any])
        #expect(roundTrip["passed"] as? Bool == true)
        #expect((roundTrip["largest_difference"] as? Double ?? 1) <= 1e-12)
        #expect(roundTrip["accounts"] as? Int == 1400)
        let data = try #require(report["data"] as? [String: Any])
        #expect(data["training"] as? Int == 1400 && data["held_out"] as? Int == 600)
        let holdout = try #require(report["holdout"] as? [String: Any])
        for key in ["auc", "brier", "log_loss", "ece"] { #expect(holdout[key] is Double, "holdout.\(key)") }
        #expect(holdout["accounts"] as? Int == 600)
        let learned = try #require((report["cross_validation"] as? [String: Any])?["learned"] as? [String: Any])
        for key in ["auc", "brier", "log_loss", "ece"] { #expect(learned[key] is Double, "cross_validation.learned.\(key)") }
        // The learned model ranks far better than chance on accounts it never saw.
        #expect((holdout["auc"] as? Double ?? 0) > 0.75)
        let factors = try #require(report["factors"] as? [[String: Any]])
        #expect(factors.count == 14)
        let groups = try #require(factors.first?["groups"] as? [[String: Any]])
        #expect(groups.allSatisfy { $0["count"] is Int && $0["woe"] is Double && $0["utility"] is Double })
    }

    @Test("every format and Chinese labels")
    func formats() throws {
        let directory = try KamRunner.temporaryDirectory()
        let base = ["model", "fit", Self.history, "--model", Self.model, "--output", "fit.yaml", "--quiet"]
        let markdown = try KamRunner.run(base + ["--format", "markdown"], in: directory)
        #expect(markdown.status == 0)
        #expect(markdown.standardOutput.contains("| factor | side | kind | shape |"))
        let views = [
            "factors": "column,factor,label,side", "groups": "factor,column,status,group,kind,lower,upper",
            "metrics": "evaluation,model,auc,brier,log_loss,ece", "grades": "evaluation,grade,accounts,won,win_rate",
        ]
        for (view, header) in views {
            let csv = try KamRunner.run(base + ["--format", "csv", "--view", view], in: directory)
            #expect(csv.status == 0)
            #expect(csv.standardOutput.hasPrefix(header), "view \(view)")
            #expect(csv.standardError.isEmpty)
        }
        let zh = try KamRunner.run(base + ["--lang", "zh"], in: directory)
        #expect(zh.status == 0)
        #expect(zh.standardOutput.hasPrefix("从历史结果学习的模型（基础模型 'default'）"))
        #expect(zh.standardOutput.contains("全力以赴") && zh.standardOutput.contains("成交后份额"))
    }

    @Test("the same history and seed give the same model file and report, byte for byte")
    func deterministic() throws {
        let first = try KamRunner.temporaryDirectory()
        let second = try KamRunner.temporaryDirectory()
        let arguments = ["model", "fit", Self.history, "--model", Self.model, "--output", "fit.yaml", "--seed", "7"]
        let a = try KamRunner.run(arguments, in: first)
        let b = try KamRunner.run(arguments, in: second)
        #expect(a.status == 0 && b.status == 0)
        #expect(a.standardOutput == b.standardOutput)
        let modelA = try Data(contentsOf: URL(fileURLWithPath: first + "/fit.yaml"))
        let modelB = try Data(contentsOf: URL(fileURLWithPath: second + "/fit.yaml"))
        #expect(modelA == modelB)
        #expect(String(decoding: modelA, as: UTF8.self).contains("seed 7"))
    }

    @Test("shaped history, every column a candidate: exit 0, the planted leak flagged and absent from the model")
    func shapedLeak() throws {
        let fit = try #require(Self.shapedFit, "datasets/history-shaped.csv is missing")
        #expect(fit.status == 0, "\(fit.standardError)")
        let report = try json(fit.report)
        #expect(report["leaks"] as? [String] == ["followup_status"])
        let factors = try #require(report["factors"] as? [[String: Any]])
        let leak = try #require(factors.first { $0["column"] as? String == "followup_status" })
        #expect(leak["status"] as? String == "left_out")
        #expect(leak["reason"] as? String == "leak")
        #expect((leak["single_factor_auc"] as? Double ?? 0) > 0.95)
        #expect(fit.standardError.contains("kam: warning: column 'followup_status': LIKELY LEAK"))
        let model = try ModelFileReader().read(yaml: fit.modelText, file: "shaped.yaml")
        #expect(!model.factors.contains { $0.column == "followup_status" })
        // The comments say why it was left out.
        #expect(fit.modelText.contains("#   followup_status: LIKELY LEAK"))
        // A new column with a real effect joins the model (industry has a planted categorical effect).
        #expect(model.factors.contains { $0.column == "industry" })
        // A numeric candidate keeps the unit the base model gives its column (deal_value: wan),
        // so kam rank reads it as the fit did; a categorical one takes none.
        #expect(model.factors.first { $0.column == "deal_value" }?.unit == "wan")
        #expect(model.factors.first { $0.column == "industry" }?.unit == nil)
        let roundTrip = try #require(report["round_trip"] as? [String: Any])
        #expect(roundTrip["passed"] as? Bool == true)
        // Out of fold, the observed win rate falls from grade A to D.
        let grades = try #require(report["grades"] as? [String: Any])
        #expect(grades["falls_a_to_d"] as? Bool == true)
        let rates = try #require(grades["cross_validation"] as? [[String: Any]]).prefix(4).compactMap { $0["win_rate"] as? Double }
        #expect(rates.count == 4 && zip(rates, rates.dropFirst()).allSatisfy { $0 > $1 }, "\(rates)")
    }

    @Test("a test file is evaluated with the written model")
    func testFile() throws {
        let directory = try KamRunner.temporaryDirectory()
        let outcome = try KamRunner.run(
            [
                "model", "fit", Self.history, "--model", Self.model, "--output", "fit.yaml", "--test", "datasets/history-small.csv",
                "--format", "json", "--quiet",
            ].map { $0 == "datasets/history-small.csv" ? Paths.packageRoot + "/" + $0 : $0 },
            in: directory)
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let holdout = try #require(try json(outcome.standardOutput)["holdout"] as? [String: Any])
        #expect(holdout["accounts"] as? Int == 60)
        #expect(holdout["auc"] is Double)
    }

    @Test("errors: no outcome column, one class only, bad options, missing file")
    func errors() throws {
        let directory = try KamRunner.temporaryDirectory()
        let noOutcome = try KamRunner.run(["model", "fit", "datasets/prospects.csv", "--output", directory + "/x.yaml"])
        #expect(noOutcome.status == 65)
        #expect(noOutcome.standardError.contains("the history has no 'outcome' column saying won or lost"))
        #expect(noOutcome.standardError.contains("Name it with --outcome-column."))

        // Every decided account won.
        let small = try String(contentsOfFile: Paths.packageRoot + "/datasets/history-small.csv", encoding: .utf8)
        let allWon = small.replacingOccurrences(of: ",lost\n", with: ",won\n")
        try allWon.write(toFile: directory + "/won.csv", atomically: true, encoding: .utf8)
        let oneClass = try KamRunner.run(["model", "fit", directory + "/won.csv", "--output", directory + "/x.yaml"])
        #expect(oneClass.status == 65)
        #expect(oneClass.standardError.contains("every decided account was won (60 of them); learning needs both won and lost accounts"))

        let unknown = try KamRunner.run(["model", "fit", Self.history, "--candidates", "some"])
        #expect(unknown.status == 64)
        #expect(unknown.standardError.contains("--candidates"))
        let holdout = try KamRunner.run(["model", "fit", Self.history, "--holdout", "1.5"])
        #expect(holdout.status == 64)
        #expect(holdout.standardError.contains("Please specify a '--holdout' fraction between 0 and 1"))
        let both = try KamRunner.run(["model", "fit", Self.history, "--holdout", "0.3", "--test", Self.history])
        #expect(both.status == 64)
        let missing = try KamRunner.run(["model", "fit", directory + "/none.csv"])
        #expect(missing.status == 66)
        #expect(missing.standardError.contains("no such file"))
    }

    @Test("an unreadable outcome is rejected with line and column and written to the rejects file")
    func rejects() throws {
        let directory = try KamRunner.temporaryDirectory()
        let small = try String(contentsOfFile: Paths.packageRoot + "/datasets/history-small.csv", encoding: .utf8)
        var lines = small.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[3] = lines[3].replacingOccurrences(of: ",won", with: ",maybe").replacingOccurrences(of: ",lost", with: ",maybe")
        lines[5] = String(lines[5].dropLast(lines[5].hasSuffix(",won") ? 4 : 5)) + ","
        try lines.joined(separator: "\n").write(toFile: directory + "/h.csv", atomically: true, encoding: .utf8)
        let outcome = try KamRunner.run(["model", "fit", "h.csv", "--model", Self.model, "--output", "fit.yaml"], in: directory)
        #expect(outcome.status == 0, "\(outcome.standardError)")
        #expect(outcome.standardOutput.contains("60 rows read: 58 outcomes"))
        #expect(outcome.standardOutput.contains("1 still open, 1 rejected (written to"))
        #expect(outcome.standardOutput.contains("h.csv:4:"))
        let written = try String(contentsOfFile: directory + "/h.rejects.csv", encoding: .utf8)
        #expect(written.hasPrefix("line,column,reason,message,"))
        #expect(written.contains("\n4,outcome,bad_outcome,"))
    }

    @Test("a numeric candidate cell that is not a number is missing for the fit; the round trip checks that row through the engine")
    func candidateNonNumber() throws {
        let directory = try KamRunner.temporaryDirectory()
        var lines = try String(contentsOfFile: Self.history, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(
            String.init)
        let header = lines[0].split(separator: ",").map(String.init)
        let column = try #require(header.firstIndex(of: "deal_value"))
        // A line without quoted fields, so that splitting at commas is exact.
        let target = try #require(lines.indices.dropFirst(10).first { !lines[$0].contains("\"") })
        var fields = lines[target].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        #expect(fields.count == header.count)
        fields[column] = "n/a?"
        lines[target] = fields.joined(separator: ",")
        try lines.joined(separator: "\n").write(toFile: directory + "/h.csv", atomically: true, encoding: .utf8)
        let outcome = try KamRunner.run(
            ["model", "fit", "h.csv", "--model", Self.model, "--candidates", "all", "--output", "fit.yaml", "--format", "json", "--quiet"],
            in: directory)
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let report = try json(outcome.standardOutput)
        let candidates = try #require((report["data"] as? [String: Any])?["candidate_columns"] as? [[String: Any]])
        let dealValue = try #require(candidates.first { $0["name"] as? String == "deal_value" })
        #expect(dealValue["kind"] as? String == "numeric")
        #expect(dealValue["not_numbers"] as? Int == 1)
        #expect(dealValue["first_not_number"] as? String == "h.csv:\(target + 1):\(column + 1) 'n/a?'")
        let roundTrip = try #require(report["round_trip"] as? [String: Any])
        #expect(roundTrip["passed"] as? Bool == true)
        // deal_value is also the model's deal-value column, so kam rank's reader rejects that row
        // ('n/a?' is not a number); the round trip checks it through the engine instead.
        #expect(roundTrip["compared_through_ingest"] as? Int == 1999)
        #expect(roundTrip["accounts"] as? Int == 2000)
    }
}
