import Dispatch
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
    /// Every internal fit is listed in ``WeightFitResult/fits`` with its Newton iterations,
    /// objective evaluations and how it stopped.
    ///
    /// How the work is shared (the numbers are those of fitting every fold from scratch, to
    /// the fits' tolerance): the rows are laid out fold by fold once, so a training set is two
    /// row ranges of one matrix and no fit copies its rows; each fold's calibration of the
    /// current score is fitted once and serves as its prior slope and its "current" score;
    /// with a given strength the folds start from the fit on all outcomes; with
    /// cross-validation each fold walks the strength grid from the strongest prior down,
    /// starting each fit from the previous one, and the comparison at the chosen strength
    /// reuses those fits.
    ///
    /// - Parameters:
    ///   - utilities: accounts × factors in model order, entries in 0...1.
    ///   - outcomes: 1 won, 0 lost, one per account.
    ///   - model: The model whose factors, sides and weights are fitted.
    /// - Throws: ``WeightFitError``.
    public func fit(utilities: Matrix, outcomes: [Double], model: ScoringModel) throws(WeightFitError) -> WeightFitResult {
        // The row passes run on this fit's own workers; OpenBLAS's threads would only spin
        // beside them (see BLASThreads).
        let result = BLASThreads.withThreadCount(1) { () -> Result<WeightFitResult, WeightFitError> in
            do throws(WeightFitError) {
                return .success(try fitOnOneBLASThread(utilities: utilities, outcomes: outcomes, model: model))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// ``fit(utilities:outcomes:model:)`` with OpenBLAS held to one thread.
    func fitOnOneBLASThread(utilities: Matrix, outcomes: [Double], model: ScoringModel) throws(WeightFitError) -> WeightFitResult {
        precondition(utilities.columns == model.factors.count, "WeightFit needs one utility column per factor")
        precondition(outcomes.count == utilities.rows, "WeightFit needs one outcome per account")
        let won = outcomes.filter { $0 >= 0.5 }.count
        let lost = outcomes.count - won
        let expert = Self.expertDirection(model)
        var log = FitLog()

        // Cross-validation folds, stratified by outcome; the rows laid out fold by fold.
        let foldCount = min(folds, won, lost)
        let assignment = foldCount >= 2 ? Self.stratifiedFolds(outcomes: outcomes, count: foldCount, seed: seed) : nil
        let layout = FoldLayout(
            utilities: utilities, outcomes: outcomes, assignment: assignment, foldCount: foldCount,
            finite: !utilities.elements.contains { !$0.isFinite })
        let expertScore = Matrix(rows: layout.count, columns: 1, elements: layout.matrix.multiplied(by: expert))
        var folds = FoldState(count: layout.folds.count)

        var search = StrengthSearch(lambda: 0)
        switch strength {
        case .fixed(let value):
            search.lambda = value
        case .crossValidated:
            guard assignment != nil else { throw .tooFewOutcomes(won: won, lost: lost, needed: 2) }
            search = try crossValidatedStrength(
                layout: layout, outcomes: outcomes, expertScore: expertScore, expert: expert, state: &folds, log: &log)
        }
        let lambda = search.lambda

        // The final fit on every outcome.
        let fullCalibration =
            prior == .model
            ? calibrate(
                expertScore, rows: nil, outcomes: layout.outcomes, start: folds.calibrations.compactMap { $0 }.first,
                label: "calibration of the current score, all outcomes", log: &log)
            : nil
        folds.fullCalibration = fullCalibration
        let (priorMean, slope) = priorMean(calibration: fullCalibration, expert: expert)
        let (fitted, predictors) = try fitAllOutcomes(
            layout: layout, names: model.factors.map(\.id), lambda: lambda, priorMean: priorMean, start: search.finalStart,
            log: &log)

        // Out-of-fold comparison at the chosen λ.
        var comparison: WeightFitResult.Comparison?
        var comparisonFailure: LogisticRegressionError?
        if assignment != nil {
            do {
                let predictions = try outOfFold(
                    layout: layout, expertScore: expertScore, model: model, expert: expert, lambda: lambda,
                    fits: search.foldFits, start: (fitted, predictors), state: &folds, log: &log)
                comparison = Self.comparison(predictions, outcomes: outcomes, folds: foldCount)
            } catch {
                // A fold's smaller sample may separate (or lose rank) where the whole does not.
                if case .regression(let reason) = error { comparisonFailure = reason }
            }
        }

        let (dataShare, priorEquivalent) = Self.dataShare(
            fitted, lambda: lambda, featureCount: model.factors.count, outcomeCount: outcomes.count)
        let proposal = Self.proposedWeights(coefficients: fitted.coefficients, model: model)
        var result = WeightFitResult(
            fitted: fitted, strength: lambda, strengthWasChosen: strength == .crossValidated, strengthTable: search.table,
            prior: prior, priorMean: priorMean, priorSlope: slope,
            priorFellBack: prior == .model && (slope ?? 0) <= 0,
            expectedSigns: model.factors.map { $0.side == .value ? 1 : -1 },
            proposedWeights: proposal.weights, sidesWithoutSupport: proposal.emptySides,
            impliedDifficultyPenalty: proposal.impliedPenalty,
            comparison: comparison, comparisonFailure: comparisonFailure, outcomeCount: outcomes.count, wonCount: won, lostCount: lost,
            dataShare: dataShare, priorEquivalentOutcomes: priorEquivalent, fits: log.entries)
        result.constantFactors = Self.constantColumns(utilities)
        result.separatingFactors = Self.separatingColumns(utilities, outcomes: outcomes).filter {
            !result.constantFactors.contains($0.factor)
        }
        let currentScore = utilities.multiplied(by: expert)
        result.currentWeightsSeparate = Self.separation(score: currentScore, outcomes: outcomes) == 1
        result.currentWeightsAreaUnderROC = BinaryOutcomeMetrics.areaUnderROC(scores: currentScore, outcomes: outcomes)
        return result
    }

    /// The strength a fit uses, and what choosing it by cross-validation left to reuse.
    struct StrengthSearch {
        var lambda: Double
        /// Out-of-fold log loss and AUC per strength of the grid (cross-validation only).
        var table: [WeightFitResult.StrengthScore] = []
        /// The folds' fits at the chosen strength, reused by the comparison.
        var foldFits: [LogisticRegression.Fitted]?
        /// Where the fit on every outcome starts.
        var finalStart: LogisticRegression.Fitted?
    }

    /// Chooses λ on the grid by out-of-fold log loss: each fold walks the grid from the
    /// strongest prior down, warm-started from its previous fit. Lowest log loss wins; among
    /// equals (to 1e-9) the strongest prior.
    func crossValidatedStrength(
        layout: FoldLayout, outcomes: [Double], expertScore: Matrix, expert: [Double], state folds: inout FoldState,
        log: inout FitLog
    ) throws(WeightFitError) -> StrengthSearch {
        var scores: [Double: WeightFitResult.StrengthScore] = [:]
        var fitsByStrength: [Double: [LogisticRegression.Fitted]] = [:]
        // Each fold's last fit and its predictors: the next strength starts there.
        var previous: [(LogisticRegression.Fitted, LogisticRegression.Predictors)?] = Array(
            repeating: nil, count: layout.folds.count)
        var lastFailure: WeightFitError?
        strengths: for candidate in strengthGrid.reversed() {
            var fitted = [Double](repeating: 0, count: layout.count)
            var fits: [LogisticRegression.Fitted] = []
            for fold in layout.folds.indices {
                let fit: LogisticRegression.Fitted
                do {
                    let (fitted, predictors) = try foldFit(
                        fold, layout: layout, expertScore: expertScore, expert: expert, lambda: candidate,
                        start: previous[fold], state: &folds, log: &log)
                    fit = fitted
                    previous[fold] = (fitted, predictors)
                } catch {
                    // Under separation a weak prior may not keep a fold's fit finite: that
                    // strength loses (log loss ∞) rather than ending the search.
                    lastFailure = error
                    scores[candidate] = WeightFitResult.StrengthScore(strength: candidate, logLoss: .infinity, areaUnderROC: nil)
                    continue strengths
                }
                fits.append(fit)
                layout.predict(fit, fold: fold, into: &fitted)
            }
            fitsByStrength[candidate] = fits
            let original = layout.originalOrder(fitted)
            scores[candidate] = WeightFitResult.StrengthScore(
                strength: candidate,
                logLoss: BinaryOutcomeMetrics.logLoss(probabilities: original, outcomes: outcomes) ?? .infinity,
                areaUnderROC: BinaryOutcomeMetrics.areaUnderROC(scores: original, outcomes: outcomes))
        }
        let table = strengthGrid.compactMap { scores[$0] }
        if let lastFailure, table.allSatisfy({ !$0.logLoss.isFinite }) { throw lastFailure }
        let best = table.min { ($0.logLoss, -$0.strength) < ($1.logLoss - 1e-9, -$1.strength) } ?? table[0]
        let foldFits = fitsByStrength[best.strength]
        return StrengthSearch(lambda: best.strength, table: table, foldFits: foldFits, finalStart: foldFits?.first)
    }

    /// The penalized fit on every outcome at strength `lambda`.
    func fitAllOutcomes(
        layout: FoldLayout, names: [String], lambda: Double, priorMean: [Double], start: LogisticRegression.Fitted?,
        log: inout FitLog
    ) throws(WeightFitError) -> (LogisticRegression.Fitted, LogisticRegression.Predictors) {
        do {
            let regression = try LogisticRegression(penalty: lambda, priorMean: priorMean)
            return try log.run("fit, all outcomes, strength \(lambda)", rows: layout.count) {
                () throws(LogisticRegressionError) in
                try regression.fitRows(
                    layout.matrix, rows: nil, outcomes: layout.outcomes, featureNames: names, start: start,
                    featuresChecked: layout.finite)
            }
        } catch {
            throw .regression(error)
        }
    }

    /// Out-of-fold log loss and AUC of the fitted, current and proposed weights, and the base
    /// rate's log loss beside them.
    static func comparison(
        _ predictions: (fitted: [Double], current: [Double], proposed: [Double]), outcomes: [Double], folds: Int
    ) -> WeightFitResult.Comparison {
        func metrics(_ p: [Double]) -> WeightFitResult.Metrics {
            WeightFitResult.Metrics(
                logLoss: BinaryOutcomeMetrics.logLoss(probabilities: p, outcomes: outcomes) ?? .infinity,
                areaUnderROC: BinaryOutcomeMetrics.areaUnderROC(scores: p, outcomes: outcomes))
        }
        let won = outcomes.filter { $0 >= 0.5 }.count
        let baseRate = Double(won) / Double(max(outcomes.count, 1))
        return WeightFitResult.Comparison(
            folds: folds, fitted: metrics(predictions.fitted), current: metrics(predictions.current),
            proposed: metrics(predictions.proposed),
            baseRateLogLoss: BinaryOutcomeMetrics.logLoss(
                probabilities: Array(repeating: baseRate, count: outcomes.count), outcomes: outcomes) ?? .infinity)
    }

    /// How much of the fit the data determined: 1 − tr(λ Σ)/k over the k factors (Σ the
    /// coefficients' covariance), and the number of outcomes the prior is worth.
    static func dataShare(
        _ fitted: LogisticRegression.Fitted, lambda: Double, featureCount: Int, outcomeCount: Int
    ) -> (share: Double, priorEquivalent: Double) {
        var priorTrace = 0.0
        let offset = fitted.intercept == nil ? 0 : 1
        for j in 0..<featureCount { priorTrace += lambda * fitted.covariance[j + offset, j + offset] }
        let share = featureCount > 0 ? max(0, min(1, 1 - priorTrace / Double(featureCount))) : 1
        return (share, share > 0 ? Double(outcomeCount) * (1 - share) / share : .infinity)
    }

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

    /// The prior mean b·e (or zeros) and b, from a calibration of the expert score.
    func priorMean(calibration: LogisticRegression.Fitted?, expert: [Double]) -> ([Double], Double?) {
        let zeros = [Double](repeating: 0, count: expert.count)
        guard prior == .model, let calibration else { return (zeros, nil) }
        let slope = calibration.coefficients[0]
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

    /// ``calibrate(score:outcomes:)`` on the rows `rows` of a one-column score matrix, warm
    /// started, and logged.
    func calibrate(
        _ score: Matrix, rows: [Range<Int>]?, outcomes: [Double], start: LogisticRegression.Fitted?, label: String,
        log: inout FitLog
    ) -> LogisticRegression.Fitted? {
        guard let regression = try? LogisticRegression(penalty: 1e-6) else { return nil }
        let count = rows.map { $0.reduce(0) { $0 + $1.count } } ?? score.rows
        return try? log.run(label, rows: count) { () throws(LogisticRegressionError) in
            try regression.fitRows(score, rows: rows, outcomes: outcomes, start: start, covarianceAtFinalStep: false)
        }.0
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

    /// The fit of one fold's training rows at strength `lambda`, shrunk toward the prior its
    /// own calibration gives, and its predictors. `start`'s predictors are on the fold's
    /// training rows.
    func foldFit(
        _ fold: Int, layout: FoldLayout, expertScore: Matrix, expert: [Double], lambda: Double,
        start: (LogisticRegression.Fitted, LogisticRegression.Predictors)?, state: inout FoldState, log: inout FitLog
    ) throws(WeightFitError) -> (LogisticRegression.Fitted, LogisticRegression.Predictors) {
        let training = layout.training(fold)
        let calibration = foldCalibration(fold, layout: layout, expertScore: expertScore, state: &state, log: &log)
        let (mean, _) = priorMean(calibration: calibration, expert: expert)
        do {
            let regression = try LogisticRegression(penalty: lambda, priorMean: mean)
            return try log.run("fit, fold \(fold + 1) training rows, strength \(lambda)", rows: layout.count - layout.folds[fold].count) {
                () throws(LogisticRegressionError) in
                try regression.fitRows(
                    layout.matrix, rows: training, outcomes: layout.outcomes, start: start?.0, startPredictors: start?.1,
                    featuresChecked: layout.finite, covarianceAtFinalStep: false)
            }
        } catch {
            throw .regression(error)
        }
    }

    /// The calibration of the current weights' score on a fold's training rows (fitted once:
    /// it gives the fold's prior slope and its "current" probabilities).
    func foldCalibration(
        _ fold: Int, layout: FoldLayout, expertScore: Matrix, state: inout FoldState, log: inout FitLog
    ) -> LogisticRegression.Fitted? {
        if state.calibrated[fold] { return state.calibrations[fold] }
        let calibration = calibrate(
            expertScore, rows: layout.training(fold), outcomes: layout.outcomes,
            start: state.calibrations.compactMap { $0 }.first ?? state.fullCalibration,
            label: "calibration of the current score, fold \(fold + 1) training rows", log: &log)
        state.calibrated[fold] = true
        state.calibrations[fold] = calibration
        return calibration
    }

    /// Out-of-fold probabilities of the fitted model, of the current weights (calibrated
    /// on the training folds) and of the proposed weights (derived and calibrated on the
    /// training folds), in the original row order. `fits` are the folds' fits at `lambda`
    /// when already made; otherwise each fold is fitted starting from `start`.
    func outOfFold(
        layout: FoldLayout, expertScore: Matrix, model: ScoringModel, expert: [Double], lambda: Double,
        fits: [LogisticRegression.Fitted]?, start: (LogisticRegression.Fitted, LogisticRegression.Predictors),
        state: inout FoldState, log: inout FitLog
    ) throws(WeightFitError) -> (fitted: [Double], current: [Double], proposed: [Double]) {
        let n = layout.count
        var fittedP = [Double](repeating: 0, count: n)
        var currentP = [Double](repeating: 0, count: n)
        var proposedP = [Double](repeating: 0, count: n)
        let ranking = model.grading.ranking
        let penalty = ranking.key == .priority ? ranking.difficultyPenalty : 1
        var previousProposed: LogisticRegression.Fitted?
        for fold in layout.folds.indices {
            let fitted: LogisticRegression.Fitted
            if let fits {
                fitted = fits[fold]
            } else {
                // From the fit on every row, at its predictors on this fold's training rows.
                fitted = try foldFit(
                    fold, layout: layout, expertScore: expertScore, expert: expert, lambda: lambda,
                    start: (start.0, start.1.positions(layout.training(fold))), state: &state, log: &log
                ).0
            }
            layout.predict(fitted, fold: fold, into: &fittedP)
            let test = layout.folds[fold]
            let training = layout.training(fold)
            // The current weights as a score, calibrated on the training rows.
            let currentCalibration = foldCalibration(fold, layout: layout, expertScore: expertScore, state: &state, log: &log)
            // The proposed weights as a score, in the same priority form as the model.
            let proposal = Self.proposedWeights(coefficients: fitted.coefficients, model: model)
            let direction = model.factors.indices.map { index in
                model.factors[index].side == .value ? 100 * proposal.weights[index] : -100 * penalty * proposal.weights[index]
            }
            let proposedScore = Matrix(rows: n, columns: 1, elements: layout.matrix.multiplied(by: direction))
            // Started from the previous fold's (the folds' proposed weights are alike).
            let proposedCalibration = calibrate(
                proposedScore, rows: training, outcomes: layout.outcomes, start: previousProposed,
                label: "calibration of the proposed score, fold \(fold + 1) training rows", log: &log)
            previousProposed = proposedCalibration ?? previousProposed
            var won = 0
            for range in training { for row in range where layout.outcomes[row] >= 0.5 { won += 1 } }
            let base = Double(won) / Double(max(n - test.count, 1))
            // Under separation the plain calibration fails: a stabilized one on the training
            // rows rather than the base rate (which would score the weights at AUC 0.5).
            func stabilized(_ score: Matrix) -> (intercept: Double, slope: Double)? {
                var values: [Double] = []
                var wins: [Double] = []
                for range in training {
                    for row in range {
                        values.append(score[row, 0])
                        wins.append(layout.outcomes[row])
                    }
                }
                return Self.calibrateAllowingSeparation(score: values, outcomes: wins)
            }
            let current = currentCalibration.map { (intercept: $0.intercept ?? 0, slope: $0.coefficients[0]) } ?? stabilized(expertScore)
            let proposed =
                proposedCalibration.map { (intercept: $0.intercept ?? 0, slope: $0.coefficients[0]) } ?? stabilized(proposedScore)
            for row in test {
                currentP[row] = current.map { LogisticRegression.logistic($0.intercept + $0.slope * expertScore[row, 0]) } ?? base
                proposedP[row] = proposed.map { LogisticRegression.logistic($0.intercept + $0.slope * proposedScore[row, 0]) } ?? base
            }
        }
        return (layout.originalOrder(fittedP), layout.originalOrder(currentP), layout.originalOrder(proposedP))
    }

    /// The given rows of a matrix, in order.
    public static func rows(_ matrix: Matrix, _ indices: [Int]) -> Matrix {
        var elements: [Double] = []
        elements.reserveCapacity(indices.count * matrix.columns)
        for row in indices { elements.append(contentsOf: matrix.row(row)) }
        return Matrix(rows: indices.count, columns: matrix.columns, elements: elements)
    }
}

// MARK: - Fold layout and the log of internal fits

extension WeightFit {
    /// The rows laid out fold by fold (stable within a fold), so that a fold is one range of
    /// positions and its training set two.
    struct FoldLayout {
        /// The utilities, fold by fold (the caller's matrix itself without folds).
        let matrix: Matrix
        let outcomes: [Double]
        /// `order[position]` is the caller's row; `nil` when positions are rows.
        let order: [Int]?
        /// Each fold's positions.
        let folds: [Range<Int>]
        /// Whether every utility is finite (checked once, not by every fit).
        let finite: Bool
        var count: Int { outcomes.count }

        init(utilities: Matrix, outcomes: [Double], assignment: [Int]?, foldCount: Int, finite: Bool = false) {
            self.finite = finite
            guard let assignment else {
                matrix = utilities
                self.outcomes = outcomes
                order = nil
                folds = []
                return
            }
            var sizes = [Int](repeating: 0, count: foldCount)
            for fold in assignment { sizes[fold] += 1 }
            var starts = [Int](repeating: 0, count: foldCount + 1)
            for fold in 0..<foldCount { starts[fold + 1] = starts[fold] + sizes[fold] }
            var next = Array(starts.dropLast())
            var order = [Int](repeating: 0, count: outcomes.count)
            for (row, fold) in assignment.enumerated() {
                order[next[fold]] = row
                next[fold] += 1
            }
            let columns = utilities.columns
            let source = utilities.elements
            let permuted = order.map { outcomes[$0] }
            // The rows gathered in two halves of the positions side by side, the second
            // appended to the first (which holds room for both).
            let count = outcomes.count
            let halves = count >= 100_000 ? [0..<(count / 2), (count / 2)..<count] : [0..<count]
            let positions = order
            var parts = parallelMap(halves.count) { half -> [Double] in
                var part: [Double] = []
                part.reserveCapacity((half == 0 ? count : halves[half].count) * columns)
                for position in halves[half] {
                    let row = positions[position]
                    part.append(contentsOf: source[(row * columns)..<((row + 1) * columns)])
                }
                return part
            }
            var elements = parts.removeFirst()  // moved out: appended to in place
            for part in parts { elements.append(contentsOf: part) }
            matrix = Matrix(rows: count, columns: columns, elements: elements)
            self.outcomes = permuted
            self.order = order
            folds = (0..<foldCount).map { starts[$0]..<starts[$0 + 1] }
        }

        /// The training positions of `fold`: every other fold.
        func training(_ fold: Int) -> [Range<Int>] {
            [0..<folds[fold].lowerBound, folds[fold].upperBound..<count].filter { !$0.isEmpty }
        }

        /// Writes the fit's probabilities for the positions of `fold` into `probabilities`.
        func predict(_ fit: LogisticRegression.Fitted, fold: Int, into probabilities: inout [Double]) {
            let design = DesignRows(matrix, rows: [folds[fold]], leadingOnes: true)
            let eta = design.multiplied(by: [fit.intercept ?? 0] + fit.coefficients, workers: LogisticRegression.defaultWorkers)
            for (offset, position) in folds[fold].enumerated() {
                probabilities[position] = LogisticRegression.logistic(eta[offset])
            }
        }

        /// Values by position put back in the caller's row order.
        func originalOrder(_ values: [Double]) -> [Double] {
            guard let order else { return values }
            var result = [Double](repeating: 0, count: values.count)
            for (position, row) in order.enumerated() { result[row] = values[position] }
            return result
        }
    }

    /// Per fold, the calibration of the current score on its training rows, once computed.
    struct FoldState {
        var calibrated: [Bool]
        var calibrations: [LogisticRegression.Fitted?]
        /// The calibration on every outcome, once made: where a fold's calibration starts
        /// when no other fold's is there yet.
        var fullCalibration: LogisticRegression.Fitted?
        init(count: Int) {
            calibrated = Array(repeating: false, count: count)
            calibrations = Array(repeating: nil, count: count)
        }
    }

    /// The internal fits of one ``WeightFit/fit(utilities:outcomes:model:)``, in order.
    struct FitLog {
        var entries: [WeightFitResult.InternalFit] = []

        mutating func run(
            _ label: String, rows: Int,
            _ body: () throws(LogisticRegressionError) -> (LogisticRegression.Fitted, LogisticRegression.Predictors)
        ) throws(LogisticRegressionError) -> (LogisticRegression.Fitted, LogisticRegression.Predictors) {
            let start = DispatchTime.now().uptimeNanoseconds
            let (fit, predictors) = try body()
            entries.append(
                WeightFitResult.InternalFit(
                    label: label, rows: rows, iterations: fit.iterations, objectiveEvaluations: fit.objectiveEvaluations,
                    stopReason: fit.stopReason, seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9))
            return (fit, predictors)
        }
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
    /// Every logistic regression run inside the fit, in order: calibrations, fold fits
    /// (each strength tried) and the final fit.
    public let fits: [InternalFit]

    /// One logistic regression run inside the fit.
    public struct InternalFit: Sendable, Equatable {
        /// What was fitted, e.g. "fit, fold 2 training rows, strength 1".
        public let label: String
        /// Rows fitted.
        public let rows: Int
        /// Newton iterations.
        public let iterations: Int
        /// Objective evaluations, line searches included.
        public let objectiveEvaluations: Int
        /// How it stopped.
        public let stopReason: LogisticRegression.StopReason
        /// Wall time.
        public let seconds: Double

        /// Whether it stopped without converging (iteration cap or failed line search).
        public var stoppedEarly: Bool { stopReason == .iterationLimit || stopReason == .lineSearchFailed }
    }

    /// The internal fits that stopped without converging.
    public var unconvergedFits: [InternalFit] { fits.filter(\.stoppedEarly) }

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
