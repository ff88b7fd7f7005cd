import Foundation
import ScoringIO
import Testing

/// `CSVRecordBuffer.text(bytes:)` (the fast writer's path for reasons and segments built as
/// bytes) escapes exactly as `text(_:)` and `CSVWriter.field(_:)` escape the same text.
@Suite("A text field given as bytes is escaped as the same text given as a String")
struct CSVRecordBufferBytesTests {
    static let samples = [
        "", "plain", "budget +9.1, share +4.0", "=SUM(A1)", "+1", "-0.5", "@home", "\tTab", "\rCR", "say \"hi\"",
        "line\nbreak", "crlf\r\nend", "年度广告预算 +12.5, 战略重要性 +3.0", "-x;y", "a;b;c", "'quoted'", ",lead", "trail,",
        "\"", "=\"x\",\n",
    ]

    @Test("Every kind of escape, with comma and semicolon delimiters")
    func sameBytes() {
        for delimiter in [Character(","), Character(";")] {
            for sample in Self.samples {
                var fromString = CSVRecordBuffer(delimiter: delimiter)
                fromString.plain("x")
                fromString.text(sample)
                fromString.endRecord()
                var fromBytes = CSVRecordBuffer(delimiter: delimiter)
                fromBytes.plain("x")
                fromBytes.text(bytes: Array(sample.utf8))
                fromBytes.endRecord()
                #expect(fromBytes.bytes == fromString.bytes, "\(sample.debugDescription) with '\(delimiter)'")
                #expect(
                    String(decoding: fromBytes.bytes, as: UTF8.self)
                        == "x" + String(delimiter) + CSVWriter.field(sample, delimiter: delimiter) + "\n")
            }
        }
    }
}
