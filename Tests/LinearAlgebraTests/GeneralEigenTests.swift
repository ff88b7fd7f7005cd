import LinearAlgebra
import ScoringTestSupport
import Testing

@Suite("General eigenproblem (dgeev)")
struct GeneralEigenTests {
    @Test("[[4, 1], [2, 3]] has real eigenvalues 2 and 5 with A v = λ v")
    func knownRealEigenvalues() throws {
        // Trace 7, determinant 10: λ² − 7λ + 10 = (λ − 2)(λ − 5).
        let a = Matrix([[4, 1], [2, 3]])
        let eigen = try a.eigen()
        #expect(
            eigen.realParts.sorted().isApproximatelyEqual(
                to: [2, 5], absoluteTolerance: 1e-14, relativeTolerance: 0))
        #expect(eigen.imaginaryParts.allSatisfy { $0.isZero })
        for index in 0..<2 {
            let v = try #require(eigen.realEigenvector(at: index))
            let lambda = eigen.realParts[index]
            #expect(
                a.multiplied(by: v).isApproximatelyEqual(
                    to: v.map { lambda * $0 }, absoluteTolerance: 1e-14, relativeTolerance: 0))
        }
        #expect(
            eigen.realParts[eigen.dominantIndex].isApproximatelyEqual(
                to: 5, absoluteTolerance: 1e-14, relativeTolerance: 0))
    }

    @Test("A 90° rotation has eigenvalues ±i and no real eigenvector")
    func rotation() throws {
        let rotation = Matrix([[0, -1], [1, 0]])
        let eigen = try rotation.eigen()
        #expect(
            eigen.realParts.isApproximatelyEqual(
                to: [0, 0], absoluteTolerance: 1e-15, relativeTolerance: 0))
        // LAPACK stores the conjugate pair with the positive imaginary part first.
        #expect(
            eigen.imaginaryParts.isApproximatelyEqual(
                to: [1, -1], absoluteTolerance: 1e-15, relativeTolerance: 0))
        #expect(eigen.realEigenvector(at: 0) == nil)
        #expect(eigen.realEigenvector(at: 1) == nil)
        // No real eigenvalue: the largest modulus wins, ties to the lowest index.
        #expect(eigen.dominantIndex == 0)
    }

    @Test("A complex pair's packed columns u, w satisfy A (u + i w) = (α + iβ)(u + i w)")
    func complexPairPacking() throws {
        var random = SplitMix64(seed: 40)
        let a = random.matrix(6, 6)
        let eigen = try a.eigen()
        let pairStart = try #require(eigen.imaginaryParts.firstIndex { $0 > 0 })
        #expect(
            eigen.imaginaryParts[pairStart + 1].isApproximatelyEqual(
                to: -eigen.imaginaryParts[pairStart], absoluteTolerance: 0,
                relativeTolerance: 1e-15))
        let alpha = eigen.realParts[pairStart]
        let beta = eigen.imaginaryParts[pairStart]
        let u = eigen.rightVectors.column(pairStart)
        let w = eigen.rightVectors.column(pairStart + 1)
        // Real part: A u = α u − β w. Imaginary part: A w = β u + α w.
        let expectedAu = zip(u, w).map { alpha * $0 - beta * $1 }
        let expectedAw = zip(u, w).map { beta * $0 + alpha * $1 }
        // ‖A‖ ≤ 6, so residuals of a backward-stable solver are far below 1e-12.
        #expect(
            a.multiplied(by: u).isApproximatelyEqual(
                to: expectedAu, absoluteTolerance: 1e-12, relativeTolerance: 0))
        #expect(
            a.multiplied(by: w).isApproximatelyEqual(
                to: expectedAw, absoluteTolerance: 1e-12, relativeTolerance: 0))
    }

    @Test("The dominant index prefers the largest real eigenvalue over a larger complex pair")
    func dominantPrefersReal() throws {
        // Eigenvalues ±10i from the scaled rotation block and 1 from the last diagonal entry.
        let a = Matrix([[0, -10, 0], [10, 0, 0], [0, 0, 1]])
        let eigen = try a.eigen()
        #expect(
            eigen.realParts[eigen.dominantIndex].isApproximatelyEqual(
                to: 1, absoluteTolerance: 1e-14, relativeTolerance: 0))
        #expect(eigen.imaginaryParts[eigen.dominantIndex].isZero)
    }

    @Test("A consistent Saaty matrix a_ij = w_i / w_j has principal eigenvalue n and vector w")
    func consistentSaatyMatrix() throws {
        let weights = [0.4, 0.3, 0.2, 0.1]
        let n = weights.count
        var a = Matrix(rows: n, columns: n)
        for i in 0..<n {
            for j in 0..<n {
                a[i, j] = weights[i] / weights[j]
            }
        }
        let eigen = try a.eigen()
        let principal = eigen.dominantIndex
        // A = w (1/w)ᵀ has rank 1, so its eigenvalues are n and 0 (n − 1 times).
        #expect(
            eigen.realParts[principal].isApproximatelyEqual(
                to: Double(n), absoluteTolerance: 0, relativeTolerance: 1e-13))
        let vector = try #require(eigen.realEigenvector(at: principal))
        let sum = vector.reduce(0, +)
        #expect(
            vector.map { $0 / sum }.isApproximatelyEqual(
                to: weights, absoluteTolerance: 1e-14, relativeTolerance: 0))
    }

    @Test("Inconsistent positive reciprocal matrices have principal eigenvalue at least n")
    func inconsistentSaatyMatrices() throws {
        var random = SplitMix64(seed: 41)
        let scale: [Double] = [1, 2, 3, 4, 5, 6, 7, 8, 9]
        for n in 3...7 {
            var a = Matrix.identity(n)
            for i in 0..<n {
                for j in (i + 1)..<n {
                    let judgement = scale.randomElement(using: &random) ?? 1
                    let value = Bool.random(using: &random) ? judgement : 1 / judgement
                    a[i, j] = value
                    a[j, i] = 1 / value
                }
            }
            let eigen = try a.eigen()
            let principal = eigen.dominantIndex
            // Saaty: λmax ≥ n, with equality only for consistent matrices; allow 1e-12 · n.
            #expect(eigen.realParts[principal] >= Double(n) * (1 - 1e-12))
            let vector = try #require(eigen.realEigenvector(at: principal))
            // Perron–Frobenius: the principal eigenvector has entries of one sign.
            #expect(vector.allSatisfy { $0 > 0 } || vector.allSatisfy { $0 < 0 })
        }
    }

    @Test("Saaty's 3×3 example has λmax ≈ 3.0385")
    func saatyExample() throws {
        let a = Matrix([[1, 3, 5], [1.0 / 3, 1, 3], [1.0 / 5, 1.0 / 3, 1]])
        let eigen = try a.eigen()
        // Published value 3.0385 (to 4 decimals), so compare to 5e-5 absolute.
        #expect(
            eigen.realParts[eigen.dominantIndex].isApproximatelyEqual(
                to: 3.0385, absoluteTolerance: 5e-5, relativeTolerance: 0))
    }
}
