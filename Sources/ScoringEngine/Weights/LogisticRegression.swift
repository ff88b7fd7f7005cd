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
/// and takes the largest of `Δ, Δ/2, Δ/4, …` that increases `Q` (Armijo condition), so every
/// iteration improves the objective. It stops when a full Newton step changes no row's
/// log-odds and no coefficient by more than ``tolerance`` (relative to `1 + |βₖ|` for
/// coefficients) — near the optimum Newton converges quadratically, so the returned
/// coefficients are then accurate to about `tolerance²`.
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

    /// Convergence threshold (> 0) on the largest change of any row's log-odds, and of any
    /// coefficient relative to `1 + |βₖ|`, in a full Newton step.
    public let tolerance: Double

    /// Creates an estimator with the given hyperparameters, checking every one.
    ///
    /// - Parameters:
    ///   - penalty: λ, finite and ≥ 0. Defaults to 0 (maximum likelihood).
    ///   - fitsIntercept: Fit an unpenalized intercept. Defaults to `true`.
    ///   - priorMean: μ, finite, one per feature (checked against the data in `fit`).
    ///   - penaltyFactors: c, finite and ≥ 0, one per feature.
    ///   - maximumIterations: At least 1. Defaults to 100.
    ///   - tolerance: Finite and > 0. Defaults to 1e-8.
    /// - Throws: ``LogisticRegressionError/invalidHyperparameter(name:value:allowed:)``.
    public init(
        penalty: Double = 0, fitsIntercept: Bool = true, priorMean: [Double]? = nil,
        penaltyFactors: [Double]? = nil, maximumIterations: Int = 100, tolerance: Double = 1e-8
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
    /// - Returns: The fitted model.
    /// - Throws: ``LogisticRegressionError`` for bad data, a single outcome class, collinear
    ///   unpenalized terms or perfect separation.
    /// - Precondition: `outcomes`, `sampleWeights` and `offsets` have `features.rows`
    ///   entries; `priorMean` and `penaltyFactors`, when given, have `features.columns`;
    ///   `featureNames` is empty or has `features.columns` entries.
    /// - Complexity: O(`n f²`) per iteration (one `dsyrk`, three `dgemv`), O(`n f`) extra memory.
    public func fit(
        _ features: Matrix, outcomes: [Double], sampleWeights: [Double]? = nil,
        offsets: [Double]? = nil, featureNames: [String] = []
    ) throws(LogisticRegressionError) -> Fitted {
        let rowCount = features.rows
        let featureCount = features.columns
        precondition(
            outcomes.count == rowCount,
            "LogisticRegression.fit needs one outcome per row (\(outcomes.count) for \(rowCount) rows)")
        precondition(
            sampleWeights.map { $0.count == rowCount } ?? true,
            "LogisticRegression.fit needs one sample weight per row")
        precondition(
            offsets.map { $0.count == rowCount } ?? true,
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

        // Validate the data.
        let weights = sampleWeights ?? Array(repeating: 1, count: rowCount)
        let offset = offsets ?? Array(repeating: 0, count: rowCount)
        for row in 0..<rowCount {
            let weight = weights[row]
            guard weight.isFinite, weight >= 0 else {
                throw .invalidSampleWeight(row: row, value: weight)
            }
            let y = outcomes[row]
            guard y.isFinite, y >= 0, y <= 1 else { throw .outcomeOutOfRange(row: row, value: y) }
            guard offset[row].isFinite else { throw .nonFiniteOffset(row: row) }
        }
        for (index, value) in features.elements.enumerated() where !value.isFinite {
            throw .nonFiniteFeature(row: index / featureCount, column: index % featureCount)
        }
        let totalWeight = weights.reduce(0, +)
        guard totalWeight > 0 else { throw .noData }
        var wonWeight = 0.0
        for row in 0..<rowCount { wonWeight += weights[row] * outcomes[row] }
        let meanOutcome = min(max(wonWeight / totalWeight, 0), 1)

        // The design Z, the penalty diagonal D and the prior mean, in term order.
        let terms: [Term] =
            (fitsIntercept ? [.intercept] : []) + (0..<featureCount).map { Term.feature($0) }
        let termCount = terms.count
        let design = Self.design(features, withIntercept: fitsIntercept)
        var penaltyDiagonal = [Double](repeating: 0, count: termCount)
        var prior = [Double](repeating: 0, count: termCount)
        for (k, term) in terms.enumerated() {
            if case .feature(let j) = term {
                penaltyDiagonal[k] = penalty * (penaltyFactors?[j] ?? 1)
                prior[k] = priorMean?[j] ?? 0
            }
        }
        let unpenalized = (0..<termCount).filter { penaltyDiagonal[$0] == 0 }

        if !unpenalized.isEmpty, meanOutcome == 0 || meanOutcome == 1 {
            throw .singleOutcomeClass(value: meanOutcome)
        }
        try Self.checkRank(
            design: design, columns: unpenalized, weights: weights, terms: terms,
            featureNames: featureNames)

        // Start at the prior mean, with the intercept matching the base rate.
        var coefficients = prior
        if fitsIntercept, meanOutcome > 0, meanOutcome < 1 {
            let eta = design.multiplied(by: coefficients)
            var meanEta = 0.0
            for row in 0..<rowCount { meanEta += weights[row] * (eta[row] + offset[row]) }
            coefficients[0] = log(meanOutcome / (1 - meanOutcome)) - meanEta / totalWeight
        }

        let problem = Problem(
            design: design, outcomes: outcomes, weights: weights, offsets: offset,
            penaltyDiagonal: penaltyDiagonal, prior: prior)
        var state = problem.evaluate(coefficients)
        var iterations = 0
        var converged = false
        while iterations < maximumIterations {
            iterations += 1
            let hessian = problem.hessian(at: state)
            let factor: CholeskyFactorization
            do {
                factor = try hessian.cholesky()
            } catch {
                if state.saturatedRows > 0 {
                    throw .perfectSeparation(
                        terms: Self.feature(terms, of: unpenalized), saturatedRows: state.saturatedRows,
                        featureNames: featureNames)
                }
                let minor: Int
                if case .notPositiveDefinite(let leadingMinor) = error { minor = leadingMinor } else { minor = 1 }
                throw .numericallySingular(term: terms[max(0, min(minor - 1, termCount - 1))], featureNames: featureNames)
            }
            let gradient = problem.gradient(at: state)
            let step = factor.solve(gradient)
            let decrement = zip(gradient, step).reduce(0) { $0 + $1.0 * $1.1 }
            let etaChange = problem.linearPredictorChange(step)
            let coefficientChange = zip(step, coefficients).reduce(0.0) {
                max($0, abs($1.0) / (1 + abs($1.1)))
            }

            if !unpenalized.isEmpty, state.saturatedRows > 0, etaChange > 1e-3 {
                throw .perfectSeparation(
                    terms: Self.dominantTerms(of: step, design: design, among: unpenalized, terms: terms),
                    saturatedRows: state.saturatedRows, featureNames: featureNames)
            }

            // Step halving: the largest t in 1, ½, ¼, … with Q(β + tΔ) ≥ Q(β) + 10⁻⁴ t gᵀΔ.
            var scale = 1.0
            var accepted: Problem.State?
            while scale >= 1e-10 {
                let candidate = zip(coefficients, step).map { $0 + scale * $1 }
                let trial = problem.evaluate(candidate)
                if trial.objective.isFinite, trial.objective >= state.objective + 1e-4 * scale * decrement {
                    accepted = trial
                    coefficients = candidate
                    break
                }
                scale /= 2
            }
            if etaChange <= tolerance && coefficientChange <= tolerance {
                if let accepted { state = accepted }
                converged = true
                break
            }
            guard let accepted else {
                // No step increases Q in floating point: we are at the optimum to rounding.
                converged = decrement <= 1e-8 * (1 + abs(state.objective))
                break
            }
            state = accepted
        }
        if !converged, !unpenalized.isEmpty, state.saturatedRows > 0 {
            throw .perfectSeparation(
                terms: Self.feature(terms, of: unpenalized), saturatedRows: state.saturatedRows,
                featureNames: featureNames)
        }

        // Covariance from the penalized Hessian at the final coefficients.
        let hessian = problem.hessian(at: state)
        let covariance: Matrix
        do {
            covariance = try hessian.cholesky().inverse()
        } catch {
            let minor: Int
            if case .notPositiveDefinite(let leadingMinor) = error { minor = leadingMinor } else { minor = 1 }
            throw .numericallySingular(term: terms[max(0, min(minor - 1, termCount - 1))], featureNames: featureNames)
        }
        var standardErrors = [Double](repeating: 0, count: termCount)
        var penaltyTrace = 0.0
        for k in 0..<termCount {
            standardErrors[k] = max(covariance[k, k], 0).squareRoot()
            penaltyTrace += penaltyDiagonal[k] * covariance[k, k]
        }
        let intercept = fitsIntercept ? coefficients[0] : nil
        let first = fitsIntercept ? 1 : 0
        return Fitted(
            featureNames: featureNames,
            intercept: intercept,
            coefficients: Array(coefficients[first...]),
            interceptStandardError: fitsIntercept ? standardErrors[0] : nil,
            standardErrors: Array(standardErrors[first...]),
            covariance: covariance,
            logLikelihood: state.logLikelihood,
            penalizedLogLikelihood: state.objective,
            effectiveParameterCount: Double(termCount) - penaltyTrace,
            totalWeight: totalWeight,
            iterations: iterations,
            converged: converged)
    }

    // MARK: - Helpers

    /// `X` with a leading column of ones when `withIntercept`.
    static func design(_ features: Matrix, withIntercept: Bool) -> Matrix {
        guard withIntercept else { return features }
        let rows = features.rows
        let columns = features.columns + 1
        var elements = [Double](repeating: 1, count: rows * columns)
        for row in 0..<rows {
            let source = features.row(row)
            var target = row * columns + 1
            for value in source {
                elements[target] = value
                target += 1
            }
        }
        return Matrix(rows: rows, columns: columns, elements: elements)
    }

    /// Throws ``LogisticRegressionError/rankDeficient(terms:featureNames:)`` when the
    /// `columns` of `design` are linearly dependent on the rows with positive weight.
    ///
    /// The weighted Gram matrix `G` of those columns is scaled to unit diagonal
    /// (`G̃ = S G S`, `S = diag(1/√Gₖₖ)`); a column that is zero on every weighted row, or an
    /// eigenvalue of `G̃` below `1e-10 · λmax`, is a dependency. Its eigenvector's entries
    /// above 0.1 in magnitude name the terms involved.
    static func checkRank(
        design: Matrix, columns: [Int], weights: [Double], terms: [Term], featureNames: [String]
    ) throws(LogisticRegressionError) {
        guard !columns.isEmpty else { return }
        var subset = [Double](repeating: 0, count: design.rows * columns.count)
        for row in 0..<design.rows {
            for (k, column) in columns.enumerated() {
                subset[row * columns.count + k] = design[row, column]
            }
        }
        let positive = weights.map { $0 > 0 ? 1.0 : 0.0 }
        let gram = Matrix(rows: design.rows, columns: columns.count, elements: subset)
            .weightedGram(positive)
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
    static func dominantTerms(of step: [Double], design: Matrix, among indices: [Int], terms: [Term]) -> [Term] {
        var sizes = [Double](repeating: 0, count: indices.count)
        for (position, k) in indices.enumerated() {
            var sumOfSquares = 0.0
            for row in 0..<design.rows { sumOfSquares += design[row, k] * design[row, k] }
            let rms = (sumOfSquares / Double(max(design.rows, 1))).squareRoot()
            sizes[position] = abs(step[k]) * rms
        }
        let largest = sizes.max() ?? 0
        let chosen = indices.indices.filter { largest > 0 && sizes[$0] >= 0.1 * largest }.map { indices[$0] }
        return feature(terms, of: chosen.isEmpty ? indices : chosen)
    }
}

// MARK: - The objective and its derivatives

extension LogisticRegression {
    /// The data of one fit and the pieces of Newton's method.
    struct Problem {
        let design: Matrix
        let outcomes: [Double]
        let weights: [Double]
        let offsets: [Double]
        let penaltyDiagonal: [Double]
        let prior: [Double]

        /// Everything computed from one coefficient vector.
        struct State {
            var coefficients: [Double]
            /// ηᵢ = zᵢ·β + oᵢ.
            var linearPredictor: [Double]
            /// pᵢ = σ(ηᵢ).
            var probabilities: [Double]
            /// Σ sᵢ [yᵢ ln pᵢ + (1 − yᵢ) ln(1 − pᵢ)].
            var logLikelihood: Double
            /// Q = log-likelihood − ½ Σ Dₖ (βₖ − μₖ)².
            var objective: Double
            /// Positive-weight rows with |ηᵢ| ≥ 34 (pᵢ within 2e-15 of 0 or 1).
            var saturatedRows: Int
        }

        func evaluate(_ coefficients: [Double]) -> State {
            var eta = design.multiplied(by: coefficients)
            var probabilities = [Double](repeating: 0, count: eta.count)
            var logLikelihood = 0.0
            var saturated = 0
            for row in eta.indices {
                eta[row] += offsets[row]
                let t = eta[row]
                probabilities[row] = LogisticRegression.logistic(t)
                let weight = weights[row]
                guard weight > 0 else { continue }
                // y ln p + (1 − y) ln(1 − p) = y t − ln(1 + eᵗ), computed without overflow.
                logLikelihood += weight * (outcomes[row] * t - LogisticRegression.softplus(t))
                if abs(t) >= 34 { saturated += 1 }
            }
            var penaltyTerm = 0.0
            for k in coefficients.indices where penaltyDiagonal[k] > 0 {
                let difference = coefficients[k] - prior[k]
                penaltyTerm += penaltyDiagonal[k] * difference * difference
            }
            return State(
                coefficients: coefficients, linearPredictor: eta, probabilities: probabilities,
                logLikelihood: logLikelihood, objective: logLikelihood - 0.5 * penaltyTerm,
                saturatedRows: saturated)
        }

        /// g = Zᵀ(s ∘ (y − p)) − D(β − μ).
        func gradient(at state: State) -> [Double] {
            var residual = [Double](repeating: 0, count: outcomes.count)
            for row in residual.indices {
                residual[row] = weights[row] * (outcomes[row] - state.probabilities[row])
            }
            var gradient = design.transposeMultiplied(by: residual)
            for k in gradient.indices {
                gradient[k] -= penaltyDiagonal[k] * (state.coefficients[k] - prior[k])
            }
            return gradient
        }

        /// H = ZᵀWZ + D with wᵢ = sᵢ pᵢ (1 − pᵢ).
        func hessian(at state: State) -> Matrix {
            let curvature = state.probabilities.indices.map { row -> Double in
                let p = state.probabilities[row]
                return weights[row] * p * (1 - p)
            }
            var hessian = design.weightedGram(curvature)
            for k in penaltyDiagonal.indices {
                hessian[k, k] += penaltyDiagonal[k]
            }
            return hessian
        }

        /// maxᵢ |zᵢ·Δ| over rows with positive weight.
        func linearPredictorChange(_ step: [Double]) -> Double {
            let change = design.multiplied(by: step)
            var largest = 0.0
            for row in change.indices where weights[row] > 0 {
                largest = max(largest, abs(change[row]))
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
