import Foundation
import ScoringTestSupport
import Testing

/// Special values through the commands: Tests/SQLParity/models/every-scale.yaml declares a
/// stated special value on a decreasing binned factor (`strategic_importance = 3`, utility
/// 0.75, "undecided"), a bare one under `missing: neutral` (`service_fit = 5`) and a stated
/// one under `missing: mean` (`payment_delay_days = 0`).
@Suite("Special values end to end", .serialized)
struct SpecialValueCommandTests {
    static let model = Paths.packageRoot + "/Tests/SQLParity/models/every-scale.yaml"

    @Test("streaming kam rank prints the same bytes as in memory (csv to 12 digits, json), special values included")
    func streamingEqualsMemory() throws {
        let directory = try KamRunner.temporaryDirectory()
        let list = directory + "/list.csv"
        #expect(try KamRunner.run(["generate", "--rows", "3000", "--seed", "9", "--output", list]).status == 0)
        let text = try String(contentsOfFile: list, encoding: .utf8)
        // The codes occur: strategic_importance is column 9, service_fit 10, payment_delay_days 16.
        let records = CSVCheck.parse(text).dropFirst().filter { $0.count > 16 }
        #expect(records.filter { $0[8] == "3" }.count > 100)
        #expect(records.filter { $0[9] == "5" }.count > 100)
        #expect(records.filter { $0[15] == "0" }.count > 10)
        for format in [["--format", "csv", "--digits", "12"], ["--format", "json", "--top", "200"]] {
            let memory = try KamRunner.run(["rank", list, "--model", Self.model, "--in-memory", "--quiet"] + format)
            #expect(memory.status == 0, "\(memory.standardError)")
            for block in ["100", "4096"] {
                let streamed = try KamRunner.run(
                    ["rank", list, "--model", Self.model, "--block-size", block, "--workers", "2", "--quiet"] + format)
                #expect(streamed.status == 0)
                #expect(streamed.standardOutput == memory.standardOutput, "\(format), block \(block)")
            }
        }
    }

    @Test("kam explain gives a special value its own line, and the points still sum to the scores")
    func explain() throws {
        // K-000004 of the bundled sample has strategic_importance 3.
        let sample = Paths.packageRoot + "/datasets/prospects.csv"
        let table = try KamRunner.run(["explain", "K-000004", sample, "--model", Self.model])
        #expect(table.status == 0, "\(table.standardError)")
        #expect(table.standardOutput.contains("3†"))
        #expect(
            table.standardOutput.contains(
                "† strategic_importance = 3 (undecided): a special value with its own utility 0.750, not the scale's."))
        let zh = try KamRunner.run(["explain", "K-000004", sample, "--model", Self.model, "--lang", "zh"])
        #expect(zh.standardOutput.contains("† strategic_importance = 3 (undecided)：特殊值，取其自身的效用 0.750，不经标尺。"))
        let json = try KamRunner.run(["explain", "K-000004", sample, "--model", Self.model, "--format", "json"])
        let object = try #require(JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
        let account = try #require(object["account"] as? [String: Any])
        let contributions = try #require(object["contributions"] as? [[String: Any]])
        let strategic = try #require(contributions.first { $0["factor"] as? String == "strategic" })
        #expect(strategic["utility"] as? Double == 0.75 && strategic["raw"] as? Double == 3)
        for side in ["value", "difficulty"] {
            let sum = contributions.filter { $0["side"] as? String == side }.reduce(0) { $0 + ($1["points"] as? Double ?? .nan) }
            let score = try #require(account[side] as? Double)
            // Points and scores are printed to 6 decimals.
            #expect(abs(sum - score) <= 14 * 5e-7 + 5e-7, "\(side): \(sum) against \(score)")
        }
    }

    @Test("kam model show lists the special values after the scale")
    func show() throws {
        let outcome = try KamRunner.run(["model", "show", "--model", Self.model, "--format", "csv"])
        #expect(outcome.status == 0)
        #expect(outcome.standardOutput.contains("binned <2→0.900 <3.5→0.600 <5→0.200 rest→0.000; special 3 → 0.750 (undecided)"))
        #expect(outcome.standardOutput.contains("linear 1…5; special 5 → missing policy (neutral)"))
        #expect(outcome.standardOutput.contains("piecewise 0→0 30→0.2 90→0.7 180→1; special 0 → 0.050"))
    }
}
