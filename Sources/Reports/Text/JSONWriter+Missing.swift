import Foundation

extension JSONWriter {
    /// `text` as a JSON string, or `null` when it is blank or one of the model's missing codes
    /// (`missingCodes` lower-cased): a missing cell is `null` in every command's JSON, never
    /// `"NA"` or `"-"`.
    public func optionalString(_ text: String?, missingCodes: Set<String>) -> String {
        guard let text, !JSONWriter.isMissing(text, missingCodes: missingCodes) else { return "null" }
        return string(text)
    }

    /// Whether `text` is blank or one of `missingCodes` (lower-cased).
    public static func isMissing(_ text: String, missingCodes: Set<String>) -> Bool {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty || missingCodes.contains(trimmed.lowercased())
    }
}
