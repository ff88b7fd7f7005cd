import Foundation
import ScoringEngine

/// Reads a history file for `kam model fit`: the decided accounts (won or lost) with the raw
/// values of the columns a model may be learned from, as the engine's ``LearningData``.
///
/// The outcome column (default `outcome`) takes the words of ``HistoryLoader`` (ignoring case):
/// won/win/1/yes/true/赢单/成交…, lost/loss/0/no/false/输单/丢单…, and blank, `open`, `pending`,
/// 进行中 or one of the model's missing codes for an account still open. Open accounts are
/// counted and left out (their other fields are not read). Any other outcome rejects the row
/// with its line and column.
///
/// Every decided row is then read as `kam rank` reads it, in this order, the first failure
/// being the reject: the field count, the account id (blank ids and ids seen on an earlier
/// decided row are rejected), the base model's factor columns, the stage column.
///
/// - **Numeric factors** (every scale but `categorical`): numbers through ``NumberReader`` in
///   the factor's unit, exactly as the prospect-list loader reads them; a field that is not a
///   number rejects the row with the loader's message. Blank fields and the model's missing
///   codes are missing (`NaN`) — also for a factor whose policy is `required`: learning gives
///   the missing group its own utility.
/// - **Categorical factors**: the label as read, trimmed; labels the base map does not know
///   are kept (their utility is learned).
/// - **Stage** (the model's `columns.stage`, when the file has it): 1…5 or missing; anything
///   else rejects the row, as in `kam rank`. It feeds the engine's stage baseline.
/// - The other account columns (name, industry, region, manager, deal value) are not read
///   for their own sake; with `.all` they are candidates like any column (so a deal value
///   that is not a number is a missing value here, where `kam rank` rejects the row).
///
/// With `ModelLearner.Candidates.all` every other column is a candidate factor too, except the id,
/// name, outcome and stage columns and the excluded ones. A candidate column is **numeric**
/// when at least 95% of its present cells (over the decided, accepted rows) are numbers
/// (read in the unit the base model's `column_units` gives the column, or none — the learned
/// factor keeps that unit, so `kam rank` reads the column the same way),
/// else **categorical** (labels, trimmed). In a numeric candidate column the few cells that
/// are not numbers are treated as missing and counted in ``CandidateColumn/unreadable`` with
/// the first one's place (the report names them): rejecting whole rows for a column nobody
/// chose would drop data, and leaving them out silently would hide it. Note that `kam rank`
/// with the learned model rejects such a row if the column is kept as a factor.
///
/// Accepted + rejected + open = records read, always.
public struct LearningHistoryLoader: Sendable {
    public let model: ScoringModel
    public let outcomeColumn: String
    public let candidates: ModelLearner.Candidates
    /// Columns never used as candidates (`--exclude`).
    public let excludedColumns: [String]

    /// Share of a candidate column's present cells that must be numbers for it to be numeric.
    public static let numericShare = 0.95

    public init(
        model: ScoringModel, outcomeColumn: String = "outcome", candidates: ModelLearner.Candidates = .model,
        excludedColumns: [String] = []
    ) {
        self.model = model
        self.outcomeColumn = outcomeColumn
        self.candidates = candidates
        self.excludedColumns = excludedColumns
    }

    /// How a candidate column (one not read by a base factor) was read.
    public struct CandidateColumn: Sendable, Equatable {
        public enum Kind: String, Sendable {
            case numeric
            case categorical
        }

        public let name: String
        public let kind: Kind
        /// Decided accounts with a value (not blank, not a missing code).
        public let present: Int
        /// Numeric columns: present cells that were not numbers, treated as missing.
        public let unreadable: Int
        /// The first such cell: `file:line:column` and its text.
        public let firstUnreadable: String?
    }

    /// The loaded history.
    public struct Result: Sendable {
        public let file: String
        public let header: [String]
        /// Records read (header excluded).
        public let rowsRead: Int
        /// The decided accounts: base factor columns (model order), then candidate columns
        /// (file order); outcomes; stages when the file has the stage column.
        public let data: LearningData
        /// Per decided account: its 1-based line, its id and its record's index in the table.
        public let lines: [Int]
        public let ids: [String]
        public let recordIndices: [Int]
        /// Accounts still open (left out).
        public let openCount: Int
        /// Rows rejected, in file order.
        public let rejects: [LearningReject]
        /// How each candidate column (not read by a base factor) was read, in file order.
        public let candidateColumns: [CandidateColumn]
        /// Columns of the file that are no candidates: id, name, outcome, stage, excluded
        /// (and, with `.model`, every column no base factor reads).
        public let otherColumns: [String]
        public let encoding: TextEncoding
        public let delimiter: UInt8

