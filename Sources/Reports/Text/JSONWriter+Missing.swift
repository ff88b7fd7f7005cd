import Foundation

extension JSONWriter {
    /// `text`, or nil when it is blank or one of `missingCodes` (lower-cased): so that a
    /// report's JSON has `null` for a missing cell, never `"NA"` or `"-"`.
    public static func present(_ text: String?, missingCodes: Set<String>) -> String? {
        guard let text, !isMissing(text, missingCodes: missingCodes) else { return nil }
        return text
    }

    /// Whether `text` is blank or one of `missingCodes` (lower-cased): `text` without the
    /// whitespace at its ends (``isBlank(_:)``), lower-cased, is empty or one of the codes.
    ///
    /// Trimmed scalar by scalar at the ends, not with Foundation's
    /// `trimmingCharacters(in: .whitespaces)`, which goes through `NSString` and was a fifth
    /// of a whole ranking's JSON time (the same text: `MissingTextTests`).
    public static func isMissing(_ text: String, missingCodes: Set<String>) -> Bool {
        let scalars = text.unicodeScalars
        var first = scalars.startIndex
        var end = scalars.endIndex
        while first < end && isBlank(scalars[first]) { first = scalars.index(after: first) }
        while end > first && isBlank(scalars[scalars.index(before: end)]) { end = scalars.index(before: end) }
        guard first < end else { return true }
        let trimmed = first == scalars.startIndex && end == scalars.endIndex ? text : String(Substring(scalars[first..<end]))
        return missingCodes.contains(trimmed.lowercased())
    }

    /// Whether `scalar` is in Foundation's `CharacterSet.whitespaces`: tab, the space
    /// separators (general category Zs: space, no-break space, ogham space mark, the spaces
    /// U+2000–U+200A, narrow no-break, medium mathematical and ideographic space) and, as
    /// Foundation has it, the zero width space (U+200B). Listed, not looked up (a lookup per
    /// cell was 2% of a JSON ranking); `MissingTextTests` checks the list against Foundation
    /// for every scalar.
    @inline(__always)
    static func isBlank(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20, 0x09, 0xA0, 0x1680, 0x2000...0x200B, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }
}
