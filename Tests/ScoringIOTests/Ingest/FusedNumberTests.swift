import Foundation
import ScoringEngine
import ScoringTestSupport
import Testing

@testable import ScoringIO

/// The streaming reader reads a plain number as it scans its field
/// (``FieldScanner/nextSimpleNumber(_:)``, ``ChunkMapper/fusesNumbers``). These tests map the
/// same chunks with and without that path and require the same raw values to the bit, the
/// same candidates and the same rejects, on fields chosen to sit at every edge of it.
@Suite("Numbers read while their fields are scanned equal numbers read after the scan")
struct FusedNumberTests {
    /// Four numeric factors: one in a percent column, one required, missing codes that look
    /// like numbers.
    static let model = """
        name: fused
        columns:
          id: id
        missing_codes: [NA, "-1", "-", "0.0"]
        factors:
          - {id: a, column: a, side: value, weight: 0.4, scale: {type: linear, min: 0, max: 100}, missing: neutral}
          - {id: b, column: b, side: value, weight: 0.6, unit: percent, scale: {type: linear, min: 0, max: 60}, missing: worst}
          - {id: c, column: c, side: difficulty, weight: 0.5, scale: {type: linear, min: -50, max: 50}, missing: required}
          - {id: d, column: d, side: difficulty, weight: 0.5, scale: {type: minmax}, missing: neutral}
        grading:
          value_bands: {names: [low, medium, high], cuts: [40, 60]}
          difficulty_bands: {names: [low, medium, high], cuts: [40, 60]}
          grid:
            high:   [A, A, B]
            medium: [B, C, C]
            low:    [C, D, D]
          minimum_completeness: 0.5
        """

    /// Fields at the edges of the fused path: simple numbers of every shape, and fields it
    /// must hand back (padding, quotes, separators, exponents, units, too many digits,
    /// missing codes that parse as numbers, text after a number, full-width digits).
    static let fields = [
        "0", "7", "-3", "+5", "-0", "0.000", "007", "12.5", "-12.25", "1.", ".5", "-.5", "99999999999999999999",
        "12345678901234567.5", "9007199254740993", "0.12345678901234567890123", "1e3", "\"1,500\"", "\"42\"", " 12",
        "12 ", "", "NA", "na", "-1", "-", "0.0", "12%", "12.5%", "%", "5%%", "12.5.3", "--1", "+", "12abc", "１２",
        "3,5", "1_000", "0x10", "\"7\"\"\"", "-1.0",
    ]

    static func list(rows: Int, seed: UInt64, delimiter: String, lineEnd: String) -> [UInt8] {
        var random = SeededRandom(seed: seed)
        var text = ["id", "a", "b", "c", "d"].joined(separator: delimiter) + lineEnd
        for row in 0..<rows {
            var cells = ["K\(row)"]
            for _ in 0..<4 {
                // Half plain numbers, half drawn from the edge cases.
                if random.nextDouble() < 0.5 {
                    let value = Double(Int(random.nextDouble() * 20_000) - 10_000) / 100
                    cells.append(String(value))
                } else {
                    let field = fields[Int(random.nextDouble() * Double(fields.count)) % fields.count]
                    // A comma inside a field only where the delimiter is not a comma.
                    cells.append(delimiter == "," && field == "3,5" ? "3.5" : field)
                }
            }
            text += cells.joined(separator: delimiter) + (row == rows - 1 && seed % 2 == 0 ? "" : lineEnd)
        }
        return Array(text.utf8)
    }

