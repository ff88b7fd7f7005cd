import Foundation
import ScoringEngine
import Testing

@testable import ScoringIO

/// `forEachPart` must give, across its parts, exactly what `read(contentsOf:)` gives for the
/// whole file: the same records with the same lines, and the same errors.
@Suite("CSVReader reading a file a part at a time")
struct CSVReaderPartsTests {
    /// Writes `bytes` to a file of its own in a temporary folder and returns its path.
    static func file(_ bytes: [UInt8], name: String = "p.csv") throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kam-parts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The parts `reader` gives for `path`, each as a table.
    static func parts(_ reader: CSVReader, _ path: String, partBytes: Int) throws -> [CSVTable] {
        var parts: [CSVTable] = []
        try reader.forEachPart(contentsOf: path, partBytes: partBytes) { parts.append($0) }
        return parts
    }

    @Test(
        "random files: the parts hold the whole read's records, lines and header, for any part size and worker count",
        arguments: [1, 2, 3] as [UInt64])
    func randomFiles(seed: UInt64) throws {
        let text = CSVParserParallelTests.randomCSV(seed: seed, records: 300)
        for (bom, crlfHeader) in [(false, false), (true, true)] {
            var bytes = Array(text.utf8)
            if crlfHeader { bytes = Array("\r\n  \n".utf8) + bytes }
            if bom { bytes = [0xEF, 0xBB, 0xBF] + bytes }
            let path = try Self.file(bytes)
            let whole = try CSVReader().read(contentsOf: path)
            #expect(whole.records.count == 300)
            for workers in [1, 3] {
                let reader = CSVParserParallelTests.reader(workers: workers)
                for partBytes in [1, 2, 7, 64, 500, 1 << 20] {
                    let parts = try Self.parts(reader, path, partBytes: partBytes)
                    #expect(parts.flatMap(\.records) == whole.records, "workers \(workers), part bytes \(partBytes)")
                    #expect(parts.allSatisfy { $0.header == whole.header && $0.hadByteOrderMark == bom })
                    #expect(parts.allSatisfy { !$0.records.isEmpty })
                    if partBytes == 1 << 20 { #expect(parts.count == 1) }
                    if partBytes <= 64 { #expect(parts.count > 10) }
                }
            }
        }
    }

    @Test("a quoted field with line breaks across many parts is read whole, with its lines")
    func quotedFieldAcrossParts() throws {
        let note = (0..<200).map { "line \($0)" }.joined(separator: "\n")
        let path = try Self.file(Array("id,note\n1,\"\(note)\"\n2,after\n\n3,end\n".utf8))
        let parts = try Self.parts(CSVParserParallelTests.reader(workers: 4), path, partBytes: 16)
        #expect(parts.flatMap(\.records).map(\.line) == [2, 202, 204])
        #expect(parts.first?.records.first?.fields.last == note)
    }

    @Test("a header without records is one part without records; an empty file is the whole read's error")
    func noRecords() throws {
        let parts = try Self.parts(CSVReader(), try Self.file(Array("id,name\n\n".utf8)), partBytes: 4)
        #expect(parts.count == 1)
        #expect(parts.first?.header == ["id", "name"])
        #expect(parts.first?.records.isEmpty == true)
        let empty = try Self.file(Array("\n  \n".utf8), name: "e.csv")
        #expect(throws: DatasetError.empty(file: empty)) { try Self.parts(CSVReader(), empty, partBytes: 4) }
    }

    @Test("errors are the whole read's, with absolute lines, after the parts before them")
    func errors() throws {
        var text = "id,name\n"
        for index in 0..<100 { text += "\(index),name \(index)\n" }
        let unterminated = try Self.file(Array((text + "100,\"never closed\n101,x\n").utf8), name: "u.csv")
        var delivered = 0
        #expect(throws: DatasetError.unterminatedQuote(file: unterminated, line: 102)) {
            try CSVReader().forEachPart(contentsOf: unterminated, partBytes: 50) { delivered += $0.records.count }
        }
        // The parts before the one holding the error were given; that one was not.
        #expect(delivered > 0 && delivered < 100)
        // Not UTF-8 under `.utf8`: the whole read's error, before any part.
        var bytes = Array(text.utf8)
        bytes += [0x31, 0x2C, 0xCD, 0xF5, 0x0A]
        let invalid = try Self.file(bytes, name: "i.csv")
        delivered = 0
        #expect(throws: DatasetError.undecodable(file: invalid, encoding: "UTF-8", line: 102)) {
            try CSVReader(options: CSVOptions(encoding: .utf8)).forEachPart(contentsOf: invalid, partBytes: 50) {
                delivered += $0.records.count
            }
        }
        #expect(delivered == 0)
    }

    @Test("compressed bytes get the whole read's refusal, before any part")
    func compressed() throws {
        for (bytes, word) in [([0x1F, 0x8B, 0x08, 0x00] as [UInt8], "gzip"), ([0x50, 0x4B, 0x03, 0x04, 0x14], "ZIP")] {
            let path = try Self.file(bytes)
            // Through the path the whole read's checks of the file come first; the same
            // bytes arriving as a pipe are refused by their first bytes (textBytes).
            let whole = #expect(throws: DatasetError.self) { try CSVReader().read(contentsOf: path) }
            var delivered = 0
            let parts = #expect(throws: DatasetError.self) {
                try CSVReader().forEachPart(contentsOf: path) { _ in delivered += 1 }
            }
            #expect(parts?.description == whole?.description)
            #expect(delivered == 0)
            let refused = #expect(throws: DatasetError.self) { try CSVReader.textBytes(ofFile: path) }
            #expect(refused?.description.contains(word) == true)
        }
    }

    @Test("GB18030 and UTF-16 files are read whole, as one part equal to the whole read")
    func otherEncodings() throws {
        let text = CSVParserParallelTests.randomCSV(seed: 9, records: 120)
        let gb = try Self.file(try Iconv.convert(Array(text.utf8), from: "UTF-8", to: "GB18030"), name: "g.csv")
        let utf16 = try Self.file([0xFF, 0xFE] + (try Iconv.convert(Array(text.utf8), from: "UTF-8", to: "UTF-16LE")), name: "w.csv")
        for path in [gb, utf16] {
            let whole = try CSVReader().read(contentsOf: path)
            let parts = try Self.parts(CSVReader(), path, partBytes: 16)
            #expect(parts.count == 1)
            #expect(parts.first?.records == whole.records)
            #expect(parts.first?.encoding == whole.encoding)
            #expect(whole.records.count == 120)
        }
    }
}
