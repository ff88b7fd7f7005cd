import Foundation
import LinearAlgebra
import ScoringEngine
import ScoringTestSupport
import Testing

@testable import ScoringIO

/// The streaming history reader of `kam weights fit` (``ProspectStream/readHistory(contentsOf:scorer:outcomeColumn:)``)
/// reads what ``CSVReader`` + ``HistoryLoader`` read: the same rows, rejects (messages,
/// lines, columns, order), outcome rejects, open count, raw values and utilities to the bit.
@Suite("streamed history = in-memory history")
struct HistoryStreamTests {
    static let model = StreamTestFiles.defaultModel

    /// A generated history made hard to split (``StreamTestFiles/difficult(_:seed:byteOrderMark:more:)``:
    /// quoted names with line breaks, CRLF, blank lines, duplicate and blank ids, missing
    /// codes), with unreadable values, short rows, and outcomes written in every accepted
    /// way and some unaccepted ones.
    static func difficultHistory(rows: Int, seed: UInt64) -> [UInt8] {
        let options = try! GeneratorOptions(rows: rows, seed: seed, blankRate: 0.05)
        let generated = HistoryGenerator(model: model, options: options).bytes()
        let outcomeWords = [
            " Won ", "WON", "\"lost\"", "赢单", "输单", "yes", "No", "TRUE", "0", "1", "", "open", "na", "Unknown", "无",
            "maybe", "\"a \"\"quoted\"\" word\"", " ", "\tW", "l", "进行中", "1.0", "ｗｏｎ",
        ]
        return StreamTestFiles.difficult(generated, seed: seed) { fields, random in
            switch random.next() % 10 {
            case 0, 1, 2, 3:
                fields[fields.count - 1] = Array(outcomeWords.randomElement(using: &random)!.utf8)
            case 4:
                fields[7] = Array("lots".utf8)  // not a number: rejected with its column
            case 5:
                fields.removeLast()  // a field short
            default:
                break
            }
        }
    }

    static func inMemory(_ path: String, outcomeColumn: String = "outcome", encoding: TextEncoding = .auto) throws
        -> HistoryColumns
    {
        let table = try CSVReader(options: CSVOptions(encoding: encoding)).read(contentsOf: path)
        return HistoryColumns(
            loaded: try HistoryLoader(model: model, outcomeColumn: outcomeColumn).load(table), model: model)
    }

    static func streamed(
        _ path: String, outcomeColumn: String = "outcome", blockSize: Int = 4096, encoding: TextEncoding = .auto
    ) throws -> HistoryColumns {
        let stream = ProspectStream(
            model: model, options: CSVOptions(encoding: encoding),
            configuration: .init(blockSize: blockSize, workers: 2))
        return try stream.readHistory(contentsOf: path, scorer: Scorer(model: model), outcomeColumn: outcomeColumn)
    }

    static func expectSame(_ streamed: HistoryColumns, _ reference: HistoryColumns) {
        #expect(streamed.rowsRead == reference.rowsRead)
        #expect(streamed.header == reference.header)
        #expect(streamed.rejects == reference.rejects)
        #expect(streamed.rejects.map(\.description) == reference.rejects.map(\.description))
        #expect(streamed.outcomeRejects == reference.outcomeRejects)
        #expect(streamed.openCount == reference.openCount)
        #expect(streamed.raw.count == reference.raw.count)
        #expect(streamed.raw.map(\.bitPattern) == reference.raw.map(\.bitPattern), "raw values differ")
        #expect(streamed.outcomes.map(\.bitPattern) == reference.outcomes.map(\.bitPattern), "outcomes differ")
    }

    @Test("a difficult history, cut into small blocks: same rows, rejects, lines, outcomes and raw values")
    func difficult() throws {
        let path = StreamTestFiles.scratchPath("history.csv")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(Self.difficultHistory(rows: 3000, seed: 21)).write(to: URL(fileURLWithPath: path))
        let reference = try Self.inMemory(path)
        #expect(!reference.rejects.isEmpty && !reference.outcomeRejects.isEmpty && reference.openCount > 0)
        #expect(reference.rejects.contains { if case .duplicateID = $0.reason { true } else { false } })
        for blockSize in [1024, 4096, 1 << 20] {
            Self.expectSame(try Self.streamed(path, blockSize: blockSize), reference)
        }
    }

    @Test("the decided utilities equal UtilityBuilder's on the loader's batch, bit for bit")
    func utilities() throws {
        let path = StreamTestFiles.scratchPath("history.csv")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(Self.difficultHistory(rows: 2000, seed: 22)).write(to: URL(fileURLWithPath: path))
        let table = try CSVReader().read(contentsOf: path)
        let loaded = try HistoryLoader(model: Self.model).load(table)
        let rows = loaded.decidedRows
        let expected = WeightFit.rows(UtilityBuilder(model: Self.model).build(loaded.list.batch).matrix, rows)
        let decided = try Self.streamed(path).decided(model: Self.model)
        #expect(decided.outcomes == rows.map { loaded.outcomes[$0]! })
        #expect(decided.utilities.rows == expected.rows && decided.utilities.columns == expected.columns)
        #expect(decided.utilities.elements.map(\.bitPattern) == expected.elements.map(\.bitPattern))
    }

