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

    @Test("--outcomes reproduces the bundled shaped history byte for byte")
    func reproducesShapedHistory() throws {
        let directory = try KamRunner.temporaryDirectory()
        let file = directory + "/history-shaped.csv"
        let outcome = try KamRunner.run(["generate", "--rows", "20000", "--seed", "8", "--outcomes", "--output", file])
        #expect(outcome.status == 0)
        let written = try Data(contentsOf: URL(fileURLWithPath: file))
        let bundled = try Data(contentsOf: URL(fileURLWithPath: Paths.packageRoot + "/datasets/history-shaped.csv"))
        #expect(written == bundled)
    }

    @Test("--outcomes appends outcome and followup_status to the prospect list's columns")
    func outcomesColumns() throws {
        let outcome = try KamRunner.run(["generate", "--rows", "50", "--seed", "3", "--outcomes", "--crlf"])
        #expect(outcome.status == 0)
        let rows = CSVCheck.parse(outcome.standardOutput.replacingOccurrences(of: "\r\n", with: "\n"))
        try #require(rows.count == 51)
        #expect(Array(rows[0].suffix(2)) == ["outcome", "followup_status"])
        #expect(rows[0].count == 29)
        for row in rows.dropFirst() {
            #expect(row.count == 29)
            #expect(["won", "lost"].contains(row[27]))
            #expect(["contract_signed", "closed_no_deal"].contains(row[28]))
        }
        let help = try KamRunner.run(["generate", "--help"])
        #expect(help.standardOutput.contains("--outcomes"))
    }
}
