import Foundation
import ScoringEngine
import ScoringTestSupport
import Testing

@testable import ScoringIO

/// The loaders read large tables in parts on several threads; their results must be the
/// one-thread results, rejects and duplicate ids included, in the same order.
@Suite("Loaders reading records in parts")
struct RecordPartsTests {
    /// Four parts of any size: 3,000 records are cut at 750, 1,500 and 2,250.
    static let fourParts = RecordParts(maximumWorkers: 4, minimumPartSize: 1)

    @Test("ranges are contiguous, in order, and cover every record; small tables are one part")
    func ranges() {
        #expect(Self.fourParts.ranges(count: 3_000) == [0..<750, 750..<1_500, 1_500..<2_250, 2_250..<3_000])
        #expect(Self.fourParts.ranges(count: 3) == [0..<1, 1..<2, 2..<3])
        #expect(RecordParts(maximumWorkers: 2, minimumPartSize: 100).ranges(count: 150) == [0..<150])
        #expect(RecordParts(maximumWorkers: 2, minimumPartSize: 100).ranges(count: 201) == [0..<100, 100..<201])
        #expect(RecordParts.single.ranges(count: 1_000_000) == [0..<1_000_000])
        #expect(RecordParts.single.ranges(count: 0) == [0..<0])
    }

    /// A row's id: `K<i>`, or a repeat of an earlier row's id every 47 rows (the row before,
    /// which the part boundaries 750, 1,500 and 2,250 never separate from it); with
    /// `acrossParts`, rows of the last part also repeat ids of the first.
    static func id(_ row: Int, acrossParts: Bool) -> String {
        if acrossParts, row == 2_900 || row == 2_901 { return "K10" }
        return row % 47 == 11 ? "K\(row - 1)" : "K\(row)"
    }

    static func historyText(acrossParts: Bool) -> String {
        var text = "account_id,expected_share,credit_rating,deal_risk,outcome,note,amount\n"
        for row in 0..<3_000 {
            let id = id(row, acrossParts: acrossParts)
            if row % 59 == 17 {
                text += "\(id),10%,AAA\n"
                continue
            }
            let share = row % 41 == 7 ? "abc" : "\(row % 60)%"
            let risk = row % 53 == 13 ? "" : "\(row % 5 + 1)"
            let outcome = row % 37 == 5 ? "maybe" : row % 43 == 9 ? "" : ["won", "lost", "lost"][row % 3]
            let amount = row % 97 == 3 ? "n/a" : "\(row * 7 % 1_000)"
            text += "\(id),\(share),\(["AAA", "B", "C"][row % 3]),\(risk),\(outcome),note \(row % 11),\(amount)\n"
        }
        return text
    }

    @Test("the learning loader's parts give the one-thread result", arguments: [false, true])
    func learningHistory(acrossParts: Bool) throws {
        let table = try CSVReader().read(bytes: Array(Self.historyText(acrossParts: acrossParts).utf8), file: "h.csv")
        let loader = LearningHistoryLoader(model: try LearningHistoryLoaderTests.model(), candidates: .all)
        let one = try loader.load(table, parts: .single)
        let parts = try loader.load(table, parts: Self.fourParts)
        #expect(one.rejects.count > 100)
        #expect(one.rejects.contains { $0.code == "duplicate_id" })
        #expect(one.openCount > 0)
        #expect(parts.rejects.map(\.description) == one.rejects.map(\.description))
        #expect(parts.rejects.map(\.code) == one.rejects.map(\.code))
        #expect(parts.ids == one.ids)
        #expect(parts.lines == one.lines)
        #expect(parts.recordIndices == one.recordIndices)
        #expect(parts.openCount == one.openCount)
        #expect(parts.data.outcomes == one.data.outcomes)
        #expect(parts.data.stages == one.data.stages)
        #expect(parts.data.columns.map(\.name) == one.data.columns.map(\.name))
        #expect(parts.data.columns.map { String(describing: $0.values) } == one.data.columns.map { String(describing: $0.values) })
        #expect(parts.candidateColumns == one.candidateColumns)
        if acrossParts {
            #expect(one.rejects.contains { $0.description.contains("K10") })
        }
    }