        public var wonCount: Int { data.outcomes.reduce(0) { $0 + ($1 == 1 ? 1 : 0) } }
        public var lostCount: Int { data.count - wonCount }
    }

    /// Loads the decided accounts of a table.
    ///
    /// - Throws: ``WeightsFileError`` when the table has no outcome column, lacks a column a
    ///   base factor reads or the id column, or an excluded column is not in the header.
    /// - Parameter progress: Called with the records read so far, every 4,096 records and at
    ///   the end (for a progress line; read on several threads, the count is the first part's
    ///   times the number of parts).
    /// - Complexity: O(records × columns read), on every core for large tables.
    public func load(_ table: CSVTable, progress: ((_ recordsRead: Int) -> Void)? = nil) throws(WeightsFileError) -> Result {
        try load(table, parts: .automatic, progress: progress)
    }

    /// ``load(_:progress:)`` with the records cut into `parts` (tests compare with `.single`).
    func load(
        _ table: CSVTable, parts: RecordParts, progress: ((_ recordsRead: Int) -> Void)? = nil
    ) throws(WeightsFileError) -> Result {
        var loading = try Loading(self, header: table.header, file: table.file)
        loading.add(table, parts: parts, progress: progress)
        return loading.finish(encoding: table.encoding, delimiter: table.delimiter)
    }

    /// Loads the decided accounts of the CSV file at `path`, read a part at a time
    /// (``CSVReader/forEachPart(contentsOf:partBytes:_:)``): the result of ``load(_:progress:)``
    /// on the whole table, while only one part of the file's text is held at a time.
    ///
    /// - Throws: ``DatasetError`` when the file cannot be read as CSV; ``WeightsFileError``
    ///   as ``load(_:progress:)``.
    public func load(
        contentsOf path: String, reader: CSVReader, partBytes: Int = CSVReader.partBytes,
        progress: ((_ recordsRead: Int) -> Void)? = nil
    ) throws -> Result {
        var loading: Loading?
        var encoding = TextEncoding.utf8
        var delimiter = UInt8(ascii: ",")
        try reader.forEachPart(contentsOf: path, partBytes: partBytes) { part in
            if loading == nil { loading = try Loading(self, header: part.header, file: part.file) }
            loading?.add(part, parts: .automatic, progress: progress)
            encoding = part.encoding
            delimiter = part.delimiter
        }
        guard var loaded = loading.take() else { preconditionFailure("forEachPart gives at least one part") }
        return loaded.finish(encoding: encoding, delimiter: delimiter)
    }

    /// The decided accounts of the parts of a file read so far, in file order.
    struct Loading {
        let loader: LearningHistoryLoader
        let file: String
        let header: [String]
        let outcomeIndex: Int
        let idIndex: Int?
        let stageIndex: Int?
        let readers: [FactorReader]
        let missingCodes: MissingCodes
        let candidateIndices: [Int]
        let otherColumns: [String]
        /// The rows of the parts so far (record indices counted from the file's first record).
        var rows: DecidedRows
        /// The line of every accepted id of the parts before the last one added; the last
        /// part's ids join it only when a further part comes (a file read in one part never
        /// builds it).
        var firstLines: [String: Int] = [:]
        /// `rows.ids[idsInFirstLines...]` are not in `firstLines` yet.
        var idsInFirstLines = 0
        /// Where in its file the last part added ended (``CSVTable/fileExtent``).
        var lastExtent: (readThrough: Int, total: Int)?
        /// Each candidate column's fields over the accepted rows: the field as read, or nil
        /// for a blank field or a missing code.
        let candidateFields: [CandidateFields]
        var recordsRead = 0

