import LinearAlgebra
import ScoringTestSupport
import Testing

@Suite("Least squares (dgelsd)")
struct LeastSquaresTests {
    @Test("An overdetermined consistent system recovers its exact coefficients")
    func consistentSystem() throws {
        var random = SplitMix64(seed: 50)
        let design = random.matrix(20, 3)
        let coefficients = [1.5, -2, 0.25]
        let fit = try design.leastSquares(
            design.multiplied(by: coefficients), requireFullRank: true)
        // Random 20×3 designs have condition numbers of a few units; 1e-13 absolute.
        #expect(
            fit.solution.isApproximatelyEqual(
                to: coefficients, absoluteTolerance: 1e-13, relativeTolerance: 0))
        #expect(fit.rank == 3)
        #expect(fit.singularValues.count == 3)
        #expect(zip(fit.singularValues, fit.singularValues.dropFirst()).allSatisfy { $0 >= $1 })
    }

    @Test("On noisy data the solution matches the normal equations")
    func matchesNormalEquations() throws {
        var random = SplitMix64(seed: 51)
        let design = random.matrix(50, 4)
        let response = zip(design.multiplied(by: [0.5, 1, -1, 2]), random.vector(50)).map {
            $0 + 0.1 * $1
        }
        let fit = try design.leastSquares(response)
        // Normal equations: (AᵀA) x = Aᵀ b, solved by Cholesky.
        let normal = try design.gram().cholesky().solve(design.transposeMultiplied(by: response))
        // The normal equations square the condition number (here below 10²), so 1e-12.
        #expect(
            fit.solution.isApproximatelyEqual(
                to: normal, absoluteTolerance: 1e-12, relativeTolerance: 0))
        #expect(fit.rank == 4)
    }

    @Test("A rank-deficient design gives rank below columns and throws when full rank is required")
    func rankDeficient() throws {
        var random = SplitMix64(seed: 52)
        var design = random.matrix(10, 3)
        // Column 2 = 2 × column 0 exactly (doubling is exact in binary floating point).
        for row in 0..<10 { design[row, 2] = 2 * design[row, 0] }
        let response = random.vector(10)
        let fit = try design.leastSquares(response)
        #expect(fit.rank == 2)
        #expect(throws: LinearAlgebraError.rankDeficient(rank: 2, columns: 3)) {
            _ = try design.leastSquares(response, requireFullRank: true)
        }
    }

    @Test("Duplicated columns share the coefficient equally (minimum-norm solution)")
    func minimumNorm() throws {
        // b = 2 · x fits with any a + c = 2; the minimum-norm choice is a = c = 1.
        let x = [1.0, 2, 3, 4]
        let design = Matrix(x.map { [$0, $0] })
        let fit = try design.leastSquares(x.map { 2 * $0 })
        #expect(fit.rank == 1)
        #expect(
            fit.solution.isApproximatelyEqual(
                to: [1, 1], absoluteTolerance: 1e-13, relativeTolerance: 0))
    }

    @Test("An underdetermined system returns the minimum-norm solution")
    func underdetermined() throws {
        // x + y = 2 has least-norm solution (1, 1).
        let fit = try Matrix([[1, 1]]).leastSquares([2])
        #expect(
            fit.solution.isApproximatelyEqual(
                to: [1, 1], absoluteTolerance: 1e-14, relativeTolerance: 0))
        #expect(fit.rank == 1)
    }

    @Test("A design without rows has rank zero and a zero solution")
    func emptyDesign() throws {
        let fit = try Matrix(rows: 0, columns: 2).leastSquares([])
        #expect(fit.solution.allSatisfy { $0.isZero } && fit.solution.count == 2)
        #expect(fit.rank == 0)
        #expect(throws: LinearAlgebraError.rankDeficient(rank: 0, columns: 2)) {
            _ = try Matrix(rows: 0, columns: 2).leastSquares([], requireFullRank: true)
        }
    }
}
