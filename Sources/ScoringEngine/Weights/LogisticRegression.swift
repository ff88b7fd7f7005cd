import Foundation
import LinearAlgebra

/// L2-regularized (ridge / Gaussian-prior) logistic regression, fitted by iteratively
/// reweighted least squares (Newton's method with step halving) through BLAS and LAPACK.
///
/// ## The model
///
/// For row `i` with features `xᵢ` (a row of an `n × f` matrix `X`), offset `oᵢ` and sample
/// weight `sᵢ ≥ 0`:
///
///     P(won | xᵢ) = pᵢ = σ(ηᵢ),   ηᵢ = β₀ + xᵢ·β + oᵢ,   σ(t) = 1 / (1 + e⁻ᵗ)
///
/// The fit maximizes the penalized log-likelihood (the log posterior under independent
/// Gaussian priors βⱼ ~ N(μⱼ, 1/(λ cⱼ))):
///
///     Q(β₀, β) = Σᵢ sᵢ [yᵢ ln pᵢ + (1 − yᵢ) ln(1 − pᵢ)]  −  ½ λ Σⱼ cⱼ (βⱼ − μⱼ)²
///
/// where `λ` is ``penalty``, `μ` is ``priorMean`` (zeros by default: classic ridge) and `cⱼ`
/// are ``penaltyFactors`` (ones by default; 0 leaves a feature unpenalized). The intercept
/// `β₀` (with ``fitsIntercept``) is never penalized. An offset is a fixed, known part of the
/// log-odds with coefficient 1 (for example a pipeline stage's prior log-odds).
///
/// ## The algorithm
///
/// Each iteration computes, with `wᵢ = sᵢ pᵢ(1 − pᵢ)`, `D = λ diag(c)` and the design `Z`
/// (`X` with a leading column of ones when an intercept is fitted):
///
///     gradient  g = Zᵀ(s ∘ (y − p)) − D(β − μ)              (BLAS dgemv)
///     Hessian   H = ZᵀWZ + D                                 (BLAS dsyrk, ``Matrix/weightedGram(_:)``)
///     step      Δ = H⁻¹ g                                    (LAPACK dpotrf + dpotrs)
///
/// The design `Z` is never copied: ``DesignRows`` reads `X` in row panels (the intercept
/// column is implicit), computing `ZᵀWZ` and `Zᵀr` in one pass per iteration.
///
/// ## Stopping
///
/// The rule scales with `n`: it is the Newton decrement `gᵀH⁻¹g = ΔᵀHΔ` per unit of sample
/// weight, which is the weighted mean of `wᵢ (zᵢ·Δ)²` (plus the penalty's share) — the
/// step's root-mean-square change of the log-odds, each row weighted by its curvature. The
/// fit has converged when `√(gᵀH⁻¹g / Σsᵢ) ≤` ``tolerance``; the full step is then taken,
/// and since Newton converges quadratically the coefficients are left accurate to about
/// `tolerance²` (relative to their standard errors). This test does not depend on the
/// objective's value, so rounding in a sum of a million log-likelihood terms cannot stall it.
///
/// Otherwise a bounded backtracking line search takes the largest `t` in `1, ½, …, 2⁻²⁰`
/// with `Q(β + tΔ) ≥ Q(β) + 10⁻⁴ t gᵀΔ − r`, where `r` is the rounding allowance of `Q`
/// (a thousand ulps of `Σ sᵢ (|yᵢηᵢ| + ln(1 + e^ηᵢ))`). When the gain the Newton step
/// promises, `½ gᵀH⁻¹g`, is itself below `r`, the optimum is reached to double precision:
/// the full step is taken and the fit stops (``StopReason/roundingLimit``). When no `t`
/// passes, the fit stops at the last point (``StopReason/lineSearchFailed``,
/// ``Fitted/converged`` false); after ``maximumIterations`` steps it stops with
/// ``StopReason/iterationLimit``. Each iteration costs one pass over `X` for the Hessian and
/// gradient, one `dgemv` for `ZΔ` and one pass over the rows (no pass over `X`) per objective
/// evaluation, so even a fit that hits its cap costs at most ``maximumIterations`` ×
/// (1 + 21 evaluations) row passes. ``Fitted/stopReason`` and
/// ``Fitted/objectiveEvaluations`` say how it ended.
///
/// Standard errors come from the inverse of the penalized Hessian at the optimum (the
/// Laplace approximation of the posterior covariance; with `λ = 0`, the usual inverse
/// Fisher information). Wald statistics test each coefficient against 0 (not against the
/// prior mean).
///
/// ## Errors instead of NaNs
///
/// The maximum-likelihood estimate may not exist. Before iterating, the fit checks that the
/// outcomes are not all of one class and that the *unpenalized* terms (the intercept and any
/// feature with `λ cⱼ = 0`) are linearly independent on the rows with positive weight
/// (the eigen-decomposition of their scaled Gram matrix; a relative eigenvalue below 1e-10
/// is a dependency, and the terms carrying its eigenvector are named). While iterating, a
/// row fitted at probability numerically 0 or 1 (|ηᵢ| ≥ 34, i.e. within 2e-15 of 0 or 1)
/// while the Newton step still moves the log-odds by more than 1e-3 is perfect or
/// quasi-complete separation: the coefficients are running off to infinity, and the terms
/// with the largest share of that step are named. Penalized terms can never diverge
/// (`Q` is strictly concave in them), so with every feature penalized only the single-class
/// check applies.
///
/// ```swift
/// let regression = try LogisticRegression(penalty: 2, priorMean: expertCoefficients)
/// let fitted = try regression.fit(utilities, outcomes: wonLost)
/// let p = fitted.predict(newUtilities)          // P(won), one per row
/// ```
public struct LogisticRegression: Sendable, Equatable, Codable {
    /// A coefficient of the model: the intercept or the feature in column `j` (zero-based).
    public enum Term: Hashable, Sendable, Codable {
        case intercept
        case feature(Int)

