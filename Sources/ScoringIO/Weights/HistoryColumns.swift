import LinearAlgebra
import ScoringEngine

/// A history for `kam weights fit` in compact columns: every accepted account's raw factor
/// values and outcome, the rows that were rejected, and the counts the report gives.
///
/// Read by ``ProspectStream/readHistory(contentsOf:scorer:outcomeColumn:)`` (the streaming
/// reader of `kam rank`), or made from the in-memory loader's result
/// (``init(loaded:model:)``) for inputs that cannot be streamed (pipes, workbooks,
/// compressed or UTF-16 files). Both give the same values, rejects, messages and lines.
///
/// Memory: `8 × factors + 8` bytes per accepted account (no ids, names or strings are kept).
public struct HistoryColumns: Sendable {
    public let file: String
    public let header: [String]
    /// Records read (header excluded; blank lines are not records).
    public let rowsRead: Int
    /// Rows the model cannot score (``ProspectListLoader``'s rejects, duplicates included), in file order.
    public let rejects: [Reject]
    /// Accepted accounts whose outcome is not understood, in file order.
    public let outcomeRejects: [HistoryLoader.OutcomeReject]
    /// Accepted accounts still open (blank, open or a missing code).
    public let openCount: Int
    public let factorCount: Int
    /// Accepted accounts × factors, row-major: raw values in the factor's unit, category
    /// codes as doubles, NaN where missing. Empty after ``releaseColumns()``.
    public private(set) var raw: [Double]
    /// Per accepted account: 1 won, 0 lost, NaN open or not an outcome. Empty after
    /// ``releaseColumns()``.
    public private(set) var outcomes: [Double]

    public init(
        file: String, header: [String], rowsRead: Int, rejects: [Reject], outcomeRejects: [HistoryLoader.OutcomeReject],
        openCount: Int, factorCount: Int, raw: [Double], outcomes: [Double]
    ) {
        precondition(raw.count == outcomes.count * factorCount, "One raw row and one outcome per accepted account")
        self.file = file
        self.header = header
        self.rowsRead = rowsRead
        self.rejects = rejects
        self.outcomeRejects = outcomeRejects
        self.openCount = openCount
        self.factorCount = factorCount
        self.raw = raw
        self.outcomes = outcomes
    }

    /// The in-memory loader's history in columns.
    public init(loaded: HistoryLoader.Result, model: ScoringModel) {
        let batch = loaded.list.batch
        let factorCount = model.factors.count
        var raw = [Double](repeating: .nan, count: batch.count * factorCount)
        for (factor, column) in batch.factorColumns.enumerated() {
            switch column {
            case .numeric(let values):
                for (row, value) in values.enumerated() { raw[row * factorCount + factor] = value }
            case .categorical(let codes):
                for (row, code) in codes.enumerated() where code >= 0 { raw[row * factorCount + factor] = Double(code) }
            }
        }
        self.init(
            file: loaded.list.file, header: loaded.list.header, rowsRead: loaded.list.rowsRead,
            rejects: loaded.list.rejects, outcomeRejects: loaded.outcomeRejects, openCount: loaded.openCount,
            factorCount: factorCount, raw: raw, outcomes: loaded.outcomes.map { $0 ?? .nan })
    }

    public var acceptedCount: Int { outcomes.count }

    /// Frees the columns (once ``decided(model:)`` made the utilities), keeping the counts
    /// and rejects a report gives; the accepted and decided counts are then 0.
    public mutating func releaseColumns() {
        raw = []
        outcomes = []
    }

    /// Accounts with a won or lost outcome.
    public var decidedCount: Int { outcomes.reduce(0) { $0 + ($1.isNaN ? 0 : 1) } }

