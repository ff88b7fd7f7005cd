/// Why factor weights could not be fitted to past outcomes.
public enum WeightFitError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A hyperparameter is out of range.
    case invalidSetting(name: String, value: String, allowed: String)
    /// Fewer outcomes of one kind than cross-validation needs.
    case tooFewOutcomes(won: Int, lost: Int, needed: Int)
    /// The logistic regression failed (separation, collinearity, …).
    case regression(LogisticRegressionError)

    public var description: String {
        switch self {
        case .invalidSetting(let name, let value, let allowed):
            return "the \(name) is \(value); it must be \(allowed)."
        case .tooFewOutcomes(let won, let lost, let needed):
            return "the history has \(won) won and \(lost) lost outcomes; choosing the prior's strength by "
                + "cross-validation needs at least \(needed) of each. Give the strength yourself "
                + "(--strength 10, for example) or add outcomes."
        case .regression(let error):
            return error.description
        }
    }
}
