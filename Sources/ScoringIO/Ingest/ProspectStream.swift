import Dispatch
import LinearAlgebra
import ScoringEngine

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Ranks a prospect list of any size in bounded memory: reads the file in blocks, maps and
/// scores each chunk on a worker thread, merges the chunks in file order, keeps the rows
/// to show, and reads those again at the end.
///
/// The result is the same, byte for byte once rendered, as reading the whole file with
/// ``CSVReader`` and ``ProspectListLoader``, assessing it with `ScoringPipeline` and sorting
/// it with `rankedRows()`: the same rows read, accepted and rejected (with the same
/// messages, lines and columns, in the same order), the same encoding decisions and errors,
/// the same statistics, scores and grades to the last bit, the same ranks.
///
/// How:
/// - **Blocks and chunks.** ``BlockReader`` reads blocks (2 MiB by default) cut after a
///   line break. Each block is a chunk that a worker converts (GB18030), checks (UTF-8),
///   splits (``FieldScanner``), maps and scores (``ChunkMapper``) on its own; up to two
///   chunks per worker are in flight. A chunk that ends inside a quoted field is joined
///   with the next one and mapped again.
/// - **Merging** (``StreamMerger``) on the calling thread, in file order: duplicate ids,
///   statistics, grade counts, rejects and the selection: a bounded top-K
///   (``TopSelection``) of the wanted grades, or every row when the whole ranking is asked
///   for (or when a grade filter is combined with ranking across grades, to know the ranks).
/// - **Statistics.** Batch-relative scales (`minmax`, `zscore`) need the whole list's
///   statistics before any utility: a first pass gathers them, and keeps every candidate's
///   raw values, completeness, position and registry entry in a ``RawSpill`` (a temporary
///   file); the scoring pass scores those once the statistics are known
///   (``ChunkMapper/score(_:)``, ``StreamMerger/mergeStored(_:stored:seconds:)``) instead of
///   reading and parsing the file again, in the same panels, so to the same bits
///   (``Configuration/keepsRawValues`` `false` parses again, the reference path). The `mean` missing policy
///   needs the mean utility of each factor: rows missing such a factor are scored with 0 in
///   its place and graded at the end with the mean added (``Scorer/addMeanFills(_:meanUtility:to:row:)``,
///   which the in-memory pipeline uses too); if too many wait, a second pass scores with
///   the means (from the kept raw values when a first pass kept them).
/// - **Shown rows** are read again by position and mapped with ``RecordFetcher`` (all at
///   once, or page by page from ``StreamedRanking/pages``).
/// - **Rankings of every row** (or a top larger than ``Configuration/runCapacity``) keep at
///   most `runCapacity` entries in memory; past that, sorted runs go to a temporary file
///   and are merged (``RankedRuns``).
///
/// Memory: a few blocks in flight (and, for batch-relative scales, a few stored chunks:
/// about `8 × factors + 40` bytes per candidate on disk), the account ids (about `id length + 15` bytes per
/// account), the selection (about 40 bytes per shown row of a top-K; at most
/// `runCapacity` × 40 bytes for a whole ranking), rows waiting for means, and the rejects.
public struct ProspectStream: Sendable {
    public let model: ScoringModel
    public let options: CSVOptions
    public var configuration: Configuration

    /// Sizes and threads.
    public struct Configuration: Sendable {
        /// Bytes per block read from the file (blocks grow to hold a whole line).
        public var blockSize: Int
        /// Worker threads that map chunks.
        public var workers: Int
        /// The most rows that may wait for the file's mean utilities before a second pass is
        /// chosen instead.
        public var deferredLimit: Int
        /// The most accounts of a whole ranking (every row, or a large top) kept in memory
        /// to be sorted; beyond it, sorted runs go to a temporary file and are merged.
        public var runCapacity: Int
        /// Whether the statistics pass of batch-relative scales keeps the raw values it
        /// parsed (``RawSpill``) and the scoring pass scores from them, instead of reading
        /// and parsing the file again. Both give the same bits; `false` is the reference
        /// path tests compare against.
        public var keepsRawValues: Bool
        /// Bytes of kept raw values held in memory before the rest go to a temporary file
        /// (``RawSpill/memoryBudget``); `nil`: ``RawSpill/defaultMemoryBudget(keepsText:)``.
        public var rawMemoryBudget: Int? = nil
        /// Whether the ranking pass also keeps every accepted row with its record, so that
        /// the whole list can be recorded in a run history from this one pass
        /// (``StreamedRanking/recorded``), without a second ranking or reading the file again.
        public var keepsRecords = false
        /// Called on the merging thread with the rows read so far in the current pass, after
        /// each chunk (`kam`'s progress line); `nil`: nothing is called.
        public var progress: (@Sendable (_ rowsRead: Int) -> Void)? = nil
        /// Makes the observer that sees every graded account of a scoring pass (a pass that
        /// is redone starts a new one); the last pass's is ``StreamedRanking/observed``.
        /// `nil`: none.
        public var observer: (@Sendable () -> any AccountObserver)? = nil
        /// Makes the observer that sees the file's bytes as the first pass reads them (a
        /// ranking started again in another encoding starts a new one); it is
        /// ``StreamedRanking/contentObserved``. `nil`: none.
        public var contentObserver: (@Sendable () -> any ContentObserver)? = nil

