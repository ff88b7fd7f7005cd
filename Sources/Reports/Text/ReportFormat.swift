import ScoringEngine
import ScoringIO

/// Number formatting shared by the pipeline, forecast and backtest reports.
public enum ReportFormat {
    /// `70.1%`.
    public static func percent(_ value: Double, digits: Int = 1) -> String {
        value.isNaN ? "–" : formatDecimal(100 * value, digits: digits) + "%"
    }

    public static func decimal(_ value: Double, _ digits: Int) -> String {
        value.isNaN ? "–" : formatDecimal(value, digits: digits)
    }

    /// `value` with `digits` decimals and a `+` before it when it is positive and does not
    /// round to zero: `+0.125`, `-0.125`, `0.000` (for `0.0001` with 3 digits).
    public static func signed(_ value: Double, digits: Int) -> String {
        let text = formatDecimal(value, digits: digits)
        return value > 0 && text != formatDecimal(0, digits: digits) ? "+" + text : text
    }

    /// "1 account", "2 accounts".
    public static func count(_ value: Int, _ noun: String) -> String {
        "\(value) \(noun)\(value == 1 ? "" : "s")"
    }

    /// `41,203`.
    public static func grouped(_ value: Int) -> String { grouped(value, separator: ",") }

    /// `value` with its thousands grouped by `separator`.
    public static func grouped(_ value: Int, separator: String) -> String {
        let digits = String(abs(value))
        var result = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result += separator }
            result.append(character)
        }
        return (value < 0 ? "-" : "") + result
    }

    /// A money amount rounded to whole units with thousands separators: `12,345`.
    public static func money(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        return grouped(Int(value.rounded()))
    }

    /// The closing summary of a text report, one line each: in a table each line is
    /// wrapped to `maxWidth` terminal columns (see ``DisplayWidth/wrap(_:width:indent:)``),
    /// in markdown it is left as it is.
    ///
    /// - Returns: The lines joined by newlines, with a newline after the last.
    public static func summary(_ lines: [String], markdown: Bool, maxWidth: Int) -> String {
        let wrapped = markdown ? lines : lines.flatMap { DisplayWidth.wrap($0, width: maxWidth) }
        return wrapped.joined(separator: "\n") + "\n"
    }

    /// A JSON number with 6 decimals, or null for NaN and infinities.
    public static func jsonNumber(_ value: Double) -> String {
        value.isFinite ? formatDecimal(value, digits: 6) : "null"
    }
}
