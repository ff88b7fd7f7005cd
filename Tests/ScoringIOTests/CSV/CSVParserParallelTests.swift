import ScoringEngine
import Testing

@testable import ScoringIO

@Suite("CSVReader gives the same result when a file is parsed in parts on several threads")
struct CSVParserParallelTests {
    /// A reader that cuts even tiny files into up to `workers` parts.
    static func reader(workers: Int, encoding: TextEncoding = .auto) -> CSVReader {
        var reader = CSVReader(options: CSVOptions(encoding: encoding))
        reader.parallelism = CSVParser.Parallelism(maximumWorkers: workers, minimumPartSize: 1)
        return reader
    }

    /// A random CSV text with quoted delimiters, quotes, embedded line breaks and blank lines.
    static func randomCSV(seed: UInt64, records: Int) -> String {
        var random = SeededRandom(seed: seed)
        let fields = [
            "plain", "", "  padded ", "\"a,b\"", "\"two\nlines\"", "\"crlf\r\ninside\"", "\"say \"\"hi\"\"\"",
            "\"\n\"", "华东某汽车集团", "\"\"", "\"x\"tail", "1,800万",
        ]
        let lineEnds = ["\n", "\r\n", "\n\n", "\n   \n", "\r"]
        var text = "id,name,note\n"
        for index in 0..<records {
            var line = "K-\(index)"
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                line += "," + fields.randomElement(using: &random)!
            }
            text += line + lineEnds.randomElement(using: &random)!
        }
        return text
    }

    @Test("Random files read alike with 1 to 7 workers", arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func randomFiles(seed: UInt64) throws {
        let text = Self.randomCSV(seed: seed, records: 300)
        let bytes = Array(text.utf8)
        let expected = try Self.reader(workers: 1).read(bytes: bytes, file: "r.csv")
        #expect(expected.records.count == 300)
        for workers in 2...7 {
            let table = try Self.reader(workers: workers).read(bytes: bytes, file: "r.csv")
            #expect(table.records == expected.records, "\(workers) workers")
        }
    }

    @Test("A cut inside a multi-line quoted field falls back and keeps every line number")
    func cutInsideQuotes() throws {
        // One long quoted field covers most of the file, so every cut lands inside it.
        let note = (0..<200).map { "line \($0)" }.joined(separator: "\n")
        let text = "id,note\n1,\"\(note)\"\n2,after\n3,end\n"
        let table = try Self.reader(workers: 4).read(bytes: Array(text.utf8), file: "q.csv")
        #expect(table.records.map(\.line) == [2, 202, 203])
        #expect(table.records.first?.fields.last == note)
    }

    @Test("Errors in later parts report absolute lines")
    func errorsInLaterParts() {
        var text = "id,name\n"
        for index in 0..<100 { text += "\(index),name \(index)\n" }
        text += "100,\"never closed\n101,x\n"
        #expect(throws: DatasetError.unterminatedQuote(file: "e.csv", line: 102)) {
            try Self.reader(workers: 4).read(bytes: Array(text.utf8), file: "e.csv")
        }
        var bytes = Array("id,name\n".utf8)
        for index in 0..<100 { bytes += Array("\(index),name \(index)\n".utf8) }
        bytes += [0x31, 0x2C, 0xCD, 0xF5, 0x0A]
        #expect(throws: DatasetError.undecodable(file: "e.csv", encoding: "UTF-8", line: 102)) {
            try Self.reader(workers: 4, encoding: .utf8).read(bytes: bytes, file: "e.csv")
        }
        // 0xFF is valid in neither encoding; the GB18030 conversion also runs in parts. The
        // error names the first invalid UTF-8 byte and the GB18030 line.
        bytes[bytes.count - 3] = 0xFF
        #expect(throws: DatasetError.invalidText(file: "e.csv", line: 102, byte: 3, value: 0xFF, gb18030Line: 102)) {
            try Self.reader(workers: 4).read(bytes: bytes, file: "e.csv")
        }
    }

    @Test("A GB18030 file reads alike in parts")
    func gb18030InParts() throws {
        let text = Self.randomCSV(seed: 42, records: 200)
        let bytes = try Iconv.convert(Array(text.utf8), from: "UTF-8", to: "GB18030")
        let expected = try Self.reader(workers: 1).read(bytes: Array(text.utf8), file: "g.csv")
        let table = try Self.reader(workers: 3).read(bytes: bytes, file: "g.csv")
        #expect(table.encoding == .gb18030)
        #expect(table.records == expected.records)
    }
}
