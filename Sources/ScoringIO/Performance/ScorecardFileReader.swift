import Foundation
import ScoringEngine
import Yams

/// Reads a scorecard file (YAML; `models/scorecard.yaml` holds the seed's §2.2 rules) into a
/// ``Scorecard``.
///
/// Every key is checked, as in model files: an unknown key lists the keys allowed there,
/// and every value is checked for type and range, so that an error names the file and line
/// and says what to write instead (`ModelFileError`, the error of every YAML file under
/// `models/`).
///
/// ```yaml
/// name: seed
/// roles: [manager, specialist]        # who is scored
/// not_applicable: zero                # zero | rescale
/// partial_steps: whole                # default of stepped items: whole | started | proportional
/// bonus_may_exceed_maximum: true      # default of stepped items
/// items:
///   - id: sales_completion
///     label: {en: Sales completion, zh: 销售完成率}
///     short: {en: sales, zh: 销售}      # column heading, at most 6 columns wide
///     maximum: 25
///     source: "§2.2 销售完成率"
///     stepped:                        # or rating: / deductions:
///       measure: sales_completion     # sales_completion | sales_growth | new_accounts_vs_plan
///       standard: 100
///       points_at_standard: 25
///       below: {step: 5, points: 1}
///       above: {step: 5, points: 1}
///       floor: 0                      # default 0; null for none
/// ```
public struct ScorecardFileReader: YAMLFileReader {
    public static let format = YAMLFileFormat(kind: "scorecard", option: "--scorecard") {
        root, file throws(ModelFileError) in try ScorecardFileParser(parser: ModelFileParser(file: file)).scorecard(from: root)
    }

    public init() {}
}

/// Walks the YAML tree of a scorecard file, checking each key and value.
struct ScorecardFileParser {
    let parser: ModelFileParser

    struct Defaults {
        var partialSteps: SteppedRule.PartialSteps = .whole
        var bonusMayExceedMaximum = true
    }

    func scorecard(from root: Node) throws(ModelFileError) -> Scorecard {
        let top = try parser.mapping(
            root, "the scorecard file",
            allowed: ["name", "description", "roles", "not_applicable", "partial_steps", "bonus_may_exceed_maximum", "items"])
        let name = try top["name"].map { (node: Node) throws(ModelFileError) in try parser.string(node, "name") } ?? "scorecard"
        var roles: [TeamRole] = [.manager, .specialist]
        if let node = top["roles"] {
            roles = []
            for item in try parser.sequence(node, "roles") {
                let role = try parser.choice(item, "a role", TeamRole.self)
                if !roles.contains(role) { roles.append(role) }
            }
        }
        let policy =
            try top["not_applicable"].map { (node: Node) throws(ModelFileError) in
                try parser.choice(node, "not_applicable", Scorecard.NotApplicablePolicy.self)
            } ?? .zero
        var defaults = Defaults()
        if let node = top["partial_steps"] {
            defaults.partialSteps = try parser.choice(node, "partial_steps", SteppedRule.PartialSteps.self)
        }
        if let node = top["bonus_may_exceed_maximum"] { defaults.bonusMayExceedMaximum = try parser.bool(node, "bonus_may_exceed_maximum") }
        let itemsNode = try parser.required(top, "items", in: "the scorecard file", at: root)
        var items: [ScorecardItem] = []
        var itemLines: [String: Int] = [:]
        for node in try parser.sequence(itemsNode, "items") {
            let item = try self.item(node, defaults: defaults)
            if itemLines[item.id] == nil { itemLines[item.id] = node.mark?.line ?? 0 }
            items.append(item)
        }
        do {
            return try Scorecard(name: name, roles: roles, notApplicable: policy, items: items)
        } catch {
            var line = itemsNode.mark?.line ?? 0
            switch error {
            case .noRoles: line = top["roles"]?.mark?.line ?? line
            case .duplicateItem(let id), .invalidID(let id):
                line = itemsNode.sequence?.reversed().first { $0.mapping?["id"]?.string == id }?.mark?.line ?? line
            case .nonPositiveMaximum(let item, _), .pointsAtStandardOutOfRange(let item, _, _), .nonPositiveStep(let item, _),
                .negativePoints(let item, _), .floorAboveMaximum(let item, _, _), .levelOutOfRange(let item, _, _),
                .emptyColumn(let item), .badTiers(let item, _, _):
                line = itemLines[item] ?? line
            case .columnReadTwoWays(_, _, let deductionItem): line = itemLines[deductionItem] ?? line
            case .noItems: break
            }
            throw parser.fail(nil, error.description).at(line: line)
        }
    }

