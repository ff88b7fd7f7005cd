import Foundation
import Testing

@testable import ScoringIO

@Suite("ProspectListGenerator: bytes, header and streaming")
struct ProspectListGeneratorTests {
    private func generate(
        rows: Int, seed: UInt64 = 42, blankRate: Double = 0.03, badRows: Int = 0,
        lineEnding: GeneratorOptions.LineEnding = .lf
    ) throws -> [UInt8] {
        let options = try GeneratorOptions(
            rows: rows, seed: seed, blankRate: blankRate, badRows: badRows, lineEnding: lineEnding)
        return ProspectListGenerator(options: options).bytes()
    }

    @Test("The same seed and options give identical bytes")
    func sameSeedSameBytes() throws {
        let first = try generate(rows: 2000, seed: 11, blankRate: 0.05, badRows: 10)
        let second = try generate(rows: 2000, seed: 11, blankRate: 0.05, badRows: 10)
        #expect(first == second)
        #expect(first.count > 200_000)
    }

    @Test("Different seeds give different lists")
    func differentSeedsDiffer() throws {
        let first = GeneratedList(try generate(rows: 200, seed: 1))
        let second = GeneratedList(try generate(rows: 200, seed: 2))
        #expect(first.header == second.header)
        let differingRows = zip(first.rows, second.rows).filter {
            $0.0.dropFirst() != $0.1.dropFirst()
        }
        #expect(differingRows.count == 200)
    }

