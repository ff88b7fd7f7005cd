/// A row of a history file (stage-event log or snapshots) that was not used, with where and
/// why. Like prospect-list rejects, these are never dropped silently: they are counted and
/// reported.
public struct HistoryReject: Sendable, Equatable, CustomStringConvertible {
    public let file: String
    /// 1-based physical line of the record.
    public let line: Int
    /// 1-based column number and header name of the offending field, when one field is at fault.
    public let columnNumber: Int?
    public let column: String?
    /// A short machine-readable code: `field_count`, `missing_id`, `bad_date`, `bad_stage`,
    /// `no_move`, `broken_chain`, `after_close`, `reentry`, `bad_outcome`,
    /// `missing_outcome_date`, `outcome_before_snapshot`, `duplicate_snapshot`, or a prospect
    /// list reject's code (`not_a_number`, `unknown_category`, …).
    public let reason: String
    /// What is wrong and how to fix it, without the location.
    public let message: String

    public init(file: String, line: Int, columnNumber: Int? = nil, column: String? = nil, reason: String, message: String) {
        self.file = file
        self.line = line
        self.columnNumber = columnNumber
        self.column = column
        self.reason = reason
        self.message = message
    }

    /// A prospect-list reject of a snapshot row.
    init(_ reject: Reject) {
        self.init(
            file: reject.file, line: reject.line, columnNumber: reject.columnNumber, column: reject.column,
            reason: reject.reason.code, message: reject.message)
    }

    /// `file:line:column: message`, as compilers print it.
    public var description: String {
        var location = "\(file):\(line)"
        if let columnNumber { location += ":\(columnNumber)" }
        return "\(location): \(message)"
    }
}
