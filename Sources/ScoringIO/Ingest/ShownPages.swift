import ScoringEngine

/// The rows a streamed ranking shows, in rank order, read again from the file a page at a
/// time, so that a ranking of every row of a large file is written in bounded memory.
///
/// Each page is mapped on its own: a row maps and assesses the same on any page (given the
/// whole list's statistics), so rendering the pages one after the other gives the same
/// bytes as rendering all the rows at once.
public final class ShownPages {
    private let ranking: StreamMerger.Ranking
    private let fetcher: RecordFetcher
    /// How many rows the pages hold in all.
    public let count: Int
    /// Rows handed out so far.
    public private(set) var produced = 0

    init(ranking: StreamMerger.Ranking, fetcher: RecordFetcher, count: Int) {
        self.ranking = ranking
        self.fetcher = fetcher
        self.count = count
    }

    /// The next shown rows, at most `limit` of them, with the rank of each in the whole
    /// list; `nil` after the last page.
    ///
    /// - Throws: `DatasetError.unreadable` if the file changed since it was ranked, or the
    ///   ranking's temporary runs cannot be read.
    public func next(upTo limit: Int) throws(DatasetError) -> (batch: ProspectBatch, ranks: [Int])? {
        try take(upTo: limit)?.mapped()
    }

    /// The next shown rows as ``next(upTo:)`` gives them, but not yet mapped when the ranking
    /// carries its records: the page's entries, ranks and records are taken here (in order,
    /// one page after the other), and ``PendingPage/mapped()`` maps them on any thread, so
    /// that pages can be mapped side by side. A page read again from the file is read and
    /// mapped here.
    public func take(upTo limit: Int) throws(DatasetError) -> PendingPage? {
        precondition(limit >= 1, "A page holds at least one row")
        var entries: [RankedEntry] = []
        var ranks: [Int] = []
        entries.reserveCapacity(Swift.max(0, Swift.min(limit, count - produced)))
        ranks.reserveCapacity(entries.capacity)
        // A ranking of every row carries each row's record: the page is mapped from those,
        // read in rank order from the sorted runs, never from the file again.
        if ranking.carriesRecords {
            var records: [UInt8] = []
            while entries.count < limit, let (rank, entry) = try ranking.next(appendingRecordTo: &records) {
                entries.append(entry)
                ranks.append(rank)
            }
            guard !entries.isEmpty else { return nil }
            produced += entries.count
            return PendingPage(ranks: ranks, content: .records(entries: entries, records: records, fetcher: fetcher))
        }
        while entries.count < limit, let (rank, entry) = try ranking.next() {
            entries.append(entry)
            ranks.append(rank)
        }
        guard !entries.isEmpty else { return nil }
        produced += entries.count
        return PendingPage(ranks: ranks, content: .mapped(try fetcher.fetch(entries)))
    }
}

/// A page of accounts taken from a ranking (``ShownPages/take(upTo:)``) or from the accounts
/// of a run to record (``RecordedAccounts/take(upTo:)``), with the rank of each, to be mapped
/// by ``mapped()``.
///
/// Mapping reads only the page's own records and the list's plan (which no one changes), so
/// pages may be mapped on several threads at once; each maps to the same batch on any thread.
public struct PendingPage: @unchecked Sendable {
    enum Content {
        case mapped(ProspectBatch)
        case records(entries: [RankedEntry], records: [UInt8], fetcher: RecordFetcher)
        /// Records with the utilities the ranking pass computed of them (a run to record).
        case scored(entries: [RankedEntry], records: [UInt8], scored: ScoredRows, fetcher: RecordFetcher)
    }
    /// The 1-based rank of each account in the whole list.
    public let ranks: [Int]
    let content: Content

    /// The page's accounts as a batch, with their ranks.
    ///
    /// - Throws: `DatasetError.unreadable` if a record no longer maps as it did when it was
    ///   ranked (a bug).
    public func mapped() throws(DatasetError) -> (batch: ProspectBatch, ranks: [Int]) {
        switch content {
        case .mapped(let batch): return (batch, ranks)
        case .records(let entries, let records, let fetcher), .scored(let entries, let records, _, let fetcher):
            return (try fetcher.map(entries, records: records), ranks)
        }
    }

    /// The page's accounts assessed with the whole list's statistics, with their ranks.
    ///
    /// Accounts whose utilities the ranking pass kept (a run to record) are not read again
    /// as factor values: only what a run history keeps of them (id, name, stage, and the
    /// segment columns) is read from their records (their industry, region, manager and deal
    /// value are left empty), and the pass's utilities are scored and
    /// assembled into the assessment
    /// (``ScoringPipeline/assessment(of:segmentData:scored:scenario:statistics:)``), the same
    /// bits as ``ScoringPipeline/assess(_:scenario:statistics:)`` of the mapped page.
    ///
    /// - Throws: `DatasetError.unreadable` if a record no longer maps as it did when it was
    ///   ranked (a bug).
    public func assessed(
        by pipeline: ScoringPipeline, scenario: Int, statistics: UtilityBuilder.Statistics
    ) throws(DatasetError) -> (assessment: BatchAssessment, ranks: [Int]) {
        guard case .scored(let entries, let records, let scored, let fetcher) = content else {
            return (pipeline.assess(try mapped().batch, scenario: scenario, statistics: statistics), ranks)
        }
        let described = try fetcher.map(entries, records: records, readsFactors: false)
        return (
            pipeline.assessment(
                of: described.accounts, segmentData: described.segmentData, scored: scored, scenario: scenario,
                statistics: statistics),
            ranks
        )
    }
}
