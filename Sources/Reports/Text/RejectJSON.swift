import ScoringIO

/// A rejected row as the reports' `"rejects"` list writes it:
/// `{"line": 32, "column": null, "column_number": null, "reason": "field_count", "message": "…"}`.
struct RejectJSON: Encodable {
    let line: Int
    let column: String?
    let columnNumber: Int?
    let reason: String
    let message: String

    init(_ reject: Reject) {
        line = reject.line
        column = reject.column
        columnNumber = reject.columnNumber
        reason = reject.reason.code
        message = reject.message
    }

    /// The last member of a report: `  "rejects": [...]`, one rejected row to a line, and a
    /// line break.
    static func member(_ rejects: [Reject]) -> String {
        "  \"rejects\": " + ReportJSONEncoder().fragment(JSONLines(rejects.map(RejectJSON.init)), indent: 2) + "\n"
    }
}

/// A rejected row of a named file, as `kam pipeline fit`, `kam backtest` (history and
/// snapshot files) and `kam kpi` (plan and actual files) list it: ``RejectJSON``'s members
/// after the file.
struct HistoryRejectJSON: Encodable {
    let file: String
    let line: Int
    let column: String?
    let columnNumber: Int?
    let reason: String
    let message: String
}

extension HistoryRejectJSON {
    init(_ reject: HistoryReject) {
        self.init(
            file: reject.file, line: reject.line, column: reject.column, columnNumber: reject.columnNumber,
            reason: reject.reason, message: reject.message)
    }
}
