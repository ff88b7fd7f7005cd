/// The 100-point review of managers and specialists (seed §2.2 大客户经理/专员绩效考核指标):
/// items with their maxima and rules, and how items that cannot be scored count.
///
/// Rules are data (`models/scorecard.yaml` holds the seed's), so that readings the seed
/// leaves open — whether bonus points may pass an item's maximum, how partial 5% steps
/// count, whether complaints may take the total below the item — are choices in a file,
/// not constants in code.
public struct Scorecard: Sendable, Equatable {
    /// How an item that cannot be scored (a plan of zero, no previous period, a rating not
    /// recorded) counts in the total.
    public enum NotApplicablePolicy: String, Sendable, CaseIterable {
        /// It scores 0: total = Σ points of the items scored. Gaps in the data cost points
        /// and stay visible.
        case zero
        /// The total is scaled to the scorecard's maximum over the items scored:
        /// total = Σ points × maximum / Σ maxima of the items scored.
        case rescale
    }

    public let name: String
    /// The roles the scorecard reviews, in file order.
    public let roles: [TeamRole]
    public let notApplicable: NotApplicablePolicy
    public let items: [ScorecardItem]

    /// Creates a scorecard, checking its rules.
    ///
    /// - Throws: ``ScorecardError`` for an empty or inconsistent rule set: no items or
    ///   roles, duplicate or malformed ids, a maximum ≤ 0, points at the standard outside
    ///   0...maximum, a step ≤ 0, negative points, a floor above the maximum, a level
    ///   outside 0...maximum, tiers that overlap, leave gaps, or end with an upper bound
    ///   (every count above the last tier must be charged), or one column read both as a
    ///   rating and as counts.
    public init(name: String, roles: [TeamRole], notApplicable: NotApplicablePolicy, items: [ScorecardItem]) throws(ScorecardError) {
        guard !items.isEmpty else { throw .noItems }
        guard !roles.isEmpty else { throw .noRoles }
        var ids = Set<String>()
        var ratingColumns: [String: String] = [:]
        var countColumns: [String: String] = [:]
        for item in items {
            guard !item.id.isEmpty, item.id.unicodeScalars.allSatisfy({ Self.idCharacters.contains($0) }) else {
                throw .invalidID(item.id)
            }
            guard ids.insert(item.id).inserted else { throw .duplicateItem(item.id) }
            guard item.maximum > 0, item.maximum.isFinite else {
                throw .nonPositiveMaximum(item: item.id, value: item.maximum)
            }
            switch item.rule {
            case .stepped(let rule):
                guard (0...item.maximum).contains(rule.pointsAtStandard) else {
                    throw .pointsAtStandardOutOfRange(item: item.id, value: rule.pointsAtStandard, maximum: item.maximum)
                }
                for rate in [rule.above, rule.below].compactMap({ $0 }) {
                    guard rate.step > 0, rate.step.isFinite else { throw .nonPositiveStep(item: item.id, value: rate.step) }
                    guard rate.points >= 0, rate.points.isFinite else { throw .negativePoints(item: item.id, value: rate.points) }
                }
                if let floor = rule.floor, floor > item.maximum {
                    throw .floorAboveMaximum(item: item.id, floor: floor, maximum: item.maximum)
                }
            case .rating(let rule):
                guard !rule.column.isEmpty else { throw .emptyColumn(item: item.id) }
                for level in rule.levels where level.points.lowerBound < 0 || level.points.upperBound > item.maximum {
                    throw .levelOutOfRange(item: item.id, level: level.text, maximum: item.maximum)
                }
                if let other = countColumns[rule.column] {
                    throw .columnReadTwoWays(column: rule.column, ratingItem: item.id, deductionItem: other)
                }
                ratingColumns[rule.column] = ratingColumns[rule.column] ?? item.id
            case .deductions(let rule):
                if let floor = rule.floor, floor > item.maximum {
                    throw .floorAboveMaximum(item: item.id, floor: floor, maximum: item.maximum)
                }
                for deduction in rule.deductions {
                    guard !deduction.column.isEmpty else { throw .emptyColumn(item: item.id) }
                    if let other = ratingColumns[deduction.column] {
                        throw .columnReadTwoWays(column: deduction.column, ratingItem: other, deductionItem: item.id)
                    }
                    countColumns[deduction.column] = countColumns[deduction.column] ?? item.id
                    try Self.check(deduction, item: item.id)
                }
            }
        }
        self.name = name
        self.roles = roles
        self.notApplicable = notApplicable
        self.items = items
    }

    private static let idCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-".unicodeScalars)

    private static func check(_ deduction: DeductionRule.Deduction, item: String) throws(ScorecardError) {
        switch deduction.charge {
        case .each(let points):
            guard points >= 0, points.isFinite else { throw .negativePoints(item: item, value: points) }
        case .monthlyTiers(let tiers):
            guard let last = tiers.last else {
                throw .badTiers(item: item, column: deduction.column, problem: "are empty; give at least one {from, points}.")
            }
            for (index, tier) in tiers.enumerated() {
                guard tier.points >= 0, tier.points.isFinite else { throw .negativePoints(item: item, value: tier.points) }
                guard tier.from >= 0, tier.from == tier.from.rounded() else {
                    throw .badTiers(item: item, column: deduction.column, problem: "must start at whole counts of at least 0.")
                }
                if let to = tier.to {
                    guard to >= tier.from, to == to.rounded() else {
                        throw .badTiers(
                            item: item, column: deduction.column, problem: "must end at whole counts no lower than where they start.")
                    }
                    if index + 1 < tiers.count, tiers[index + 1].from != to + 1 {
                        throw .badTiers(
                            item: item, column: deduction.column,
                            problem:
                                "must follow each other without gap or overlap: a tier ending at \(PerformanceNumberFormat.compact(to)) must be followed by one starting at \(PerformanceNumberFormat.compact(to + 1))."
                        )
                    }
                } else if index + 1 < tiers.count {
                    throw .badTiers(item: item, column: deduction.column, problem: "may leave out 'to' only in the last tier.")
                }
            }
            guard last.to == nil else {
                throw .badTiers(
                    item: item, column: deduction.column,
                    problem:
                        "end at \(PerformanceNumberFormat.compact(last.to ?? 0)); remove the last tier's 'to' so that every higher count is charged too."
                )
            }
        }
    }

    /// The sum of the items' maxima (100 for the seed's scorecard).
    public var maximum: Double { items.reduce(0) { $0 + $1.maximum } }

    /// The actuals columns rated by items, in item order.
    public var ratingColumns: [String] {
        var seen = Set<String>()
        return items.compactMap { item in
            guard case .rating(let rule) = item.rule, seen.insert(rule.column).inserted else { return nil }
            return rule.column
        }
    }

    /// The actuals columns counted by deductions, in item order.
    public var countColumns: [String] {
        var seen = Set<String>()
        return items.flatMap { item -> [String] in
            guard case .deductions(let rule) = item.rule else { return [] }
            return rule.deductions.map(\.column).filter { seen.insert($0).inserted }
        }
    }

    /// The item that rates `column`, with its rule, for checking values while reading.
    public func ratingItem(forColumn column: String) -> (item: ScorecardItem, rule: RatingRule)? {
        for item in items {
            if case .rating(let rule) = item.rule, rule.column == column { return (item, rule) }
        }
        return nil
    }
}
