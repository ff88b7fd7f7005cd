/// A code in a numeric column that is not a measurement, with a utility of its own: the
/// bank's `pdays = 999` ("never contacted"), a `−1` for "not applicable", a `0` that means
/// "none recorded".
///
/// A value equal to `value` (exactly, after the column's unit is applied) does not go
/// through the factor's scale: its utility is `utility` as stated — the factor's direction
/// is not applied, as with a stated missing utility (``MissingPolicy/fixed(utility:evidence:)``)
/// — and it counts as present for completeness. Without a stated utility (a code declared in a
/// hand-written model, for `kam model fit` to learn), the account gets the utility the
/// factor's missing policy gives a missing value (`worst`, `neutral` or a stated one; `mean`
/// and `required` need a stated utility).
///
/// `kam rank` (streaming and in memory), `kam explain`, `kam model show` and the SQL export
/// all evaluate special values before the scale.
public struct SpecialValue: Sendable, Equatable, Codable {
    /// The code, a finite number.
    public let value: Double
    /// The final utility in 0...1 (direction already applied); `nil`: the missing policy's.
    public let utility: Double?
    /// What the code means, for people ("never contacted").
    public let label: String?
    /// The outcomes the utility was learned from, for learned special values.
    public let evidence: Evidence?

    public init(value: Double, utility: Double? = nil, label: String? = nil, evidence: Evidence? = nil) {
        self.value = value
        self.utility = utility
        self.label = label
        self.evidence = evidence
    }
}