        /// The term's display name: "intercept", `featureNames[j]`, or "x\(j + 1)" when no
        /// name was given.
        public func name(featureNames: [String]) -> String {
            switch self {
            case .intercept: return "intercept"
            case .feature(let column):
                return column < featureNames.count ? featureNames[column] : "x\(column + 1)"
            }
        }
    }

    /// λ ≥ 0: the strength of the Gaussian prior (the ridge penalty). 0 is plain maximum
    /// likelihood.
    public let penalty: Double

    /// Whether to fit an unpenalized intercept β₀.
    public let fitsIntercept: Bool

    /// μ: the coefficients the penalty shrinks toward, one per feature; `nil` means zeros.
    public let priorMean: [Double]?

    /// c: per-feature multipliers of the penalty (each ≥ 0; 0 leaves that feature
    /// unpenalized); `nil` means ones.
    public let penaltyFactors: [Double]?

    /// The most Newton iterations to run (≥ 1).
    public let maximumIterations: Int

    /// Convergence threshold (> 0) on the Newton step's curvature-weighted root-mean-square
    /// change of the log-odds, `√(gᵀH⁻¹g / Σsᵢ)` (see "Stopping").
    public let tolerance: Double

    /// Creates an estimator with the given hyperparameters, checking every one.
    ///
    /// - Parameters:
    ///   - penalty: λ, finite and ≥ 0. Defaults to 0 (maximum likelihood).
    ///   - fitsIntercept: Fit an unpenalized intercept. Defaults to `true`.
    ///   - priorMean: μ, finite, one per feature (checked against the data in `fit`).
    ///   - penaltyFactors: c, finite and ≥ 0, one per feature.
    ///   - maximumIterations: At least 1. Defaults to 50 (ordinary fits take 4–8).
    ///   - tolerance: Finite and > 0. Defaults to 1e-6 (coefficients then accurate to about
    ///     1e-12 of their standard errors).
    /// - Throws: ``LogisticRegressionError/invalidHyperparameter(name:value:allowed:)``.
    public init(
        penalty: Double = 0, fitsIntercept: Bool = true, priorMean: [Double]? = nil,
        penaltyFactors: [Double]? = nil, maximumIterations: Int = 50, tolerance: Double = 1e-6
    ) throws(LogisticRegressionError) {
        guard penalty.isFinite, penalty >= 0 else {
            throw .invalidHyperparameter(
                name: "penalty", value: "\(penalty)", allowed: "a finite number of at least 0")
        }
        if let priorMean, let bad = priorMean.first(where: { !$0.isFinite }) {
            throw .invalidHyperparameter(
                name: "prior mean", value: "\(bad)", allowed: "finite in every entry")
        }
        if let penaltyFactors, let bad = penaltyFactors.first(where: { !($0.isFinite && $0 >= 0) }) {
            throw .invalidHyperparameter(
                name: "penalty factor", value: "\(bad)",
                allowed: "a finite number of at least 0 in every entry")
        }
        if let priorMean, let penaltyFactors, priorMean.count != penaltyFactors.count {
            throw .invalidHyperparameter(
                name: "prior mean length", value: "\(priorMean.count)",
                allowed: "the number of penalty factors (\(penaltyFactors.count))")
        }
        guard maximumIterations >= 1 else {
            throw .invalidHyperparameter(
                name: "maximum iteration count", value: "\(maximumIterations)",
                allowed: "at least 1")
        }
        guard tolerance.isFinite, tolerance > 0 else {
            throw .invalidHyperparameter(
                name: "tolerance", value: "\(tolerance)", allowed: "a finite number above 0")
        }
        self.penalty = penalty
        self.fitsIntercept = fitsIntercept
        self.priorMean = priorMean
        self.penaltyFactors = penaltyFactors
        self.maximumIterations = maximumIterations
        self.tolerance = tolerance
    }

    /// Fits the model to `features` and `outcomes`.
    ///
    /// - Parameters:
    ///   - features: `X`, `n × f`, finite.
    ///   - outcomes: `y`, one per row, in 0...1 (1 won, 0 lost; proportions are allowed).
    ///   - sampleWeights: `s`, one per row, finite and ≥ 0; `nil` means 1 for every row.
    ///   - offsets: `o`, one per row, finite; `nil` means 0.
    ///   - featureNames: Names of the columns, used only in error messages and
    ///     ``Fitted/featureNames``; may be empty.
    ///   - start: A warm start (for example the fit at a neighbouring strength, or on the
    ///     whole data before a fold's); `nil` starts at the prior mean with the intercept at
    ///     the base rate. Its shape must match (intercept and feature count).
    /// - Returns: The fitted model.
    /// - Throws: ``LogisticRegressionError`` for bad data, a single outcome class, collinear
    ///   unpenalized terms or perfect separation.
    /// - Precondition: `outcomes`, `sampleWeights` and `offsets` have `features.rows`
    ///   entries; `priorMean` and `penaltyFactors`, when given, have `features.columns`;
    ///   `featureNames` is empty or has `features.columns` entries.
    /// - Complexity: O(`n f²`) per iteration (`dsyrk` on row panels, three `dgemv`), O(`n`)
    ///   extra memory (the design is read in place).
    public func fit(
        _ features: Matrix, outcomes: [Double], sampleWeights: [Double]? = nil,
        offsets: [Double]? = nil, featureNames: [String] = [], start: Fitted? = nil
    ) throws(LogisticRegressionError) -> Fitted {
        try fit(
            features, rows: nil, outcomes: outcomes, sampleWeights: sampleWeights, offsets: offsets,
            featureNames: featureNames, start: start)
    }

