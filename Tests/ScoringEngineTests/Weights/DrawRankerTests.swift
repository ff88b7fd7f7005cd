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
        /// Clusters of about 4 keys sharing a code, higher index with higher key (each run in
        /// reverse order: the insertion pass moves every record of it).
        case crowdedRuns
        /// Half the keys spread, half in a sliver: the insertion pass gives up midway and a
        /// comparison sort finishes.
        case halfSliver
    }

    @Test(
        "exact ranks for spread, clustered (crowded codes), tied and equal keys, at every code width",
        arguments: Shape.allCases, [(true, 5000), (false, 5000), (true, 2), (false, 37), (true, 2048), (false, 2049), (true, 300_000)])
    func shapes(shape: Shape, setting: (gradeFirst: Bool, size: Int)) {
        let gradeFirst = setting.gradeFirst
        if setting.size == 300_000 && ![.spread, .ties, .ulps, .crowdedRuns].contains(shape) { return }  // keep the debug run short
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
            case .crowdedRuns: return Double(index % Swift.max(1, n / 4)) + Double(index) * 1e-9
            case .halfSliver: return index % 2 == 0 ? 100 * random.nextDouble() : 50 + 1e-7 * random.nextDouble()
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
        let range = keys.withUncheckedView { DrawRanker.range($0) }
        #expect(range.low == keys.min() && range.high == keys.max())
        // SMAA's panel-major layout: account i's rank at (i / 256) · stride + i % 256.
        let stride = 3 * 256
        var laidOut = [Int32](repeating: -1, count: ((n - 1) / 256 + 1) * stride)
        keys.withUncheckedView { keyView in
            grades.withUncheckedView { gradeView in
                laidOut.withUncheckedMutableView { out in
                    ranker.rank(keys: keyView, grades: gradeView, range: DrawRanker.range(keyView), into: out, panelStride: stride)
                }
            }
        }
        #expect((0..<n).map { laidOut[($0 / 256) * stride + $0 % 256] } == ranks)
        #expect(laidOut.filter { $0 != -1 }.count == n)
        // Reusable: a second draw with other keys.
        let other = keys.map { -$0 }
        ranker.rank(keys: other, grades: grades, into: &ranks)
        #expect(ranks == Self.reference(keys: other, grades: grades, gradeFirst: gradeFirst))
    }
}
