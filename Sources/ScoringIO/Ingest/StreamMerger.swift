import ScoringEngine

/// Where a record is: a chunk's entry in the block table, and its offset and length in the
/// chunk's (UTF-8) bytes.
struct RecordPosition: Sendable {
    var block: Int32
    var offset: Int32
    var length: Int32
}

/// Where a chunk's bytes come from in the file: its original bytes are
/// `file[fileOffset..<fileOffset + fileLength]`, and byte 0 of the chunk is byte
/// `convertedBase` of their UTF-8 text (0, except for chunks joined around a quoted field
/// that a block boundary cut).
struct BlockEntry: Sendable {
    var fileOffset: Int
    var fileLength: Int
    var convertedBase: Int
}

/// An accepted account as the ranking sees it.
struct RankedEntry {
    /// ``Grade/order`` under the ranked scenario.
    var grade: UInt8
    var key: Double
    /// The account's entry in the ``AccountRegistry`` (its id, for ties).
    var entry: Int
    var position: RecordPosition
    var line: Int
}

/// Merges mapped chunks in file order on one thread: the duplicate-id check, the whole
/// list's statistics and grade counts, the rejects in order, and the selection of the rows
/// to show (a bounded top-K, or every row when the whole ranking is wanted).
///
/// Rows missing a `mean` factor cannot be graded before the file's mean utilities are
/// known; they wait (their partial scores, completeness and position, about 100 bytes
/// each) and are graded at the end, unless more than `deferredLimit` wait, in which case
/// this pass only gathers statistics and another pass scores with them.
struct StreamMerger {
    let plan: StreamPlan
    let scoring: Bool
    private(set) var registry: AccountRegistry
    var accumulator: StatisticsAccumulator
    /// Mean utilities known before the pass (a later pass), so nothing waits.
    let knownMeans: [Double]?
    let deferredLimit: Int
    let order: RankingOrder
    /// Which grades (by order) are selected.
    let wanted: [Bool]

    private(set) var rowsRead = 0
    private(set) var accepted = 0
    private(set) var rejects: [Reject] = []
    private(set) var gradeCounts = [Int](repeating: 0, count: Grade.allCases.count)
    private(set) var top: TopSelection<RankedEntry>?
    /// Shrinks the top-K to `capacity` once more than `after` accounts are graded: a report
    /// keeps every row of a small list (its grade map draws each account), which a list of
    /// more than `after` accounts turns out not to need. `nil`: never.
    var trimsSelection: (after: Int, capacity: Int)?
    /// Every row (the whole ranking), in bounded memory: sorted runs spill to disk.
    private(set) var everyRow: RankedRuns?
    /// Whether too many rows waited for the means: the selection is void, another pass follows.
    private(set) var overflowed = false

    /// The rows waiting for the means (a `mean` factor missing), in order.
    private struct Waiting {
        var entries: [RankedEntry] = []
        var scores: [Double] = []
        var completeness: [Double] = []
        var dealValues: [Double] = []
        /// Row `w`'s missing `mean` factors are `factors[factorEnds[w - 1]..<factorEnds[w]]`.
        var factors: [Int32] = []
        var factorEnds: [Int] = []
        /// Their records, back to back (when every row is ranked, which carries records, or
        /// the rows are kept for a run history).
        var text: [UInt8] = []
        /// Where each waiting row's record starts in `text` (the entry keeps its position in
        /// the file, which a top-K reads the shown rows from).
        var textStarts: [Int] = []
        /// What the pass computed of each waiting row, when rows are kept for a run history.
        var scored: ScoredRows?
    }
    private var waiting = Waiting()
    /// One row of scores, reused.
    private var scratch: [Double]

    var mergeSeconds = 0.0
    var parseSeconds = 0.0
    var scoreSeconds = 0.0