    /// Fits the model to the rows `rows` of `features` (all rows when `nil`), without copying
    /// them: the cross-validation folds of ``WeightFit`` are ranges of one matrix.
    ///
    /// `outcomes`, `sampleWeights` and `offsets` are indexed by row of `features`, as in the
    /// public ``fit(_:outcomes:sampleWeights:offsets:featureNames:start:)``; rows outside
    /// `rows` are not read. Row numbers in errors are positions among the selected rows.
    /// With `covarianceAtFinalStep` false, a converged fit's covariance comes from the
    /// Hessian one Newton step before the returned coefficients (its relative error is of
    /// the order of ``tolerance``), saving one pass over the rows: for internal fits whose
    /// standard errors nobody reads.
    func fit(
        _ features: Matrix, rows ranges: [Range<Int>]?, outcomes allOutcomes: [Double], sampleWeights: [Double]? = nil,
        offsets allOffsets: [Double]? = nil, featureNames: [String] = [], start: Fitted? = nil,
        workers: Int = LogisticRegression.defaultWorkers, covarianceAtFinalStep: Bool = true
    ) throws(LogisticRegressionError) -> Fitted {
        try fitRows(
            features, rows: ranges, outcomes: allOutcomes, sampleWeights: sampleWeights, offsets: allOffsets,
            featureNames: featureNames, start: start, workers: workers, covarianceAtFinalStep: covarianceAtFinalStep
        ).fitted
    }

    /// ``fit(_:rows:outcomes:sampleWeights:offsets:featureNames:start:workers:covarianceAtFinalStep:)``,
    /// also returning where it ended (its ``Predictors``), for a warm start on the same rows.
    ///
    /// - Parameters:
    ///   - startPredictors: `start`'s predictors on these rows (same rows, same offsets), which
    ///     saves the pass that would compute them; their row sums, when given, save the
    ///     objective's pass too.
    ///   - featuresChecked: The caller has checked that every feature of the selected rows is
    ///     finite (a cross-validation fits the same checked matrix many times).
    func fitRows(
        _ features: Matrix, rows ranges: [Range<Int>]?, outcomes allOutcomes: [Double], sampleWeights: [Double]? = nil,
        offsets allOffsets: [Double]? = nil, featureNames: [String] = [], start: Fitted? = nil,
        startPredictors: Predictors? = nil, featuresChecked: Bool = false,
        workers: Int = LogisticRegression.defaultWorkers, covarianceAtFinalStep: Bool = true
    ) throws(LogisticRegressionError) -> (fitted: Fitted, predictors: Predictors) {
        checkShapes(
            features, outcomes: allOutcomes, sampleWeights: sampleWeights, offsets: allOffsets, featureNames: featureNames,
            start: start)
        let design = DesignRows(features, rows: ranges, leadingOnes: fitsIntercept)
        precondition(
            startPredictors == nil || (start != nil && startPredictors?.eta.count == design.count),
            "LogisticRegression.fit: start predictors need their start and one entry per selected row")
        let data = try SelectedRows(
            features, rows: ranges ?? [0..<features.rows], count: design.count, outcomes: allOutcomes,
            sampleWeights: sampleWeights, offsets: allOffsets, checkFeatures: !featuresChecked)
        let meanOutcome = min(max(data.wonWeight / data.totalWeight, 0), 1)

        let (terms, penaltyDiagonal, prior) = penaltyTerms(featureCount: features.columns)
        let unpenalized = (0..<terms.count).filter { penaltyDiagonal[$0] == 0 }
        if !unpenalized.isEmpty, meanOutcome == 0 || meanOutcome == 1 {
            throw .singleOutcomeClass(value: meanOutcome)
        }
        try Self.checkRank(
            design: design, columns: unpenalized, weights: data.weights, terms: terms,
            featureNames: featureNames)

        let problem = Problem(
            design: design, outcomes: data.outcomes, weights: data.weights, offsets: data.offsets,
            penaltyDiagonal: penaltyDiagonal, prior: prior, workers: workers)
        var newton = startingPoint(start, predictors: startPredictors, problem: problem, data: data, meanOutcome: meanOutcome)
        try iterate(
            &newton, problem: problem, totalWeight: data.totalWeight, terms: terms, unpenalized: unpenalized,
            featureNames: featureNames)
        let converged = newton.stop == .converged || newton.stop == .roundingLimit
        if !converged, !unpenalized.isEmpty, newton.state.saturatedRows > 0 {
            throw .perfectSeparation(
                terms: Self.feature(terms, of: unpenalized), saturatedRows: newton.state.saturatedRows,
                featureNames: featureNames)
        }
        let covariance = try finalCovariance(
            newton, problem: problem, terms: terms, featureNames: featureNames, atFinalStep: covarianceAtFinalStep)
        let fitted = fitted(
            newton, covariance: covariance, penaltyDiagonal: penaltyDiagonal, totalWeight: data.totalWeight,
            featureNames: featureNames, converged: converged)
        return (fitted, Predictors(eta: newton.eta, rowSums: newton.state.rowSums))
    }

