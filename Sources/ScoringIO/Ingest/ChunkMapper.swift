import ScoringEngine

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Maps one chunk of a prospect list onto the model, on a worker thread: splits records
/// and fields with ``FieldScanner``, reads the id, factor, stage and deal value fields
/// from their bytes, builds each candidate's utility row, scores panels of 256 rows with
/// one BLAS product each, and grades them.
///
/// The per-row checks and their order are ``RowMapper``'s (field count, id, factors in
/// model order, stage, deal value); a row that fails any of them is handed to
/// ``RowMapper`` to make its reject, so rejects read exactly as the in-memory loader's.
struct ChunkMapper: Sendable {
    /// What a pass computes.
    enum Mode: Sendable {
        /// Only the raw statistics of batch-relative factors (a first pass).
        case statistics
        /// Utilities, scores, grades and keys, with the given utility functions.
        case scoring(UtilityTable)
    }

    let plan: StreamPlan
    let mode: Mode
    /// Whether the chunk's bytes must be checked as UTF-8.
    let validatesUTF8: Bool
    /// Whether a statistics pass also keeps every candidate's raw factor values and
    /// completeness (``MappedChunk/Rows/raw``), so that the rows can be scored later without
    /// parsing them again (``score(_:)``).
    var keepsRaw = false
    /// A column outside the model whose field a statistics pass that keeps raw rows also
    /// reads for each candidate: `kam weights fit`'s outcome (``OutcomeWords``), kept as
    /// ``MappedChunk/Rows/outcomes``.
    var outcome: (column: Int, words: OutcomeWords)?
    /// Whether a scoring pass also keeps the utilities it computed of every candidate
    /// (``MappedChunk/Rows/scored``), so that a run history records the accounts without
    /// reading their factor values again.
    var keepsScored = false
    /// Whether a numeric factor's field that is a plain number (an optional sign, digits, an
    /// optional fraction) is read as it is scanned, each byte once
    /// (``FieldScanner/nextSimpleNumber(_:)``), rather than scanned for its end and then read.
    /// The same values, checks and rejects either way; off only to test that.
    var fusesNumbers = true

    static let panelRows = 256