    /// Where a statistics pass keeps each merged chunk's raw rows (with their registry
    /// entries), for ``mergeStored(_:stored:seconds:)`` to score later; `nil`: not kept.
    var spill: RawSpill?
    /// Why the raw rows could not be kept, if they could not (the pass is then void).
    private(set) var spillFailure: DatasetError?
    /// Where a statistics pass of `kam weights fit` keeps every accepted account's raw
    /// values and outcome in memory; `nil`: not kept.
    var collector: HistoryCollector?
    /// Where a scoring pass keeps every graded row with its record for a run history
    /// (``ProspectStream/Configuration/keepsRecords``); `nil`: not kept.
    var recorded: RecordedRows?
    /// Sees every graded account of a scoring pass (``AccountObserver``), a merged chunk's
    /// at a time; `nil`: none.
    var observer: (any AccountObserver)? {
        didSet { observing = observer != nil }
    }
    private var observing = false
    /// The graded accounts of the chunk being merged, for the observer.
    private var observed = ObservedAccounts()
    /// The candidates of the chunk being merged that were accepted, in order.
    private var acceptedRows: [Int] = []

    /// How rows are selected.
    enum Selection {
        /// The first `count` rows of the wanted grades.
        case top(Int)
        /// Every row (sorted at the end), keeping at most this many in memory (sorted runs
        /// of that many go to a temporary file).
        case every(runCapacity: Int)

        /// Whether every row is kept (each with its record's text).
        var keepsEveryRow: Bool {
            if case .every = self { return true }
            return false
        }
    }

    init(
        plan: StreamPlan, scoring: Bool, registry: AccountRegistry, knownMeans: [Double]?, deferredLimit: Int,
        selection: Selection, wanted: Set<Grade>?
    ) {
        self.plan = plan
        self.scoring = scoring
        self.registry = registry
        self.knownMeans = knownMeans
        self.deferredLimit = deferredLimit
        accumulator = StatisticsAccumulator(model: plan.model, rawFactors: plan.rawFactors)
        scratch = [Double](repeating: 0, count: plan.scoreColumns)
        let order = RankingOrder(model: plan.model)
        self.order = order
        self.wanted = Grade.allCases.map { wanted?.contains($0) ?? true }
        guard scoring else { return }
        switch selection {
        case .top(let count): top = TopSelection(capacity: count)
        case .every(let runCapacity):
            everyRow = RankedRuns(capacity: runCapacity, carriesRecords: true, keys: RankKeys(gradeFirst: order.gradeFirst))
        }
    }

    /// Whether the first entry ranks before the second (``RankingOrder``, with ids compared
    /// in the registry).
    @inline(__always)
    static func ranksBefore(
        _ first: RankedEntry, _ second: RankedEntry, order: RankingOrder, registry: AccountRegistry
    ) -> Bool {
        order.ranksBefore(gradeOrder: first.grade, key: first.key, second.grade, second.key) {
            registry.idPrecedes(first.entry, second.entry)
        }
    }

