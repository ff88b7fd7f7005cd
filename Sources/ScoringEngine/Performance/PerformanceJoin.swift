/// Joins plan rows and actual rows by period and person, for the periods under review,
/// and finds each record's previous-period sales.
///
/// Nothing is dropped without a trace: every plan and actual row ends in exactly one of
/// the result's lists.
public struct PerformanceJoin: Sendable {
    /// The periods reviewed, sorted.
    public var periods: [ReviewPeriod] = []
    /// Joined rows, in plan order.
    public var records: [PerformanceRecord] = []
    /// Plan rows of a reviewed period without an actual row.
    public var plansWithoutActuals: [PerformancePlan] = []
    /// Actual rows without a plan row (of a reviewed period, or, with no period filter,
    /// of a period the plan does not have and no record looks back to).
    public var actualsWithoutPlans: [PerformanceActual] = []
    /// Actual rows of a period not reviewed that supplied a record's previous sales.
    public var previousPeriodActuals: [PerformanceActual] = []
    /// Rows of other periods, left out by the period filter.
    public var otherPeriodPlans: [PerformancePlan] = []
    public var otherPeriodActuals: [PerformanceActual] = []

    public init() {}

    /// Joins `plans` and `actuals`.
    ///
    /// - Parameters:
    ///   - plans: Plan rows; (period, person) unique.
    ///   - actuals: Actual rows; (period, person) unique (the first is used otherwise).
    ///   - period: The period to review, or `nil` for every period of the plan.
    /// - Returns: The records and every row that did not join, by why.
    /// - Complexity: O(plans + actuals).
    public static func join(plans: [PerformancePlan], actuals: [PerformanceActual], period: ReviewPeriod?) -> PerformanceJoin {
        struct Key: Hashable {
            let period: ReviewPeriod
            let person: String
        }
        var result = PerformanceJoin()
        let reviewed = period.map { Set([$0]) } ?? Set(plans.map(\.period))
        result.periods = reviewed.sorted()
        var actualByKey: [Key: PerformanceActual] = [:]
        for actual in actuals where actualByKey[Key(period: actual.period, person: actual.person)] == nil {
            actualByKey[Key(period: actual.period, person: actual.person)] = actual
        }
        var planKeys = Set<Key>()
        var usedAsPrevious = Set<Key>()
        for plan in plans {
            guard reviewed.contains(plan.period) else {
                result.otherPeriodPlans.append(plan)
                continue
            }
            let key = Key(period: plan.period, person: plan.person)
            planKeys.insert(key)
            guard let actual = actualByKey[key] else {
                result.plansWithoutActuals.append(plan)
                continue
            }
            let previous: PerformanceRecord.PreviousSales
            if let stated = actual.previousSales {
                previous = .stated(stated)
            } else if let previousPeriod = plan.period.previous {
                let previousKey = Key(period: previousPeriod, person: plan.person)
                if let row = actualByKey[previousKey] {
                    previous = .previousRow(row.sales, period: previousPeriod, line: row.line)
                    usedAsPrevious.insert(previousKey)
                } else {
                    previous = .unknown(previousPeriod: previousPeriod)
                }
            } else {
                previous = .unknown(previousPeriod: nil)
            }
            result.records.append(PerformanceRecord(plan: plan, actual: actual, previousSales: previous))
        }
        var seen = Set<Key>()
        for actual in actuals {
            let key = Key(period: actual.period, person: actual.person)
            guard seen.insert(key).inserted else { continue }
            if reviewed.contains(actual.period) {
                if !planKeys.contains(key) { result.actualsWithoutPlans.append(actual) }
            } else if usedAsPrevious.contains(key) {
                result.previousPeriodActuals.append(actual)
            } else if period != nil {
                result.otherPeriodActuals.append(actual)
            } else {
                result.actualsWithoutPlans.append(actual)
            }
        }
        return result
    }
}
