/// One line of the 100-point scorecard (seed §2.2 考核项目): its maximum and how it is scored.
public struct ScorecardItem: Sendable, Equatable {
    /// How the item's points are found.
    public enum Rule: Sendable, Equatable {
        /// From a measure and a standard, in steps (sales completion, growth, new customers).
        case stepped(SteppedRule)
        /// A rating read from the actuals (the qualitative items).
        case rating(RatingRule)
        /// The maximum less deductions for counted events (attendance, conduct, complaints).
        case deductions(DeductionRule)
    }

    /// Letters, digits, `_` or `-`.
    public let id: String
    public let label: LocalizedLabel
    /// A column heading of at most 6 terminal columns.
    public let shortLabel: LocalizedLabel
    /// The item's points in the seed's table (25 for sales completion); > 0.
    public let maximum: Double
    /// Where the rule comes from, e.g. "§2.2 销售完成率".
    public let source: String
    public let rule: Rule

    public init(id: String, label: LocalizedLabel, shortLabel: LocalizedLabel? = nil, maximum: Double, source: String = "", rule: Rule) {
        self.id = id
        self.label = label
        self.shortLabel = shortLabel ?? LocalizedLabel(en: String(id.prefix(6)), zh: String(id.prefix(6)))
        self.maximum = maximum
        self.source = source
        self.rule = rule
    }
}
