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
        /// One outlier, the rest a few ulps apart: keys that differ but share a fine position.
        case ulps
    }

    @Test(
        "exact ranks for spread, clustered (crowded codes), tied and equal keys, at every code width",
        arguments: Shape.allCases, [(true, 5000), (false, 5000), (true, 2), (false, 37), (true, 2048), (false, 2049), (true, 300_000)])
    func shapes(shape: Shape, setting: (gradeFirst: Bool, size: Int)) {
        let gradeFirst = setting.gradeFirst
        if setting.size == 300_000 && shape != .spread && shape != .ties && shape != .ulps { return }  // keep the debug run short
        var random = SeededRandom(seed: 17)
        let n = shape == .single ? 1 : setting.size
        let keys: [Double] = (0..<n).map { index in
            switch shape {
            case .spread: return 100 * random.nextDouble() - 20
            case .clustered: return index == 0 ? 1000 : 50 + 1e-6 * random.nextDouble()  // one outlier, the rest in a sliver
            case .ties: return Double(Int(random.nextDouble() * 40))
            case .allEqual: return 7
            case .single: return 3
            case .ulps: return index == 0 ? 1e6 : 50 + Double(random.next() % 7) * (50.0).ulp
            }
        }
        let grades = (0..<n).map { _ in UInt8(random.next() % 5) }
        var ranker = DrawRanker(count: n, gradeFirst: gradeFirst)
        var ranks = [Int32](repeating: 0, count: n)
        ranker.rank(keys: keys, grades: grades, into: &ranks)
        #expect(ranks == Self.reference(keys: keys, grades: grades, gradeFirst: gradeFirst))
        // The view entry point with the range given, as SMAA calls it.
        var viaView = [Int32](repeating: 0, count: n)
        keys.withUncheckedView { keyView in
            grades.withUncheckedView { gradeView in
                viaView.withUncheckedMutableView { out in
                    ranker.rank(keys: keyView, grades: gradeView, range: DrawRanker.range(keyView), into: out)
                }
            }
        }
        #expect(viaView == ranks)
        // Reusable: a second draw with other keys.
        let other = keys.map { -$0 }
        ranker.rank(keys: other, grades: grades, into: &ranks)
        #expect(ranks == Self.reference(keys: other, grades: grades, gradeFirst: gradeFirst))
    }
}
