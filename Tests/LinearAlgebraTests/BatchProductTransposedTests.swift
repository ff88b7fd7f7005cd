import LinearAlgebra
import ScoringTestSupport
import Testing

@Suite("BatchProduct.multiply(byTransposed:) against a brute-force loop")
struct BatchProductTransposedTests {
    @Test("a · bᵀ equals the triple loop", arguments: [(1, 1, 1), (7, 12, 5), (206, 12, 256), (3, 0, 4), (0, 5, 3), (33, 1, 64)])
    func matchesLoops(shape: (Int, Int, Int)) {
        let (rows, inner, columns) = shape
        var random = SplitMix64(seed: UInt64(rows * 1000 + inner * 10 + columns))
        let a = random.vector(rows * inner)
        let b = random.vector(columns * inner)
        var out = [Double](repeating: .nan, count: rows * columns)
        BatchProduct.multiply(a, rows: rows, inner: inner, byTransposed: b, columns: columns, into: &out)
        var expected = [Double](repeating: 0, count: rows * columns)
        for i in 0..<rows {
            for j in 0..<columns {
                var sum = 0.0
                for k in 0..<inner { sum += a[i * inner + k] * b[j * inner + k] }
                expected[i * columns + j] = sum
            }
        }
        // dgemm may sum in another order: within a few ulps of Σ|aᵢₖ bⱼₖ| ≤ inner.
        #expect(out.isApproximatelyEqual(to: expected, absoluteTolerance: 1e-13 * Double(max(inner, 1)), relativeTolerance: 0))
    }

    @Test("the result equals Matrix's transposed product")
    func matchesMatrix() {
        var random = SplitMix64(seed: 5)
        let a = random.matrix(9, 4)
        let b = random.matrix(6, 4)
        var out = [Double](repeating: 0, count: 54)
        BatchProduct.multiply(a.elements, rows: 9, inner: 4, byTransposed: b.elements, columns: 6, into: &out)
        #expect(
            out.isApproximatelyEqual(
                to: a.multiplied(by: b, transposingOther: true).elements, absoluteTolerance: 1e-15, relativeTolerance: 1e-15))
    }
}
