import ScoringEngine

/// A row of a history file (stage-event log or snapshots) that was not used, with where and
/// why. Like prospect-list rejects, these are never dropped silently: they are counted and
/// reported.
public struct HistoryReject: Sendable, Equatable, LocatedReject {
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
    /// ``message`` in Chinese: the same facts and the same fix.
    public let chineseMessage: String

    /// - Parameter chineseMessage: The message in Chinese (`message` when not given).
    public init(
        file: String, line: Int, columnNumber: Int? = nil, column: String? = nil, reason: String, message: String,
        chineseMessage: String? = nil
    ) {
        self.file = file
        self.line = line
        self.columnNumber = columnNumber
        self.column = column
        self.reason = reason
        self.message = message
        self.chineseMessage = chineseMessage ?? message
    }

    /// A prospect-list reject of a snapshot row.
    init(_ reject: Reject) {
        self.init(
            file: reject.file, line: reject.line, columnNumber: reject.columnNumber, column: reject.column,
            reason: reject.reason.code, message: reject.message, chineseMessage: reject.message(.zh))
    }

    /// What is wrong and how to fix it, without the location, in `language`.
    public func message(_ language: Language) -> String {
        language == .zh ? chineseMessage : message
    }

    /// A pipeline state as a Chinese message names it: 阶段 3, 赢单, 丢单.
    static func chineseState(_ state: PipelineState) -> String {
        state.isClosed ? state.label(.zh) : "阶段 \(state.description)"
    }
}