    /// Merges the rows of the next chunk, whose first record is on line `baseLine`.
    mutating func merge(_ chunk: MappedChunk, baseLine: Int) {
        let started = ChunkMapper.threadTime()
        parseSeconds += chunk.parseSeconds
        scoreSeconds += chunk.scoreSeconds
        rowsRead += chunk.recordsRead
        let width = plan.statisticsWidth
        let rawFactors = plan.rawFactors
        let meanFactors = plan.meanFactors
        let columns = plan.scoreColumns
        let idColumn = plan.idColumn
        let grader = Grader(plan: plan)
        var rejectIndex = 0
        var deferredIndex = 0
        let rows = chunk.rows
        let block = Int32(chunk.block)
        let keeping = spill != nil && spillFailure == nil
        let keepingText = keeping && spill?.keepsText == true
        var stored = RawSpill.Chunk()
        if keeping {
            precondition(rows.raw.count == rows.candidateCount * plan.factorCount, "The statistics pass kept raw rows")
            stored.block = block
            stored.raw = rows.raw
            stored.completeness = rows.completeness
            stored.lines.reserveCapacity(rows.candidateCount)
            stored.starts.reserveCapacity(rows.candidateCount)
            stored.lengths.reserveCapacity(rows.candidateCount)
            stored.entries.reserveCapacity(rows.candidateCount)
            stored.dealValues.reserveCapacity(rows.candidateCount)
        }
        defer {
            if keeping, let spill {
                do { try spill.append(stored) } catch { spillFailure = error }
            }
        }
        rows.idBytes.withByteView { ids in
            chunk.bytes.withByteView { text in
                let touchAhead = 32
                for candidate in 0..<rows.candidateCount {
                    if candidate % touchAhead == 0 && idColumn != nil {
                        let end = min(candidate + touchAhead, rows.candidateCount)
                        registry.touch(rows.candidates[candidate..<end].lazy.map(\.idHash))
                    }
                    let record = rows.candidates[candidate]
                    let relativeLine = Int(record.line)
                    while rejectIndex < rows.rejects.count && rows.rejects[rejectIndex].line < relativeLine {
                        rejects.append(rows.rejects[rejectIndex].movedDown(by: baseLine))
                        rejectIndex += 1
                    }
                    let line = baseLine + relativeLine
                    let isDeferred = record.grade == MappedChunk.deferredGrade
                    let deferred = isDeferred ? deferredIndex : -1
                    if isDeferred { deferredIndex += 1 }
                    let start = Int(record.recordStart)
                    let length = Int(record.recordLength)
                    if keeping {
                        stored.lines.append(line)
                        stored.starts.append(record.recordStart)
                        stored.lengths.append(record.recordLength)
                        stored.entries.append(-1)
                        stored.dealValues.append(record.dealValue)
                        if keepingText { stored.text.append(text.rebased(start..<(start + length))) }
                    }
                    let entry: Int
                    if let idColumn {
                        let idStart = candidate == 0 ? 0 : Int(rows.candidates[candidate - 1].idEnd)
                        let id = ids.rebased(idStart..<Int(record.idEnd))
                        switch registry.insert(id, hash: record.idHash, line: line) {
                        case .added(let added):
                            entry = added
                        case .duplicate(let firstLine):
                            let fields = StreamRecords.fields(
                                of: text, from: start, to: start + length, delimiter: plan.delimiter)
                            rejects.append(
                                Reject(
                                    file: plan.file, line: line, columnNumber: idColumn + 1,
                                    column: plan.header[idColumn],
                                    reason: .duplicateID(id: fields[idColumn], firstLine: firstLine), fields: fields))
                            continue
                        }
                    } else {
                        // '@line': the id is the line number, unique by construction.
                        entry = Array(String(line).utf8).withByteView {
                            registry.appendUnique($0, line: line)
                        }
                    }
                    accepted += 1
                    if keeping { stored.entries[candidate] = entry }
                    collector?.add(rows, candidate: candidate, line: line)
                    acceptedRows.append(candidate)
                    addMeanUtilities(of: candidate, in: rows, factors: meanFactors)
                    guard scoring, !overflowed else { continue }
                    var ranked = RankedEntry(
                        grade: record.grade, key: record.key, entry: entry,
                        position: RecordPosition(
                            block: block, offset: Int32(truncatingIfNeeded: start),
                            length: Int32(truncatingIfNeeded: length)),
                        line: line)
                    let recordText = text.rebased(start..<(start + length))
                    var scores = (value: record.value, difficulty: record.difficulty)
                    if deferred >= 0 {
                        let row = rows.deferredRow(deferred, columns: columns)
                        guard let graded = gradeWithKnownMeans(&ranked, row, grader: grader) else {
                            wait(
                                ranked, record: recordText, scores: row.scores, completeness: row.completeness,
                                factors: row.factors, dealValue: record.dealValue, scored: rows.scored,
                                scoredRow: candidate)
                            continue
                        }
                        scores = graded
                    }
                    select(
                        ranked, record: recordText, scores: scores, dealValue: record.dealValue, scored: rows.scored,
                        scoredRow: candidate)
                }
                while rejectIndex < rows.rejects.count {
                    rejects.append(rows.rejects[rejectIndex].movedDown(by: baseLine))
                    rejectIndex += 1
                }
            }
        }
        // The raw statistics of the accepted rows, in row order, a factor at a time: from the
        // statistics inputs, or from the raw rows a statistics pass kept instead.
        if !rawFactors.isEmpty {
            if rows.statisticsStride > meanFactors.count {
                accumulator.addRaw(rows.statistics, width: width, rows: acceptedRows)
            } else if !scoring && !rows.raw.isEmpty {
                accumulator.addRaw(rows.raw, width: plan.factorCount, columns: rawFactors, rows: acceptedRows)
            }
        }
        acceptedRows.removeAll(keepingCapacity: true)
        showObserved()
        trimSelection()
        mergeSeconds += ChunkMapper.threadTime() - started
    }

