import Testing

@testable import ScoringEngine

@Suite("DrawRanker (counting sort of one draw) against a comparison sort")
struct DrawRankerTests {
    /// Ranks by (grade if gradeFirst, key descending, index).
    static func reference(keys: [Double], grades: [UInt8], gradeFirst: Bool) -> [Int32] {
        let order = keys.indices.sorted { a, b in
            if gradeFirst, grades[a] != grades[b] { return grades[a] < grades[b] }
            if keys[a] != keys[b] { return keys[a] > keys[b] }
            return a < b
        }
        var ranks = [Int32](repeating: 0, count: keys.count)
        for (position, index) in order.enumerated() { ranks[index] = Int32(position + 1) }
        return ranks
    }

    enum Shape: String, CaseIterable, Sendable {
        case spread, clustered, ties, allEqual, single
    }

    @Test("exact ranks for spread, clustered (crowded buckets), tied and equal keys", arguments: Shape.allCases, [true, false])
    func shapes(shape: Shape, gradeFirst: Bool) {
        var random = SeededRandom(seed: 17)
        let n = shape == .single ? 1 : 5000
        let keys: [Double] = (0..<n).map { index in
            switch shape {
            case .spread: return 100 * random.nextDouble() - 20
            case .clustered: return index == 0 ? 1000 : 50 + 1e-6 * random.nextDouble()  // one outlier, the rest in a sliver
            case .ties: return Double(Int(random.nextDouble() * 40))
            case .allEqual: return 7
            case .single: return 3
            }
        }
        let grades = (0..<n).map { _ in UInt8(random.next() % 5) }
        var ranker = DrawRanker(count: n, gradeFirst: gradeFirst)
        var ranks = [Int32](repeating: 0, count: n)
        ranker.rank(keys: keys, grades: grades, into: &ranks)
        #expect(ranks == Self.reference(keys: keys, grades: grades, gradeFirst: gradeFirst))
        // Reusable: a second draw with other keys.
        let other = keys.map { -$0 }
        ranker.rank(keys: other, grades: grades, into: &ranks)
        #expect(ranks == Self.reference(keys: other, grades: grades, gradeFirst: gradeFirst))
    }
}
