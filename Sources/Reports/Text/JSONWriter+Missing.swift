import Foundation

extension JSONWriter {
    /// `text`, or nil when it is blank or one of `missingCodes` (lower-cased): so that a
    /// report's JSON has `null` for a missing cell, never `"NA"` or `"-"`.
    public static func present(_ text: String?, missingCodes: Set<String>) -> String? {
        guard let text, !isMissing(text, missingCodes: missingCodes) else { return nil }
        return text
    }

    /// Whether `text` is blank or one of `missingCodes` (lower-cased).
    public static func isMissing(_ text: String, missingCodes: Set<String>) -> Bool {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty || missingCodes.contains(trimmed.lowercased())
    }
}