    /// Merges the rows of a stored chunk (``RawSpill``) that ``ChunkMapper/score(_:)`` scored:
    /// the `mean` utilities, grade counts and selection, exactly as ``merge(_:baseLine:)``
    /// would have merged the chunk read again from the file. Ids, duplicates, rows read and
    /// rejects are the statistics pass's (its registry is this merger's).
    mutating func mergeStored(_ rows: MappedChunk.Rows, stored: RawSpill.Chunk, seconds: Double) {
        let started = ChunkMapper.threadTime()
        scoreSeconds += seconds
        let meanFactors = plan.meanFactors
        let columns = plan.scoreColumns
        let grader = Grader(plan: plan)
        var deferredIndex = 0
        var textEnd = 0
        let carries = everyRow != nil || recorded != nil
        precondition(
            !carries || stored.text.count >= stored.lengths.reduce(0) { $0 + Int($1) },
            "Stored rows keep their text for a ranking of every row")
        for candidate in 0..<stored.count {
            let record = rows.candidates[candidate]
            let isDeferred = record.grade == MappedChunk.deferredGrade
            let deferred = isDeferred ? deferredIndex : -1
            if isDeferred { deferredIndex += 1 }
            let textStart = textEnd
            if carries { textEnd += Int(stored.lengths[candidate]) }
            let entry = stored.entries[candidate]
            guard entry >= 0 else { continue }  // a duplicate id (rejected in the first pass)
            addMeanUtilities(of: candidate, in: rows, factors: meanFactors)
            guard scoring, !overflowed else { continue }
            var ranked = RankedEntry(
                grade: record.grade, key: record.key, entry: entry,
                position: RecordPosition(
                    block: stored.block, offset: stored.starts[candidate], length: stored.lengths[candidate]),
                line: stored.lines[candidate])
            let dealValue = stored.dealValues[candidate]
            var scores = (value: record.value, difficulty: record.difficulty)
            if deferred >= 0 {
                let row = rows.deferredRow(deferred, columns: columns)
                guard let graded = gradeWithKnownMeans(&ranked, row, grader: grader) else {
                    stored.text.withByteView { text in
                        wait(
                            ranked, record: text.rebased(textStart..<textEnd), scores: row.scores,
                            completeness: row.completeness, factors: row.factors, dealValue: dealValue,
                            scored: rows.scored, scoredRow: candidate)
                    }
                    continue
                }
                scores = graded
            }
            if carries {
                stored.text.withByteView { text in
                    select(
                        ranked, record: text.rebased(textStart..<textEnd), scores: scores,
                        dealValue: dealValue, scored: rows.scored, scoredRow: candidate)
                }
            } else {
                select(ranked, record: nil, scores: scores, dealValue: dealValue, scored: nil, scoredRow: 0)
            }
        }
        showObserved()
        trimSelection()
        mergeSeconds += ChunkMapper.threadTime() - started
    }

