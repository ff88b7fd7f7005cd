/// A problem that stops `ProspectListGenerator`: an option out of range, or an output that
/// cannot be written.
///
/// Each description says what is wrong and what to change.
public enum GenerationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The row count is negative.
    case rowCount(Int)
    /// The blank rate is outside 0...1 (or not a number).
    case blankRate(Double)
    /// The bad-row count is negative or larger than the row count.
    case badRowCount(Int, rows: Int)
    /// The output could not be opened or written.
    case writeFailed(destination: String, reason: String)

    public var description: String {
        switch self {
        case .rowCount(let rows):
            return "The row count is \(rows); a prospect list needs at least 0 rows."
        case .blankRate(let rate):
            return "The blank rate is \(rate); it is a fraction of the optional cells "
                + "and must be between 0 and 1."
        case .badRowCount(let count, let rows):
            return
                "The bad-row count is \(count); it must be between 0 and the row count (\(rows))."
        case .writeFailed(let destination, let reason):
            return "\(destination): cannot write the prospect list (\(reason)). "
                + "Check the path, its permissions and the free space."
        }
    }
}
