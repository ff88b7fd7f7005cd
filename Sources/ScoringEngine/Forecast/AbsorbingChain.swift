import LinearAlgebra

/// An absorbing Markov chain in canonical form, and its answers computed in closed form
/// from the fundamental matrix.
///
/// With `n` transient states and `m` absorbing ones, the one-step transition matrix is
///
///     P = | Q  R |      Q: n × n among transient states
///         | 0  I |      R: n × m into absorbing states
///
/// The **fundamental matrix** `N = (I − Q)⁻¹ = Σₖ Qᵏ` holds in `N[i, j]` the expected
/// number of periods spent in transient state `j` starting from `i` (counting the start).
/// It is computed by one LAPACK LU solve (`dgesv` of `(I − Q) X = I`). From it:
///
/// - absorption probabilities `B = N R`: `B[i, a]` = P(end in `a` | start in `i`);
/// - expected periods to absorption `t = N 1`, and their variance `(2N − I) t − t∘t`;
/// - expected periods to absorption *given* absorption in `a`: `(N B)[i, a] / B[i, a]`,
///   because `Σₖ (k + 1) Qᵏ R = N² R = N B`;
/// - the distribution of the absorption period: P(absorbed in `a` by period `t`) =
///   `[(I − Qᵗ) B][i, a]`, because `Σ_{k<t} Qᵏ = (I − Qᵗ) N`.
///
/// (Kemeny and Snell, *Finite Markov Chains*, 1960, ch. III; Grinstead and Snell,
/// *Introduction to Probability*, §11.2.) No answer is simulated.
public struct AbsorbingChain: Sendable, Equatable {
    /// Q, n × n.
    public let transient: Matrix
    /// R, n × m.
    public let absorbing: Matrix
    /// N = (I − Q)⁻¹, n × n.
    public let fundamental: Matrix
    /// B = N R, n × m; each row sums to 1.
    public let absorptionProbabilities: Matrix
    /// t = N 1: expected periods until absorption from each transient state (≥ 1).
    public let expectedPeriods: [Double]
    /// Var(T) = ((2N − I) t − t∘t) from each transient state.
    public let periodVariances: [Double]
    /// n × m: expected periods until absorption given that the chain ends in each absorbing
    /// state (NaN where that state cannot be reached).
    public let expectedPeriodsGivenOutcome: Matrix

    /// The largest amount a row of `[Q R]` may miss 1 or an entry may fall below 0.
    public static let tolerance = 1e-9

    /// Solves for the fundamental matrix and every closed-form answer.
    ///
    /// - Parameters:
    ///   - transient: Q, square, entries in 0...1.
    ///   - absorbing: R, with `transient.rows` rows; each row of `[Q R]` sums to 1.
    /// - Throws: `ForecastError.invalidChain` when an entry is negative or a row does not
    ///   sum to 1; `.stageNeverCloses` when some transient state cannot reach any absorbing
    ///   state (then `I − Q` is singular and the expected times are infinite).
    /// - Complexity: O(n³ + n² m).
    public init(transient: Matrix, absorbing: Matrix) throws(ForecastError) {
        let n = transient.rows
        precondition(transient.columns == n, "Q must be square (got \(transient.rows) × \(transient.columns))")
        precondition(absorbing.rows == n, "R needs one row per transient state")
        for row in 0..<n {
            var sum = 0.0
            for value in transient.row(row) + absorbing.row(row) {
                guard value.isFinite, value >= -Self.tolerance else { throw .invalidChain(row: row, sum: .nan) }
                sum += value
            }
            guard abs(sum - 1) <= Self.tolerance * Double(n + absorbing.columns) else {
                throw .invalidChain(row: row, sum: sum)
            }
        }
        if let stuck = Self.statesThatNeverAbsorb(transient: transient, absorbing: absorbing).first {
            throw .stageNeverCloses(stage: stuck + 1)
        }
        var identityMinusQ = Matrix.identity(n)
        for i in 0..<n {
            for j in 0..<n { identityMinusQ[i, j] -= transient[i, j] }
        }
        let fundamental: Matrix
        do {
            fundamental = try identityMinusQ.solve(Matrix.identity(n))
        } catch {
            throw .singularChain(error)
        }
        let b = fundamental * absorbing
        let t = fundamental.multiplied(by: Array(repeating: 1, count: n))
        // (2N − I) t − t∘t
        let nt = fundamental.multiplied(by: t)
        let variances = (0..<n).map { max(0, 2 * nt[$0] - t[$0] - t[$0] * t[$0]) }
        let nb = fundamental * b
        var conditional = Matrix(rows: n, columns: absorbing.columns)
        for i in 0..<n {
            for a in 0..<absorbing.columns {
                conditional[i, a] = b[i, a] > 0 ? nb[i, a] / b[i, a] : .nan
            }
        }
        self.transient = transient
        self.absorbing = absorbing
        self.fundamental = fundamental
        self.absorptionProbabilities = b
        self.expectedPeriods = t
        self.periodVariances = variances
        self.expectedPeriodsGivenOutcome = conditional
    }

    /// The number of transient states n.
    public var transientCount: Int { transient.rows }

    /// The number of absorbing states m.
    public var absorbingCount: Int { absorbing.columns }

    /// The cumulative distribution of the absorption period, for periods 0...`horizon`.
    ///
    /// Element `t` is the n × m matrix `F(t) = (I − Qᵗ) B`: `F(t)[i, a]` is the probability
    /// that a chain started in transient state `i` has been absorbed in `a` by the end of
    /// period `t`. `F(0)` is zero, `F(1) = R`, and `F(t) → B` as `t` grows.
    ///
    /// - Parameter horizon: The last period, at least 0.
    /// - Complexity: O(horizon · n³) (one n × n product per period).
    public func absorptionByPeriod(horizon: Int) -> [Matrix] {
        precondition(horizon >= 0, "The horizon must be at least 0")
        let n = transientCount
        var result: [Matrix] = [Matrix(rows: n, columns: absorbingCount)]
        var power = Matrix.identity(n)  // Qᵗ
        for _ in 0..<horizon {
            power = power * transient
            var remaining = Matrix.identity(n)
            for i in 0..<n {
                for j in 0..<n { remaining[i, j] -= power[i, j] }
            }
            var cumulative = remaining * absorptionProbabilities
            // Rounding can leave −1e-17 where the exact value is 0.
            for i in 0..<n {
                for a in 0..<absorbingCount { cumulative[i, a] = min(max(cumulative[i, a], 0), 1) }
            }
            result.append(cumulative)
        }
        return result
    }

    /// Transient states from which no absorbing state can be reached (zero-based), found
    /// by a search backwards from the states with a positive step into absorption.
    static func statesThatNeverAbsorb(transient: Matrix, absorbing: Matrix) -> [Int] {
        let n = transient.rows
        var reaches = (0..<n).map { row in absorbing.row(row).contains { $0 > 0 } }
        var changed = true
        while changed {
            changed = false
            for i in 0..<n where !reaches[i] {
                if (0..<n).contains(where: { transient[i, $0] > 0 && reaches[$0] }) {
                    reaches[i] = true
                    changed = true
                }
            }
        }
        return (0..<n).filter { !reaches[$0] }
    }
}
