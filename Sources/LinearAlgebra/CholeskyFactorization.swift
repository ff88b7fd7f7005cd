internal import Foundation

/// The Cholesky factorization `A = L Lᵀ` of a symmetric positive definite matrix `A`.
///
/// Create one with ``Matrix/cholesky()``. Solving with the factor costs O(`n²`) per right-hand
/// side, so factor once and solve many times.
public struct CholeskyFactorization: Sendable {
    /// `L`: lower triangular with a positive diagonal and zeros above it.
    public let lower: Matrix

    /// Wraps a factor produced by `LAPACK.potrf`.
    init(lower: Matrix) {
        self.lower = lower
    }

    /// Solves `A x = b` using the factorization (LAPACK `dpotrs`).
    ///
    /// - Parameter b: The right-hand side, with `b.count == lower.rows`.
    /// - Returns: `x = A⁻¹ b`.
    /// - Complexity: O(`n²`).
    public func solve(_ b: [Double]) -> [Double] {
        LAPACK.potrs(lower: lower, Matrix(rows: b.count, columns: 1, elements: b)).elements
    }

    /// Solves `A X = B` for every column of `B` (LAPACK `dpotrs`).
    ///
    /// - Parameter b: The right-hand sides as columns, with `b.rows == lower.rows`.
    /// - Returns: `X = A⁻¹ B`, with the shape of `b`.
    /// - Complexity: O(`n² · b.columns`).
    public func solve(_ b: Matrix) -> Matrix {
        LAPACK.potrs(lower: lower, b)
    }

    /// The inverse `A⁻¹ = (L Lᵀ)⁻¹` (LAPACK `dpotri`), as a full symmetric matrix.
    ///
    /// LAPACK computes the lower triangle; it is copied onto the upper one, so the result is
    /// exactly symmetric. This is, for example, the covariance matrix of least-squares
    /// coefficients when `A = XᵀX / σ²`.
    ///
    /// - Complexity: O(`n³`).
    public func inverse() -> Matrix {
        LAPACK.potri(lower: lower)
    }

    /// The natural logarithm of the determinant of `A`: `log det A = 2 Σᵢ log Lᵢᵢ`.
    ///
    /// Computed from the diagonal of `L`, so it neither overflows nor underflows where
    /// `det A` itself would. Zero for a 0×0 matrix.
    ///
    /// - Complexity: O(`n`).
    public var logDeterminant: Double {
        var sum = 0.0
        for index in 0..<lower.rows {
            sum += log(lower[index, index])
        }
        return 2 * sum
    }
}
