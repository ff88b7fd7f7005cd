/// Text of the performance files (plans, actuals, the prospect list's managers) as people
/// type it.
public enum PerformanceText {
    /// `text` without the spaces, tabs and ideographic spaces (U+3000, the full-width space
    /// of Chinese input methods) at its ends; "" when it holds nothing else.
    ///
    /// - Complexity: O(n) in the length of `text`.
    public static func trimmed(_ text: String) -> String {
        let padding: Set<Character> = [" ", "\t", "\u{3000}"]
        guard let first = text.firstIndex(where: { !padding.contains($0) }),
            let last = text.lastIndex(where: { !padding.contains($0) })
        else { return "" }
        return String(text[first...last])
    }
}