        public init(
            blockSize: Int = 2 << 20, workers: Int = ProspectStream.defaultWorkers, deferredLimit: Int = 1 << 20,
            runCapacity: Int = ProspectStream.runCapacity(memory: 256 << 20), keepsRawValues: Bool = true
        ) {
            self.blockSize = blockSize
            self.workers = workers
            self.deferredLimit = deferredLimit
            self.runCapacity = runCapacity
            self.keepsRawValues = keepsRawValues
        }
    }

    /// The run capacity that keeps a whole ranking's in-memory part within `memory` bytes
    /// (about 40 bytes per account; at least one account).
    public static func runCapacity(memory: Int) -> Int {
        Swift.max(memory / MemoryLayout<RankedEntry>.stride, 1)
    }

    /// The memory for sorting a whole ranking when none is given: what keeps the ranking's
    /// two large holdings, the account ids (``AccountRegistry``) and the sort buffer, within
    /// 352 MiB for a list of `fileSize` bytes, between 32 MiB and 256 MiB (the rest of a
    /// 512 MiB peak is the program, the pass's chunks and spill buffers, and the pages being
    /// mapped and written: with 384 MiB a whole ranking of 1e7 rows peaked at 512–523 MiB). The ids are
    /// estimated from one row per 60 bytes of the file (a short id and a dozen plain
    /// numbers), each taking 15 bytes of arena and a 64-bit slot of a table at most 70% full.
    public static func defaultSortMemory(fileSize: Int) -> Int {
        let rows = Swift.max(fileSize / 60, 1)
        var slots = 1024
        while Double(slots) * 0.7 < Double(rows) { slots <<= 1 }
        let registry = rows * 15 + slots * 8
        return Swift.min(Swift.max((352 << 20) - registry, 32 << 20), 256 << 20)
    }

