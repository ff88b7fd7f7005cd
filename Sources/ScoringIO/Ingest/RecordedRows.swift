import Dispatch
import ScoringEngine

/// Every accepted row of a streamed ranking as the ranking pass graded it, kept for a run
/// history (``ProspectStream/Configuration/keepsRecords``): each row's ranking entry (grade,
/// key, registry entry, line), what the pass computed of it (``ScoredRows``: utilities,
/// completeness, present factors) and its record's text (for the columns that describe the
/// account), in the order the merger selected them.
///
/// Kept by ``StreamMerger/select(_:record:recordStart:scores:dealValue:scoredRow:)`` as the
/// main pass merges, so recording a run needs neither a second ranking, nor a second read of
/// the file, nor the accounts' factor values read and turned into utilities again. A class,
/// so that the merger (a struct, which the stream copies) appends without copying what is
/// kept.
///
/// The text and the utilities are not copied row by row: the merger offers each chunk's
/// bytes and scored rows (``offer(text:scored:)``), the first row kept from them adopts
/// them whole as a segment, and a row is its place in its segment. The merging thread,
/// which the pass waits for, then neither copies a row's bytes nor touches new memory for
/// them. About `60 + 8 × (factors + 2) + record length` bytes a row.
final class RecordedRows {
    /// A chunk's text and the rows the pass scored of it, adopted whole.
    struct Segment {
        let text: [UInt8]
        let scored: ScoredRows
    }
    /// Where a kept row is: its segment, where its record starts in the segment's text (its
    /// length is its entry's `position.length`), and its row in the segment's scored rows.
    struct Place {
        var segment: Int32
        var start: Int32
        var row: Int32
    }
    var entries: [RankedEntry] = []
    var places: [Place] = []
    var segments: [Segment] = []
    let factorCount: Int
    /// The text and scored rows the next kept rows point into, adopted as a segment by the
    /// first of them.
    private var offered: Segment?

    /// Room for about `rows` rows (untouched room costs no memory).
    init(plan: StreamPlan, rows: Int = 0) {
        factorCount = plan.factorCount
        entries.reserveCapacity(rows)
        places.reserveCapacity(rows)
    }

    /// The text and scored rows that the rows appended next point into (by their start in
    /// `text` and their row in `scored`).
    func offer(text: [UInt8], scored: ScoredRows) {
        precondition(scored.factorCount == factorCount, "Rows scored with the recorded model")
        offered = Segment(text: text, scored: scored)
    }

    /// Keeps a row: its entry, its record (`entry.position.length` bytes from `start` of the
    /// offered text) and row `row` of the offered scored rows.
    func append(_ entry: RankedEntry, start: Int, row: Int) {
        if let offered {
            segments.append(offered)
            self.offered = nil
        }
        precondition(!segments.isEmpty, "A kept row points into offered text")
        entries.append(entry)
        places.append(
            Place(segment: Int32(segments.count - 1), start: Int32(truncatingIfNeeded: start), row: Int32(row)))
    }

    /// Appends row `row`'s record to `records` and what the pass computed of it to `scored`.
    func copy(_ row: Int, record records: inout [UInt8], scored: inout ScoredRows) {
        let place = places[row]
        let segment = segments[Int(place.segment)]
        let start = Int(place.start)
        records.append(contentsOf: segment.text[start..<(start + Int(entries[row].position.length))])
        scored.append(Int(place.row), of: segment.scored)
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
        var scored = ScoredRows(factorCount: rows.factorCount)
        scored.reserveCapacity(page.count)
        for row in page {
            entries.append(rows.entries[row])
            pageRanks.append(ranks[row])
            rows.copy(row, record: &records, scored: &scored)
        }
        return PendingPage(
            ranks: pageRanks, content: .scored(entries: entries, records: records, scored: scored, fetcher: fetcher))
    }
}
