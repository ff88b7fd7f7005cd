import ScoringEngine
import ScoringTestSupport
import Testing

@testable import ScoringIO

/// The streaming reader finds labels with ``CategoryMatcher`` (packed short labels, then
/// byte comparisons, then `String` look-ups); the in-memory loader with
/// ``FieldReader/categoryIndex(_:)``. Every field must get the same code from both.
@Suite("CategoryMatcher finds the same category as the loader's String look-up")
struct CategoryMatcherTests {
    /// Labels of one to nine bytes (the packed path takes up to eight), ASCII and not, one
    /// in NFD in the model file.
    static let labels = [
        "yes", "no", "是", "否", "AAA", "Ab", "ExactlyE", "NineBytes", "é", "Cafe\u{301}", "a-b c", "",
    ]

    static let fields =
        labels + [
            "YES", "Yes", "NO", "aaa", "aAa", "AB", "ab", "exactlye", "EXACTLYE", "ninebytes", "NINEBYTES", "É",
            "Café", "CAFÉ", "cafe\u{301}", "A-B C", "maybe", "AAAA", "AA", "y", "是的", "e\u{301}", "ExactlyEE",
            "Exactly", "否 ", " 否", "\u{0}", "yes\u{0}",
        ]

    static func reader(other: Bool) -> FieldReader {
        let map = labels.enumerated().map { Scale.Category(label: $0.element, utility: Double($0.offset) / 20) }
        let factor = ModelFixtures.factor(
            "contact", .value, weight: 1,
            scale: .categorical(map: map, other: other ? Scale.Category(label: "other", utility: 0.5) : nil))
        return FieldReader(factor: factor, column: 0)
    }

    @Test("Every label, case variant, near miss and unknown label", arguments: [false, true])
    func sameCodes(other: Bool) {
        let numeric = FieldReader(factor: ModelFixtures.factor("budget", .value, weight: 1), column: 1)
        let reader = Self.reader(other: other)
        // A numeric factor first, so that the categorical factor's labels are not the first
        // in the flat arrays.
        let matcher = CategoryMatcher(readers: [numeric, reader])
        for field in Self.fields {
            let bytes = Array(field.utf8)
            let found = bytes.withByteView { matcher.index(factor: 1, of: $0, from: 0, to: $0.count) }
            #expect(found == reader.categoryIndex(field), "field '\(field)'")
            // The same bytes inside a longer buffer.
            let padded = Array("xx,".utf8) + bytes + Array(",zz".utf8)
            let inside = padded.withByteView { matcher.index(factor: 1, of: $0, from: 3, to: 3 + bytes.count) }
            #expect(inside == reader.categoryIndex(field), "field '\(field)' inside a record")
        }
    }
}
