import ScoringEngine

/// The result of ranking a prospect list with ``ProspectStream``: what was read and
/// rejected, the grade counts of the whole list, and the accounts to show, in rank order,
/// with their ranks in the whole list.
public struct StreamedRanking {
    public let file: String
    public let header: [String]
    public let encoding: TextEncoding
    public let delimiter: UInt8
    /// Records read (header excluded; blank lines are not records).
    public let rowsRead: Int
    /// Rows that could be scored.
    public let acceptedCount: Int
    /// Rows that could not, in file order. `acceptedCount + rejects.count == rowsRead`.
    public let rejects: [Reject]
    /// Accounts per grade under the ranked scenario, over the whole list.
    public let gradeCounts: [Grade: Int]
    /// Segment rules not evaluated, with the columns the file lacks for them.
    public let unevaluatedSegments: [(id: String, missingColumns: [String])]
    /// The statistics of the whole list for batch-relative scales and mean fills.
    public let statistics: UtilityBuilder.Statistics
    /// Where those statistics came from.
    public let statisticsSource: StatisticsSource
    /// The accounts to show, in rank order (read again from the file); empty when they are
    /// read page by page from ``pages``.
    public let shown: ProspectBatch
    /// The rank of each shown account in the whole list, 1-based.
    public let ranks: [Int]
    /// The accounts to show, page by page (a ranking asked for as `paged`), else `nil`.
    public let pages: ShownPages?
    /// Every accepted account with its rank, for a run history, when the stream was
    /// configured to keep them (``ProspectStream/Configuration/keepsRecords``), else `nil`.
    public let recorded: RecordedAccounts?
    /// How many passes over the rows the ranking took (a statistics pass, scoring passes).
    public let passes: Int
    /// How many of those read and parsed the file (scoring passes of batch-relative scales
    /// score the raw values the first pass kept instead).
    public let fileReads: Int
    /// Where the time went.
    public let timings: Timings
    /// The observer of the scoring pass that counted (``ProspectStream/Configuration/observer``),
    /// having seen every graded account; `nil` without one.
    public var observed: (any AccountObserver)? = nil
    /// The observer of the file's bytes (``ProspectStream/Configuration/contentObserver``),
    /// having seen all of them; `nil` without one.
    public var contentObserved: (any ContentObserver)? = nil

    /// How the statistics of batch-relative scales and `mean` fills were obtained.
    public enum StatisticsSource: String, Sendable {
        /// The model has no batch-relative scale and no `mean` policy.
        case none
        /// Mean utilities gathered while streaming; rows missing a `mean` factor were
        /// graded at the end of the file.
        case sameStream = "same-pass"
        /// A first pass over the file gathered them.
        case firstPass = "first-pass"
    }

    /// Seconds spent in each part of the work. Worker times are summed over threads.
    public struct Timings: Sendable {
        /// Splitting fields and reading values (workers), per pass.
        public var parse: [Double] = []
        /// Utilities, BLAS products and grades (workers), per pass.
        public var score: [Double] = []
        /// Merging chunks in order: duplicate ids, statistics, top-K (one thread), per pass.
        public var merge: [Double] = []
        /// Wall time of each pass.
        public var pass: [Double] = []
        /// Ranking the selection and reading the shown rows again.
        public var select = 0.0
        /// Ranking and ordering by id the rows kept for a run history (0 when none are kept).
        public var record = 0.0
        public var workers = 0
    }

    /// A ``ProspectListLoader/Result`` holding the shown accounts (for code written against
    /// the in-memory loader); its `rowsRead` and `rejects` are the whole list's.
    public var loaderResult: ProspectListLoader.Result {
        ProspectListLoader.Result(
            file: file, batch: shown, rejects: rejects, header: header, rowsRead: rowsRead,
            unevaluatedSegments: unevaluatedSegments, encoding: encoding, delimiter: delimiter)
    }
}
