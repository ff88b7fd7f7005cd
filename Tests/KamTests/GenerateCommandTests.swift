import Foundation
import ScoringTestSupport
import Testing

@Suite("kam generate end to end", .serialized)
struct GenerateCommandTests {
    @Test("the command that wrote the bundled sample reproduces it byte for byte")
    func reproducesSample() throws {
        let outcome = try KamRunner.run(["generate", "--rows", "300", "--seed", "20121", "--blank-rate", "0.04", "--bad-rows", "5"])
        #expect(outcome.status == 0)
        let sample = try String(contentsOfFile: Paths.packageRoot + "/datasets/prospects.csv", encoding: .utf8)
        #expect(outcome.standardOutput == sample)
    }

    @Test("a generated list scores with the default model and loses no row")
    func generatedListScores() throws {
        let directory = try KamRunner.temporaryDirectory()
        let list = directory + "/list.csv"
        #expect(try KamRunner.run(["generate", "--rows", "2000", "--seed", "9", "--bad-rows", "10", "--output", list]).status == 0)
        let outcome = try KamRunner.run(["rank", list, "--format", "json", "--top", "1", "--rejects", directory + "/r.csv"])
        #expect(outcome.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any])
        let summary = try #require(object["summary"] as? [String: Any])
        #expect(summary["rows_read"] as? Int == 2000)
        #expect(summary["rejected"] as? Int == 10)
        #expect(summary["accepted"] as? Int == 1990)
        let rejects = CSVCheck.parse(try String(contentsOfFile: directory + "/r.csv", encoding: .utf8))
        #expect(rejects.count == 11)
    }

    @Test("bad options are usage errors (64) that say what to write")
    func usage() throws {
        let rows = try KamRunner.run(["generate", "--rows", "0"])
        #expect(rows.status == 64)
        #expect(rows.standardError.contains("Please specify a '--rows' of at least 1."))
        let rate = try KamRunner.run(["generate", "--blank-rate", "2"])
        #expect(rate.status == 64)
        #expect(rate.standardError.contains("Please specify a '--blank-rate' between 0 and 1."))
    }
}
