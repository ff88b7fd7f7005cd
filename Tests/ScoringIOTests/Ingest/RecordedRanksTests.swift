import ScoringEngine
import Testing

@testable import ScoringIO

/// The ranks and the id order of the accounts a run records (``RecordedAccounts``), made by
/// radix sorts, against one sort with the whole comparison, on accounts with many ties: keys
/// from a small set (−0 and +0 among them), few grades, ids sharing their first eight bytes
/// and ids that are prefixes of others.
@Suite("RecordedAccounts: radix-sorted ranks and id order equal one sort with the whole comparison")
struct RecordedRanksTests {
    /// A registry of `count` ids in random order and one entry per id.
    static func fixture(count: Int, seed: UInt64) -> (registry: AccountRegistry, entries: [RankedEntry]) {
        var random = SeededRandom(seed: seed)
        var registry = AccountRegistry(expectedCount: count)
        var entries: [RankedEntry] = []
        let keys: [Double] = [-0.0, 0.0, 12.5, 12.5000001, -3, 99, 1e-300]
        var line = 2
        while entries.count < count {
            // Ids share long prefixes ("ACCOUNT-…", "K-00…"), and some are prefixes of others.
            let shape = random.next() % 3
            let number = random.next() % UInt64(count * 2)
            let id =
                shape == 0 ? "ACCOUNT-\(number)" : shape == 1 ? "K-\(String(number).leftPadded(to: 6))" : "\(number % 1000)"
            let bytes = Array(id.utf8)
            let inserted = bytes.withByteView { view in
                registry.insert(view, hash: IDHash.hash(view), line: line)
            }
            line += 1
            guard case .added(let entry) = inserted else { continue }
            entries.append(
                RankedEntry(
                    grade: UInt8(random.next() % 3), key: keys[Int(random.next() % UInt64(keys.count))], entry: entry,
                    position: RecordPosition(block: 0, offset: 0, length: 0), line: line))
        }
        return (registry, entries)
    }

    @Test("Ranks, grades first or not, and the id order", arguments: [(UInt64(1), 50), (2, 3000), (3, 40000)])
    func againstOneSort(seed: UInt64, count: Int) {
        let (registry, entries) = Self.fixture(count: count, seed: seed)
        for gradeFirst in [true, false] {
            let order = RankingOrder(gradeFirst: gradeFirst)
            let sorted = entries.indices.sorted { first, second in
                StreamMerger.ranksBefore(entries[first], entries[second], order: order, registry: registry)
            }
            var expected = [Int](repeating: 0, count: entries.count)
            for (place, row) in sorted.enumerated() { expected[row] = place + 1 }
            #expect(RecordedAccounts.ranks(entries, order: order, registry: registry) == expected, "gradeFirst \(gradeFirst)")
        }
        let ids = entries.map { Array(registry.arena[registry.idRange(ofEntry: $0.entry)]) }
        let expectedIDOrder = entries.indices.sorted { ids[$0].lexicographicallyPrecedes(ids[$1]) }
        #expect(RecordedAccounts.idOrder(entries.map(\.entry), registry: registry) == expectedIDOrder)
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: Swift.max(width - count, 0)) + self
    }
}