    /// Seconds on a monotonic clock.
    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }

    /// Seconds of processor time used by the calling thread (what `--timings` reports per
    /// part, so that other programs on a shared machine do not inflate it).
    static func threadTime() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }

    /// The (relative) line of a field longer than ``ReadLimits/fieldBytes`` in the record at
    /// `range`, or `nil`. Only a record longer than the limit is parsed again (rarely, and
    /// with ``CSVParser``, which checks every field), so the common case costs one compare.
    @inline(__always)
    static func longFieldLine(
        _ buffer: ByteView, _ range: Range<Int>, line: Int, delimiter: UInt8
    ) -> Int? {
        let limits = ReadLimits.current
        guard range.count > limits.fieldBytes else { return nil }
        var parser = CSVParser(bytes: Array(buffer[range]), start: 0, line: line, delimiter: delimiter, validatesUTF8: false)
        parser.limits = limits
        do {
            _ = try parser.nextRecord(expectedFieldCount: 16)
        } catch {
            if case .fieldTooLong(let tooLong) = error { return tooLong }
        }
        return nil
    }

    /// Only splits the chunk's records (converting and checking its text first), to find
    /// errors in the file's text: sets the chunk's failure, line count and record count.
    static func scan(_ chunk: MappedChunk, delimiter: UInt8, validatesUTF8: Bool) {
        if chunk.needsConversion && !convert(chunk) { return }
        chunk.bytes.withByteView { buffer in
            let invalidOffset =
                validatesUTF8 ? UTF8Validation.firstInvalidOffset(in: buffer, range: chunk.start..<buffer.count) : nil
            var scanner = FieldScanner(bytes: buffer, start: chunk.start, line: 0, delimiter: delimiter)
            while scanner.skipBlankLines() {
                let recordStart = scanner.position
                let recordLine = scanner.line
                do throws(FieldScanner.Failure) {
                    try scanner.skipRestOfRecord()
                } catch {
                    chunk.stop(at: error, recordStart: recordStart, recordLine: recordLine, invalidOffset: invalidOffset)
                    return
                }
                if chunk.stops(
                    buffer: buffer, record: recordStart..<scanner.position, line: recordLine, invalidOffset: invalidOffset,
                    delimiter: delimiter)
                {
                    return
                }
                chunk.recordsRead &+= 1
            }
            chunk.lineCount = scanner.line
        }
    }

    /// Converts a GB18030 chunk to UTF-8 in place; on failure records it and returns `false`.
    static func convert(_ chunk: MappedChunk) -> Bool {
        do {
            chunk.bytes = try Iconv.convert(chunk.bytes, from: "GB18030", to: "UTF-8")
            return true
        } catch {
            switch error {
            case .invalidSequence(let offset):
                chunk.original = chunk.bytes
                chunk.failure = .undecodable(originalOffset: offset)
            case .unavailable:
                chunk.failure = .undecodable(originalOffset: -1)
            }
            return false
        }
    }

    /// Maps the chunk in place.
    func map(_ chunk: MappedChunk) {
        let started = Self.threadTime()
        if chunk.needsConversion && !Self.convert(chunk) { return }
        chunk.bytes.withByteView { buffer in
            var state = State(plan: plan, mode: mode, keepsScored: keepsScored)
            state.keepsRaw = keepsRaw
            state.fusesNumbers = fusesNumbers && FieldScanner.fusesNumbers(delimiter: plan.delimiter)
            if let outcome {
                state.outcome = outcome
                state.readsColumn[outcome.column] = true
            }
            state.run(chunk, buffer: buffer, validatesUTF8: validatesUTF8)
        }
        chunk.parseSeconds = Self.threadTime() - started - chunk.scoreSeconds
    }

    /// Scores rows a statistics pass kept (``RawSpill``) as a scoring pass would have
    /// scored them from the file: the same rows in the same panels of ``panelRows``, so the
    /// same utilities, products, grades and keys to the last bit.
    ///
    /// - Returns: The chunk's rows with grades, keys, `mean` utilities and deferred rows
    ///   (positions, ids and rejects are the stored chunk's), and the processor time spent.
    func score(_ stored: RawSpill.Chunk) -> (rows: MappedChunk.Rows, seconds: Double) {
        let started = Self.threadTime()
        var state = State(plan: plan, mode: mode, keepsScored: keepsScored)
        var storage = [Double](repeating: 0, count: ChunkMapper.panelRows * plan.factorCount)
        storage.withPanelView { panel in state.score(stored, panel: panel) }
        return (state.rows, Self.threadTime() - started)
    }

    /// The per-chunk working state: one row's values, the current panel, and the chunk's
    /// outputs.
    ///
    /// The panel of raw rows (values, category codes, NaN where missing) is written through
    /// a buffer borrowed from its array for the whole chunk (`withUnsafeMutableBufferPointer`),
    /// and which factors are present is a bit set, so that the per-field path makes no
    /// copy-on-write checks. A scoring pass hands a full panel to the engine's kernel
    /// (``PanelScoring``: utilities factor by factor, so that each factor's formula is chosen
    /// once per panel rather than once per field, then one BLAS product), and reads each row's
    /// grade and key with ``RowGrader``.
    private struct State {
        let plan: StreamPlan
        let scoring: Bool
        let kernel: PanelScoring
        let rowGrader: RowGrader
        let factorCount: Int
        let width: Int
        /// Per column: whether its field is read while streaming (its step is not `skip`, or
        /// it is the outcome column).
        var readsColumn: [Bool]
        /// The outcome column and its words, and the current row's outcome field.
        var outcome: (column: Int, words: OutcomeWords)?
        var outcomeText: [UInt8] = []
        // The current row: which factors are present (bit f of word f / 64), its id: the
        // chunk's bytes `idRange` when they are in NFC already (the common case), otherwise
        // a normalized (or unquoted) copy in `idBuffer`.
        var present: (UInt64, UInt64) = (0, 0)
        var idBuffer: [UInt8] = []
        var idRange = 0..<0
        var idInBuffer = false
        var hasID = false
        /// The current row's deal value (NaN when missing).
        var dealValue = Double.nan
        // The current panel: `panelCount` rows of raw values in the borrowed panel buffer;
        // `blasPanel` receives their utilities.
        var panelCount = 0
        var panelCompleteness: [Double] = []
        var blasPanel: [Double] = []
        var scores: [Double] = []
        // The outputs.
        var rows = MappedChunk.Rows()
        var recordsRead = 0
        var scoreSeconds = 0.0
        /// Whether a statistics pass keeps raw rows (see ``ChunkMapper/keepsRaw``).
        var keepsRaw = false
        /// Whether plain numbers are read as their fields are scanned (``ChunkMapper/fusesNumbers``).
        var fusesNumbers = true

        init(plan: StreamPlan, mode: Mode, keepsScored: Bool) {
            precondition(plan.factorCount <= 128, "The streaming reader supports models of up to 128 factors")
            self.plan = plan
            if keepsScored { rows.scored = ScoredRows(factorCount: plan.factorCount) }
            switch mode {
            case .statistics:
                // (Never evaluated: a statistics pass reads raw values only.)
                let count = plan.factorCount
                let unknown = [Double](repeating: .nan, count: count)
                scoring = false
                let unused = UtilityTable(
                    model: plan.model,
                    statistics: UtilityBuilder.Statistics(
                        minimum: unknown, maximum: unknown, mean: unknown, standardDeviation: unknown,
                        meanUtility: [Double](repeating: 0.5, count: count)))
                kernel = PanelScoring(table: unused, scorer: plan.scorer, missingFill: plan.missingFill)
            case .scoring(let table):
                scoring = true
                kernel = PanelScoring(table: table, scorer: plan.scorer, missingFill: plan.missingFill)
            }
            rowGrader = RowGrader(scorer: plan.scorer, grading: plan.model.grading, scenario: plan.scenario)
            factorCount = plan.factorCount
            width = plan.statisticsWidth
            readsColumn = plan.steps.map { $0.kind != .skip }
        }

        /// Values per candidate in ``MappedChunk/Rows/statistics``: a scoring pass keeps the
        /// `mean` utilities only; a statistics pass the raw values and NaN `mean` utilities
        /// (``StreamPlan/statisticsWidth``), or nothing when it keeps raw rows, which hold the
        /// same raw values (writing them twice cost a fresh array per chunk and its page faults).
        var statisticsStride: Int { scoring ? plan.meanFactors.count : keepsRaw ? 0 : width }

        @inline(__always)
        func isPresent(_ factor: Int) -> Bool {
            factor < 64 ? present.0 & (1 << UInt64(factor)) != 0 : present.1 & (1 << UInt64(factor - 64)) != 0
        }

        @inline(__always)
        mutating func markPresent(_ factor: Int) {
            if factor < 64 { present.0 |= 1 << UInt64(factor) } else { present.1 |= 1 << UInt64(factor - 64) }
        }

        mutating func run(_ chunk: MappedChunk, buffer: ByteView, validatesUTF8: Bool) {
            var storage = [Double](repeating: 0, count: ChunkMapper.panelRows * factorCount)
            storage.withPanelView { panel in
                run(chunk, buffer: buffer, panel: panel, validatesUTF8: validatesUTF8)
            }
        }

        mutating func run(
            _ chunk: MappedChunk, buffer: ByteView, panel: PanelView,
            validatesUTF8: Bool
        ) {
            let invalidOffset =
                validatesUTF8 ? UTF8Validation.firstInvalidOffset(in: buffer, range: chunk.start..<buffer.count) : nil
            var scanner = FieldScanner(bytes: buffer, start: chunk.start, line: 0, delimiter: plan.delimiter)
            let columnCount = plan.columnCount
            // Room for as many records as the chunk holds at two bytes per column (plain-
            // number lists have more), so that the arrays do not grow by copying; room never
            // touched costs no memory.
            let estimate = buffer.count / Swift.max(2 * columnCount, 16) + 16
            rows.candidates.reserveCapacity(estimate)
            rows.statisticsStride = statisticsStride
            rows.statistics.reserveCapacity(estimate * statisticsStride)
            rows.idBytes.reserveCapacity(estimate * 12)
            if keepsRaw {
                rows.raw.reserveCapacity(estimate * factorCount)
                rows.completeness.reserveCapacity(estimate)
            }
            rows.scored?.reserveCapacity(estimate)
            defer {
                flushPanel(panel)
                chunk.rows = rows
                chunk.recordsRead = recordsRead
                chunk.scoreSeconds = scoreSeconds
            }

            while scanner.skipBlankLines() {
                let recordStart = scanner.position
                let recordLine = scanner.line
                var column = 0
                var failed = false
                do throws(FieldScanner.Failure) {
                    (column, failed) = try readRecord(&scanner, buffer: buffer, panel: panel)
                } catch {
                    chunk.stop(at: error, recordStart: recordStart, recordLine: recordLine, invalidOffset: invalidOffset)
                    return
                }
                let recordEnd = scanner.position
                if chunk.stops(
                    buffer: buffer, record: recordStart..<recordEnd, line: recordLine, invalidOffset: invalidOffset,
                    delimiter: plan.delimiter)
                {
                    return
                }
                recordsRead &+= 1
                if failed || column != columnCount {
                    reject(buffer: buffer, start: recordStart, end: recordEnd, line: recordLine)
                } else {
                    accept(buffer: buffer, start: recordStart, end: recordEnd, line: recordLine, panel: panel)
                }
            }
            chunk.lineCount = scanner.line
        }

        /// Reads the fields of the record at the scanner's position, applying each column's
        /// step, and moves past the record.
        ///
        /// A function of its own, not inlined into ``run(_:buffer:panel:validatesUTF8:)``, and
        /// numeric and categorical fields (most of them) go to the small
        /// ``readNumber(field:in:step:panel:)`` and ``readCategory(field:in:step:panel:)``
        /// rather than the general ``read(field:in:column:panel:)``: the optimizer inlines
        /// the scanner and the number reader into small functions but not into large ones,
        /// and the general function's call costs more than its work on a number or a label.
        ///
        /// - Returns: The number of fields, and whether a check failed (the fields after
        ///   the failed one are skipped).
        /// - Throws: `Failure.openQuote` when the buffer ends inside a quoted field.
        @inline(never)
        mutating func readRecord(
            _ scanner: inout FieldScanner, buffer: ByteView, panel: PanelView
        ) throws(FieldScanner.Failure) -> (columns: Int, failed: Bool) {
            let columnCount = plan.columnCount
            var column = 0
            var failed = false
            hasID = false
            dealValue = .nan
            present = (0, 0)
            while true {
                guard column < columnCount && !failed && readsColumn[column] else {
                    // A column not read while streaming (or the rest of a failed row).
                    let endsRecord = try scanner.skipField()
                    column &+= 1
                    if endsRecord { break }
                    continue
                }
                let step = plan.steps[column]
                if step.kind == .number && fusesNumbers, let (field, value) = scanner.nextSimpleNumber(step.reader) {
                    // A plain number: read as the field is scanned (most fields of a numeric list).
                    if let outcome, column == outcome.column { keepOutcome(field, of: scanner, buffer: buffer) }
                    if let passes = readMissing(field: field, in: buffer, step: step, panel: panel) {
                        failed = !passes
                    } else {
                        failed = !store(value, step: step, panel: panel)
                    }
                    column &+= 1
                    if field.endsRecord { break }
                    continue
                }
                let field = try scanner.nextField()
                if let outcome, column == outcome.column { keepOutcome(field, of: scanner, buffer: buffer) }
                if field.inScratch {
                    failed = !readScratch(field: field, of: scanner, column: column, panel: panel)
                } else {
                    // Numbers and labels (most fields) here; the other kinds in `read`.
                    if step.kind == .number {
                        failed = !readNumber(field: field, in: buffer, step: step, panel: panel)
                    } else if step.kind == .category {
                        failed = !readCategory(field: field, in: buffer, step: step, panel: panel)
                    } else {
                        failed = !read(field: field, in: buffer, column: column, panel: panel)
                    }
                }
                column &+= 1
                if field.endsRecord { break }
            }
            return (column, failed)
        }

        /// Copies the outcome column's field of the current record (a few bytes).
        @inline(never)
        mutating func keepOutcome(_ field: FieldScanner.Field, of scanner: FieldScanner, buffer: ByteView) {
            outcomeText.removeAll(keepingCapacity: true)
            if field.inScratch {
                outcomeText.append(contentsOf: scanner.scratch[field.start..<field.end])
            } else {
                outcomeText.append(buffer.rebased(field.start..<field.end))
            }
        }

        /// ``read(field:in:column:panel:)`` for a field held in the scanner's scratch buffer
        /// (a quoted field whose quotes were collapsed): rare, so kept out of the loop.
        @inline(never)
        mutating func readScratch(
            field: FieldScanner.Field, of scanner: FieldScanner, column: Int, panel: PanelView
        ) -> Bool {
            scanner.scratch.withByteView { scratch in
                read(field: field, in: scratch, column: column, panel: panel)
            }
        }

        /// Applies the column's step to a field. Returns `false` when a check fails.
        @inline(__always)
        mutating func read(
            field: FieldScanner.Field, in text: ByteView, column: Int,
            panel: PanelView
        ) -> Bool {
            let step = plan.steps[column]
            switch step.kind {
            case .skip:
                return true
            case .number:
                return readNumber(field: field, in: text, step: step, panel: panel)
            case .category:
                return readCategory(field: field, in: text, step: step, panel: panel)
            case .dealValue:
                if plan.missingCodes.matches(bytes: text, from: field.start, to: field.end) { return true }
                guard let value = step.reader.value(in: text, from: field.start, to: field.end), value >= 0 else { return false }
                dealValue = value
                return true
            case .id, .stage, .several:
                return readActions(field: field, in: text, column: column, panel: panel)
            }
        }

        /// Reads a numeric factor's field into the panel: its raw value, or NaN when it is
        /// missing. Returns `false` when a check fails.
        ///
        /// Numbers and categories have separate small functions on purpose, sharing their
        /// missing-value and storing steps: only in a small function does the optimizer inline
        /// the number reader (merged, the command took 10% more processor time).
        @inline(__always)
        mutating func readNumber(field: FieldScanner.Field, in text: ByteView, step: StreamPlan.Step, panel: PanelView) -> Bool {
            if let passes = readMissing(field: field, in: text, step: step, panel: panel) { return passes }
            return store(step.reader.value(in: text, from: field.start, to: field.end), step: step, panel: panel)
        }

        /// Reads a categorical factor's field into the panel: its category code as a `Double`,
        /// or NaN when it is missing. Returns `false` when a check fails.
        @inline(__always)
        mutating func readCategory(field: FieldScanner.Field, in text: ByteView, step: StreamPlan.Step, panel: PanelView) -> Bool {
            if let passes = readMissing(field: field, in: text, step: step, panel: panel) { return passes }
            let code = plan.categories.index(factor: step.factor, of: text, from: field.start, to: field.end)
            return store(code.map(Double.init), step: step, panel: panel)
        }

        /// The missing-value step of a factor's field: `nil` when the field is not a missing
        /// code; else whether the row passes (a missing optional factor is NaN in the panel).
        @inline(__always)
        func readMissing(field: FieldScanner.Field, in text: ByteView, step: StreamPlan.Step, panel: PanelView) -> Bool? {
            guard plan.missingCodes.matches(bytes: text, from: field.start, to: field.end) else { return nil }
            if step.isRequired { return false }
            panel[panelCount &* factorCount &+ step.factor] = .nan
            return true
        }

        /// Stores a factor's value read from its field, or returns `false` when it could not be read.
        @inline(__always)
        mutating func store(_ value: Double?, step: StreamPlan.Step, panel: PanelView) -> Bool {
            guard let value else { return false }
            markPresent(step.factor)
            panel[panelCount &* factorCount &+ step.factor] = value
            return true
        }

        /// Applies every action of a column (the general path of ``read(field:in:column:panel:)``).
        mutating func readActions(
            field: FieldScanner.Field, in text: ByteView, column: Int,
            panel: PanelView
        ) -> Bool {
            var action = plan.actionStart[column]
            let last = plan.actionStart[column &+ 1]
            guard action < last else { return true }
            let missing = plan.missingCodes.matches(bytes: text, from: field.start, to: field.end)
            while action < last {
                defer { action &+= 1 }
                switch plan.actions[action] {
                case .id:
                    if missing { return false }
                    let stable = TextNormalization.isStableNFC(text, from: field.start, to: field.end)
                    if stable && !field.inScratch {
                        idRange = field.start..<field.end
                        idInBuffer = true
                    } else {
                        idBuffer.removeAll(keepingCapacity: true)
                        if stable {
                            idBuffer.append(text.rebased(field.start..<field.end))
                        } else {
                            idBuffer.append(contentsOf: TextNormalization.nfc(text, from: field.start, to: field.end))
                        }
                        idInBuffer = false
                    }
                    hasID = true
                case .factor(let factor):
                    if !readFactor(factor, field: field, in: text, missing: missing, panel: panel) { return false }
                case .stage:
                    if missing { continue }
                    guard let stage = StageText.integer(text, from: field.start, to: field.end), stage >= 1, stage <= 5
                    else { return false }
                case .dealValue:
                    if missing { continue }
                    guard let value = plan.dealReader.value(in: text, from: field.start, to: field.end), value >= 0 else { return false }
                    dealValue = value
                }
            }
            return true
        }

        /// Reads a factor's field into the panel: its raw value, or its category code as a
        /// `Double`, or NaN when it is missing (``flushPanel(_:)`` turns them into utilities).
        @inline(__always)
        mutating func readFactor(
            _ factor: Int, field: FieldScanner.Field, in text: ByteView, missing: Bool,
            panel: PanelView
        ) -> Bool {
            let slot = panelCount &* factorCount &+ factor
            if missing {
                if plan.isRequired[factor] { return false }
                panel[slot] = .nan
                return true
            }
            markPresent(factor)
            if plan.isCategorical[factor] {
                guard let code = plan.categories.index(factor: factor, of: text, from: field.start, to: field.end)
                else { return false }
                panel[slot] = Double(code)
            } else {
                guard let value = plan.numberReaders[factor].value(in: text, from: field.start, to: field.end)
                else { return false }
                panel[slot] = value
            }
            return true
        }

        /// Records a candidate: its row of the panel is complete.
        mutating func accept(
            buffer: ByteView, start: Int, end: Int, line: Int, panel: PanelView
        ) {
            var hash: UInt64 = 0  // '@line': the merger makes the id from the line
            if hasID {
                if idInBuffer {
                    let id = buffer.rebased(idRange)
                    rows.idBytes.append(contentsOf: id)
                    hash = IDHash.hash(id)
                } else {
                    rows.idBytes.append(contentsOf: idBuffer)
                    hash = idBuffer.withByteView { IDHash.hash($0) }
                }
            }
            rows.candidates.append(
                MappedChunk.Candidate(
                    line: Int32(truncatingIfNeeded: line), recordStart: Int32(truncatingIfNeeded: start),
                    recordLength: Int32(truncatingIfNeeded: end - start),
                    idEnd: Int32(truncatingIfNeeded: rows.idBytes.count), idHash: hash, grade: 0, key: 0,
                    dealValue: dealValue))
            // Statistics inputs: raw values of batch-relative factors (a statistics pass) and
            // utilities of `mean` factors (a scoring pass, written by `flushPanel` once they
            // are computed); the other entries are NaN.
            guard scoring else {
                let base = panelCount &* factorCount
                if keepsRaw {
                    // The whole raw row as the scoring pass's panel would hold it.
                    rows.raw.append(panel, base..<(base &+ factorCount))
                    rows.completeness.append(completeness())
                } else {
                    for factor in plan.rawFactors { rows.statistics.append(panel[base &+ factor]) }  // (NaN if missing)
                    for _ in plan.meanFactors { rows.statistics.append(.nan) }
                }
                if let outcome {
                    let kind = outcome.words.classify(outcomeText)
                    rows.outcomes.append(kind.rawValue)
                    if kind == .unknown { rows.outcomeTexts[rows.candidates.count - 1] = String(decoding: outcomeText, as: UTF8.self) }
                }
                return
            }
            for _ in plan.meanFactors { rows.statistics.append(.nan) }
            panelCompleteness.append(completeness())
            panelCount &+= 1
            if panelCount == ChunkMapper.panelRows { flushPanel(panel) }
        }

        /// The current row's completeness: the shares of present factors, in factor order,
        /// capped at 1.
        @inline(__always)
        func completeness() -> Double {
            var completeness = 0.0
            for factor in 0..<factorCount where isPresent(factor) { completeness += plan.shares[factor] }
            return Swift.min(completeness, 1)
        }

        /// Scores stored rows (``ChunkMapper/score(_:)``): each row enters the panel as
        /// ``accept(buffer:start:end:line:panel:)`` would have put it there.
        mutating func score(_ stored: RawSpill.Chunk, panel: PanelView) {
            let count = stored.count
            let stride = statisticsStride
            rows.candidates.reserveCapacity(count)
            rows.statisticsStride = stride
            rows.statistics.reserveCapacity(count * stride)
            rows.scored?.reserveCapacity(count)
            let placeholder = MappedChunk.Candidate(
                line: 0, recordStart: 0, recordLength: 0, idEnd: 0, idHash: 0, grade: 0, key: 0)
            for row in 0..<count {
                rows.candidates.append(placeholder)
                for _ in 0..<stride { rows.statistics.append(.nan) }
                panel.copy(factorCount, from: stored.raw, at: row &* factorCount, to: panelCount &* factorCount)
                panelCompleteness.append(stored.completeness[row])
                panelCount &+= 1
                if panelCount == ChunkMapper.panelRows { flushPanel(panel) }
            }
            flushPanel(panel)
        }

        /// Scores the panel with one BLAS product, then grades its rows (or defers them).
        mutating func flushPanel(_ panel: PanelView) {
            guard scoring, panelCount > 0 else { return }
            let started = ChunkMapper.threadTime()
            let panelSize = panelCount
            let used = panelSize * factorCount
            if blasPanel.count != used { blasPanel = [Double](repeating: 0, count: used) }
            blasPanel.withPanelView { copy in copy.copy(used, from: panel, at: 0, to: 0) }
            // The raw values become utilities in the copy; `panel` keeps the raw values (NaN
            // where missing) for the checks below.
            kernel.score(&blasPanel, rows: panelSize, into: &scores)
            let columns = plan.scoreColumns
            let first = rows.candidates.count - panelSize
            let meanFactors = plan.meanFactors
            let stride = statisticsStride
            for row in 0..<panelSize {
                let base = row * columns
                // The utilities of present `mean` factors are statistics inputs; a missing one
                // defers the row's grade.
                let panelBase = row &* factorCount
                rows.scored?.append(
                    utilities: blasPanel, at: panelBase, completeness: panelCompleteness[row], raw: { panel[panelBase &+ $0] })
                let statisticsBase = (first &+ row) &* stride
                var missesMean = false
                for (position, factor) in meanFactors.enumerated() {
                    if panel[panelBase &+ factor].isNaN {
                        missesMean = true
                    } else {
                        rows.statistics[statisticsBase &+ position] = blasPanel[panelBase &+ factor]
                    }
                }
                if !missesMean {
                    let graded = rowGrader.graded(scores, row: row, completeness: panelCompleteness[row])
                    rows.candidates[first + row].grade = graded.grade
                    rows.candidates[first + row].key = graded.key
                    rows.candidates[first + row].value = graded.value
                    rows.candidates[first + row].difficulty = graded.difficulty
                } else {
                    rows.candidates[first + row].grade = MappedChunk.deferredGrade
                    rows.deferredScores.append(contentsOf: scores[base..<(base + columns)])
                    rows.deferredCompleteness.append(panelCompleteness[row])
                    for factor in meanFactors where panel[panelBase &+ factor].isNaN {
                        rows.deferredFactors.append(Int32(factor))
                    }
                    rows.deferredFactorEnds.append(Int32(rows.deferredFactors.count))
                }
            }
            panelCount = 0
            panelCompleteness.removeAll(keepingCapacity: true)
            scoreSeconds += ChunkMapper.threadTime() - started
        }

        /// Makes the reject of a row that failed a check, with ``RowMapper``.
        mutating func reject(buffer: ByteView, start: Int, end: Int, line: Int) {
            let fields = StreamRecords.fields(of: buffer, from: start, to: end, delimiter: plan.delimiter)
            switch plan.mapper.map(fields: fields, line: line) {
            case .rejected(let reject):
                rows.rejects.append(reject)
            case .accepted:
                preconditionFailure(
                    "Internal inconsistency: the streaming reader rejected the record on relative line \(line), which the loader accepts")
            }
        }
    }
}

