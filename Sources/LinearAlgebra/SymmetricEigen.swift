/// The eigendecomposition `A = V Λ Vᵀ` of a symmetric matrix, from ``Matrix/symmetricEigen()``.
public struct SymmetricEigen: Sendable {
    /// The eigenvalues `λ₀ ≤ λ₁ ≤ … ≤ λₙ₋₁`, in ascending order.
    public let values: [Double]

    /// The orthonormal eigenvectors as **columns**: `vectors.column(i)` belongs to `values[i]`.
    ///
    /// `vectors` is orthogonal (`VᵀV = I` up to rounding). Each column's sign is arbitrary, as
    /// LAPACK returns it; compare eigenvectors up to sign.
    public let vectors: Matrix
}
