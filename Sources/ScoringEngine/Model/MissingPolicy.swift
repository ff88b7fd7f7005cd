/// What the model does when an account has no value for a factor (a blank or a missing code).
///
/// Whatever the policy, a missing value counts against the account's information
/// completeness; the policy decides only the utility used in its place.
public enum MissingPolicy: String, Sendable, Codable, CaseIterable {
    /// The account cannot be scored without it: the row is rejected with the reason.
    case required
    /// The worst utility for the factor's side: 0 on the value side, 1 on the difficulty side.
    case worst
    /// The middle utility, 0.5.
    case neutral
    /// The mean utility of the accounts in the batch that have the value (batch-relative;
    /// 0.5 when none has it).
    case mean
}