    /// Where a fit ended, on its own rows: the linear predictors by position and the
    /// objective's row sums there (the penalty not included). A warm start on the same rows
    /// (the next strength of a cross-validation walk) takes them instead of passes over the
    /// rows; a warm start on some of them (a fold of a fit on every row) takes the
    /// predictors of its positions.
    struct Predictors: Sendable {
        var eta: [Double]
        /// `nil` when the rows differ from the fit's (the objective is evaluated again).
        var rowSums: Problem.RowSums?

        /// The predictors of the positions `ranges`, without row sums.
        func positions(_ ranges: [Range<Int>]) -> Predictors {
            var selected: [Double] = []
            selected.reserveCapacity(ranges.reduce(0) { $0 + $1.count })
            for range in ranges { selected.append(contentsOf: eta[range]) }
            return Predictors(eta: selected, rowSums: nil)
        }
    }

    /// The preconditions of ``fit(_:rows:outcomes:sampleWeights:offsets:featureNames:start:workers:covarianceAtFinalStep:)``:
    /// one outcome, weight and offset per row; prior, penalty factors and names per feature;
    /// a warm start of this fit's shape.
    func checkShapes(
        _ features: Matrix, outcomes allOutcomes: [Double], sampleWeights: [Double]?, offsets allOffsets: [Double]?,
        featureNames: [String], start: Fitted?
    ) {
        let featureCount = features.columns
        precondition(
            allOutcomes.count == features.rows,
            "LogisticRegression.fit needs one outcome per row (\(allOutcomes.count) for \(features.rows) rows)")
        precondition(
            sampleWeights.map { $0.count == features.rows } ?? true,
            "LogisticRegression.fit needs one sample weight per row")
        precondition(
            allOffsets.map { $0.count == features.rows } ?? true,
            "LogisticRegression.fit needs one offset per row")
        precondition(
            priorMean.map { $0.count == featureCount } ?? true,
            "LogisticRegression prior mean has \(priorMean?.count ?? 0) entries for \(featureCount) features")
        precondition(
            penaltyFactors.map { $0.count == featureCount } ?? true,
            "LogisticRegression penalty factors have \(penaltyFactors?.count ?? 0) entries for \(featureCount) features")
        precondition(
            featureNames.isEmpty || featureNames.count == featureCount,
            "LogisticRegression.fit needs no feature names or one per column")
        precondition(
            start.map { $0.coefficients.count == featureCount && ($0.intercept != nil) == fitsIntercept } ?? true,
            "LogisticRegression.fit: the warm start has another shape than this fit")
    }

    /// The selected rows' data, by position, validated.
    struct SelectedRows {
        var outcomes: [Double]
        /// `s`; `nil` means 1 for every row.
        var weights: [Double]?
        /// `o`; `nil` means 0.
        var offsets: [Double]?
        /// Σ sᵢ and Σ sᵢ yᵢ, summed in row order.
        var totalWeight = 0.0
        var wonWeight = 0.0

        /// - Throws: ``LogisticRegressionError`` for a bad weight, outcome or offset (row by
        ///   row, in that order), then a non-finite feature, then no weight at all.
        init(
            _ features: Matrix, rows selected: [Range<Int>], count rowCount: Int, outcomes allOutcomes: [Double],
            sampleWeights: [Double]?, offsets allOffsets: [Double]?, checkFeatures: Bool = true
        ) throws(LogisticRegressionError) {
            outcomes = [Double](repeating: 0, count: rowCount)
            weights = sampleWeights == nil ? nil : [Double](repeating: 0, count: rowCount)
            offsets = allOffsets == nil ? nil : [Double](repeating: 0, count: rowCount)
            var position = 0
            for range in selected {
                for row in range {
                    let weight = sampleWeights?[row] ?? 1
                    guard weight.isFinite, weight >= 0 else {
                        throw .invalidSampleWeight(row: position, value: weight)
                    }
                    let y = allOutcomes[row]
                    guard y.isFinite, y >= 0, y <= 1 else { throw .outcomeOutOfRange(row: position, value: y) }
                    if let allOffsets {
                        guard allOffsets[row].isFinite else { throw .nonFiniteOffset(row: position) }
                        offsets?[position] = allOffsets[row]
                    }
                    outcomes[position] = y
                    weights?[position] = weight
                    totalWeight += weight
                    wonWeight += weight * y
                    position += 1
                }
            }
            if checkFeatures { try Self.checkFinite(features, rows: selected) }
            guard totalWeight > 0 else { throw .noData }
        }

        /// Throws ``LogisticRegressionError/nonFiniteFeature(row:column:)`` for the first
        /// non-finite feature of the selected rows (row numbers by position).
        static func checkFinite(_ features: Matrix, rows selected: [Range<Int>]) throws(LogisticRegressionError) {
            let featureCount = features.columns
            var position = 0
            let elements = features.elements
            for range in selected {
                for row in range {
                    for column in 0..<featureCount where !elements[row * featureCount + column].isFinite {
                        throw .nonFiniteFeature(row: position, column: column)
                    }
                    position += 1
                }
            }
        }
    }

