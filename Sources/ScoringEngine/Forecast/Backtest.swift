/// Tests the forecast on history: fit on everything before a cut date, forecast the
/// accounts open at the cut, and compare with what happened after it.
///
/// Three forecasts of "won within the evaluation window" are compared on the same accounts:
///
/// 1. **stage win rate** (the naive baseline): the share of accounts that were ever in the
///    stage and closed before the cut that ended won; it ignores timing.
/// 2. **pipeline, stage only**: the chain fitted before the cut, P(won within H | stage).
/// 3. **pipeline + scores**: the conversion model fitted on snapshots before the cut,
///    p · F_won(H)/πₛ.
///
/// The window runs from the cut to the last complete period of the log: `H` periods,
/// period 1 being the one holding the cut (put the cut on the first day of a period for an
/// exact alignment). Every account open at the cut is followed for the same `H` periods, so
/// no outcome is censored. Revenue won per period is compared with the two pipeline
/// forecasts of it (the naive baseline has no timing, only a total).
public struct Backtest: Sendable {
    public let period: PeriodLength
    public let cut: CalendarDate
    /// Evaluate at most this many periods after the cut (nil: to the end of the log).
    public let horizon: Int?
    public let fitter: ConversionFitter

    public init(period: PeriodLength, cut: CalendarDate, horizon: Int? = nil, fitter: ConversionFitter = ConversionFitter()) {
        precondition(horizon.map { $0 >= 1 } ?? true, "The horizon must be at least 1")
        self.period = period
        self.cut = cut
        self.horizon = horizon
        self.fitter = fitter
    }

    /// An account snapshot with its scores (computed by the caller with statistics from
    /// snapshots dated on or before the cut).
    public struct Snapshot: Sendable, Equatable {
        public let accountID: String
        public let date: CalendarDate
        public let stage: Int?
        public let value: Double
        public let difficulty: Double
        public let insufficientInformation: Bool
        public let outcome: ConversionFitter.Outcome
        public let outcomeDate: CalendarDate?
        public let dealValue: Double?

        public init(
            accountID: String, date: CalendarDate, stage: Int?, value: Double, difficulty: Double,
            insufficientInformation: Bool, outcome: ConversionFitter.Outcome, outcomeDate: CalendarDate?, dealValue: Double?
        ) {
            self.accountID = accountID
            self.date = date
            self.stage = stage
            self.value = value
            self.difficulty = difficulty
            self.insufficientInformation = insufficientInformation
            self.outcome = outcome
            self.outcomeDate = outcomeDate
            self.dealValue = dealValue
        }
    }

    /// The forecasters compared.
    public enum Method: String, Sendable, CaseIterable {
        case stageWinRate = "stage_win_rate"
        case stageOnly = "stage_only"
        case scoreAware = "score_aware"
    }

    /// One evaluated account.
    public struct AccountRow: Sendable, Equatable {
        public let accountID: String
        public let stageAtCut: Int
        public let value: Double
        public let difficulty: Double
        public let dealValue: Double?
        /// Forecasts of "won within the window", in ``Method`` order.
        public let forecasts: [Double]
        public let wonInWindow: Bool
        /// The window period (1...H) the account was won in.
        public let wonPeriod: Int?
    }

    /// Forecast and actual revenue won in one window period.
    public struct RevenuePeriod: Sendable, Equatable {
        public let period: Int
        public let label: String
        public let actual: Double
        public let stageOnly: Double
        public let scoreAware: Double
    }

    /// Everything the backtest found.
    public struct Result: Sendable {
        public let training: TransitionEstimator.Fit
        public let conversion: ConversionModel
        /// Window length H and the first window period's index.
        public let windowPeriods: Int
        public let firstPeriod: Int
        public let openAtCut: Int
        public let withoutSnapshot: Int
        public let insufficientInformation: Int
        public let accounts: [AccountRow]
        /// Per method, in ``Method`` order.
        public let evaluations: [ForecastEvaluation]
        /// The naive baseline's per-stage rates.
        public let stageWinRates: [Double]
        public let revenue: [RevenuePeriod]
        /// Total revenue over the window: actual, and forecast by each method.
        public let actualRevenue: Double
        public let forecastRevenue: [Double]

