import ScoringEngine
import Testing

@Suite("A bounded top-K selection keeps what a full sort puts first")
struct TopSelectionTests {
    struct Entry: Equatable {
        let grade: Grade
        let key: Double
        let id: String
    }

    static func ranksBefore(_ order: RankingOrder) -> (Entry, Entry) -> Bool {
        { first, second in
            order.ranksBefore(grade: first.grade, key: first.key, second.grade, second.key) { first.id < second.id }
        }
    }

    @Test(
        "Random entries with many ties: top-K equals the first K of a full sort",
        arguments: [(UInt64(1), 1), (2, 10), (3, 100), (4, 999), (5, 1000), (6, 5000)])
    func randomEntries(seed: UInt64, capacity: Int) {
        var random = SeededRandom(seed: seed)
        for gradeFirst in [true, false] {
            let order = RankingOrder(gradeFirst: gradeFirst)
            let ranksBefore = Self.ranksBefore(order)
            // Keys from a small set, so that grade and key often tie and the id decides.
            let entries = (0..<3000).map { index in
                Entry(
                    grade: Grade.allCases[Int(random.next() % 5)], key: Double(random.next() % 40) / 4,
                    id: "K-\(random.next() % 100_000)-\(index)")
            }
            var selection = TopSelection<Entry>(capacity: capacity)
            for entry in entries { selection.offer(entry, by: ranksBefore) }
            let expected = Array(entries.sorted(by: ranksBefore).prefix(capacity))
            #expect(selection.sorted(by: ranksBefore) == expected, "seed \(seed), capacity \(capacity)")
            #expect(selection.count == min(capacity, entries.count))
        }
    }

    @Test(
        "Shrunk midway (a report's every-row selection once the list is large): the first K of a full sort",
        arguments: [(UInt64(7), 3001, 200, 0), (8, 3001, 200, 1500), (9, 3001, 200, 2999), (10, 50, 0, 10), (11, 10, 10, 5)])
    func shrunkMidway(seed: UInt64, capacity: Int, shrunk: Int, after: Int) {
        var random = SeededRandom(seed: seed)
        for gradeFirst in [true, false] {
            let ranksBefore = Self.ranksBefore(RankingOrder(gradeFirst: gradeFirst))
            let entries = (0..<3000).map { index in
                Entry(
                    grade: Grade.allCases[Int(random.next() % 5)], key: Double(random.next() % 40) / 4,
                    id: "K-\(random.next() % 100_000)-\(index)")
            }
            var selection = TopSelection<Entry>(capacity: capacity)
            for entry in entries[..<after] { selection.offer(entry, by: ranksBefore) }
            selection.shrink(to: shrunk, by: ranksBefore)
            #expect(selection.capacity == shrunk)
            #expect(selection.count == min(shrunk, after))
            for entry in entries[after...] { selection.offer(entry, by: ranksBefore) }
            let expected = Array(entries.sorted(by: ranksBefore).prefix(shrunk))
            #expect(selection.sorted(by: ranksBefore) == expected, "seed \(seed), shrunk to \(shrunk) after \(after)")
        }
    }

    @Test("A selection of capacity 0 keeps nothing; an empty stream gives nothing")
    func edges() {
        let ranksBefore = Self.ranksBefore(RankingOrder(gradeFirst: true))
        var none = TopSelection<Entry>(capacity: 0)
        let kept = none.offer(Entry(grade: .a, key: 1, id: "x"), by: ranksBefore)
        #expect(!kept)
        #expect(none.sorted(by: ranksBefore).isEmpty)
        #expect(TopSelection<Entry>(capacity: 5).sorted(by: ranksBefore).isEmpty)
    }

    @Test("rankedRows() follows RankingOrder: grade first, key highest first, then id")
    func rankingOrder() {
        let order = RankingOrder(gradeFirst: true)
        #expect(order.ranksBefore(grade: .a, key: 1, .b, 99) { false })
        #expect(order.ranksBefore(grade: .b, key: 5, .b, 4) { false })
        #expect(order.ranksBefore(grade: .b, key: 5, .b, 5) { true })
        #expect(!order.ranksBefore(grade: .b, key: 5, .b, 5) { false })
        #expect(RankingOrder(gradeFirst: false).ranksBefore(grade: .d, key: 9, .a, 1) { false })
    }
}
