import Foundation
import ScoringEngine
import Testing

@testable import ScoringIO

@Suite("Ranked records mapped from their bytes equal the loader's rows")
struct RankedRecordMapperTests {
    /// The accepted records of `bytes` (header first) as the loader maps them one by one
    /// (``CSVParser``, ``RowMapper``, ``BatchBuilder``), and the same records, back to back,
    /// with their lengths and lines, for ``RankedRecordMapper``.
    static func records(of bytes: [UInt8], plan: StreamPlan) -> (
        expected: ProspectBatch, records: [UInt8], lengths: [Int], lines: [Int]
    ) {
        var builder = BatchBuilder(mapper: plan.mapper, capacity: 0)
        var records: [UInt8] = []
        var lengths: [Int] = []
        var lines: [Int] = []
        let headerEnd = bytes.firstIndex(of: UInt8(ascii: "\n"))!
        bytes.withByteView { view in
            var scanner = FieldScanner(bytes: view, start: headerEnd + 1, line: 2, delimiter: plan.delimiter)
            while scanner.skipBlankLines() {
                let start = scanner.position
                let line = scanner.line
                try! scanner.skipRestOfRecord()
                let record = Array(view[start..<scanner.position])
                var parser = CSVParser(bytes: record, start: 0, line: line, delimiter: plan.delimiter, validatesUTF8: false)
                guard let fields = try? parser.nextRecord(expectedFieldCount: plan.columnCount)?.fields,
                    case .accepted(let row) = plan.mapper.map(fields: fields, line: line)
                else { continue }
                builder.append(row)
                records += record
                lengths.append(record.count)
                lines.append(line)
            }
        }
        return (builder.batch(), records, lengths, lines)
    }

    static func plan(_ model: ScoringModel, header bytes: [UInt8]) throws -> StreamPlan {
        let headerEnd = try #require(bytes.firstIndex(of: UInt8(ascii: "\n")))
        let header = String(decoding: bytes[..<headerEnd], as: UTF8.self).split(separator: ",").map(String.init)
        return StreamPlan(
            model: model, header: header, file: "list.csv", delimiter: UInt8(ascii: ","), scorer: Scorer(model: model),
            scenario: 0)
    }

    static func expectEqual(_ mapped: ProspectBatch, _ expected: ProspectBatch) {
        #expect(mapped.accounts == expected.accounts)
        #expect(mapped.factorColumns.count == expected.factorColumns.count)
        for (column, (left, right)) in zip(mapped.factorColumns, expected.factorColumns).enumerated() {
            switch (left, right) {
            case (.numeric(let left), .numeric(let right)):
                #expect(left.map(\.bitPattern) == right.map(\.bitPattern), "factor \(column)")
            case (.categorical(let left), .categorical(let right)):
                #expect(left == right, "factor \(column)")
            default:
                Issue.record("factor \(column): the kinds differ")
            }
        }
        #expect(mapped.segmentData.columns == expected.segmentData.columns)
    }

    @Test(
        "Difficult lists: quoted names with line breaks and doubled quotes, missing codes, segments; columns read for two roles; ids from line numbers",
        arguments: [
            [],
            [("  name: name", "  name: region")],
            [("  id: account_id", "  id: \"@line\"")],
        ] as [[(String, String)]])
    func sameBatch(edits: [(String, String)]) throws {
        let model = try editedDefaultModel(edits)
        #expect(!model.segments.isEmpty)
        for seed in [UInt64(3), 4] {
            let bytes = StreamTestFiles.difficultList(rows: 1500, seed: seed, blankRate: 0.1)
            let plan = try Self.plan(model, header: bytes)
            let (expected, records, lengths, lines) = Self.records(of: bytes, plan: plan)
            #expect(expected.count > 1000)
            let mapped = try RankedRecordMapper(plan: plan).map(records: records, lengths: lengths, lines: lines)
            Self.expectEqual(mapped, expected)
        }
    }

    @Test("A record that no longer maps, or whose id is not the ranked one, is reported with its index")
    func mismatch() throws {
        let model = try editedDefaultModel([])
        let bytes = StreamTestFiles.difficultList(rows: 200, seed: 9)
        let plan = try Self.plan(model, header: bytes)
        let (_, records, lengths, lines) = Self.records(of: bytes, plan: plan)
        let mapper = RankedRecordMapper(plan: plan)
        // The third record loses its last field.
        let start = lengths[0] + lengths[1]
        var broken = records
        let comma = try #require(broken[start..<(start + lengths[2])].lastIndex(of: UInt8(ascii: ",")))
        broken.removeSubrange(comma..<(start + lengths[2] - 1))
        var shorter = lengths
        shorter[2] -= start + lengths[2] - 1 - comma
        #expect(throws: RankedRecordMapper.Mismatch.self) {
            try mapper.map(records: broken, lengths: shorter, lines: lines)
        }
        do {
            _ = try mapper.map(records: broken, lengths: shorter, lines: lines)
        } catch {
            #expect(error.index == 2)
        }
        // An id check that refuses the fifth id.
        do {
            _ = try mapper.map(records: records, lengths: lengths, lines: lines) { index, _ in index != 4 }
            Issue.record("the refused id was mapped")
        } catch {
            #expect(error.index == 4)
        }
    }
}
