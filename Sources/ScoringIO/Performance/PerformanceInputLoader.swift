import ScoringEngine

/// Reads a plan table and an actuals table, joins them for the periods under review, and
/// turns every row that does not join into a ``PerformanceReject`` of its own file.
///
/// Every record read ends as exactly one of: joined into a record, rejected, a previous
/// period's row used for growth, or a row of another period left out by the period filter.
public struct PerformanceInputLoader: Sendable {
    public let scorecard: Scorecard

    public init(scorecard: Scorecard) {
        self.scorecard = scorecard
    }

    public struct Result: Sendable {
        public let plan: PlanFileReader.Result
        public let actual: ActualFileReader.Result
        public let join: PerformanceJoin
        /// Rejected plan rows: unreadable ones, then those without actuals.
        public let planRejects: [PerformanceReject]
        /// Rejected actual rows: unreadable ones, then those without a plan.
        public let actualRejects: [PerformanceReject]
        /// Optional columns (indicator figures and the scorecard's columns) the actuals
        /// file lacks; what needs them is not applicable.
        public let absentActualColumns: [String]
        /// Optional columns the plan lacks.
        public let absentPlanColumns: [String]
    }

    /// Reads, checks and joins.
    ///
    /// - Parameters:
    ///   - plan: The plan table.
    ///   - actual: The actuals table.
    ///   - period: The period to review, or `nil` for every period of the plan.
    /// - Throws: ``PerformanceDataError`` when a file lacks a required column, or `period`
    ///   is not a period of the plan's readable rows.
    public func load(plan: CSVTable, actual: CSVTable, period: ReviewPeriod?) throws(PerformanceDataError) -> Result {
        let planResult = try PlanFileReader().read(plan)
        let actualResult = try ActualFileReader(scorecard: scorecard).read(actual)
        if let period, !planResult.plans.isEmpty, !planResult.plans.contains(where: { $0.period == period }) {
            let available = Set(planResult.plans.map(\.period)).sorted().map(\.label)
            throw .periodNotInPlan(period: period.label, file: plan.file, available: available)
        }
        let join = PerformanceJoin.join(plans: planResult.plans, actuals: actualResult.actuals, period: period)
        let planFields = Dictionary(plan.records.map { ($0.line, $0.fields) }, uniquingKeysWith: { first, _ in first })
        let actualFields = Dictionary(actual.records.map { ($0.line, $0.fields) }, uniquingKeysWith: { first, _ in first })
        func column(_ name: String, in header: [String]) -> Int? { header.firstIndex(of: name).map { $0 + 1 } }
        var planRejects = planResult.rejects
        for entry in join.plansWithoutActuals {
            planRejects.append(
                PerformanceReject(
                    file: plan.file, line: entry.line, columnNumber: column("person", in: plan.header), column: "person",
                    reason: .noActual(person: entry.person, period: entry.period.label, actualFile: actual.file),
                    fields: planFields[entry.line] ?? []))
        }
        var actualRejects = actualResult.rejects
        for entry in join.actualsWithoutPlans {
            actualRejects.append(
                PerformanceReject(
                    file: actual.file, line: entry.line, columnNumber: column("person", in: actual.header), column: "person",
                    reason: .noPlan(person: entry.person, period: entry.period.label, planFile: plan.file),
                    fields: actualFields[entry.line] ?? []))
        }
        planRejects.sort { $0.line < $1.line }
        actualRejects.sort { $0.line < $1.line }
        let actualOptional = ActualFileReader.optionalColumns + scorecard.ratingColumns + scorecard.countColumns
        return Result(
            plan: planResult, actual: actualResult, join: join, planRejects: planRejects, actualRejects: actualRejects,
            absentActualColumns: actualOptional.filter { !actual.header.contains($0) },
            absentPlanColumns: PlanFileReader.optionalColumns.filter { !plan.header.contains($0) && $0 != "team" })
    }
}
