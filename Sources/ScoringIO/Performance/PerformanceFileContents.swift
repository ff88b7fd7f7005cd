import ScoringEngine

/// What a plan or actuals file gave: its rows (``PerformancePlan`` or ``PerformanceActual``),
/// the rows it rejected, and the columns nothing reads.
public struct PerformanceFileContents<Row: Sendable>: Sendable {
    public let file: String
    public let header: [String]
    /// The rows read, in file order.
    public let rows: [Row]
    public let rejects: [PerformanceReject]
    public let rowsRead: Int
    public let ignoredColumns: [String]
}

extension PerformanceFileContents where Row == PerformancePlan {
    /// The plan's rows, in file order.
    public var plans: [PerformancePlan] { rows }
}

extension PerformanceFileContents where Row == PerformanceActual {
    /// The actuals' rows, in file order.
    public var actuals: [PerformanceActual] { rows }
}
