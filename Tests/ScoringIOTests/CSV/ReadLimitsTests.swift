import Foundation
import ScoringEngine
import ScoringTestSupport
import Testing

@testable import ScoringIO

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Bounded reading, encodings and Excel headers (issue 14).
///
/// The 10 MB case of the issue, for measuring by hand (see docs/files-and-exit-codes.md):
/// `python3 -c "import sys; L=open('datasets/prospects.csv').read().splitlines(); p=L[251].split(','); p[1]='\"'+'\r\n'*3500000+'x'*3000000+'\"'; open('ten.csv','w',newline='').write('\n'.join(L[:250])+'\n'+','.join(p)+'\n')"`
@Suite("Read limits, encodings and trailing header cells")
struct ReadLimitsTests {
    func temporaryFile(_ bytes: [UInt8]) throws -> String {
        let path = NSTemporaryDirectory() + "kam-limits-" + UUID().uuidString + ".csv"
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    @Test("a field over the limit is refused with the line it starts on, in memory and streamed")
    func fieldLimit() throws {
        var text = "id,name,value\nK-1,Acme,10\nK-2,Beta,20\n"
        text += "K-3,\"" + String(repeating: "\n", count: 3000) + String(repeating: "x", count: 2000) + "\",30\n"
        var parser = CSVParser(bytes: Array(text.utf8), start: 0, delimiter: UInt8(ascii: ","), validatesUTF8: true)
        parser.limits = ReadLimits(fieldBytes: 4096, recordBytes: 1 << 20)
        _ = try parser.nextRecord(expectedFieldCount: 3)
        _ = try parser.nextRecord(expectedFieldCount: 3)
        _ = try parser.nextRecord(expectedFieldCount: 3)
        #expect(throws: CSVParser.Failure.fieldTooLong(line: 4)) { try parser.nextRecord(expectedFieldCount: 3) }

        // Through the reader with the default limit (1 MiB): a 1.5 MiB field.
        let big = "id,name\nK-1,\"" + String(repeating: "y", count: 3 << 19) + "\"\n"
        #expect(throws: DatasetError.fieldTooLong(file: "big.csv", line: 2, limit: 1 << 20)) {
            try CSVReader().read(bytes: Array(big.utf8), file: "big.csv")
        }
        // Streamed (a regular file, small blocks): the same error and line.
        let source = try String(contentsOfFile: Paths.packageRoot + "/datasets/prospects.csv", encoding: .utf8)
        var rows = source.split(separator: "\n").prefix(30).map(String.init)
        var fields = rows[20].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        fields[1] = "\"" + String(repeating: "\n", count: 10) + String(repeating: "z", count: 3 << 19) + "\""
        rows[20] = fields.joined(separator: ",")
        let path = try temporaryFile(Array((rows.joined(separator: "\n") + "\n").utf8))
        let model = try ModelFileReader().read(contentsOf: Paths.packageRoot + "/models/default.yaml")
        var configuration = ProspectStream.Configuration()
        configuration.blockSize = 4096
        let stream = ProspectStream(model: model, options: CSVOptions(), configuration: configuration)
        #expect(throws: DatasetError.fieldTooLong(file: path, line: 21, limit: 1 << 20)) {
            try stream.rank(contentsOf: path, scorer: Scorer(model: model))
        }
        #expect(throws: DatasetError.fieldTooLong(file: path, line: 21, limit: 1 << 20)) {
            try CSVReader().read(contentsOf: path)
        }
        let error = DatasetError.fieldTooLong(file: "big.csv", line: 2, limit: 1 << 20).description
        #expect(
            error
                == "big.csv, line 2: a field is longer than 1 MiB, the limit for one field; check for a quote that is never closed, or raise the limit with KAM_MAX_FIELD_BYTES (bytes, or with K, M, G)."
        )
    }

    @Test("a record over the limit is refused with its line")
    func recordLimit() throws {
        let text = "a,b\n1,2\n" + String(repeating: "x,", count: 600) + "x\n"
        var parser = CSVParser(bytes: Array(text.utf8), start: 0, delimiter: UInt8(ascii: ","), validatesUTF8: true)
        parser.limits = ReadLimits(fieldBytes: 100, recordBytes: 1000)
        _ = try parser.nextRecord(expectedFieldCount: 2)
        _ = try parser.nextRecord(expectedFieldCount: 2)
        #expect(throws: CSVParser.Failure.recordTooLong(line: 3)) { try parser.nextRecord(expectedFieldCount: 2) }
    }

    @Test("an endless line from a pipe stops at the record limit, with its line")
    func endlessPipe() throws {
        var descriptors: [Int32] = [0, 0]
        #expect(pipe(&descriptors) == 0)
        let (readEnd, writeEnd) = (descriptors[0], descriptors[1])
        signal(SIGPIPE, SIG_IGN)
        let writer = Thread {
            let line = Array("id,name\nK-1,".utf8) + [UInt8](repeating: 0, count: 1 << 16)
            var first = true
            while true {
                let chunk = first ? line : [UInt8](repeating: 0, count: 1 << 16)
                first = false
                let written = chunk.withUnsafeBytes { write(writeEnd, $0.baseAddress, $0.count) }
                if written <= 0 { break }
            }
            close(writeEnd)
        }
        writer.start()
        let limits = ReadLimits(fieldBytes: 1 << 20, recordBytes: 4 << 20, pipeBytes: 1 << 30)
        #expect(throws: DatasetError.recordTooLong(file: "/dev/fd/\(readEnd)", line: 2, limit: 4 << 20)) {
            try FileBytes.contents(ofFile: "/dev/fd/\(readEnd)", limits: limits)
        }
        close(readEnd)
    }

    @Test("input from a pipe stops at the pipe limit")
    func pipeLimit() throws {
        var descriptors: [Int32] = [0, 0]
        #expect(pipe(&descriptors) == 0)
        let (readEnd, writeEnd) = (descriptors[0], descriptors[1])
        signal(SIGPIPE, SIG_IGN)
        let writer = Thread {
            let rows = [UInt8](String(repeating: "a,b,c\n", count: 10_000).utf8)
            while rows.withUnsafeBytes({ write(writeEnd, $0.baseAddress, $0.count) }) > 0 {}
            close(writeEnd)
        }
        writer.start()
        let limits = ReadLimits(fieldBytes: 1 << 20, recordBytes: 1 << 20, pipeBytes: 8 << 20)
        #expect(throws: DatasetError.inputTooLarge(file: "/dev/fd/\(readEnd)", limit: 8 << 20)) {
            try FileBytes.contents(ofFile: "/dev/fd/\(readEnd)", limits: limits)
        }
        close(readEnd)
    }

    @Test("limits read from the environment syntax")
    func limitSyntax() {
        #expect(ReadLimits.bytes("1048576") == 1 << 20)
        #expect(ReadLimits.bytes("64M") == 64 << 20)
        #expect(ReadLimits.bytes("2g") == 2 << 30)
        #expect(ReadLimits.bytes("512K") == 512 << 10)
        #expect(ReadLimits.bytes("-1") == nil)
        #expect(ReadLimits.bytes("lots") == nil)
        #expect(ReadLimits.describe(64 << 20) == "64 MiB")
    }

    @Test("one stray byte on line 251 of a UTF-8 file is reported there, with what was tried")
    func strayByte() throws {
        var lines = (1...300).map { "K-\($0),客户\($0),华东" }
        lines.insert("id,name,region", at: 0)
        var bytes = [UInt8]((lines.joined(separator: "\n") + "\n").utf8)
        // Line 251 is "K-250,…": put 0xFF after "K-2".
        var offset = 0
        for _ in 1..<251 { offset = bytes[offset...].firstIndex(of: UInt8(ascii: "\n"))! + 1 }
        bytes.insert(0xFF, at: offset + 3)
        let expected = DatasetError.invalidText(file: "stray.csv", line: 251, byte: 4, value: 0xFF, gb18030Line: nil)
        #expect(throws: expected) { try CSVReader().read(bytes: bytes, file: "stray.csv") }
        #expect(
            expected.description
                == "stray.csv, line 251, byte 4: 0xFF is not valid UTF-8; the text before it is UTF-8, so GB18030 was not tried (tried: UTF-8). Delete or fix that byte, or choose the encoding with --encoding."
        )

        // Streamed (small blocks, so the byte is in a later chunk): the same error.
        let path = try temporaryFile(bytes)
        let model = try ModelFileReader().read(contentsOf: Paths.packageRoot + "/models/default.yaml")
        var configuration = ProspectStream.Configuration()
        configuration.blockSize = 256
        let stream = ProspectStream(model: model, options: CSVOptions(), configuration: configuration)
        let scorer = Scorer(model: model)
        #expect(throws: DatasetError.invalidText(file: path, line: 251, byte: 4, value: 0xFF, gb18030Line: nil)) {
            try stream.rank(contentsOf: path, scorer: scorer)
        }
    }

    @Test("an ASCII file with a byte that is neither UTF-8 nor GB18030 names both")
    func neitherEncoding() throws {
        let bytes = Array("id,name\nK-1,a\nK-2,b".utf8) + [0xFF] + Array("\n".utf8)
        #expect(throws: DatasetError.invalidText(file: "x.csv", line: 3, byte: 6, value: 0xFF, gb18030Line: 3)) {
            try CSVReader().read(bytes: bytes, file: "x.csv")
        }
    }

    @Test("UTF-16 files with a byte-order mark are read like their UTF-8 text", arguments: [true, false])
    func utf16(littleEndian: Bool) throws {
        let text = "id,name,value\r\nK-1,北京客户,10\r\nK-2,\"a,b\",20\r\n"
        var bytes: [UInt8] = littleEndian ? [0xFF, 0xFE] : [0xFE, 0xFF]
        for unit in text.utf16 {
            let pair = [UInt8(unit & 0xFF), UInt8(unit >> 8)]
            bytes += littleEndian ? pair : pair.reversed()
        }
        let table = try CSVReader().read(bytes: bytes, file: "u16.csv")
        let expected = try CSVReader().read(bytes: Array(text.utf8), file: "u16.csv")
        #expect(table.header == expected.header)
        #expect(table.records == expected.records)
        #expect(CSVReader.utf16Encoding(of: bytes) == (littleEndian ? "UTF-16LE" : "UTF-16BE"))
        let path = try temporaryFile(bytes)
        #expect(!ProspectStream.canStream(path))
    }

    @Test("a header ending in Excel's ,,, reads; the empty cells are named and ignored")
    func trailingEmptyHeaderCells() throws {
        let table = try CSVReader().read(bytes: Array("id,name,value,,,\nK-1,Acme,10,,,\n".utf8), file: "x.csv")
        #expect(table.header == ["id", "name", "value", "(unnamed column 4)", "(unnamed column 5)", "(unnamed column 6)"])
        #expect(table.records.first?.fields.count == 6)
        // A single empty cell in the middle is still a column named "".
        #expect(CSVReader.namingTrailingEmptyCells(["a", "", "b"]) == ["a", "", "b"])

        // The whole list scores the same with and without the trailing cells.
        let source = try String(contentsOfFile: Paths.packageRoot + "/datasets/prospects.csv", encoding: .utf8)
        let lines = source.split(separator: "\n").prefix(41)
        let padded = lines.map { $0 + ",,," }.joined(separator: "\n") + "\n"
        let model = try ModelFileReader().read(contentsOf: Paths.packageRoot + "/models/default.yaml")
        let plain = try ProspectListLoader(model: model).load(
            CSVReader().read(bytes: Array(lines.joined(separator: "\n").utf8), file: "p.csv"))
        let excel = try ProspectListLoader(model: model).load(CSVReader().read(bytes: Array(padded.utf8), file: "p.csv"))
        #expect(plain.batch.count == excel.batch.count)
        #expect(plain.rejects.count == excel.rejects.count)
        #expect(plain.batch.accounts.map(\.id) == excel.batch.accounts.map(\.id))
    }

    @Test("input values in messages are cut to 200 bytes and control characters escaped")
    func inputEcho() {
        #expect(InputEcho.value("a\u{1B}[2Jb\r\0\t\u{202E}") == "a\\e[2Jb\\r\\0\\t\\u{202E}")
        let long = String(repeating: "é", count: 300)
        let shown = InputEcho.value(long)
        #expect(shown.hasSuffix("… (600 bytes in all)"))
        #expect(shown.utf8.count <= 200 + "… (600 bytes in all)".utf8.count)
        #expect(InputEcho.escapingControlCharacters("a\nb", keeping: ["\n"]) == "a\nb")
        let reject = Reject(
            file: "f.csv", line: 3, columnNumber: 2, column: "budget",
            reason: .notANumber(value: String(repeating: "\u{1B}", count: 1000)), fields: [])
        #expect(reject.message.utf8.count < 400)
        #expect(!reject.message.contains("\u{1B}"))
    }
}
