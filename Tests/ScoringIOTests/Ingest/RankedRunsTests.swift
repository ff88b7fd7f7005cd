import Foundation
import ScoringEngine
import ScoringTestSupport
import Testing

@testable import ScoringIO

/// A ranking of every row larger than its memory budget is sorted in runs on disk and merged;
/// the result must be the one full sort, and streamed rankings read page by page must equal
/// the in-memory ones.
@Suite("Rankings larger than memory: sorted runs on disk, merged, read page by page")
struct RankedRunsTests {
    /// Random entries with many ties in grade and key (broken by the entry number, as the
    /// ranking breaks them by account id).
    static func entries(count: Int, seed: UInt64) -> [RankedEntry] {
        var random = SeededRandom(seed: seed)
        return (0..<count).map { index in
            RankedEntry(
                grade: UInt8(random.next() % 5), key: Double(random.next() % 40) / 4, entry: index,
                position: RecordPosition(block: Int32(index % 7), offset: Int32(index), length: 10), line: index + 2)
        }
    }

    static func ranksBefore(_ first: RankedEntry, _ second: RankedEntry) -> Bool {
        if first.grade != second.grade { return first.grade < second.grade }
        if first.key != second.key { return first.key > second.key }
        return first.entry < second.entry
    }

    @Test("Merged runs equal one full sort, whatever the run size", arguments: [1, 2, 7, 100, 999, 1000, 5000])
    func mergeEqualsSort(capacity: Int) throws {
        let entries = Self.entries(count: 1000, seed: UInt64(capacity))
        let runs = RankedRuns(capacity: capacity)
        for entry in entries { runs.append(entry, ranksBefore: Self.ranksBefore) }
        #expect(runs.count == 1000)
        #expect(runs.spilledRuns == (capacity >= 1000 ? 0 : (1000 - 1) / capacity))
        let merge = try runs.sorted(ranksBefore: Self.ranksBefore)
        var merged: [RankedEntry] = []
        while let entry = try merge.next() { merged.append(entry) }
        let expected = entries.sorted(by: Self.ranksBefore)
        #expect(merged.map(\.entry) == expected.map(\.entry))
        #expect(merged.map(\.line) == expected.map(\.line))
        #expect(merged.map(\.position.offset) == expected.map(\.position.offset))
        #expect(merged.map(\.key.bitPattern) == expected.map(\.key.bitPattern))
    }

    @Test("Runs larger than a read buffer are read back in pieces, after the collection is gone")
    func refills() throws {
        let entries = Self.entries(count: 2000, seed: 9)
        var runs: RankedRuns? = RankedRuns(capacity: 300, readBufferEntries: 7)
        for entry in entries { runs?.append(entry, ranksBefore: Self.ranksBefore) }
        #expect(runs?.spilledRuns == 6)
        let merge = try #require(try runs?.sorted(ranksBefore: Self.ranksBefore))
        runs = nil
        var merged: [Int] = []
        while let entry = try merge.next() { merged.append(entry.entry) }
        #expect(merged == entries.sorted(by: Self.ranksBefore).map(\.entry))
    }

    /// A record for entry `index` whose length varies (0 to 40 bytes) and whose bytes say
    /// which entry it belongs to.
    static func record(_ index: Int) -> [UInt8] {
        let text = Array("r\(index),\"quoted, \(index)\"".utf8)
        return Array(text.prefix(index % 41))
    }