        init(_ loader: LearningHistoryLoader, header: [String], file: String) throws(WeightsFileError) {
            self.loader = loader
            self.file = file
            self.header = header
            var columnIndex: [String: Int] = [:]
            for (index, name) in header.enumerated() where columnIndex[name] == nil { columnIndex[name] = index }
            outcomeIndex = try loader.checkHeader(header, columnIndex: columnIndex, file: file)
            (candidateIndices, otherColumns) = loader.splitColumns(header)
            missingCodes = MissingCodes(loader.model.missingCodes)
            readers = loader.model.factors.map { factor in
                FactorReader(
                    factor: factor, column: columnIndex[factor.column] ?? 0,
                    numbers: NumberReader(unit: factor.unit.flatMap(NumberUnit.init(rawValue:)) ?? .none))
            }
            idIndex = columnIndex[loader.model.columns.id]
            stageIndex = loader.model.columns.stage.flatMap { columnIndex[$0] }
            rows = DecidedRows(readers: readers, capacity: 0)
            candidateFields = candidateIndices.map { _ in CandidateFields() }
        }

        /// Reads the next part of the file's records (see
        /// ``decidedRows(_:readers:outcomeIndex:idIndex:stageIndex:missingCodes:parts:firstLines:progress:)``).
        mutating func add(_ part: CSVTable, parts: RecordParts, progress: ((_ recordsRead: Int) -> Void)?) {
            // The ids a file read in parts will have: those so far, in proportion to its bytes.
            func expectedIDs(after count: Int) -> Int? {
                guard let extent = lastExtent, extent.readThrough > 0, extent.total >= extent.readThrough else { return nil }
                return Int((Double(count) * Double(extent.total) / Double(extent.readThrough) * 1.05).rounded(.up))
            }
            defer { lastExtent = part.fileExtent }
            let before = recordsRead
            let report = progress.map { progress in { (done: Int) in progress(before + done) } }
            func read(parts: RecordParts, firstLines: [String: Int], progress: ((Int) -> Void)?) -> DecidedRows {
                loader.decidedRows(
                    part, readers: readers, outcomeIndex: outcomeIndex, idIndex: idIndex, stageIndex: stageIndex,
                    missingCodes: missingCodes, parts: parts, firstLines: firstLines, progress: progress)
            }
            var partRows = read(parts: parts, firstLines: [:], progress: report)
            if !rows.ids.isEmpty {
                // Room for the whole file's ids at once (estimated from its size and the bytes
                // read so far), rather than rehashing them at every doubling.
                if let expected = expectedIDs(after: rows.ids.count), firstLines.capacity < expected {
                    firstLines.reserveCapacity(expected)
                }
                for index in idsInFirstLines..<rows.ids.count { firstLines[rows.ids[index]] = rows.lines[index] }
                idsInFirstLines = rows.ids.count
                // An id of an earlier part: that row is a duplicate, so the part is read again
                // on one thread against the earlier parts' ids.
                if partRows.ids.contains(where: { firstLines[$0] != nil }) {
                    partRows = read(parts: .single, firstLines: firstLines, progress: nil)
                }
            }
            // The candidate columns' fields of the accepted records, a column per thread.
            let accepted = partRows.recordIndices
            let (columns, fieldsOfColumns, codes) = (candidateIndices, candidateFields, missingCodes)
            DispatchQueue.concurrentPerform(iterations: columns.count) { position in
                let column = columns[position]
                let fields = fieldsOfColumns[position]
                for recordIndex in accepted {
                    let field = part.records[recordIndex].fields[column]
                    fields.values.append(codes.matches(field) ? nil : field)
                }
            }
            if recordsRead == 0 {
                rows = partRows
                rows.firstLine = [:]
            } else {
                rows.append(partRows, recordOffset: recordsRead)
            }
            recordsRead += part.records.count
        }