    @Test("The header is exactly the documented columns")
    func header() throws {
        let bytes = try generate(rows: 3)
        let firstLine = String(decoding: bytes.prefix { $0 != 0x0A }, as: UTF8.self)
        #expect(
            firstLine
                == "account_id,name,industry,region,manager,stage,annual_ad_budget,expected_share,"
                + "strategic_importance,service_fit,expected_margin,development_cost,deal_risk,"
                + "incumbent_strength,credit_rating,payment_delay_days,tech_difficulty,"
                + "decision_cycle_months,inside_contact,support_balance,deal_value,"
                + "cumulative_consumption,largest_contract,payment_record,referrals_signed,"
                + "parent_group,industry_benchmark")
        #expect(ProspectListGenerator.columns.count == 27)
        #expect(Set(ProspectListGenerator.columns).count == 27)
        #expect(firstLine == ProspectListGenerator.columns.joined(separator: ","))
    }

    @Test(
        "A list has the header, one line per row, and a final line ending",
        arguments: [0, 1, 7, 4096, 4097, 10_000])
    func rowCount(rows: Int) throws {
        let bytes = try generate(rows: rows)
        #expect(bytes.filter { $0 == 0x0A }.count == rows + 1)
        #expect(bytes.last == 0x0A)
        let list = GeneratedList(bytes)
        #expect(list.rows.count == rows)
        if rows > 0 {
            #expect(list.rows.first?.first == "K-000001")
            #expect(
                list.rows.last?.first == "K-"
                    + String(repeating: "0", count: max(0, 6 - String(rows).count)) + String(rows))
        }
    }

    @Test("Every row has the header's field count except the missing-field rows")
    func fieldCounts() throws {
        let options = try GeneratorOptions(rows: 3000, seed: 5, blankRate: 0.1, badRows: 15)
        let generator = ProspectListGenerator(options: options)
        let list = GeneratedList(generator.bytes())
        let shortRows = Set(generator.badRows.filter { $0.kind == .missingField }.map(\.row))
        #expect(shortRows.count == 3)
        for (index, fields) in list.rows.enumerated() {
            let expected = shortRows.contains(index + 1) ? 26 : 27
            #expect(fields.count == expected, "row \(index + 1)")
        }
    }

    @Test("CRLF output is the LF output with every line feed preceded by a carriage return")
    func crlf() throws {
        let lf = try generate(rows: 500, seed: 9, badRows: 5)
        let crlf = try generate(rows: 500, seed: 9, badRows: 5, lineEnding: .crlf)
        var expected: [UInt8] = []
        for byte in lf {
            if byte == 0x0A { expected.append(0x0D) }
            expected.append(byte)
        }
        #expect(crlf == expected)
        #expect(GeneratedList(crlf).rows == GeneratedList(lf).rows)
    }

    @Test("A shorter list with the same seed is a prefix of a longer one")
    func prefixStable() throws {
        let short = try generate(rows: 100, seed: 3)
        let long = try generate(rows: 9000, seed: 3)
        #expect(Array(long.prefix(short.count)) == short)
    }

    @Test("The blank rate only blanks cells: every written cell keeps its value")
    func blanksDoNotShiftValues() throws {
        let full = GeneratedList(try generate(rows: 2000, seed: 8, blankRate: 0))
        let sparse = GeneratedList(try generate(rows: 2000, seed: 8, blankRate: 0.3))
        let optional = Set(2..<27).subtracting([full.column("parent_group")])
        var blanked = 0
        var cells = 0
        for (fullRow, sparseRow) in zip(full.rows, sparse.rows) {
            #expect(fullRow.count == 27 && sparseRow.count == 27)
            for column in 0..<27 {
                let cell = sparseRow[column]
                if optional.contains(column) {
                    cells += 1
                    #expect(!GeneratedList.isMissing(fullRow[column]))
                    if GeneratedList.isMissing(cell) {
                        blanked += 1
                        continue
                    }
                }
                #expect(cell == fullRow[column])
            }
        }
        // 48,000 optional cells at 30%: standard error 0.2 percentage points.
        let rate = Double(blanked) / Double(cells)
        #expect(abs(rate - 0.3) < 0.01)
    }

    @Test("Missing cells use every missing code, and never hit account_id or name")
    func missingCodes() throws {
        let list = GeneratedList(try generate(rows: 3000, seed: 4, blankRate: 0.2))
        var codes: [String: Int] = [:]
        for row in list.rows {
            #expect(!GeneratedList.isMissing(row[0]))
            #expect(!GeneratedList.isMissing(row[1]))
            for cell in row[2...] where GeneratedList.isMissing(cell) {
                codes[cell, default: 0] += 1
            }
        }
        #expect(Set(codes.keys) == Set(ProspectListGenerator.missingCodes))
        // Half of the blanks are empty cells (parent_group adds its own empty cells).
        #expect(codes[""]! > codes["NA"]! * 3)
    }

    @Test("A blank rate of 1 blanks every optional cell; 0 blanks none")
    func blankRateExtremes() throws {
        let all = GeneratedList(try generate(rows: 50, blankRate: 1))
        let none = GeneratedList(try generate(rows: 50, blankRate: 0))
        let group = all.column("parent_group")
        for row in all.rows {
            for column in 2..<27 where column != group {
                #expect(GeneratedList.isMissing(row[column]))
            }
        }
        for row in none.rows {
            for column in 2..<27 where column != group {
                #expect(!GeneratedList.isMissing(row[column]))
            }
        }
    }

    @Test("write(chunksTo:) streams chunks of about 1 MiB that add up to the whole list")
    func streaming() throws {
        let options = try GeneratorOptions(rows: 30_000, seed: 6)
        let generator = ProspectListGenerator(options: options)
        var chunkSizes: [Int] = []
        var joined: [UInt8] = []
        generator.write { (chunk: [UInt8]) in
            chunkSizes.append(chunk.count)
            joined.append(contentsOf: chunk)
        }
        #expect(joined == generator.bytes())
        #expect(chunkSizes.count >= 3)
        for size in chunkSizes.dropLast() {
            #expect(
                size >= ProspectListGenerator.chunkSize
                    && size < ProspectListGenerator.chunkSize + 1024)
        }
    }

    @Test("write(chunksTo:) stops at the sink's first error and rethrows it")
    func sinkErrorStops() throws {
        struct Full: Error, Equatable {}
        let generator = ProspectListGenerator(options: try GeneratorOptions(rows: 30_000))
        var calls = 0
        #expect(throws: Full()) {
            try generator.write { (_: [UInt8]) throws(Full) in
                calls += 1
                throw Full()
            }
        }
        #expect(calls == 1)
    }

    @Test("write(toFile:) writes the same bytes as bytes(), replacing an existing file")
    func writeFile() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("kam-generator-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("prospects.csv").path
        try Data(repeating: 0x41, count: 5_000_000).write(to: URL(fileURLWithPath: path))
        let generator = ProspectListGenerator(
            options: try GeneratorOptions(rows: 1234, seed: 77, badRows: 5, lineEnding: .crlf))
        try generator.write(toFile: path)
        let written = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect([UInt8](written) == generator.bytes())
    }

    @Test("write(toFile:) into a missing folder throws writeFailed naming the path")
    func writeFileFailure() throws {
        let path = "/nonexistent-kam-folder/prospects.csv"
        let generator = ProspectListGenerator(options: try GeneratorOptions(rows: 3))
        do {
            try generator.write(toFile: path)
            Issue.record("expected an error")
        } catch {
            guard case .writeFailed(let destination, _) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(destination == path)
            #expect(
                error.description.hasPrefix(
                    "/nonexistent-kam-folder/prospects.csv: cannot write the prospect list ("))
        }
    }

    @Test("Options out of range throw errors that say what to change")
    func optionErrors() {
        #expect(throws: GenerationError.rowCount(-1)) { try GeneratorOptions(rows: -1) }
        #expect(throws: GenerationError.blankRate(1.5)) {
            try GeneratorOptions(rows: 5, blankRate: 1.5)
        }
        #expect(throws: GenerationError.badRowCount(6, rows: 5)) {
            try GeneratorOptions(rows: 5, badRows: 6)
        }
        #expect(throws: GenerationError.badRowCount(-1, rows: 5)) {
            try GeneratorOptions(rows: 5, badRows: -1)
        }
        #expect(throws: (any Error).self) { try GeneratorOptions(rows: 5, blankRate: .nan) }
        #expect(
            GenerationError.blankRate(1.5).description
                == "The blank rate is 1.5; it is a fraction of the optional cells and must be between 0 and 1."
        )
        #expect(
            GenerationError.badRowCount(6, rows: 5).description
                == "The bad-row count is 6; it must be between 0 and the row count (5).")
        #expect(
            GenerationError.rowCount(-1).description
                == "The row count is -1; a prospect list needs at least 0 rows.")
        #expect(
            GenerationError.writeFailed(destination: "out.csv", reason: "No space left on device")
                .description
                == "out.csv: cannot write the prospect list (No space left on device). "
                + "Check the path, its permissions and the free space.")
    }
}
