import LinearAlgebra

/// Turns a pipeline model into answers: per stage from the absorbing chain, per account by
/// adding the conversion model, and per period as expected totals.
///
/// Every number here is closed form (see ``AbsorbingChain``); only the intervals of the
/// totals are simulated, by ``RevenueSimulation``.
public struct PipelineForecaster: Sendable {
    public let pipeline: PipelineModel
    /// Periods ahead that per-period answers cover, ≥ 1.
    public let horizon: Int
    public let chain: AbsorbingChain
    /// F(t), t = 0...horizon: 5 × 2 (won, lost) cumulative absorption probabilities.
    public let cumulative: [Matrix]

    /// - Throws: `ForecastError.stageNeverCloses` when the table has a stage that never closes.
    public init(pipeline: PipelineModel, horizon: Int) throws(ForecastError) {
        precondition(horizon >= 1, "The horizon must be at least 1 period")
        self.pipeline = pipeline
        self.horizon = horizon
        self.chain = try pipeline.transitions.chain()
        self.cumulative = chain.absorptionByPeriod(horizon: horizon)
    }

    /// The chain's answers for one stage.
    public struct StageOutlook: Sendable, Equatable {
        public let stage: Int
        /// πₛ = P(ends won), and P(ends lost) = 1 − πₛ.
        public let probabilityWon: Double
        public let probabilityLost: Double
        /// E[periods until won or lost] and its standard deviation.
        public let expectedPeriods: Double
        public let periodStandardDeviation: Double
        /// E[periods until won | won], NaN when the stage never wins.
        public let expectedPeriodsToWin: Double
        /// Expected periods spent in each stage 1…5 before closing (a row of N).
        public let expectedPeriodsInStage: [Double]
        /// P(won by the end of period t) and P(lost by …), t = 0...horizon.
        public let wonByPeriod: [Double]
        public let lostByPeriod: [Double]
    }

    /// The outlook of stage `stage` (1...5).
    public func outlook(stage: Int) -> StageOutlook {
        let row = stage - 1
        return StageOutlook(
            stage: stage, probabilityWon: chain.absorptionProbabilities[row, 0],
            probabilityLost: chain.absorptionProbabilities[row, 1], expectedPeriods: chain.expectedPeriods[row],
            periodStandardDeviation: chain.periodVariances[row].squareRoot(),
            expectedPeriodsToWin: chain.expectedPeriodsGivenOutcome[row, 0],
            expectedPeriodsInStage: Array(chain.fundamental.row(row)),
            wonByPeriod: cumulative.map { $0[row, 0] }, lostByPeriod: cumulative.map { $0[row, 1] })
    }

    /// The outlooks of stages 1…5.
    public var outlooks: [StageOutlook] { (1...PipelineState.stageCount).map(outlook(stage:)) }

    /// What the forecaster needs to know about an account.
    public struct Account: Sendable, Equatable {
        public let stage: Int?
        public let value: Double
        public let difficulty: Double
        public let insufficientInformation: Bool
        public let dealValue: Double?

        public init(stage: Int?, value: Double, difficulty: Double, insufficientInformation: Bool, dealValue: Double?) {
            self.stage = stage
            self.value = value
            self.difficulty = difficulty
            self.insufficientInformation = insufficientInformation
            self.dealValue = dealValue
        }
    }

    /// The share of an eventual win that falls within `periods` periods of stage `stage`:
    /// F_won(periods)/πₛ (0 when the stage never wins); `periods` beyond the horizon count
    /// as the horizon.
    public func shareWonWithin(_ periods: Int, stage: Int) -> Double {
        let total = chain.absorptionProbabilities[stage - 1, 0]
        guard total > 0 else { return 0 }
        return min(1, cumulative[min(periods, horizon)][stage - 1, 0] / total)
    }

    /// P(won in period t | won), t = 1...horizon, for a stage: (F_won(t) − F_won(t−1))/πₛ.
    public func winTiming(stage: Int) -> [Double] {
        let total = chain.absorptionProbabilities[stage - 1, 0]
        return (1...horizon).map { t in
            total > 0 ? max(0, cumulative[t][stage - 1, 0] - cumulative[t - 1][stage - 1, 0]) / total : 0
        }
    }

    /// The forecast of one account.
    ///
    /// With a conversion model, `p = σ(logit πₛ + shift(scores))`; without one, `p = πₛ`.
    /// An account graded "insufficient information" or without a stage is flagged, with no
    /// probability (the stage's πₛ is still given for reference): the seed sends such
    /// accounts back to information gathering instead of grading them.
    public func forecast(_ account: Account) -> AccountForecast {
        guard let stage = account.stage, (1...PipelineState.stageCount).contains(stage) else {
            return AccountForecast(
                status: .noStage, stage: nil, stageProbability: nil, probability: nil, probabilityWithinHorizon: nil,
                expectedRevenue: nil, expectedRevenueWithinHorizon: nil, expectedPeriodsToWin: nil,
                dealValue: account.dealValue)
        }
        let stageProbability = chain.absorptionProbabilities[stage - 1, 0]
        let toWin = chain.expectedPeriodsGivenOutcome[stage - 1, 0]
        let periodsToWin = toWin.isNaN ? nil : toWin
        if account.insufficientInformation {
            return AccountForecast(
                status: .insufficientInformation, stage: stage, stageProbability: stageProbability, probability: nil,
                probabilityWithinHorizon: nil, expectedRevenue: nil, expectedRevenueWithinHorizon: nil,
                expectedPeriodsToWin: periodsToWin, dealValue: account.dealValue)
        }
        let probability: Double
        let status: AccountForecast.Status
        if let conversion = pipeline.conversion {
            probability = conversion.probability(
                stageProbability: stageProbability, value: account.value, difficulty: account.difficulty)
            status = .scoreAware
        } else {
            probability = stageProbability
            status = .stageOnly
        }
        let withinHorizon = probability * shareWonWithin(horizon, stage: stage)
        return AccountForecast(
            status: status, stage: stage, stageProbability: stageProbability, probability: probability,
            probabilityWithinHorizon: withinHorizon, expectedRevenue: account.dealValue.map { $0 * probability },
            expectedRevenueWithinHorizon: account.dealValue.map { $0 * withinHorizon },
            expectedPeriodsToWin: periodsToWin, dealValue: account.dealValue)
    }

    /// The forecasts of many accounts, in order.
    public func forecast(_ accounts: [Account]) -> [AccountForecast] {
        accounts.map(forecast)
    }
}
