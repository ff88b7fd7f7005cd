import ScoringEngine

/// Reads account snapshots (CSV): a prospect list — the columns a scoring model maps — with
/// three more columns saying when the snapshot was taken and how the account ended.
///
/// | column | content |
/// |---|---|
/// | the model's columns | `account_id`, `stage`, `deal_value`, every factor's column … as in a prospect list |
/// | `snapshot_date` | the day the account's stage and factors were recorded, `YYYY-MM-DD` |
/// | `outcome` | `won`, `lost`, or `open` (also blank) when the account had not closed by the end of the file's history |
/// | `outcome_date` | the day it was won or lost; blank when open |
///
/// An account may have several snapshots (on different dates). Factor fields are read
/// exactly as `kam rank` reads a prospect list (units, categories, missing codes); a row
/// that cannot be read is rejected with its line, column and the fix, never dropped
/// silently.
public struct SnapshotReader: Sendable {
    /// The columns a snapshot file has besides the model's.
    public static let columns = ["snapshot_date", "outcome", "outcome_date"]

    public let model: ScoringModel
    public let options: CSVOptions

    public init(model: ScoringModel, options: CSVOptions = .init()) {
        self.model = model
        self.options = options
    }

    /// What was read: the accepted snapshots as a batch to score, and their dates and outcomes.
    public struct Result: Sendable {
        public let file: String
        /// One account per accepted snapshot row (ids may repeat across dates).
        public let batch: ProspectBatch
        public let dates: [CalendarDate]
        public let outcomes: [ConversionFitter.Outcome]
        public let outcomeDates: [CalendarDate?]
        public let rejects: [HistoryReject]
        public let rowsRead: Int
    }

    /// Reads the snapshots at `path`.
    ///
    /// - Throws: `DatasetError` when the file cannot be read or lacks a column.
    public func read(contentsOf path: String) throws(DatasetError) -> Result {
        try read(CSVReader(options: options).read(contentsOf: path))
    }

