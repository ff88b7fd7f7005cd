/// Reads a field as a number, the way business exports write numbers.
///
/// Accepted, in order:
/// - spaces and tabs around the field;
/// - an optional sign, `+` or `-`;
/// - an optional currency sign: `¥`, full-width `￥`, `CNY` or `RMB` (ASCII case ignored),
///   followed by optional spaces; the sign may also come after it (`¥-5`);
/// - the number: digits with optional thousands separators `,` in groups of three
///   (`1,234,567.5`; `1,23` and `1234,567` are rejected), an optional decimal point with
///   digits on at least one side (`5.` and `.5` are accepted, as `strtod` does), and an
///   optional exponent (`1e6`, `2.5E-3`);
/// - optional spaces, then a unit: `%` or full-width `％`; `元`, `万`, `万元`, `亿`, `亿元`,
///   `CNY` or `RMB`.
///
/// Full-width digits `１２５０`, `＋`, `－`, `．` and the minus sign `−` read as their ASCII
/// forms (Chinese input methods type them), so `－１２．５％` is −12.5 in a percent column.
///
/// Rejected as ``NumberReadError/notANumber``: empty fields, `inf`, `nan`, hexadecimal,
/// other non-ASCII digits (`١٢٣`) and separators (`1，234`), and values whose magnitude
/// exceeds `Double.greatestFiniteMagnitude` after unit conversion.
///
/// Units:
/// - In a ``NumberUnit/percent`` column the number is returned as written: `35%` and `35`
///   both give 35. A currency sign there is ``NumberReadError/unitNotAllowed(_:)``.
/// - In a money column (``NumberUnit/yuan``, ``NumberUnit/wan``, ``NumberUnit/yi``) a currency
///   unit converts to the column's unit: in a `wan` column `1,800万`, `18,000,000元` and
///   `0.18亿` all give 1800. A number without a unit is already in the column's unit; `¥`,
///   `CNY` and `RMB` alone mean yuan. `%` there is ``NumberReadError/wrongUnit(found:expected:)``.
/// - In a ``NumberUnit/none`` column any unit sign is ``NumberReadError/unitNotAllowed(_:)``.
///
/// ## Mathematical properties
///
/// The result is the decimal value written, times the power of ten of the unit conversion,
/// correctly rounded to the nearest `Double` (ties to even): bit for bit what `strtod`
/// returns for the same digits and adjusted exponent, including `-0.0` for `-0` and
/// subnormal results. Unit conversion moves the decimal exponent before rounding, so
/// `0.18亿` in a `wan` column is exactly 1800, not `0.18 × 10⁴` rounded twice.
///
/// The digits are read by an own loop into a 64-bit integer (up to 19 significant digits)
/// and a decimal exponent. When the integer is at most 2⁵³ and the exponent is within
/// ±22, one IEEE multiplication or division by an exactly representable power of ten gives
/// the correctly rounded result (Clinger's fast path). Anything else (more than 19
/// significant digits, long mantissas, large exponents, subnormals) is handed to the
/// standard library's `Double(_: String)` (the C library's `strtod_l` in the C locale
/// underneath, so independent of the process locale), which is rare in business data.
public struct NumberReader: Sendable {
    /// The unit of the column being read.
    public let unit: NumberUnit

    /// Creates a reader for a column.
    ///
    /// - Parameter unit: The column's unit; values are returned in it.
    public init(unit: NumberUnit = .none) {
        self.unit = unit
    }

    /// Reads `field` as a number in the column's unit.
    ///
    /// Returns a `Result` rather than throwing so that a batch can collect a reject per field
    /// without a `do`/`catch` per value.
    ///
    /// - Parameter field: The field's text.
    /// - Returns: The value in ``unit``, or why the field is not a number in that unit.
    /// - Complexity: O(*n*) in the length of `field`.
    public func read(_ field: Substring) -> Result<Double, NumberReadError> {
        // Native strings lend their UTF-8 storage (small ones via a stack copy); others
        // (bridged ones) are copied first. The buffer is only read, within its bounds, and
        // does not outlive the closure. This is 3-5 times faster than indexing `utf8`.
        field.utf8.withContiguousStorageIfAvailable { read(bytes: $0) } ?? read(bytes: Array(field.utf8))
    }

    /// Reads `field` as a number in the column's unit; see ``read(_:)-(Substring)``.
    public func read(_ field: String) -> Result<Double, NumberReadError> {
        field.utf8.withContiguousStorageIfAvailable { read(bytes: $0) } ?? read(bytes: Array(field.utf8))
    }

