import Foundation
import ScoringEngine
import ScoringIO
import ScoringTestSupport
import Testing

/// `kam model fit` tells the truth (issue 13 items 3-5, issue 14 "one set of numbers").
@Suite("kam model fit: grades, recommendation and columns that tell the truth")
struct ModelFitTruthTests {
    static let history = Paths.packageRoot + "/datasets/history.csv"
    static let model = Paths.packageRoot + "/models/default.yaml"

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("history.csv: the learned model loses to weights only, so the report says so and never 'Rank with it'")
    func notRecommended() throws {
        let directory = try KamRunner.temporaryDirectory()
        let table = try KamRunner.run(
            ["model", "fit", Self.history, "--model", Self.model, "--output", "fit.yaml", "--quiet"], in: directory)
        #expect(table.status == 0, "\(table.standardError)")
        #expect(!table.standardOutput.contains("Rank with it"))
        #expect(table.standardOutput.contains("The learned model is NOT better"))
        #expect(table.standardOutput.contains("Recommended: keep the base model's scales and fit only its weights: kam weights fit"))
        #expect(table.standardOutput.contains("compared on 5 folds (mean ± SE)"))
        let file = try String(contentsOfFile: directory + "/fit.yaml", encoding: .utf8)
        #expect(file.contains("# NOT RECOMMENDED: The learned model is NOT better"))

        let report = try json(
            try KamRunner.run(
                ["model", "fit", Self.history, "--model", Self.model, "--output", "fit.yaml", "--format", "json", "--quiet"],
                in: directory
            ).standardOutput)
        let comparison = try #require(report["comparison"] as? [String: Any])
        #expect(comparison["recommended"] as? String == "weights_only")
        #expect(comparison["learned_is_best"] as? Bool == false)
        let entries = try #require(comparison["entries"] as? [[String: Any]])
        #expect(entries.compactMap { $0["model"] as? String } == ["base_model", "weights_only", "learned"])
        for entry in entries {
            #expect((entry["log_loss_se"] as? Double ?? 0) > 0)
            #expect((entry["fold_log_loss"] as? [Double])?.count == 5)
        }
    }

    @Test("the grade table printed for the training accounts is what kam rank with the written model gives them")
    func trainingGradesAreRanks() throws {
        let directory = try KamRunner.temporaryDirectory()
        let fit = try KamRunner.run(
            ["model", "fit", Self.history, "--model", Self.model, "--output", "fit.yaml", "--format", "json", "--quiet"], in: directory)
        #expect(fit.status == 0, "\(fit.standardError)")
        let grades = try #require(try json(fit.standardOutput)["grades"] as? [String: Any])
        let printed = try #require(grades["training"] as? [[String: Any]])

        let rank = try KamRunner.run(["rank", Self.history, "--model", directory + "/fit.yaml", "--format", "csv", "--quiet"])
        #expect(rank.status == 0, "\(rank.standardError)")
        let ranked = try CSVReader().read(bytes: Array(rank.standardOutput.utf8), file: "rank.csv")
        let source = try CSVReader().read(contentsOf: Self.history)
        let idColumn = try #require(source.header.firstIndex(of: "account_id"))
        let outcomeColumn = try #require(source.header.firstIndex(of: "outcome"))
        var won: [String: Bool] = [:]
        for record in source.records { won[record.fields[idColumn]] = record.fields[outcomeColumn] == "won" }
        let rankID = try #require(ranked.header.firstIndex(of: "account_id"))
        let rankGrade = try #require(ranked.header.firstIndex(of: "grade"))
        var counts: [String: (Int, Int)] = [:]
        for record in ranked.records {
            let grade = record.fields[rankGrade]
            let isWon = try #require(won[record.fields[rankID]])
            counts[grade, default: (0, 0)].0 += 1
            counts[grade, default: (0, 0)].1 += isWon ? 1 : 0
        }
        #expect(ranked.records.count == 2000)
        for row in printed {
            let letter = try #require(row["grade"] as? String)
            let expected = counts[letter] ?? (0, 0)
            #expect(row["accounts"] as? Int == expected.0, "grade \(letter): printed \(row["accounts"] ?? "–"), kam rank \(expected.0)")
            #expect(row["won"] as? Int == expected.1, "grade \(letter)")
        }
        #expect(grades["training_falls_a_to_d"] as? Bool == true)
    }

