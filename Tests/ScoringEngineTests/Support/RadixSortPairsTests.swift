import ScoringTestSupport
import Testing

@testable import ScoringEngine

/// `RadixSort.sortPairs`, which a streamed ranking of every row sorts its entries with (and
/// `RadixSort.stableOrder`, built on it), against a stable comparison sort of the same pairs.
@Suite("Radix sort of (key, row) pairs: a stable sort by key")
struct RadixSortPairsTests {
    @Test(
        "Pairs come out by key, equal keys in their first order, each row with its key",
        arguments: [0, 1, 64, 65, 1_000, 70_001])
    func stableByKey(count: Int) {
        var random = SeededRandom(seed: UInt64(count) + 3)
        // Few distinct keys (many ties), keys differing only in a high byte or a low byte,
        // and the extremes.
        var keys = (0..<count).map { _ -> UInt64 in
            switch random.next() % 4 {
            case 0: return random.next() % 7
            case 1: return (random.next() % 5) << 56
            case 2: return [0, .max, .max - 1, 1 << 63][Int(random.next() % 4)]
            default: return random.next()
            }
        }
        var rows = (0..<count).map { UInt32($0) }
        let expected = zip(keys, rows).enumerated().sorted { first, second in
            first.element.0 < second.element.0 || (first.element.0 == second.element.0 && first.offset < second.offset)
        }
        let before = keys
        RadixSort.sortPairs(keys: &keys, rows: &rows)
        #expect(keys == expected.map(\.element.0))
        #expect(rows == expected.map(\.element.1))
        #expect(zip(keys, rows).allSatisfy { key, row in before[Int(row)] == key })
        // The stable order of the keys alone, which a run history ranks its accounts with.
        #expect(RadixSort.stableOrder(of: before) == expected.map(\.offset))
    }
}
