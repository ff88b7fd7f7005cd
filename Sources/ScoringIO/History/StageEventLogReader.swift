import ScoringEngine

/// Reads a stage-event log (CSV) into checked account histories.
///
/// The log has one row per move, with these columns (any order; others are ignored):
///
/// | column | content |
/// |---|---|
/// | `account_id` | the account |
/// | `date` | the day of the move, `YYYY-MM-DD` (also `YYYY/M/D`) |
/// | `from_stage` | the state before: `1`…`5`; blank when the account enters the pipeline |
/// | `to_stage` | the state after: `1`…`5`, `won` or `lost` (赢单 / 丢单 also read) |
///
/// Rows are sorted per account by date (rows of the same date keep their file order) and
/// must chain: each move starts where the previous one ended, and nothing follows won or
/// lost. A row that cannot be read or does not chain is rejected with its line, column and
/// the fix, and its account is left out of the fit entirely (a history with a hole would
/// bias the counts); nothing is dropped silently.
public struct StageEventLogReader: Sendable {
    /// The columns a log must have.
    public static let columns = ["account_id", "date", "from_stage", "to_stage"]

    public let options: CSVOptions

    public init(options: CSVOptions = .init()) {
        self.options = options
    }

    /// An account left out of the fit because one of its rows was rejected.
    public struct ExcludedAccount: Sendable, Equatable {
        public let accountID: String
        /// The account's accepted rows that were left out with it.
        public let lines: [Int]
        /// The first rejected row of the account.
        public let firstRejectLine: Int
    }

    /// What was read.
    public struct Result: Sendable {
        public let file: String
        /// Histories in order of first appearance.
        public let histories: [AccountHistory]
        public let rejects: [HistoryReject]
        public let excludedAccounts: [ExcludedAccount]
        /// Records read (header excluded) and events in the histories.
        public let rowsRead: Int
        public let eventsUsed: Int
        /// The earliest and latest event dates of the histories (nil without any).
        public let firstDate: CalendarDate?
        public let lastDate: CalendarDate?

        public init(
            file: String, histories: [AccountHistory], rejects: [HistoryReject] = [],
            excludedAccounts: [ExcludedAccount] = [], rowsRead: Int, eventsUsed: Int, firstDate: CalendarDate?,
            lastDate: CalendarDate?
        ) {
            self.file = file
            self.histories = histories
            self.rejects = rejects
            self.excludedAccounts = excludedAccounts
            self.rowsRead = rowsRead
            self.eventsUsed = eventsUsed
            self.firstDate = firstDate
            self.lastDate = lastDate
        }
    }

    /// Reads the log at `path`.
    ///
    /// - Throws: `DatasetError` when the file cannot be read or lacks a column.
    public func read(contentsOf path: String) throws(DatasetError) -> Result {
        try read(CSVReader(options: options).read(contentsOf: path))
    }

