import ScoringEngine
import Testing

@testable import ScoringIO

@Suite("FieldScanner splits records and fields exactly as CSVParser")
struct FieldScannerTests {
    /// Every record of `bytes` as the scanner reads it: line and fields as text.
    static func scan(_ bytes: [UInt8], delimiter: UInt8) throws(FieldScanner.Failure) -> [CSVRecord] {
        try bytes.withByteView { (buffer) throws(FieldScanner.Failure) -> [CSVRecord] in
            var scanner = FieldScanner(bytes: buffer, start: 0, line: 1, delimiter: delimiter)
            var records: [CSVRecord] = []
            while scanner.skipBlankLines() {
                let line = scanner.line
                var fields: [String] = []
                while true {
                    let field = try scanner.nextField()
                    let text =
                        field.inScratch
                        ? String(decoding: scanner.scratch[field.start..<field.end], as: UTF8.self)
                        : buffer.rebased(field.start..<field.end).string
                    fields.append(text)
                    if field.endsRecord { break }
                }
                records.append(CSVRecord(line: line, fields: fields))
            }
            return records
        }
    }

    static func parse(_ bytes: [UInt8], delimiter: UInt8) throws(CSVParser.Failure) -> [CSVRecord] {
        var parser = CSVParser(bytes: bytes, start: 0, delimiter: delimiter, validatesUTF8: false)
        var records: [CSVRecord] = []
        while let record = try parser.nextRecord(expectedFieldCount: 4) { records.append(record) }
        return records
    }

    @Test("Random files with quotes, line breaks, padding and blank lines", arguments: Array(UInt64(1)...40))
    func randomFiles(seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        for delimiter in [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t")] {
            let separator = String(UnicodeScalar(delimiter))
            let pieces = [
                "plain", "", "  padded ", "\t tabbed\t", "\"a\(separator)b\"", "\"two\nlines\"", "\"crlf\r\ninside\"",
                "\"say \"\"hi\"\"\"", "\"\n\"", "华东某汽车集团", "\"\"", "\"x\"tail", "\"x\" tail  ", "1,800万", "a\"b",
                " \"spaced\" ", "\"lone\rcr\"", "12345678901234567890", "\"unterminated-looking\"\"\"",
            ]
            let ends = ["\n", "\r\n", "\r", "\n\n", "\n \t \n", ""]
            var text = ""
            for _ in 0..<200 {
                var line = pieces.randomElement(using: &random)!
                for _ in 0..<Int.random(in: 0...5, using: &random) {
                    line += separator + pieces.randomElement(using: &random)!
                }
                text += line + ends.randomElement(using: &random)!
            }
            let bytes = Array(text.utf8)
            let expected = try Self.parse(bytes, delimiter: delimiter)
            #expect(try Self.scan(bytes, delimiter: delimiter) == expected, "seed \(seed), delimiter \(delimiter)")
        }
    }

    @Test("A quoted field that never closes stops the scan at its opening quote and line")
    func openQuote() {
        let bytes = Array("a,b\nc,\"never\nclosed".utf8)
        #expect(throws: FieldScanner.Failure.openQuote(opening: 6, line: 2)) {
            _ = try Self.scan(bytes, delimiter: UInt8(ascii: ","))
        }
    }
}
