extension Scorecard {
    /// A person's scorecard, or why the person is not scored.
    public enum Outcome: Sendable, Equatable {
        case scored(ScorecardResult)
        case notScored(NotApplicable)

        public var result: ScorecardResult? {
            if case .scored(let result) = self { return result }
            return nil
        }
    }

    /// Scores one person's period.
    ///
    /// A role the scorecard does not review (the director, in the seed's) is not scored.
    /// Each item is scored by its rule from the record:
    ///
    /// - `sales_completion`: 100 × sales / planned sales (not applicable with a plan of 0);
    /// - `sales_growth`: sales − previous sales (not applicable without the previous
    ///   period), with the plan's `growthStep` as the step above when it has one;
    /// - `new_accounts_vs_plan`: new accounts − planned new accounts;
    /// - a rating: the value of its column (not applicable when not recorded);
    /// - deductions: the counts of their columns (not applicable when one is not recorded).
    public func evaluate(_ record: PerformanceRecord) -> Outcome {
        guard roles.contains(record.role) else {
            return .notScored(NotApplicable(.roleNotScored(role: record.role, scoredRoles: roles)))
        }
        return .scored(ScorecardResult(items: items.map { score($0, record) }, policy: notApplicable))
    }

    func score(_ item: ScorecardItem, _ record: PerformanceRecord) -> ItemScore {
        let plan = record.plan
        let actual = record.actual
        switch item.rule {
        case .stepped(let rule):
            let measured: Double
            let reference: Double
            let actualFigure: Double
            var aboveStep: Double? = nil
            switch rule.measure {
            case .salesCompletion:
                guard plan.plannedSales != 0 else {
                    return ItemScore(
                        item: item,
                        status: .notApplicable(
                            NotApplicable(
                                .zeroDenominator(denominator: "planned_sales", numerator: "sales", numeratorValue: actual.sales))))
                }
                measured = 100 * actual.sales / plan.plannedSales
                actualFigure = actual.sales
                reference = plan.plannedSales
            case .salesGrowth:
                guard let previous = record.previousSales.value else {
                    let period: ReviewPeriod?
                    if case .unknown(let previousPeriod) = record.previousSales { period = previousPeriod } else { period = nil }
                    return ItemScore(item: item, status: .notApplicable(NotApplicable(.noPreviousSales(previousPeriod: period?.label))))
                }
                measured = actual.sales - previous
                actualFigure = actual.sales
                reference = previous
                aboveStep = plan.growthStep
            case .newAccountsVersusPlan:
                measured = actual.newAccounts - plan.plannedNewAccounts
                actualFigure = actual.newAccounts
                reference = plan.plannedNewAccounts
            }
            let outcome = rule.outcome(measured: measured, maximum: item.maximum, aboveStep: aboveStep)
            return ItemScore(
                item: item,
                status: .scored(points: outcome.points, detail: .stepped(outcome, actual: actualFigure, reference: reference)))
        case .rating(let rule):
            guard let value = actual.scoreInputs[rule.column]?.first else {
                return ItemScore(item: item, status: .notApplicable(NotApplicable(.notRecorded(field: rule.column))))
            }
            return ItemScore(item: item, status: .scored(points: value, detail: .rating(value)))
        case .deductions(let rule):
            switch rule.outcome(counts: actual.scoreInputs, maximum: item.maximum) {
            case .failure(let reason): return ItemScore(item: item, status: .notApplicable(reason))
            case .success(let outcome):
                return ItemScore(item: item, status: .scored(points: outcome.points, detail: .deductions(outcome)))
            }
        }
    }
}
