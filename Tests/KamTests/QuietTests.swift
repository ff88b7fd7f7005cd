import Foundation
import ScoringTestSupport
import Testing

@Suite("--quiet silences the summary of a table, but not the word about rejected rows")
struct QuietTests {
    @Test("rank --quiet prints the table alone, and one line on stderr for the rejected rows")
    func rankTable() throws {
        let directory = try KamRunner.temporaryDirectory()
        let rejects = directory + "/r.csv"
        let loud = try KamRunner.run(["rank", "datasets/prospects.csv", "--top", "3", "--rejects", rejects])
        let quiet = try KamRunner.run(["rank", "datasets/prospects.csv", "--top", "3", "--rejects", rejects, "--quiet"])
        #expect(quiet.status == 0)
        #expect(loud.standardOutput.contains("Grades: A 46"))
        #expect(!quiet.standardOutput.contains("Grades:"))
        #expect(!quiet.standardOutput.contains("rejected"))
        #expect(loud.standardOutput.hasPrefix(quiet.standardOutput))
        #expect(quiet.standardOutput.split(separator: "\n").count == 5)
        #expect(quiet.standardError == "5 rows rejected (written to \(rejects)).\n")
        let markdown = try KamRunner.run([
            "rank", "datasets/prospects.csv", "--top", "3", "--rejects", rejects, "--quiet", "--format", "markdown",
        ])
        #expect(!markdown.standardOutput.contains("Grades:"))
    }
}

@Suite("Tables fit the terminal: COLUMNS is honoured, 100 columns otherwise")
struct TerminalWidthTests {
    @Test("a wider COLUMNS shows more of the reasons; no line is wider than it")
    func wider() throws {
        let narrow = try KamRunner.run(["rank", "datasets/prospects.csv", "--top", "20", "--quiet"])
        let wide = try KamRunner.run(["rank", "datasets/prospects.csv", "--top", "20", "--quiet"], environment: ["COLUMNS": "160"])
        let narrowWidths = narrow.standardOutput.split(separator: "\n").map { DisplayWidthCheck.width(of: String($0)) }
        let wideWidths = wide.standardOutput.split(separator: "\n").map { DisplayWidthCheck.width(of: String($0)) }
        #expect(narrowWidths.allSatisfy { $0 <= 100 })
        #expect(wideWidths.allSatisfy { $0 <= 160 })
        #expect(wideWidths.max()! > 100)
        #expect(!wide.standardOutput.contains("…\n"))
    }
}