    @Test(
        "Records carried through spilled runs come back with their entries, in rank order",
        arguments: [(1, 7), (2, 4096), (13, 3), (100, 64), (5000, 4096)])
    func carriedRecords(capacity: Int, readBuffer: Int) throws {
        let entries = Self.entries(count: 1500, seed: UInt64(capacity))
        let runs = RankedRuns(capacity: capacity, readBufferEntries: readBuffer, carriesRecords: true)
        for entry in entries {
            Self.record(entry.entry).withByteView { runs.append(entry, record: $0, ranksBefore: Self.ranksBefore) }
        }
        #expect(runs.count == 1500)
        if capacity < 1500 { #expect(runs.spilledRuns > 0) }
        try Self.expectMergedWithRecords(runs, equal: entries)
    }

    /// Merges `runs` (which carry ``record(_:)`` for each entry) and checks the entries and
    /// records against one full sort of `entries`.
    static func expectMergedWithRecords(_ runs: RankedRuns, equal entries: [RankedEntry]) throws {
        let merge = try runs.sorted(ranksBefore: Self.ranksBefore)
        var text: [UInt8]? = []
        var merged: [RankedEntry] = []
        while let entry = try merge.next(record: &text) { merged.append(entry) }
        let expected = entries.sorted(by: Self.ranksBefore)
        #expect(merged.map(\.entry) == expected.map(\.entry))
        #expect(merged.map(\.line) == expected.map(\.line))
        #expect(merged.map(\.key.bitPattern) == expected.map(\.key.bitPattern))
        #expect(text == expected.flatMap { Self.record($0.entry) })
        #expect(merged.map(\.position.length) == expected.map { Int32(Self.record($0.entry).count) })
    }

    @Test("A large buffer, sorted as two halves on two threads, merges to the one full sort with its records")
    func halves() throws {
        let count = RankedRuns.halvesMinimum + 12_345
        let entries = Self.entries(count: count, seed: 31)
        let runs = RankedRuns(capacity: 2 * count, readBufferEntries: 999, carriesRecords: true)
        for entry in entries {
            Self.record(entry.entry).withByteView { runs.append(entry, record: $0, ranksBefore: Self.ranksBefore) }
        }
        #expect(runs.spilledRuns == 0)
        let parts = RankedRuns.parts(of: count, from: RankedRuns.halvesMinimum)
        #expect(parts.count == (ProcessInfo.processInfo.activeProcessorCount > 1 ? 2 : 1))
        #expect(parts.first?.lowerBound == 0 && parts.last?.upperBound == count)
        try Self.expectMergedWithRecords(runs, equal: entries)
    }

    @Test(
        "Spilled buffers sorted and written as two halves side by side merge to the one full sort with their records",
        arguments: [(9, 4), (64, 5), (301, 4096)])
    func spilledHalves(capacity: Int, readBuffer: Int) throws {
        let twoProcessors = ProcessInfo.processInfo.activeProcessorCount > 1
        let entries = Self.entries(count: 2000, seed: UInt64(capacity) + 5)
        let runs = RankedRuns(capacity: capacity, readBufferEntries: readBuffer, carriesRecords: true, halvesFrom: 2)
        let whole = RankedRuns(capacity: capacity, readBufferEntries: readBuffer, carriesRecords: true, halvesFrom: .max)
        for entry in entries {
            Self.record(entry.entry).withByteView {
                runs.append(entry, record: $0, ranksBefore: Self.ranksBefore)
                whole.append(entry, record: $0, ranksBefore: Self.ranksBefore)
            }
        }
        // Every spill writes its buffer as two runs (the buffers fill at the same entries).
        #expect(whole.spilledRuns > 1)
        #expect(runs.spilledRuns == (twoProcessors ? 2 : 1) * whole.spilledRuns)
        try Self.expectMergedWithRecords(runs, equal: entries)
        try Self.expectMergedWithRecords(whole, equal: entries)

        let plain = RankedRuns(capacity: capacity, readBufferEntries: readBuffer, halvesFrom: 2)
        for entry in entries { plain.append(entry, ranksBefore: Self.ranksBefore) }
        let merge = try plain.sorted(ranksBefore: Self.ranksBefore)
        var merged: [Int] = []
        while let entry = try merge.next() { merged.append(entry.entry) }
        #expect(merged == entries.sorted(by: Self.ranksBefore).map(\.entry))
    }

    /// A ranking's order with grades not first: key, highest first, then entry.
    static func ranksBeforeAcrossGrades(_ first: RankedEntry, _ second: RankedEntry) -> Bool {
        if first.key != second.key { return first.key > second.key }
        return first.entry < second.entry
    }

    @Test(
        "Sorted by keys (a radix sort, ties by the order), runs merge to the one full sort, grades first or not",
        arguments: [(100_000, 2), (300, 2), (3_000, RankedRuns.halvesMinimum)])
    func keyedSort(capacity: Int, halvesFrom: Int) throws {
        var entries = Self.entries(count: 2_500, seed: UInt64(capacity))
        // Keys that differ only in their lowest bits (equal once the grade takes three),
        // negative keys and zeros of both signs.
        let near = Double(1).nextUp
        let special: [Double] = [near, 1, -2.5, 0, -0.0, near.nextUp]
        for index in stride(from: 0, to: entries.count, by: 5) { entries[index].key = special[index % special.count] }
        // Appended out of id order, so that a sort that kept ties in the order they came in
        // (the radix sort alone) would not give the id order by chance.
        var random = SeededRandom(seed: 8)
        entries.shuffle(using: &random)
        for gradeFirst in [true, false] {
            let order: (RankedEntry, RankedEntry) -> Bool = { first, second in
                gradeFirst ? Self.ranksBefore(first, second) : Self.ranksBeforeAcrossGrades(first, second)
            }
            let runs = RankedRuns(
                capacity: capacity, readBufferEntries: 97, carriesRecords: true, halvesFrom: halvesFrom,
                keys: RankKeys(gradeFirst: gradeFirst))
            for entry in entries { Self.record(entry.entry).withByteView { runs.append(entry, record: $0, ranksBefore: order) } }
            let merge = try runs.sorted(ranksBefore: order)
            var text: [UInt8]? = []
            var merged: [RankedEntry] = []
            while let entry = try merge.next(record: &text) { merged.append(entry) }
            let expected = entries.sorted(by: order)
            #expect(merged.map(\.entry) == expected.map(\.entry), "grades first: \(gradeFirst)")
            #expect(merged.map(\.key.bitPattern) == expected.map(\.key.bitPattern), "grades first: \(gradeFirst)")
            #expect(text == expected.flatMap { Self.record($0.entry) }, "grades first: \(gradeFirst)")
        }
    }

    @Test("A NaN key, which no key orders, is sorted by the order alone")
    func keyedSortWithNaN() throws {
        var entries = Self.entries(count: 500, seed: 4)
        entries[17].key = .nan
        let runs = RankedRuns(capacity: 1_000, keys: RankKeys(gradeFirst: true))
        for entry in entries { runs.append(entry, ranksBefore: Self.ranksBefore) }
        let merge = try runs.sorted(ranksBefore: Self.ranksBefore)
        var merged: [Int] = []
        while let entry = try merge.next() { merged.append(entry.entry) }
        #expect(merged == entries.sorted(by: Self.ranksBefore).map(\.entry))
    }

    @Test("Sorting parts in place sorts each part and leaves the rest as it was")
    func sortInPlaceParts() {
        var random = SeededRandom(seed: 77)
        let values = (0..<10_000).map { _ in Int(random.next() % 1000) }
        var sorted = values
        let parts = [0..<3_000, 3_000..<3_001, 5_000..<10_000]
        sorted.sortInPlace(parts: parts, by: <)
        for part in parts { #expect(Array(sorted[part]) == values[part].sorted()) }
        #expect(Array(sorted[3_001..<5_000]) == Array(values[3_001..<5_000]))
    }

    @Test("An empty collection merges to nothing")
    func empty() throws {
        let merge = try RankedRuns(capacity: 3).sorted(ranksBefore: Self.ranksBefore)
        #expect(try merge.next().map(\.entry) == nil)
    }

    /// Ranks a file streamed with tiny runs, reading the shown rows page by page, and checks
    /// pages against the in-memory ranking.
    func comparePaged(
        path: String, model: ScoringModel, limit: Int, grades: Set<Grade>? = nil, runCapacity: Int, pageRows: Int,
        _ context: String
    ) throws {
        let stream = ProspectStream(
            model: model, configuration: .init(blockSize: 700, workers: 2, runCapacity: runCapacity))
        let scorer = Scorer(model: model)
        let streamed = try stream.rank(contentsOf: path, scorer: scorer, limit: limit, grades: grades, paged: true)
        let reference = try InMemoryRanking(path: path, model: model, scenario: 0, limit: limit, grades: grades)
        let pages = try #require(streamed.pages, "\(context)")
        #expect(streamed.shown.count == 0 && streamed.ranks.isEmpty, "\(context)")
        #expect(pages.count == reference.rows.count, "\(context): shown count")
        var ranks: [Int] = []
        var accounts: [Account] = []
        var pageCount = 0
        while let page = try pages.next(upTo: pageRows) {
            #expect(page.batch.count == page.ranks.count && page.ranks.count <= pageRows, "\(context)")
            ranks += page.ranks
            accounts += page.batch.accounts
            pageCount += 1
        }
        #expect(pageCount == (reference.rows.count + pageRows - 1) / pageRows, "\(context): pages")
        #expect(ranks == reference.rows.map(\.rank), "\(context): ranks")
        #expect(accounts == reference.rows.map { reference.loaded.batch.accounts[$0.row] }, "\(context): accounts")
        #expect(streamed.rejects == reference.loaded.rejects, "\(context): rejects")
    }

    @Test("Streamed rankings that spill, read page by page, equal the in-memory ranking")
    func pagedSpilledRankings() throws {
        let path = StreamTestFiles.scratchPath("list.csv")
        defer { CSVTestFiles.remove(path) }
        try CSVTestFiles.write(StreamTestFiles.difficultList(rows: 1200, seed: 31), to: path)
        let model = StreamTestFiles.defaultModel
        try comparePaged(path: path, model: model, limit: .max, runCapacity: 13, pageRows: 100, "every row")
        try comparePaged(path: path, model: model, limit: .max, runCapacity: 1, pageRows: 7, "runs of one row")
        try comparePaged(
            path: path, model: model, limit: .max, grades: [.b, .d], runCapacity: 50, pageRows: 64, "grades B, D")
        try comparePaged(path: path, model: model, limit: 900, runCapacity: 40, pageRows: 128, "a top larger than memory")
        try comparePaged(path: path, model: model, limit: 30, runCapacity: 40, pageRows: 8, "a top within memory")
        let acrossGrades = try editedDefaultModel([("grade_first: true", "grade_first: false")])
        try comparePaged(
            path: path, model: acrossGrades, limit: .max, grades: [.a, .c], runCapacity: 33, pageRows: 50,
            "grades A, C ranked across grades")
    }
}
