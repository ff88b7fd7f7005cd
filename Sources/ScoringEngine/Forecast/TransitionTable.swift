import LinearAlgebra

/// The per-period transition probabilities of the pipeline: for each of the five stages,
/// the probability of being in each of the seven states (stages 1…5, won, lost) one period
/// later. Staying in a stage is a transition like any other (the diagonal).
///
/// A fitted table also holds the counts behind every probability: `counts[i][j]` account-
/// periods started in stage `i + 1` and ended in state `j`, so the maximum-likelihood
/// estimate is `counts[i][j] / exposures[i]`, and the confidence interval of each
/// probability is a Wilson score interval on those counts. A table written by hand has no
/// counts and no intervals.
public struct TransitionTable: Sendable, Equatable {
    /// The length of one step.
    public let period: PeriodLength
    /// 5 × 7, rows stages 1…5, columns stages 1…5, won, lost; each row sums to 1.
    public let probabilities: Matrix
    /// 5 × 7 counts behind the probabilities, when the table was fitted.
    public let counts: [[Int]]?
    /// The confidence level of ``intervals`` (0.8, 0.9, 0.95 or 0.99).
    public let confidenceLevel: Double

    /// The largest amount by which a row of probabilities may miss 1 (rounding in a file
    /// written with 4 decimals); rows are rescaled to sum to exactly 1.
    public static let rowSumTolerance = 0.002

    /// Makes a table, checking every probability and row.
    ///
    /// Rows that sum to within ``rowSumTolerance`` of 1 are rescaled to sum to 1.
    ///
    /// - Throws: `ForecastError.invalidProbability` for an entry outside 0...1 or not
    ///   finite, `.rowSum` for a row that does not sum to 1, `.countShape`/`.negativeCount`
    ///   for malformed counts.
    public init(
        period: PeriodLength, probabilities: Matrix, counts: [[Int]]? = nil, confidenceLevel: Double = 0.95
    ) throws(ForecastError) {
        precondition(
            probabilities.rows == PipelineState.stageCount && probabilities.columns == PipelineState.count,
            "A transition table is 5 × 7 (got \(probabilities.rows) × \(probabilities.columns))")
        precondition(ConfidenceInterval.supportedLevels.contains(confidenceLevel), "Unsupported confidence level")
        var normalized = probabilities
        for row in 0..<probabilities.rows {
            var sum = 0.0
            for column in 0..<probabilities.columns {
                let value = probabilities[row, column]
                guard value.isFinite, value >= 0, value <= 1 else {
                    throw .invalidProbability(
                        from: .stage(row + 1), to: PipelineState(index: column) ?? .lost, value: value)
                }
                sum += value
            }
            guard abs(sum - 1) <= Self.rowSumTolerance else { throw .rowSum(stage: row + 1, sum: sum) }
            for column in 0..<probabilities.columns { normalized[row, column] = probabilities[row, column] / sum }
        }
        if let counts {
            guard counts.count == PipelineState.stageCount, counts.allSatisfy({ $0.count == PipelineState.count }) else {
                throw .countShape
            }
            guard counts.allSatisfy({ $0.allSatisfy { $0 >= 0 } }) else { throw .negativeCount }
        }
        self.period = period
        self.probabilities = normalized
        self.counts = counts
        self.confidenceLevel = confidenceLevel
    }

    /// The maximum-likelihood table for `counts`: each row divided by its total.
    ///
    /// - Throws: `ForecastError.noObservedPeriods` when a stage has no counted period.
    public init(period: PeriodLength, counts: [[Int]], confidenceLevel: Double = 0.95) throws(ForecastError) {
        precondition(
            counts.count == PipelineState.stageCount && counts.allSatisfy { $0.count == PipelineState.count },
            "Transition counts are 5 × 7")
        var probabilities = Matrix(rows: PipelineState.stageCount, columns: PipelineState.count)
        for (row, rowCounts) in counts.enumerated() {
            let total = rowCounts.reduce(0, +)
            guard total > 0 else { throw .noObservedPeriods(stage: row + 1) }
            for (column, count) in rowCounts.enumerated() {
                probabilities[row, column] = Double(count) / Double(total)
            }
        }
        try self.init(period: period, probabilities: probabilities, counts: counts, confidenceLevel: confidenceLevel)
    }

    /// The probability of moving from `from` (a stage) to `to` in one period.
    public func probability(from: Int, to: PipelineState) -> Double {
        probabilities[from - 1, to.index]
    }

    /// Account-periods that started in each stage (row totals of the counts), when fitted.
    public var exposures: [Int]? {
        counts?.map { $0.reduce(0, +) }
    }

    /// The Wilson interval of each probability at ``confidenceLevel``, when fitted.
    public var intervals: [[ClosedRange<Double>]]? {
        guard let counts else { return nil }
        return counts.map { row in
            let total = row.reduce(0, +)
            return row.map { ConfidenceInterval.wilson(successes: $0, trials: total, level: confidenceLevel) }
        }
    }

    /// The absorbing Markov chain of the table: `Q` the 5 × 5 block among stages, `R` the
    /// 5 × 2 block into won and lost.
    ///
    /// - Throws: `ForecastError.stageNeverCloses` when some stage cannot reach won or lost.
    public func chain() throws(ForecastError) -> AbsorbingChain {
        let stages = PipelineState.stageCount
        var transient = Matrix(rows: stages, columns: stages)
        var absorbing = Matrix(rows: stages, columns: 2)
        for row in 0..<stages {
            for column in 0..<stages { transient[row, column] = probabilities[row, column] }
            absorbing[row, 0] = probabilities[row, stages]
            absorbing[row, 1] = probabilities[row, stages + 1]
        }
        return try AbsorbingChain(transient: transient, absorbing: absorbing)
    }
}