    /// What grading a row that waited for the means needs, taken out of the plan once (so
    /// that the per-row path copies nothing).
    struct Grader {
        let scorer: Scorer
        let rows: RowGrader

        init(plan: StreamPlan) {
            scorer = plan.scorer
            rows = RowGrader(scorer: plan.scorer, grading: plan.model.grading, scenario: plan.scenario)
        }

        /// Adds the mean fills to a row of scores, then grades it and computes its key; also
        /// returns its value and difficulty.
        func grade(
            _ scores: inout [Double], row: Int, factors: ArraySlice<Int32>, means: [Double], completeness: Double
        ) -> (grade: UInt8, key: Double, value: Double, difficulty: Double) {
            scorer.addMeanFills(factors.lazy.map(Int.init), meanUtility: means, to: &scores, row: row)
            return rows.graded(scores, row: row, completeness: completeness)
        }
    }

    /// Adds a candidate's `mean` utilities (``MappedChunk/Rows/meanUtilitiesStart(of:meanCount:)``)
    /// to the accumulator, leaving out the missing (NaN) ones.
    @inline(__always)
    private mutating func addMeanUtilities(of candidate: Int, in rows: MappedChunk.Rows, factors: [Int]) {
        guard let start = rows.meanUtilitiesStart(of: candidate, meanCount: factors.count) else { return }
        for (position, factor) in factors.enumerated() {
            let utility = rows.statistics[start + position]
            if !utility.isNaN { accumulator.addUtility(utility, factor: factor) }
        }
    }

    /// Grades a row that lacked a `mean` factor once the batch means are known (mean fills
    /// added to its scores) and returns its value and difficulty; `nil`, with `ranked`
    /// untouched, while they are not.
    private mutating func gradeWithKnownMeans(
        _ ranked: inout RankedEntry, _ row: (factors: ArraySlice<Int32>, scores: ArraySlice<Double>, completeness: Double),
        grader: Grader
    ) -> (value: Double, difficulty: Double)? {
        guard let knownMeans else { return nil }
        scratch.replaceSubrange(0..<row.scores.count, with: row.scores)
        let graded = grader.grade(&scratch, row: 0, factors: row.factors, means: knownMeans, completeness: row.completeness)
        (ranked.grade, ranked.key) = (graded.grade, graded.key)
        return (graded.value, graded.difficulty)
    }

    private mutating func wait(
        _ entry: RankedEntry, record: ByteView, scores: ArraySlice<Double>, completeness: Double,
        factors: ArraySlice<Int32>, dealValue: Double, scored: ScoredRows?, scoredRow: Int
    ) {
        guard waiting.entries.count < deferredLimit else {
            // Too many rows wait: drop them and the selection; another pass scores with the means.
            overflowed = true
            waiting = Waiting()
            top = nil
            everyRow = nil
            recorded = nil
            return
        }
        if everyRow != nil || recorded != nil {
            waiting.textStarts.append(waiting.text.count)
            waiting.text.append(record)
        }
        if recorded != nil, let scored {
            if waiting.scored == nil { waiting.scored = ScoredRows(factorCount: scored.factorCount) }
            waiting.scored?.append(scoredRow, of: scored)
        }
        waiting.entries.append(entry)
        waiting.scores.append(contentsOf: scores)
        waiting.completeness.append(completeness)
        waiting.dealValues.append(dealValue)
        waiting.factors.append(contentsOf: factors)
        waiting.factorEnds.append(waiting.factors.count)
    }

    /// Shrinks the top-K as ``trimsSelection`` says, once enough accounts are graded.
    private mutating func trimSelection() {
        guard let trim = trimsSelection, var selection = top, gradeCounts.reduce(0, +) > trim.after else { return }
        trimsSelection = nil
        top = nil  // (so that the selection is not copied while it changes)
        let registry = self.registry
        let order = self.order
        selection.shrink(to: trim.capacity) { first, second in
            Self.ranksBefore(first, second, order: order, registry: registry)
        }
        top = selection
    }

