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
    ///
    /// Numbers below 1,000 without padding are written straight; others two digits at a
    /// time from the right (one division by 100 per pair, by constants the compiler turns
    /// into multiplications).
    @inlinable
    public mutating func appendDigits(_ number: UInt64, minimumCount: Int = 1) {
        if minimumCount <= 1 && number < 1000 {
            appendBelowThousand(UInt32(truncatingIfNeeded: number))
            return
        }
        var digits = InlineArray<20, UInt8>(repeating: UInt8(ascii: "0"))
        var rest = number
        var index = 20
        while rest >= 100 {
            let (quotient, pair) = rest.quotientAndRemainder(dividingBy: 100)
            let (tens, ones) = UInt32(truncatingIfNeeded: pair).quotientAndRemainder(dividingBy: 10)
            index &-= 2
            digits[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: tens)
            digits[index &+ 1] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: ones)
            rest = quotient
        }
        // The first one or two digits.
        let (tens, ones) = UInt32(truncatingIfNeeded: rest).quotientAndRemainder(dividingBy: 10)
        index &-= 1
        digits[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: ones)
        if tens > 0 {
            index &-= 1
            digits[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: tens)
        }
        let first = Swift.min(index, 20 - minimumCount)
        for position in first..<20 { append(digits[position]) }
    }

    /// Appends `number` (below 1,000) without leading zeros.
    @inlinable
    mutating func appendBelowThousand(_ number: UInt32) {
        let (hundreds, rest) = number.quotientAndRemainder(dividingBy: 100)
        let (tens, ones) = rest.quotientAndRemainder(dividingBy: 10)
        if hundreds > 0 { append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: hundreds)) }
        if hundreds > 0 || tens > 0 { append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: tens)) }
        append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: ones))
    }

    /// Appends `number` (below 10,000) as exactly four digits.
    @inlinable
    mutating func appendFourDigits(_ number: UInt32) {
        let (high, low) = number.quotientAndRemainder(dividingBy: 100)
        let (first, second) = high.quotientAndRemainder(dividingBy: 10)
        let (third, fourth) = low.quotientAndRemainder(dividingBy: 10)
        append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: first))
        append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: second))
        append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: third))
        append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: fourth))
    }

    /// Appends `integer` (below 1,000, without leading zeros), a point and `fraction` (below
    /// 10,000) as exactly four digits: at most eight bytes, built in one word and stored at
    /// once (``appendBytes(of:count:)``). The bytes of ``appendDigits(_:minimumCount:)``, a
    /// point and ``appendFourDigits(_:)``.
    @inlinable
    mutating func appendFixedFour(_ integer: UInt32, _ fraction: UInt32) {
        let zero = UInt64(UInt8(ascii: "0"))
        let (high, low) = fraction.quotientAndRemainder(dividingBy: 100)
        let (first, second) = high.quotientAndRemainder(dividingBy: 10)
        let (third, fourth) = low.quotientAndRemainder(dividingBy: 10)
        let decimals =
            (zero + UInt64(first)) | (zero + UInt64(second)) << 8 | (zero + UInt64(third)) << 16
            | (zero + UInt64(fourth)) << 24
        var word: UInt64
        var length: Int
        if integer >= 100 {
            let (hundreds, rest) = integer.quotientAndRemainder(dividingBy: 100)
            let (tens, ones) = rest.quotientAndRemainder(dividingBy: 10)
            word = (zero + UInt64(hundreds)) | (zero + UInt64(tens)) << 8 | (zero + UInt64(ones)) << 16
            length = 3
        } else if integer >= 10 {
            let (tens, ones) = integer.quotientAndRemainder(dividingBy: 10)
            word = (zero + UInt64(tens)) | (zero + UInt64(ones)) << 8
            length = 2
        } else {
            word = zero + UInt64(integer)
            length = 1
        }
        word |= UInt64(UInt8(ascii: ".")) << (8 * UInt64(length)) | decimals << (8 * UInt64(length + 1))
        appendBytes(of: word, count: length + 5)
    }

    /// 10^`digits` (0...18) as an integer and as a double (exact: 10¹⁸ < 2⁶³, and 5¹⁸ < 2⁵³);
    /// constants for the decimals reports use, so no multiplication loop runs per number.
    @inlinable
    static func decimalScale(_ digits: Int) -> (power: UInt64, scale: Double) {
        switch digits {
        case 0: return (1, 1)
        case 1: return (10, 1e1)
        case 2: return (100, 1e2)
        case 4: return (10_000, 1e4)
        case 6: return (1_000_000, 1e6)
        default:
            var power: UInt64 = 1
            for _ in 0..<digits { power &*= 10 }
            return (power, Double(Int64(bitPattern: power)))
        }
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
        let (power, scale) = Self.decimalScale(digits)
        let magnitude = value.magnitude * scale
        guard magnitude < 9e15 else {
            for byte in value.description.utf8 { append(byte) }
            return
        }
        // Through Int64 (the magnitude is below 9e15): one instruction each way on x86-64,
        // where the unsigned conversions take several.
        let whole = Int64(magnitude)
        let units = UInt64(magnitude - Double(whole) >= 0.5 ? whole &+ 1 : whole)
        if value < 0 && units != 0 { append(UInt8(ascii: "-")) }
        if digits == 4 {
            // The CSV reports' default, with constant divisors.
            let (integer, fraction) = units.quotientAndRemainder(dividingBy: 10_000)
            if integer < 1000 {
                appendFixedFour(UInt32(truncatingIfNeeded: integer), UInt32(truncatingIfNeeded: fraction))
                return
            }
            appendDigits(integer)
            append(UInt8(ascii: "."))
            appendFourDigits(UInt32(truncatingIfNeeded: fraction))
            return
        }
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

extension OutputSpan where Element == UInt8 {
    /// Appends `separator`, then `text` as ``appendCSVField(string:separator:)`` does: a
    /// record's next field.
    @inlinable
    public mutating func appendNextCSVField(string text: String, separator: UInt8) {
        append(separator)
        appendCSVField(string: text, separator: separator)
    }

    /// Appends `separator`, then `text` as ``appendCSVField(_:separator:)`` does.
    @inlinable
    public mutating func appendNextCSVField(_ text: some Collection<UInt8>, separator: UInt8) {
        append(separator)
        appendCSVField(text, separator: separator)
    }

    /// Appends `separator`, then `value` as ``appendCSVNumber(_:digits:)`` does.
    @inlinable
    public mutating func appendNextCSVNumber(_ value: Double, digits: Int, separator: UInt8) {
        append(separator)
        appendCSVNumber(value, digits: digits)
    }
}
