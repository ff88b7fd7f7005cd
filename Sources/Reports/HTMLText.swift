import Foundation

/// Text building helpers of the HTML report: escaping and numbers.
///
/// Every piece of text that comes from an input (names, ids, managers, file names, model
/// and scenario names) goes through ``escape(_:)`` before it reaches the page, in element
/// content and in attribute values alike.
enum HTMLText {
    /// Escapes `&`, `<`, `>`, `"` and `'`, so the text is plain text in element content and
    /// in quoted attribute values.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\0": out += "\u{FFFD}"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// A number with a fixed count of decimals, "." as the decimal mark, no grouping
    /// ("−" never: a minus sign is "-" so the page's script can read it back).
    static func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "Infinity" : "-Infinity") }
        var text = String(format: "%.\(digits)f", value)
        if text.hasPrefix("-"), Double(text) == 0 { text.removeFirst() }
        return text
    }

    /// A number as the JSON outputs write it (6 decimals), for `data-` attributes that tests
    /// and the page's script read.
    static func data(_ value: Double) -> String { fixed(value, 6) }

    /// A count with thousands grouped by thin spaces ("1 000 000").
    static func count(_ value: Int) -> String {
        let digits = String(abs(value))
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out += "\u{2009}" }
            out.append(character)
        }
        return value < 0 ? "-" + out : out
    }

    /// Money with one decimal and grouped thousands.
    static func money(_ value: Double) -> String {
        let rounded = fixed(value, 1)
        let parts = rounded.split(separator: ".", maxSplits: 1)
        let negative = parts[0].hasPrefix("-")
        let whole = Int(parts[0].drop(while: { $0 == "-" })) ?? 0
        return (negative ? "-" : "") + count(whole) + (parts.count > 1 ? "." + parts[1] : "")
    }

    /// A share 0...1 as a percentage with `digits` decimals.
    static func percent(_ share: Double, _ digits: Int = 1) -> String { fixed(100 * share, digits) + "%" }
}
