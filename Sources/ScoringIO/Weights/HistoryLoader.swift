import Foundation
import ScoringEngine

/// Reads a history file for `kam weights fit`: a prospect list (any list the model can
/// score) with one more column saying how each account ended.
///
/// The outcome column (default `outcome`) holds, ignoring case:
///
/// | meaning | accepted words |
/// |---|---|
/// | won | won, win, w, 1, yes, true, 赢, 赢单, 成交, 签约, 已签约 |
/// | lost | lost, lose, loss, l, 0, no, false, dropped, 输, 输单, 丢单, 失败, 未成交, 放弃 |
/// | still open (left out of the fit) | blank, the model's missing codes, open, pending, 进行中, 跟进中 |
///
/// Rows the model cannot score are rejected by ``ProspectListLoader`` as usual; a row whose
/// outcome is none of the above is rejected here with its line and column.
public struct HistoryLoader: Sendable {
    public let model: ScoringModel
    public let outcomeColumn: String

    public static let wonWords: Set<String> = ["won", "win", "w", "1", "yes", "true", "赢", "赢单", "成交", "签约", "已签约"]
    public static let lostWords: Set<String> = [
        "lost", "lose", "loss", "l", "0", "no", "false", "dropped", "输", "输单", "丢单", "失败", "未成交", "放弃",
    ]
    public static let openWords: Set<String> = ["", "open", "pending", "进行中", "跟进中"]

    public init(model: ScoringModel, outcomeColumn: String = "outcome") {
        self.model = model
        self.outcomeColumn = outcomeColumn
    }

    /// An account whose outcome could not be read.
    public struct OutcomeReject: Sendable, Equatable, CustomStringConvertible {
        public let file: String
        public let line: Int
        public let column: Int
        public let value: String
        public let columnName: String

        public var description: String { description(.en) }

        /// `file:line:column: message` with the message in `language`.
        public func description(_ language: Language) -> String {
            language == .zh
                ? "\(file):\(line):\(column): '\(columnName)' 的值是 '\(value)'，不是结果；请填写 赢单 或 输单（或 1/0），客户仍未结时留空。"
                : "\(file):\(line):\(column): '\(columnName)' is '\(value)', which is not an outcome; write won or lost (or 1/0, 赢单/输单), or leave it blank while the account is still open."
        }
    }

    /// The loaded history.
    public struct Result: Sendable {
        /// Everything the prospect-list loader read (all accepted accounts, open ones too).
        public let list: ProspectListLoader.Result
        /// Per account of `list.batch`: 1 won, 0 lost, `nil` open or rejected here.
        public let outcomes: [Double?]
        /// Accounts whose outcome was not understood.
        public let outcomeRejects: [OutcomeReject]
        /// Accounts still open (blank or open outcome).
        public let openCount: Int

        /// Rows of `list.batch` with an outcome, in order.
        public var decidedRows: [Int] { outcomes.indices.filter { outcomes[$0] != nil } }
    }

    /// The message of a history without an outcome column named `column`.
    static func missingOutcomeMessage(column: String, header: [String]) -> String {
        "the history has no '\(column)' column saying won or lost; columns: \(header.joined(separator: ", ")). Name it with --outcome-column."
    }

    /// Loads a history from a read table.
    ///
    /// - Throws: ``DatasetError`` from the list loader, or ``WeightsFileError`` when the
    ///   table has no outcome column.
    public func load(_ table: CSVTable) throws -> Result {
        guard let outcomeIndex = table.header.firstIndex(of: outcomeColumn) else {
            throw WeightsFileError(
                file: table.file, line: 1,
                message: Self.missingOutcomeMessage(column: outcomeColumn, header: table.header))
        }
        let list = try ProspectListLoader(model: model).load(table)
        var recordByLine: [Int: Int] = [:]
        for (index, record) in table.records.enumerated() { recordByLine[record.line] = index }
        let words = OutcomeWords(missingCodes: model.missingCodes)
        var outcomes = [Double?](repeating: nil, count: list.batch.count)
        var rejects: [OutcomeReject] = []
        var open = 0
        for (row, account) in list.batch.accounts.enumerated() {
            guard let recordIndex = recordByLine[account.line] else { continue }
            let fields = table.records[recordIndex].fields
            let raw = outcomeIndex < fields.count ? fields[outcomeIndex] : ""
            switch words.classify(raw) {
            case .won: outcomes[row] = 1
            case .lost: outcomes[row] = 0
            case .open: open += 1
            case .unknown:
                rejects.append(
                    OutcomeReject(file: table.file, line: account.line, column: outcomeIndex + 1, value: raw, columnName: outcomeColumn))
            }
        }
        return Result(list: list, outcomes: outcomes, outcomeRejects: rejects, openCount: open)
    }
}
