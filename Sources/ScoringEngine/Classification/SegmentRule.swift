/// A customer segment (DOMAIN.md: premium, high-value, group, strategic, potential): a rule
/// on columns of the prospect list, not a score. An account can be in several segments.
///
/// The rule is in disjunctive form: the account is in the segment when every condition of
/// at least one group holds.
public struct SegmentRule: Sendable, Equatable, Codable {
    public let id: String
    public let label: LocalizedLabel
    public let groups: [[Condition]]

    public init(id: String, label: LocalizedLabel, groups: [[Condition]]) {
        self.id = id
        self.label = label
        self.groups = groups
    }

    /// Every column the rule reads.
    public var columns: [String] {
        var seen: [String] = []
        for condition in groups.joined() where !seen.contains(condition.column) {
            seen.append(condition.column)
        }
        return seen
    }

    /// For every account: whether it is in the segment. Evaluated column by column (one
    /// dictionary look-up per condition, not per account); `false` everywhere when a column
    /// is absent.
    ///
    /// - Complexity: O(accounts × conditions).
    public func members(in data: SegmentData, count: Int) -> [Bool] {
        var result = [Bool](repeating: false, count: count)
        for group in groups {
            var holds = [Bool](repeating: true, count: count)
            for condition in group {
                guard let column = data.columns[condition.column] else {
                    holds = [Bool](repeating: false, count: count)
                    break
                }
                for row in 0..<count where holds[row] { holds[row] = condition.holds(for: column[row]) }
            }
            for row in 0..<count where holds[row] { result[row] = true }
        }
        return result
    }

    /// Whether the account at `row` is in the segment. A condition on a missing value is false.
    public func contains(row: Int, in data: SegmentData) -> Bool {
        groups.contains { group in
            group.allSatisfy { condition in
                guard let column = data.columns[condition.column] else { return false }
                return condition.holds(for: column[row])
            }
        }
    }
}

/// One comparison of a column with a constant.
public struct Condition: Sendable, Equatable, Codable {
    public let column: String
    public let comparison: Comparison
    public let operand: Operand

    public init(column: String, comparison: Comparison, operand: Operand) {
        self.column = column
        self.comparison = comparison
        self.operand = operand
    }

    public enum Comparison: String, Sendable, Codable, CaseIterable {
        case equal = "=="
        case notEqual = "!="
        case greater = ">"
        case greaterOrEqual = ">="
        case less = "<"
        case lessOrEqual = "<="
        /// The column has a value (not blank, not a missing code); the operand is ignored.
        case present
        /// The column has no value.
        case absent
    }

    public enum Operand: Sendable, Equatable, Codable {
        case number(Double)
        case text(String)
        case none
    }

    /// Whether the condition reads the column as numbers.
    public var isNumeric: Bool {
        if case .number = operand { return true }
        return false
    }

    public func holds(for value: SegmentValue) -> Bool {
        switch comparison {
        case .present:
            if case .missing = value { return false }
            return true
        case .absent:
            if case .missing = value { return true }
            return false
        default: break
        }
        switch (value, operand) {
        case (.number(let x), .number(let y)):
            switch comparison {
            case .equal: return x == y
            case .notEqual: return x != y
            case .greater: return x > y
            case .greaterOrEqual: return x >= y
            case .less: return x < y
            case .lessOrEqual: return x <= y
            case .present, .absent: return false
            }
        case (.text(let x), .text(let y)):
            let same = x.compare(y, caseInsensitive: true)
            switch comparison {
            case .equal: return same
            case .notEqual: return !same
            default: return false
            }
        default:
            return false
        }
    }

    /// The condition as written in a model file, e.g. `cumulative_consumption > 1000`.
    public var text: String {
        switch operand {
        case .none: return "\(column) \(comparison.rawValue)"
        case .number(let y): return "\(column) \(comparison.rawValue) \(formatPlain(y))"
        case .text(let y): return "\(column) \(comparison.rawValue) \(y)"
        }
    }
}

/// A value of a column read for segment rules.
public enum SegmentValue: Sendable, Equatable {
    case number(Double)
    case text(String)
    case missing
}

/// The columns segment rules read, one value per account, by column name.
public struct SegmentData: Sendable {
    public var columns: [String: [SegmentValue]]
    public init(columns: [String: [SegmentValue]] = [:]) { self.columns = columns }
}

extension String {
    /// Whether the two are equal, ignoring case when asked: `lowercased() ==
    /// other.lowercased()`, without making either lower-cased string when both are ASCII
    /// (then lower-casing maps A–Z to a–z and nothing else). Segment rules compare every
    /// account's text with their operands this way.
    func compare(_ other: String, caseInsensitive: Bool) -> Bool {
        guard caseInsensitive else { return self == other }
        var mine = utf8.makeIterator()
        var theirs = other.utf8.makeIterator()
        while true {
            switch (mine.next(), theirs.next()) {
            case (nil, nil): return true
            case (let x?, let y?) where x < 0x80 && y < 0x80:
                if x == y { continue }
                let lowerX = x &- 0x41 < 26 ? x | 0x20 : x
                let lowerY = y &- 0x41 < 26 ? y | 0x20 : y
                if lowerX != lowerY { return false }
            case (nil, _), (_, nil):
                // One ended: different lengths, unless non-ASCII text lower-cases to more bytes.
                return (isASCII && other.isASCII) ? false : lowercased() == other.lowercased()
            default:
                return lowercased() == other.lowercased()
            }
        }
    }

    private var isASCII: Bool { utf8.allSatisfy { $0 < 0x80 } }
}

/// Formats a double without a trailing `.0` for whole numbers (for messages and model text).
public func formatPlain(_ value: Double) -> String {
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return String(value)
}
