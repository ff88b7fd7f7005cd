/// How an input value is shown back to the user in messages and terminal reports: bounded
/// in length and with control characters escaped, so that a hostile or broken file cannot
/// flood the terminal or send it escape sequences (ESC, CR, NUL, C1 controls, bidi overrides).
///
/// - Control characters become visible escapes: `\n`, `\r`, `\t`, `\0`, `\e` (ESC), and
///   `\u{XX}` for the rest of C0, DEL, C1 (U+0080–U+009F) and the bidirectional formatting
///   characters (U+202A–U+202E, U+2066–U+2069), which can reorder what a terminal shows.
/// - A value longer than ``limit`` UTF-8 bytes (after escaping) is cut at a character
///   boundary and ends with `… (N bytes in all)`.
public enum InputEcho {
    /// The most UTF-8 bytes of one input value shown in a message.
    public static let limit = 200

    /// `value` escaped and cut to `limit` bytes, for a message.
    public static func value(_ value: String, limit: Int = InputEcho.limit) -> String {
        let escaped = escapingControlCharacters(value)
        let total = value.utf8.count
        guard escaped.utf8.count > limit else { return escaped }
        var kept = ""
        var bytes = 0
        for character in escaped {
            let size = character.utf8.count
            if bytes + size > limit { break }
            kept.append(character)
            bytes += size
        }
        return kept + "… (\(total) bytes in all)"
    }

    /// `value` in single quotes, escaped and bounded, as messages quote values.
    public static func quoted(_ value: String, limit: Int = InputEcho.limit) -> String {
        "'" + Self.value(value, limit: limit) + "'"
    }

    /// A file path as given, escaped; paths may be longer (up to 1024 bytes shown).
    public static func path(_ path: String) -> String {
        value(path, limit: 1024)
    }

    /// Whether `scalar` is shown escaped.
    @inline(__always)
    public static func isEscaped(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return value < 0x20 || (0x7F...0x9F).contains(value) || (0x202A...0x202E).contains(value)
            || (0x2066...0x2069).contains(value)
    }

    /// `text` with every control character escaped (see the type's discussion); `keeping`
    /// names characters left as they are (such as line feeds in a multi-line report).
    public static func escapingControlCharacters(_ text: String, keeping kept: Set<Unicode.Scalar> = []) -> String {
        guard text.unicodeScalars.contains(where: { isEscaped($0) && !kept.contains($0) }) else { return text }
        // Built as UTF-8 bytes: appending to a String's scalar view copies, which made
        // escaping a field of millions of line breaks quadratic.
        var result: [UInt8] = []
        result.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            guard isEscaped(scalar), !kept.contains(scalar) else {
                UTF8.encode(scalar) { result.append($0) }
                continue
            }
            let escape: String
            switch scalar {
            case "\n": escape = "\\n"
            case "\r": escape = "\\r"
            case "\t": escape = "\\t"
            case "\0": escape = "\\0"
            case "\u{1B}": escape = "\\e"
            default: escape = "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            }
            result.append(contentsOf: escape.utf8)
        }
        return String(decoding: result, as: UTF8.self)
    }
}
