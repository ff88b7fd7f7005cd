import Dispatch
import ScoringEngine

/// Every accepted row of a streamed ranking as the ranking pass graded it, kept for a run
/// history (``ProspectStream/Configuration/keepsRecords``): each row's ranking entry (grade,
/// key, registry entry, line), what the pass computed of it (``ScoredRows``: utilities,
/// completeness, present factors) and its record's text (for the columns that describe the
/// account), in the order the merger selected them.
///
/// Kept by ``StreamMerger/select(_:record:scores:dealValue:scored:scoredRow:)`` as the main
/// pass merges, so recording a run needs neither a second ranking, nor a second read of the
/// file, nor the accounts' factor values read and turned into utilities again. A class, so
/// that the merger (a struct, which the stream copies) appends without copying what is kept.
/// About `48 + 8 × (factors + 2) + record length` bytes a row.
final class RecordedRows {
    var entries: [RankedEntry] = []
    /// Where each entry's record starts in `text` (its length is `position.length`).
    var starts: [Int] = []
    var text: [UInt8] = []
    var scored: ScoredRows

    /// Room for about `rows` rows of `bytes` bytes of records in all (the file's size: the
    /// arrays then grow without copying what they hold; untouched room costs no memory).
    init(plan: StreamPlan, rows: Int = 0, bytes: Int = 0) {
        scored = ScoredRows(factorCount: plan.factorCount)
        entries.reserveCapacity(rows)
        starts.reserveCapacity(rows)
        text.reserveCapacity(bytes)
        scored.reserveCapacity(rows)
    }

    /// Keeps a row: its entry, its record, and row `row` of `scored`.
    func append(_ entry: RankedEntry, record: ByteView, scored: ScoredRows, row: Int) {
        entries.append(entry)
        starts.append(text.count)
        text.append(record)
        self.scored.append(row, of: scored)
    }
}

/// The accepted accounts of a streamed list, for a run history: each with its rank in the
/// whole list, handed out a page at a time in account-id order (the order of SQLite's key,
/// so that inserts only grow the (run, account) B-tree at its right edge).
///
/// Built from the rows the ranking pass kept (``RecordedRows``): the ranks come from one sort
/// of those rows by the ranking's order (grade, key, id — the same comparison the ranking
/// itself uses, so the same ranks), and each page's records are mapped from the kept text
/// (``RecordFetcher/map(_:records:)``), never read from the file again.
public final class RecordedAccounts {
    private let rows: RecordedRows
    private let fetcher: RecordFetcher
    /// Row indices in account-id order.
    private let idOrder: [Int]
    /// 1-based rank of each row in the whole list.
    private let ranks: [Int]
    private var position = 0

    /// How many accounts there are in all.
    public var count: Int { rows.entries.count }

    init(rows: RecordedRows, registry: AccountRegistry, order: RankingOrder, fetcher: RecordFetcher) {
        self.rows = rows
        self.fetcher = fetcher
        // The two sorts are independent (both only read the rows and the registry): one
        // thread each.
        let sorts = Sorts()
        let entries = rows.entries
        DispatchQueue.concurrentPerform(iterations: 2) { sort in
            if sort == 0 {
                sorts.ranks = Self.ranks(entries, order: order, registry: registry)
            } else {
                sorts.idOrder = Self.idOrder(entries.map(\.entry), registry: registry)
            }
        }
        ranks = sorts.ranks
        idOrder = sorts.idOrder
    }

    /// The two sorts' results, each written by one thread and read after both finished.
    private final class Sorts: @unchecked Sendable {
        var ranks: [Int] = []
        var idOrder: [Int] = []
    }