    @Test(
        "the learning loader reading the file a part at a time gives the one-thread result of the whole table",
        arguments: [false, true])
    func learningHistoryFromFile(acrossParts: Bool) throws {
        let text = Self.historyText(acrossParts: acrossParts)
        let path = try CSVReaderPartsTests.file(Array(text.utf8), name: "h.csv")
        let loader = LearningHistoryLoader(model: try LearningHistoryLoaderTests.model(), candidates: .all)
        let one = try loader.load(try CSVReader().read(contentsOf: path), parts: .single)
        #expect(one.rejects.contains { $0.code == "duplicate_id" })
        // 1 byte: a record a part, every repeated id across parts; then parts of many records.
        for partBytes in [1, 333, 4_096, 1 << 20] {
            var counts: [Int] = []
            let parts = try loader.load(contentsOf: path, reader: CSVReader(), partBytes: partBytes) { counts.append($0) }
            #expect(parts.rejects.map(\.description) == one.rejects.map(\.description), "part bytes \(partBytes)")
            #expect(parts.rejects.map(\.code) == one.rejects.map(\.code))
            #expect(parts.ids == one.ids)
            #expect(parts.lines == one.lines)
            #expect(parts.recordIndices == one.recordIndices)
            #expect(parts.openCount == one.openCount)
            #expect(parts.rowsRead == one.rowsRead)
            #expect(parts.data.outcomes == one.data.outcomes)
            #expect(parts.data.stages == one.data.stages)
            #expect(parts.data.columns.map(\.name) == one.data.columns.map(\.name))
            #expect(
                parts.data.columns.map { String(describing: $0.values) } == one.data.columns.map { String(describing: $0.values) })
            #expect(parts.candidateColumns == one.candidateColumns)
            #expect(parts.header == one.header && parts.otherColumns == one.otherColumns)
            // The progress counts records from the file's first one, never going down.
            #expect(counts.last == one.rowsRead)
            #expect(zip(counts, counts.dropFirst()).allSatisfy { $0 <= $1 })
        }
    }

    static func listText(acrossParts: Bool) -> String {
        var text = ProspectListLoaderTests.header
        for row in 0..<3_000 {
            let id = id(row, acrossParts: acrossParts)
            if row % 59 == 17 {
                text += "\(id),n\(row)\n"
                continue
            }
            let budget = row % 37 == 5 ? "" : "\(100 + row)"
            let credit = row % 41 == 7 ? "ZZZ" : ["AAA", "B", "C", ""][row % 4]
            let spend = row % 43 == 9 ? "lots" : "\(row * 3)"
            text += "\(id),name \(row),\(row % 5 + 1),\(budget),\(row % 60)%,\(credit),\(row % 180),\(row % 7),\(spend)\n"
        }
        return text
    }

    @Test("the prospect-list loader's parts give the one-thread result", arguments: [false, true])
    func prospectList(acrossParts: Bool) throws {
        let table = try CSVReader().read(bytes: Array(Self.listText(acrossParts: acrossParts).utf8), file: "list.csv")
        let loader = ProspectListLoader(model: ProspectListLoaderTests.model)
        let one = try loader.load(table, parts: .single)
        let parts = try loader.load(table, parts: Self.fourParts)
        #expect(one.rejects.count > 100)
        #expect(one.rejects.contains { if case .duplicateID = $0.reason { true } else { false } })
        #expect(parts.rejects == one.rejects)
        #expect(parts.batch.accounts == one.batch.accounts)
        #expect(
            parts.batch.factorColumns.map { String(describing: $0) } == one.batch.factorColumns.map { String(describing: $0) })
        #expect(parts.batch.segmentData.columns == one.batch.segmentData.columns)
        #expect(one.batch.segmentData.columns["spend"]?.contains(.text("lots")) == true)
        #expect(parts.rowsRead == one.rowsRead)
    }
}
