/// Splits a UTF-8 buffer into records and fields (RFC 4180, read leniently).
///
/// The parser works on bytes and turns each finished field into a `String` with one
/// `String(decoding:as:)` call on a slice of the buffer, so no per-byte `String` work happens.
/// Every byte that is not ASCII lies inside some field (delimiters, quotes, spaces, tabs and
/// line breaks are all ASCII), which is why checking fields is enough to check the file.
///
/// Rules:
/// - Records end at LF, CRLF or a lone CR outside quotes; the last record needs no line end.
/// - A field that starts with `"` (after optional spaces and tabs) is quoted: it may contain
///   delimiters, line breaks (kept exactly as written) and `""` for one quote. Spaces around
///   the quotes are dropped; spaces inside are kept.
/// - Text after a closing quote and before the next delimiter is appended to the field as
///   written (`"ab"c` reads as `abc`), instead of failing the whole file; trailing spaces
///   and tabs are dropped.
/// - Unquoted fields are trimmed of spaces and tabs (tabs only when the delimiter is not a
///   tab). A quote inside an unquoted field is an ordinary character.
/// - Lines that are empty or hold only spaces and tabs are skipped, not records.
struct CSVParser {
    /// Why parsing stopped.
    enum Failure: Error, Equatable {
        /// A quoted field opened on `line` is never closed.
        case unterminatedQuote(line: Int)
        /// A field holds bytes that are not valid UTF-8 (only when `validatesUTF8`).
        case invalidUTF8
        /// A field starting on `line` is longer than ``ReadLimits/fieldBytes``.
        case fieldTooLong(line: Int)
        /// The record starting on `line` is longer than ``ReadLimits/recordBytes``.
        case recordTooLong(line: Int)
    }

    /// The longest field and record accepted.
    var limits = ReadLimits.current

    // ASCII bytes the grammar cares about.
    static let lineFeed = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")
    static let quote = UInt8(ascii: "\"")
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")

    let bytes: [UInt8]
    /// The offset where the input ends (`bytes.count` unless the parser reads one record
    /// of a larger buffer).
    let end: Int
    let delimiter: UInt8
    /// Whether fields with non-ASCII bytes are checked for valid UTF-8. Off for buffers that
    /// are valid by construction (the output of iconv).
    let validatesUTF8: Bool
    /// Whether a tab is padding to trim (true unless the tab is the delimiter).
    let trimsTabs: Bool
    /// The offset of the next unread byte.
    private(set) var position: Int
    /// The 1-based physical line of `position`.
    private(set) var line: Int
    /// Holds a quoted field's bytes while its doubled quotes are collapsed or text after its
    /// closing quote is appended. Reused across fields to avoid an allocation per field.
    private var scratch: [UInt8] = []

    /// Creates a parser that starts at offset `start`, which is on physical line `line`.
    init(bytes: [UInt8], start: Int, end: Int? = nil, line: Int = 1, delimiter: UInt8, validatesUTF8: Bool) {
        precondition(end.map { start <= $0 && $0 <= bytes.count } ?? true, "The parsed range lies inside the buffer")
        self.bytes = bytes
        self.end = end ?? bytes.count
        self.delimiter = delimiter
        self.validatesUTF8 = validatesUTF8
        self.trimsTabs = delimiter != Self.tab
        self.position = start
        self.line = line
    }

    @inline(__always)
    private func isPadding(_ byte: UInt8) -> Bool {
        byte == Self.space || (byte == Self.tab && trimsTabs)
    }

    /// Skips blank lines and returns the offset where the next record starts, or `nil` at the
    /// end of the input. Afterwards `line` is that record's line.
    mutating func skipBlankLines() -> Int? {
        let count = end
        while position < count {
            // Spaces and tabs only, even when the tab is the delimiter: such a line is blank.
            var index = position
            while index < count && (bytes[index] == Self.space || bytes[index] == Self.tab) { index += 1 }
            if index == count {
                position = count
                return nil
            }
            let byte = bytes[index]
            if byte == Self.lineFeed {
                position = index + 1
            } else if byte == Self.carriageReturn {
                position = index + 1 < count && bytes[index + 1] == Self.lineFeed ? index + 2 : index + 1
            } else {
                return position
            }
            line += 1
        }
        return nil
    }

    /// Parses the next non-blank record.
    ///
    /// - Parameter expectedFieldCount: Capacity to reserve for the fields (the header's width).
    /// - Returns: The record, or `nil` at the end of the input.
    /// - Throws: `Failure.unterminatedQuote` or `Failure.invalidUTF8`.
    mutating func nextRecord(expectedFieldCount: Int) throws(Failure) -> CSVRecord? {
        guard skipBlankLines() != nil else { return nil }
        let recordLine = line
        let recordStart = position
        var fields: [String] = []
        fields.reserveCapacity(expectedFieldCount)
        let count = end
        while true {
            var index = position
            while index < count && isPadding(bytes[index]) { index += 1 }
            let end: Int  // offset of the byte that ends the field: delimiter, line end or `count`
            if index < count && bytes[index] == Self.quote {
                let (field, after) = try quotedField(openingAt: index)
                fields.append(field)
                end = after
            } else {
                // Unquoted: scan to the delimiter or line end, OR-ing bytes to spot non-ASCII.
                let start = index
                var highBits: UInt8 = 0
                while index < count {
                    let byte = bytes[index]
                    if byte == delimiter || byte == Self.lineFeed || byte == Self.carriageReturn { break }
                    highBits |= byte
                    index += 1
                }
                if index - start > limits.fieldBytes { throw .fieldTooLong(line: line) }
                var last = index
                while last > start && isPadding(bytes[last - 1]) { last -= 1 }
                fields.append(try makeString(start..<last, mayBeInvalid: highBits >= 0x80))
                end = index
            }
            if end - recordStart > limits.recordBytes { throw .recordTooLong(line: recordLine) }
            if end == count {
                position = count
                break
            }
            let terminator = bytes[end]
            if terminator == delimiter {
                position = end + 1
                continue
            }
            if terminator == Self.carriageReturn && end + 1 < count && bytes[end + 1] == Self.lineFeed {
                position = end + 2
            } else {
                position = end + 1
            }
            line += 1
            break
        }
        return CSVRecord(line: recordLine, fields: fields)
    }

