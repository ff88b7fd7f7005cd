import LinearAlgebra

/// Computes value and difficulty scores (0...100) for every account and every weight
/// scenario in one matrix product: `scores = 100 · U · W`.
///
/// `U` is the accounts × factors utility matrix; `W` is factors × 2S, where column `s` holds
/// scenario `s`'s value weights (zero for difficulty factors) and column `S + s` its
/// difficulty weights. Because each side's weights sum to 1 and utilities lie in 0...1,
/// every score lies in 0...100.
public struct Scorer: Sendable {
    public let model: ScoringModel
    /// The scenarios scored, the model's own weights first (named `base`).
    public let scenarioNames: [String]
    /// factors × 2S weights, already multiplied by 100.
    public let weights: Matrix
    /// Normalized weights per scenario, in model factor order (not multiplied by 100).
    public let scenarioWeights: [[Double]]

    /// Prepares the weight matrix for the model's weights and all of its scenarios
    /// (``ScoringModel/weightSets``, checked when the model was made).
    public init(model: ScoringModel) {
        self.init(model: model, scenarioNames: ["base"] + model.scenarios.map(\.name), scenarioWeights: model.weightSets)
    }

    /// Prepares the weight matrix for explicit weight vectors (normalized per side by the caller).
    public init(model: ScoringModel, scenarioNames: [String], scenarioWeights: [[Double]]) {
        precondition(scenarioNames.count == scenarioWeights.count, "One name per weight vector")
        precondition(
            scenarioWeights.allSatisfy { $0.count == model.factors.count }, "One weight per factor in every scenario")
        let factorCount = model.factors.count
        let scenarioCount = scenarioWeights.count
        var matrix = Matrix(rows: factorCount, columns: 2 * scenarioCount)
        for (scenario, weights) in scenarioWeights.enumerated() {
            for (index, factor) in model.factors.enumerated() {
                let column = factor.side == .value ? scenario : scenarioCount + scenario
                matrix[index, column] = 100 * weights[index]
            }
        }
        self.model = model
        self.scenarioNames = scenarioNames
        self.scenarioWeights = scenarioWeights
        self.weights = matrix
    }

    public var scenarioCount: Int { scenarioNames.count }

    /// Accounts per `dgemm` call when scoring a whole utility matrix.
    ///
    /// On the development machine (OpenBLAS 0.3.21 with its Cooperlake kernels, 14 factors ×
    /// 6 score columns), a 128-row panel read from main memory scored faster than a 256-row
    /// one (`kam-bandwidth`, "in-place kernel": 59–67% against 53–57% of the read bandwidth
    /// in three runs), and no slower when the panel is already in cache or the whole score
    /// matrix is written. A 128-row panel of utilities (14 KiB) and OpenBLAS's packed copy of it fit in the
    /// first-level data cache together. The scores are the same bits whatever the panel
    /// size: each entry is computed from one row of `U` and one column of `W` (tested).
    public static let panelRows = 128

    /// Scores every account under every scenario.
    ///
    /// - Parameter utilities: accounts × factors, entries in 0...1.
    /// - Returns: accounts × 2S: value scores of each scenario, then difficulty scores.
    /// - Complexity: one blocked dgemm, O(accounts × factors × scenarios).
    public func scores(_ utilities: Matrix) -> Matrix {
        precondition(utilities.columns == model.factors.count, "Utilities need one column per model factor")
        return utilities.panelMultiplied(by: weights, panelRows: Self.panelRows)
    }

    /// Scores rows given as a flat row-major utility array, into a caller-owned buffer (the
    /// streaming form of ``scores(_:)``, which reuses its buffers chunk after chunk).
    ///
    /// Each score depends only on its own row (OpenBLAS computes every entry of a panel
    /// product from one row of `U` and one column of `W`), so a row scores the same bits
    /// whichever chunk or panel it falls in; the streaming tests check this.
    ///
    /// - Parameters:
    ///   - utilities: `rows × factors` utilities, row-major.
    ///   - rows: The number of rows.
    ///   - scores: Receives `rows × 2S` scores, row-major; resized when too small.
    /// - Complexity: one `dgemm` per panel of ``panelRows`` rows.
    public func scores(rowMajor utilities: [Double], rows: Int, into scores: inout [Double]) {
        let columns = 2 * scenarioCount
        if scores.count != rows * columns { scores = [Double](repeating: 0, count: rows * columns) }
        BatchProduct.multiply(
            utilities, rows: rows, inner: model.factors.count, by: weights.elements, columns: columns, into: &scores,
            panelRows: Self.panelRows)
    }

    /// Adds the contribution of utilities filled in with batch means to one row of scores.
    ///
    /// Scores are computed as `U₀ · W` with the mean-filled entries of `U₀` at 0, then each
    /// such entry adds `W[i, j] · μᵢ` to column `j`, factor by factor in ascending order. The
    /// in-memory pipeline and the streaming reader (which learns the means only at the end
    /// of the file) both score this way, so their scores agree bit for bit.
    ///
    /// - Parameters:
    ///   - factors: The factor indices whose utility is their batch mean, ascending.
    ///   - meanUtility: The mean utility of every factor (``UtilityBuilder/Statistics``).
    ///   - scores: Row-major scores with `2S` columns.
    ///   - row: The row to correct.
    @inlinable
    public func addMeanFills<Factors: Sequence<Int>>(
        _ factors: Factors, meanUtility: [Double], to scores: inout [Double], row: Int
    ) {
        let columns = 2 * scenarioCount
        let base = row * columns
        for column in 0..<columns {
            var score = scores[base + column]
            for factor in factors { score += weights[factor, column] * meanUtility[factor] }
            scores[base + column] = score
        }
    }
}

/// Scores of a batch under one scenario, read out of the scorer's product.
public struct ScoreColumns: Sendable {
    public let value: [Double]
    public let difficulty: [Double]

    /// Reads scenario `scenario` out of an accounts × 2S score matrix.
    public init(_ scores: Matrix, scenario: Int) {
        let scenarioCount = scores.columns / 2
        precondition(scenario < scenarioCount, "Scenario index out of range")
        let accountCount = scores.rows
        var value = [Double](repeating: 0, count: accountCount)
        var difficulty = [Double](repeating: 0, count: accountCount)
        scores.elements.withUncheckedView { buffer in
            for row in 0..<accountCount {
                value[row] = buffer[row * scores.columns + scenario]
                difficulty[row] = buffer[row * scores.columns + scenarioCount + scenario]
            }
        }
        self.value = value
        self.difficulty = difficulty
    }

    public init(value: [Double], difficulty: [Double]) {
        self.value = value
        self.difficulty = difficulty
    }
}