    /// Reads `text[start..<end]` as a number in the column's unit: the streaming reader's
    /// entry, which lends a chunk of the file.
    ///
    /// The shapes that fill business exports (an optional sign, digits, an optional
    /// fraction, and `%` in a percent column) are read by a short loop without any
    /// slicing; everything else (separators, currency signs and units, exponents, spaces,
    /// errors) by ``read(bytes:)``. Both round through the same conversion, so the results
    /// are identical.
    ///
    /// - Returns: The value, or `nil` when the field is not a number in this column (ask
    ///   ``read(bytes:)`` for the reason).
    @inline(__always)
    func value(in text: ByteView, from start: Int, to end: Int) -> Double? {
        if let (value, next) = leadingValue(in: text, from: start, to: end), next == end { return value }
        return Self.value(of: read(bytes: text.rebased(start..<end)))
    }

    /// The simple number that starts at `text[start]` (an optional sign, digits, an optional
    /// fraction, and `%` in a percent column), read up to `end` or to the first byte that
    /// cannot continue it, and the offset after it; `nil` when no simple number starts there,
    /// or when it must be read the long way (more than 19 digits, a mantissa above 2⁵³, more
    /// than 22 decimals). ``value(in:from:to:)`` takes it when it spans the whole field; the
    /// streaming reader also reads a number this way before it knows where the field ends,
    /// and takes it when a delimiter or line end follows (``FieldScanner/nextSimpleNumber(_:)``).
    @inline(__always)
    func leadingValue(in text: ByteView, from start: Int, to end: Int) -> (value: Double, next: Int)? {
        var index = start
        var negative = false
        guard index < end else { return nil }
        var byte = text[index]
        if byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") {
            negative = byte == UInt8(ascii: "-")
            index &+= 1
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var exponent = 0
        while index < end {
            byte = text[index]
            let digit = byte &- UInt8(ascii: "0")
            guard digit < 10 else { break }
            mantissa = mantissa &* 10 &+ UInt64(digit)
            digits &+= 1
            index &+= 1
        }
        if index < end && text[index] == UInt8(ascii: ".") {
            index &+= 1
            var fractionDigits = 0
            while index < end {
                let digit = text[index] &- UInt8(ascii: "0")
                guard digit < 10 else { break }
                mantissa = mantissa &* 10 &+ UInt64(digit)
                fractionDigits &+= 1
                index &+= 1
            }
            digits &+= fractionDigits
            exponent = -fractionDigits
        }
        // '%' in a percent column ends a simple number (it is the field's last byte when
        // the caller takes the number).
        if unit == .percent && index < end && text[index] == UInt8(ascii: "%") && digits > 0 { index &+= 1 }
        // At most 19 digits (so that the mantissa is exact), and not a leading-zero run that
        // the full reader counts differently: both are rare and go the long way.
        if digits == 0 || digits > 19 || mantissa > 1 << 53 || exponent < -22 { return nil }
        if mantissa == 0 { return (negative ? -0.0 : 0.0, index) }
        let value =
            exponent == 0 ? Double(mantissa) : Double(mantissa) / Self.exactPowersOfTen[-exponent]
        return (negative ? -value : value, index)
    }

    @inline(__always)
    private static func value(of result: Result<Double, NumberReadError>) -> Double? {
        if case .success(let value) = result { return value }
        return nil
    }

    /// Reads UTF-8 bytes as a number in the column's unit; see ``read(_:)-(Substring)``.
    ///
    /// Generic so that the same code reads a `String`'s storage, an array or a slice of a
    /// file buffer; only integer offsets between `startIndex` and `endIndex` are read.
    func read<Bytes: RandomAccessCollection<UInt8>>(bytes text: Bytes) -> Result<Double, NumberReadError>
    where Bytes.Index == Int {
        let result = readASCII(bytes: text)
        // Only a field that is not a number pays for the full-width check.
        guard case .failure(.notANumber) = result, let folded = Self.foldingFullWidth(text) else { return result }
        return readASCII(bytes: folded)
    }

