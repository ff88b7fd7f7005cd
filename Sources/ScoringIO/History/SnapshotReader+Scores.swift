import ScoringEngine

extension SnapshotReader {
    /// The scores of a snapshot batch, one entry per accepted snapshot row, and the utility
    /// statistics they were scored with.
    public struct Scores: Sendable {
        public let value: [Double]
        public let difficulty: [Double]
        public let insufficient: [Bool]
        public let grades: [Grade]
        public let statistics: UtilityBuilder.Statistics
    }
}

extension SnapshotReader.Result {
    /// Scores the snapshots with `model`.
    ///
    /// - Parameter statistics: The utility statistics to score with; `nil` uses the batch's own.
    public func scores(model: ScoringModel, statistics: UtilityBuilder.Statistics? = nil) -> SnapshotReader.Scores {
        let builder = UtilityBuilder(model: model)
        let used = statistics ?? builder.statistics(of: batch)
        let assessment = ScoringPipeline(model: model).assess(batch, statistics: used)
        let count = assessment.count
        return SnapshotReader.Scores(
            value: (0..<count).map { assessment.value($0) }, difficulty: (0..<count).map { assessment.difficulty($0) },
            insufficient: assessment.grades.map { $0 == .insufficient }, grades: assessment.grades, statistics: used)
    }

    /// The snapshots as a backtest reads them, scored with the utility statistics of the
    /// snapshots dated on or before `cut` only (those of the whole batch when none is), so
    /// that no score uses what was known after the cut.
    ///
    /// - Returns: One ``Backtest/Snapshot`` per accepted row, in file order, and the scores
    ///   (with the statistics used).
    public func backtestSnapshots(model: ScoringModel, cut: CalendarDate) -> (
        snapshots: [Backtest.Snapshot], scores: SnapshotReader.Scores
    ) {
        let known = (0..<batch.count).filter { dates[$0] <= cut }
        var statistics: UtilityBuilder.Statistics?
        if !known.isEmpty {
            var subset = batch
            subset.accounts = known.map { batch.accounts[$0] }
            subset.factorColumns = batch.factorColumns.map { column in
                switch column {
                case .numeric(let values): return .numeric(known.map { values[$0] })
                case .categorical(let codes): return .categorical(known.map { codes[$0] })
                }
            }
            subset.segmentData = SegmentData()
            statistics = UtilityBuilder(model: model).statistics(of: subset)
        }
        let scored = scores(model: model, statistics: statistics)
        let snapshots = (0..<batch.count).map { row in
            Backtest.Snapshot(
                accountID: batch.accounts[row].id, date: dates[row], stage: batch.accounts[row].stage,
                value: scored.value[row], difficulty: scored.difficulty[row], insufficientInformation: scored.insufficient[row],
                outcome: outcomes[row], outcomeDate: outcomeDates[row], dealValue: batch.accounts[row].dealValue)
        }
        return (snapshots, scored)
    }
}
