import LinearAlgebra
import ScoringTestSupport
import Testing

@Suite("Symmetric eigenproblem (dsyevd)")
struct SymmetricEigenTests {
    @Test("[[2, 1], [1, 2]] has eigenvalues 1 and 3 with vectors (1, −1)/√2 and (1, 1)/√2")
    func twoByTwo() throws {
        let eigen = try Matrix([[2, 1], [1, 2]]).symmetricEigen()
        #expect(
            eigen.values.isApproximatelyEqual(
                to: [1, 3], absoluteTolerance: 1e-15, relativeTolerance: 0))
        let half = 0.5.squareRoot()
        #expect(
            isApproximatelyEqualUpToSign(
                eigen.vectors.column(0), [half, -half], absoluteTolerance: 1e-15))
        #expect(
            isApproximatelyEqualUpToSign(
                eigen.vectors.column(1), [half, half], absoluteTolerance: 1e-15))
    }

    @Test("Every pair satisfies A v = λ v, values ascend and vectors are orthonormal")
    func randomSymmetric() throws {
        var random = SplitMix64(seed: 30)
        let n = 9
        let a = random.symmetricMatrix(n)
        let eigen = try a.symmetricEigen()
        #expect(zip(eigen.values, eigen.values.dropFirst()).allSatisfy { $0 <= $1 })
        for index in 0..<n {
            let v = eigen.vectors.column(index)
            // ‖A‖ ≤ 9 here, so backward-stable residuals are below 9 · 9 · ε ≈ 2e-14.
            #expect(
                a.multiplied(by: v).isApproximatelyEqual(
                    to: v.map { eigen.values[index] * $0 }, absoluteTolerance: 1e-13,
                    relativeTolerance: 0))
        }
        #expect(
            eigen.vectors.gram().isApproximatelyEqual(
                to: .identity(n), absoluteTolerance: 1e-13, relativeTolerance: 0))
    }

    @Test("An empty matrix has no eigenvalues")
    func empty() throws {
        #expect(try Matrix(rows: 0, columns: 0).symmetricEigen().values.isEmpty)
    }
}
