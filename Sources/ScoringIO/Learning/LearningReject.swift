import ScoringEngine

/// A row of a history that cannot be learned from, with where and why: a row the model's
/// columns cannot be read from (as `kam rank` rejects it), or an outcome that is not a word
/// for won, lost or open. Never dropped silently: counted, reported and written to the
/// rejects file.
public struct LearningReject: Sendable, Equatable, CustomStringConvertible {
    public let file: String
    /// 1-based physical line where the record starts.
    public let line: Int
    /// 1-based column number of the offending field, when one field is at fault.
    public let columnNumber: Int?
    /// Header name of the offending column.
    public let column: String?
    /// A short machine-readable code (`not_a_number`, `bad_outcome`, `duplicate_id`, …).
    public let code: String
    /// What is wrong and how to fix it, without the location.
    public let message: String
    /// ``message`` in Chinese: the same facts and the same fix.
    public let chineseMessage: String
    /// The record's fields as read, for the rejects file.
    public let fields: [String]

    /// - Parameter chineseMessage: The message in Chinese (`message` when not given).
    public init(
        file: String, line: Int, columnNumber: Int?, column: String?, code: String, message: String,
        chineseMessage: String? = nil, fields: [String]
    ) {
        self.file = file
        self.line = line
        self.columnNumber = columnNumber
        self.column = column
        self.code = code
        self.message = message
        self.chineseMessage = chineseMessage ?? message
        self.fields = fields
    }

    /// The same reject as the prospect-list loader words it.
    public init(_ reject: Reject) {
        self.init(
            file: reject.file, line: reject.line, columnNumber: reject.columnNumber, column: reject.column,
            code: reject.reason.code, message: reject.message, chineseMessage: reject.message(.zh), fields: reject.fields)
    }
}

extension LearningReject: RejectedRow {
    public var reasonCode: String { code }

    public func message(_ language: Language) -> String { language == .zh ? chineseMessage : message }
}