    /// The utilities and outcomes of the decided accounts, in file order.
    ///
    /// Batch-relative scales and the `mean` missing policy take their statistics from every
    /// accepted account, open ones included, as ``UtilityBuilder/build(_:)`` does on the
    /// loader's batch; the utilities are the same to the last bit (the same statistics,
    /// accumulated per factor in row order, and the same per-value formulas of
    /// ``UtilityTable``).
    ///
    /// - Complexity: O(accepted × factors).
    public func decided(model: ScoringModel) -> (utilities: Matrix, outcomes: [Double]) {
        precondition(model.factors.count == factorCount, "The history's model")
        let rawFactors = model.factors.indices.filter { model.factors[$0].scale.isBatchRelative }
        let meanFactors = model.factors.indices.filter { model.factors[$0].missing == .mean }
        var accumulator = StatisticsAccumulator(model: model, rawFactors: rawFactors)
        let rows = acceptedCount
        for row in 0..<rows {
            let base = row * factorCount
            for factor in rawFactors where !raw[base + factor].isNaN { accumulator.addRaw(raw[base + factor], factor: factor) }
        }
        if !meanFactors.isEmpty {
            let table = UtilityTable(model: model, statistics: accumulator.rawStatistics())
            for row in 0..<rows {
                let base = row * factorCount
                for factor in meanFactors where !raw[base + factor].isNaN {
                    let x = raw[base + factor]
                    let utility =
                        table.isCategorical(factor) ? table.utility(factor, ofCategory: Int32(x)) : table.utility(factor, of: x)
                    accumulator.addUtility(utility, factor: factor)
                }
            }
        }
        let statistics = accumulator.statistics()
        let builder = UtilityBuilder(model: model)
        let fills = model.factors.indices.map {
            builder.missingUtility(factor: model.factors[$0], meanUtility: statistics.meanUtility[$0])
        }
        let decidedOutcomes = outcomes.filter { !$0.isNaN }
        let table = UtilityTable(model: model, statistics: statistics)
        // The decided rows copied and converted in two halves side by side (each row's
        // utilities are its own, so the halves give the same bits as one pass); the second
        // half is appended to the first, which holds room for both.
        let halves = Self.halves(rows: rows, large: decidedOutcomes.count >= 100_000)
        let raw = self.raw
        let outcomes = self.outcomes
        let total = decidedOutcomes.count * factorCount
        var converted = parallelMap(halves.count) { half -> [Double] in
            var elements: [Double] = []
            elements.reserveCapacity(half == 0 ? total : total / 2 + factorCount)
            for row in halves[half] where !outcomes[row].isNaN {
                elements.append(contentsOf: raw[(row * factorCount)..<((row + 1) * factorCount)])
            }
            table.convertToUtilities(&elements, rows: elements.count / max(factorCount, 1), missingFill: fills)
            return elements
        }
        var elements = converted.removeFirst()  // moved out: appended to in place
        for part in converted { elements.append(contentsOf: part) }
        return (Matrix(rows: decidedOutcomes.count, columns: factorCount, elements: elements), decidedOutcomes)
    }

    /// The rows cut in two halves (one range when the input is small).
    static func halves(rows: Int, large: Bool) -> [Range<Int>] {
        large ? [0..<(rows / 2), (rows / 2)..<rows] : [0..<rows]
    }

}

/// What the history reader keeps of each accepted account as the stream's merger accepts
/// it (``StreamMerger/collector``): its raw row and outcome, in file order.
final class HistoryCollector: @unchecked Sendable {
    let factorCount: Int
    let file: String
    let outcomeColumn: Int
    let outcomeName: String
    var raw: [Double] = []
    var outcomes: [Double] = []
    var outcomeRejects: [HistoryLoader.OutcomeReject] = []
    var openCount = 0

    init(factorCount: Int, file: String, outcomeColumn: Int, outcomeName: String, expectedRows: Int) {
        self.factorCount = factorCount
        self.file = file
        self.outcomeColumn = outcomeColumn
        self.outcomeName = outcomeName
        raw.reserveCapacity(expectedRows * factorCount)
        outcomes.reserveCapacity(expectedRows)
    }