        /// Mean absolute error of the per-period revenue forecasts: stage only, score-aware.
        public var revenueMeanAbsoluteError: (stageOnly: Double, scoreAware: Double) {
            let count = Double(max(revenue.count, 1))
            return (
                revenue.reduce(0) { $0 + abs($1.stageOnly - $1.actual) } / count,
                revenue.reduce(0) { $0 + abs($1.scoreAware - $1.actual) } / count
            )
        }
    }

    /// Runs the backtest.
    ///
    /// - Parameters:
    ///   - histories: The whole event log.
    ///   - observedUntil: The last day the log covers.
    ///   - snapshots: Account snapshots with scores.
    ///   - scoringModel: The scoring model's name.
    ///   - factorStatistics: Statistics of batch-relative factors behind the scores.
    /// - Throws: `ForecastError` when the history before the cut cannot be fitted, or when
    ///   no account is open at the cut with a usable snapshot (`.noCompletePeriods`).
    public func run(
        histories: [AccountHistory], observedUntil: CalendarDate, snapshots: [Snapshot], scoringModel: String,
        factorStatistics: [String: ConversionModel.FactorStatistics] = [:]
    ) throws(ForecastError) -> Result {
        // 1. The chain, from events before the cut.
        let training = histories.compactMap { $0.truncated(before: cut) }
        let trainingEnd = cut.adding(days: -1)
        let fit = try TransitionEstimator(period: period).fit(training, observedUntil: trainingEnd)
        let chain = try fit.table.chain()
        let trainingLastPeriod = fit.lastPeriod

        // 2. The conversion model, from snapshots before the cut with outcomes known then.
        let observations = snapshots.filter { $0.date < cut }.map { snapshot in
            let known = snapshot.outcome != .open && (snapshot.outcomeDate.map { $0 < cut } ?? false)
            return ConversionFitter.Observation(
                stage: snapshot.stage, value: snapshot.value, difficulty: snapshot.difficulty,
                insufficientInformation: snapshot.insufficientInformation, outcome: known ? snapshot.outcome : .open,
                periodsObserved: max(0, trainingLastPeriod - period.index(of: snapshot.date) + 1))
        }
        let conversion = try fitter.fit(
            observations, chain: chain, scoringModel: scoringModel, factorStatistics: factorStatistics)

        // 3. The window after the cut.
        let firstPeriod = period.index(of: cut)
        let lastPeriod = period.lastCompletePeriod(observedUntil: observedUntil)
        let window = min(horizon ?? Int.max, lastPeriod - firstPeriod + 1)
        guard window >= 1 else { throw .noCompletePeriods(observedUntil: observedUntil) }
        let forecaster = try PipelineForecaster(
            pipeline: PipelineModel(transitions: fit.table, conversion: conversion), horizon: window)

        // The naive baseline: share won among accounts that visited each stage and closed before the cut.
        var visited = [Int](repeating: 0, count: PipelineState.stageCount)
        var visitedWon = [Int](repeating: 0, count: PipelineState.stageCount)
        var closedWon = 0
        var closed = 0
        for history in training {
            guard let closing = history.closing else { continue }
            closed += 1
            if closing.to == .won { closedWon += 1 }
            var stages = Set<Int>()
            for event in history.events {
                if let stage = event.from?.stageNumber { stages.insert(stage) }
                if let stage = event.to.stageNumber { stages.insert(stage) }
            }
            for stage in stages {
                visited[stage - 1] += 1
                if closing.to == .won { visitedWon[stage - 1] += 1 }
            }
        }
        let overallRate = closed > 0 ? Double(closedWon) / Double(closed) : 0
        let stageWinRates = (0..<PipelineState.stageCount).map {
            visited[$0] > 0 ? Double(visitedWon[$0]) / Double(visited[$0]) : overallRate
        }

        // 4. Accounts open at the cut, with their latest snapshot on or before it.
        var latest: [String: Snapshot] = [:]
        for snapshot in snapshots where snapshot.date <= cut {
            if let known = latest[snapshot.accountID], known.date >= snapshot.date { continue }
            latest[snapshot.accountID] = snapshot
        }
        var openAtCut = 0
        var withoutSnapshot = 0
        var insufficient = 0
        var rows: [AccountRow] = []
        var actual = [Double](repeating: 0, count: window)
        var stageOnlyRevenue = [Double](repeating: 0, count: window)
        var scoreRevenue = [Double](repeating: 0, count: window)
        var naiveRevenue = 0.0
        let timings = (1...PipelineState.stageCount).map { stage in
            (1...window).map { t in
                forecaster.cumulative[t][stage - 1, 0] - forecaster.cumulative[t - 1][stage - 1, 0]
            }
        }
        for history in histories {
            guard let before = history.truncated(before: cut), let stage = before.events.last?.to.stageNumber else {
                continue
            }
            openAtCut += 1
            guard let snapshot = latest[history.accountID] else {
                withoutSnapshot += 1
                continue
            }
            guard !snapshot.insufficientInformation else {
                insufficient += 1
                continue
            }
            let forecast = forecaster.forecast(
                PipelineForecaster.Account(
                    stage: stage, value: snapshot.value, difficulty: snapshot.difficulty,
                    insufficientInformation: false, dealValue: snapshot.dealValue))
            let stageProbability = forecaster.cumulative[window][stage - 1, 0]
            let scoreProbability = forecast.probabilityWithinHorizon ?? stageProbability
            var wonPeriod: Int?
            if let closing = history.closing, closing.to == .won, closing.date >= cut {
                let t = period.index(of: closing.date) - firstPeriod + 1
                if t >= 1 && t <= window { wonPeriod = t }
            }
            rows.append(
                AccountRow(
                    accountID: history.accountID, stageAtCut: stage, value: snapshot.value,
                    difficulty: snapshot.difficulty, dealValue: snapshot.dealValue,
                    forecasts: [stageWinRates[stage - 1], stageProbability, scoreProbability],
                    wonInWindow: wonPeriod != nil, wonPeriod: wonPeriod))
            if let value = snapshot.dealValue {
                if let t = wonPeriod { actual[t - 1] += value }
                let scale = (forecast.probability ?? 0) / max(forecast.stageProbability ?? 1, 1e-300)
                for t in 0..<window {
                    stageOnlyRevenue[t] += value * timings[stage - 1][t]
                    scoreRevenue[t] += value * scale * timings[stage - 1][t]
                }
                naiveRevenue += value * stageWinRates[stage - 1]
            }
        }
        guard !rows.isEmpty else { throw .noCompletePeriods(observedUntil: cut) }
        let outcomes = rows.map(\.wonInWindow)
        let evaluations = Method.allCases.indices.map { method in
            ForecastEvaluation(probabilities: rows.map { $0.forecasts[method] }, outcomes: outcomes)
        }
        let revenue = (0..<window).map { t in
            RevenuePeriod(
                period: t + 1, label: period.label(of: firstPeriod + t), actual: actual[t],
                stageOnly: stageOnlyRevenue[t], scoreAware: scoreRevenue[t])
        }
        return Result(
            training: fit, conversion: conversion, windowPeriods: window, firstPeriod: firstPeriod,
            openAtCut: openAtCut, withoutSnapshot: withoutSnapshot, insufficientInformation: insufficient,
            accounts: rows, evaluations: evaluations, stageWinRates: stageWinRates, revenue: revenue,
            actualRevenue: actual.reduce(0, +),
            forecastRevenue: [naiveRevenue, stageOnlyRevenue.reduce(0, +), scoreRevenue.reduce(0, +)])
    }
}
