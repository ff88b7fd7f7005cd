import Foundation
import ScoringIO

/// Text building helpers of the HTML report: escaping and numbers.
///
/// Every piece of text that comes from an input (names, ids, managers, file names, model
/// and scenario names) goes through ``escape(_:)`` before it reaches the page, in element
/// content and in attribute values alike.
enum HTMLText {
    /// Escapes `&`, `<`, `>`, `"` and `'`, so the text is plain text in element content and
    /// in quoted attribute values.
    static func escape(_ text: String) -> String {
        ScalarEscaping.escape(text) { scalar in
            switch scalar {
            case "'": "&#39;"
            case "\0": "\u{FFFD}"
            default: ScalarEscaping.markup(scalar)
            }
        }
    }

    /// A number with a fixed count of decimals, "." as the decimal mark, no grouping
    /// ("−" never: a minus sign is "-" so the page's script can read it back).
    ///
    /// The text is `printf`'s `%.Nf` (the exact binary value rounded, halves to even). Most
    /// numbers take a faster way to the same text: when the value times 10^N lies far from a
    /// half (more than 0.001, against a rounding error of its product below 0.0002 under
    /// 10¹²), rounding that product (``formatDecimal(_:digits:)``) gives the same digits.
    /// `String(format:)` cost about 0.5 µs a number, a third of a large report's rendering.
    static func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "Infinity" : "-Infinity") }
        if digits >= 0 && digits < powersOfTen.count {
            let scaled = abs(value) * powersOfTen[digits]
            if scaled < 1e12 && abs(scaled - scaled.rounded(.down) - 0.5) > 1e-3 {
                return formatDecimal(value, digits: digits)
            }
        }
        var text = String(format: "%.\(digits)f", value)
        if text.hasPrefix("-"), Double(text) == 0 { text.removeFirst() }
        return text
    }

    /// 10⁰ to 10⁹, exact as doubles.
    private static let powersOfTen: [Double] = (0...9).map { pow(10, Double($0)) }

    /// A number as the JSON outputs write it (6 decimals), for `data-` attributes that tests
    /// and the page's script read.
    static func data(_ value: Double) -> String { fixed(value, 6) }

    /// A count with thousands grouped by thin spaces ("1 000 000").
    static func count(_ value: Int) -> String { ReportFormat.grouped(value, separator: "\u{2009}") }

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
