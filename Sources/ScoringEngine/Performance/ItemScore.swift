/// How one scorecard item was scored for one person.
public struct ItemScore: Sendable, Equatable {
    /// The figures behind the points.
    public enum Detail: Sendable, Equatable {
        /// A stepped rule: the outcome, with the actual figure and what it was compared
        /// with (sales and planned sales; sales and previous sales; new and planned accounts).
        case stepped(SteppedRule.Outcome, actual: Double, reference: Double)
        /// A rating as read.
        case rating(Double)
        case deductions(DeductionRule.Outcome)
    }

    public enum Status: Sendable, Equatable {
        case scored(points: Double, detail: Detail)
        case notApplicable(NotApplicable)
    }

    public let item: ScorecardItem
    public let status: Status

    /// The points, or `nil` when the item could not be scored.
    public var points: Double? {
        if case .scored(let points, _) = status { return points }
        return nil
    }

    public var notApplicable: NotApplicable? {
        if case .notApplicable(let reason) = status { return reason }
        return nil
    }
}