    /// `text` with full-width digits `０`–`９`, `＋`, `－`, `．` and the minus sign `−` (U+2212)
    /// written as ASCII, or `nil` when it has none. Other full-width forms keep their meaning
    /// elsewhere (`％`, `￥`) or none (`，` could separate two numbers, so it is not read as a
    /// thousands separator).
    static func foldingFullWidth<Bytes: RandomAccessCollection<UInt8>>(_ text: Bytes) -> [UInt8]?
    where Bytes.Index == Int {
        guard text.contains(0xEF) || text.contains(0xE2) else { return nil }
        var folded: [UInt8] = []
        folded.reserveCapacity(text.count)
        var changed = false
        var index = text.startIndex
        while index < text.endIndex {
            let byte = text[index]
            if byte == 0xEF, index + 2 < text.endIndex, text[index + 1] == 0xBC {
                let last = text[index + 2]
                var ascii: UInt8?
                switch last {
                case 0x90...0x99: ascii = UInt8(ascii: "0") + (last - 0x90)  // ０–９ U+FF10–FF19
                case 0x8B: ascii = UInt8(ascii: "+")  // ＋ U+FF0B
                case 0x8D: ascii = UInt8(ascii: "-")  // － U+FF0D
                case 0x8E: ascii = UInt8(ascii: ".")  // ． U+FF0E
                default: ascii = nil
                }
                if let ascii {
                    folded.append(ascii)
                    changed = true
                    index += 3
                    continue
                }
            } else if byte == 0xE2, index + 2 < text.endIndex, text[index + 1] == 0x88, text[index + 2] == 0x92 {
                folded.append(UInt8(ascii: "-"))  // − U+2212
                changed = true
                index += 3
                continue
            }
            folded.append(byte)
            index += 1
        }
        return changed ? folded : nil
    }