    /// Shows the observer the accounts graded since it was last called (one call per merged
    /// chunk: a call per account cost more than the observer's own work).
    private mutating func showObserved() {
        guard observing, observed.count > 0 else { return }
        var accounts = ObservedAccounts()
        swap(&accounts, &observed)
        observer?.observe(accounts)
        accounts.removeAll()
        observed = accounts
    }

    /// Counts a graded row, keeps it for the observer (with its scores and deal value, NaN
    /// when missing) and offers it to the selection (with its record's text, which a ranking
    /// of every row carries).
    ///
    /// - Parameters:
    ///   - scored: What the pass computed of the row (its row `scoredRow`), which a run
    ///     history keeps; `nil` when not kept.
    private mutating func select(
        _ entry: RankedEntry, record: ByteView?, scores: (value: Double, difficulty: Double),
        dealValue: Double, scored: ScoredRows?, scoredRow: Int
    ) {
        gradeCounts[Int(entry.grade)] += 1
        if let recorded {
            guard let record, let scored else { preconditionFailure("A row kept for a run history carries its record and utilities") }
            recorded.append(entry, record: record, scored: scored, row: scoredRow)
        }
        if observing {
            observed.append(
                gradeOrder: entry.grade, value: scores.value, difficulty: scores.difficulty, dealValue: dealValue,
                line: entry.line)
        }
        if let everyRow {
            let registry = self.registry
            let order = self.order
            everyRow.append(entry, record: record) { first, second in
                Self.ranksBefore(first, second, order: order, registry: registry)
            }
        } else if wanted[Int(entry.grade)], top != nil {
            // Most rows rank after the worst one kept: settle them without the id (and
            // without copying the selection).
            if let threshold = top?.threshold {
                if order.gradeFirst, entry.grade != threshold.grade {
                    if entry.grade > threshold.grade { return }
                } else if entry.key < threshold.key {
                    return
                }
            }
            guard var selection = top else { return }
            top = nil  // (so that the selection is not copied while it changes)
            let registry = self.registry
            let order = self.order
            selection.offer(entry) { first, second in
                Self.ranksBefore(first, second, order: order, registry: registry)
            }
            top = selection
        }
    }

    /// Grades the rows that waited for the means, now that the file is read.
    mutating func finish(means: [Double]) {
        guard scoring, !overflowed else { return }
        var rows = Waiting()
        swap(&rows, &waiting)
        let carries = everyRow != nil || recorded != nil
        let grader = Grader(plan: plan)
        rows.text.withByteView { text in
            for (index, var entry) in rows.entries.enumerated() {
                let start = index == 0 ? 0 : rows.factorEnds[index - 1]
                let graded = grader.grade(
                    &rows.scores, row: index, factors: rows.factors[start..<rows.factorEnds[index]], means: means,
                    completeness: rows.completeness[index])
                (entry.grade, entry.key) = (graded.grade, graded.key)
                let textStart = carries ? rows.textStarts[index] : 0
                select(
                    entry,
                    record: !carries ? nil : text.rebased(textStart..<(textStart + Int(entry.position.length))),
                    scores: (graded.value, graded.difficulty), dealValue: rows.dealValues[index], scored: rows.scored,
                    scoredRow: index)
            }
        }
        showObserved()
    }

    /// The selected rows in rank order, each with its rank in the whole list, at most `limit`.
    ///
    /// - Throws: `DatasetError.unreadable` if the ranking's temporary runs could not be
    ///   written or read back.
    func ranked(limit: Int) throws(DatasetError) -> [(rank: Int, entry: RankedEntry)] {
        let ranking = try self.ranking(limit: limit)
        var result: [(rank: Int, entry: RankedEntry)] = []
        while let next = try ranking.next() { result.append(next) }
        return result
    }