    func item(_ node: Node, defaults: Defaults) throws(ModelFileError) -> ScorecardItem {
        let map = try parser.mapping(
            node, "an item", allowed: ["id", "label", "short", "maximum", "source", "stepped", "rating", "deductions"])
        let id = try parser.string(try parser.required(map, "id", in: "an item", at: node), "an item's id")
        let what = "item '\(id)'"
        let label =
            try map["label"].map { (n: Node) throws(ModelFileError) in try parser.label(n, "\(what) label") }
            ?? LocalizedLabel(en: id, zh: id)
        let short = try map["short"].map { (n: Node) throws(ModelFileError) in try parser.label(n, "\(what) short") }
        let maximum = try parser.number(try parser.required(map, "maximum", in: what, at: node), "\(what) maximum")
        let source = try map["source"].map { (n: Node) throws(ModelFileError) in try parser.string(n, "\(what) source") } ?? ""
        let rules = ["stepped", "rating", "deductions"].filter { map[$0] != nil }
        guard rules.count == 1, let kind = rules.first, let ruleNode = map[kind] else {
            throw parser.fail(
                node,
                "\(what) needs exactly one of 'stepped', 'rating' or 'deductions'\(rules.count > 1 ? ", not \(rules.joined(separator: " and "))" : "")."
            )
        }
        let rule: ScorecardItem.Rule
        switch kind {
        case "stepped": rule = .stepped(try stepped(ruleNode, what: what, defaults: defaults))
        case "rating": rule = .rating(try rating(ruleNode, what: what))
        default: rule = .deductions(try deductions(ruleNode, what: what))
        }
        return ScorecardItem(id: id, label: label, shortLabel: short, maximum: maximum, source: source, rule: rule)
    }

    func stepped(_ node: Node, what: String, defaults: Defaults) throws(ModelFileError) -> SteppedRule {
        let map = try parser.mapping(
            node, "\(what) stepped",
            allowed: ["measure", "standard", "points_at_standard", "above", "below", "partial_steps", "bonus_may_exceed_maximum", "floor"])
        let measure = try parser.choice(
            try parser.required(map, "measure", in: "\(what) stepped", at: node), "\(what) measure", SteppedRule.Measure.self)
        let standard = try map["standard"].map { (n: Node) throws(ModelFileError) in try parser.number(n, "\(what) standard") } ?? 0
        let points = try parser.number(
            try parser.required(map, "points_at_standard", in: "\(what) stepped", at: node), "\(what) points_at_standard")
        func rate(_ key: String) throws(ModelFileError) -> SteppedRule.Rate? {
            guard let node = map[key] else { return nil }
            if node.null != nil { return nil }
            let rate = try parser.mapping(node, "\(what) \(key)", allowed: ["step", "points"])
            let step = try parser.number(try parser.required(rate, "step", in: "\(what) \(key)", at: node), "\(what) \(key) step")
            let points = try parser.number(try parser.required(rate, "points", in: "\(what) \(key)", at: node), "\(what) \(key) points")
            return SteppedRule.Rate(step: step, points: points)
        }
        let partial =
            try map["partial_steps"].map { (n: Node) throws(ModelFileError) in
                try parser.choice(n, "\(what) partial_steps", SteppedRule.PartialSteps.self)
            } ?? defaults.partialSteps
        let bonus =
            try map["bonus_may_exceed_maximum"].map { (n: Node) throws(ModelFileError) in
                try parser.bool(n, "\(what) bonus_may_exceed_maximum")
            } ?? defaults.bonusMayExceedMaximum
        return SteppedRule(
            measure: measure, standard: standard, pointsAtStandard: points, above: try rate("above"), below: try rate("below"),
            partialSteps: partial, bonusMayExceedMaximum: bonus, floor: try floor(map["floor"], what: what))
    }