    /// Reads snapshots already parsed as CSV.
    public func read(_ table: CSVTable) throws(DatasetError) -> Result {
        let idName = model.columns.id
        let index = try table.columnIndex(
            requiring: (idName == AccountColumns.lineNumberID ? [] : [idName]) + Self.columns)
        let idColumn = index[idName]
        let dateColumn = index["snapshot_date"]!
        let outcomeColumn = index["outcome"]!
        let outcomeDateColumn = index["outcome_date"]!

        var rejects: [HistoryReject] = []
        var kept: [CSVRecord] = []
        var parsed: [Int: (date: CalendarDate, outcome: ConversionFitter.Outcome, outcomeDate: CalendarDate?)] = [:]
        var seen: [String: Int] = [:]
        for record in table.records {
            let fields = record.fields
            // Rows of the wrong width are left to the prospect loader, which rejects them.
            guard fields.count == table.header.count else {
                kept.append(record)
                continue
            }
            func reject(_ column: Int, _ reason: String, _ message: String, _ chinese: String) {
                rejects.append(
                    HistoryReject(
                        file: table.file, line: record.line, columnNumber: column + 1, column: table.header[column],
                        reason: reason, message: message, chineseMessage: chinese))
            }
            guard let date = CalendarDate(text: fields[dateColumn]) else {
                reject(
                    dateColumn, "bad_date", "'snapshot_date' is '\(fields[dateColumn])', which is not a date; write YYYY-MM-DD.",
                    "'snapshot_date' 的值是 '\(fields[dateColumn])'，不是日期；请写成 年-月-日，例如 2024-03-05。")
                continue
            }
            let outcomeText = fields[outcomeColumn].trimmingCharacters(in: .whitespaces).lowercased()
            let outcome: ConversionFitter.Outcome
            switch outcomeText {
            case "", "open", "未结": outcome = .open
            default:
                switch PipelineState(text: outcomeText) {
                case .won?: outcome = .won
                case .lost?: outcome = .lost
                default:
                    reject(
                        outcomeColumn, "bad_outcome",
                        "'outcome' is '\(fields[outcomeColumn])'; write won, lost or open (blank means open).",
                        "'outcome' 的值是 '\(fields[outcomeColumn])'；请填写 赢单、丢单 或 未结（空白表示未结）。")
                    continue
                }
            }
            var outcomeDate: CalendarDate?
            if outcome != .open {
                guard let closed = CalendarDate(text: fields[outcomeDateColumn]) else {
                    let shown = fields[outcomeDateColumn]
                    reject(
                        outcomeDateColumn, shown.isEmpty ? "missing_outcome_date" : "bad_date",
                        shown.isEmpty
                            ? "the account is \(outcome.rawValue) but 'outcome_date' is blank; write the day it closed (YYYY-MM-DD)."
                            : "'outcome_date' is '\(shown)', which is not a date; write YYYY-MM-DD.",
                        shown.isEmpty
                            ? "该客户已\(outcome == .won ? "赢单" : "丢单")，但 'outcome_date' 为空；请填写结束的日期（年-月-日）。"
                            : "'outcome_date' 的值是 '\(shown)'，不是日期；请写成 年-月-日，例如 2024-03-05。")
                    continue
                }
                guard closed >= date else {
                    reject(
                        outcomeDateColumn, "outcome_before_snapshot",
                        "'outcome_date' \(closed) is before 'snapshot_date' \(date); a snapshot of a closed account is not a forecastable one. Remove the row or correct a date.",
                        "'outcome_date' \(closed) 早于 'snapshot_date' \(date)；已结束客户的快照无法用于预测。请删除该行或更正日期。")
                    continue
                }
                outcomeDate = closed
            }
            let id = idColumn.map { fields[$0] } ?? String(record.line)
            let key = id + "\u{1F}" + date.description
            if let first = seen[key] {
                reject(
                    idColumn ?? dateColumn, "duplicate_snapshot",
                    "account '\(id)' already has a snapshot dated \(date) on line \(first); keep one snapshot per account and date.",
                    "客户 '\(id)' 在第 \(first) 行已有日期为 \(date) 的快照；每个客户每个日期只保留一条快照。")
                continue
            }
            seen[key] = record.line
            parsed[record.line] = (date, outcome, outcomeDate)
            kept.append(record)
        }

        // The prospect loader reads the factor columns. Its duplicate-id check is for
        // prospect lists; snapshots repeat ids across dates, so the copy of the model it is
        // given takes ids from line numbers, and the real ids are put back afterwards.
        let loaded = try ProspectListLoader(model: Self.lineNumberedCopy(of: model)).load(table.withRecords(kept))
        rejects += loaded.rejects.map(HistoryReject.init)
        var batch = loaded.batch
        var dates: [CalendarDate] = []
        var outcomes: [ConversionFitter.Outcome] = []
        var outcomeDates: [CalendarDate?] = []
        var lineToFields: [Int: [String]] = [:]
        for record in kept { lineToFields[record.line] = record.fields }
        for row in batch.accounts.indices {
            let line = batch.accounts[row].line
            if let idColumn, let fields = lineToFields[line] { batch.accounts[row].id = fields[idColumn] }
            // Every accepted row passed the checks above.
            let info = parsed[line] ?? (CalendarDate(daysSinceEpoch: 0), .open, nil)
            dates.append(info.date)
            outcomes.append(info.outcome)
            outcomeDates.append(info.outcomeDate)
        }
        rejects.sort { ($0.line, $0.columnNumber ?? 0) < ($1.line, $1.columnNumber ?? 0) }
        return Result(
            file: table.file, batch: batch, dates: dates, outcomes: outcomes, outcomeDates: outcomeDates,
            rejects: rejects, rowsRead: table.records.count)
    }

    /// The model with `columns.id` set to `@line`, weights and everything else unchanged.
    static func lineNumberedCopy(of model: ScoringModel) -> ScoringModel {
        var columns = model.columns
        columns.id = AccountColumns.lineNumberID
        let factors = model.factors.enumerated().map { $1.withWeight(model.declaredWeights[$0]) }
        do {
            return try ScoringModel(
                name: model.name, factors: factors, grading: model.grading, segments: model.segments,
                scenarios: model.scenarios, columns: columns, missingCodes: model.missingCodes,
                columnUnits: model.columnUnits)
        } catch {
            preconditionFailure("A copy of a valid model is valid: \(error)")
        }
    }
}
