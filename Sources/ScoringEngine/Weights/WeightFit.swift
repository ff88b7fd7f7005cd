import Foundation
import LinearAlgebra

/// Fits factor weights to past won/lost outcomes: an L2-regularized logistic regression of
/// the outcome on the model's factor utilities, optionally shrunk toward the model's own
/// weights, with k-fold cross-validation.
///
/// ## The model
///
/// P(won) = σ(β₀ + Σⱼ βⱼ uⱼ) with `uⱼ` the factor utilities (0...1, as scored). A value
/// factor should have βⱼ > 0 and a difficulty factor βⱼ < 0; `sⱼ = +1` / `−1` is that
/// expected sign.
///
/// ## The prior (`Prior.model`)
///
/// The current model ranks by priority = value − p · difficulty (p the ranking policy's
/// difficulty penalty; 1 for the other keys), i.e. by the linear score
/// `Σⱼ eⱼ uⱼ` with `eⱼ = 100 wⱼ` for value and `−100 p wⱼ` for difficulty factors. A
/// one-variable logistic regression of the outcomes on that score gives its log-odds
/// slope `b`, and the prior mean is `μ = b e`: the expert weights on the log-odds scale the
/// data supports. The fit then maximizes the log-likelihood − ½ λ ‖β − μ‖², so with few
/// outcomes β stays near the expert weights and with many the data decides. If `b ≤ 0`
/// (the current weights do not rank won above lost at all) the prior falls back to 0 and
/// ``WeightFitResult/priorFellBack`` says so. `Prior.none` is plain ridge (μ = 0).
///
/// ## The strength λ
///
/// Given, or chosen by stratified k-fold cross-validation over ``strengthGrid`` as the value
/// with the lowest out-of-fold log loss (ties go to the stronger prior). Every step that
/// learns from outcomes — the prior's slope `b`, the fit, the proposed weights and the
/// calibration of the current weights' score — is redone inside each fold, so the
/// out-of-fold figures are honest, except that λ itself was picked on the same folds.
///
/// ## Proposed weights
///
/// `max(sⱼ βⱼ, 0)` normalized per side: a factor whose coefficient has the wrong sign is
/// *contradicted* by the data and gets weight 0 (the report says how strongly, by its Wald
/// p-value). The ratio Σ_difficulty max(−βⱼ, 0) / Σ_value max(βⱼ, 0) is the difficulty
/// penalty the data implies.
public struct WeightFit: Sendable {
    /// What the coefficients are shrunk toward.
    public enum Prior: String, Sendable, CaseIterable {
        /// The current model's weights, scaled to log-odds.
        case model
        /// Zero (ridge regression).
        case none
    }

    /// How λ is chosen.
    public enum Strength: Sendable, Equatable {
        case fixed(Double)
        case crossValidated
    }

    public let prior: Prior
    public let strength: Strength
    /// Folds for cross-validation (≥ 2); reduced to the smaller class's count when needed.
    public let folds: Int
    /// Seed of the fold assignment.
    public let seed: UInt64
    /// λ values tried by cross-validation.
    public let strengthGrid: [Double]

    /// The default grid: 0.01 to 1000 in half-decades.
    public static let defaultGrid: [Double] = [0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30, 100, 300, 1000]

    public init(
        prior: Prior = .model, strength: Strength = .crossValidated, folds: Int = 5, seed: UInt64 = 1,
        strengthGrid: [Double] = WeightFit.defaultGrid
    ) throws(WeightFitError) {
        if case .fixed(let lambda) = strength, !(lambda.isFinite && lambda >= 0) {
            throw .invalidSetting(name: "prior strength", value: "\(lambda)", allowed: "a finite number of at least 0")
        }
        guard folds >= 2 else { throw .invalidSetting(name: "number of folds", value: "\(folds)", allowed: "at least 2") }
        guard !strengthGrid.isEmpty, strengthGrid.allSatisfy({ $0.isFinite && $0 > 0 }) else {
            throw .invalidSetting(name: "strength grid", value: "\(strengthGrid)", allowed: "positive finite numbers")
        }
        self.prior = prior
        self.strength = strength
        self.folds = folds
        self.seed = seed
        self.strengthGrid = strengthGrid.sorted()
    }

