/// Why an account scored as it did: each factor's contribution to its value and difficulty
/// scores, and the reasons that push its priority up and down the most.
///
/// A factor's contribution is `100 × weight × utility`; the contributions of a side sum to
/// that side's score (up to floating-point rounding, within 1e-9).
public struct Explanation: Sendable, Equatable {
    public struct Contribution: Sendable, Equatable {
        public let factorIndex: Int
        public let factorID: String
        public let side: Factor.Side
        /// The utility in 0...1 after the missing policy.
        public let utility: Double
        /// Points of the side's score, 0...100 × weight.
        public let points: Double
        /// Whether the raw value was present (false: the missing policy supplied the utility).
        public let present: Bool
        /// Effect on priority against a middling account (utility 0.5): positive helps.
        /// Value factors help when above 0.5; difficulty factors help when below it.
        public let impact: Double
    }

    public let contributions: [Contribution]

    /// Explains one account.
    ///
    /// - Parameters:
    ///   - utilities: the account's utility row, in model factor order.
    ///   - present: whether each raw value was present.
    ///   - weights: normalized weights in model factor order.
    public init(model: ScoringModel, utilities: ArraySlice<Double>, present: ArraySlice<Bool>, weights: [Double]) {
        var contributions: [Contribution] = []
        contributions.reserveCapacity(model.factors.count)
        for (index, factor) in model.factors.enumerated() {
            let utility = utilities[utilities.startIndex + index]
            let points = 100 * weights[index] * utility
            let centred = 100 * weights[index] * (utility - 0.5)
            contributions.append(
                Contribution(
                    factorIndex: index, factorID: factor.id, side: factor.side, utility: utility, points: points,
                    present: present[present.startIndex + index],
                    impact: factor.side == .value ? centred : -centred))
        }
        self.contributions = contributions
    }

    /// The sum of contributions on one side: the side's score.
    public func total(_ side: Factor.Side) -> Double {
        contributions.filter { $0.side == side }.reduce(0) { $0 + $1.points }
    }

    /// The factors that raise the account's priority most, strongest first (impact > 0).
    public func reasonsUp(limit: Int = 3) -> [Contribution] {
        Array(contributions.filter { $0.impact > 1e-9 }.sorted { ($0.impact, $1.factorIndex) > ($1.impact, $0.factorIndex) }.prefix(limit))
    }

    /// The factors that lower the account's priority most, strongest first (impact < 0).
    public func reasonsDown(limit: Int = 3) -> [Contribution] {
        Array(contributions.filter { $0.impact < -1e-9 }.sorted { ($0.impact, $0.factorIndex) < ($1.impact, $1.factorIndex) }.prefix(limit))
    }
}