    @Test("over 100,000 decided rows (converted in two halves side by side): the same utilities, bit for bit")
    func utilitiesInHalves() throws {
        let model = try editedDefaultModel([
            ("scale: {type: piecewise, points: [[1, 0], [6, 0.4], [12, 0.8], [24, 1]]}", "scale: {type: zscore, clip: 2.5}")
        ])
        let path = StreamTestFiles.scratchPath("history-large.csv")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(Self.difficultHistory(rows: 220_000, seed: 26)).write(to: URL(fileURLWithPath: path))
        let table = try CSVReader().read(contentsOf: path)
        let loaded = try HistoryLoader(model: model).load(table)
        #expect(loaded.decidedRows.count >= 100_000)
        let expected = WeightFit.rows(UtilityBuilder(model: model).build(loaded.list.batch).matrix, loaded.decidedRows)
        let stream = ProspectStream(model: model, configuration: .init(blockSize: 1 << 20, workers: 2))
        let decided = try stream.readHistory(contentsOf: path, scorer: Scorer(model: model), outcomeColumn: "outcome")
            .decided(model: model)
        #expect(decided.outcomes == loaded.decidedRows.map { loaded.outcomes[$0]! })
        #expect(decided.utilities.rows == expected.rows)
        #expect(decided.utilities.elements.map(\.bitPattern) == expected.elements.map(\.bitPattern))
    }

    @Test("batch-relative scales and the mean policy: statistics over every accepted account, open ones too")
    func batchRelative() throws {
        let model = try editedDefaultModel([
            (
                "    weight: 0.15\n    scale: {type: linear, min: 1, max: 5}\n    missing: neutral\n    source: \"seed §3.2.3 (五) D; §3.2.2 二.1\"",
                "    weight: 0.15\n    scale: {type: minmax}\n    missing: mean\n    source: \"seed §3.2.3 (五) D; §3.2.2 二.1\""
            ),
            ("scale: {type: piecewise, points: [[1, 0], [6, 0.4], [12, 0.8], [24, 1]]}", "scale: {type: zscore, clip: 2.5}"),
        ])
        let path = StreamTestFiles.scratchPath("history.csv")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(Self.difficultHistory(rows: 1500, seed: 23)).write(to: URL(fileURLWithPath: path))
        let table = try CSVReader().read(contentsOf: path)
        let loaded = try HistoryLoader(model: model).load(table)
        let expected = WeightFit.rows(UtilityBuilder(model: model).build(loaded.list.batch).matrix, loaded.decidedRows)
        let stream = ProspectStream(model: model, configuration: .init(blockSize: 2048, workers: 2))
        let decided = try stream.readHistory(contentsOf: path, scorer: Scorer(model: model), outcomeColumn: "outcome")
            .decided(model: model)
        #expect(decided.utilities.elements.map(\.bitPattern) == expected.elements.map(\.bitPattern))
    }

    @Test("GB18030 history: same as the in-memory reader")
    func gb18030() throws {
        let utf8 = Self.difficultHistory(rows: 800, seed: 24)
        let converted = try Iconv.convert(utf8, from: "UTF-8", to: "GB18030")
        let path = StreamTestFiles.scratchPath("history-gb.csv")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(converted).write(to: URL(fileURLWithPath: path))
        Self.expectSame(try Self.streamed(path, blockSize: 2048), try Self.inMemory(path))
    }

    @Test("errors: no outcome column, a missing model column, an unterminated quote: the same messages")
    func errors() throws {
        let header = String(decoding: Self.difficultHistory(rows: 10, seed: 25), as: UTF8.self)
            .split(separator: "\n")[0]
        let row = "100,35%,3,3,18%,10,2,3,A,30,2,6,yes,0"
        func both(_ text: String, outcomeColumn: String = "outcome") -> (String, String) {
            let path = StreamTestFiles.scratchPath("bad.csv")
            defer { try? FileManager.default.removeItem(atPath: path) }
            try! Data(text.utf8).write(to: URL(fileURLWithPath: path))
            func message(_ body: () throws -> HistoryColumns) -> String {
                do {
                    _ = try body()
                    return "no error"
                } catch {
                    return "\(error)"
                }
            }
            return (
                message { try Self.streamed(path, outcomeColumn: outcomeColumn) },
                message { try Self.inMemory(path, outcomeColumn: outcomeColumn) }
            )
        }
        var (streamed, reference) = both(header + "\nK-1,\(row),won\n", outcomeColumn: "result")
        #expect(streamed == reference)
        #expect(streamed.contains("no 'result' column"))
        let withoutBudget = header.replacingOccurrences(of: "annual_ad_budget", with: "budget")
        (streamed, reference) = both(withoutBudget + "\nK-1,\(row),won\n")
        #expect(streamed == reference)
        #expect(streamed.contains("annual_ad_budget"))
        (streamed, reference) = both(header + "\nK-1,\(row),won\nK-2,\"open quote,\(row),lost\n")
        #expect(streamed == reference)
        #expect(streamed != "no error")
    }
}