    /// Fits the model's factors to outcomes.
    ///
    /// - Parameters:
    ///   - utilities: accounts × factors in model order, entries in 0...1.
    ///   - outcomes: 1 won, 0 lost, one per account.
    ///   - model: The model whose factors, sides and weights are fitted.
    /// - Throws: ``WeightFitError``.
    public func fit(utilities: Matrix, outcomes: [Double], model: ScoringModel) throws(WeightFitError) -> WeightFitResult {
        precondition(utilities.columns == model.factors.count, "WeightFit needs one utility column per factor")
        precondition(outcomes.count == utilities.rows, "WeightFit needs one outcome per account")
        let won = outcomes.filter { $0 >= 0.5 }.count
        let lost = outcomes.count - won
        let names = model.factors.map(\.id)
        let expert = Self.expertDirection(model)

        // Cross-validation folds, stratified by outcome.
        let foldCount = min(folds, won, lost)
        var assignment: [Int]?
        if foldCount >= 2 {
            assignment = Self.stratifiedFolds(outcomes: outcomes, count: foldCount, seed: seed)
        }

        var table: [WeightFitResult.StrengthScore] = []
        let lambda: Double
        switch strength {
        case .fixed(let value):
            lambda = value
        case .crossValidated:
            guard let assignment else { throw .tooFewOutcomes(won: won, lost: lost, needed: 2) }
            var lastFailure: WeightFitError?
            for candidate in strengthGrid {
                // Under separation a weak prior may not keep a fold's fit finite: that
                // strength loses (log loss ∞) rather than ending the search.
                let predictions: (fitted: [Double], current: [Double], proposed: [Double])
                do {
                    predictions = try outOfFold(
                        utilities: utilities, outcomes: outcomes, model: model, expert: expert, lambda: candidate,
                        assignment: assignment, foldCount: foldCount)
                } catch {
                    lastFailure = error
                    table.append(WeightFitResult.StrengthScore(strength: candidate, logLoss: .infinity, areaUnderROC: nil))
                    continue
                }
                table.append(
                    WeightFitResult.StrengthScore(
                        strength: candidate,
                        logLoss: BinaryOutcomeMetrics.logLoss(probabilities: predictions.fitted, outcomes: outcomes) ?? .infinity,
                        areaUnderROC: BinaryOutcomeMetrics.areaUnderROC(scores: predictions.fitted, outcomes: outcomes)))
            }
            if let lastFailure, table.allSatisfy({ !$0.logLoss.isFinite }) { throw lastFailure }
            // Lowest log loss; among equals (to 1e-9) the strongest prior.
            let best = table.min { ($0.logLoss, -$0.strength) < ($1.logLoss - 1e-9, -$1.strength) } ?? table[0]
            lambda = best.strength
        }

        // The final fit on every outcome.
        let (priorMean, slope) = try priorMean(utilities: utilities, outcomes: outcomes, expert: expert)
        let regression: LogisticRegression
        do {
            regression = try LogisticRegression(penalty: lambda, priorMean: priorMean)
        } catch {
            throw .regression(error)
        }
        let fitted: LogisticRegression.Fitted
        do {
            fitted = try regression.fit(utilities, outcomes: outcomes, featureNames: names)
        } catch {
            throw .regression(error)
        }

        // Out-of-fold comparison at the chosen λ.
        var comparison: WeightFitResult.Comparison?
        var comparisonFailure: LogisticRegressionError?
        if let assignment {
            let predictions: (fitted: [Double], current: [Double], proposed: [Double])
            do {
                predictions = try outOfFold(
                    utilities: utilities, outcomes: outcomes, model: model, expert: expert, lambda: lambda,
                    assignment: assignment, foldCount: foldCount)
            } catch {
                // A fold's smaller sample may separate (or lose rank) where the whole does not.
                if case .regression(let reason) = error { comparisonFailure = reason }
                predictions = ([], [], [])
            }
            func metrics(_ p: [Double]) -> WeightFitResult.Metrics {
                WeightFitResult.Metrics(
                    logLoss: BinaryOutcomeMetrics.logLoss(probabilities: p, outcomes: outcomes) ?? .infinity,
                    areaUnderROC: BinaryOutcomeMetrics.areaUnderROC(scores: p, outcomes: outcomes))
            }
            let baseRate = Double(won) / Double(max(outcomes.count, 1))
            if comparisonFailure == nil {
            comparison = WeightFitResult.Comparison(
                folds: foldCount, fitted: metrics(predictions.fitted), current: metrics(predictions.current),
                proposed: metrics(predictions.proposed),
                baseRateLogLoss: BinaryOutcomeMetrics.logLoss(
                    probabilities: Array(repeating: baseRate, count: outcomes.count), outcomes: outcomes) ?? .infinity)
            }
        }

        // How much of the fit the data determined.
        let featureCount = model.factors.count
        var priorTrace = 0.0
        let offset = fitted.intercept == nil ? 0 : 1
        for j in 0..<featureCount { priorTrace += lambda * fitted.covariance[j + offset, j + offset] }
        let dataShare = featureCount > 0 ? max(0, min(1, 1 - priorTrace / Double(featureCount))) : 1
        let priorEquivalent = dataShare > 0 ? Double(outcomes.count) * (1 - dataShare) / dataShare : .infinity

        let proposal = Self.proposedWeights(coefficients: fitted.coefficients, model: model)
        var result = WeightFitResult(
            fitted: fitted, strength: lambda, strengthWasChosen: strength == .crossValidated, strengthTable: table,
            prior: prior, priorMean: priorMean, priorSlope: slope,
            priorFellBack: prior == .model && (slope ?? 0) <= 0,
            expectedSigns: model.factors.map { $0.side == .value ? 1 : -1 },
            proposedWeights: proposal.weights, sidesWithoutSupport: proposal.emptySides,
            impliedDifficultyPenalty: proposal.impliedPenalty,
            comparison: comparison, comparisonFailure: comparisonFailure, outcomeCount: outcomes.count, wonCount: won, lostCount: lost,
            dataShare: dataShare, priorEquivalentOutcomes: priorEquivalent)
        result.constantFactors = Self.constantColumns(utilities)
        result.separatingFactors = Self.separatingColumns(utilities, outcomes: outcomes).filter {
            !result.constantFactors.contains($0.factor)
        }
        let currentScore = utilities.multiplied(by: expert)
        result.currentWeightsSeparate = Self.separation(score: currentScore, outcomes: outcomes) == 1
        result.currentWeightsAreaUnderROC = BinaryOutcomeMetrics.areaUnderROC(scores: currentScore, outcomes: outcomes)
        return result
    }

