/// One data record of a CSV file.
public struct CSVRecord: Sendable, Equatable {
    /// The 1-based physical line on which the record starts.
    ///
    /// Physical lines count every line break in the file, including those inside quoted
    /// fields and blank lines, so the number matches what an editor shows.
    public let line: Int
    /// The record's fields, decoded and unquoted.
    ///
    /// A record may have more or fewer fields than the header; the reader does not pad or
    /// cut them, so that the caller can reject such rows with their line number.
    public let fields: [String]

    /// Creates a record.
    public init(line: Int, fields: [String]) {
        self.line = line
        self.fields = fields
    }
}

/// The contents of a CSV file: a header and its records.
public struct CSVTable: Sendable {
    /// The file name used in error messages, as given to the reader.
    public let file: String
    /// The column names from the first non-blank line, trimmed of spaces and tabs.
    /// No two are equal.
    public let header: [String]
    /// The data records, in file order; blank lines are not records.
    public let records: [CSVRecord]
    /// The field separator that was used, given or detected.
    public let delimiter: UInt8
    /// The encoding that was used: `.utf8` or `.gb18030`, never `.auto`.
    public let encoding: TextEncoding
    /// Whether the file started with a byte-order mark: UTF-8's (Excel's "CSV UTF-8"), or
    /// GB18030's in a GB18030 file.
    public let hadByteOrderMark: Bool
    /// For a part of a file read a part at a time (``CSVReader/forEachPart(contentsOf:partBytes:_:)``):
    /// the file's bytes up to this part's end, and all of them; `nil` for a whole file.
    public var fileExtent: (readThrough: Int, total: Int)?

    /// Creates a table.
    public init(
        file: String,
        header: [String],
        records: [CSVRecord],
        delimiter: UInt8,
        encoding: TextEncoding,
        hadByteOrderMark: Bool
    ) {
        self.file = file
        self.header = header
        self.records = records
        self.delimiter = delimiter
        self.encoding = encoding
        self.hadByteOrderMark = hadByteOrderMark
    }

    /// This file's table with other records (a part of them, or some kept): same file,
    /// header, delimiter and encoding.
    public func withRecords(_ records: [CSVRecord]) -> CSVTable {
        CSVTable(
            file: file, header: header, records: records, delimiter: delimiter, encoding: encoding,
            hadByteOrderMark: hadByteOrderMark)
    }
}

extension CSVTable {
    /// Each header name's column, 0-based.
    var columnIndex: [String: Int] {
        var index: [String: Int] = [:]
        for (position, name) in header.enumerated() { index[name] = position }
        return index
    }

    /// ``columnIndex``, once the table is known to have every column of `required`.
    ///
    /// - Throws: `DatasetError.missingColumns` naming the columns of `required` it lacks.
    func columnIndex(requiring required: [String]) throws(DatasetError) -> [String: Int] {
        let index = columnIndex
        let missing = required.filter { index[$0] == nil }
        guard missing.isEmpty else {
            throw .missingColumns(file: file, missing: missing, available: header)
        }
        return index
    }
}