    /// One worker per online processor, at most 8.
    public static var defaultWorkers: Int {
        Swift.min(Swift.max(Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), 1), 8)
    }

    public init(model: ScoringModel, options: CSVOptions = .init(), configuration: Configuration = .init()) {
        self.model = model
        self.options = options
        self.configuration = configuration
    }

    /// The most factors a streamed model may have (the reader keeps a row's present
    /// factors in two 64-bit words); larger models are read with ``CSVReader``.
    public static let maximumFactors = 128

    /// Whether `path` can be streamed: a regular file, which can be read more than once and
    /// by position (a pipe cannot; read it with ``CSVReader``).
    public static func canStream(_ path: String) -> Bool {
        var status = stat()
        guard stat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFREG else { return false }
        // Workbooks and compressed files are read whole, by CSVReader (which names gzip).
        guard !WorkbookReader.isZIP(path), !WorkbookReader.isGzip(path) else { return false }
        // UTF-16 files are converted whole by the in-memory reader.
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return true }
        defer { close(descriptor) }
        let mark = SystemIO.read(descriptor, upTo: 2).bytes
        return !(mark.count == 2 && CSVReader.utf16Encoding(of: mark) != nil)
    }

    /// Why a stream stopped: a dataset error, or invalid UTF-8 in `.auto` mode, which means
    /// the file is read again as GB18030.
    enum Failure: Error {
        case dataset(DatasetError)
        /// Not UTF-8 at this position (and the text before it is not clearly UTF-8).
        case switchToGB18030(UTF8Validation.Position)

        /// Why a stream stops at the invalid UTF-8 at `offset` of `bytes`, whose records
        /// start at `start` on line `line` of the file `path`: where `.auto` may still turn
        /// into GB18030 (`mayBeGB18030`), invalid text when the bytes before it are clearly
        /// UTF-8, else a switch to GB18030; otherwise text that is not UTF-8.
        static func invalidUTF8(
            at offset: Int, in bytes: [UInt8], from start: Int, line: Int, mayBeGB18030: Bool, path: String
        ) -> Failure {
            guard mayBeGB18030 else {
                return .dataset(
                    .undecodable(
                        file: path, encoding: "UTF-8",
                        line: line - 1 + CSVParser.physicalLine(of: offset, in: bytes, from: start)))
            }
            var position = UTF8Validation.position(of: offset, in: bytes, from: start)
            position.line += line - 1
            if UTF8Validation.looksLikeUTF8(bytes, range: start..<offset) {
                return .dataset(
                    .invalidText(
                        file: path, line: position.line, byte: position.byte, value: position.value,
                        gb18030Line: nil))
            }
            return .switchToGB18030(position)
        }
    }

    /// Ranks the accounts of a file.
    ///
    /// - Parameters:
    ///   - path: The prospect list; it also names the file in errors and rejects.
    ///   - scorer: The model's scorer (the model's weights and scenarios).
    ///   - scenario: The scenario that grades and ranks follow.
    ///   - limit: How many rows to show, in rank order (`Int.max`: all).
    ///   - grades: Show only these grades (ranks stay those of the whole list).
    ///   - paged: Leave the shown rows to be read page by page from
    ///     ``StreamedRanking/pages`` (in bounded memory however many there are) instead of
    ///     reading them all into ``StreamedRanking/shown``.
    ///   - everyRowUpTo: Show every accepted account, in rank order, instead of the first
    ///     `limit`, when there are at most this many (a report draws each of a small list;
    ///     the selection keeps this many plus one while the file is read). Only without
    ///     `grades`.
    /// - Throws: Whatever ``CSVReader/read(contentsOf:)`` and
    ///   ``ProspectListLoader/load(_:)`` would throw for the file, in the same cases; and
    ///   `DatasetError.unreadable` if a ranking larger than memory cannot be written to the
    ///   temporary folder.
    public func rank(
        contentsOf path: String, scorer: Scorer, scenario: Int = 0, limit: Int = .max, grades: Set<Grade>? = nil,
        paged: Bool = false, everyRowUpTo: Int = 0
    ) throws(DatasetError) -> StreamedRanking {
        precondition(everyRowUpTo == 0 || grades == nil, "Every row is shown only without a grade filter")
        precondition(scorer.model == model, "The scorer must be the stream's model's")
        precondition(model.factors.count <= Self.maximumFactors, "Stream models of at most 128 factors")
        precondition(scenario >= 0 && scenario < scorer.scenarioCount, "Scenario index out of range")
        precondition(limit >= 0, "A ranking shows at least 0 rows")
        // The workers score their panels at the same time: one OpenBLAS thread per call, so
        // that OpenBLAS's own threads do not compete with them for the cores.
        let result = BLASThreads.withThreadCount(1) {
            Result { () throws(DatasetError) -> StreamedRanking in
                try withEncodingFallback(path: path) { encoding throws(Failure) in
                    try rank(
                        path: path, encoding: encoding, scorer: scorer, scenario: scenario, limit: limit,
                        grades: grades, paged: paged, everyRowUpTo: everyRowUpTo)
                }
            }
        }
        return try result.get()
    }

    /// Runs `body` with the options' encoding; when `.auto` finds a file that is not UTF-8,
    /// runs it again as GB18030 (and names the first invalid UTF-8 byte too when neither
    /// encoding fits).
    func withEncodingFallback<T>(
        path: String, _ body: (TextEncoding) throws(Failure) -> T
    ) throws(DatasetError) -> T {
        var encoding = options.encoding
        var notUTF8: UTF8Validation.Position? = nil
        while true {
            do throws(Failure) {
                return try body(encoding)
            } catch {
                switch error {
                case .dataset(let error):
                    // Neither encoding fits: name the first invalid UTF-8 byte too.
                    if let notUTF8, case .undecodable(_, "GB18030", let gbLine) = error {
                        throw .invalidText(
                            file: path, line: notUTF8.line, byte: notUTF8.byte, value: notUTF8.value,
                            gb18030Line: gbLine)
                    }
                    throw error
                case .switchToGB18030(let position):
                    encoding = .gb18030
                    notUTF8 = position
                }
            }
        }
    }

    private func rank(
        path: String, encoding: TextEncoding, scorer: Scorer, scenario: Int, limit: Int, grades: Set<Grade>?,
        paged: Bool, everyRowUpTo: Int
    ) throws(Failure) -> StreamedRanking {
        let loader = ProspectListLoader(model: model)
        var timings = StreamedRanking.Timings()
        timings.workers = configuration.workers

        // The header decides the columns; a file that lacks the model's columns is an error,
        // but any error in its text comes first (the in-memory reader reads it all first).
        let setup = try self.setup(path: path, encoding: encoding)
        try requireColumns(of: loader, path: path, setup: setup)
        let plan = StreamPlan(
            model: model, header: setup.header, file: path, delimiter: setup.delimiter, scorer: scorer,
            scenario: scenario)
        // A bounded top-K, unless every row is wanted, the ranks need every row (a grade filter
        // with ranking across grades), or K is too large to hold in memory.
        let kept = everyRowUpTo > 0 && limit < .max ? Swift.max(limit, everyRowUpTo == .max ? .max : everyRowUpTo + 1) : limit
        let selection: StreamMerger.Selection =
            kept == .max || kept > configuration.runCapacity || (grades != nil && !model.grading.ranking.gradeFirst)
            ? .every(runCapacity: configuration.runCapacity) : .top(kept)
        // Every row of a list of at most `everyRowUpTo` accounts is kept; once more are graded,
        // the first `limit` are all that is wanted.
        var trim: (after: Int, capacity: Int)? = nil
        if case .top(let count) = selection, count > limit { trim = (everyRowUpTo, limit) }
        let expected = max(setup.estimatedRows, 1024)
        // The file's bytes go to the content observer in the first pass that reads the file.
        let content = configuration.contentObserver.map { ContentReading(observer: $0()) }
        var unread = content

        // A first pass for the raw statistics of batch-relative scales; it keeps the raw
        // values it parsed (unless configured not to), so that scoring needs no second read.
        var raw: StatisticsAccumulator?
        var source: StreamedRanking.StatisticsSource = plan.meanFactors.isEmpty ? .none : .sameStream
        var passes = 0
        var fileReads = 0
        var firstPass: StreamMerger?
        var blocks: [BlockEntry] = []
        if !plan.rawFactors.isEmpty {
            var merger = StreamMerger(
                plan: plan, scoring: false, registry: AccountRegistry(expectedCount: expected), knownMeans: nil,
                deferredLimit: 0, selection: selection, wanted: grades)
            if configuration.keepsRawValues {
                merger.spill = RawSpill(
                    factorCount: plan.factorCount, keepsText: selection.keepsEveryRow || configuration.keepsRecords,
                    memoryBudget: configuration.rawMemoryBudget)
            }
            var mapper = ChunkMapper(plan: plan, mode: .statistics, validatesUTF8: setup.validatesUTF8)
            mapper.keepsRaw = configuration.keepsRawValues
            blocks = try run(path: path, setup: setup, mapper: mapper, merger: &merger, timings: &timings, content: unread)
            unread = nil
            if let failure = merger.spillFailure { throw .dataset(failure) }
            raw = merger.accumulator
            source = .firstPass
            passes += 1
            fileReads += 1
            if merger.spill != nil { firstPass = merger }
        }
        let functions = plan.utilities(raw: raw?.rawStatistics())
        var scoringMapper = ChunkMapper(plan: plan, mode: .scoring(functions), validatesUTF8: setup.validatesUTF8)
        scoringMapper.keepsScored = configuration.keepsRecords
        /// One scoring pass: from the kept raw values, or reading the file.
        func scoringPass(knownMeans: [Double]?, deferredLimit: Int) throws(Failure) -> StreamMerger {
            if let firstPass, let spill = firstPass.spill {
                var merger = StreamMerger(
                    plan: plan, scoring: true, registry: firstPass.registry, knownMeans: knownMeans,
                    deferredLimit: deferredLimit, selection: selection, wanted: grades)
                if configuration.keepsRecords { merger.recorded = RecordedRows(plan: plan, rows: expected, bytes: setup.fileSize) }
                merger.observer = configuration.observer?()
                merger.trimsSelection = trim
                // The kept chunks are read for the last time unless rows may wait for means
                // that this pass computes (then a second scoring pass reads them again).
                let last = plan.meanFactors.isEmpty || knownMeans != nil
                try runStored(spill: spill, last: last, mapper: scoringMapper, merger: &merger, timings: &timings)
                return merger
            }
            var merger = StreamMerger(
                plan: plan, scoring: true, registry: AccountRegistry(expectedCount: expected), knownMeans: knownMeans,
                deferredLimit: deferredLimit, selection: selection, wanted: grades)
            if configuration.keepsRecords { merger.recorded = RecordedRows(plan: plan, rows: expected, bytes: setup.fileSize) }
            merger.observer = configuration.observer?()
            merger.trimsSelection = trim
            blocks = try run(
                path: path, setup: setup, mapper: scoringMapper, merger: &merger, timings: &timings, content: unread)
            unread = nil
            fileReads += 1
            return merger
        }
        var merger = try scoringPass(knownMeans: nil, deferredLimit: configuration.deferredLimit)
        passes += 1
        var accumulator = merger.accumulator
        if let raw { accumulator.takeRaw(from: raw) }
        var statistics = accumulator.statistics()
        if merger.overflowed {
            // Too many rows waited for the means: score again, now that they are known.
            merger = try scoringPass(knownMeans: statistics.meanUtility, deferredLimit: 0)
            passes += 1
            source = .firstPass
            accumulator = merger.accumulator
            if let raw { accumulator.takeRaw(from: raw) }
            statistics = accumulator.statistics()
        }
        // Rows read, accepted and rejected are the first pass's when the scoring passes
        // scored its kept rows.
        let counted = firstPass ?? merger
        merger.finish(means: statistics.meanUtility)

        let selectStarted = ChunkMapper.now()
        // Every row of a small list, or the first `limit`.
        let limit = counted.accepted <= everyRowUpTo ? Swift.max(limit, counted.accepted) : limit
        let ranking: StreamMerger.Ranking
        do { ranking = try merger.ranking(limit: limit) } catch { throw .dataset(error) }
        let fetcher = RecordFetcher(
            path: path, encoding: setup.encoding, plan: plan, registry: merger.registry,
            blocks: blocks)
        var shownCount = 0
        for grade in Grade.allCases where merger.wanted[grade.order] { shownCount += merger.gradeCounts[grade.order] }
        let pages = ShownPages(ranking: ranking, fetcher: fetcher, count: Swift.min(shownCount, limit))
        var shown = BatchBuilder(mapper: plan.mapper, capacity: 0).batch()
        var ranks: [Int] = []
        if !paged {
            do {
                if let page = try pages.next(upTo: .max) { (shown, ranks) = (page.batch, page.ranks) }
            } catch { throw .dataset(error) }
        }
        timings.select = ChunkMapper.now() - selectStarted
        let recordStarted = ChunkMapper.now()
        let recorded = merger.recorded.map {
            RecordedAccounts(rows: $0, registry: merger.registry, order: merger.order, fetcher: fetcher)
        }
        timings.record = ChunkMapper.now() - recordStarted
        var gradeCounts: [Grade: Int] = [:]
        for grade in Grade.allCases where merger.gradeCounts[grade.order] > 0 {
            gradeCounts[grade] = merger.gradeCounts[grade.order]
        }
        return StreamedRanking(
            file: path, header: setup.header, encoding: setup.encoding, delimiter: setup.delimiter,
            rowsRead: counted.rowsRead, acceptedCount: counted.accepted, rejects: counted.rejects,
            gradeCounts: gradeCounts, unevaluatedSegments: loader.unevaluatedSegments(in: setup.header),
            statistics: statistics, statisticsSource: source, shown: shown, ranks: ranks,
            pages: paged ? pages : nil, recorded: recorded, passes: passes, fileReads: fileReads, timings: timings,
            observed: merger.observer,
            contentObserved: content?.observed)
    }

    // MARK: Header

    /// The file's encoding, delimiter and header, and where its records start.
    struct Setup {
        let encoding: TextEncoding
        let validatesUTF8: Bool
        /// Whether `.auto` may still turn into GB18030 (UTF-8 chosen, no byte-order mark).
        let mayBeGB18030: Bool
        let delimiter: UInt8
        let header: [String]
        /// The first block (grown to hold the header), as UTF-8.
        let firstBytes: [UInt8]
        /// The same, as in the file (the same array unless the file is GB18030).
        let firstOriginal: [UInt8]
        /// Its length in the file.
        let firstOriginalLength: Int
        /// Where the records start in `firstBytes`, and their line.
        let start: Int
        let line: Int
        let fileSize: Int

        /// Rows expected, from the size of the file and of the first block's rows.
        var estimatedRows: Int {
            let recordBytes = firstBytes.count - start
            var lines = 0
            for index in start..<firstBytes.count where firstBytes[index] == UInt8(ascii: "\n") { lines += 1 }
            lines = max(lines, 1)
            return Int(Double(fileSize) / (Double(max(recordBytes, 1)) / Double(lines)) * 1.05)
        }
    }

    func setup(path: String, encoding requested: TextEncoding) throws(Failure) -> Setup {
        let reader: BlockReader
        do { reader = try BlockReader(path: path, blockSize: configuration.blockSize) } catch { throw .dataset(error) }
        func more() throws(Failure) -> [UInt8]? {
            do { return try reader.next()?.bytes } catch { throw .dataset(error) }
        }
        guard var original = try more() else { throw .dataset(.empty(file: path)) }
        while true {
            let hasByteOrderMark = original.starts(with: [0xEF, 0xBB, 0xBF])
            let encoding: TextEncoding = hasByteOrderMark ? .utf8 : (requested == .gb18030 ? .gb18030 : .utf8)
            var bytes = original
            if encoding == .gb18030 {
                bytes = try Self.utf8(fromGB18030: original, line: 1, path: path)
            }
            let hadMark = hasByteOrderMark || (encoding == .gb18030 && bytes.starts(with: [0xEF, 0xBB, 0xBF]))
            let start = hadMark ? 3 : 0
            var probe = CSVParser(bytes: bytes, start: start, delimiter: UInt8(ascii: ","), validatesUTF8: false)
            guard let headerStart = probe.skipBlankLines() else {
                if let next = try more() {
                    original += next
                    continue
                }
                if encoding == .gb18030 { try checkConversion(reader: reader, path: path, line: probe.line) }
                throw .dataset(.empty(file: path))
            }
            let delimiter = options.delimiter ?? CSVParser.detectDelimiter(in: bytes, from: headerStart)
            var parser = CSVParser(bytes: bytes, start: start, delimiter: delimiter, validatesUTF8: encoding == .utf8)
            let record: CSVRecord?
            do {
                record = try parser.nextRecord(expectedFieldCount: 16)
            } catch {
                switch error {
                case .unterminatedQuote(let line):
                    if original.count > parser.limits.recordBytes {
                        throw .dataset(.recordTooLong(file: path, line: line, limit: parser.limits.recordBytes))
                    }
                    if let next = try more() {
                        original += next
                        continue
                    }
                    throw .dataset(.unterminatedQuote(file: path, line: line))
                case .fieldTooLong(let line):
                    throw .dataset(.fieldTooLong(file: path, line: line, limit: parser.limits.fieldBytes))
                case .recordTooLong(let line):
                    throw .dataset(.recordTooLong(file: path, line: line, limit: parser.limits.recordBytes))
                case .invalidUTF8:
                    let offset = UTF8Validation.firstInvalidOffset(in: bytes, range: start..<bytes.count) ?? bytes.count
                    throw .invalidUTF8(
                        at: offset, in: bytes, from: start, line: 1, mayBeGB18030: requested == .auto && !hasByteOrderMark,
                        path: path)
                }
            }
            guard let record else { throw .dataset(.empty(file: path)) }
            let header = CSVReader.namingTrailingEmptyCells(record.fields.map(CSVReader.trimmed))
            if let duplicate = CSVReader.firstDuplicate(in: header) {
                // GB18030 files are converted whole before their header is read in memory.
                if encoding == .gb18030 {
                    try checkConversion(reader: reader, path: path, line: CSVParser.physicalLine(of: bytes.count, in: bytes, from: 0))
                }
                throw .dataset(.duplicateHeader(file: path, column: duplicate.name, columns: duplicate.columns))
            }
            return Setup(
                encoding: encoding, validatesUTF8: encoding == .utf8,
                mayBeGB18030: requested == .auto && !hasByteOrderMark, delimiter: delimiter, header: header,
                firstBytes: bytes, firstOriginal: original, firstOriginalLength: original.count, start: parser.position, line: parser.line,
                fileSize: reader.size)
        }
    }

    /// Converts the rest of a GB18030 file, whose first line still unread is `line`, and
    /// throws at the first byte that does not convert.
    private func checkConversion(reader: BlockReader, path: String, line: Int) throws(Failure) {
        var line = line
        while true {
            let block: BlockReader.Block?
            do { block = try reader.next() } catch { throw .dataset(error) }
            guard let block else { return }
            _ = try Self.utf8(fromGB18030: block.bytes, line: line, path: path)
            line += CSVParser.physicalLine(of: block.bytes.count, in: block.bytes, from: 0) - 1
        }
    }

    /// `bytes` of the GB18030 file `path`, starting on its line `line`, converted to UTF-8;
    /// a byte that does not convert makes the file undecodable there.
    private static func utf8(fromGB18030 bytes: [UInt8], line: Int, path: String) throws(Failure) -> [UInt8] {
        do {
            return try Iconv.convert(bytes, from: "GB18030", to: "UTF-8")
        } catch {
            switch error {
            case .invalidSequence(let offset):
                throw .dataset(
                    .undecodable(
                        file: path, encoding: "GB18030",
                        line: line - 1 + CSVParser.physicalLine(of: offset, in: bytes, from: 0)))
            case .unavailable(let reason):
                throw .dataset(.unreadable(file: path, reason: "no GB18030 converter: \(reason)"))
            }
        }
    }

    // MARK: Passes

    /// Throws when the header lacks a column that `loader`'s model needs, after reading the
    /// whole file for errors in its text, which come first (as the in-memory reader reads
    /// the whole file before it checks the columns).
    func requireColumns(of loader: ProspectListLoader, path: String, setup: Setup) throws(Failure) {
        let missing = loader.missingColumns(in: setup.header)
        if !missing.isEmpty {
            try scan(path: path, setup: setup)
            throw .dataset(.missingColumns(file: path, missing: missing, available: setup.header))
        }
    }

    /// Reads the whole file for errors in its text only (no mapping).
    func scan(path: String, setup: Setup) throws(Failure) {
        let delimiter = setup.delimiter
        let validates = setup.validatesUTF8
        try drive(
            path: path, setup: setup,
            work: { chunk in ChunkMapper.scan(chunk, delimiter: delimiter, validatesUTF8: validates) },
            merge: { _, _ in })
    }

    /// One pass that maps every chunk with `mapper` and merges it into `merger`.
    ///
    /// - Returns: The block table.
    @discardableResult
    private func run(
        path: String, setup: Setup, mapper: ChunkMapper, merger: inout StreamMerger,
        timings: inout StreamedRanking.Timings, content: ContentReading? = nil
    ) throws(Failure) -> [BlockEntry] {
        let started = ChunkMapper.now()
        let blocks = try drive(
            path: path, setup: setup, content: content, work: { chunk in mapper.map(chunk) },
            merge: { chunk, line in
                merger.merge(chunk, baseLine: line)
                configuration.progress?(merger.rowsRead)
            })
        timings.pass.append(ChunkMapper.now() - started)
        timings.parse.append(merger.parseSeconds)
        timings.score.append(merger.scoreSeconds)
        timings.merge.append(merger.mergeSeconds)
        return blocks
    }

    /// One scoring pass over the rows a statistics pass kept: workers read stored chunks back
    /// and score them (``ChunkMapper/score(_:)``); they are merged in file order.
    ///
    /// - Parameter last: Whether no later pass reads the chunks: each is then taken
    ///   (``RawSpill/take(_:)``), its pages given back as soon as it is read.
    private func runStored(
        spill: RawSpill, last: Bool, mapper: ChunkMapper, merger: inout StreamMerger, timings: inout StreamedRanking.Timings
    ) throws(Failure) {
        final class Job: @unchecked Sendable {
            let index: Int
            var stored = RawSpill.Chunk()
            var rows = MappedChunk.Rows()
            var seconds = 0.0
            var failure: DatasetError?
            let done = DispatchSemaphore(value: 0)
            init(index: Int) { self.index = index }
        }
        let started = ChunkMapper.now()
        let queue = DispatchQueue.global(qos: .userInitiated)
        let inFlightLimit = max(2 * configuration.workers, 2)
        var inFlight: [Job] = []
        var next = 0
        let count = spill.records.count
        while true {
            while next < count && inFlight.count < inFlightLimit {
                let job = Job(index: next)
                next += 1
                inFlight.append(job)
                queue.async {
                    do throws(DatasetError) {
                        job.stored = try last ? spill.take(job.index) : spill.read(job.index)
                        (job.rows, job.seconds) = mapper.score(job.stored)
                    } catch {
                        job.failure = error
                    }
                    job.done.signal()
                }
            }
            guard !inFlight.isEmpty else { break }
            let job = inFlight.removeFirst()
            job.done.wait()
            if let failure = job.failure {
                for other in inFlight { other.done.wait() }
                throw .dataset(failure)
            }
            merger.mergeStored(job.rows, stored: job.stored, seconds: job.seconds)
        }
        timings.pass.append(ChunkMapper.now() - started)
        timings.parse.append(0)
        timings.score.append(merger.scoreSeconds)
        timings.merge.append(merger.mergeSeconds)
    }

    /// The observer of the file's bytes (``Configuration/contentObserver``), fed by the one
    /// pass that reads the file for it on a thread of its own: the blocks in the order they
    /// are handed over, while the reading thread goes on reading and merging (a content hash
    /// is one long dependency chain, which on the reading thread held up the merge).
    final class ContentReading: @unchecked Sendable {
        /// Changed only on `queue`.
        private var observer: any ContentObserver
        private let queue = DispatchQueue(label: "kam.content-observer")
        init(observer: any ContentObserver) { self.observer = observer }

        /// Shows the observer a block, after every block handed over before it.
        func observe(bytes: [UInt8]) {
            queue.async { self.observer.observe(bytes: bytes) }
        }

        /// The observer, once it has seen every block handed over.
        var observed: any ContentObserver { queue.sync { observer } }
    }

    /// Reads the file in blocks, maps them on worker threads (`work`) and merges them in
    /// order (`merge`) with the absolute line of each chunk's first record. Joins chunks
    /// that end inside a quoted field, and turns chunk failures into errors. Shows `content`
    /// every byte of the file, in order (each block once it is handed to a worker).
    /// - Returns: The block table (where each chunk's bytes are in the file).
    @discardableResult
    func drive(
        path: String, setup: Setup, content: ContentReading? = nil,
        work: @escaping @Sendable (MappedChunk) -> Void,
        merge: (MappedChunk, Int) -> Void
    ) throws(Failure) -> [BlockEntry] {
        let reader: BlockReader
        do { reader = try BlockReader(path: path, blockSize: configuration.blockSize) } catch { throw .dataset(error) }
        // Skip what the setup read (the first block, grown to hold the header): it is the
        // first chunk.
        do { try reader.seek(to: setup.firstOriginalLength) } catch { throw .dataset(error) }

        var blocks = [BlockEntry(fileOffset: 0, fileLength: setup.firstOriginalLength, convertedBase: 0)]
        let queue = DispatchQueue.global(qos: .userInitiated)
        let inFlightLimit = max(2 * configuration.workers, 2)
        var inFlight: [MappedChunk] = []
        var readerDone = false
        func submit(_ chunk: MappedChunk) {
            inFlight.append(chunk)
            queue.async {
                work(chunk)
                chunk.done.signal()
            }
        }
        func drain() {
            for chunk in inFlight { chunk.done.wait() }
            inFlight.removeAll()
        }
        submit(MappedChunk(bytes: setup.firstBytes, start: setup.start, block: 0, needsConversion: false))
        content?.observe(bytes: setup.firstOriginal)
        var line = setup.line
        var pending: (bytes: ArraySlice<UInt8>, entry: BlockEntry)? = nil
        var pendingQuoteLine: Int? = nil
        let convert = setup.encoding == .gb18030
        while true {
            while !readerDone && inFlight.count < inFlightLimit {
                let block: BlockReader.Block?
                do { block = try reader.next() } catch {
                    drain()
                    throw .dataset(error)
                }
                guard let block else {
                    readerDone = true
                    break
                }
                blocks.append(BlockEntry(fileOffset: block.fileOffset, fileLength: block.bytes.count, convertedBase: 0))
                submit(MappedChunk(bytes: block.bytes, start: 0, block: blocks.count - 1, needsConversion: convert))
                content?.observe(bytes: block.bytes)
            }
            guard !inFlight.isEmpty else { break }
            var chunk = inFlight.removeFirst()
            chunk.done.wait()
            if let prefix = pending {
                // The previous chunk ended inside a quoted field: map the two together
                // (unless this one's text does not even convert).
                var converted = true
                if case .undecodable = chunk.failure { converted = false }
                if !converted {
                    // Its lines count from its own start, after the partial record.
                    let prefixBytes = Array(prefix.bytes)
                    line += CSVParser.physicalLine(of: prefixBytes.count, in: prefixBytes, from: 0) - 1
                } else {
                    let next = blocks[chunk.block]
                    blocks.append(
                        BlockEntry(
                            fileOffset: prefix.entry.fileOffset, fileLength: prefix.entry.fileLength + next.fileLength,
                            convertedBase: prefix.entry.convertedBase))
                    let joined = MappedChunk(
                        bytes: Array(prefix.bytes) + chunk.bytes, start: 0, block: blocks.count - 1,
                        needsConversion: false)
                    work(joined)
                    chunk = joined
                }
                pending = nil
                pendingQuoteLine = nil
            }
            merge(chunk, line)
            switch chunk.failure {
            case nil:
                line += chunk.lineCount
                // Its bytes are no longer needed: reuse the buffer for a later block.
                let bytes = chunk.bytes
                chunk.bytes = []
                reader.recycle(bytes)
            case .openQuote(let recordStart, let recordLine, _, let quoteLine)?:
                // At the end of the file this is an unterminated quote (thrown after the loop).
                pendingQuoteLine = line + quoteLine
                line += recordLine
                let entry = blocks[chunk.block]
                pending = (
                    chunk.bytes[recordStart...],
                    BlockEntry(
                        fileOffset: entry.fileOffset, fileLength: entry.fileLength,
                        convertedBase: entry.convertedBase + recordStart)
                )
                // A record still open after the record limit is refused with its line.
                let limit = ReadLimits.current.recordBytes
                if chunk.bytes.count - recordStart > limit {
                    drain()
                    throw .dataset(.recordTooLong(file: path, line: line, limit: limit))
                }
            case .invalidUTF8(let offset)?:
                drain()
                throw .invalidUTF8(
                    at: offset, in: chunk.bytes, from: chunk.start, line: line, mayBeGB18030: setup.mayBeGB18030,
                    path: path)
            case .fieldTooLong(let relative)?:
                drain()
                throw .dataset(.fieldTooLong(file: path, line: line + relative, limit: ReadLimits.current.fieldBytes))
            case .undecodable(let offset)?:
                drain()
                guard offset >= 0 else {
                    throw .dataset(.unreadable(file: path, reason: "no GB18030 converter"))
                }
                throw .dataset(
                    .undecodable(
                        file: path, encoding: "GB18030",
                        line: line - 1 + CSVParser.physicalLine(of: offset, in: chunk.original, from: 0)))
            }
        }
        if let pendingQuoteLine { throw .dataset(.unterminatedQuote(file: path, line: pendingQuoteLine)) }
        return blocks
    }
}