    // MARK: - Pieces

    /// eⱼ: 100 wⱼ for value factors, −100 p wⱼ for difficulty factors.
    static func expertDirection(_ model: ScoringModel) -> [Double] {
        let ranking = model.grading.ranking
        let penalty = ranking.key == .priority ? ranking.difficultyPenalty : 1
        return model.factors.map { $0.side == .value ? 100 * $0.weight : -100 * penalty * $0.weight }
    }

    /// The prior mean b·e (or zeros) and the calibration slope b of the expert score.
    func priorMean(utilities: Matrix, outcomes: [Double], expert: [Double]) throws(WeightFitError) -> ([Double], Double?) {
        let zeros = [Double](repeating: 0, count: expert.count)
        guard prior == .model else { return (zeros, nil) }
        let score = utilities.multiplied(by: expert)
        // Separation: the slope is infinite; no finite prior follows from it.
        guard Self.separation(score: score, outcomes: outcomes) == nil else { return (zeros, nil) }
        guard let calibration = Self.calibrateAllowingSeparation(score: score, outcomes: outcomes) else { return (zeros, nil) }
        let slope = calibration.slope
        return (slope > 0 ? expert.map { $0 * slope } : zeros, slope)
    }

    /// A one-variable logistic regression of outcomes on a score: P(won) = σ(a + b·score).
    /// A tiny ridge (λ = 1e-6 on the slope) keeps it finite when the score separates the
    /// outcomes. `nil` when the outcomes are all of one kind.
    static func calibrate(score: [Double], outcomes: [Double]) -> (intercept: Double, slope: Double)? {
        let column = Matrix(rows: score.count, columns: 1, elements: score)
        guard let regression = try? LogisticRegression(penalty: 1e-6),
            let fitted = try? regression.fit(column, outcomes: outcomes)
        else { return nil }
        return (fitted.intercept ?? 0, fitted.coefficients[0])
    }