    /// Reads a log already parsed as CSV.
    public func read(_ table: CSVTable) throws(DatasetError) -> Result {
        let index = try table.columnIndex(requiring: Self.columns)
        let idColumn = index["account_id"]!
        let dateColumn = index["date"]!
        let fromColumn = index["from_stage"]!
        let toColumn = index["to_stage"]!
        var rejects: [HistoryReject] = []
        func reject(_ record: CSVRecord, _ column: Int?, _ reason: String, _ message: String, _ chinese: String) {
            rejects.append(
                HistoryReject(
                    file: table.file, line: record.line, columnNumber: column.map { $0 + 1 },
                    column: column.map { table.header[$0] }, reason: reason, message: message, chineseMessage: chinese))
        }
        let zhState = HistoryReject.chineseState

        var order: [String] = []
        var events: [String: [StageEvent]] = [:]
        var rejectedAccounts: [String: Int] = [:]
        for record in table.records {
            let fields = record.fields
            guard fields.count == table.header.count else {
                reject(
                    record, nil, "field_count",
                    "the row has \(fields.count) fields but the header has \(table.header.count); check for a missing or extra delimiter.",
                    "该行有 \(fields.count) 个字段，但表头有 \(table.header.count) 个；请检查是否缺少或多出分隔符。")
                continue
            }
            let id = fields[idColumn]
            guard !id.isEmpty else {
                reject(record, idColumn, "missing_id", "the account id is blank; every event needs one.", "客户编号为空；每个事件都需要客户编号。")
                continue
            }
            if events[id] == nil && rejectedAccounts[id] == nil { order.append(id) }
            func fail(_ column: Int, _ reason: String, _ message: String, _ chinese: String) {
                reject(record, column, reason, message, chinese)
                if rejectedAccounts[id] == nil { rejectedAccounts[id] = record.line }
            }
            guard let date = CalendarDate(text: fields[dateColumn]) else {
                fail(
                    dateColumn, "bad_date", "'date' is '\(fields[dateColumn])', which is not a date; write YYYY-MM-DD, e.g. 2024-03-05.",
                    "'date' 的值是 '\(fields[dateColumn])'，不是日期；请写成 年-月-日，例如 2024-03-05。")
                continue
            }
            var from: PipelineState?
            if !fields[fromColumn].isEmpty {
                guard let state = PipelineState(text: fields[fromColumn]), !state.isClosed else {
                    fail(
                        fromColumn, "bad_stage",
                        "'from_stage' is '\(fields[fromColumn])'; write a stage 1 to 5, or leave it blank when the account enters the pipeline.",
                        "'from_stage' 的值是 '\(fields[fromColumn])'；请填写阶段 1 到 5，客户进入管道时留空。")
                    continue
                }
                from = state
            }
            guard let to = PipelineState(text: fields[toColumn]) else {
                fail(
                    toColumn, "bad_stage", "'to_stage' is '\(fields[toColumn])'; write a stage 1 to 5, won or lost.",
                    "'to_stage' 的值是 '\(fields[toColumn])'；请填写阶段 1 到 5、赢单或丢单。")
                continue
            }
            guard to != from else {
                fail(
                    toColumn, "no_move", "the event moves from stage \(to) to stage \(to); remove it, or correct one of the stages.",
                    "该事件的起始与目标都是\(zhState(to))，并未移动；请删除它，或更正其中一个阶段。")
                continue
            }
            events[id, default: []].append(StageEvent(accountID: id, date: date, from: from, to: to, line: record.line))
        }

        var histories: [AccountHistory] = []
        var excluded: [ExcludedAccount] = []
        var firstDate: CalendarDate?
        var lastDate: CalendarDate?
        var used = 0
        for id in order {
            let sorted = (events[id] ?? []).sorted { ($0.date, $0.line) < ($1.date, $1.line) }
            var problem = rejectedAccounts[id]
            if problem == nil {
                for (previous, event) in zip(sorted, sorted.dropFirst()) {
                    let record = CSVRecord(line: event.line, fields: [])
                    if previous.to.isClosed {
                        reject(
                            record, fromColumn, "after_close",
                            "account '\(id)' has an event on \(event.date) after it was \(previous.to) on \(previous.date) (line \(previous.line)); remove the later event, or the closing one if the account was reopened as a new development.",
                            "客户 '\(id)' 已于 \(previous.date) \(zhState(previous.to))（第 \(previous.line) 行），之后在 \(event.date) 又有事件；请删除后来的事件，若该客户作为新开发重新启动，则删除结束的那一条。"
                        )
                    } else if let from = event.from, from != previous.to {
                        reject(
                            record, fromColumn, "broken_chain",
                            "account '\(id)' moves from stage \(from) on \(event.date), but its previous event (line \(previous.line), \(previous.date)) left it in \(previous.to.isClosed ? "" : "stage ")\(previous.to); correct 'from_stage' or add the missing move.",
                            "客户 '\(id)' 在 \(event.date) 从\(zhState(from)) 移出，但它的上一个事件（第 \(previous.line) 行，\(previous.date)）使它处于\(zhState(previous.to))；请更正 'from_stage'，或补上缺少的移动。"
                        )
                    } else if event.from == nil {
                        reject(
                            record, fromColumn, "reentry",
                            "account '\(id)' enters the pipeline again on \(event.date) (blank 'from_stage') while in stage \(previous.to) since line \(previous.line); write the stage it moves from.",
                            "客户 '\(id)' 自第 \(previous.line) 行起处于\(zhState(previous.to))，却在 \(event.date) 再次进入管道（'from_stage' 为空）；请填写它移出的阶段。"
                        )
                    } else {
                        continue
                    }
                    problem = event.line
                    break
                }
            }
            if let problem {
                excluded.append(
                    ExcludedAccount(accountID: id, lines: sorted.map(\.line).filter { $0 != problem }, firstRejectLine: problem))
                continue
            }
            guard !sorted.isEmpty else { continue }
            histories.append(AccountHistory(accountID: id, events: sorted))
            used += sorted.count
            firstDate = min(firstDate ?? sorted[0].date, sorted[0].date)
            lastDate = max(lastDate ?? sorted[sorted.count - 1].date, sorted[sorted.count - 1].date)
        }
        rejects.sort { ($0.line, $0.columnNumber ?? 0) < ($1.line, $1.columnNumber ?? 0) }
        return Result(
            file: table.file, histories: histories, rejects: rejects, excludedAccounts: excluded,
            rowsRead: table.records.count, eventsUsed: used, firstDate: firstDate, lastDate: lastDate)
    }
}
