import ScoringIO

/// A rejected row as the reports' `"rejects"` list writes it:
/// `{"line": 32, "column": null, "column_number": null, "reason": "field_count", "message": "…"}`;
/// `file` comes first where a report reads several files (`kam pipeline fit`, `kam backtest`
/// with its history and snapshot files, `kam kpi` with its plan and actual files).
struct RejectJSON: Encodable {
    @OmittedWhenNil var file: String? = nil
    let line: Int
    let column: String?
    let columnNumber: Int?
    let reason: String
    let message: String
}

extension RejectJSON {
    init(_ reject: Reject) {
        self.init(
            line: reject.line, column: reject.column, columnNumber: reject.columnNumber, reason: reject.reason.code,
            message: reject.message)
    }

    init(_ reject: HistoryReject) {
        self.init(
            file: reject.file, line: reject.line, column: reject.column, columnNumber: reject.columnNumber,
            reason: reject.reason, message: reject.message)
    }

    /// The end of a report written member by member: its last member, `  "rejects": [...]`
    /// with one rejected row to a line, and the closing brace, each followed by a line break.
    static func documentEnd(rejects: [Reject]) -> String {
        "  \"rejects\": " + ReportJSONEncoder().fragment(JSONLines(rejects.map(RejectJSON.init)), indent: 2) + "\n}\n"
    }
}
