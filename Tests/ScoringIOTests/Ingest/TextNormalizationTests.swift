import Foundation
import Testing

@testable import ScoringIO

@Suite("NFC bytes of ids and labels")
struct TextNormalizationTests {
    static let texts = [
        "", "K-000001", "宁波美瑞医疗有限公司", "Café", "Cafe\u{301}", "e\u{301}\u{323}", "Å", "A\u{30A}", "Ω",
        "\u{1100}\u{1161}", "한국", "ﬁ", "Ｋ－００１", "华东\u{3000}一部", "x\u{0}y", "🚀 rocket", "ÿ", "\u{212B}",
    ]

    @Test("The fast path gives Foundation's NFC bytes", arguments: texts)
    func nfcOfString(text: String) {
        #expect(TextNormalization.nfc(text) == Array(text.precomposedStringWithCanonicalMapping.utf8))
    }

    @Test("Strings and byte ranges normalize alike", arguments: texts)
    func nfcOfBytes(text: String) {
        let bytes = Array(("«" + text + "»").utf8)
        let start = "«".utf8.count
        let end = bytes.count - "»".utf8.count
        let normalized = bytes.withByteView { TextNormalization.nfc($0, from: start, to: end) }
        #expect(normalized == TextNormalization.nfc(text))
    }
}