    /// The 1-based rank of each entry: its place in the order of ``RankingOrder`` (grade when
    /// grades come first, then key descending, then id), the comparison
    /// ``StreamMerger/ranksBefore(_:_:order:registry:)`` makes.
    ///
    /// The keys are put in order by a radix sort (``RadixSort/stableOrder(of:)``), then
    /// stably by grade (a counting pass); only accounts with equal grades and keys are
    /// compared by id. A NaN key (which no score makes) falls back to one sort with the
    /// whole comparison.
    static func ranks(_ entries: [RankedEntry], order: RankingOrder, registry: AccountRegistry) -> [Int] {
        let gradeFirst = order.gradeFirst
        let grade = { (row: Int) -> UInt8 in gradeFirst ? entries[row].grade : 0 }
        let ranked: [Int]
        if entries.contains(where: { $0.key.isNaN }) {
            ranked = entries.indices.sorted { first, second in
                if grade(first) != grade(second) { return grade(first) < grade(second) }
                if entries[first].key != entries[second].key { return entries[first].key > entries[second].key }
                return registry.idPrecedes(entries[first].entry, entries[second].entry)
            }
        } else {
            // Key descending: the complement of the key's ascending order. The grades and keys
            // are read from compact copies (the entries are 40 bytes each, read out of order).
            let keys = entries.map { ~RadixSort.orderedKey($0.key) }
            let grades = entries.map { gradeFirst ? $0.grade : 0 }
            var byKey = RadixSort.stableOrder(of: keys)
            if gradeFirst {
                var starts = [Int](repeating: 0, count: 257)
                for grade in grades { starts[Int(grade) + 1] += 1 }
                for grade in 1..<starts.count { starts[grade] += starts[grade - 1] }
                var byGrade = [Int](repeating: 0, count: byKey.count)
                for row in byKey {
                    byGrade[starts[Int(grades[row])]] = row
                    starts[Int(grades[row])] += 1
                }
                byKey = byGrade
            }
            sortTies(
                &byKey, registry: registry, entry: { entries[$0].entry },
                tie: { grades[$0] == grades[$1] && keys[$0] == keys[$1] })
            ranked = byKey
        }
        var ranks = [Int](repeating: 0, count: entries.count)
        for (place, row) in ranked.enumerated() { ranks[row] = place + 1 }
        return ranks
    }

    /// Sorts by id every run of neighbours in `order` that `tie` says are equal.
    /// (`entry` gives a row's registry entry.)
    private static func sortTies(
        _ order: inout [Int], registry: AccountRegistry, entry: (Int) -> Int, tie: (Int, Int) -> Bool
    ) {
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count && tie(order[start], order[end]) { end += 1 }
            if end - start > 1 {
                order[start..<end].sort { registry.idPrecedes(entry($0), entry($1)) }
            }
            start = end
        }
    }

    /// Row indices in the byte order of their ids (NFC UTF-8 in the registry): a radix sort on
    /// the first eight bytes as one big-endian integer, whole ids compared only when those agree.
    static func idOrder(_ registryEntries: [Int], registry: AccountRegistry) -> [Int] {
        let arena = registry.arena
        let prefixes = registryEntries.map { entry -> UInt64 in
            let range = registry.idRange(ofEntry: entry)
            var prefix: UInt64 = 0
            let taken = Swift.min(range.count, 8)
            for offset in range.lowerBound..<(range.lowerBound + taken) { prefix = prefix << 8 | UInt64(arena[offset]) }
            return taken == 0 ? 0 : prefix << (8 * UInt64(8 - taken))
        }
        var order = RadixSort.stableOrder(of: prefixes)
        sortTies(&order, registry: registry, entry: { registryEntries[$0] }, tie: { prefixes[$0] == prefixes[$1] })
        return order
    }

    /// The next accounts in id order, at most `limit`, mapped from their kept records, with
    /// the rank of each in the whole list; `nil` after the last.
    ///
    /// - Throws: `DatasetError.unreadable` if a kept record no longer maps (a bug).
    public func next(upTo limit: Int) throws(DatasetError) -> (batch: ProspectBatch, ranks: [Int])? {
        try take(upTo: limit)?.mapped()
    }

    /// The next accounts as ``next(upTo:)`` gives them, not yet mapped: their records and
    /// what the pass computed of them are copied here, in order, and
    /// ``PendingPage/assessed(by:scenario:statistics:)`` maps and assembles them on any thread.
    public func take(upTo limit: Int) -> PendingPage? {
        precondition(limit >= 1, "A page holds at least one row")
        guard position < idOrder.count else { return nil }
        let page = idOrder[position..<Swift.min(position + limit, idOrder.count)]
        position += page.count
        var entries: [RankedEntry] = []
        entries.reserveCapacity(page.count)
        var records: [UInt8] = []
        var pageRanks: [Int] = []
        pageRanks.reserveCapacity(page.count)
        var scored = ScoredRows(factorCount: rows.scored.factorCount)
        scored.reserveCapacity(page.count)
        for row in page {
            let entry = rows.entries[row]
            entries.append(entry)
            pageRanks.append(ranks[row])
            let start = rows.starts[row]
            records.append(contentsOf: rows.text[start..<(start + Int(entry.position.length))])
            scored.append(row, of: rows.scored)
        }
        return PendingPage(
            ranks: pageRanks, content: .scored(entries: entries, records: records, scored: scored, fetcher: fetcher))
    }
}