        /// The loaded history: the base factors' columns, then the candidate columns (each
        /// read as numbers or labels, on every core, its fields let go once read).
        mutating func finish(encoding: TextEncoding, delimiter: UInt8) -> Result {
            // Arrays that grew part by part have room for up to twice their rows: those kept
            // for learning are copied to their size, one at a time.
            if rows.outcomes.capacity > rows.outcomes.count + rows.outcomes.count / 8 { rows.fitCapacities() }
            var columns: [LearningColumn] = readers.indices.map { index in
                let factor = readers[index].factor
                return LearningColumn(
                    name: factor.column,
                    values: factor.isCategorical
                        ? .categorical(CategoryLabels(rows.labels[index])) : .numeric(rows.numeric[index]),
                    factor: factor)
            }
            let results = CandidateResults(candidateIndices.count)
            let (lines, loader, header, file) = (rows.lines, loader, header, file)
            let (candidateIndices, candidateFields) = (candidateIndices, candidateFields)
            DispatchQueue.concurrentPerform(iterations: candidateIndices.count) { position in
                let index = candidateIndices[position]
                let fields = candidateFields[position].values
                candidateFields[position].values = []
                results.set(position, loader.candidate(index: index, name: header[index], fields: fields, lines: lines, file: file))
            }
            var candidateColumns: [CandidateColumn] = []
            for result in results.all() {
                columns.append(result.0)
                candidateColumns.append(result.1)
            }
            return Result(
                file: file, header: header, rowsRead: recordsRead,
                data: LearningData(columns: columns, outcomes: rows.outcomes, stages: stageIndex != nil ? rows.stages : nil),
                lines: rows.lines, ids: rows.ids, recordIndices: rows.recordIndices, openCount: rows.open, rejects: rows.rejects,
                candidateColumns: candidateColumns, otherColumns: otherColumns, encoding: encoding, delimiter: delimiter)
        }
    }

    /// One candidate column's fields over the accepted rows (see ``Loading/candidateFields``),
    /// appended by one thread at a time.
    final class CandidateFields: @unchecked Sendable {
        var values: [String?] = []
    }

    /// Every record read into decided rows (see ``readRecord(_:index:table:readers:outcomeIndex:idIndex:stageIndex:missingCodes:into:)``):
    /// large tables in contiguous parts on their own threads, joined in order (see
    /// ``RecordParts``), unless an id repeats across parts; then on one thread.
    func decidedRows(
        _ table: CSVTable, readers: [FactorReader], outcomeIndex: Int, idIndex: Int?, stageIndex: Int?,
        missingCodes: MissingCodes, parts: RecordParts, firstLines: [String: Int] = [:],
        progress: ((_ recordsRead: Int) -> Void)?
    ) -> DecidedRows {
        // The first part reserves room for the whole table: the others are appended to it
        // without copying it again. Given the lines of earlier ids, the table is one part.
        let parts = firstLines.isEmpty ? parts : .single
        @Sendable func read(_ range: Range<Int>, report: ((Int) -> Void)?) -> DecidedRows {
            var rows = DecidedRows(readers: readers, capacity: range.lowerBound == 0 ? table.records.count : range.count)
            if range.lowerBound == 0 { rows.firstLine = firstLines }
            for recordIndex in range {
                readRecord(
                    table.records[recordIndex], index: recordIndex, table: table, readers: readers, outcomeIndex: outcomeIndex,
                    idIndex: idIndex, stageIndex: stageIndex, missingCodes: missingCodes, into: &rows)
                let done = recordIndex + 1 - range.lowerBound
                if let report, done % 4096 == 0 { report(done) }
            }
            return rows
        }
        // Large tables: contiguous parts on their own threads, joined in order (see RecordParts).
        var joined: DecidedRows?
        let partCount = parts.ranges(count: table.records.count).count
        if partCount > 1 {
            let read = parts.map(
                count: table.records.count, first: { read($0) { done in progress?(done * partCount) } },
                others: { read($0, report: nil) })
            if !RecordParts.idsRepeatAcrossParts(read.map(\.ids), firstLines: read.map(\.firstLine)) {
                var rows = read[0]
                for part in read.dropFirst() { rows.append(part) }
                joined = rows
            }
        }
        let rows = joined ?? read(0..<table.records.count, report: progress)
        progress?(table.records.count)
        return rows
    }

    /// A model factor and how its column is read.
    struct FactorReader {
        let factor: Factor
        let column: Int
        let numbers: NumberReader
        /// `factor.isCategorical`, kept so that the per-field loops read only plain values
        /// (reading `factor` there copied the whole factor, strings and scale, every field).
        let isCategorical: Bool

        init(factor: Factor, column: Int, numbers: NumberReader) {
            self.factor = factor
            self.column = column
            self.numbers = numbers
            isCategorical = factor.isCategorical
        }
    }

    /// The decided rows read so far: the model factors' values, outcomes, stages, where each
    /// row came from, and the rows rejected or left open.
    struct DecidedRows {
        var numeric: [[Double]]
        var labels: [[String?]]
        var outcomes: [Double] = []
        var stages: [Int?] = []
        var lines: [Int] = []
        var ids: [String] = []
        var recordIndices: [Int] = []
        var rejects: [LearningReject] = []
        var firstLine: [String: Int] = [:]
        var open = 0
        /// One row's values and labels, reused from row to row.
        var rowValues: [Double]
        var rowLabels: [String?]

