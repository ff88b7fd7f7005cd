import Foundation

/// Writes rejected rows to a CSV file: where and why, then the row as it was read.
///
/// Columns: `line`, `column`, `reason`, `message`, then the input file's header columns.
public enum RejectsWriter {
    /// The rejects file's text.
    public static func render(_ rejects: [Reject], header: [String]) -> String {
        var text = CSVWriter.record(["line", "column", "reason", "message"] + header)
        for reject in rejects {
            text += CSVWriter.record(
                [String(reject.line), reject.column ?? "", reject.reason.code, reject.message] + reject.fields)
        }
        return text
    }

    /// Writes the rejects file.
    public static func write(_ rejects: [Reject], header: [String], to path: String) throws(DatasetError) {
        do {
            try render(rejects, header: header).write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw .unreadable(file: path, reason: "cannot write the rejects file: \(error.localizedDescription)")
        }
    }
}
