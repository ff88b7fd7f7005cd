/// Walks the records and fields of a UTF-8 buffer without making a `String` per field: the
/// streaming reader's hot loop.
///
/// It follows exactly the grammar of ``CSVParser`` (RFC 4180, read leniently: LF, CRLF or
/// lone CR line ends; quoted fields with `""`, delimiters and line breaks; text after a
/// closing quote appended; unquoted fields trimmed of spaces, and of tabs unless the tab
/// is the delimiter; blank lines skipped; physical line numbers), and the tests check that
/// both give the same fields and lines. A field is reported as a byte range of the buffer,
/// or of ``scratch`` when its quotes had to be collapsed or text after its closing quote
/// appended.
///
/// Unquoted fields are scanned eight bytes at a time (SWAR: a word is compared with the
/// delimiter, LF and CR at once with the classic "has zero byte" test, whose lowest set bit
/// is exact).
///
/// The buffer is read through an `UnsafeBufferPointer` that the caller lends for the
/// duration of one scan and that never escapes it; every read is at an offset between
/// `0` and `count`, checked by the loop conditions (8-byte loads only where 8 bytes
/// remain). This is the one place outside LinearAlgebra that reads memory this way, for
/// speed: the checked `Array` subscript costs a third of the parser's time.
struct FieldScanner {
    /// Why a scan stopped.
    enum Failure: Error, Equatable {
        /// The buffer ends inside a quoted field that opened at offset `opening` on (relative)
        /// line `line`. At the end of a file this is an unterminated quote; at the end of a
        /// chunk it means the record continues in the next chunk.
        case openQuote(opening: Int, line: Int)
    }

    /// Where a field's text is.
    struct Field {
        /// Offsets of the text in the buffer, or in ``FieldScanner/scratch`` if `inScratch`.
        var start: Int
        var end: Int
        var inScratch: Bool
        /// Whether the field ended its record (at a line end or the end of the buffer).
        var endsRecord: Bool
    }

    static let lineFeed = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")
    static let quote = UInt8(ascii: "\"")
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")

    let bytes: ByteView
    let count: Int
    let delimiter: UInt8
    /// Whether a tab is padding to trim (true unless the tab is the delimiter).
    let trimsTabs: Bool
    /// The delimiter, LF and CR repeated in every byte of a word, for SWAR matching.
    private let delimiterPattern: UInt64
    /// The offset of the next unread byte.
    var position: Int
    /// The physical line of `position`, counted from the `line` given at creation.
    var line: Int
    /// Holds a quoted field's text when it cannot be a range of the buffer.
    var scratch: [UInt8] = []

    init(bytes: ByteView, start: Int, line: Int, delimiter: UInt8) {
        self.bytes = bytes
        self.count = bytes.count
        self.delimiter = delimiter
        self.trimsTabs = delimiter != Self.tab
        self.delimiterPattern = UInt64(delimiter) &* Self.ones
        self.position = start
        self.line = line
    }

    // MARK: SWAR

    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080
    private static let lineFeeds: UInt64 = UInt64(lineFeed) &* ones
    private static let carriageReturns: UInt64 = UInt64(carriageReturn) &* ones
    private static let quotes: UInt64 = UInt64(quote) &* ones

    /// High bit set in (at least) the lowest byte of `word` equal to the pattern's byte; any
    /// other set bit lies above a true match, so the lowest set bit is exact.
    @inline(__always)
    private static func matches(_ word: UInt64, _ pattern: UInt64) -> UInt64 {
        let x = word ^ pattern
        return (x &- ones) & ~x & highs
    }

    @inline(__always)
    private func word(at offset: Int) -> UInt64 {
        bytes.word(at: offset)
    }

    /// The offset of the first delimiter, LF or CR at or after `start`, or `count`.
    @inline(__always)
    func endOfUnquoted(from start: Int) -> Int {
        var index = start
        while index &+ 8 <= count {
            let word = word(at: index)
            let found =
                Self.matches(word, delimiterPattern) | Self.matches(word, Self.lineFeeds)
                | Self.matches(word, Self.carriageReturns)
            if found != 0 { return index &+ (found.trailingZeroBitCount >> 3) }
            index &+= 8
        }
        while index < count {
            let byte = bytes[index]
            if byte == delimiter || byte == Self.lineFeed || byte == Self.carriageReturn { return index }
            index &+= 1
        }
        return count
    }