        init(readers: [FactorReader], capacity: Int) {
            numeric = readers.map { $0.isCategorical ? [Double]() : [Double](reserveCapacity: capacity) }
            labels = readers.map { $0.isCategorical ? [String?](reserveCapacity: capacity) : [String?]() }
            rowValues = [Double](repeating: .nan, count: readers.count)
            rowLabels = [String?](repeating: nil, count: readers.count)
            firstLine.reserveCapacity(capacity)
        }

        /// Appends the row just read (its factors' values and labels from `rowValues` and `rowLabels`).
        mutating func appendRow(readers: [FactorReader], outcome: Double, stage: Int?, line: Int, id: String, recordIndex: Int) {
            for index in readers.indices {
                if readers[index].isCategorical {
                    labels[index].append(rowLabels[index])
                } else {
                    numeric[index].append(rowValues[index])
                }
            }
            outcomes.append(outcome)
            stages.append(stage)
            lines.append(line)
            ids.append(id)
            recordIndices.append(recordIndex)
        }

        /// Replaces each array that learning keeps by a copy of its size (`map` allocates
        /// exactly the count), letting the larger one go before the next.
        mutating func fitCapacities() {
            func fit<T>(_ array: inout [T]) {
                array = array.map { $0 }
            }
            for index in numeric.indices where !numeric[index].isEmpty { fit(&numeric[index]) }
            for index in labels.indices where !labels[index].isEmpty { fit(&labels[index]) }
            fit(&outcomes)
            fit(&stages)
            fit(&lines)
            fit(&ids)
            fit(&recordIndices)
        }

        /// Appends the rows of the next part of the records (read on its own; no id of it
        /// appears in this part), whose first record is record `recordOffset` of these.
        /// `firstLine` is then this part's only: nothing reads it after.
        mutating func append(_ next: DecidedRows, recordOffset: Int = 0) {
            for index in numeric.indices { numeric[index].append(contentsOf: next.numeric[index]) }
            for index in labels.indices { labels[index].append(contentsOf: next.labels[index]) }
            outcomes += next.outcomes
            stages += next.stages
            lines += next.lines
            ids += next.ids
            recordIndices += recordOffset == 0 ? next.recordIndices : next.recordIndices.map { $0 + recordOffset }
            rejects += next.rejects
            open += next.open
        }
    }

    /// The outcome column's index, after checking that the header has it, every column the
    /// model needs, and every column `--exclude` names.
    func checkHeader(_ header: [String], columnIndex: [String: Int], file: String) throws(WeightsFileError) -> Int {
        guard let outcomeIndex = columnIndex[outcomeColumn] else {
            throw WeightsFileError(
                file: file, line: 1,
                message:
                    "the history has no '\(outcomeColumn)' column saying won or lost; columns: \(header.joined(separator: ", ")). Name it with --outcome-column."
            )
        }
        let missing = ProspectListLoader(model: model).missingColumns(in: header)
        guard missing.isEmpty else {
            throw WeightsFileError(
                file: file, line: 1,
                message:
                    "the model needs the column\(missing.count == 1 ? "" : "s") \(missing.map { "'\($0)'" }.joined(separator: ", ")), which the file lacks. The file has: \(header.joined(separator: ", ")). Rename the file's header or set the factor's 'column' in the model."
            )
        }
        for name in excludedColumns where columnIndex[name] == nil {
            throw WeightsFileError(
                file: file, line: 1,
                message: "--exclude names '\(name)', which is not a column of the file; columns: \(header.joined(separator: ", ")).")
        }
        return outcomeIndex
    }

    /// The columns that are candidates in `all` mode, and the others (neither a model
    /// factor nor a candidate).
    func splitColumns(_ header: [String]) -> (candidates: [Int], others: [String]) {
        var reserved = Set([outcomeColumn] + excludedColumns)
        reserved.insert(model.columns.id)
        if let name = model.columns.name { reserved.insert(name) }
        if let stage = model.columns.stage { reserved.insert(stage) }
        let factorColumns = Set(model.factors.map(\.column))
        var candidateIndices: [Int] = []
        var otherColumns: [String] = []
        for (index, name) in header.enumerated() where !factorColumns.contains(name) {
            if candidates == .all && !reserved.contains(name) {
                candidateIndices.append(index)
            } else {
                otherColumns.append(name)
            }
        }
        return (candidateIndices, otherColumns)
    }

