/// A plan or actuals file that cannot be used as a whole. Problems with single rows are
/// ``PerformanceReject``s, which never stop a review.
public enum PerformanceDataError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Required columns are not in the header.
    case missingColumns(file: String, kind: String, missing: [String], available: [String])
    /// `--period` names a period the plan has no row for.
    case periodNotInPlan(period: String, file: String, available: [String])
    /// The plan has no usable row for the periods under review.
    case nothingToReview(file: String)

    public var description: String {
        switch self {
        case .missingColumns(let file, let kind, let missing, let available):
            let plural = missing.count == 1 ? "column" : "columns"
            return "\(file): \(kind == "plan" ? "a plan" : "an actuals file") needs the \(plural) "
                + "\(missing.map { "'\($0)'" }.joined(separator: ", ")), which the file lacks. "
                + "The file has: \(available.joined(separator: ", ")). Rename the header (see `kam kpi --help`)."
        case .periodNotInPlan(let period, let file, let available):
            return "\(file): the plan has no row for the period \(period); it has \(available.joined(separator: ", ")). "
                + "Choose one of those with --period."
        case .nothingToReview(let file):
            return "\(file): no plan row could be joined with actuals, so there is nothing to review; see the rejected rows."
        }
    }
}
