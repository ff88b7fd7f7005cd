import LinearAlgebra
import Testing

@Suite("Error descriptions")
struct LinearAlgebraErrorTests {
    static let cases: [(LinearAlgebraError, String)] = [
        (
            .singularMatrix(pivot: 3),
            "the matrix is singular: column 3 is a linear combination of columns 1–2 "
                + "(LAPACK dgesv found a zero pivot at 3; positions are 1-based). "
                + "Remove the duplicated or collinear column or feature."
        ),
        (
            .singularMatrix(pivot: 1),
            "the matrix is singular: column 1 is all zeros (LAPACK dgesv found a zero pivot "
                + "at 1; positions are 1-based). Remove the empty column or feature."
        ),
        (
            .notPositiveDefinite(leadingMinor: 2),
            "the matrix is not positive definite: its leading 2×2 block is not (LAPACK dpotrf "
                + "stopped at column 2; positions are 1-based). Check that the matrix is a "
                + "covariance or Gram matrix without constant or collinear columns, or add a "
                + "small ridge to the diagonal."
        ),
        (
            .eigenNotConverged(count: 4),
            "the eigenvalue or singular-value iteration did not converge (LAPACK info = 4). "
                + "Check the matrix for extremely large, tiny or badly scaled entries and "
                + "rescale it."
        ),
        (
            .rankDeficient(rank: 2, columns: 3),
            "the least-squares problem is rank deficient: the 3 columns span only 2 dimensions, "
                + "so some columns are (nearly) linear combinations of others and the "
                + "coefficients are not unique. Remove collinear features or accept the "
                + "minimum-norm solution."
        ),
        (
            .rankDeficient(rank: 1, columns: 2),
            "the least-squares problem is rank deficient: the 2 columns span only 1 dimension, "
                + "so some columns are (nearly) linear combinations of others and the "
                + "coefficients are not unique. Remove collinear features or accept the "
                + "minimum-norm solution."
        ),
    ]

    @Test("Each error explains itself verbatim", arguments: cases)
    func description(error: LinearAlgebraError, expected: String) {
        #expect(error.description == expected)
    }
}
