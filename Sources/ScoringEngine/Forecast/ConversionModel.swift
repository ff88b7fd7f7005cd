import Foundation

/// The account-level conversion model: the stage's chance of winning, shifted on the
/// log-odds scale by the account's value and difficulty scores.
///
///     logit P(won | stage s, scores) = logit πₛ + β₀ + β_v · (value − 50)/10 + β_d · (difficulty − 50)/10
///
/// where πₛ is the probability of ending won from stage `s` (``AbsorbingChain``), the
/// **offset**, and `value`, `difficulty` are the 0…100 scores of the scoring model named in
/// ``scoringModel``. Centring at 50 and dividing by 10 make β₀ the shift of a middling
/// account and β_v, β_d the change in log-odds per 10 score points.
///
/// The timing of a win is the stage's: given that the account is won, its closing period
/// has the stage's distribution, so P(won by period t) = p · F_won(t)/πₛ.
///
/// Fitted by ``ConversionFitter`` (logistic regression by IRLS through LAPACK).
public struct ConversionModel: Sendable, Equatable {
    /// An estimate with its standard error.
    public struct Coefficient: Sendable, Equatable {
        public let estimate: Double
        public let standardError: Double

        public init(estimate: Double, standardError: Double) {
            self.estimate = estimate
            self.standardError = standardError
        }
    }

    /// Raw-value statistics of one batch-relative factor (min-max or z-score scale, or the
    /// `mean` missing policy) in the snapshots the model was fitted on, so that new lists
    /// are scored on the same scale.
    public struct FactorStatistics: Sendable, Equatable {
        public let minimum: Double
        public let maximum: Double
        public let mean: Double
        public let standardDeviation: Double
        public let meanUtility: Double

        public init(minimum: Double, maximum: Double, mean: Double, standardDeviation: Double, meanUtility: Double) {
            self.minimum = minimum
            self.maximum = maximum
            self.mean = mean
            self.standardDeviation = standardDeviation
            self.meanUtility = meanUtility
        }
    }

    /// How many snapshots the fit used and why the others were left out.
    public struct FitSummary: Sendable, Equatable {
        /// The snapshot file, as given.
        public let source: String
        /// Snapshots in the fit, and how many of them were won.
        public let used: Int
        public let won: Int
        /// Left out: not graded for insufficient information (flagged, not guessed).
        public let insufficientInformation: Int
        /// Left out: still open at the end of observation.
        public let unresolved: Int
        /// Left out: no stage, or an outcome the chain says cannot happen within the time
        /// observed (so it carries no information about the scores).
        public let uninformative: Int

        public init(source: String, used: Int, won: Int, insufficientInformation: Int, unresolved: Int, uninformative: Int) {
            self.source = source
            self.used = used
            self.won = won
            self.insufficientInformation = insufficientInformation
            self.unresolved = unresolved
            self.uninformative = uninformative
        }
    }

    /// The scoring model whose scores are the covariates (its `name`).
    public let scoringModel: String
    public let intercept: Coefficient
    public let value: Coefficient
    public let difficulty: Coefficient
    /// Statistics of batch-relative factors, by factor id.
    public let factorStatistics: [String: FactorStatistics]
    public let fitSummary: FitSummary?

    /// The score both covariates are centred on, and the points per unit.
    public static let centre = 50.0
    public static let unit = 10.0

    public init(
        scoringModel: String, intercept: Coefficient, value: Coefficient, difficulty: Coefficient,
        factorStatistics: [String: FactorStatistics] = [:], fitSummary: FitSummary? = nil
    ) {
        self.scoringModel = scoringModel
        self.intercept = intercept
        self.value = value
        self.difficulty = difficulty
        self.factorStatistics = factorStatistics
        self.fitSummary = fitSummary
    }

    /// The covariates of an account: (value − 50)/10 and (difficulty − 50)/10.
    public static func covariates(value: Double, difficulty: Double) -> [Double] {
        [(value - centre) / unit, (difficulty - centre) / unit]
    }

    /// β₀ + β_v x_v + β_d x_d: how far the account's log-odds sit from its stage's.
    public func logOddsShift(value: Double, difficulty: Double) -> Double {
        let x = Self.covariates(value: value, difficulty: difficulty)
        return intercept.estimate + self.value.estimate * x[0] + self.difficulty.estimate * x[1]
    }

    /// P(won) for an account whose stage wins with probability `stageProbability`.
    ///
    /// A stage that never wins (πₛ = 0) or always wins (πₛ = 1) keeps that probability.
    public func probability(stageProbability: Double, value: Double, difficulty: Double) -> Double {
        guard stageProbability > 0 else { return 0 }
        guard stageProbability < 1 else { return 1 }
        let eta = Self.logit(stageProbability) + logOddsShift(value: value, difficulty: difficulty)
        return Self.logistic(eta)
    }

    /// The statistics for a scoring model's utility builder: this model's statistics for
    /// the factors it has them for, `fallback`'s for the others.
    public func statistics(
        for model: ScoringModel, fallback: UtilityBuilder.Statistics
    ) -> UtilityBuilder.Statistics {
        var statistics = fallback
        for (index, factor) in model.factors.enumerated() {
            guard let stored = factorStatistics[factor.id] else { continue }
            statistics.minimum[index] = stored.minimum
            statistics.maximum[index] = stored.maximum
            statistics.mean[index] = stored.mean
            statistics.standardDeviation[index] = stored.standardDeviation
            statistics.meanUtility[index] = stored.meanUtility
        }
        return statistics
    }

    /// The statistics of the batch-relative factors of `model`, to store with a fit.
    public static func factorStatistics(
        _ statistics: UtilityBuilder.Statistics, model: ScoringModel
    ) -> [String: FactorStatistics] {
        var result: [String: FactorStatistics] = [:]
        for (index, factor) in model.factors.enumerated() where factor.scale.isBatchRelative || factor.missing == .mean {
            result[factor.id] = FactorStatistics(
                minimum: statistics.minimum[index], maximum: statistics.maximum[index], mean: statistics.mean[index],
                standardDeviation: statistics.standardDeviation[index], meanUtility: statistics.meanUtility[index])
        }
        return result
    }

    /// ln(p / (1 − p)).
    public static func logit(_ p: Double) -> Double {
        log(p / (1 - p))
    }

    /// 1 / (1 + e⁻ᵗ), without overflow.
    public static func logistic(_ t: Double) -> Double {
        if t >= 0 { return 1 / (1 + exp(-t)) }
        let e = exp(t)
        return e / (1 + e)
    }
}
