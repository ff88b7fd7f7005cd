/// Reads CSV files as CRMs and Excel export them, into a ``CSVTable``.
///
/// The reader follows RFC 4180 and is lenient where real exports are not:
///
/// - Records end at LF, CRLF or a lone CR; the last line needs no line end.
/// - Fields are separated by ``CSVOptions/delimiter``, or by `,`, `;` or tab as detected from
///   the header line.
/// - Quoted fields may hold delimiters, line breaks (kept as written) and `""` for a quote.
///   Text after a closing quote is appended (`"ab"c` reads as `abc`).
/// - Unquoted fields and all header names are trimmed of spaces and tabs; quoted fields keep
///   the spaces inside their quotes.
/// - Lines that are empty or hold only spaces and tabs are skipped.
/// - Records keep their own field count; checking it against the header is the caller's job.
///
/// Encoding: a UTF-8 byte-order mark is dropped and means UTF-8, whatever the options say
/// (GB18030's own mark, `84 31 95 33`, is dropped too).
/// With `.auto`, valid UTF-8 is read as UTF-8 and anything else as GB18030 (converted with the
/// C library's iconv), which is how Chinese-language Excel saves "CSV".
///
/// Line numbers in records and errors are physical lines: every line break counts, also
/// inside quoted fields and on blank lines.
///
/// Files of 8 MiB and more are parsed on several threads (one per processor, at most 8),
/// each starting at a line break; the result, errors included, is the same as a parse on
/// one thread.
///
/// Memory: the whole file is held while it is parsed; the table then takes about 16 bytes
/// per field plus 32 per record, plus the text of fields longer than 15 UTF-8 bytes
/// (shorter ones are stored inside the `String`).
public struct CSVReader: Sendable {
    /// How the reader splits and decodes files.
    public let options: CSVOptions

    /// Creates a reader.
    ///
    /// - Parameter options: The delimiter and encoding, each detected when not given.
    public init(options: CSVOptions = .init()) {
        self.options = options
        self.parallelism = .automatic
    }

    /// How many threads parse large files; tests set small parts to exercise the stitching.
    var parallelism: CSVParser.Parallelism

    /// Reads the CSV file at `path`.
    ///
    /// - Parameter path: The file to read; it also names the file in errors.
    /// - Returns: The header and records.
    /// - Throws: `DatasetError.unreadable` if the file cannot be read, and everything
    ///   ``read(bytes:file:)`` throws.
    /// - Complexity: O(*n*) in the file's size; the whole file is held in memory.
    public func read(contentsOf path: String) throws(DatasetError) -> CSVTable {
        if WorkbookReader.isZIP(path) { return try WorkbookReader(sheet: options.sheet).read(contentsOf: path) }
        if WorkbookReader.isGzip(path) {
            throw .unreadable(file: path, reason: "it is gzip-compressed; unpack it first (gunzip -k \(path)) and give the CSV")
        }
        return try read(bytes: try Self.textBytes(ofFile: path), file: path)
    }

