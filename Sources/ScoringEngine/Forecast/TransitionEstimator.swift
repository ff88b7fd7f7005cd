/// Estimates the pipeline's per-period transition table from account histories.
///
/// Each history is turned into the account's state at the end of every period (see
/// ``AccountHistory/periodStates(period:lastPeriod:)``); every pair of consecutive periods
/// that starts in a stage is one observed transition, a stay included. The estimate of
/// `P(i → j)` is the number of such transitions from `i` to `j` divided by the number that
/// start in `i` — the maximum-likelihood estimate of a time-homogeneous Markov chain.
///
/// **Right-censoring.** Only complete periods up to the end of observation count. An
/// account still open then contributes the transitions it was seen to make and nothing
/// more: it is not counted as stuck in its stage, nor as lost. Because censoring happens
/// at a calendar date fixed in advance, it does not depend on what the account would have
/// done next, and the estimate stays unbiased (the likelihood of a censored path is the
/// product of its observed transitions).
public struct TransitionEstimator: Sendable {
    public let period: PeriodLength
    public let confidenceLevel: Double

    /// - Parameters:
    ///   - period: The step of the chain.
    ///   - confidenceLevel: 0.8, 0.9, 0.95 or 0.99, for the Wilson intervals.
    public init(period: PeriodLength = .month, confidenceLevel: Double = 0.95) {
        precondition(
            ConfidenceInterval.supportedLevels.contains(confidenceLevel),
            "Confidence level must be one of \(ConfidenceInterval.supportedLevels)")
        self.period = period
        self.confidenceLevel = confidenceLevel
    }

    /// What a fit found: the table and how much history was behind it.
    public struct Fit: Sendable {
        public let table: TransitionTable
        /// The last day observed and the last complete period it allows.
        public let observedUntil: CalendarDate
        public let lastPeriod: Int
        /// The earliest event date.
        public let firstDate: CalendarDate
        /// Histories with at least one counted transition.
        public let accounts: Int
        /// Histories that ended won or lost within the observed periods.
        public let won: Int
        public let lost: Int
        /// Histories still open at the end of observation (right-censored).
        public let censored: Int
        /// Histories whose first event falls in the last, incomplete period (nothing counted).
        public let tooRecent: Int
    }

    /// The transition counts of `histories` observed until `observedUntil` (inclusive).
    public func counts(
        _ histories: [AccountHistory], observedUntil: CalendarDate
    ) -> (counts: [[Int]], accounts: Int, won: Int, lost: Int, censored: Int, tooRecent: Int) {
        let lastPeriod = period.lastCompletePeriod(observedUntil: observedUntil)
        var counts = [[Int]](repeating: [Int](repeating: 0, count: PipelineState.count), count: PipelineState.stageCount)
        var accounts = 0
        var won = 0
        var lost = 0
        var censored = 0
        var tooRecent = 0
        for history in histories {
            guard let path = history.periodStates(period: period, lastPeriod: lastPeriod) else {
                tooRecent += 1
                continue
            }
            var counted = false
            for (from, to) in zip(path.states, path.states.dropFirst()) {
                guard let stage = from.stageNumber else { break }
                counts[stage - 1][to.index] += 1
                counted = true
            }
            // A history whose first recorded state is already closed says nothing about
            // transitions.
            if counted || !(path.states.first?.isClosed ?? true) { accounts += 1 }
            switch path.states.last {
            case .won?: if counted { won += 1 }
            case .lost?: if counted { lost += 1 }
            default: censored += 1
            }
        }
        return (counts, accounts, won, lost, censored, tooRecent)
    }

    /// Fits the table.
    ///
    /// - Parameters:
    ///   - histories: Checked account histories.
    ///   - observedUntil: The last day the log covers; periods ending after it are not counted.
    /// - Throws: `ForecastError.noCompletePeriods` when nothing can be counted;
    ///   `.noObservedPeriods(stage:)` when some stage was never observed for a whole period.
    public func fit(_ histories: [AccountHistory], observedUntil: CalendarDate) throws(ForecastError) -> Fit {
        let result = counts(histories, observedUntil: observedUntil)
        guard result.counts.contains(where: { $0.reduce(0, +) > 0 }) else {
            throw .noCompletePeriods(observedUntil: observedUntil)
        }
        let table = try TransitionTable(period: period, counts: result.counts, confidenceLevel: confidenceLevel)
        let firstDate = histories.map { $0.events[0].date }.min() ?? observedUntil
        return Fit(
            table: table, observedUntil: observedUntil,
            lastPeriod: period.lastCompletePeriod(observedUntil: observedUntil), firstDate: firstDate,
            accounts: result.accounts, won: result.won, lost: result.lost, censored: result.censored,
            tooRecent: result.tooRecent)
    }
}
