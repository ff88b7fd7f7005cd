import ScoringEngine

/// A problem with an input file as a whole: it cannot be read, decoded or mapped onto the
/// model. Problems with single rows are not errors but `Reject`s, which never stop a batch.
///
/// Each description says what went wrong, where (file, line, column), and what to fix.
public enum DatasetError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file does not exist or cannot be read.
    case unreadable(file: String, reason: String)
    /// The bytes are not valid in the chosen (or any detected) encoding.
    case undecodable(file: String, encoding: String, line: Int)
    /// The file has no header line.
    case empty(file: String)
    /// A quoted field was opened and never closed.
    case unterminatedQuote(file: String, line: Int)
    /// Columns the model needs are not in the header.
    case missingColumns(file: String, missing: [String], available: [String])
    /// The header names the same column twice.
    case duplicateHeader(file: String, column: String, columns: [Int])
    /// `--strict` was given and some rows were rejected.
    case strictRejects(file: String, count: Int, first: String)
    /// A field is longer than ``ReadLimits/fieldBytes``.
    case fieldTooLong(file: String, line: Int, limit: Int)
    /// A record (or a line without a line break) is longer than ``ReadLimits/recordBytes``.
    case recordTooLong(file: String, line: Int, limit: Int)
    /// An input that is not a regular file (a pipe) is longer than ``ReadLimits/pipeBytes``.
    case inputTooLarge(file: String, limit: Int)
    /// The file is not valid UTF-8 at `line`, byte `byte` (value `value`), and either reads
    /// as UTF-8 up to there (`gb18030Line` nil: GB18030 was not tried) or is not GB18030
    /// either (its first invalid GB18030 sequence is on `gb18030Line`).
    case invalidText(file: String, line: Int, byte: Int, value: UInt8, gb18030Line: Int?)
    /// The file starts with a UTF-16 or UTF-32 byte-order mark.
    case unsupportedEncoding(file: String, encoding: String)

    public var description: String {
        switch self {
        case .fieldTooLong(let file, let line, let limit):
            return "\(InputEcho.path(file)), line \(line): a field is longer than \(ReadLimits.describe(limit)), "
                + "the limit for one field; check for a quote that is never closed, or raise the limit "
                + "with KAM_MAX_FIELD_BYTES (bytes, or with K, M, G)."
        case .recordTooLong(let file, let line, let limit):
            return "\(InputEcho.path(file)), line \(line): the record starting here is longer than "
                + "\(ReadLimits.describe(limit)), the limit for one record; check for a quote that is never "
                + "closed or a file that is not CSV, or raise the limit with KAM_MAX_RECORD_BYTES."
        case .inputTooLarge(let file, let limit):
            return "\(InputEcho.path(file)): the input is longer than \(ReadLimits.describe(limit)), the limit for "
                + "input that is not a regular file (a pipe is read into memory); save it to a file, "
                + "or raise the limit with KAM_MAX_PIPE_BYTES."
        case .invalidText(let file, let line, let byte, let value, let gb18030Line):
            let hex = "0x" + String(value, radix: 16, uppercase: true)
            let head = "\(InputEcho.path(file)), line \(line), byte \(byte): \(hex) is not valid UTF-8"
            guard let gb18030Line else {
                return head + "; the text before it is UTF-8, so GB18030 was not tried (tried: UTF-8). "
                    + "Delete or fix that byte, or choose the encoding with --encoding."
            }
            return head + ", and the file is not GB18030 either (line \(gb18030Line)); tried: UTF-8, GB18030. "
                + "Fix the byte on line \(line), save the file as UTF-8 or GB18030, or choose the encoding with --encoding."
        case .unsupportedEncoding(let file, let encoding):
            return "\(InputEcho.path(file)): the file is \(encoding) (it starts with its byte-order mark). "
                + "Save it as UTF-8 (Excel: \"CSV UTF-8\") or GB18030."
        case .unreadable(let file, let reason):
            return "\(file): cannot read the file (\(reason)). Check the path and its permissions."
        case .undecodable(let file, let encoding, let line):
            return "\(file), line \(line): the bytes are not valid \(encoding). "
                + "Save the file as UTF-8 or GB18030, or choose the encoding with --encoding."
        case .empty(let file):
            return "\(file): the file is empty; a prospect list needs a header line and rows."
        case .unterminatedQuote(let file, let line):
            return "\(file), line \(line): a quoted field starts here and is never closed. "
                + "Close the quote, or double any quote inside the field (\"\")."
        case .missingColumns(let file, let missing, let available):
            let plural = missing.count == 1 ? "column" : "columns"
            return "\(file): the model needs the \(plural) \(missing.map { InputEcho.quoted($0) }.joined(separator: ", ")), "
                + "which the file lacks. The file has: \(InputEcho.value(available.joined(separator: ", "), limit: 1000)). "
                + "Rename the file's header or set the factor's 'column' in the model."
        case .duplicateHeader(let file, let column, let columns):
            return "\(file), line 1: the header names \(InputEcho.quoted(column)) more than once "
                + "(columns \(columns.map(String.init).joined(separator: ", "))). Rename one of them."
        case .strictRejects(let file, let count, let first):
            let rows = count == 1 ? "1 row was" : "\(count) rows were"
            return "\(file): \(rows) rejected and --strict is set. First: \(first)"
        }
    }
}
