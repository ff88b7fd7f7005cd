/// A problem with a set of pairwise judgements.
///
/// Items are zero-based positions in the matrix; `names` (may be empty) is used only for the
/// wording of ``description``.
public enum PairwiseComparisonError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A judgement is outside Saaty's scale 1/9...9, or not a finite positive number.
    case outOfScale(row: Int, column: Int, value: Double, names: [String])
    /// An item was compared with itself with a value other than 1.
    case selfComparison(item: Int, value: Double, names: [String])
    /// The same pair was judged twice with different values (directly or as a reciprocal).
    case conflictingJudgements(row: Int, column: Int, first: Double, second: Double, names: [String])
    /// The judged pairs do not connect every item, so the relative weight of the groups is
    /// undetermined: `groups` lists the items of each connected group.
    case disconnected(groups: [[Int]], names: [String])
    /// The eigenvalue solver failed (LAPACK dgeev did not converge).
    case eigenFailure(String)

    static func name(_ item: Int, _ names: [String]) -> String {
        item < names.count ? names[item] : "item \(item + 1)"
    }

    public var description: String {
        switch self {
        case .outOfScale(let row, let column, let value, let names):
            return "the judgement \(Self.name(row, names)) vs \(Self.name(column, names)) is \(value); "
                + "Saaty's scale runs from 1/9 to 9 (1 equal, 3 moderate, 5 strong, 7 very strong, "
                + "9 extreme, reciprocals for the other way round)."
        case .selfComparison(let item, let value, let names):
            return "\(Self.name(item, names)) is compared with itself as \(value); an item compared "
                + "with itself is always 1, so remove that judgement."
        case .conflictingJudgements(let row, let column, let first, let second, let names):
            return "\(Self.name(row, names)) vs \(Self.name(column, names)) is judged twice, as "
                + "\(first) and as \(second) (a reciprocal counts as the same pair); keep one."
        case .disconnected(let groups, let names):
            let text = groups.map { "{" + $0.map { Self.name($0, names) }.joined(separator: ", ") + "}" }
                .joined(separator: " and ")
            return "the judgements do not link \(text): compare at least one item of each group "
                + "with the other group, or the weights between the groups are undetermined."
        case .eigenFailure(let message):
            return "the eigenvalue computation failed: \(message)"
        }
    }
}
