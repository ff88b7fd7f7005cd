import Foundation
import ScoringTestSupport
import Testing

@Suite("kam pipeline end to end", .serialized)
struct PipelineCommandTests {
    static let events = "datasets/history/events.csv"
    static let snapshots = "datasets/history/snapshots.csv"

    @Test("fitting the bundled history reproduces models/pipeline.yaml, and the report fits 100 columns")
    func fitReproducesBundledPipeline() throws {
        let directory = try KamRunner.temporaryDirectory()
        let outcome = try KamRunner.run(["pipeline", "fit", Self.events, "--snapshots", Self.snapshots, "--output", directory + "/p.yaml"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let written = try String(contentsOfFile: directory + "/p.yaml", encoding: .utf8)
        let bundled = try String(contentsOfFile: Paths.packageRoot + "/models/pipeline.yaml", encoding: .utf8)
        func withoutCommand(_ text: String) -> [Substring] { text.split(separator: "\n").filter { !$0.hasPrefix("# Made by:") } }
        #expect(withoutCommand(written) == withoutCommand(bundled))
        #expect(outcome.standardOutput.contains("Transition probabilities per month"))
        #expect(outcome.standardOutput.contains("1 identify"))
        #expect(outcome.standardOutput.contains("948 still"))
        for line in outcome.standardOutput.split(separator: "\n") {
            #expect(DisplayWidthCheck.width(of: String(line)) <= 100, "line wider than 100 columns: \(line)")
        }
    }

    @Test("pipeline show --format json gives every stage's win chance and time to close")
    func showJSON() throws {
        let outcome = try KamRunner.run(["pipeline", "show", "--format", "json", "--horizon", "6"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any])
        #expect(object["schema"] as? String == "kam.pipeline-report/1")
        let outlook = try #require(object["outlook"] as? [[String: Any]])
        #expect(outlook.count == 5)
        let won = outlook.compactMap { $0["probability_won"] as? Double }
        #expect(won == won.sorted())  // later stages win more often
        #expect((outlook[0]["won_by_period"] as? [Double])?.count == 6)
        let transitions = try #require(object["transitions"] as? [[String: Any]])
        let first = try #require(transitions[0]["to"] as? [[String: Any]])
        #expect(first.count == 7)
        #expect(first[0]["count"] as? Int != nil)
    }

    @Test("csv views, markdown and Chinese labels")
    func formats() throws {
        let transitions = try KamRunner.run(["pipeline", "show", "--format", "csv"])
        let records = CSVCheck.parse(transitions.standardOutput)
        #expect(records.first == ["from_stage", "to_state", "probability", "count", "periods", "lower", "upper"])
        #expect(records.count == 36)
        let outlook = try KamRunner.run(["pipeline", "show", "--format", "csv", "--view", "outlook", "--horizon", "3"])
        #expect(CSVCheck.parse(outlook.standardOutput).first?.last == "won_by_3")
        let markdown = try KamRunner.run(["pipeline", "show", "--format", "markdown"])
        #expect(markdown.standardOutput.contains("| --- |"))
        let chinese = try KamRunner.run(["pipeline", "show", "--lang", "zh"])
        #expect(chinese.standardOutput.contains("确定开发对象"))
        #expect(chinese.standardOutput.contains("赢单率"))
    }

    @Test("a bad row is reported as file:line:column with the fix; --strict makes it exit 65")
    func rejects() throws {
        let directory = try KamRunner.temporaryDirectory()
        let log = directory + "/events.csv"
        var text = try String(contentsOfFile: Paths.packageRoot + "/" + Self.events, encoding: .utf8)
        text = text.replacingOccurrences(of: "H-002064,2021-01-01,,1", with: "H-002064,2021-01-01,,9")
        try text.write(toFile: log, atomically: true, encoding: .utf8)
        let outcome = try KamRunner.run(["pipeline", "fit", log, "--output", directory + "/p.yaml", "--format", "json"])
        #expect(outcome.status == 0)
        // The summary goes to standard error with csv and json: file:line:column and the fix.
        #expect(outcome.standardError.contains("events.csv:2:4: 'to_stage' is '9'; write a stage 1 to 5, won or lost."))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any])
        let rejects = try #require(object["rejects"] as? [[String: Any]])
        #expect(rejects.count == 1)
        #expect(rejects.first?["line"] as? Int == 2)
        #expect(rejects.first?["column"] as? String == "to_stage")
        #expect(rejects.first?["reason"] as? String == "bad_stage")
        let summary = try #require(object["summary"] as? [String: Any])
        #expect(summary["accounts_left_out"] as? Int == 1)
        let strict = try KamRunner.run(["pipeline", "fit", log, "--output", directory + "/p.yaml", "--strict"])
        #expect(strict.status == 65)
    }

    @Test("missing inputs exit 66, bad options 64, a broken pipeline file 65 with its line")
    func exitCodes() throws {
        #expect(try KamRunner.run(["pipeline", "fit", "no-such-log.csv"]).status == 66)
        let usage = try KamRunner.run(["pipeline", "fit", Self.events, "--confidence", "0.97"])
        #expect(usage.status == 64)
        #expect(usage.standardError.contains("Please specify a '--confidence' of 0.8, 0.9, 0.95 or 0.99."))
        let directory = try KamRunner.temporaryDirectory()
        try "schema: kam.pipeline/1\nperiod: month\ntransitions:\n  stage_1: {stage_1: 0.5}\n".write(
            toFile: directory + "/bad.yaml", atomically: true, encoding: .utf8)
        let broken = try KamRunner.run(["pipeline", "show", "--pipeline", directory + "/bad.yaml"])
        #expect(broken.status == 65)
        #expect(broken.standardError.contains("bad.yaml, line 4: the probabilities of stage_1 sum to 0.5"))
        #expect(try KamRunner.run(["pipeline", "show", "--pipeline", directory + "/none.yaml"]).status == 66)
    }

    @Test("pipeline generate writes the same bytes as the bundled history")
    func generate() throws {
        let directory = try KamRunner.temporaryDirectory()
        let outcome = try KamRunner.run(["pipeline", "generate", "--output-dir", directory])
        #expect(outcome.status == 0)
        #expect(outcome.standardOutput.contains("truth: intercept"))
        for name in ["events.csv", "snapshots.csv"] {
            let generated = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))
            let bundled = try Data(contentsOf: URL(fileURLWithPath: Paths.packageRoot + "/datasets/history/" + name))
            #expect(generated == bundled, "\(name) differs")
        }
    }
}
