import Foundation
import ScoringEngine
import ScoringTestSupport

@testable import ScoringIO

/// Prospect lists for the streaming tests: generated lists made harder to split, so that
/// the reader's block boundaries fall inside quoted fields, CRLF pairs and blank lines.
enum StreamTestFiles {
    /// A generated list (`kam generate`'s generator) with extra difficulties, drawn from
    /// `seed`:
    ///
    /// - names quoted, with line breaks (LF, CRLF or a lone CR), commas and doubled quotes;
    /// - some rows ending in CRLF, blank lines (also of spaces) between rows;
    /// - repeated account ids (duplicates), blank ids, and the generator's own bad rows;
    /// - values quoted with spaces inside, missing codes in other cases (`na`, `Unknown`);
    /// - optionally a UTF-8 byte-order mark.
    static func difficultList(rows: Int, seed: UInt64, byteOrderMark: Bool = false, blankRate: Double = 0.05)
        -> [UInt8]
    {
        let options = try! GeneratorOptions(rows: rows, seed: seed, blankRate: blankRate, badRows: rows / 25)
        return difficult(ProspectListGenerator(options: options).bytes(), seed: seed, byteOrderMark: byteOrderMark)
    }

    /// `generated` (a generated list or history) with ``difficultList(rows:seed:byteOrderMark:blankRate:)``'s
    /// difficulties, drawn from `seed`; `more`, when given, may change each row's fields further
    /// (after the common changes, drawing from the same generator).
    static func difficult(
        _ generated: [UInt8], seed: UInt64, byteOrderMark: Bool = false,
        more: ((inout [[UInt8]], inout SeededRandom) -> Void)? = nil
    ) -> [UInt8] {
        var random = SeededRandom(seed: seed &+ 17)
        var lines = generated.split(separator: 0x0A, omittingEmptySubsequences: false).map { Array($0) }
        if lines.last?.isEmpty == true { lines.removeLast() }
        var output: [UInt8] = byteOrderMark ? [0xEF, 0xBB, 0xBF] : []
        output += lines[0] + [0x0A]
        var earlierIDs: [[UInt8]] = []
        for line in lines.dropFirst() {
            var fields = split(line)
            if fields.count > 2 {
                earlierIDs.append(fields[0])
                switch random.next() % 12 {
                case 0:
                    fields[1] = Array("\"\(String(decoding: fields[1], as: UTF8.self))\nsecond line, \"\"quoted\"\"\"".utf8)
                case 1:
                    fields[1] = Array("\"\(String(decoding: fields[1], as: UTF8.self))\r\n\r\nafter a blank line\"".utf8)
                case 2:
                    fields[1] = Array("\"lone\rcarriage return\"".utf8)
                case 3:
                    if let earlier = earlierIDs.randomElement(using: &random) { fields[0] = earlier }
                case 4:
                    fields[0] = Array("  ".utf8)
                case 5:
                    fields[9] = Array("\" 3 \"".utf8)  // service_fit with spaces inside quotes
                case 6:
                    fields[9] = Array(["na", "Unknown", "N/A", "无"].randomElement(using: &random)!.utf8)
                default:
                    break
                }
                more?(&fields, &random)
            }
            output += join(fields)
            switch random.next() % 10 {
            case 0: output += [0x0D, 0x0A]
            case 1: output += [0x0A, 0x0A]
            case 2: output += Array("\n   \n".utf8)
            default: output += [0x0A]
            }
        }
        return output
    }

    /// Splits a generated line at commas outside quotes, keeping the fields as written.
    static func split(_ line: [UInt8]) -> [[UInt8]] {
        var fields: [[UInt8]] = []
        var current: [UInt8] = []
        var quoted = false
        for byte in line {
            if byte == UInt8(ascii: "\"") { quoted.toggle() }
            if byte == UInt8(ascii: ",") && !quoted {
                fields.append(current)
                current = []
            } else {
                current.append(byte)
            }
        }
        fields.append(current)
        return fields
    }

    static func join(_ fields: [[UInt8]]) -> [UInt8] {
        var line: [UInt8] = []
        for (index, field) in fields.enumerated() {
            if index > 0 { line.append(UInt8(ascii: ",")) }
            line += field
        }
        return line
    }

    /// A fresh scratch path.
    static func scratchPath(_ name: String) -> String {
        NSTemporaryDirectory() + "kam-stream-\(UUID().uuidString)-\(name)"
    }

    static var defaultModel: ScoringModel {
        try! ModelFileReader().read(contentsOf: Paths.packageRoot + "/models/default.yaml")
    }
}