    /// Keeps candidate `candidate` of a chunk's rows, an accepted account on `line`.
    func add(_ rows: MappedChunk.Rows, candidate: Int, line: Int) {
        let base = candidate * factorCount
        raw.append(contentsOf: rows.raw[base..<(base + factorCount)])
        switch OutcomeWords.Kind(rawValue: rows.outcomes[candidate]) {
        case .won?: outcomes.append(1)
        case .lost?: outcomes.append(0)
        case .open?:
            outcomes.append(.nan)
            openCount += 1
        case .unknown?, nil:
            outcomes.append(.nan)
            outcomeRejects.append(
                HistoryLoader.OutcomeReject(
                    file: file, line: line, column: outcomeColumn + 1, value: rows.outcomeTexts[candidate] ?? "",
                    columnName: outcomeName))
        }
    }
}

extension ProspectStream {
    /// How a history read ended: its columns, or a header without the outcome column.
    enum HistoryRead {
        case columns(HistoryColumns)
        case noOutcomeColumn(header: [String])
    }

    /// Reads a history for `kam weights fit` with the streaming reader of `kam rank` (blocks
    /// mapped on worker threads, merged in file order) into compact columns.
    ///
    /// The same rows read, accepted and rejected (same messages, lines and columns, same
    /// order), the same outcome rejects and open count, and the same raw values as
    /// ``CSVReader`` + ``HistoryLoader/load(_:)``; the same errors in the same cases.
    ///
    /// - Precondition: the model has at most ``maximumFactors`` factors, and `path` can be
    ///   streamed (``canStream(_:)``).
    /// - Throws: ``DatasetError`` as the in-memory reader and loader would, or
    ///   ``WeightsFileError`` when the header has no outcome column.
    public func readHistory(contentsOf path: String, scorer: Scorer, outcomeColumn: String) throws -> HistoryColumns {
        precondition(model.factors.count <= Self.maximumFactors, "Stream models of at most 128 factors")
        precondition(scorer.model == model, "The scorer must be the stream's model's")
        let read = try withEncodingFallback(path: path) { encoding throws(Failure) in
            try readHistory(path: path, encoding: encoding, scorer: scorer, outcomeColumn: outcomeColumn)
        }
        switch read {
        case .columns(let columns):
            return columns
        case .noOutcomeColumn(let header):
            throw WeightsFileError(
                file: path, line: 1,
                message: HistoryLoader.missingOutcomeMessage(column: outcomeColumn, header: header))
        }
    }

    private func readHistory(
        path: String, encoding: TextEncoding, scorer: Scorer, outcomeColumn: String
    ) throws(Failure) -> HistoryRead {
        // Errors in the text come first, then a missing outcome column, then the model's
        // missing columns (the in-memory reader reads the whole file before either check).
        let setup = try self.setup(path: path, encoding: encoding)
        guard let outcomeIndex = setup.header.firstIndex(of: outcomeColumn) else {
            try scan(path: path, setup: setup)
            return .noOutcomeColumn(header: setup.header)
        }
        try requireColumns(of: ProspectListLoader(model: model), path: path, setup: setup)
        let plan = StreamPlan(
            model: model, header: setup.header, file: path, delimiter: setup.delimiter, scorer: scorer, scenario: 0)
        let expected = max(setup.estimatedRows, 1024)
        var merger = StreamMerger(
            plan: plan, scoring: false, registry: AccountRegistry(expectedCount: expected), knownMeans: nil,
            deferredLimit: 0, selection: .top(0), wanted: nil)
        let collector = HistoryCollector(
            factorCount: plan.factorCount, file: path, outcomeColumn: outcomeIndex, outcomeName: outcomeColumn,
            expectedRows: expected)
        merger.collector = collector
        var mapper = ChunkMapper(plan: plan, mode: .statistics, validatesUTF8: setup.validatesUTF8)
        mapper.keepsRaw = true
        mapper.outcome = (outcomeIndex, OutcomeWords(missingCodes: model.missingCodes))
        let worker = mapper
        try drive(
            path: path, setup: setup, work: { chunk in worker.map(chunk) },
            merge: { chunk, line in merger.merge(chunk, baseLine: line) })
        merger.collector = nil
        return .columns(
            HistoryColumns(
                file: path, header: setup.header, rowsRead: merger.rowsRead, rejects: merger.rejects,
                outcomeRejects: collector.outcomeRejects, openCount: collector.openCount,
                factorCount: plan.factorCount, raw: collector.raw, outcomes: collector.outcomes))
    }
}
