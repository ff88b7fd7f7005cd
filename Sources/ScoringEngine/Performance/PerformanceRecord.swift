/// One person's plan and actuals for one review period, joined, with the previous
/// period's sales that growth compares with.
public struct PerformanceRecord: Sendable, Equatable {
    /// Where the previous period's sales came from.
    public enum PreviousSales: Sendable, Equatable {
        /// The actual row's own `previous_sales` column.
        case stated(Double)
        /// The `sales` of the person's actual row for the previous period, read on `line`.
        case previousRow(Double, period: ReviewPeriod, line: Int)
        /// Neither: growth is not applicable. `previousPeriod` is the period that was
        /// looked for, `nil` when the period's spelling has no previous period.
        case unknown(previousPeriod: ReviewPeriod?)

        public var value: Double? {
            switch self {
            case .stated(let value), .previousRow(let value, _, _): return value
            case .unknown: return nil
            }
        }
    }

    public let plan: PerformancePlan
    public let actual: PerformanceActual
    public let previousSales: PreviousSales

    public init(plan: PerformancePlan, actual: PerformanceActual, previousSales: PreviousSales) {
        precondition(
            plan.period == actual.period && plan.person == actual.person,
            "A performance record joins a plan and actuals of the same person and period")
        self.plan = plan
        self.actual = actual
        self.previousSales = previousSales
    }

    public var period: ReviewPeriod { plan.period }
    public var person: String { plan.person }
    public var role: TeamRole { plan.role }
    public var team: String { plan.team }
}