    /// The offset of the first quote, LF or CR at or after `start`, or `count`.
    @inline(__always)
    private func nextQuoteOrLineBreak(from start: Int) -> Int {
        var index = start
        while index &+ 8 <= count {
            let word = word(at: index)
            let found =
                Self.matches(word, Self.quotes) | Self.matches(word, Self.lineFeeds)
                | Self.matches(word, Self.carriageReturns)
            if found != 0 { return index &+ (found.trailingZeroBitCount >> 3) }
            index &+= 8
        }
        while index < count {
            let byte = bytes[index]
            if byte == Self.quote || byte == Self.lineFeed || byte == Self.carriageReturn { return index }
            index &+= 1
        }
        return count
    }

    @inline(__always)
    private func isPadding(_ byte: UInt8) -> Bool {
        byte == Self.space || (byte == Self.tab && trimsTabs)
    }

    // MARK: Records and fields

    /// Skips blank lines (empty or only spaces and tabs). Returns `false` at the end of the
    /// buffer; otherwise `position` is where the next record starts and `line` its line.
    mutating func skipBlankLines() -> Bool {
        while position < count {
            var index = position
            while index < count && (bytes[index] == Self.space || bytes[index] == Self.tab) { index &+= 1 }
            if index == count {
                position = count
                return false
            }
            let byte = bytes[index]
            if byte == Self.lineFeed {
                position = index &+ 1
            } else if byte == Self.carriageReturn {
                position = index &+ 1 < count && bytes[index &+ 1] == Self.lineFeed ? index &+ 2 : index &+ 1
            } else {
                return true
            }
            line &+= 1
        }
        return false
    }

    /// Reads the next field of the current record and moves past its terminator.
    ///
    /// - Precondition: `position` is at a field's start (a record's start after
    ///   ``skipBlankLines()``, or just after a delimiter).
    /// - Throws: `Failure.openQuote` when the buffer ends inside a quoted field.
    @inline(__always)
    mutating func nextField() throws(Failure) -> Field {
        var index = position
        while index < count && isPadding(bytes[index]) { index &+= 1 }
        var field: Field
        let terminator: Int
        if index < count && bytes[index] == Self.quote {
            (field, terminator) = try quotedField(openingAt: index)
        } else {
            let end = endOfUnquoted(from: index)
            var last = end
            while last > index && isPadding(bytes[last &- 1]) { last &-= 1 }
            field = Field(start: index, end: last, inScratch: false, endsRecord: false)
            terminator = end
        }
        field.endsRecord = movePast(terminator: terminator)
        return field
    }

    /// Reads the next field in one go when it is a simple number (``NumberReader/leadingValue(in:from:to:)``)
    /// that a delimiter, a line end or the end of the buffer follows: the field
    /// ``nextField()`` would report and its value, each byte read once. Otherwise returns
    /// `nil` and leaves the position where it was (quoted or padded fields, units,
    /// separators, missing codes that are not numbers: ``nextField()`` reads them).
    ///
    /// Only for a delimiter that cannot be part of a simple number (``fusesNumbers(delimiter:)``).
    @inline(__always)
    mutating func nextSimpleNumber(_ reader: NumberReader) -> (field: Field, value: Double)? {
        let start = position
        guard let (value, next) = reader.leadingValue(in: bytes, from: start, to: count) else { return nil }
        if next < count {
            let byte = bytes[next]
            guard byte == delimiter || byte == Self.lineFeed || byte == Self.carriageReturn else { return nil }
        }
        var field = Field(start: start, end: next, inScratch: false, endsRecord: false)
        field.endsRecord = movePast(terminator: next)
        return (field, value)
    }