    /// The selected rows in rank order, each with its rank in the whole list, at most
    /// `limit`, read one at a time (the whole ranking may be larger than memory).
    ///
    /// - Throws: `DatasetError.unreadable` if the ranking's temporary runs could not be written.
    func ranking(limit: Int) throws(DatasetError) -> Ranking {
        let registry = self.registry
        let order = self.order
        let ranksBefore: (RankedEntry, RankedEntry) -> Bool = { first, second in
            Self.ranksBefore(first, second, order: order, registry: registry)
        }
        if let everyRow {
            return Ranking(merge: try everyRow.sorted(ranksBefore: ranksBefore), listed: [], limit: limit, wanted: wanted)
        }
        guard let top else { return Ranking(merge: nil, listed: [], limit: limit, wanted: wanted) }
        // Top-K mode: no grade filter, or grades first. A row's rank is the number of rows of
        // better grades (all of which rank before it, wanted or not) plus its place among the
        // selected rows of its own grade (all rows of a wanted grade are candidates).
        let rows = top.sorted(by: ranksBefore)
        var result: [(rank: Int, entry: RankedEntry)] = []
        var placeInGrade = [Int](repeating: 0, count: gradeCounts.count)
        let filtered = wanted.contains(false)
        for (position, entry) in rows.enumerated() {
            let grade = Int(entry.grade)
            placeInGrade[grade] += 1
            let rank = filtered ? gradeCounts[0..<grade].reduce(0, +) + placeInGrade[grade] : position + 1
            result.append((rank, entry))
        }
        return Ranking(merge: nil, listed: result, limit: limit, wanted: wanted)
    }

    /// The rows to show in rank order, with their ranks, one at a time: from the merged runs
    /// of every row (keeping the wanted grades, ranked among all rows), or from a sorted
    /// top-K.
    final class Ranking {
        private let merge: RankedRuns.Merge?
        private let listed: [(rank: Int, entry: RankedEntry)]
        private var listedPosition = 0
        /// Rows of the whole ranking read so far (from `merge`).
        private var position = 0
        private var produced = 0
        private let limit: Int
        private let wanted: [Bool]

        init(merge: RankedRuns.Merge?, listed: [(rank: Int, entry: RankedEntry)], limit: Int, wanted: [Bool]) {
            self.merge = merge
            self.listed = listed
            self.limit = limit
            self.wanted = wanted
        }

        /// Whether ``next(appendingRecordTo:)`` hands out the rows' records (a ranking of every row).
        var carriesRecords: Bool { merge?.carriesRecords ?? false }

        /// The next row to show, or `nil` after the last.
        func next() throws(DatasetError) -> (rank: Int, entry: RankedEntry)? {
            var none: [UInt8] = []
            return try advance(record: &none, wantsRecord: false)
        }

        /// The next row to show, or `nil` after the last; when the ranking carries records,
        /// appends the row's record to `record`.
        func next(appendingRecordTo record: inout [UInt8]) throws(DatasetError) -> (rank: Int, entry: RankedEntry)? {
            try advance(record: &record, wantsRecord: true)
        }

        private func advance(record: inout [UInt8], wantsRecord: Bool) throws(DatasetError) -> (rank: Int, entry: RankedEntry)? {
            guard produced < limit else { return nil }
            if let merge {
                while true {
                    let mark = record.count
                    let next = wantsRecord ? try merge.next(appendingRecordTo: &record) : try merge.next()
                    guard let entry = next else { return nil }
                    position += 1
                    if wanted[Int(entry.grade)] {
                        produced += 1
                        return (position, entry)
                    }
                    record.removeSubrange(mark...)
                }
            }
            guard listedPosition < listed.count else { return nil }
            produced += 1
            listedPosition += 1
            return listed[listedPosition - 1]
        }
    }
}