    /// Reads one record into `rows`: a decided row whose factors, stage and id read cleanly
    /// is kept; an open one is counted; any other is rejected with its reason.
    func readRecord(
        _ record: CSVRecord, index recordIndex: Int, table: CSVTable, readers: [FactorReader], outcomeIndex: Int,
        idIndex: Int?, stageIndex: Int?, missingCodes: MissingCodes, into rows: inout DecidedRows
    ) {
        let header = table.header
        let fields = record.fields
        func reject(_ reason: Reject.Reason, column: Int?) {
            rows.rejects.append(
                LearningReject(
                    Reject(
                        file: table.file, line: record.line, columnNumber: column.map { $0 + 1 },
                        column: column.map { header[$0] }, reason: reason, fields: fields)))
        }
        guard fields.count == header.count else {
            reject(.fieldCount(expected: header.count, found: fields.count), column: nil)
            return
        }
        let raw = fields[outcomeIndex]
        let outcome: Double
        switch Self.reading(outcome: raw, missingCodes: missingCodes) {
        case .decided(let value):
            outcome = value
        case .open:
            rows.open += 1
            return
        case .notAnOutcome:
            let message =
                "'\(outcomeColumn)' is '\(raw)', which is not an outcome; write won or lost (or 1/0, yes/no, 赢单/输单), or leave it blank while the account is still open."
            rows.rejects.append(
                LearningReject(
                    file: table.file, line: record.line, columnNumber: outcomeIndex + 1, column: outcomeColumn,
                    code: "bad_outcome", message: message,
                    chineseMessage: "\(InputEcho.quoted(outcomeColumn)) 的值是 \(InputEcho.quoted(raw))，不是结果；请填写 赢单 或 输单（或 1/0），客户仍未结时留空。",
                    fields: fields))
            return
        }
        let id = idIndex.map { fields[$0] } ?? String(record.line)
        guard !missingCodes.matches(id) else {
            reject(.missingID, column: idIndex)
            return
        }
        if let failure = Self.readFactors(fields, readers: readers, missingCodes: missingCodes, into: &rows) {
            reject(failure.reason, column: failure.column)
            return
        }
        var stage: Int?
        if let stageIndex, !missingCodes.matches(fields[stageIndex]) {
            guard let value = Int(Self.trimmed(fields[stageIndex])), (1...5).contains(value) else {
                reject(.badStage(value: fields[stageIndex]), column: stageIndex)
                return
            }
            stage = value
        }
        // One hash for a new id (nearly every row): a repeated id gets its first line back.
        if let first = rows.firstLine.updateValue(record.line, forKey: id) {
            rows.firstLine[id] = first
            reject(.duplicateID(id: id, firstLine: first), column: idIndex)
            return
        }
        rows.appendRow(readers: readers, outcome: outcome, stage: stage, line: record.line, id: id, recordIndex: recordIndex)
    }

    /// What an outcome field says: won (1) or lost (0), an account still open (blank, an
    /// open word or a missing code), or not an outcome.
    enum OutcomeReading {
        case decided(Double)
        case open
        case notAnOutcome
    }

    static func reading(outcome raw: String, missingCodes: MissingCodes) -> OutcomeReading {
        let word = outcomeWord(raw)
        if HistoryLoader.wonWords.contains(word) {
            return .decided(1)
        } else if HistoryLoader.lostWords.contains(word) {
            return .decided(0)
        } else if HistoryLoader.openWords.contains(word) || missingCodes.matches(word) {
            return .open
        }
        return .notAnOutcome
    }

    /// Reads a decided record's factor fields into `rows.rowValues` and `rows.rowLabels`
    /// (missing codes are `NaN` or nil). Returns the first field that is not a number: the
    /// reason and its column; nil when every field reads.
    static func readFactors(
        _ fields: [String], readers: [FactorReader], missingCodes: MissingCodes, into rows: inout DecidedRows
    ) -> (reason: Reject.Reason, column: Int)? {
        for index in readers.indices {
            let column = readers[index].column
            let field = fields[column]
            if missingCodes.matches(field) {
                rows.rowValues[index] = .nan
                rows.rowLabels[index] = nil
            } else if readers[index].isCategorical {
                rows.rowLabels[index] = trimmed(field)
            } else {
                switch FieldReader.number(field, with: readers[index].numbers) {
                case .success(let value): rows.rowValues[index] = value
                case .failure(let reason): return (reason, column)
                }
            }
        }
        return nil
    }

