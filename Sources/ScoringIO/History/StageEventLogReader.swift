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
        var index: [String: Int] = [:]
        for (position, name) in table.header.enumerated() { index[name] = position }
        let missing = Self.columns.filter { index[$0] == nil }
        guard missing.isEmpty else {
            throw .missingColumns(file: table.file, missing: missing, available: table.header)
        }
        let idColumn = index["account_id"]!
        let dateColumn = index["date"]!
        let fromColumn = index["from_stage"]!
        let toColumn = index["to_stage"]!
        var rejects: [HistoryReject] = []
        func reject(_ record: CSVRecord, _ column: Int?, _ reason: String, _ message: String) {
            rejects.append(
                HistoryReject(
                    file: table.file, line: record.line, columnNumber: column.map { $0 + 1 },
                    column: column.map { table.header[$0] }, reason: reason, message: message))
        }

        var order: [String] = []
        var events: [String: [StageEvent]] = [:]
        var rejectedAccounts: [String: Int] = [:]
        for record in table.records {
            let fields = record.fields
            guard fields.count == table.header.count else {
                reject(
                    record, nil, "field_count",
                    "the row has \(fields.count) fields but the header has \(table.header.count); check for a missing or extra delimiter.")
                continue
            }
            let id = fields[idColumn]
            guard !id.isEmpty else {
                reject(record, idColumn, "missing_id", "the account id is blank; every event needs one.")
                continue
            }
            if events[id] == nil && rejectedAccounts[id] == nil { order.append(id) }
            func fail(_ column: Int, _ reason: String, _ message: String) {
                reject(record, column, reason, message)
                if rejectedAccounts[id] == nil { rejectedAccounts[id] = record.line }
            }
            guard let date = CalendarDate(text: fields[dateColumn]) else {
                fail(dateColumn, "bad_date", "'date' is '\(fields[dateColumn])', which is not a date; write YYYY-MM-DD, e.g. 2024-03-05.")
                continue
            }
            var from: PipelineState?
            if !fields[fromColumn].isEmpty {
                guard let state = PipelineState(text: fields[fromColumn]), !state.isClosed else {
                    fail(fromColumn, "bad_stage", "'from_stage' is '\(fields[fromColumn])'; write a stage 1 to 5, or leave it blank when the account enters the pipeline.")
                    continue
                }
                from = state
            }
            guard let to = PipelineState(text: fields[toColumn]) else {
                fail(toColumn, "bad_stage", "'to_stage' is '\(fields[toColumn])'; write a stage 1 to 5, won or lost.")
                continue
            }
            guard to != from else {
                fail(toColumn, "no_move", "the event moves from stage \(to) to stage \(to); remove it, or correct one of the stages.")
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
                            "account '\(id)' has an event on \(event.date) after it was \(previous.to) on \(previous.date) (line \(previous.line)); remove the later event, or the closing one if the account was reopened as a new development.")
                    } else if let from = event.from, from != previous.to {
                        reject(
                            record, fromColumn, "broken_chain",
                            "account '\(id)' moves from stage \(from) on \(event.date), but its previous event (line \(previous.line), \(previous.date)) left it in \(previous.to.isClosed ? "" : "stage ")\(previous.to); correct 'from_stage' or add the missing move.")
                    } else if event.from == nil {
                        reject(
                            record, fromColumn, "reentry",
                            "account '\(id)' enters the pipeline again on \(event.date) (blank 'from_stage') while in stage \(previous.to) since line \(previous.line); write the stage it moves from.")
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
