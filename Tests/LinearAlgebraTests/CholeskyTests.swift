import LinearAlgebra
import RealModule
import ScoringTestSupport
import Testing

@Suite("Cholesky factorization (dpotrf, dpotrs, dpotri)")
struct CholeskyTests {
    // The classic example: A = L Lᵀ with L = [[2, 0, 0], [6, 1, 0], [−8, 5, 3]].
    let spd = Matrix([[4, 12, -16], [12, 37, -43], [-16, -43, 98]])

    @Test("The factor of a known SPD matrix equals the hand-computed L")
    func knownFactor() throws {
        let lower = try spd.cholesky().lower
        // Every step is exact in binary floating point except the square roots of 4, 1, 9.
        #expect(
            lower.isApproximatelyEqual(
                to: Matrix([[2, 0, 0], [6, 1, 0], [-8, 5, 3]]), absoluteTolerance: 1e-14,
                relativeTolerance: 0))
    }

    @Test("Solving with the factor recovers a known solution")
    func solveWithFactor() throws {
        // A (1, 2, 3)ᵀ = (−20, −43, 192)ᵀ.
        let factorization = try spd.cholesky()
        // cond(A) ≈ 1.8e3, so allow 1e-11 absolute.
        #expect(
            factorization.solve([-20, -43, 192]).isApproximatelyEqual(
                to: [1, 2, 3], absoluteTolerance: 1e-11, relativeTolerance: 0))
        let two = factorization.solve(Matrix([[-20, 4], [-43, 12], [192, -16]]))
        #expect(
            two.isApproximatelyEqual(
                to: Matrix([[1, 1], [2, 0], [3, 0]]), absoluteTolerance: 1e-11,
                relativeTolerance: 0))
    }

    @Test("The inverse is exactly symmetric and satisfies A⁻¹ A = I")
    func inverse() throws {
        let inverse = try spd.cholesky().inverse()
        // Exact on purpose: the upper triangle is a copy of the lower one.
        #expect(inverse == inverse.transposed)
        #expect(
            (inverse * spd).isApproximatelyEqual(
                to: .identity(3), absoluteTolerance: 1e-11, relativeTolerance: 0))
    }

    @Test("log det A equals the closed form")
    func logDeterminant() throws {
        // det A = (2 · 1 · 3)² = 36.
        #expect(
            try spd.cholesky().logDeterminant.isApproximatelyEqual(
                to: Double.log(36), absoluteTolerance: 0, relativeTolerance: 1e-14))
        // 2×2: det [[a, b], [b, c]] = ac − b² = 5 · 3 − 2² = 11.
        #expect(
            try Matrix([[5, 2], [2, 3]]).cholesky().logDeterminant.isApproximatelyEqual(
                to: Double.log(11), absoluteTolerance: 0, relativeTolerance: 1e-14))
        // A determinant of 10⁻⁴⁰⁰ underflows a Double, its logarithm does not.
        let tiny = Matrix.diagonal(Array(repeating: 1e-100, count: 4))
        #expect(
            try tiny.cholesky().logDeterminant.isApproximatelyEqual(
                to: -400 * Double.log(10), absoluteTolerance: 0, relativeTolerance: 1e-14))
        #expect(try Matrix(rows: 0, columns: 0).cholesky().logDeterminant.isZero)
    }

    @Test("A matrix that is not positive definite throws with the failing leading minor")
    func notPositiveDefinite() {
        // Eigenvalues −1 and 3: the 1×1 minor is 1 > 0, the 2×2 minor is −3.
        #expect(throws: LinearAlgebraError.notPositiveDefinite(leadingMinor: 2)) {
            _ = try Matrix([[1, 2], [2, 1]]).cholesky()
        }
        #expect(throws: LinearAlgebraError.notPositiveDefinite(leadingMinor: 1)) {
            _ = try Matrix([[-1, 0], [0, 1]]).cholesky()
        }
        // A Gram matrix of collinear columns is only semidefinite.
        let collinear = Matrix([[1, 2], [2, 4], [3, 6]]).gram()
        #expect(throws: LinearAlgebraError.self) {
            _ = try collinear.cholesky()
        }
    }
}
