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
        let escapes = escapes(text, separator: separator)
        guard escapes.formula || escapes.quoting else { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 8)
        appendField(text, separator: separator, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `text` escaped as ``field(_:delimiter:)`` escapes it.
    static func appendField(_ text: String, separator: UInt8, to bytes: inout [UInt8]) {
        bytes.append(addingCapacity: 2 * text.utf8.count + 3) { $0.appendCSVField(text.utf8, separator: separator) }
    }

    /// Appends UTF-8 `text` escaped as ``field(_:delimiter:)`` escapes the same text.
    static func appendField(bytes text: [UInt8], separator: UInt8, to bytes: inout [UInt8]) {
        bytes.append(addingCapacity: 2 * text.count + 3) { $0.appendCSVField(text, separator: separator) }
    }

    /// Whether a spreadsheet would read `text` as a formula (it starts with `=`, `+`, `-`,
    /// `@`, tab or CR), and whether it must be quoted (it holds a quote, CR, LF or the
    /// separator).
    private static func escapes(_ text: String, separator: UInt8) -> (formula: Bool, quoting: Bool) {
        let formula = startsFormula(text.utf8.first)
        for byte in text.utf8 where needsQuoting(byte, separator: separator) { return (formula, true) }
        return (formula, false)
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
    var bytes: [UInt8] = []
    appendDecimal(value, digits: digits, to: &bytes)
    return String(decoding: bytes, as: UTF8.self)
}

/// Appends the text ``formatDecimal(_:digits:)`` gives, as UTF-8 bytes.
///
/// `value` is rounded to `digits` decimals (half away from zero on the scaled value), written
/// with a `-` unless it rounds to zero, its integer part and exactly `digits` decimals;
/// `NaN`, `inf` and `-inf` for non-finite values, and Swift's shortest form when the scaled
/// value reaches 9e15.
public func appendDecimal(_ value: Double, digits: Int, to bytes: inout [UInt8]) {
    bytes.append(addingCapacity: OutputSpan<UInt8>.decimalCapacity(digits: digits)) { $0.appendDecimal(value, digits: digits) }
}

/// Appends the decimal digits of `number`, zero-padded to at least `count` digits.
private func appendDigits(_ number: UInt64, count: Int, to bytes: inout [UInt8]) {
    bytes.append(addingCapacity: 20) { $0.appendDigits(number, minimumCount: count) }
}

/// Builds CSV records as UTF-8 bytes, field by field, with ``CSVWriter``'s escaping: the
/// allocation-free form of ``CSVWriter/record(_:delimiter:)`` for writing many rows.
public struct CSVRecordBuffer {
    /// The records built since the last ``removeAll()``.
    public private(set) var bytes: [UInt8] = []
    private let separator: UInt8
    private var startsRecord = true

    public init(delimiter: Character = ",") {
        separator = delimiter.asciiValue ?? UInt8(ascii: ",")
        bytes.reserveCapacity(1 << 16)
    }

    private mutating func separate() {
        if !startsRecord { bytes.append(separator) }
        startsRecord = false
    }

    /// A text field, escaped as ``CSVWriter/field(_:delimiter:)`` escapes it.
    public mutating func text(_ text: String) {
        separate()
        CSVWriter.appendField(text, separator: separator, to: &bytes)
    }

    /// A text field given as UTF-8 bytes, escaped as ``CSVWriter/field(_:delimiter:)``
    /// escapes the same text.
    public mutating func text(bytes text: [UInt8]) {
        separate()
        CSVWriter.appendField(bytes: text, separator: separator, to: &bytes)
    }

    /// Makes room for `capacity` bytes of records.
    public mutating func reserve(_ capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    /// A number the engine computed, as ``CSVWriter/number(_:digits:)`` writes it (empty for NaN).
    public mutating func number(_ value: Double, digits: Int = 2) {
        separate()
        if !value.isNaN { appendDecimal(value, digits: digits, to: &bytes) }
    }

    /// A number as ``formatDecimal(_:digits:)`` writes it (`NaN` for NaN).
    public mutating func decimal(_ value: Double, digits: Int) {
        separate()
        appendDecimal(value, digits: digits, to: &bytes)
    }

    /// An integer.
    public mutating func integer(_ value: Int) {
        separate()
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        appendDigits(UInt64(value.magnitude), count: 1, to: &bytes)
    }

    /// Text the engine wrote that needs no escaping (a grade letter, an empty field).
    public mutating func plain(_ text: String) {
        separate()
        bytes.append(contentsOf: text.utf8)
    }

    /// Ends the record with LF.
    public mutating func endRecord() {
        bytes.append(UInt8(ascii: "\n"))
        startsRecord = true
    }

    /// Empties the buffer, keeping its capacity.
    public mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        startsRecord = true
    }
}
