import LinearAlgebra
import ScoringTestSupport
import Testing

@Suite("BLASThreads", .serialized)
struct BLASThreadsTests {
    @Test("withThreadCount sets the count inside and restores it after; products are unchanged")
    func setAndRestore() {
        let before = BLASThreads.count
        var random = SplitMix64(seed: 3)
        let a = random.matrix(300, 40)
        let b = random.matrix(40, 30)
        let reference = a * b
        let inside = BLASThreads.withThreadCount(1) { () -> (Int, Matrix) in
            (BLASThreads.count, a * b)
        }
        #expect(inside.0 == 1)
        #expect(inside.1.isApproximatelyEqual(to: reference, absoluteTolerance: 1e-12, relativeTolerance: 1e-12))
        #expect(BLASThreads.count == before)
    }
}