    /// Reads one candidate column over the accepted decided records: numeric when at least
    /// ``numericShare`` of its present cells are numbers (the others then missing), else labels.
    ///
    /// - Parameters:
    ///   - index: The column's index in the header.
    ///   - fields: Its field in each accepted record, nil when blank or a missing code.
    ///   - lines: Each accepted record's line (to name the first cell that is not a number).
    func candidate(
        index: Int, name: String, fields: [String?], lines: [Int], file: String
    ) -> (LearningColumn, CandidateColumn) {
        // In the unit the base model gives the column (`column_units`, e.g. deal_value: wan),
        // which the learned factor keeps, so `kam rank` reads the column the same way.
        let reader = NumberReader(unit: model.columnUnits[name].flatMap(NumberUnit.init(rawValue:)) ?? .none)
        var numbers = [Double](repeating: .nan, count: fields.count)
        var present = 0
        var parsed = 0
        var firstUnreadable: String?
        for (row, field) in fields.enumerated() {
            guard let field else { continue }
            present += 1
            if case .success(let value) = reader.read(field) {
                numbers[row] = value
                parsed += 1
            } else if firstUnreadable == nil {
                firstUnreadable = "\(file):\(lines[row]):\(index + 1) '\(field)'"
            }
        }
        if present > 0, Double(parsed) >= Self.numericShare * Double(present) {
            return (
                LearningColumn(name: name, values: .numeric(numbers)),
                CandidateColumn(
                    name: name, kind: .numeric, present: present, unreadable: present - parsed,
                    firstUnreadable: present > parsed ? firstUnreadable : nil)
            )
        }
        return (
            LearningColumn(name: name, values: .categorical(CategoryLabels(fields.map { $0.map(Self.trimmed) }))),
            CandidateColumn(name: name, kind: .categorical, present: present, unreadable: 0, firstUnreadable: nil)
        )
    }

    /// `text` without spaces and tabs at either end (Unicode category Zs and U+0009, as
    /// `CharacterSet.whitespaces`); the text itself, without a Foundation call, when its ends
    /// are no such space (the common case: the CSV reader trims unquoted fields).
    static func trimmed(_ text: String) -> String {
        // ASCII ends other than a space or a tab: nothing to trim, without Unicode properties
        // (the last byte of a non-ASCII scalar is never ASCII).
        if let firstByte = text.utf8.first, let lastByte = text.utf8.last, firstByte < 0x80, lastByte < 0x80,
            firstByte != 0x20, firstByte != 0x09, lastByte != 0x20, lastByte != 0x09
        {
            return text
        }
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last else { return text }
        func isSpace(_ scalar: Unicode.Scalar) -> Bool {
            scalar == "\t" || scalar.properties.generalCategory == .spaceSeparator
        }
        guard isSpace(first) || isSpace(last) else { return text }
        return text.trimmingCharacters(in: .whitespaces)
    }

    /// The outcome field trimmed and lowercased (lowercasing skipped for text without
    /// uppercase ASCII letters or non-ASCII bytes).
    static func outcomeWord(_ raw: String) -> String {
        let word = trimmed(raw)
        if word.utf8.allSatisfy({ $0 < 0x80 && !(0x41...0x5A).contains($0) }) { return word }
        return word.lowercased()
    }
}

/// The candidate columns read in parallel, stored under a lock.
private final class CandidateResults: @unchecked Sendable {
    private var items: [(LearningColumn, LearningHistoryLoader.CandidateColumn)?]
    private let lock = NSLock()

    init(_ count: Int) { items = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ item: (LearningColumn, LearningHistoryLoader.CandidateColumn)) {
        lock.lock()
        items[index] = item
        lock.unlock()
    }

    func all() -> [(LearningColumn, LearningHistoryLoader.CandidateColumn)] {
        items.map { item in
            guard let item else { preconditionFailure("A candidate column was not read") }
            return item
        }
    }
}
