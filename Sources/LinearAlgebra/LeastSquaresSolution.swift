/// The result of ``Matrix/leastSquares(_:requireFullRank:)``.
public struct LeastSquaresSolution: Sendable {
    /// `x`, minimizing `‖A x − b‖₂`; among all minimizers, the one of least `‖x‖₂`.
    ///
    /// Has one entry per column of `A`.
    public let solution: [Double]

    /// The numerical rank of `A`: the number of singular values above `rcond · σ₁`.
    ///
    /// Equal to `A.columns` when the columns are numerically independent.
    public let rank: Int

    /// The singular values of `A` in descending order, `min(A.rows, A.columns)` of them.
    ///
    /// `singularValues.first! / singularValues.last!` is the 2-norm condition number of a
    /// full-rank `A`.
    public let singularValues: [Double]
}