    /// Proposed weights: max(sⱼ βⱼ, 0) normalized per side; a side with no supported factor
    /// keeps the model's weights and is listed.
    static func proposedWeights(coefficients: [Double], model: ScoringModel)
        -> (weights: [Double], emptySides: [Factor.Side], impliedPenalty: Double?)
    {
        var weights = model.factors.indices.map { index -> Double in
            let sign: Double = model.factors[index].side == .value ? 1 : -1
            return max(sign * coefficients[index], 0)
        }
        var empty: [Factor.Side] = []
        var totals: [Factor.Side: Double] = [:]
        for (index, factor) in model.factors.enumerated() { totals[factor.side, default: 0] += weights[index] }
        for (index, factor) in model.factors.enumerated() {
            let total = totals[factor.side, default: 0]
            weights[index] = total > 0 ? weights[index] / total : factor.weight
        }
        for side in Factor.Side.allCases where totals[side, default: 0] <= 0 { empty.append(side) }
        let value = totals[.value, default: 0]
        let implied = value > 0 ? totals[.difficulty, default: 0] / value : nil
        return (weights, empty, implied)
    }

    /// Assigns each row to one of `count` folds: rows of each outcome are shuffled with
    /// the seed and dealt round-robin, so every fold gets its share of won and lost.
    public static func stratifiedFolds(outcomes: [Double], count: Int, seed: UInt64) -> [Int] {
        var random = SeededRandom(seed: seed)
        var assignment = [Int](repeating: 0, count: outcomes.count)
        for wanted in [true, false] {
            var rows = outcomes.indices.filter { (outcomes[$0] >= 0.5) == wanted }
            // Shuffled with the project's generator, so folds are the same everywhere.
            random.shuffle(&rows)
            for (position, row) in rows.enumerated() { assignment[row] = position % count }
        }
        return assignment
    }

    /// Out-of-fold probabilities of the fitted model, of the current weights (calibrated
    /// on the training folds) and of the proposed weights (derived and calibrated on the
    /// training folds).
    func outOfFold(
        utilities: Matrix, outcomes: [Double], model: ScoringModel, expert: [Double], lambda: Double,
        assignment: [Int], foldCount: Int
    ) throws(WeightFitError) -> (fitted: [Double], current: [Double], proposed: [Double]) {
        let n = outcomes.count
        var fittedP = [Double](repeating: 0, count: n)
        var currentP = [Double](repeating: 0, count: n)
        var proposedP = [Double](repeating: 0, count: n)
        for fold in 0..<foldCount {
            let train = (0..<n).filter { assignment[$0] != fold }
            let test = (0..<n).filter { assignment[$0] == fold }
            let trainX = Self.rows(utilities, train)
            let testX = Self.rows(utilities, test)
            let trainY = train.map { outcomes[$0] }
            let (mean, _) = try priorMean(utilities: trainX, outcomes: trainY, expert: expert)
            let fitted: LogisticRegression.Fitted
            do {
                fitted = try LogisticRegression(penalty: lambda, priorMean: mean).fit(trainX, outcomes: trainY)
            } catch {
                throw .regression(error)
            }
            let p = fitted.predict(testX)
            // The current weights as a score, calibrated on the training rows.
            let currentScore = testX.multiplied(by: expert)
            let currentCalibration = Self.calibrateAllowingSeparation(score: trainX.multiplied(by: expert), outcomes: trainY)
            // The proposed weights as a score, in the same priority form as the model.
            let proposal = Self.proposedWeights(coefficients: fitted.coefficients, model: model)
            let ranking = model.grading.ranking
            let penalty = ranking.key == .priority ? ranking.difficultyPenalty : 1
            let direction = model.factors.indices.map { index in
                model.factors[index].side == .value ? 100 * proposal.weights[index] : -100 * penalty * proposal.weights[index]
            }
            let proposedCalibration = Self.calibrateAllowingSeparation(score: trainX.multiplied(by: direction), outcomes: trainY)
            let proposedScore = testX.multiplied(by: direction)
            let base = Double(trainY.filter { $0 >= 0.5 }.count) / Double(max(trainY.count, 1))
            for (position, row) in test.enumerated() {
                fittedP[row] = p[position]
                currentP[row] = currentCalibration.map { LogisticRegression.logistic($0.intercept + $0.slope * currentScore[position]) } ?? base
                proposedP[row] = proposedCalibration.map { LogisticRegression.logistic($0.intercept + $0.slope * proposedScore[position]) } ?? base
            }
        }
        return (fittedP, currentP, proposedP)
    }

