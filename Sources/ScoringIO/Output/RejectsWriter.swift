import Foundation
import ScoringEngine

/// A row of an input file that was not used, with where it is and why, written as
/// compilers write errors: `file:line:column: message`.
public protocol LocatedReject: CustomStringConvertible {
    /// The file the row was read from, as given.
    var file: String { get }
    /// 1-based physical line where the record starts.
    var line: Int { get }
    /// 1-based column number of the offending field, when one field is at fault.
    var columnNumber: Int? { get }
    /// What is wrong and how to fix it, without the location, in `language`.
    func message(_ language: Language) -> String
}

extension LocatedReject {
    /// `file:line:column: message`, as compilers print it.
    public var description: String { description(.en) }

    /// ``description`` with the message in `language`.
    public func description(_ language: Language) -> String {
        var location = "\(file):\(line)"
        if let columnNumber { location += ":\(columnNumber)" }
        return "\(location): \(message(language))"
    }
}

/// A row of an input file that could not be used: where it starts, which column is at
/// fault, why, and the row as it was read.
public protocol RejectedRow: LocatedReject {
    /// Header name of the offending column, when one column is at fault.
    var column: String? { get }
    /// A short machine-readable code for the reason.
    var reasonCode: String { get }
    /// What is wrong and how to fix it, without the location (in English).
    var message: String { get }
    /// The record's fields as read.
    var fields: [String] { get }
}

extension RejectedRow {
    /// ``message`` in every language (for rejects that have no translation yet).
    public func message(_ language: Language) -> String { message }
}

extension Reject: RejectedRow {
    public var reasonCode: String { reason.code }
}

extension PerformanceReject: RejectedRow {
    public var reasonCode: String { reason.code }
}

/// Writes rejected rows to a CSV file: where and why, then the row as it was read.
///
/// Columns: `line`, `column`, `reason`, `message`, then the input file's header columns.
public enum RejectsWriter {
    /// The rejects file's text.
    public static func render(_ rejects: [some RejectedRow], header: [String]) -> String {
        var text = CSVWriter.record(["line", "column", "reason", "message"] + header)
        for reject in rejects {
            text += CSVWriter.record(
                [String(reject.line), reject.column ?? "", reject.reasonCode, reject.message] + reject.fields)
        }
        return text
    }

    /// Writes the rejects file through ``OutputFile`` (atomic replace of a regular file).
    ///
    /// - Throws: ``OutputFileError`` if the file cannot be created or written, or is one of
    ///   `inputs`.
    public static func write(
        _ rejects: [some RejectedRow], header: [String], to path: String, protecting inputs: [ProtectedInput] = []
    ) throws(OutputFileError) {
        try OutputFile.write(render(rejects, header: header), to: path, protecting: inputs)
    }
}