    /// The terms in order (intercept first when fitted), the penalty diagonal D and the prior mean.
    func penaltyTerms(featureCount: Int) -> (terms: [Term], penaltyDiagonal: [Double], prior: [Double]) {
        let terms: [Term] =
            (fitsIntercept ? [.intercept] : []) + (0..<featureCount).map { Term.feature($0) }
        let termCount = terms.count
        var penaltyDiagonal = [Double](repeating: 0, count: termCount)
        var prior = [Double](repeating: 0, count: termCount)
        for (k, term) in terms.enumerated() {
            if case .feature(let j) = term {
                penaltyDiagonal[k] = penalty * (penaltyFactors?[j] ?? 1)
                prior[k] = priorMean?[j] ?? 0
            }
        }
        return (terms, penaltyDiagonal, prior)
    }

    /// Where Newton's method is: the coefficients, linear predictors and objective, and how
    /// it got there.
    struct NewtonIterate {
        var coefficients: [Double]
        var eta: [Double]
        var state: Problem.State
        var evaluations = 1
        var iterations = 0
        var stop = StopReason.iterationLimit
        /// The last Hessian's factor, and whether the coefficients moved after it.
        var lastFactor: CholeskyFactorization?
        var steppedAfterFactor = false
    }

    /// Start: the warm start (at its predictors, when given), or the prior mean with the
    /// intercept matching the base rate.
    func startingPoint(
        _ start: Fitted?, predictors: Predictors?, problem: Problem, data: SelectedRows, meanOutcome: Double
    ) -> NewtonIterate {
        let design = problem.design
        let rowCount = design.count
        var coefficients: [Double]
        if let start {
            coefficients = (start.intercept.map { [$0] } ?? []) + start.coefficients
        } else {
            coefficients = problem.prior
        }
        if let predictors {
            let state =
                predictors.rowSums.map { problem.state($0, coefficients: coefficients) }
                ?? problem.evaluate(eta: predictors.eta, direction: nil, scale: 0, coefficients: coefficients)
            var newton = NewtonIterate(coefficients: coefficients, eta: predictors.eta, state: state)
            newton.evaluations = predictors.rowSums == nil ? 1 : 0
            return newton
        }
        var eta = design.multiplied(by: coefficients, workers: problem.workers)
        if let offset = data.offsets { DesignRows.add(1, offset, to: &eta) }
        if start == nil, fitsIntercept, meanOutcome > 0, meanOutcome < 1 {
            var meanEta = 0.0
            for row in 0..<rowCount { meanEta += (data.weights?[row] ?? 1) * eta[row] }
            let shift = log(meanOutcome / (1 - meanOutcome)) - meanEta / data.totalWeight
            coefficients[0] += shift
            for row in 0..<rowCount { eta[row] += shift }
        }
        let state = problem.evaluate(eta: eta, direction: nil, scale: 0, coefficients: coefficients)
        return NewtonIterate(coefficients: coefficients, eta: eta, state: state)
    }

    /// Newton's method from `newton` until it converges, the line search fails, or
    /// ``maximumIterations`` steps.
    /// - Throws: ``LogisticRegressionError/perfectSeparation(terms:saturatedRows:featureNames:)``
    ///   or ``LogisticRegressionError/numericallySingular(term:featureNames:)``.
    func iterate(
        _ newton: inout NewtonIterate, problem: Problem, totalWeight: Double, terms: [Term], unpenalized: [Int],
        featureNames: [String]
    ) throws(LogisticRegressionError) {
        let design = problem.design
        let termCount = terms.count
        while newton.iterations < maximumIterations {
            newton.iterations += 1
            let (hessian, gradient) = problem.crossProducts(eta: newton.eta, coefficients: newton.coefficients)
            let factor: CholeskyFactorization
            do {
                factor = try hessian.cholesky()
            } catch {
                if newton.state.saturatedRows > 0 {
                    throw .perfectSeparation(
                        terms: Self.feature(terms, of: unpenalized), saturatedRows: newton.state.saturatedRows,
                        featureNames: featureNames)
                }
                throw Self.singular(error, terms: terms, featureNames: featureNames)
            }
            newton.lastFactor = factor
            newton.steppedAfterFactor = false
            let step = factor.solve(gradient)
            // The Newton decrement gᵀH⁻¹g: twice the gain the quadratic model predicts.
            let decrement = max(0, zip(gradient, step).reduce(0) { $0 + $1.0 * $1.1 })
            let direction = design.multiplied(by: step, workers: problem.workers)

            // Diverging: saturated rows, and the step still moves some row's log-odds (a pass
            // over the rows, made only when the first two hold).
            if !unpenalized.isEmpty, newton.state.saturatedRows > 0, problem.largestChange(direction) > 1e-3 {
                throw .perfectSeparation(
                    terms: Self.dominantTerms(of: step, design: design, among: unpenalized, terms: terms),
                    saturatedRows: newton.state.saturatedRows, featureNames: featureNames)
            }

            // Converged: the step's weighted root-mean-square change of the log-odds is at
            // most `tolerance`, or the gain it promises is below the objective's rounding.
            // Newton converges quadratically, so the full step is taken and the error left is
            // of order tolerance².
            let roundingSlack = Self.roundingFactor * newton.state.magnitude
            let small = decrement <= tolerance * tolerance * totalWeight
            if small || 0.5 * decrement <= roundingSlack {
                for k in 0..<termCount { newton.coefficients[k] += step[k] }
                DesignRows.add(1, direction, to: &newton.eta)
                newton.state = problem.evaluate(eta: newton.eta, direction: nil, scale: 0, coefficients: newton.coefficients)
                newton.evaluations += 1
                newton.stop = small ? .converged : .roundingLimit
                newton.steppedAfterFactor = true
                break
            }
            guard
                Self.lineSearch(
                    &newton, problem: problem, step: step, direction: direction, decrement: decrement, roundingSlack: roundingSlack)
            else {
                newton.stop = .lineSearchFailed
                break
            }
        }
    }

