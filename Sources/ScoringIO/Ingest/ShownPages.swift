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
    /// The records of the page being mapped (reused from page to page).
    private var records: [UInt8] = []

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
        precondition(limit >= 1, "A page holds at least one row")
        var entries: [RankedEntry] = []
        var ranks: [Int] = []
        entries.reserveCapacity(Swift.max(0, Swift.min(limit, count - produced)))
        ranks.reserveCapacity(entries.capacity)
        // A ranking of every row carries each row's record: the page is mapped from those,
        // read in rank order from the sorted runs, never from the file again.
        records.removeAll(keepingCapacity: true)
        if ranking.carriesRecords {
            while entries.count < limit, let (rank, entry) = try ranking.next(appendingRecordTo: &records) {
                entries.append(entry)
                ranks.append(rank)
            }
        } else {
            while entries.count < limit, let (rank, entry) = try ranking.next() {
                entries.append(entry)
                ranks.append(rank)
            }
        }
        guard !entries.isEmpty else { return nil }
        produced += entries.count
        if ranking.carriesRecords { return (try fetcher.map(entries, records: records), ranks) }
        return (try fetcher.fetch(entries), ranks)
    }
}
