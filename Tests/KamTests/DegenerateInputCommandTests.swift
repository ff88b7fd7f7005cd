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
        #expect(outcome.standardError.contains("penalty.yaml, line 179: difficulty_penalty is 1e+308; it must be a number from 0 to 1000000000"))
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
}