    /// A bounded backtracking line search: the largest t in 1, ½, …, 2⁻²⁰ with
    /// Q(β + tΔ) ≥ Q(β) + 10⁻⁴ t gᵀΔ − (the rounding of Q). Moves `newton` there and returns
    /// true, or returns false (and moves nothing but the evaluation count) when none is.
    static func lineSearch(
        _ newton: inout NewtonIterate, problem: Problem, step: [Double], direction: [Double], decrement: Double,
        roundingSlack: Double
    ) -> Bool {
        var scale = 1.0
        var accepted: Problem.State?
        for _ in 0...Self.maximumHalvings {
            let candidate = zip(newton.coefficients, step).map { $0 + scale * $1 }
            let trial = problem.evaluate(eta: newton.eta, direction: direction, scale: scale, coefficients: candidate)
            newton.evaluations += 1
            if trial.objective.isFinite,
                trial.objective >= newton.state.objective + 1e-4 * scale * decrement - roundingSlack
            {
                accepted = trial
                newton.coefficients = candidate
                break
            }
            scale /= 2
        }
        guard let accepted else { return false }
        DesignRows.add(scale, direction, to: &newton.eta)
        newton.state = accepted
        newton.steppedAfterFactor = true
        return true
    }

    /// The error for a Hessian that is not positive definite: the term at its leading minor.
    static func singular(_ error: LinearAlgebraError, terms: [Term], featureNames: [String]) -> LogisticRegressionError {
        let minor: Int
        if case .notPositiveDefinite(let leadingMinor) = error { minor = leadingMinor } else { minor = 1 }
        return .numericallySingular(term: terms[max(0, min(minor - 1, terms.count - 1))], featureNames: featureNames)
    }

    /// Covariance from the penalized Hessian at the final coefficients (or, when asked, from
    /// the last iteration's, one converged Newton step before them).
    func finalCovariance(
        _ newton: NewtonIterate, problem: Problem, terms: [Term], featureNames: [String], atFinalStep covarianceAtFinalStep: Bool
    ) throws(LogisticRegressionError) -> Matrix {
        if let lastFactor = newton.lastFactor, !(newton.steppedAfterFactor && covarianceAtFinalStep) {
            return lastFactor.inverse()
        }
        let (hessian, _) = problem.crossProducts(eta: newton.eta, coefficients: newton.coefficients)
        do {
            return try hessian.cholesky().inverse()
        } catch {
            throw Self.singular(error, terms: terms, featureNames: featureNames)
        }
    }

    /// The fitted model: coefficients and standard errors split into intercept and features,
    /// the effective parameter count (terms − tr(D H⁻¹)).
    func fitted(
        _ newton: NewtonIterate, covariance: Matrix, penaltyDiagonal: [Double], totalWeight: Double, featureNames: [String],
        converged: Bool
    ) -> Fitted {
        let termCount = penaltyDiagonal.count
        var standardErrors = [Double](repeating: 0, count: termCount)
        var penaltyTrace = 0.0
        for k in 0..<termCount {
            standardErrors[k] = max(covariance[k, k], 0).squareRoot()
            penaltyTrace += penaltyDiagonal[k] * covariance[k, k]
        }
        let coefficients = newton.coefficients
        let intercept = fitsIntercept ? coefficients[0] : nil
        let first = fitsIntercept ? 1 : 0
        return Fitted(
            featureNames: featureNames,
            intercept: intercept,
            coefficients: Array(coefficients[first...]),
            interceptStandardError: fitsIntercept ? standardErrors[0] : nil,
            standardErrors: Array(standardErrors[first...]),
            covariance: covariance,
            logLikelihood: newton.state.logLikelihood,
            penalizedLogLikelihood: newton.state.objective,
            effectiveParameterCount: Double(termCount) - penaltyTrace,
            totalWeight: totalWeight,
            iterations: newton.iterations,
            converged: converged,
            stopReason: newton.stop,
            objectiveEvaluations: newton.evaluations)
    }

    /// Why a fit stopped.
    public enum StopReason: String, Sendable, Codable, Equatable {
        /// The Newton step's weighted RMS change of the log-odds was at most ``tolerance``.
        case converged
        /// The gain the Newton step promised was below the rounding of the objective: the
        /// optimum to double precision (the full step was taken).
        case roundingLimit
        /// No step of the bounded line search (1, ½, …, 2⁻²⁰ of the Newton step) increased
        /// the objective beyond its rounding; the coefficients are those before it.
        case lineSearchFailed
        /// ``maximumIterations`` Newton steps ran without converging.
        case iterationLimit
    }

    /// The most halvings of one line search (the smallest step tried is 2⁻²⁰ of Newton's).
    static let maximumHalvings = 20

    /// Rounding allowance of the objective, per unit of Σ sᵢ (|yᵢ ηᵢ| + ln(1 + e^ηᵢ)): a
    /// thousand ulps, more than the error of its chunked sum (below 10⁻¹¹ relative).
    static let roundingFactor = 1e3 * Double.ulpOfOne

    /// Threads for the row passes: one per online processor, at most 4.
    public static var defaultWorkers: Int { max(1, min(4, ProcessInfo.processInfo.activeProcessorCount)) }

    // MARK: - Helpers

