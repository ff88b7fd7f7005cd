import Foundation

/// Writes rejected plan or actual rows to a CSV file, in the layout of the prospect
/// list's rejects file: `line`, `column`, `reason`, `message`, then the input's columns.
public enum PerformanceRejectsWriter {
    /// The rejects file's text.
    public static func render(_ rejects: [PerformanceReject], header: [String]) -> String {
        var text = CSVWriter.record(["line", "column", "reason", "message"] + header)
        for reject in rejects {
            text += CSVWriter.record(
                [String(reject.line), reject.column ?? "", reject.reason.code, reject.message] + reject.fields)
        }
        return text
    }

    /// Writes the rejects file.
    public static func write(_ rejects: [PerformanceReject], header: [String], to path: String) throws(DatasetError) {
        do {
            try render(rejects, header: header).write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw .unreadable(file: path, reason: "cannot write the rejects file: \(error.localizedDescription)")
        }
    }
}
