import LinearAlgebra
import ScoringTestSupport
import Testing

// Tolerance: inputs are uniform in -1...1 and inner dimensions are at most 37, so every exact
// dot product has magnitude below 37 and BLAS's rounding error is below 37 · 37 · 2⁻⁵³ ≈ 2e-13.
// Entries are compared to 1e-12 relative, with 1e-12 absolute for entries near zero.
private let relative = 1e-12
private let absolute = 1e-12

@Suite("BLAS products match brute-force loops")
struct BLASTests {
    /// (rows, columns) of A, including empty and odd shapes.
    static let shapes: [(Int, Int)] = [(1, 1), (3, 5), (7, 2), (17, 13), (37, 29), (0, 4), (4, 0)]

    @Test("A x equals the brute-force double loop", arguments: shapes)
    func matrixVector(rows: Int, columns: Int) {
        var random = SplitMix64(seed: 1)
        let a = random.matrix(rows, columns)
        let x = random.vector(columns)
        #expect(
            a.multiplied(by: x).isApproximatelyEqual(
                to: naiveProduct(a, x), absoluteTolerance: absolute, relativeTolerance: relative))
    }

    @Test("Aᵀ x equals the brute-force double loop", arguments: shapes)
    func transposedMatrixVector(rows: Int, columns: Int) {
        var random = SplitMix64(seed: 2)
        let a = random.matrix(rows, columns)
        let x = random.vector(rows)
        #expect(
            a.transposeMultiplied(by: x).isApproximatelyEqual(
                to: naiveProduct(naiveTranspose(a), x), absoluteTolerance: absolute,
                relativeTolerance: relative))
    }

    /// (m, k, n): op(A) is m × k, op(B) is k × n.
    static let productShapes: [(Int, Int, Int)] = [
        (1, 1, 1), (2, 3, 4), (5, 1, 7), (13, 37, 11), (0, 3, 2), (3, 0, 2), (3, 2, 0),
    ]

    @Test(
        "op(A) op(B) equals the brute-force triple loop for every transpose combination",
        arguments: productShapes, [(false, false), (true, false), (false, true), (true, true)])
    func matrixMatrix(shape: (Int, Int, Int), transposes: (Bool, Bool)) {
        let (m, k, n) = shape
        let (transposingA, transposingB) = transposes
        var random = SplitMix64(seed: 3)
        let a = transposingA ? random.matrix(k, m) : random.matrix(m, k)
        let b = transposingB ? random.matrix(n, k) : random.matrix(k, n)
        let product = a.multiplied(
            by: b, transposingSelf: transposingA, transposingOther: transposingB)
        let expected = naiveProduct(a, b, transposingA: transposingA, transposingB: transposingB)
        #expect(
            product.isApproximatelyEqual(
                to: expected, absoluteTolerance: absolute, relativeTolerance: relative))
    }

    @Test("The * operator is the plain matrix product")
    func multiplicationOperator() {
        var random = SplitMix64(seed: 4)
        let a = random.matrix(6, 4)
        let b = random.matrix(4, 3)
        #expect(
            (a * b).isApproximatelyEqual(
                to: naiveProduct(a, b), absoluteTolerance: absolute, relativeTolerance: relative))
    }

    @Test("AᵀA equals the brute-force product and is exactly symmetric", arguments: shapes)
    func gram(rows: Int, columns: Int) {
        var random = SplitMix64(seed: 5)
        let a = random.matrix(rows, columns)
        let gram = a.gram()
        #expect(
            gram.isApproximatelyEqual(
                to: naiveProduct(a, a, transposingA: true), absoluteTolerance: absolute,
                relativeTolerance: relative))
        // Exact on purpose: the mirrored triangle is a copy, so symmetry is bit for bit.
        #expect(gram == gram.transposed)
    }

    /// The shapes, and one of several row panels of ``Matrix/gramPanelRows`` with a partial last one.
    @Test(
        "AᵀWA equals the brute-force weighted sum and is exactly symmetric",
        arguments: shapes + [(2 * Matrix.gramPanelRows + 37, 9)])
    func weightedGram(rows: Int, columns: Int) {
        var random = SplitMix64(seed: 6)
        let a = random.matrix(rows, columns)
        let weights = (0..<rows).map { _ in Double.random(in: 0...1, using: &random) }
        var expected = Matrix(rows: columns, columns: columns)
        for i in 0..<columns {
            for j in 0..<columns {
                var sum = 0.0
                for k in 0..<rows {
                    sum += weights[k] * a[k, i] * a[k, j]
                }
                expected[i, j] = sum
            }
        }
        let gram = a.weightedGram(weights)
        #expect(
            gram.isApproximatelyEqual(
                to: expected, absoluteTolerance: absolute, relativeTolerance: relative))
        #expect(gram == gram.transposed)
    }

    @Test("A zero weight removes its row from AᵀWA")
    func zeroWeightDropsRow() {
        let a = Matrix([[1, 2], [100, -50], [3, 4]])
        let weighted = a.weightedGram([1, 0, 2])
        // 1·(1,2)ᵀ(1,2) + 2·(3,4)ᵀ(3,4) = [[19, 26], [26, 36]]
        #expect(
            weighted.isApproximatelyEqual(
                to: Matrix([[19, 26], [26, 36]]), absoluteTolerance: 0,
                relativeTolerance: relative))
    }
}