    /// Throws ``LogisticRegressionError/rankDeficient(terms:featureNames:)`` when the
    /// `columns` of the design are linearly dependent on the rows with positive weight.
    ///
    /// The weighted Gram matrix `G` of those columns is scaled to unit diagonal
    /// (`G̃ = S G S`, `S = diag(1/√Gₖₖ)`); a column that is zero on every weighted row, or an
    /// eigenvalue of `G̃` below `1e-10 · λmax`, is a dependency. Its eigenvector's entries
    /// above 0.1 in magnitude name the terms involved. The intercept alone needs no pass
    /// over the rows: its Gram entry is the count of positive weights, checked earlier.
    static func checkRank(
        design: DesignRows, columns: [Int], weights: [Double]?, terms: [Term], featureNames: [String]
    ) throws(LogisticRegressionError) {
        guard !columns.isEmpty else { return }
        if columns == [0], design.leadingOnes { return }
        let (full, _) = design.weightedCrossProducts(workers: LogisticRegression.defaultWorkers) { panel, w, r in
            var offset = 0
            for i in panel {
                w[offset] = (weights?[i] ?? 1) > 0 ? 1 : 0
                r[offset] = 0
                offset += 1
            }
        }
        var gram = Matrix(rows: columns.count, columns: columns.count)
        for (a, i) in columns.enumerated() {
            for (b, j) in columns.enumerated() { gram[a, b] = full[i, j] }
        }
        for (k, column) in columns.enumerated() where gram[k, k] == 0 {
            throw .rankDeficient(terms: [terms[column]], featureNames: featureNames)
        }
        var scaled = gram
        for i in 0..<columns.count {
            for j in 0..<columns.count {
                scaled[i, j] = gram[i, j] / (gram[i, i] * gram[j, j]).squareRoot()
            }
        }
        guard let eigen = try? scaled.symmetricEigen(), let largest = eigen.values.last else {
            return
        }
        guard let smallest = eigen.values.first, smallest < 1e-10 * largest else { return }
        let vector = eigen.vectors.column(0)
        let involved = columns.indices.filter { abs(vector[$0]) > 0.1 }.map { terms[columns[$0]] }
        throw .rankDeficient(terms: involved, featureNames: featureNames)
    }

    /// The feature terms (or the intercept when there are none) among `indices`.
    static func feature(_ terms: [Term], of indices: [Int]) -> [Term] {
        let chosen = indices.map { terms[$0] }
        let features = chosen.filter { $0 != .intercept }
        return features.isEmpty ? chosen : features
    }

    /// The unpenalized terms carrying at least a tenth of the largest scaled step
    /// `|Δₖ| · rms(Zₖ)` — the direction the coefficients are diverging in.
    static func dominantTerms(of step: [Double], design: DesignRows, among indices: [Int], terms: [Term]) -> [Term] {
        let (gram, _) = design.weightedCrossProducts(workers: LogisticRegression.defaultWorkers) { panel, w, r in
            for offset in 0..<panel.count {
                w[offset] = 1
                r[offset] = 0
            }
        }
        var sizes = [Double](repeating: 0, count: indices.count)
        for (position, k) in indices.enumerated() {
            let rms = (gram[k, k] / Double(max(design.count, 1))).squareRoot()
            sizes[position] = abs(step[k]) * rms
        }
        let largest = sizes.max() ?? 0
        let chosen = indices.indices.filter { largest > 0 && sizes[$0] >= 0.1 * largest }.map { indices[$0] }
        return feature(terms, of: chosen.isEmpty ? indices : chosen)
    }
}

// MARK: - The objective and its derivatives

extension LogisticRegression {
    /// The data of one fit (by position among the selected rows) and the pieces of Newton's
    /// method. Every pass over the rows runs on ``DesignRows/chunks`` and adds the chunks'
    /// sums in chunk order, so the result does not depend on `workers`.
    struct Problem: Sendable {
        let design: DesignRows
        let outcomes: [Double]
        /// `s`; `nil` means 1 for every row.
        let weights: [Double]?
        /// `o`; `nil` means 0 (the linear predictors passed in already include offsets).
        let offsets: [Double]?
        let penaltyDiagonal: [Double]
        let prior: [Double]
        let workers: Int

        /// The objective at one point.
        struct State {
            /// The sums over the rows.
            var rowSums: RowSums
            /// Q = log-likelihood − ½ Σ Dₖ (βₖ − μₖ)².
            var objective: Double
            /// The rows' magnitude + ½ Σ Dₖ (βₖ − μₖ)²: the scale of Q's rounding.
            var magnitude: Double
            /// Σ sᵢ [yᵢ ln pᵢ + (1 − yᵢ) ln(1 − pᵢ)].
            var logLikelihood: Double { rowSums.logLikelihood }
            /// Positive-weight rows with |ηᵢ| ≥ 34 (pᵢ within 2e-15 of 0 or 1).
            var saturatedRows: Int { rowSums.saturatedRows }
        }

        /// The objective's sums over the rows at one point.
        struct RowSums: Sendable {
            /// Σ sᵢ [yᵢ ln pᵢ + (1 − yᵢ) ln(1 − pᵢ)].
            var logLikelihood: Double
            /// Σ sᵢ (|yᵢ ηᵢ| + ln(1 + e^ηᵢ)).
            var magnitude: Double
            /// Positive-weight rows with |ηᵢ| ≥ 34.
            var saturatedRows: Int
        }

        /// Q at the linear predictors `eta + scale · direction` and the given coefficients.
        func evaluate(eta: [Double], direction: [Double]?, scale: Double, coefficients: [Double]) -> State {
            state(rowSums(eta: eta, direction: direction, scale: scale), coefficients: coefficients)
        }

