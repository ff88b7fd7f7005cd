import ScoringEngine
import ScoringIO
import ScoringTestSupport
import Testing

@Suite("Account snapshot reader")
struct SnapshotReaderTests {
    let model = try! ModelFileReader().read(contentsOf: Paths.packageRoot + "/models/default.yaml")

    static let bundled = try! String(contentsOfFile: Paths.packageRoot + "/datasets/history/snapshots.csv", encoding: .utf8)
        .split(separator: "\n").map(String.init)

    /// The header and first two rows of the bundled snapshots, then `extraRows`.
    func file(_ extraRows: [[String]]) -> String {
        (Self.bundled.prefix(3) + extraRows.map(line)).joined(separator: "\n") + "\n"
    }

    /// Row 1 of the bundled file as fields, with its id, snapshot date and outcome replaced.
    func fields(_ id: String, _ date: String, _ outcome: String, _ outcomeDate: String) throws -> [String] {
        let table = try CSVReader().read(bytes: Array((Self.bundled[0] + "\n" + Self.bundled[1] + "\n").utf8), file: "x")
        var fields = table.records[0].fields
        fields[0] = id
        fields[fields.count - 3] = date
        fields[fields.count - 2] = outcome
        fields[fields.count - 1] = outcomeDate
        return fields
    }

    /// A CSV line, quoting fields that hold a comma.
    func line(_ fields: [String]) -> String {
        fields.map { $0.contains(",") ? "\"\($0)\"" : $0 }.joined(separator: ",")
    }

    @Test("snapshots of one account on several dates are all kept, with their ids, dates and outcomes")
    func several() throws {
        let text = file([
            try fields("Z-1", "2024-01-01", "", ""), try fields("Z-1", "2024-04-01", "won", "2024-05-03"),
        ])
        let result = try SnapshotReader(model: model).read(CSVReader().read(bytes: Array(text.utf8), file: "s.csv"))
        #expect(result.rejects.isEmpty)
        #expect(result.batch.count == 4)
        #expect(result.batch.accounts.suffix(2).map(\.id) == ["Z-1", "Z-1"])
        #expect(result.batch.accounts[3].line == 5)
        #expect(result.dates.suffix(2).map(\.description) == ["2024-01-01", "2024-04-01"])
        #expect(Array(result.outcomes.suffix(2)) == [.open, .won])
        #expect(result.outcomeDates[3]?.description == "2024-05-03")
    }

    @Test("bad dates, outcomes and duplicates are rejected with line and column; bad factor values as in kam rank")
    func rejects() throws {
        var broken = try fields("Z-5", "2024-01-01", "open", "")
        broken[8] = "lots"  // strategic_importance
        let text = file([
            try fields("Z-1", "2024-1-32", "open", ""),
            try fields("Z-2", "2024-01-01", "maybe", ""),
            try fields("Z-3", "2024-01-01", "lost", ""),
            try fields("Z-4", "2024-03-01", "won", "2024-02-01"),
            try fields("Z-4", "2024-01-01", "open", ""),
            try fields("Z-4", "2024-01-01", "open", ""),
            broken,
        ])
        let result = try SnapshotReader(model: model).read(CSVReader().read(bytes: Array(text.utf8), file: "s.csv"))
        let summary = result.rejects.map { "\($0.line):\($0.columnNumber.map(String.init) ?? "-"):\($0.reason)" }
        #expect(
            summary == [
                "4:28:bad_date", "5:29:bad_outcome", "6:30:missing_outcome_date", "7:30:outcome_before_snapshot",
                "9:1:duplicate_snapshot", "10:9:not_a_number",
            ])
        #expect(
            result.rejects[4].message
                == "account 'Z-4' already has a snapshot dated 2024-01-01 on line 8; keep one snapshot per account and date.")
        #expect(result.batch.count == 3)
    }
}
