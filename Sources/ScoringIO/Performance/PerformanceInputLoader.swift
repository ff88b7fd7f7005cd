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
        let plansWithoutActuals = join.plansWithoutActuals.map { (line: $0.line, person: $0.person, period: $0.period) }
        var planRejects = planResult.rejects
        planRejects += Self.unjoined(plansWithoutActuals, of: plan) { .noActual(person: $0, period: $1, actualFile: actual.file) }
        let actualsWithoutPlans = join.actualsWithoutPlans.map { (line: $0.line, person: $0.person, period: $0.period) }
        var actualRejects = actualResult.rejects
        actualRejects += Self.unjoined(actualsWithoutPlans, of: actual) { .noPlan(person: $0, period: $1, planFile: plan.file) }
        planRejects.sort { $0.line < $1.line }
        actualRejects.sort { $0.line < $1.line }
        let actualOptional = ActualFileReader.optionalColumns + scorecard.ratingColumns + scorecard.countColumns
        return Result(
            plan: planResult, actual: actualResult, join: join, planRejects: planRejects, actualRejects: actualRejects,
            absentActualColumns: actualOptional.filter { !actual.header.contains($0) },
            absentPlanColumns: PlanFileReader.optionalColumns.filter { !plan.header.contains($0) && $0 != "team" })
    }

    /// Rejects the rows of `table` that did not join, on their `person` column.
    ///
    /// - Parameters:
    ///   - rows: The line, person and period of each row, in the order to reject them.
    ///   - table: The table the rows were read from (their fields go to the rejects file).
    ///   - reason: Why, from the row's person and the label of its period.
    static func unjoined(
        _ rows: [(line: Int, person: String, period: ReviewPeriod)], of table: CSVTable,
        reason: (_ person: String, _ period: String) -> PerformanceReject.Reason
    ) -> [PerformanceReject] {
        let fields = Dictionary(table.records.map { ($0.line, $0.fields) }, uniquingKeysWith: { first, _ in first })
        let personColumn = table.header.firstIndex(of: "person").map { $0 + 1 }
        return rows.map { row in
            PerformanceReject(
                file: table.file, line: row.line, columnNumber: personColumn, column: "person",
                reason: reason(row.person, row.period.label), fields: fields[row.line] ?? [])
        }
    }
}
