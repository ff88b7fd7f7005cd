/// Escaping of text one Unicode scalar at a time, the loop the JSON, YAML, HTML and
/// spreadsheet XML writers share; each writer gives its own replacements.
public enum ScalarEscaping {
    /// `text` with each scalar for which `replacement` gives a string replaced by that
    /// string; the other scalars are kept as they are.
    public static func escape(_ text: String, _ replacement: (Unicode.Scalar) -> String?) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if let replaced = replacement(scalar) {
                out += replaced
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// The backslash escape of a quote, backslash, line feed, carriage return or tab, as
    /// JSON and YAML's double-quoted strings write them (`\"`, `\\`, `\n`, `\r`, `\t`);
    /// `nil` for every other scalar.
    public static func backslashed(_ scalar: Unicode.Scalar) -> String? {
        switch scalar {
        case "\"": "\\\""
        case "\\": "\\\\"
        case "\n": "\\n"
        case "\r": "\\r"
        case "\t": "\\t"
        default: nil
        }
    }

    /// The character reference of `&`, `<`, `>` or `"`, as HTML and XML text and attribute
    /// values write them (`&amp;`, `&lt;`, `&gt;`, `&quot;`); `nil` for every other scalar.
    public static func markup(_ scalar: Unicode.Scalar) -> String? {
        switch scalar {
        case "&": "&amp;"
        case "<": "&lt;"
        case ">": "&gt;"
        case "\"": "&quot;"
        default: nil
        }
    }
}
