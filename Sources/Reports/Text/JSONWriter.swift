import ScoringEngine
import ScoringIO

/// Escapes strings for JSON (RFC 8259).
public struct JSONWriter {
    public init() {}

    public func string(_ text: String) -> String {
        // Most text (ids, names, CJK included) needs no escape: quote it as it is.
        if !needsEscape(text) { return "\"" + text + "\"" }
        let escaped = ScalarEscaping.escape(text) { scalar in
            if let escape = ScalarEscaping.backslashed(scalar) { return escape }
            guard scalar.value < 0x20 else { return nil }
            let hex = String(scalar.value, radix: 16)
            return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        }
        return "\"" + escaped + "\""
    }

    /// Appends `string(text)` as UTF-8.
    public func append(string text: String, to bytes: inout [UInt8]) {
        guard needsEscape(text) else {
            bytes.append(UInt8(ascii: "\""))
            bytes.append(contentsOf: text.utf8)
            bytes.append(UInt8(ascii: "\""))
            return
        }
        bytes.append(contentsOf: string(text).utf8)
    }

    /// Whether `text` holds a quote, a backslash or a control character.
    private func needsEscape(_ text: String) -> Bool {
        text.utf8.contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }
    }
}