    /// Reads ASCII-spelled numbers; see ``read(bytes:)``.
    private func readASCII<Bytes: RandomAccessCollection<UInt8>>(bytes text: Bytes) -> Result<Double, NumberReadError>
    where Bytes.Index == Int {
        var index = text.startIndex
        var end = text.endIndex

        // Surrounding spaces and tabs.
        while index < end && Self.isPadding(text[index]) { index += 1 }
        while end > index && Self.isPadding(text[end - 1]) { end -= 1 }
        guard index < end else { return .failure(.notANumber) }

        // Sign, then a currency sign, then possibly the sign.
        var negative = false
        var hasSign = false
        if let signIsNegative = Self.sign(text[index]) {
            negative = signIsNegative
            hasSign = true
            index += 1
        }
        var prefix: Range<Int>? = nil
        if index < end && !Self.isDigitOrPoint(text[index]) {
            guard let prefixEnd = Self.currencyPrefixEnd(in: text, from: index, to: end) else {
                return .failure(.notANumber)
            }
            prefix = index..<prefixEnd
            index = prefixEnd
            while index < end && Self.isPadding(text[index]) { index += 1 }
            if !hasSign, index < end, let signIsNegative = Self.sign(text[index]) {
                negative = signIsNegative
                index += 1
            }
        }

        // The number: integer part with optional grouping, fraction, exponent.
        let numberStart = index
        var mantissa: UInt64 = 0
        var significantDigits = 0
        var droppedNonZeroDigit = false  // mantissa is then inexact
        var exponent = 0  // decimal exponent of `mantissa`, before the written exponent
        var digitCount = 0
        var fractionDigits = 0
        var groupLength = 0
        var hasSeparator = false
        while index < end {
            let byte = text[index]
            let digit = byte &- UInt8(ascii: "0")
            if digit < 10 {
                if significantDigits < 19 {
                    if mantissa != 0 || digit != 0 {
                        mantissa = mantissa &* 10 &+ UInt64(digit)
                        significantDigits += 1
                    }
                } else {
                    exponent += 1
                    if digit != 0 { droppedNonZeroDigit = true }
                }
                groupLength += 1
                digitCount += 1
            } else if byte == UInt8(ascii: ",") {
                // Groups of three after a first group of one to three digits.
                if groupLength == 0 || groupLength > 3 || (hasSeparator && groupLength != 3) {
                    return .failure(.notANumber)
                }
                hasSeparator = true
                groupLength = 0
            } else {
                break
            }
            index += 1
        }
        if hasSeparator && groupLength != 3 { return .failure(.notANumber) }
        if index < end && text[index] == UInt8(ascii: ".") {
            index += 1
            while index < end {
                let digit = text[index] &- UInt8(ascii: "0")
                guard digit < 10 else { break }
                if significantDigits < 19 {
                    if mantissa != 0 || digit != 0 {
                        mantissa = mantissa &* 10 &+ UInt64(digit)
                        significantDigits += 1
                    }
                    exponent -= 1
                } else if digit != 0 {
                    droppedNonZeroDigit = true
                }
                digitCount += 1
                fractionDigits += 1
                index += 1
            }
        }
        guard digitCount > 0 else { return .failure(.notANumber) }
        var writtenExponent = 0
        let exponentMarker = index
        if index < end && (text[index] == UInt8(ascii: "e") || text[index] == UInt8(ascii: "E")) {
            index += 1
            var exponentIsNegative = false
            if index < end, let signIsNegative = Self.sign(text[index]) {
                exponentIsNegative = signIsNegative
                index += 1
            }
            var exponentDigits = 0
            while index < end {
                let digit = text[index] &- UInt8(ascii: "0")
                guard digit < 10 else { break }
                // Far beyond any Double; clamping keeps the arithmetic from overflowing.
                if writtenExponent < 100_000 { writtenExponent = writtenExponent * 10 + Int(digit) }
                exponentDigits += 1
                index += 1
            }
            guard exponentDigits > 0 else { return .failure(.notANumber) }
            if exponentIsNegative { writtenExponent = -writtenExponent }
        }

        // The unit, then the end of the field.
        var unitShift = 0
        if index < end || prefix != nil {
            while index < end && Self.isPadding(text[index]) { index += 1 }
            switch resolveUnit(prefix: prefix.map { text[$0] }, suffix: text[index..<end]) {
            case .success(let shift): unitShift = shift
            case .failure(let error): return .failure(error)
            }
        }

        // Conversion.
        if mantissa == 0 { return .success(negative ? -0.0 : 0.0) }
        let decimalExponent = exponent + writtenExponent + unitShift
        if !droppedNonZeroDigit && mantissa <= 1 << 53 && decimalExponent >= -22 && decimalExponent <= 22 {
            // Clinger's fast path: both operands are exact, so the one rounding is correct.
            let value =
                decimalExponent >= 0
                ? Double(mantissa) * Self.exactPowersOfTen[decimalExponent]
                : Double(mantissa) / Self.exactPowersOfTen[-decimalExponent]
            return .success(negative ? -value : value)
        }
        if !droppedNonZeroDigit && decimalExponent > 22 && decimalExponent <= 22 + 15 {
            // Clinger's extended path: if mantissa × 10^(e − 22) is an integer of at most 2⁵³
            // (exact in a Double), one multiplication by the exact 10²² rounds correctly.
            let (shifted, overflow) = mantissa.multipliedReportingOverflow(
                by: Self.exactIntegerPowersOfTen[decimalExponent - 22])
            if !overflow && shifted <= 1 << 53 {
                let value = Double(shifted) * Self.exactPowersOfTen[22]
                return .success(negative ? -value : value)
            }
        }
        return Self.slowPath(
            negative: negative, digits: text[numberStart..<exponentMarker],
            exponent: writtenExponent + unitShift - fractionDigits)
    }

    // MARK: - Units

    /// Checks the unit signs against the column's unit.
    ///
    /// - Returns: The power of ten to add to the decimal exponent.
    ///
    /// The unit texts of error messages are decoded only when there is an error, so reading
    /// `35%` or `1800万` allocates nothing.
    private func resolveUnit<Bytes: Collection<UInt8>>(prefix: Bytes?, suffix: Bytes) -> Result<Int, NumberReadError> {
        var suffixUnit: SuffixUnit? = nil
        if !suffix.isEmpty {
            guard let unit = Self.suffixUnit(suffix) else { return .failure(.notANumber) }
            suffixUnit = unit
        }
        func text(_ bytes: Bytes) -> String { String(decoding: bytes, as: UTF8.self) }
        switch suffixUnit {
        case .percent:
            if unit.yuanExponent != nil { return .failure(.wrongUnit(found: text(suffix), expected: unit)) }
            if unit == .none { return .failure(.unitNotAllowed(text(suffix))) }
            if let prefix { return .failure(.unitNotAllowed(text(prefix))) }
            return .success(0)
        case .currency(let yuanExponent):
            guard let columnExponent = unit.yuanExponent else { return .failure(.unitNotAllowed(text(suffix))) }
            return .success(yuanExponent - columnExponent)
        case nil:
            guard let prefix else { return .success(0) }
            guard let columnExponent = unit.yuanExponent else { return .failure(.unitNotAllowed(text(prefix))) }
            return .success(0 - columnExponent)
        }
    }