    /// The bytes of the file at `path`, refused when they are compressed: gzip, or a ZIP
    /// (a workbook) that arrived through a pipe.
    static func textBytes(ofFile path: String) throws(DatasetError) -> [UInt8] {
        let bytes = try FileBytes.contents(ofFile: path)
        if bytes.starts(with: [0x1F, 0x8B]) {
            throw .unreadable(file: path, reason: "it is gzip-compressed; unpack it first (gunzip) and give the CSV")
        }
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            throw .unreadable(file: path, reason: "it is a ZIP file (an Excel workbook?); give its path rather than a pipe")
        }
        return bytes
    }

    /// Reads CSV data from memory.
    ///
    /// - Parameters:
    ///   - bytes: The file's bytes, in any supported encoding.
    ///   - file: The name to use in errors and in the table.
    /// - Returns: The header and records.
    /// - Throws: `DatasetError.empty` if there is no non-blank line;
    ///   `.undecodable` with the first line that is not valid in the chosen encoding;
    ///   `.unterminatedQuote` with the line where a never-closed quoted field starts;
    ///   `.duplicateHeader` if two columns have the same (trimmed) name;
    ///   `.unreadable` if GB18030 is needed and the C library has no converter for it.
    /// - Complexity: O(*n*) in the size of `bytes`.
    public func read(bytes: [UInt8], file: String) throws(DatasetError) -> CSVTable {
        if let utf16 = Self.utf16Encoding(of: bytes) {
            // UTF-16 (Excel's "Unicode text", some CRM exports), known by its byte-order mark:
            // converted to UTF-8, then read as any file.
            let converted: [UInt8]
            do {
                converted = try Iconv.convert(bytes, range: 2..<bytes.count, from: utf16, to: "UTF-8")
            } catch {
                switch error {
                case .invalidSequence(let offset):
                    var line = 1
                    var index = 2
                    let little = utf16 == "UTF-16LE"
                    while index + 1 < min(offset, bytes.count) {
                        if (little ? bytes[index] : bytes[index + 1]) == 0x0A && (little ? bytes[index + 1] : bytes[index]) == 0 {
                            line += 1
                        }
                        index += 2
                    }
                    throw .undecodable(file: file, encoding: utf16, line: line)
                case .unavailable(let reason):
                    throw .unsupportedEncoding(file: file, encoding: "\(utf16) (no converter: \(reason))")
                }
            }
            do {
                return try parse(converted, start: 0, file: file, encoding: .utf8, validates: false, bom: true)
            } catch {
                switch error {
                case .invalidUTF8: throw .undecodable(file: file, encoding: utf16, line: 1)
                case .dataset(let error): throw error
                }
            }
        }
        let hasByteOrderMark = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
        let start = hasByteOrderMark ? 3 : 0

        let encoding: TextEncoding = hasByteOrderMark ? .utf8 : options.encoding
        switch encoding {
        case .utf8:
            do {
                return try parse(
                    bytes, start: start, file: file, encoding: .utf8, validates: true, bom: hasByteOrderMark)
            } catch {
                switch error {
                case .invalidUTF8: throw undecodableUTF8(bytes, start: start, file: file)
                case .dataset(let error): throw error
                }
            }
        case .gb18030:
            return try parseGB18030(bytes, file: file)
        case .auto:
            do {
                return try parse(bytes, start: start, file: file, encoding: .utf8, validates: true, bom: false)
            } catch {
                switch error {
                case .invalidUTF8:
                    let offset = UTF8Validation.firstInvalidOffset(in: bytes, range: start..<bytes.count) ?? bytes.count
                    let position = UTF8Validation.position(of: offset, in: bytes, from: start)
                    // UTF-8 text with a stray byte is named as such, not read as GB18030.
                    if UTF8Validation.looksLikeUTF8(bytes, range: start..<offset) {
                        throw .invalidText(
                            file: file, line: position.line, byte: position.byte, value: position.value, gb18030Line: nil)
                    }
                    do {
                        return try parseGB18030(bytes, file: file)
                    } catch {
                        guard case .undecodable(_, "GB18030", let gbLine) = error else { throw error }
                        throw .invalidText(
                            file: file, line: position.line, byte: position.byte, value: position.value, gb18030Line: gbLine)
                    }
                case .dataset(let error): throw error
                }
            }
        }
    }

    /// Converts GB18030 to UTF-8, then parses.
    private func parseGB18030(_ bytes: [UInt8], file: String) throws(DatasetError) -> CSVTable {
        let converted: [UInt8]
        do {
            converted = try Iconv.utf8FromGB18030(bytes, parallelism: parallelism)
        } catch {
            switch error {
            case .invalidSequence(let offset):
                throw .undecodable(
                    file: file, encoding: "GB18030", line: CSVParser.physicalLine(of: offset, in: bytes, from: 0))
            case .unavailable(let reason):
                throw .unreadable(file: file, reason: "no GB18030 converter: \(reason)")
            }
        }
        // GB18030's own byte-order mark (84 31 95 33) arrives as the UTF-8 one.
        let hasByteOrderMark = converted.starts(with: [0xEF, 0xBB, 0xBF])
        do {
            return try parse(
                converted, start: hasByteOrderMark ? 3 : 0, file: file, encoding: .gb18030, validates: false,
                bom: hasByteOrderMark)
        } catch {
            switch error {
            case .invalidUTF8: preconditionFailure("unreachable: the parser does not check iconv's output")
            case .dataset(let error): throw error
            }
        }
    }

    private func undecodableUTF8(_ bytes: [UInt8], start: Int, file: String) -> DatasetError {
        let offset = UTF8Validation.firstInvalidOffset(in: bytes, range: start..<bytes.count) ?? bytes.count
        return .undecodable(
            file: file, encoding: "UTF-8", line: CSVParser.physicalLine(of: offset, in: bytes, from: start))
    }

    /// Why ``parse(_:start:file:encoding:validates:bom:)`` stopped: a dataset error, or
    /// invalid UTF-8 that the caller may answer by trying GB18030.
    enum ParseFailure: Error {
        case dataset(DatasetError)
        case invalidUTF8
    }

    private func parse(
        _ bytes: [UInt8], start: Int, file: String, encoding: TextEncoding, validates: Bool, bom: Bool
    ) throws(ParseFailure) -> CSVTable {
        let header = try readHeader(bytes, start: start, file: file, validates: validates)
        let records: [CSVRecord]
        do {
            records = try CSVParser.records(
                in: bytes, from: header.position, line: header.line, delimiter: header.delimiter, validatesUTF8: validates,
                expectedFieldCount: header.names.count, parallelism: parallelism)
        } catch {
            throw Self.parseFailure(error, file: file)
        }
        return CSVTable(
            file: file, header: header.names, records: records, delimiter: header.delimiter,
            encoding: encoding, hadByteOrderMark: bom)
    }

    /// A file's header: its names (trimmed, trailing empty cells named), the delimiter given
    /// or detected on it, and where the first record may start, with its line.
    struct Header {
        let names: [String]
        let delimiter: UInt8
        let position: Int
        let line: Int
    }

    /// Reads the header, the first non-blank line of `bytes[start...]`.
    func readHeader(_ bytes: [UInt8], start: Int, file: String, validates: Bool) throws(ParseFailure) -> Header {
        // The delimiter is detected on the first non-blank line, which is the header.
        var probe = CSVParser(bytes: bytes, start: start, delimiter: UInt8(ascii: ","), validatesUTF8: false)
        guard let headerStart = probe.skipBlankLines() else { throw .dataset(.empty(file: file)) }
        let delimiter = options.delimiter ?? CSVParser.detectDelimiter(in: bytes, from: headerStart)

        var parser = CSVParser(bytes: bytes, start: start, delimiter: delimiter, validatesUTF8: validates)
        let headerRecord: CSVRecord?
        do {
            headerRecord = try parser.nextRecord(expectedFieldCount: 16)
        } catch {
            throw Self.parseFailure(error, file: file)
        }
        guard let headerRecord else { throw .dataset(.empty(file: file)) }
        let names = Self.namingTrailingEmptyCells(headerRecord.fields.map(Self.trimmed))
        if let duplicate = Self.firstDuplicate(in: names) {
            throw .dataset(.duplicateHeader(file: file, column: duplicate.name, columns: duplicate.columns))
        }
        return Header(names: names, delimiter: delimiter, position: parser.position, line: parser.line)
    }

    static func parseFailure(_ failure: CSVParser.Failure, file: String) -> ParseFailure {
        switch failure {
        case .unterminatedQuote(let line): .dataset(.unterminatedQuote(file: file, line: line))
        case .invalidUTF8: .invalidUTF8
        case .fieldTooLong(let line): .dataset(.fieldTooLong(file: file, line: line, limit: ReadLimits.current.fieldBytes))
        case .recordTooLong(let line): .dataset(.recordTooLong(file: file, line: line, limit: ReadLimits.current.recordBytes))
        }
    }

    /// The header with its trailing empty cells (Excel's `,,,` after the last named
    /// column) named `(unnamed column N)`, so that they are not duplicates of each other and
    /// no model column can read them: such columns, and the fields under them, are ignored.
    static func namingTrailingEmptyCells(_ header: [String]) -> [String] {
        guard let lastNamed = header.lastIndex(where: { !$0.isEmpty }), lastNamed < header.count - 1 else {
            return header
        }
        var named = header
        for index in (lastNamed + 1)..<header.count { named[index] = "(unnamed column \(index + 1))" }
        return named
    }

    /// `UTF-16LE` or `UTF-16BE` when `bytes` start with that byte-order mark (`FF FE` or
    /// `FE FF`), else `nil`.
    public static func utf16Encoding(of bytes: some Collection<UInt8>) -> String? {
        var iterator = bytes.makeIterator()
        guard let first = iterator.next(), let second = iterator.next() else { return nil }
        if first == 0xFF && second == 0xFE { return "UTF-16LE" }
        if first == 0xFE && second == 0xFF { return "UTF-16BE" }
        return nil
    }

    /// Drops spaces and tabs around a header name, also inside quotes.
    static func trimmed(_ name: String) -> String {
        let padding: Set<Character> = [" ", "\t"]
        guard let first = name.firstIndex(where: { !padding.contains($0) }),
            let last = name.lastIndex(where: { !padding.contains($0) })
        else { return "" }
        return String(name[first...last])
    }

    /// The first name, in column order, that occurs more than once, with all its 1-based
    /// column numbers.
    static func firstDuplicate(in header: [String]) -> (name: String, columns: [Int])? {
        var columnsByName: [String: [Int]] = [:]
        for (index, name) in header.enumerated() {
            columnsByName[name, default: []].append(index + 1)
        }
        for name in header {
            if let columns = columnsByName[name], columns.count > 1 { return (name, columns) }
        }
        return nil
    }
}
