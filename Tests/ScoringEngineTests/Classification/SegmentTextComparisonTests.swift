import Testing

@testable import ScoringEngine

/// A segment rule compares each account's text with its operand ignoring case. The
/// comparison takes a path without lower-cased copies when both texts are ASCII; it must
/// answer exactly what `lowercased() == other.lowercased()` answers, for every pair.
@Suite("Segment rules compare text ignoring case, as lowercased() == lowercased() does")
struct SegmentTextComparisonTests {
    /// ASCII texts of every kind (letters next to '@', '[', '`' and '{', whose codes are
    /// one off A–Z and a–z), and texts whose lower-casing changes their length or needs
    /// context: 'İ' (two scalars lower-cased), 'ẞ', final and medial sigma, Chinese.
    static let texts = [
        "", "a", "A", "good", "GOOD", "Good", "goo", "goods", "go0d", "@", "[", "`", "{", "Z", "z", "gooD ", " good",
        "İ", "i̇", "i", "I", "ß", "ẞ", "ΣΑΣ", "σας", "σασ", "Straße", "STRASSE", "华信控股", "华信控股A", "华信控股a", "Ａ", "ａ",
        "good\u{301}", "goodé", "GOODÉ",
    ]

    @Test("Every pair of a list of ASCII and non-ASCII texts, both ways")
    func everyPair() {
        var checked = 0
        for first in Self.texts {
            for second in Self.texts {
                #expect(
                    first.compare(second, caseInsensitive: true) == (first.lowercased() == second.lowercased()),
                    "\(first) vs \(second)")
                #expect(first.compare(second, caseInsensitive: false) == (first == second), "\(first) vs \(second)")
                checked += 1
            }
        }
        #expect(checked == Self.texts.count * Self.texts.count)
    }

    @Test("Random ASCII texts with letters in either case, against lower-casing")
    func randomASCII() {
        var generator = SeededRandom(seed: 20_261_207)
        let alphabet = Array("aAbBzZ@[`{09 _-".utf8)
        var equal = 0
        for _ in 0..<20_000 {
            func text() -> String {
                let length = Int(generator.next() % 4)
                return String(decoding: (0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }, as: UTF8.self)
            }
            let (first, second) = (text(), text())
            let expected = first.lowercased() == second.lowercased()
            if expected { equal += 1 }
            #expect(first.compare(second, caseInsensitive: true) == expected, "\(first) vs \(second)")
        }
        // Short texts over a small alphabet: both answers occur often.
        #expect(equal > 500 && equal < 19_500)
    }

    @Test("A segment condition on text holds for the operand in any case, and only for it")
    func condition() {
        let condition = Condition(column: "payment_record", comparison: .equal, operand: .text("good"))
        #expect(condition.holds(for: .text("GOOD")))
        #expect(condition.holds(for: .text("Good")))
        #expect(!condition.holds(for: .text("goods")))
        #expect(!condition.holds(for: .text("bad")))
        #expect(!condition.holds(for: .missing))
        let different = Condition(column: "payment_record", comparison: .notEqual, operand: .text("good"))
        #expect(!different.holds(for: .text("gOoD")))
        #expect(different.holds(for: .text("poor")))
    }
}