    private enum SuffixUnit: Equatable {
        case percent
        /// Money, with the power of ten that turns one of it into yuan.
        case currency(yuanExponent: Int)
    }

    private static let suffixUnits: [(text: [UInt8], unit: SuffixUnit)] = [
        (Array("%".utf8), .percent), (Array("％".utf8), .percent),
        (Array("元".utf8), .currency(yuanExponent: 0)),
        (Array("万".utf8), .currency(yuanExponent: 4)), (Array("万元".utf8), .currency(yuanExponent: 4)),
        (Array("亿".utf8), .currency(yuanExponent: 8)), (Array("亿元".utf8), .currency(yuanExponent: 8)),
    ]

    private static let currencySigns: [[UInt8]] = [Array("¥".utf8), Array("￥".utf8)]

    private static func suffixUnit<Bytes: Collection<UInt8>>(_ suffix: Bytes) -> SuffixUnit? {
        // The common units first, without walking the table: `%` and 万 (E4 B8 87).
        let count = suffix.count
        if count == 1 && suffix.first == UInt8(ascii: "%") { return .percent }
        if count == 3 {
            var iterator = suffix.makeIterator()
            if iterator.next() == 0xE4, iterator.next() == 0xB8, iterator.next() == 0x87 {
                return .currency(yuanExponent: 4)
            }
        }
        for entry in suffixUnits where suffix.elementsEqual(entry.text) { return entry.unit }
        if isCurrencyCode(suffix) { return .currency(yuanExponent: 0) }
        return nil
    }

    /// Whether `text` is `CNY` or `RMB`, ignoring ASCII case.
    private static func isCurrencyCode<Bytes: Collection<UInt8>>(_ text: Bytes) -> Bool {
        guard text.count == 3 else { return false }
        let upper = text.map { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") ? $0 - 32 : $0 }
        return upper.elementsEqual("CNY".utf8) || upper.elementsEqual("RMB".utf8)
    }

    /// The end of a currency sign (`¥`, `￥`, `CNY`, `RMB`) starting at `start`, or `nil`.
    private static func currencyPrefixEnd<Bytes: RandomAccessCollection<UInt8>>(
        in text: Bytes, from start: Int, to end: Int
    ) -> Int? where Bytes.Index == Int {
        let rest = text[start..<end]
        for sign in currencySigns where rest.starts(with: sign) { return start + sign.count }
        if end - start >= 3 && isCurrencyCode(text[start..<(start + 3)]) { return start + 3 }
        return nil
    }

    // MARK: - Bytes

    @inline(__always)
    private static func isPadding(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }

    @inline(__always)
    private static func isDigitOrPoint(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "0") < 10 || byte == UInt8(ascii: ".")
    }

    /// `true` for `-`, `false` for `+`, `nil` for anything else.
    @inline(__always)
    private static func sign(_ byte: UInt8) -> Bool? {
        byte == UInt8(ascii: "-") ? true : byte == UInt8(ascii: "+") ? false : nil
    }

    // MARK: - Conversion

    /// 10⁰ through 10²², each exactly representable as a Double (5²² < 2⁵³).
    private static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// 10⁰ through 10¹⁵ as integers.
    private static let exactIntegerPowersOfTen: [UInt64] = (0...15).map { power in
        (0..<power).reduce(UInt64(1)) { value, _ in value * 10 }
    }

    /// Rounds `digits × 10^exponent` correctly by handing a normalized copy to the standard
    /// library, which uses `strtod_l` in the C locale.
    ///
    /// - Parameters:
    ///   - digits: The written number without its exponent; `,` and `.` are skipped.
    ///   - exponent: The power of ten to apply to the digits read as an integer.
    private static func slowPath<Bytes: Collection<UInt8>>(
        negative: Bool, digits: Bytes, exponent: Int
    ) -> Result<Double, NumberReadError> {
        var normalized: [UInt8] = []
        normalized.reserveCapacity(digits.count + 10)
        if negative { normalized.append(UInt8(ascii: "-")) }
        for byte in digits where byte &- UInt8(ascii: "0") < 10 { normalized.append(byte) }
        normalized.append(UInt8(ascii: "e"))
        normalized.append(contentsOf: String(exponent).utf8)
        guard let value = Double(String(decoding: normalized, as: UTF8.self)), value.isFinite else {
            return .failure(.notANumber)
        }
        return .success(value)
    }
}