    @Test("a numeric id and a free-text note are left out with a warning; --include keeps the id")
    func plantedColumns() throws {
        let directory = try KamRunner.temporaryDirectory()
        let lines = try String(contentsOfFile: Self.history, encoding: .utf8).split(separator: "\n").map(String.init)
        var out = [lines[0] + ",lead_no,close_reason"]
        for (index, line) in lines.dropFirst().enumerated() {
            let won = line.hasSuffix(",won")
            out.append(line + ",\(70_000 + index),\(won ? "price agreed" : "went elsewhere") after review \(index % 300)")
        }
        try (out.joined(separator: "\n") + "\n").write(toFile: directory + "/h.csv", atomically: true, encoding: .utf8)
        let run = try KamRunner.run(
            ["model", "fit", "h.csv", "--model", Self.model, "--candidates", "all", "--output", "fit.yaml", "--format", "json"],
            in: directory)
        #expect(run.status == 0, "\(run.standardError)")
        let factors = try #require(try json(run.standardOutput)["factors"] as? [[String: Any]])
        func reason(_ column: String) -> String? { factors.first { $0["column"] as? String == column }?["reason"] as? String }
        #expect(reason("lead_no") == "id_like")
        #expect(reason("close_reason") == "possible_leak" || reason("close_reason") == "leak")
        #expect(run.standardError.contains("kam: warning: column 'lead_no': LOOKS LIKE AN ID"))
        let model = try ModelFileReader().read(contentsOf: directory + "/fit.yaml")
        #expect(!model.factors.contains { $0.column == "lead_no" || $0.column == "close_reason" })

        let included = try KamRunner.run(
            [
                "model", "fit", "h.csv", "--model", Self.model, "--candidates", "all", "--include", "lead_no", "--output", "fit2.yaml",
                "--format", "json", "--quiet",
            ], in: directory)
        #expect(included.status == 0, "\(included.standardError)")
        let again = try #require(try json(included.standardOutput)["factors"] as? [[String: Any]])
        #expect(again.first { $0["column"] as? String == "lead_no" }?["reason"] as? String != "id_like")

        let both = try KamRunner.run(["model", "fit", "h.csv", "--include", "lead_no", "--exclude", "lead_no"], in: directory)
        #expect(both.status == 64)
    }

    @Test("decision_cycle: kam model fit and kam weights fit give it the same verdict, and both say verdicts are judged differently")
    func oneVerdict() throws {
        let directory = try KamRunner.temporaryDirectory()
        let fit = try KamRunner.run(
            ["model", "fit", Self.history, "--model", Self.model, "--output", "fit.yaml", "--format", "json", "--quiet"], in: directory)
        let factors = try #require(try json(fit.standardOutput)["factors"] as? [[String: Any]])
        let cycle = try #require(factors.first { $0["id"] as? String == "decision_cycle" })
        #expect(cycle["reason"] as? String == "contradicted")
        #expect(cycle["weight"] as? Double == 0)
        let table = try KamRunner.run(
            ["model", "fit", Self.history, "--model", Self.model, "--output", "fit.yaml", "--quiet"], in: directory)
        #expect(table.standardOutput.contains("kam weights fit judges"))
        let weights = try KamRunner.run(["weights", "fit", Self.history, "--model", Self.model, "--quiet"])
        #expect(weights.standardOutput.contains("CONTRADICTS"))
        #expect(weights.standardOutput.contains("kam model fit learns each factor's curve"))
    }
}