    /// Whether ``nextSimpleNumber(_:)`` may be used with a delimiter: it is not a digit, a
    /// sign, a point or `%`.
    static func fusesNumbers(delimiter: UInt8) -> Bool {
        !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(delimiter)
            && ![UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "%")].contains(delimiter)
    }

    /// Moves past the next field without reporting it (a column the reader does not use):
    /// the same terminator and lines as ``nextField()``, without trimming the field's end.
    ///
    /// - Returns: Whether the field ended its record.
    /// - Throws: `Failure.openQuote` when the buffer ends inside a quoted field.
    @inline(__always)
    mutating func skipField() throws(Failure) -> Bool {
        var index = position
        while index < count && isPadding(bytes[index]) { index &+= 1 }
        let terminator: Int
        if index < count && bytes[index] == Self.quote {
            terminator = try quotedField(openingAt: index).1
        } else {
            terminator = endOfUnquoted(from: index)
        }
        return movePast(terminator: terminator)
    }

    /// Moves past the byte that ends a field at `terminator` (a delimiter, a line end, or
    /// `count`), counting the line a line end ends.
    ///
    /// - Returns: Whether it ended the record.
    @inline(__always)
    private mutating func movePast(terminator: Int) -> Bool {
        if terminator == count {
            position = count
            return true
        }
        let byte = bytes[terminator]
        if byte == delimiter {
            position = terminator &+ 1
            return false
        }
        if byte == Self.carriageReturn && terminator &+ 1 < count && bytes[terminator &+ 1] == Self.lineFeed {
            position = terminator &+ 2
        } else {
            position = terminator &+ 1
        }
        line &+= 1
        return true
    }

    /// Reads a quoted field whose opening quote is at `opening`.
    ///
    /// - Returns: The field and the offset of the byte that ends it (delimiter, line end or
    ///   `count`).
    private mutating func quotedField(openingAt opening: Int) throws(Failure) -> (Field, Int) {
        let startLine = line
        var segmentStart = opening &+ 1
        var index = segmentStart
        var usesScratch = false
        // Find the closing quote, collapsing "" and counting physical lines.
        while true {
            index = nextQuoteOrLineBreak(from: index)
            guard index < count else { throw .openQuote(opening: opening, line: startLine) }
            let byte = bytes[index]
            if byte == Self.quote {
                if index &+ 1 < count && bytes[index &+ 1] == Self.quote {
                    if !usesScratch {
                        scratch.removeAll(keepingCapacity: true)
                        usesScratch = true
                    }
                    append(segmentStart..<(index &+ 1))  // keeps one quote
                    index &+= 2
                    segmentStart = index
                    continue
                }
                break
            }
            if byte == Self.lineFeed {
                line &+= 1
            } else if !(index &+ 1 < count && bytes[index &+ 1] == Self.lineFeed) {
                line &+= 1  // a lone CR; a CRLF counts at its LF
            }
            index &+= 1
        }
        let closing = index
        // After the closing quote: padding, then a delimiter or line end. Anything else is
        // appended as written, without its trailing padding.
        var after = closing &+ 1
        while after < count && isPadding(bytes[after]) { after &+= 1 }
        if after < count {
            let byte = bytes[after]
            if byte != delimiter && byte != Self.lineFeed && byte != Self.carriageReturn {
                let fieldEnd = endOfUnquoted(from: after)
                var trailingEnd = fieldEnd
                while trailingEnd > after && isPadding(bytes[trailingEnd &- 1]) { trailingEnd &-= 1 }
                if !usesScratch {
                    scratch.removeAll(keepingCapacity: true)
                    usesScratch = true
                }
                append(segmentStart..<closing)
                append((closing &+ 1)..<trailingEnd)
                return (Field(start: 0, end: scratch.count, inScratch: true, endsRecord: false), fieldEnd)
            }
        }
        if usesScratch {
            append(segmentStart..<closing)
            return (Field(start: 0, end: scratch.count, inScratch: true, endsRecord: false), after)
        }
        return (Field(start: segmentStart, end: closing, inScratch: false, endsRecord: false), after)
    }

    private mutating func append(_ range: Range<Int>) {
        scratch.append(bytes.rebased(range))
    }

    /// Skips the rest of the current record (after a field that did not end it).
    mutating func skipRestOfRecord() throws(Failure) {
        while try !nextField().endsRecord {}
    }
}
