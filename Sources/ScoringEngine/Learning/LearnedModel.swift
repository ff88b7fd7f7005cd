/// What ``ModelLearner/learn(_:baseModel:)`` produced: the model, a report per column,
/// and cross-validated figures beside the baselines.
public struct LearnedModel: Sendable {
    /// The learned model: learned scales (binned and categorical with the evidence behind
    /// every number, missing values as `fixed`), fitted weights, the grading with new band
    /// cuts and the key `priority` at the implied penalty, and the calibration.
    public let model: ScoringModel
    /// One report per input column, in input order.
    public let factors: [FactorReport]
    /// Out-of-fold metrics of the learned model and the baselines.
    public let metrics: MetricsTable
    /// The candidate models on the same folds, with standard errors, and the one to rank with.
    public internal(set) var comparison: ModelComparison
    /// Cross-validated win rate per grade (A, B, C, D, insufficient): the written model's
    /// cuts applied to the out-of-fold scores (each account scored by the model fitted
    /// without its fold).
    public let gradeWinRates: [GradeWinRate]
    /// Win rate per grade of the model as written on its training accounts: exactly what
    /// `kam rank` with the written model gives them (checked before ``ModelLearner/learn(_:baseModel:)`` returns).
    public let trainingGradeWinRates: [GradeWinRate]
    /// Whether some cuts made the win rates fall strictly from A to D on the training
    /// accounts (otherwise the cuts match the base model's shares and the notes say so).
    public let gradesOrdered: Bool
    /// λ, the prior strength used for the weights.
    public let strength: Double
    /// Cross-validated log loss of every λ tried, by increasing λ (AUC left `nil`: not
    /// computed, for speed); empty when λ was given.
    public let strengthTable: [WeightFitResult.StrengthScore]
    /// The calibration method chosen: "platt" or "isotonic".
    public let calibrationMethod: String
    /// Out-of-fold log loss of both calibration methods.
    public let calibrationLogLoss: CalibrationComparison
    /// p in priority = value − p × difficulty.
    public let difficultyPenalty: Double
    /// β₀ of the final fit.
    public let intercept: Double
    /// B_V = Σ of the value factors' coefficients: log-odds = β₀ + (B_V / 100) × priority.
    public let valueCoefficientSum: Double
    /// Folds used (fewer than asked when a class has fewer accounts).
    public let folds: Int
    public let seed: UInt64
    public let outcomeCount: Int
    public let wonCount: Int
    /// The minimum number of accounts per bin used.
    public let minimumBinCount: Int
    /// The fitted scores of the training rows, from the in-memory utilities.
    public let trainingScores: AccountScores
    /// Remarks in plain English.
    public internal(set) var notes: [String]
    /// Where the learner spent its time, phase by phase (`kam model fit --timings`).
    public var timings: [PhaseTiming] = []
}

/// Scores of accounts under a learned model, one entry per account in input order.
public struct AccountScores: Sendable {
    /// 0...100.
    public let value: [Double]
    /// 0...100.
    public let difficulty: [Double]
    /// The ranking key, `model.grading.ranking.key(value:difficulty:)`.
    public let priority: [Double]
    /// The calibrated probability of winning, 0...1.
    public let probability: [Double]
    /// Weighted share of factors present, 0...1.
    public let completeness: [Double]
    public let grades: [Grade]
}

/// Goodness of predicted win probabilities on decided accounts.
public struct OutcomeMetrics: Sendable, Equatable {
    /// Area under the ROC curve (`nil` with one class only).
    public let areaUnderROC: Double?
    /// Mean squared error of the probability, 0...1.
    public let brierScore: Double
    /// Mean log loss in nats.
    public let logLoss: Double
    /// Expected calibration error over equal-width probability bins.
    public let calibrationError: Double
    /// Accounts measured.
    public let count: Int

    /// The metrics of `probabilities` against `outcomes`.
    public init(probabilities: [Double], outcomes: [Double], calibrationBins: Int = 10) {
        areaUnderROC = BinaryOutcomeMetrics.areaUnderROC(scores: probabilities, outcomes: outcomes)
        brierScore = BinaryOutcomeMetrics.brierScore(probabilities: probabilities, outcomes: outcomes) ?? .nan
        logLoss = BinaryOutcomeMetrics.logLoss(probabilities: probabilities, outcomes: outcomes) ?? .nan
        calibrationError =
            BinaryOutcomeMetrics.expectedCalibrationError(
                probabilities: probabilities, outcomes: outcomes, bins: calibrationBins) ?? .nan
        count = outcomes.count
    }
}

/// Out-of-fold metrics of the learned model beside its baselines.
public struct MetricsTable: Sendable {
    /// The learned model, calibrated.
    public let learned: OutcomeMetrics
    /// Weights fitted on the base model's own scales (σ of the fitted log-odds).
    public let weightsOnly: OutcomeMetrics?
    /// The win rate per stage learned on the training folds (when stages were given), shrunk
    /// like a group: (won + m r)/(count + m) with r the training folds' rate; an account with
    /// no stage or a stage not seen in training gets r.
    public let stageBaseline: OutcomeMetrics?
    /// The training folds' win rate for every account.
    public let baseRate: OutcomeMetrics
}

/// How many accounts of a grade there were and how many were won.
public struct GradeWinRate: Sendable, Equatable {
    public let grade: Grade
    public let count: Int
    public let won: Int
    public var winRate: Double? { count > 0 ? Double(won) / Double(count) : nil }
}

/// Out-of-fold log loss of the two calibration methods.
public struct CalibrationComparison: Sendable, Equatable {
    public let platt: Double
    public let isotonic: Double
}

/// A model's quality on decided accounts it was not fitted on.
public struct LearnedModelEvaluation: Sendable {
    public let metrics: OutcomeMetrics
    public let gradeWinRates: [GradeWinRate]
    public let scores: AccountScores
    /// Category labels that the model's map lacks and that have no `other`: scored as missing.
    public let unknownLabels: Int
}