/// Helpers for records held in a chunk.
enum StreamRecords {
    /// The fields of the record `bytes[start..<end]`, as ``CSVParser`` reads them.
    static func fields(of bytes: ByteView, from start: Int, to end: Int, delimiter: UInt8) -> [String] {
        let record = Array(bytes[start..<end])
        var parser = CSVParser(bytes: record, start: 0, delimiter: delimiter, validatesUTF8: false)
        do {
            return try parser.nextRecord(expectedFieldCount: 16)?.fields ?? [""]
        } catch {
            preconditionFailure("A record the scanner read whole does not parse: \(error)")
        }
    }
}

/// A 64-bit hash of short byte strings (account ids), word at a time.
enum IDHash {
    static func hash(_ bytes: ByteView) -> UInt64 {
        var hash: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        var index = 0
        let count = bytes.count
        while index + 8 <= count {
            let word = bytes.word(at: index)
            hash = (hash ^ word) &* 0xBF58_476D_1CE4_E5B9
            hash ^= hash >> 31
            index += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while index < count {
            tail |= UInt64(bytes[index]) << shift
            shift += 8
            index += 1
        }
        hash = (hash ^ tail) &* 0x94D0_49BB_1331_11EB
        hash ^= hash >> 29
        hash = hash &* 0xBF58_476D_1CE4_E5B9
        hash ^= hash >> 32
        return hash
    }
}

extension MappedChunk {
    /// Stops the chunk at a record that does not scan: an open quote (or invalid UTF-8 before
    /// the quote, which is reported first) sets the failure and the line count; any other
    /// scanner failure stops it without one.
    func stop(at error: FieldScanner.Failure, recordStart: Int, recordLine: Int, invalidOffset: Int?) {
        guard case .openQuote(let opening, let line) = error else { return }
        if let invalidOffset, invalidOffset >= recordStart, invalidOffset < opening {
            failure = .invalidUTF8(offset: invalidOffset)
        } else {
            failure = .openQuote(recordStart: recordStart, recordLine: recordLine, opening: opening, line: line)
        }
        lineCount = recordLine
    }

    /// Whether a scanned record stops the chunk (invalid UTF-8 within it, or a field too
    /// long), with the failure and the line count set when it does.
    func stops(buffer: ByteView, record: Range<Int>, line: Int, invalidOffset: Int?, delimiter: UInt8) -> Bool {
        if let invalidOffset, invalidOffset < record.upperBound {
            failure = .invalidUTF8(offset: invalidOffset)
        } else if let tooLong = ChunkMapper.longFieldLine(buffer, record, line: line, delimiter: delimiter) {
            failure = .fieldTooLong(line: tooLong)
        } else {
            return false
        }
        lineCount = line
        return true
    }
}
