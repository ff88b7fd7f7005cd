/// What the model does when an account has no value for a factor (a blank or a missing code).
///
/// Whatever the policy, a missing value counts against the account's information
/// completeness; the policy decides only the utility used in its place.
public enum MissingPolicy: Sendable, Equatable, Codable {
    /// The account cannot be scored without it: the row is rejected with the reason.
    case required
    /// The worst utility for the factor's side: 0 on the value side, 1 on the difficulty side.
    case worst
    /// The middle utility, 0.5.
    case neutral
    /// The mean utility of the accounts in the batch that have the value (batch-relative;
    /// 0.5 when none has it).
    case mean
    /// A stated utility in 0...1, used as it is (the factor's direction is not applied):
    /// what `kam model fit` learns from the accounts that had no value, with that evidence.
    case fixed(utility: Double, evidence: Evidence?)

    /// The policies a model file names by a word.
    public static let named: [MissingPolicy] = [.required, .worst, .neutral, .mean]

    /// The word used in model files and reports (`fixed` for a stated utility).
    public var name: String {
        switch self {
        case .required: return "required"
        case .worst: return "worst"
        case .neutral: return "neutral"
        case .mean: return "mean"
        case .fixed: return "fixed"
        }
    }

    /// The policy a model file's word names, if any.
    public init?(name: String) {
        guard let policy = Self.named.first(where: { $0.name == name }) else { return nil }
        self = policy
    }
}
