/// One person's scorecard: every item's points and the total.
///
/// ## Mathematical contract
///
/// points = Σ points of the items scored; possible = Σ maxima of the items scored;
/// maximum = Σ maxima of all items. total = points under ``Scorecard/NotApplicablePolicy/zero``,
/// and points × maximum / possible under ``Scorecard/NotApplicablePolicy/rescale`` (`nil`
/// when no item could be scored). Bonus points and items without a floor can take the
/// total above the maximum or below 0; it is reported as it is.
public struct ScorecardResult: Sendable, Equatable {
    public let items: [ItemScore]
    public let policy: Scorecard.NotApplicablePolicy

    public init(items: [ItemScore], policy: Scorecard.NotApplicablePolicy) {
        self.items = items
        self.policy = policy
    }

    public var points: Double { items.reduce(0) { $0 + ($1.points ?? 0) } }

    public var possible: Double { items.reduce(0) { $0 + ($1.points == nil ? 0 : $1.item.maximum) } }

    public var maximum: Double { items.reduce(0) { $0 + $1.item.maximum } }

    /// Whether every item was scored.
    public var isComplete: Bool { items.allSatisfy { $0.points != nil } }

    /// The total under the policy; see the type's contract.
    public var total: Double? {
        switch policy {
        case .zero: return points
        case .rescale:
            let possible = self.possible
            return possible > 0 ? points * maximum / possible : nil
        }
    }
}
