/// Writes CSV fields per RFC 4180, safe to open in Excel.
///
/// A field is quoted when it holds the delimiter, a quote, CR or LF. A field that a
/// spreadsheet would read as a formula (it starts with `=`, `+`, `-`, `@`, tab or carriage
/// return) gets a leading apostrophe, OWASP's advice against CSV injection; plain numbers
/// written by the engine itself (`-0.5`) are passed through with `number(_:)` instead.
public enum CSVWriter {
    /// One text field, escaped.
    public static func field(_ text: String, delimiter: Character = ",") -> String {
        var value = text
        if let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) {
            value = "'" + value
        }
        if value.contains(where: { $0 == delimiter || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return value
    }

    /// A number the engine computed, with `digits` decimals (no formula escaping needed).
    public static func number(_ value: Double, digits: Int = 2) -> String {
        value.isNaN ? "" : formatDecimal(value, digits: digits)
    }

    /// One record: escaped fields joined by the delimiter, ending in LF.
    public static func record(_ fields: [String], delimiter: Character = ",") -> String {
        fields.map { field($0, delimiter: delimiter) }.joined(separator: String(delimiter)) + "\n"
    }
}

/// Formats a double with a fixed number of decimals, deterministically (no locale).
public func formatDecimal(_ value: Double, digits: Int) -> String {
    guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "inf" : "-inf") }
    var power: Int64 = 1
    for _ in 0..<digits { power *= 10 }
    let scaled = (abs(value) * Double(power)).rounded()
    guard scaled < 9e15 else { return String(value) }
    let units = Int64(scaled)
    var text = value < 0 && units != 0 ? "-" : ""
    text += String(units / power)
    if digits > 0 {
        let fraction = String(units % power)
        text += "." + String(repeating: "0", count: digits - fraction.count) + fraction
    }
    return text
}
