import Foundation
import Testing

@testable import Reports

/// `JSONWriter.isMissing` (trimmed scalar by scalar) against its definition through
/// Foundation: `text.trimmingCharacters(in: .whitespaces)`, lower-cased, empty or a code.
@Suite("Missing text cells")
struct MissingTextTests {
    static func reference(_ text: String, _ codes: Set<String>) -> Bool {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty || codes.contains(trimmed.lowercased())
    }

    @Test("isBlank is Foundation's CharacterSet.whitespaces, for every scalar")
    func blankScalars() {
        var differing: [UInt32] = []
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            if JSONWriter.isBlank(scalar) != CharacterSet.whitespaces.contains(scalar) { differing.append(value) }
        }
        #expect(differing.isEmpty, "scalars that differ: \(differing.map { String($0, radix: 16) })")
    }

    @Test("blank, padded, mixed-case, non-ASCII and look-alike cells: as Foundation trims and lower-cases them")
    func cells() {
        let codes: Set<String> = Set(["NA", "n/a", "-", "未知", "Ünbekannt", "\u{37E}", "K"].map { $0.lowercased() })
        let pads = ["", " ", "\t", "\u{A0}", "\u{3000}", "\u{200B}", "\u{2009}", "\n", " \t\u{3000}"]
        let words = [
            "", "NA", "na", "Na", "n/a", "N/A", "-", "--", "未知", "未 知", "ÜNBEKANNT", "Ünbekannt", "U\u{308}nbekannt", ";",
            "\u{37E}", "\u{212A}", "k", "Retail", "华东", "王经理", "x\u{A0}y",
        ]
        var checked = 0
        for word in words {
            for left in pads {
                for right in pads {
                    let text = left + word + right
                    #expect(JSONWriter.isMissing(text, missingCodes: codes) == Self.reference(text, codes), "\(text.debugDescription)")
                    checked += 1
                }
            }
        }
        #expect(checked == words.count * pads.count * pads.count)
        // Worked cases, so that the reference itself is pinned.
        #expect(JSONWriter.isMissing(" N/A\t", missingCodes: codes))
        #expect(JSONWriter.isMissing("\u{3000}未知", missingCodes: codes))
        #expect(!JSONWriter.isMissing("Retail", missingCodes: codes))
        #expect(!JSONWriter.isMissing("\nNA", missingCodes: codes))  // a newline is not trimmed
    }
}