    /// The given rows of a matrix, in order.
    public static func rows(_ matrix: Matrix, _ indices: [Int]) -> Matrix {
        var elements: [Double] = []
        elements.reserveCapacity(indices.count * matrix.columns)
        for row in indices { elements.append(contentsOf: matrix.row(row)) }
        return Matrix(rows: indices.count, columns: matrix.columns, elements: elements)
    }
}

/// What ``WeightFit/fit(utilities:outcomes:model:)`` found.
public struct WeightFitResult: Sendable {
    /// The logistic regression on all outcomes (coefficients in model factor order).
    public let fitted: LogisticRegression.Fitted
    /// λ used for the final fit.
    public let strength: Double
    /// Whether λ was chosen by cross-validation.
    public let strengthWasChosen: Bool
    /// Cross-validated scores of every λ tried (empty when λ was given).
    public let strengthTable: [StrengthScore]
    public let prior: WeightFit.Prior
    /// μ, the coefficients the fit was shrunk toward.
    public let priorMean: [Double]
    /// b, the log-odds slope of the current model's score on all outcomes (`nil` without a
    /// model prior or when it could not be fitted).
    public let priorSlope: Double?
    /// Whether a model prior was asked for but b ≤ 0 made it fall back to zero.
    public let priorFellBack: Bool
    /// +1 for value factors, −1 for difficulty factors.
    public let expectedSigns: [Double]
    /// Proposed weights in model order, normalized per side.
    public let proposedWeights: [Double]
    /// Sides where no factor had the expected sign (their weights stay as in the model).
    public let sidesWithoutSupport: [Factor.Side]
    /// Σ_difficulty max(−β, 0) / Σ_value max(β, 0): the difficulty penalty the data implies.
    public let impliedDifficultyPenalty: Double?
    /// Out-of-fold metrics (nil when there are too few outcomes for two folds, or when a
    /// fold could not be fitted: see ``comparisonFailure``).
    public let comparison: Comparison?
    /// Why the out-of-fold comparison failed (a training fold separated or lost rank at the
    /// given strength), if it did.
    public let comparisonFailure: LogisticRegressionError?
    public let outcomeCount: Int
    public let wonCount: Int
    public let lostCount: Int
    /// The share (0...1) of the coefficients' precision that came from the data:
    /// 1 − λ tr(H⁻¹)/F over the factor coefficients. 1 without a penalty.
    public let dataShare: Double
    /// How many outcomes the prior is worth: n (1 − share) / share.
    public let priorEquivalentOutcomes: Double
    /// Factors whose utility is the same in every outcome row: no information, no verdict.
    public internal(set) var constantFactors: [Int] = []
    /// Factors whose utility alone separates won from lost (direction +1: won higher): their
    /// coefficient is bounded only by the prior strength.
    public internal(set) var separatingFactors: [(factor: Int, direction: Int)] = []
    /// Whether the current weights' score ranks every won account above every lost one
    /// (in-sample AUC 1): its log-odds slope is infinite, so a model prior falls back to 0.
    public internal(set) var currentWeightsSeparate = false
    /// In-sample AUC of the current weights' score.
    public internal(set) var currentWeightsAreaUnderROC: Double?

    /// Factors whose coefficient has the wrong sign for their side (constant factors, which
    /// the data cannot judge, excluded).
    public var contradictedFactors: [Int] {
        fitted.coefficients.indices.filter {
            expectedSigns[$0] * fitted.coefficients[$0] < 0 && !constantFactors.contains($0)
        }
    }

    /// The effective number of outcomes: the smaller of won and lost (the information in
    /// binary outcomes is limited by the rarer kind).
    public var effectiveOutcomes: Int { min(wonCount, lostCount) }

    public struct StrengthScore: Sendable, Equatable {
        public let strength: Double
        public let logLoss: Double
        public let areaUnderROC: Double?
    }

    public struct Metrics: Sendable, Equatable {
        /// Mean out-of-fold log loss in nats.
        public let logLoss: Double
        /// Out-of-fold AUC.
        public let areaUnderROC: Double?
    }

    public struct Comparison: Sendable, Equatable {
        public let folds: Int
        /// The fitted logistic model.
        public let fitted: Metrics
        /// The current model's weights as a score (calibrated per fold).
        public let current: Metrics
        /// The proposed weights as a score (derived and calibrated per fold).
        public let proposed: Metrics
        /// Log loss of always predicting the base rate (the floor any score should beat).
        public let baseRateLogLoss: Double
    }
}
