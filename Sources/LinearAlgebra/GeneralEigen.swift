/// Eigenvalues and right eigenvectors of a general real square matrix, from
/// ``Matrix/eigen()``.
///
/// Eigenvalue `j` is `realParts[j] + i · imaginaryParts[j]`, in the order LAPACK `dgeev`
/// returns them (not sorted). A real eigenvalue has `imaginaryParts[j] == 0` exactly.
///
/// ## How LAPACK packs eigenvectors
///
/// ``rightVectors`` is a real `n × n` matrix whose columns encode the eigenvectors, each of
/// Euclidean norm 1:
///
/// - If eigenvalue `j` is real, column `j` is its eigenvector `vⱼ`.
/// - Complex eigenvalues come in conjugate pairs stored next to each other, with the positive
///   imaginary part first: `imaginaryParts[j] > 0` and `imaginaryParts[j + 1] < 0`. Then
///   `vⱼ = column(j) + i · column(j + 1)` and `vⱼ₊₁ = column(j) − i · column(j + 1)`;
///   neither column alone is an eigenvector.
///
/// ``realEigenvector(at:)`` hides this: it returns a column only for a real eigenvalue.
public struct GeneralEigen: Sendable {
    /// The real parts of the eigenvalues.
    public let realParts: [Double]

    /// The imaginary parts of the eigenvalues; zero exactly for real eigenvalues.
    public let imaginaryParts: [Double]

    /// The right eigenvectors, packed into columns as described above.
    public let rightVectors: Matrix

    /// The eigenvector of eigenvalue `index`, if that eigenvalue is real.
    ///
    /// - Parameter index: An eigenvalue index, `0 <= index < realParts.count`.
    /// - Returns: `v` with `A v = λ v` and `‖v‖₂ = 1` (sign as LAPACK returns it), or `nil`
    ///   when the eigenvalue is complex and its eigenvector is not real.
    /// - Complexity: O(`n`).
    public func realEigenvector(at index: Int) -> [Double]? {
        precondition(
            index >= 0 && index < realParts.count,
            "GeneralEigen eigenvalue index \(index) out of range 0..<\(realParts.count)")
        guard imaginaryParts[index] == 0 else { return nil }
        return rightVectors.column(index)
    }

    /// The index of the dominant eigenvalue.
    ///
    /// Among the real eigenvalues, the one with the largest value (not modulus). If there is
    /// no real eigenvalue, the one with the largest modulus `√(re² + im²)`. Ties go to the
    /// lowest index.
    ///
    /// For a matrix with positive entries, such as a pairwise-comparison (Saaty) matrix, the
    /// Perron–Frobenius theorem makes this the Perron root: real, positive, of largest modulus,
    /// with an eigenvector of one sign.
    ///
    /// - Precondition: there is at least one eigenvalue.
    /// - Complexity: O(`n`).
    public var dominantIndex: Int {
        precondition(
            !realParts.isEmpty, "GeneralEigen.dominantIndex requires at least one eigenvalue")
        let realIndices = realParts.indices.filter { imaginaryParts[$0] == 0 }
        if let first = realIndices.first {
            return realIndices.dropFirst().reduce(first) { best, index in
                realParts[index] > realParts[best] ? index : best
            }
        }
        let modulus = { (index: Int) -> Double in
            (realParts[index] * realParts[index] + imaginaryParts[index] * imaginaryParts[index])
                .squareRoot()
        }
        return realParts.indices.dropFirst().reduce(0) { best, index in
            modulus(index) > modulus(best) ? index : best
        }
    }
}
