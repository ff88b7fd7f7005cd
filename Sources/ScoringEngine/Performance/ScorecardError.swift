/// Why a scorecard's rules are inconsistent. The scorecard file reader adds file and line.
public enum ScorecardError: Error, Equatable, Sendable, CustomStringConvertible {
    case noItems
    case noRoles
    case duplicateItem(String)
    case invalidID(String)
    case nonPositiveMaximum(item: String, value: Double)
    case pointsAtStandardOutOfRange(item: String, value: Double, maximum: Double)
    case nonPositiveStep(item: String, value: Double)
    case negativePoints(item: String, value: Double)
    case floorAboveMaximum(item: String, floor: Double, maximum: Double)
    case levelOutOfRange(item: String, level: String, maximum: Double)
    case emptyColumn(item: String)
    case badTiers(item: String, column: String, problem: String)
    case columnReadTwoWays(column: String, ratingItem: String, deductionItem: String)

    public var description: String {
        func number(_ value: Double) -> String { PerformanceNumberFormat.compact(value, digits: 6) }
        switch self {
        case .noItems: return "the scorecard has no items; list them under 'items'."
        case .noRoles: return "the scorecard reviews no role; set 'roles' to some of director, manager, specialist."
        case .duplicateItem(let id): return "item '\(id)' is defined twice; give each item its own id."
        case .invalidID(let id): return "item id '\(id)' may hold only letters, digits, '_' and '-'."
        case .nonPositiveMaximum(let item, let value):
            return "the maximum of '\(item)' is \(number(value)); an item's maximum must be more than 0."
        case .pointsAtStandardOutOfRange(let item, let value, let maximum):
            return "points_at_standard of '\(item)' is \(number(value)); it must be between 0 and the item's maximum \(number(maximum))."
        case .nonPositiveStep(let item, let value):
            return "a step of '\(item)' is \(number(value)); steps must be more than 0."
        case .negativePoints(let item, let value):
            return "points of '\(item)' are \(number(value)); points per step, per event or per tier must be at least 0."
        case .floorAboveMaximum(let item, let floor, let maximum):
            return "the floor of '\(item)' is \(number(floor)), above its maximum \(number(maximum)); lower it or remove it."
        case .levelOutOfRange(let item, let level, let maximum):
            return "level \(level) of '\(item)' lies outside 0–\(number(maximum)); levels must be within the item's maximum."
        case .emptyColumn(let item): return "'\(item)' names an empty column; give the actuals column it reads."
        case .badTiers(let item, let column, let problem):
            return "the tiers of '\(column)' in '\(item)' \(problem)"
        case .columnReadTwoWays(let column, let ratingItem, let deductionItem):
            return "column '\(column)' is read as a rating by '\(ratingItem)' and as counts by '\(deductionItem)'; use two columns."
        }
    }
}
