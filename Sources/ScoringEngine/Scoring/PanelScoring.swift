/// A panel of accounts from raw factor values to scores: the kernel `kam rank`'s streaming
/// pass runs on every panel of 256 rows, with the arithmetic of ``ScoringPipeline`` (which
/// scores a whole batch at once from columns).
///
/// Raw values become utilities factor by factor (``UtilityTable/convertToUtilities(_:rows:missingFill:)``;
/// a missing value takes its factor's fixed missing utility, and `mean` factors take 0 here
/// and their batch mean later, through ``Scorer/addMeanFills(_:meanUtility:to:row:)``), and
/// the panel is scored for every scenario in one BLAS product (``Scorer``). ``RowGrader``
/// reads a row of scores as a grade and a ranking key.
public struct PanelScoring: Sendable {
    public let table: UtilityTable
    public let scorer: Scorer
    /// Per factor: the utility of a missing value (0 for `mean` factors).
    public let missingFill: [Double]

    public init(table: UtilityTable, scorer: Scorer, missingFill: [Double]) {
        precondition(missingFill.count == scorer.model.factors.count, "One missing fill per factor")
        self.table = table
        self.scorer = scorer
        self.missingFill = missingFill
    }

    /// Turns `rows` rows of raw values (row-major, NaN where missing) into utilities in place,
    /// then scores them.
    ///
    /// - Parameters:
    ///   - values: `rows × factors` raw values; on return, their utilities.
    ///   - rows: The number of rows.
    ///   - scores: Receives `rows × 2S` scores, row-major (``Scorer/scores(rowMajor:rows:into:)``).
    public func score(_ values: inout [Double], rows: Int, into scores: inout [Double]) {
        table.convertToUtilities(&values, rows: rows, missingFill: missingFill)
        scorer.scores(rowMajor: values, rows: rows, into: &scores)
    }
}

/// How a row of a scorer's scores becomes a grade and a ranking key under one scenario: the
/// value and difficulty columns of the scenario, ``GradingPolicy/grade(value:difficulty:completeness:)``
/// and ``RankingPolicy/key(value:difficulty:)``.
public struct RowGrader: Sendable {
    public let grading: GradingPolicy
    /// The scenario grades and keys follow (0 = the model's weights).
    public let scenario: Int
    /// Scores per row, `2S`.
    public let columns: Int

    public init(scorer: Scorer, grading: GradingPolicy, scenario: Int) {
        precondition(scenario < scorer.scenarioCount, "Scenario index out of range")
        self.grading = grading
        self.scenario = scenario
        self.columns = 2 * scorer.scenarioCount
    }

    /// Row `row` of row-major `scores`: its grade (``Grade/order``), ranking key, value and
    /// difficulty.
    @inlinable
    public func graded(_ scores: [Double], row: Int, completeness: Double)
        -> (grade: UInt8, key: Double, value: Double, difficulty: Double)
    {
        let value = scores[row * columns + scenario]
        let difficulty = scores[row * columns + columns / 2 + scenario]
        let grade = grading.grade(value: value, difficulty: difficulty, completeness: completeness)
        return (UInt8(grade.order), grading.ranking.key(value: value, difficulty: difficulty), value, difficulty)
    }
}