        /// Q from the rows' sums and the coefficients' penalty.
        func state(_ rowSums: RowSums, coefficients: [Double]) -> State {
            var penaltyTerm = 0.0
            for k in coefficients.indices where penaltyDiagonal[k] > 0 {
                let difference = coefficients[k] - prior[k]
                penaltyTerm += penaltyDiagonal[k] * difference * difference
            }
            return State(
                rowSums: rowSums, objective: rowSums.logLikelihood - 0.5 * penaltyTerm,
                magnitude: rowSums.magnitude + 0.5 * penaltyTerm)
        }

        /// The rows' sums at the linear predictors `eta + scale · direction`.
        ///
        /// yᵢ ln pᵢ + (1 − yᵢ) ln(1 − pᵢ) = yᵢ tᵢ − ln(1 + e^tᵢ), and
        /// ln(1 + e^t) = max(t, 0) + ln(1 + e^−|t|), computed without overflow. Without sample
        /// weights the last terms of ``groupRows`` rows are summed as the logarithm of their
        /// product (each factor is in (1, 2], so the product cannot overflow): one `log` per
        /// group instead of one `log1p` per row. The product's rounding, a few ulps of a number
        /// below 2⁸, is far below the objective's rounding allowance (``roundingFactor``).
        func rowSums(eta: [Double], direction: [Double]?, scale: Double) -> RowSums {
            let outcomes = self.outcomes
            let weights = self.weights
            let groupRows = Self.groupRows
            let steps = direction ?? []
            let moves = direction != nil
            let parts = design.mapChunks(workers: workers) { chunk -> RowSums in
                var logLikelihood = 0.0
                var magnitude = 0.0
                var saturated = 0
                if let weights {
                    for i in chunk {
                        let weight = weights[i]
                        guard weight > 0 else { continue }
                        let t = moves ? eta[i] + scale * steps[i] : eta[i]
                        let softplus = max(t, 0) + log1p(exp(-abs(t)))
                        let yt = outcomes[i] * t
                        logLikelihood += weight * (yt - softplus)
                        magnitude += weight * (abs(yt) + softplus)
                        if abs(t) >= 34 { saturated += 1 }
                    }
                    return RowSums(logLikelihood: logLikelihood, magnitude: magnitude, saturatedRows: saturated)
                }
                var group = chunk.lowerBound
                while group < chunk.upperBound {
                    let end = min(group + groupRows, chunk.upperBound)
                    var product = 1.0
                    var linear = 0.0
                    var size = 0.0
                    for i in group..<end {
                        let t = moves ? eta[i] + scale * steps[i] : eta[i]
                        product *= 1 + exp(-abs(t))
                        let yt = outcomes[i] * t
                        linear += yt - max(t, 0)
                        size += abs(yt) + max(t, 0)
                        if abs(t) >= 34 { saturated += 1 }
                    }
                    let logarithm = log(product)
                    logLikelihood += linear - logarithm
                    magnitude += size + logarithm
                    group = end
                }
                return RowSums(logLikelihood: logLikelihood, magnitude: magnitude, saturatedRows: saturated)
            }
            var sums = RowSums(logLikelihood: 0, magnitude: 0, saturatedRows: 0)
            for part in parts {
                sums.logLikelihood += part.logLikelihood
                sums.magnitude += part.magnitude
                sums.saturatedRows += part.saturatedRows
            }
            return sums
        }

        /// Rows whose ln(1 + e^−|t|) are summed as one logarithm (see ``rowSums(eta:direction:scale:)``).
        static let groupRows = 8

        /// H = ZᵀWZ + D with wᵢ = sᵢ pᵢ (1 − pᵢ), and g = Zᵀ(s ∘ (y − p)) − D(β − μ), in one
        /// pass over the design.
        func crossProducts(eta: [Double], coefficients: [Double]) -> (hessian: Matrix, gradient: [Double]) {
            let outcomes = self.outcomes
            let weights = self.weights
            var (hessian, gradient) = design.weightedCrossProducts(workers: workers) { panel, w, r in
                var offset = 0
                for i in panel {
                    let t = eta[i]
                    let e = exp(-abs(t))
                    let p = t >= 0 ? 1 / (1 + e) : e / (1 + e)
                    let s = weights?[i] ?? 1
                    w[offset] = s * p * (1 - p)
                    r[offset] = s * (outcomes[i] - p)
                    offset += 1
                }
            }
            for k in penaltyDiagonal.indices {
                hessian[k, k] += penaltyDiagonal[k]
                gradient[k] -= penaltyDiagonal[k] * (coefficients[k] - prior[k])
            }
            return (hessian, gradient)
        }

        /// maxᵢ |dᵢ| over rows with positive weight.
        func largestChange(_ direction: [Double]) -> Double {
            var largest = 0.0
            for i in direction.indices where (weights?[i] ?? 1) > 0 {
                largest = max(largest, abs(direction[i]))
            }
            return largest
        }
    }

    /// σ(t) = 1 / (1 + e⁻ᵗ), evaluated so that neither branch overflows.
    static func logistic(_ t: Double) -> Double {
        if t >= 0 {
            return 1 / (1 + exp(-t))
        }
        let e = exp(t)
        return e / (1 + e)
    }

    /// ln(1 + eᵗ), exact to rounding for every finite t.
    static func softplus(_ t: Double) -> Double {
        t > 0 ? t + log1p(exp(-t)) : log1p(exp(t))
    }
}