    @Test(
        "Random lists with every edge case, three delimiters and both line ends",
        arguments: [(UInt64(1), ",", "\n"), (2, ";", "\r\n"), (3, "\t", "\n"), (4, ",", "\r\n"), (5, ";", "\n")])
    func sameValues(seed: UInt64, delimiter: String, lineEnd: String) throws {
        let model = try ModelFileReader().read(yaml: Self.model, file: "fused.yaml")
        let bytes = Self.list(rows: 3000, seed: seed, delimiter: delimiter, lineEnd: lineEnd)
        let headerEnd = try #require(bytes.firstIndex(of: UInt8(ascii: "\n")))
        let header = ["id", "a", "b", "c", "d"]
        let scorer = Scorer(model: model)
        let plan = StreamPlan(
            model: model, header: header, file: "list.csv", delimiter: UInt8(ascii: Unicode.Scalar(delimiter)!),
            scorer: scorer, scenario: 0)
        var mapped: [MappedChunk] = []
        for fuses in [true, false] {
            var mapper = ChunkMapper(plan: plan, mode: .statistics, validatesUTF8: true)
            mapper.keepsRaw = true
            mapper.fusesNumbers = fuses
            let chunk = MappedChunk(bytes: bytes, start: headerEnd + 1, block: 0, needsConversion: false)
            mapper.map(chunk)
            #expect(chunk.failure == nil)
            mapped.append(chunk)
        }
        let (fused, scanned) = (mapped[0].rows, mapped[1].rows)
        let context = "seed \(seed), delimiter \(delimiter.debugDescription)"
        // The lists hold both kinds of row, so that the comparison means something.
        #expect(fused.candidateCount > 200 && fused.rejects.count > 200, "\(context)")
        #expect(fused.candidates.map(\.line) == scanned.candidates.map(\.line), "\(context)")
        #expect(fused.candidates.map(\.idHash) == scanned.candidates.map(\.idHash), "\(context)")
        #expect(fused.raw.count == scanned.raw.count, "\(context)")
        let difference = fused.raw.indices.first { fused.raw[$0].bitPattern != scanned.raw[$0].bitPattern }
        #expect(difference == nil, "\(context): raw value \(difference ?? -1) differs")
        #expect(fused.completeness.map(\.bitPattern) == scanned.completeness.map(\.bitPattern), "\(context)")
        #expect(fused.rejects == scanned.rejects, "\(context)")
        #expect(mapped[0].recordsRead == mapped[1].recordsRead && mapped[0].lineCount == mapped[1].lineCount)
        // Negative zero, exact decimals and percent values came through the fused path.
        #expect(fused.raw.contains { $0 == 0 && $0.sign == .minus }, "\(context)")
        #expect(fused.raw.contains(12.5) && fused.raw.contains(-12.25), "\(context)")

        // A page of a whole ranking maps the accepted records again, also fusing plain
        // numbers: the same values as the scan above.
        var records: [UInt8] = []
        for candidate in scanned.candidates {
            let start = Int(candidate.recordStart)
            records += bytes[start..<(start + Int(candidate.recordLength))]
        }
        let page = try RankedRecordMapper(plan: plan).map(
            records: records, lengths: scanned.candidates.map { Int($0.recordLength) },
            lines: scanned.candidates.map { Int($0.line) })
        #expect(page.count == scanned.candidateCount, "\(context)")
        for factor in 0..<4 {
            guard case .numeric(let values) = page.factorColumns[factor] else {
                Issue.record("factor \(factor) is not numeric")
                continue
            }
            let rows = values.indices.first { values[$0].bitPattern != scanned.raw[$0 * 4 + factor].bitPattern }
            #expect(rows == nil, "\(context): factor \(factor), row \(rows ?? -1) maps to another value")
        }
    }

    @Test("A field is taken whole or left to the scanner, at the position it started")
    func scannerPosition() {
        let reader = NumberReader()
        let percent = NumberReader(unit: .percent)
        // (text, reader, expected value, expected end of the field, ends the record)
        let cases: [(String, NumberReader, Double?, Int, Bool)] = [
            ("12.5,x", reader, 12.5, 4, false), ("-7\nx", reader, -7, 2, true), ("3\r\nx", reader, 3, 1, true),
            ("42", reader, 42, 2, true), ("12%,x", percent, 12, 3, false), ("12%,x", reader, nil, 0, false),
            (" 12,x", reader, nil, 0, false), ("12 ,x", reader, nil, 0, false), ("\"12\",x", reader, nil, 0, false),
            (",x", reader, nil, 0, false), ("1e3,x", reader, nil, 0, false), ("12abc,x", reader, nil, 0, false),
            ("99999999999999999999,x", reader, nil, 0, false),
        ]
        for (text, numberReader, expected, end, endsRecord) in cases {
            Array(text.utf8).withByteView { bytes in
                var scanner = FieldScanner(bytes: bytes, start: 0, line: 0, delimiter: UInt8(ascii: ","))
                let result = scanner.nextSimpleNumber(numberReader)
                #expect(result?.value == expected, "\(text.debugDescription)")
                if let result {
                    #expect(result.field.start == 0 && result.field.end == end, "\(text.debugDescription)")
                    #expect(result.field.endsRecord == endsRecord, "\(text.debugDescription)")
                    #expect(scanner.line == (endsRecord && end < text.utf8.count ? 1 : 0), "\(text.debugDescription)")
                } else {
                    #expect(scanner.position == 0, "\(text.debugDescription): the position moved")
                }
            }
        }
        #expect(FieldScanner.fusesNumbers(delimiter: UInt8(ascii: ",")))
        #expect(!FieldScanner.fusesNumbers(delimiter: UInt8(ascii: ".")))
        #expect(!FieldScanner.fusesNumbers(delimiter: UInt8(ascii: "5")))
    }
}
