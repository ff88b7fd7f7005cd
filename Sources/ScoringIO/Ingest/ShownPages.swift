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
        precondition(limit >= 1, "A page holds at least one row")
        var entries: [RankedEntry] = []
        var ranks: [Int] = []
        // A ranking of every row carries each row's record: the page is mapped from those,
        // read in rank order from the sorted runs, never from the file again.
        var records: [UInt8]? = ranking.carriesRecords ? [] : nil
        while entries.count < limit, let (rank, entry) = try ranking.next(record: &records) {
            entries.append(entry)
            ranks.append(rank)
        }
        guard !entries.isEmpty else { return nil }
        produced += entries.count
        if let records { return (try fetcher.map(entries, records: records), ranks) }
        return (try fetcher.fetch(entries), ranks)
    }
}
