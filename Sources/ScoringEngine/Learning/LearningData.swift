/// One candidate factor's raw data for learning: a column of the history file with one
/// entry per decided account (won or lost).
public struct LearningColumn: Sendable {
    /// The raw values of a column.
    public enum Values: Sendable {
        /// Numbers in the column's unit; `Double.nan` marks a missing value.
        case numeric([Double])
        /// Category labels as read (trimmed); `nil` marks a missing value.
        case categorical([String?])
    }

    /// The column's name in the file.
    public let name: String
    public let values: Values
    /// The base model's factor that reads this column, if any. It gives the learned factor
    /// its id, label, side, direction and unit.
    public let factor: Factor?

    public init(name: String, values: Values, factor: Factor? = nil) {
        self.name = name
        self.values = values
        self.factor = factor
    }

    /// The number of accounts.
    public var count: Int {
        switch values {
        case .numeric(let values): return values.count
        case .categorical(let labels): return labels.count
        }
    }

    /// Whether the column holds category labels.
    public var isCategorical: Bool {
        if case .categorical = values { return true }
        return false
    }
}

/// The decided accounts of a history: candidate columns, the outcomes and (optionally) the
/// pipeline stage of every account, for ``ModelLearner``.
public struct LearningData: Sendable {
    public let columns: [LearningColumn]
    /// 1 won, 0 lost, one per account.
    public let outcomes: [Double]
    /// The development stage of each account (for the stage baseline), or `nil` without a
    /// stage column.
    public let stages: [Int?]?

    /// - Precondition: every column (and `stages`) has one entry per outcome.
    public init(columns: [LearningColumn], outcomes: [Double], stages: [Int?]? = nil) {
        precondition(
            columns.allSatisfy { $0.count == outcomes.count },
            "LearningData needs one value per outcome in every column")
        precondition(stages.map { $0.count == outcomes.count } ?? true, "LearningData needs one stage per outcome")
        self.columns = columns
        self.outcomes = outcomes
        self.stages = stages
    }

    /// The number of accounts.
    public var count: Int { outcomes.count }
}
