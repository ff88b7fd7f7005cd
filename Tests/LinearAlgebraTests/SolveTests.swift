import LinearAlgebra
import ScoringTestSupport
import Testing

@Suite("Solving linear systems and inverting (dgesv)")
struct SolveTests {
    // Worked by Gaussian elimination: 2x + y − z = 8, −3x − y + 2z = −11, −2x + y + 2z = −3
    // has the unique solution x = 2, y = 3, z = −1.
    let handWorked = Matrix([[2, 1, -1], [-3, -1, 2], [-2, 1, 2]])

    @Test("A 3×3 system solves to its hand-worked answer")
    func handWorkedSystem() throws {
        let x = try handWorked.solve([8, -11, -3])
        // Condition number ≈ 20: the answer is accurate to a few ulps; 1e-13 absolute.
        #expect(
            x.isApproximatelyEqual(to: [2, 3, -1], absoluteTolerance: 1e-13, relativeTolerance: 0))
    }

    @Test("Several right-hand sides solve column by column")
    func matrixRightHandSide() throws {
        // Second column: A (1, 0, 0)ᵀ = (2, −3, −2)ᵀ.
        let rhs = Matrix([[8, 2], [-11, -3], [-3, -2]])
        let x = try handWorked.solve(rhs)
        #expect(
            x.isApproximatelyEqual(
                to: Matrix([[2, 1], [3, 0], [-1, 0]]), absoluteTolerance: 1e-13,
                relativeTolerance: 0))
    }

    @Test("The inverse of [[4, 7], [2, 6]] is [[0.6, −0.7], [−0.2, 0.4]]")
    func handWorkedInverse() throws {
        // det = 24 − 14 = 10, so A⁻¹ = (1/10) [[6, −7], [−2, 4]].
        let inverse = try Matrix([[4, 7], [2, 6]]).inverse()
        #expect(
            inverse.isApproximatelyEqual(
                to: Matrix([[0.6, -0.7], [-0.2, 0.4]]), absoluteTolerance: 1e-15,
                relativeTolerance: 0))
    }

    @Test("A⁻¹ A is the identity for a random well-conditioned matrix")
    func inverseTimesMatrixIsIdentity() throws {
        var random = SplitMix64(seed: 20)
        // Adding 8 I to entries in −1...1 makes A diagonally dominant, so cond(A) < 3.
        var a = random.matrix(8, 8)
        for i in 0..<8 { a[i, i] += 8 }
        let product = try a.inverse() * a
        #expect(
            product.isApproximatelyEqual(
                to: .identity(8), absoluteTolerance: 1e-13, relativeTolerance: 0))
    }

    @Test("Singular matrices throw with the 1-based position of the zero pivot")
    func singularMatrix() {
        // Column 3 = column 1 + column 2; elimination is exact, so U(3, 3) is exactly zero.
        let dependent = Matrix([[1, 0, 1], [0, 1, 1], [1, 1, 2]])
        #expect(throws: LinearAlgebraError.singularMatrix(pivot: 3)) {
            _ = try dependent.solve([1, 2, 3])
        }
        #expect(throws: LinearAlgebraError.singularMatrix(pivot: 3)) {
            _ = try dependent.inverse()
        }
        let zeroFirstColumn = Matrix([[0, 1], [0, 2]])
        #expect(throws: LinearAlgebraError.singularMatrix(pivot: 1)) {
            _ = try zeroFirstColumn.solve(Matrix.identity(2))
        }
    }

    @Test("An empty system has an empty solution")
    func emptySystem() throws {
        #expect(try Matrix(rows: 0, columns: 0).solve([]).isEmpty)
        #expect(try Matrix(rows: 0, columns: 0).inverse() == Matrix(rows: 0, columns: 0))
    }
}
