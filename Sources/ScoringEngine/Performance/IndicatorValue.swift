/// One indicator's value: a percentage with the figures behind it, or not applicable.
public enum IndicatorValue: Sendable, Equatable {
    /// `value` = 100 × `numerator` / `denominator`, with `denominator` > 0. Not capped: a
    /// completion above plan is above 100, growth may be negative.
    case percent(Double, numerator: Double, denominator: Double)
    /// Undefined for the data (zero denominator, a figure not recorded, …), with why.
    case notApplicable(NotApplicable)

    /// 100 × numerator / denominator, or not applicable with a zero-denominator reason.
    ///
    /// The product is taken before the division, so that exact decimal inputs give exact
    /// results where a `Double` can hold them (475 of 500 is exactly 95).
    public static func ratio(
        _ numerator: Double, _ denominator: Double, numeratorName: String, denominatorName: String
    ) -> IndicatorValue {
        guard denominator != 0 else {
            return .notApplicable(
                NotApplicable(
                    .zeroDenominator(denominator: denominatorName, numerator: numeratorName, numeratorValue: numerator)))
        }
        return .percent(100 * numerator / denominator, numerator: numerator, denominator: denominator)
    }

    /// The percentage, or `nil` when not applicable.
    public var percent: Double? {
        if case .percent(let value, _, _) = self { return value }
        return nil
    }

    /// Why there is no value, or `nil` when there is one.
    public var notApplicable: NotApplicable? {
        if case .notApplicable(let reason) = self { return reason }
        return nil
    }
}
