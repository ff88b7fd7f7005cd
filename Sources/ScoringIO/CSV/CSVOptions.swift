/// The character encoding of a CSV file.
///
/// `auto` is a request, never a result: a ``CSVTable`` always reports the encoding that was
/// actually used (`utf8` or `gb18030`).
public enum TextEncoding: String, Sendable, CaseIterable {
    /// UTF-8 if the bytes are valid UTF-8 (or start with a UTF-8 byte-order mark), otherwise
    /// GB18030, the encoding of CSV files saved by Chinese-language Excel.
    case auto
    /// UTF-8, with or without a byte-order mark.
    case utf8
    /// GB18030, a superset of GBK and GB2312.
    case gb18030
}

/// How a ``CSVReader`` splits and decodes a file.
public struct CSVOptions: Sendable {
    /// The byte that separates fields, or `nil` to detect it from the header line.
    ///
    /// Detection counts `,`, `;` and tab outside quotes in the header line and picks the most
    /// frequent; ties prefer `,`, then `;`; a header with none of them gives `,`.
    public var delimiter: UInt8?
    /// The file's encoding; see ``TextEncoding``.
    public var encoding: TextEncoding
    /// The sheet of an Excel workbook to read (its first sheet when `nil`); see ``WorkbookReader``.
    public var sheet: String?

    /// Creates options.
    ///
    /// - Parameters:
    ///   - delimiter: The field separator, such as `UInt8(ascii: ";")`, or `nil` to detect it.
    ///   - encoding: The file's encoding, or `.auto` to detect it.
    public init(delimiter: UInt8? = nil, encoding: TextEncoding = .auto, sheet: String? = nil) {
        self.delimiter = delimiter
        self.encoding = encoding
        self.sheet = sheet
    }
}