    func floor(_ node: Node?, what: String) throws(ModelFileError) -> Double? {
        guard let node else { return 0 }
        if node.null != nil || node.string?.lowercased() == "none" { return nil }
        return try parser.number(node, "\(what) floor")
    }

    func rating(_ node: Node, what: String) throws(ModelFileError) -> RatingRule {
        let map = try parser.mapping(node, "\(what) rating", allowed: ["column", "levels"])
        let column = try parser.string(try parser.required(map, "column", in: "\(what) rating", at: node), "\(what) column")
        var levels: [RatingRule.Level] = []
        if let levelsNode = map["levels"] {
            for levelNode in try parser.sequence(levelsNode, "\(what) levels") {
                let level = try parser.mapping(levelNode, "a level of \(what)", allowed: ["points", "from", "to", "label"])
                let label = try level["label"].map { (n: Node) throws(ModelFileError) in try parser.label(n, "a level label of \(what)") }
                if let points = level["points"] {
                    guard level["from"] == nil, level["to"] == nil else {
                        throw parser.fail(levelNode, "a level of \(what) has either 'points' or 'from' and 'to', not both.")
                    }
                    let value = try parser.number(points, "a level of \(what)")
                    levels.append(RatingRule.Level(points: value...value, label: label))
                } else {
                    let from = try parser.number(
                        try parser.required(level, "from", in: "a level of \(what)", at: levelNode), "a level's from")
                    let to = try parser.number(try parser.required(level, "to", in: "a level of \(what)", at: levelNode), "a level's to")
                    guard from <= to else {
                        throw parser.fail(levelNode, "a level of \(what) runs from \(from) to \(to); 'from' must not exceed 'to'.")
                    }
                    levels.append(RatingRule.Level(points: from...to, label: label))
                }
            }
        }
        return RatingRule(column: column, levels: levels)
    }

    func deductions(_ node: Node, what: String) throws(ModelFileError) -> DeductionRule {
        let map = try parser.mapping(node, "\(what) deductions", allowed: ["rules", "floor"])
        var deductions: [DeductionRule.Deduction] = []
        for ruleNode in try parser.sequence(try parser.required(map, "rules", in: "\(what) deductions", at: node), "\(what) rules") {
            let rule = try parser.mapping(ruleNode, "a deduction of \(what)", allowed: ["column", "each", "monthly_tiers"])
            let column = try parser.string(
                try parser.required(rule, "column", in: "a deduction of \(what)", at: ruleNode), "a deduction's column")
            switch (rule["each"], rule["monthly_tiers"]) {
            case (let each?, nil):
                deductions.append(.init(column: column, charge: .each(try parser.number(each, "the points of '\(column)' each"))))
            case (nil, let tiersNode?):
                var tiers: [DeductionRule.Tier] = []
                for tierNode in try parser.sequence(tiersNode, "the monthly tiers of '\(column)'") {
                    let tier = try parser.mapping(tierNode, "a tier of '\(column)'", allowed: ["from", "to", "points"])
                    let from = try parser.number(
                        try parser.required(tier, "from", in: "a tier of '\(column)'", at: tierNode), "a tier's from")
                    let to = try tier["to"].flatMap { (n: Node) throws(ModelFileError) -> Double? in
                        n.null != nil ? nil : try parser.number(n, "a tier's to")
                    }
                    let points = try parser.number(
                        try parser.required(tier, "points", in: "a tier of '\(column)'", at: tierNode), "a tier's points")
                    tiers.append(DeductionRule.Tier(from: from, to: to, points: points))
                }
                deductions.append(.init(column: column, charge: .monthlyTiers(tiers)))
            default:
                throw parser.fail(
                    ruleNode, "the deduction for '\(column)' in \(what) needs exactly one of 'each' (points per count) or 'monthly_tiers'.")
            }
        }
        return DeductionRule(deductions: deductions, floor: try floor(map["floor"], what: what))
    }
}

extension ModelFileError {
    /// The same error at another line.
    func at(line: Int) -> ModelFileError {
        ModelFileError(problem, at: Location(file: file, line: line, key: location.key))
    }
}