    /// Reads a quoted field whose opening quote is at `opening`.
    ///
    /// - Returns: The field and the offset of the byte that ends it (delimiter, line end or
    ///   the end of the input).
    private mutating func quotedField(openingAt opening: Int) throws(Failure) -> (String, Int) {
        let count = end
        let startLine = line
        var segmentStart = opening + 1
        var index = segmentStart
        var usesScratch = false
        var highBits: UInt8 = 0
        // Find the closing quote, collapsing "" and counting physical lines.
        while true {
            guard index < count else { throw .unterminatedQuote(line: startLine) }
            let byte = bytes[index]
            if byte == Self.quote {
                if index + 1 < count && bytes[index + 1] == Self.quote {
                    if !usesScratch {
                        scratch.removeAll(keepingCapacity: true)
                        usesScratch = true
                    }
                    scratch.append(contentsOf: bytes[segmentStart...index])  // keeps one quote
                    index += 2
                    segmentStart = index
                    continue
                }
                break
            }
            if byte == Self.lineFeed {
                line += 1
            } else if byte == Self.carriageReturn {
                if !(index + 1 < count && bytes[index + 1] == Self.lineFeed) { line += 1 }
            }
            highBits |= byte
            index += 1
        }
        let closing = index
        if closing - opening > limits.fieldBytes { throw .fieldTooLong(line: startLine) }
        // After the closing quote: padding, then a delimiter or line end. Anything else is
        // appended as written.
        var after = closing + 1
        while after < count && isPadding(bytes[after]) { after += 1 }
        var trailingEnd = after
        if after < count {
            let byte = bytes[after]
            if byte != delimiter && byte != Self.lineFeed && byte != Self.carriageReturn {
                while trailingEnd < count {
                    let next = bytes[trailingEnd]
                    if next == delimiter || next == Self.lineFeed || next == Self.carriageReturn { break }
                    highBits |= next
                    trailingEnd += 1
                }
                let fieldEnd = trailingEnd
                while trailingEnd > after && isPadding(bytes[trailingEnd - 1]) { trailingEnd -= 1 }
                if !usesScratch {
                    scratch.removeAll(keepingCapacity: true)
                    usesScratch = true
                }
                scratch.append(contentsOf: bytes[segmentStart..<closing])
                scratch.append(contentsOf: bytes[(closing + 1)..<trailingEnd])
                return (try makeScratchString(mayBeInvalid: highBits >= 0x80), fieldEnd)
            }
        }
        if usesScratch {
            scratch.append(contentsOf: bytes[segmentStart..<closing])
            return (try makeScratchString(mayBeInvalid: highBits >= 0x80), after)
        }
        return (try makeString(segmentStart..<closing, mayBeInvalid: highBits >= 0x80), after)
    }

    @inline(__always)
    private func makeString(_ range: Range<Int>, mayBeInvalid: Bool) throws(Failure) -> String {
        if range.isEmpty { return "" }
        if validatesUTF8 && mayBeInvalid && UTF8Validation.firstInvalidOffset(in: bytes, range: range) != nil {
            throw .invalidUTF8
        }
        return String(decoding: bytes[range], as: UTF8.self)
    }

    private func makeScratchString(mayBeInvalid: Bool) throws(Failure) -> String {
        if validatesUTF8 && mayBeInvalid
            && UTF8Validation.firstInvalidOffset(in: scratch, range: scratch.indices) != nil
        {
            throw .invalidUTF8
        }
        return String(decoding: scratch, as: UTF8.self)
    }

    /// Picks the delimiter of a file from its header line.
    ///
    /// Counts `,`, `;` and tab outside quotes from `start` to the first line end outside
    /// quotes. The most frequent wins; ties prefer `,`, then `;`; none at all gives `,`.
    static func detectDelimiter(in bytes: [UInt8], from start: Int) -> UInt8 {
        let comma = UInt8(ascii: ",")
        let semicolon = UInt8(ascii: ";")
        var commas = 0
        var semicolons = 0
        var tabs = 0
        var inQuotes = false
        var index = start
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if byte == quote {
                inQuotes.toggle()  // a doubled quote toggles twice
            } else if inQuotes {
                continue
            } else if byte == lineFeed || byte == carriageReturn {
                break
            } else if byte == comma {
                commas += 1
            } else if byte == semicolon {
                semicolons += 1
            } else if byte == tab {
                tabs += 1
            }
        }
        if commas >= semicolons && commas >= tabs { return comma }
        return semicolons >= tabs ? semicolon : tab
    }

    /// The 1-based physical line of the byte at `offset`, counting LF, CRLF and lone CR
    /// from `start` (which is on line 1).
    static func physicalLine(of offset: Int, in bytes: [UInt8], from start: Int) -> Int {
        var line = 1
        var index = start
        let end = min(offset, bytes.count)
        while index < end {
            let byte = bytes[index]
            if byte == lineFeed {
                line += 1
            } else if byte == carriageReturn && !(index + 1 < bytes.count && bytes[index + 1] == lineFeed) {
                line += 1
            }
            index += 1
        }
        return line
    }
}
