/// A numerical problem found in the data handed to a LAPACK routine.
///
/// These errors come from a positive LAPACK `info`: the arguments were well formed, but the
/// numbers do not allow the requested factorization or solution. They are data problems a
/// user can act on (for example by removing a duplicated feature), not programmer mistakes,
/// which stop the program with a `precondition` failure instead.
///
/// Positions follow LAPACK and are **1-based**: `singularMatrix(pivot: 3)` refers to the
/// third column.
public enum LinearAlgebraError: Error, Equatable, Sendable, CustomStringConvertible {
    /// LU factorization with partial pivoting (`dgesv`) produced an exact zero pivot
    /// `U(pivot, pivot) == 0` (1-based).
    ///
    /// The first `pivot - 1` columns of the matrix are linearly independent and column
    /// `pivot` is a linear combination of them (for `pivot == 1`, column 1 is all zeros), so
    /// the system has no unique solution. Only an exactly zero pivot is reported; a nearly
    /// singular matrix solves without error but with a large condition number.
    case singularMatrix(pivot: Int)

    /// Cholesky factorization (`dpotrf`) found that the leading `leadingMinor × leadingMinor`
    /// submatrix (1-based order) is not positive definite, so the whole matrix is not.
    case notPositiveDefinite(leadingMinor: Int)

    /// An iterative eigenvalue or singular-value algorithm did not converge; `count` is LAPACK's
    /// positive `info`.
    ///
    /// For `dgeev` it is the index after which eigenvalues did converge; for `dsyevd` it
    /// encodes the submatrix (or the number of off-diagonal elements) that failed; for
    /// `dgelsd` it is the number of off-diagonal elements of the bidiagonal form that did
    /// not converge to zero.
    case eigenNotConverged(count: Int)

    /// A least-squares problem asked for a full-rank solution, but the `columns` columns
    /// of the design matrix span only `rank` dimensions (numerical rank from the SVD).
    case rankDeficient(rank: Int, columns: Int)

    /// A plain-English explanation of what went wrong and what to change.
    public var description: String {
        switch self {
        case .singularMatrix(let pivot) where pivot == 1:
            return "the matrix is singular: column 1 is all zeros "
                + "(LAPACK dgesv found a zero pivot at 1; positions are 1-based). "
                + "Remove the empty column or feature."
        case .singularMatrix(let pivot):
            return "the matrix is singular: column \(pivot) is a linear combination of "
                + "columns 1–\(pivot - 1) (LAPACK dgesv found a zero pivot at \(pivot); "
                + "positions are 1-based). Remove the duplicated or collinear column or feature."
        case .notPositiveDefinite(let leadingMinor):
            return "the matrix is not positive definite: its leading "
                + "\(leadingMinor)×\(leadingMinor) block is not (LAPACK dpotrf stopped at "
                + "column \(leadingMinor); positions are 1-based). Check that the matrix is a "
                + "covariance or Gram matrix without constant or collinear columns, "
                + "or add a small ridge to the diagonal."
        case .eigenNotConverged(let count):
            return "the eigenvalue or singular-value iteration did not converge "
                + "(LAPACK info = \(count)). Check the matrix for extremely large, tiny "
                + "or badly scaled entries and rescale it."
        case .rankDeficient(let rank, let columns):
            return "the least-squares problem is rank deficient: the \(columns) columns span "
                + "only \(rank) dimension\(rank == 1 ? "" : "s"), so some columns are (nearly) "
                + "linear combinations of others and the coefficients are not unique. "
                + "Remove collinear features or accept the minimum-norm solution."
        }
    }
}
