/// Formatting straight into reserved output bytes: the number and field writers of the CSV
/// and JSON reports of a whole ranking, without a `String`, an allocation or a uniqueness
/// check per byte.
///
/// Callers reserve room once per record with `Array.append(addingCapacity:initializingWith:)`
/// (``OutputSpan`` traps on a write past the room reserved, so an underestimate is caught,
/// never written past) and write every field of the record into it. The bytes are those of
/// ``appendDecimal(_:digits:to:)``, ``CSVWriter/field(_:delimiter:)`` and the integer
/// formatting they replace (`CSVWriterTests`, `RankWriterGoldenTests`).
extension OutputSpan where Element == UInt8 {
    /// The most bytes ``appendDecimal(_:digits:)`` writes for `digits` decimals (a sign,
    /// 16 integer digits, a point and the decimals, or Swift's shortest form of at most 24
    /// bytes for values beyond 9e15).
    @inlinable
    public static func decimalCapacity(digits: Int) -> Int { Swift.max(25, 18 + digits) }

    /// Appends the decimal digits of `number`, zero-padded to at least `minimumCount`
    /// (at most 20) digits.
    @inlinable
    public mutating func appendDigits(_ number: UInt64, minimumCount: Int = 1) {
        var digits = InlineArray<20, UInt8>(repeating: UInt8(ascii: "0"))
        var rest = number
        var index = 20
        repeat {
            index &-= 1
            digits[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
            rest /= 10
        } while rest > 0
        let first = Swift.min(index, 20 - minimumCount)
        for position in first..<20 { append(digits[position]) }
    }

    /// Appends an integer: a `-` for a negative one, then its digits.
    @inlinable
    public mutating func appendInteger(_ value: Int) {
        if value < 0 { append(UInt8(ascii: "-")) }
        appendDigits(UInt64(value.magnitude))
    }

    /// Appends what ``formatDecimal(_:digits:)`` gives: `value` rounded to `digits` decimals
    /// (half away from zero on the scaled value), a `-` unless it rounds to zero, its integer
    /// part and exactly `digits` (0...18) decimals; `NaN`, `inf` and `-inf` for non-finite
    /// values, and Swift's shortest round-trip form (`description`) when the scaled value
    /// reaches 9e15.
    ///
    /// The rounding is exact: for a scaled magnitude `m` below 9e15, `m − trunc(m)` is
    /// computed without error, so comparing it with 0.5 is `m.rounded()` without a library
    /// call; above 2⁵² every double is an integer, so `m < 9e15` is the same test as
    /// `m.rounded() < 9e15`.
    @inlinable
    public mutating func appendDecimal(_ value: Double, digits: Int) {
        guard value.isFinite else {
            if value.isNaN {
                append(UInt8(ascii: "N"))
                append(UInt8(ascii: "a"))
                append(UInt8(ascii: "N"))
            } else {
                if value < 0 { append(UInt8(ascii: "-")) }
                append(UInt8(ascii: "i"))
                append(UInt8(ascii: "n"))
                append(UInt8(ascii: "f"))
            }
            return
        }
        var power: UInt64 = 1
        for _ in 0..<digits { power &*= 10 }
        let magnitude = value.magnitude * Double(power)
        guard magnitude < 9e15 else {
            for byte in value.description.utf8 { append(byte) }
            return
        }
        // Through Int64 (the magnitude is below 9e15): one instruction each way on x86-64,
        // where the unsigned conversions take several.
        let whole = Int64(magnitude)
        let units = UInt64(magnitude - Double(whole) >= 0.5 ? whole &+ 1 : whole)
        if value < 0 && units != 0 { append(UInt8(ascii: "-")) }
        appendDigits(units / power)
        if digits > 0 {
            append(UInt8(ascii: "."))
            appendDigits(units % power, minimumCount: digits)
        }
    }

    /// Appends bytes as they are.
    @inlinable
    public mutating func append(bytes: [UInt8]) {
        for byte in bytes { append(byte) }
    }

    /// Appends a string escaped as ``appendCSVField(_:separator:)`` escapes its UTF-8 bytes,
    /// read from the string's own contiguous storage (a native string's: walking the `utf8`
    /// view byte by byte costs several times more).
    @inlinable
    public mutating func appendCSVField(string text: String, separator: UInt8) {
        let done: Void? = text.utf8.withContiguousStorageIfAvailable { appendCSVField($0, separator: separator) }
        if done == nil { appendCSVField(text.utf8, separator: separator) }
    }

    /// Appends UTF-8 `text` (a string's `utf8` view, or bytes) escaped as
    /// ``CSVWriter/field(_:delimiter:)`` escapes the same text: at most
    /// `2 × text.count + 3` bytes.
    @inlinable
    public mutating func appendCSVField(_ text: some Collection<UInt8>, separator: UInt8) {
        let formula = CSVWriter.startsFormula(text.first)
        var quoting = false
        for byte in text where CSVWriter.needsQuoting(byte, separator: separator) {
            quoting = true
            break
        }
        guard quoting else {
            if formula { append(UInt8(ascii: "'")) }
            for byte in text { append(byte) }
            return
        }
        append(UInt8(ascii: "\""))
        if formula { append(UInt8(ascii: "'")) }
        for byte in text {
            append(byte)
            if byte == UInt8(ascii: "\"") { append(byte) }
        }
        append(UInt8(ascii: "\""))
    }
}

extension CSVWriter {
    /// Whether a field starting with `byte` would be read as a formula (`=`, `+`, `-`, `@`,
    /// tab or CR).
    @inlinable
    public static func startsFormula(_ byte: UInt8?) -> Bool {
        switch byte {
        case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
            return true
        default:
            return false
        }
    }

    /// Whether a field holding `byte` is quoted (a quote, LF, CR or the separator).
    @inlinable
    public static func needsQuoting(_ byte: UInt8, separator: UInt8) -> Bool {
        byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") || byte == separator
    }
}

extension OutputSpan where Element == UInt8 {
    /// Appends a number the engine computed as ``CSVRecordBuffer/number(_:digits:)`` writes
    /// it: nothing for NaN, otherwise ``appendDecimal(_:digits:)``.
    @inlinable
    public mutating func appendCSVNumber(_ value: Double, digits: Int) {
        if !value.isNaN { appendDecimal(value, digits: digits) }
    }
}
