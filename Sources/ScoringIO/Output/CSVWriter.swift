/// Writes CSV fields per RFC 4180, safe to open in Excel.
///
/// A field is quoted when it holds the delimiter, a quote, CR or LF. A field that a
/// spreadsheet would read as a formula (it starts with `=`, `+`, `-`, `@`, tab or carriage
/// return) gets a leading apostrophe, OWASP's advice against CSV injection; plain numbers
/// written by the engine itself (`-0.5`) are passed through with `number(_:)` instead.
public enum CSVWriter {
    /// One text field, escaped.
    ///
    /// Works on the UTF-8 bytes (the delimiter is an ASCII character), so a field that needs
    /// nothing, the common case, is returned as it is without a scan per `Character`; a
    /// field holding a CR or LF anywhere (also inside a CRLF pair) is quoted.
    public static func field(_ text: String, delimiter: Character = ",") -> String {
        let separator = delimiter.asciiValue ?? UInt8(ascii: ",")
        let formula: Bool
        switch text.utf8.first {
        case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
            formula = true
        default:
            formula = false
        }
        var quotes = 0
        var needsQuoting = false
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""):
                quotes += 1
                needsQuoting = true
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"), separator:
                needsQuoting = true
            default:
                break
            }
        }
        guard formula || needsQuoting else { return text }
        guard needsQuoting else { return "'" + text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + quotes + 3)
        bytes.append(UInt8(ascii: "\""))
        if formula { bytes.append(UInt8(ascii: "'")) }
        for byte in text.utf8 {
            bytes.append(byte)
            if byte == UInt8(ascii: "\"") { bytes.append(byte) }
        }
        bytes.append(UInt8(ascii: "\""))
        return String(decoding: bytes, as: UTF8.self)
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
