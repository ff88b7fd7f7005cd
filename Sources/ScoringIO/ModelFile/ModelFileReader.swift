import Foundation
import ScoringEngine
import Yams

/// Reads a model file (YAML; see README "The model file") into a `ScoringModel`.
///
/// Every key is checked: an unknown key (a typo such as `wieght`) is an error that lists the
/// keys allowed there, and every value is checked for type and range, so that an error names
/// the line and says what to write instead.
public struct ModelFileReader: YAMLFileReader {
    public static let format = YAMLFileFormat(kind: "model", option: "--model") {
        root, file throws(ModelFileError) in try ModelFileParser(file: file).model(from: root)
    }

    public init() {}
}

/// Walks the YAML tree of a model file, checking each key and value.
struct ModelFileParser {
    let file: String

    /// A problem stated in words at `node`'s line (``ModelFileError/Problem/other(_:)``).
    func fail(_ node: Node?, _ message: String) -> ModelFileError {
        ModelFileError(file: file, line: node?.mark?.line ?? 0, message: message)
    }

    /// `problem` at `node`'s line, about `key` where one is known.
    func fail(_ node: Node?, _ problem: ModelFileError.Problem, key: String? = nil) -> ModelFileError {
        ModelFileError(problem, at: ModelFileError.Location(file: file, line: node?.mark?.line ?? 0, key: key))
    }

    // MARK: Typed access

    func mapping(_ node: Node, _ what: String, allowed: [String]) throws(ModelFileError) -> Node.Mapping {
        guard let mapping = node.mapping else { throw fail(node, .notAMapping(what: what)) }
        for key in mapping.keys {
            let name = key.string ?? ""
            if !allowed.contains(name) {
                throw fail(key, .unknownKey(name, in: what, allowed: allowed), key: name)
            }
        }
        return mapping
    }

    func sequence(_ node: Node, _ what: String) throws(ModelFileError) -> [Node] {
        guard let sequence = node.sequence else { throw fail(node, .notAList(what: what)) }
        return Array(sequence)
    }

    func string(_ node: Node, _ what: String) throws(ModelFileError) -> String {
        guard let scalar = node.scalar else { throw fail(node, .notASingleValue(what: what)) }
        return scalar.string.trimmingCharacters(in: .whitespaces)
    }

    func number(_ node: Node, _ what: String) throws(ModelFileError) -> Double {
        let text = try string(node, what)
        guard let value = Double(text), value.isFinite else {
            throw fail(node, .notANumber(what: what, text: text))
        }
        return value
    }

    func bool(_ node: Node, _ what: String) throws(ModelFileError) -> Bool {
        let text = try string(node, what).lowercased()
        switch text {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw fail(node, .notABoolean(what: what, text: text))
        }
    }

    func choice<T: RawRepresentable & CaseIterable>(_ node: Node, _ what: String, _ type: T.Type) throws(ModelFileError) -> T
    where T.RawValue == String {
        let text = try string(node, what)
        guard let value = T(rawValue: text) else {
            throw fail(node, .notAChoice(what: what, text: text, choices: T.allCases.map(\.rawValue)))
        }
        return value
    }

    func required(_ mapping: Node.Mapping, _ key: String, in what: String, at node: Node) throws(ModelFileError) -> Node {
        guard let value = mapping[key] else { throw fail(node, .missingKey(key, in: what), key: key) }
        return value
    }

    // MARK: Model

    func model(from root: Node) throws(ModelFileError) -> ScoringModel {
        let top = try mapping(
            root, "the model file",
            allowed: [
                "name", "description", "columns", "missing_codes", "column_units", "factors", "grading", "segments", "scenarios",
                "calibration",
            ])
        let name = try top["name"].map { (node: Node) throws(ModelFileError) in try string(node, "name") } ?? "model"
        let columns = try top["columns"].map { (node: Node) throws(ModelFileError) in try accountColumns(node) } ?? AccountColumns()
        var missingCodes = ["NA", "N/A", "unknown", "-", "未知", "无"]
        if let node = top["missing_codes"] {
            missingCodes = try sequence(node, "missing_codes").map { (item: Node) throws(ModelFileError) in
                try string(item, "a missing code")
            }
        }
        var columnUnits: [String: String] = [:]
        if let node = top["column_units"] {
            guard let units = node.mapping else { throw fail(node, "column_units must map column names to units.") }
            for (key, value) in units {
                let unit = try string(value, "the unit of '\(key.string ?? "")'")
                guard NumberUnit(rawValue: unit) != nil else {
                    throw fail(
                        value, "unit '\(unit)' is unknown; use one of: \(NumberUnit.allCases.map(\.rawValue).joined(separator: ", ")).")
                }
                columnUnits[key.string ?? ""] = unit
            }
        }
        let factorsNode = try required(top, "factors", in: "the model file", at: root)
        var factors: [Factor] = []
        var factorLines: [String: Int] = [:]
        for item in try sequence(factorsNode, "factors") {
            let factor = try self.factor(item)
            if factorLines[factor.id] != nil {
                throw fail(
                    item,
                    .definedTwice(
                        kind: "factor", name: factor.id, firstLine: factorLines[factor.id]!, advice: "give each factor its own id."))
            }
            factorLines[factor.id] = item.mark?.line ?? 0
            factors.append(factor)
        }
        let gradingNode = try required(top, "grading", in: "the model file", at: root)
        let grading = try self.grading(gradingNode)
        var segments: [SegmentRule] = []
        if let node = top["segments"] {
            for item in try sequence(node, "segments") { segments.append(try segment(item)) }
        }
        var scenarios: [WeightScenario] = []
        var scenarioLines: [String: Int] = [:]
        if let node = top["scenarios"] {
            for item in try sequence(node, "scenarios") {
                let scenario = try self.scenario(item)
                for id in scenario.weights.keys where factorLines[id] == nil {
                    throw fail(
                        item,
                        "scenario '\(scenario.name)' sets a weight for '\(id)', which is not a factor of the model; factors: \(factors.map(\.id).joined(separator: ", "))."
                    )
                }
                if let first = scenarioLines[scenario.name] {
                    throw fail(
                        item,
                        .definedTwice(
                            kind: "scenario", name: scenario.name, firstLine: first,
                            advice: "give each scenario its own name, so that --scenario and the output columns name one set of weights."))
                }
                scenarioLines[scenario.name] = item.mark?.line ?? 0
                scenarios.append(scenario)
            }
        }
        let calibration = try top["calibration"].map { (node: Node) throws(ModelFileError) in try self.calibration(node) }
        do {
            return try ScoringModel(
                name: name, factors: factors, grading: grading, segments: segments, scenarios: scenarios,
                columns: columns, missingCodes: missingCodes, columnUnits: columnUnits, calibration: calibration)
        } catch {
            // Point at the factor the error concerns where there is one.
            var line = factorsNode.mark?.line ?? 0
            switch error {
            case .negativeWeight(let factor, _), .invalidScale(let factor, _), .duplicateFactor(let factor),
                .invalidMissingUtility(let factor, _), .invalidSpecialValue(let factor, _):
                line = factorLines[factor] ?? line
            case .duplicateScenario(let scenario), .scenarioWeightsZero(let scenario, _),
                .unknownFactorInScenario(let scenario, _):
                line = scenarioLines[scenario] ?? line
            default: break
            }
            throw ModelFileError(.model(error), at: ModelFileError.Location(file: file, line: line))
        }
    }

    func accountColumns(_ node: Node) throws(ModelFileError) -> AccountColumns {
        let keys = ["id", "name", "industry", "region", "manager", "stage", "deal_value"]
        let map = try mapping(node, "columns", allowed: keys)
        func optional(_ key: String, _ fallback: String?) throws(ModelFileError) -> String? {
            guard let value = map[key] else { return fallback }
            if value.null != nil { return nil }
            let text = try string(value, "columns.\(key)")
            return text.isEmpty ? nil : text
        }
        var columns = AccountColumns()
        if let id = map["id"] { columns.id = try string(id, "columns.id") }
        columns.name = try optional("name", columns.name)
        columns.industry = try optional("industry", columns.industry)
        columns.region = try optional("region", columns.region)
        columns.manager = try optional("manager", columns.manager)
        columns.stage = try optional("stage", columns.stage)
        columns.dealValue = try optional("deal_value", columns.dealValue)
        return columns
    }

    // MARK: Factors

    func factor(_ node: Node) throws(ModelFileError) -> Factor {
        let map = try mapping(
            node, "a factor",
            allowed: ["id", "label", "column", "side", "weight", "direction", "scale", "missing", "special_values", "unit", "source"])
        let id = try string(try required(map, "id", in: "a factor", at: node), "the factor id")
        guard !id.isEmpty, id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else {
            throw fail(map["id"], "factor id '\(id)' must be letters, digits, '_' or '-'.")
        }
        let what = "factor '\(id)'"
        let column = try map["column"].map { (n: Node) throws(ModelFileError) in try string(n, "\(what) column") } ?? id
        let side = try choice(try required(map, "side", in: what, at: node), "\(what) side", Factor.Side.self)
        let weightNode = try required(map, "weight", in: what, at: node)
        let weight = try number(weightNode, "weight for '\(id)'")
        guard weight >= 0 else {
            throw fail(weightNode, .negativeWeight(what: "weight for '\(id)'", value: weight), key: "weight")
        }
        let direction =
            try map["direction"].map { (n: Node) throws(ModelFileError) in
                try choice(n, "\(what) direction", Factor.Direction.self)
            } ?? .increasing
        let missing =
            try map["missing"].map { (n: Node) throws(ModelFileError) in
                try missingPolicy(n, "\(what) missing")
            } ?? .neutral
        var unit: String?
        if let n = map["unit"] {
            let text = try string(n, "\(what) unit")
            guard NumberUnit(rawValue: text) != nil else {
                throw fail(n, .notAChoice(what: "\(what) unit", text: text, choices: NumberUnit.allCases.map(\.rawValue)), key: "unit")
            }
            unit = text
        }
        let scale = try self.scale(try required(map, "scale", in: what, at: node), of: id)
        if case .categorical = scale, unit != nil {
            throw fail(map["unit"], "\(what) has a categorical scale, which reads labels, so it takes no unit; remove 'unit'.")
        }
        let label =
            try map["label"].map { (n: Node) throws(ModelFileError) in try self.label(n, "\(what) label") }
            ?? LocalizedLabel(en: id, zh: id)
        let source = try map["source"].map { (n: Node) throws(ModelFileError) in try string(n, "\(what) source") }
        let specialValues =
            try map["special_values"].map { (n: Node) throws(ModelFileError) in
                try self.specialValues(n, of: id, scale: scale, missing: missing)
            } ?? []
        let factor = Factor(
            id: id, label: label, column: column, side: side, weight: weight, direction: direction, scale: scale,
            missing: missing, unit: unit, source: source, specialValues: specialValues)
        return factor
    }

    /// `special_values: [999, -1]`, or items `{value: 999, utility: u, count: n, won: w, label: text}`
    /// (utility, evidence and label optional): codes of a numeric column with a utility of their
    /// own. Each problem is reported at the item's line.
    func specialValues(_ node: Node, of id: String, scale: Scale, missing: MissingPolicy) throws(ModelFileError)
        -> [SpecialValue]
    {
        let what = "special_values of '\(id)'"
        let items = try sequence(node, what)
        if case .categorical = scale {
            throw fail(
                node,
                "factor '\(id)' has a categorical scale, which reads labels; give a code its own category in the map instead of special_values."
            )
        }
        var values: [SpecialValue] = []
        var lines: [Double: Int] = [:]
        for item in items {
            let special: SpecialValue
            if item.scalar != nil {
                special = SpecialValue(value: try number(item, "a special value of '\(id)'"))
            } else {
                let itemWhat = "a special value of '\(id)'"
                let valueNode = try required(
                    try mapping(item, itemWhat, allowed: ["value", "utility", "count", "won", "label"]), "value", in: itemWhat, at: item)
                let value = try number(valueNode, "\(itemWhat) value")
                let map = item.mapping
                let label = try map?["label"].map { (n: Node) throws(ModelFileError) in
                    try string(n, "the label of special value \(formatPlain(value))")
                }
                var utility: Double?
                var evidence: Evidence?
                if map?["utility"] != nil {
                    let learned = try learnedUtility(item, "special value \(formatPlain(value)) of '\(id)'", allowed: ["value", "label"])
                    utility = learned.utility
                    evidence = learned.evidence
                } else if let count = map?["count"] ?? map?["won"] {
                    throw fail(
                        count,
                        "special value \(formatPlain(value)) of '\(id)' gives count/won without a utility; add 'utility' or remove them.")
                }
                special = SpecialValue(value: value, utility: utility, label: label, evidence: evidence)
            }
            let line = item.mark?.line ?? 0
            if let first = lines[special.value] {
                throw fail(item, "\(what): \(formatPlain(special.value)) is listed twice (first on line \(first)); list each code once.")
            }
            lines[special.value] = line
            if special.utility == nil {
                switch missing {
                case .mean, .required:
                    throw fail(
                        item,
                        "special value \(formatPlain(special.value)) of '\(id)' has no utility, and the missing policy '\(missing.name)' gives none; write {value: \(formatPlain(special.value)), utility: u} or use missing: worst or neutral."
                    )
                default: break
                }
            }
            values.append(special)
        }
        return values
    }

    /// A policy word, or `{utility: u, count: n, won: w}` for a stated (learned) utility.
    func missingPolicy(_ node: Node, _ what: String) throws(ModelFileError) -> MissingPolicy {
        if node.mapping != nil {
            let learned = try learnedUtility(node, what, allowed: [])
            return .fixed(utility: learned.utility, evidence: learned.evidence)
        }
        let text = try string(node, what)
        guard let policy = MissingPolicy(name: text) else {
            throw fail(
                node,
                "\(what) is '\(text)'; it must be one of: \(MissingPolicy.named.map(\.name).joined(separator: ", ")), or {utility: u} for a stated utility between 0 and 1."
            )
        }
        return policy
    }

    /// `{utility: u, count: n, won: w}` (count and won optional, together) or a bare number;
    /// `allowed` lists further keys the caller reads itself.
    func learnedUtility(_ node: Node, _ what: String, allowed: [String]) throws(ModelFileError)
        -> (utility: Double, evidence: Evidence?)
    {
        if node.scalar != nil { return (try unitInterval(node, what), nil) }
        let map = try mapping(node, what, allowed: ["utility", "count", "won", "win_rate"] + allowed)
        let utility = try unitInterval(try required(map, "utility", in: what, at: node), "\(what) utility")
        guard let countNode = map["count"] else {
            if let won = map["won"] { throw fail(won, "\(what) gives 'won' without 'count'; give both or neither.") }
            return (utility, nil)
        }
        let count = try wholeNumber(countNode, "\(what) count")
        guard let wonNode = map["won"] else { throw fail(countNode, "\(what) gives 'count' without 'won'; give both or neither.") }
        let won = try wholeNumber(wonNode, "\(what) won")
        guard won <= count else { throw fail(wonNode, "\(what) won (\(won)) is more than its count (\(count)).") }
        return (utility, Evidence(count: count, won: won))
    }

    func unitInterval(_ node: Node, _ what: String) throws(ModelFileError) -> Double {
        let value = try number(node, what)
        guard (0...1).contains(value) else { throw fail(node, .notAProbability(what: what, value: value)) }
        return value
    }

    func wholeNumber(_ node: Node, _ what: String) throws(ModelFileError) -> Int {
        let value = try number(node, what)
        guard value >= 0, value == value.rounded(), value < 1e15 else {
            throw fail(node, .notACount(what: what, value: value))
        }
        return Int(value)
    }

    func label(_ node: Node, _ what: String) throws(ModelFileError) -> LocalizedLabel {
        if node.scalar != nil {
            let text = try string(node, what)
            return LocalizedLabel(en: text, zh: text)
        }
        let map = try mapping(node, what, allowed: ["en", "zh"])
        let en = try map["en"].map { (n: Node) throws(ModelFileError) in try string(n, "\(what).en") }
        let zh = try map["zh"].map { (n: Node) throws(ModelFileError) in try string(n, "\(what).zh") }
        guard let english = en ?? zh else { throw fail(node, "\(what) needs 'en' or 'zh'.") }
        return LocalizedLabel(en: english, zh: zh ?? english)
    }

    func scale(_ node: Node, of id: String) throws(ModelFileError) -> Scale {
        let what = "the scale of '\(id)'"
        guard let map = node.mapping, let typeNode = map["type"] else {
            throw fail(node, "\(what) needs a 'type': linear, log, piecewise, binned, categorical, minmax or zscore.")
        }
        let type = try string(typeNode, "\(what) type")
        func expect(_ keys: [String]) throws(ModelFileError) {
            _ = try mapping(node, what + " (\(type))", allowed: ["type"] + keys)
        }
        func value(_ key: String) throws(ModelFileError) -> Double {
            try number(try required(map, key, in: what + " (\(type))", at: node), "\(what) \(key)")
        }
        let scale: Scale
        switch type {
        case "linear":
            try expect(["min", "max"])
            scale = .linear(min: try value("min"), max: try value("max"))
        case "log":
            try expect(["min", "max", "offset"])
            let offset = try map["offset"].map { (n: Node) throws(ModelFileError) in try number(n, "\(what) offset") } ?? 1
            scale = .log(min: try value("min"), max: try value("max"), offset: offset)
        case "piecewise":
            try expect(["points"])
            let points = try sequence(try required(map, "points", in: what, at: node), "\(what) points")
            scale = .piecewise(
                points: try points.map { (point: Node) throws(ModelFileError) in
                    let pair = try sequence(point, "a point of \(what)")
                    guard pair.count == 2 else {
                        throw fail(point, "each point of \(what) is [x, utility], two numbers.")
                    }
                    return Scale.Point(x: try number(pair[0], "a point's x"), utility: try number(pair[1], "a point's utility"))
                })
        case "categorical":
            try expect(["map", "other"])
            let mapNode = try required(map, "map", in: what, at: node)
            guard let categories = mapNode.mapping else {
                throw fail(mapNode, "\(what) map must map each category label to a utility between 0 and 1.")
            }
            let other = try map["other"].map { (n: Node) throws(ModelFileError) in
                let learned = try learnedUtility(n, "\(what) other", allowed: [])
                return Scale.Category(label: Scale.otherLabel, utility: learned.utility, evidence: learned.evidence)
            }
            scale = .categorical(
                map: try categories.map { (pair: (key: Node, value: Node)) throws(ModelFileError) in
                    let label = try string(pair.key, "a category label")
                    let learned = try learnedUtility(pair.value, "the utility of '\(label)'", allowed: [])
                    return Scale.Category(label: label, utility: learned.utility, evidence: learned.evidence)
                },
                other: other)
        case "binned":
            try expect(["bins"])
            let items = try sequence(try required(map, "bins", in: what, at: node), "\(what) bins")
            var bins: [Scale.Bin] = []
            for (position, item) in items.enumerated() {
                let binWhat = "bin \(position + 1) of \(what)"
                let learned = try learnedUtility(item, binWhat, allowed: ["below"])
                let below = try item.mapping?["below"].map { (n: Node) throws(ModelFileError) in try number(n, "\(binWhat) below") }
                if position < items.count - 1, below == nil {
                    throw fail(item, "\(binWhat) needs 'below', its upper edge; only the last bin has none.")
                }
                if position == items.count - 1, below != nil {
                    throw fail(item, "\(binWhat) is the last bin, which holds every larger value: remove its 'below'.")
                }
                bins.append(Scale.Bin(upper: below, utility: learned.utility, evidence: learned.evidence))
            }
            scale = .binned(bins: bins)
        case "interaction":
            try expect(["first", "second", "utilities"])
            func axis(_ key: String) throws(ModelFileError) -> Interaction.Axis {
                let axisNode = try required(map, key, in: what, at: node)
                let axisWhat = "\(what) \(key)"
                let axisMap = try mapping(axisNode, axisWhat, allowed: ["factor", "below", "categories"])
                let factor = try string(try required(axisMap, "factor", in: axisWhat, at: axisNode), "\(axisWhat) factor")
                let edges = try (axisMap["below"].map { (n: Node) throws(ModelFileError) in try sequence(n, "\(axisWhat) below") } ?? [])
                    .map { (n: Node) throws(ModelFileError) in try number(n, "an edge of \(axisWhat)") }
                let labels = try
                    (axisMap["categories"].map { (n: Node) throws(ModelFileError) in try sequence(n, "\(axisWhat) categories") } ?? [])
                    .map { (n: Node) throws(ModelFileError) in try string(n, "a category of \(axisWhat)") }
                if !edges.isEmpty, !labels.isEmpty {
                    throw fail(
                        axisNode,
                        "\(axisWhat) has both 'below' and 'categories'; a numeric factor takes 'below', a categorical one 'categories'.")
                }
                return Interaction.Axis(factor: factor, edges: edges, labels: labels)
            }
            let first = try axis("first")
            let second = try axis("second")
            let rows = try sequence(try required(map, "utilities", in: what, at: node), "\(what) utilities")
            let utilities = try rows.map { (row: Node) throws(ModelFileError) in
                try sequence(row, "a row of \(what) utilities").map { (n: Node) throws(ModelFileError) in
                    try number(n, "a utility of \(what)")
                }
            }
            scale = .interaction(Interaction(first: first, second: second, utilities: utilities))
        case "minmax":
            try expect([])
            scale = .minMax
        case "zscore":
            try expect(["clip"])
            let clip = try map["clip"].map { (n: Node) throws(ModelFileError) in try number(n, "\(what) clip") } ?? 3
            scale = .zScore(clip: clip)
        default:
            throw fail(
                typeNode,
                .notAChoice(
                    what: "\(what) type", text: type,
                    choices: ["linear", "log", "piecewise", "binned", "categorical", "interaction", "minmax", "zscore"]),
                key: "type")
        }
        return scale
    }

    // MARK: Calibration

    /// `{method: platt, intercept: a, slope: b}` or `{method: isotonic, points: [[score, p], …]}`.
    func calibration(_ node: Node) throws(ModelFileError) -> Calibration {
        let what = "calibration"
        let map = try mapping(node, what, allowed: ["method", "score", "intercept", "slope", "points"])
        if let score = map["score"] {
            let text = try string(score, "calibration score")
            guard text == "ranking_key" || text == "priority" else {
                throw fail(
                    score, "calibration score is '\(text)'; the calibration maps the ranking key, so write 'ranking_key' or leave it out.")
            }
        }
        let methodNode = try required(map, "method", in: what, at: node)
        let method: Calibration.Method
        switch try string(methodNode, "calibration method") {
        case "platt":
            _ = try mapping(node, what, allowed: ["method", "score", "intercept", "slope"])
            method = .platt(
                intercept: try number(try required(map, "intercept", in: what, at: node), "calibration intercept"),
                slope: try number(try required(map, "slope", in: what, at: node), "calibration slope"))
        case "isotonic":
            _ = try mapping(node, what, allowed: ["method", "score", "points"])
            let items = try sequence(try required(map, "points", in: what, at: node), "calibration points")
            method = .isotonic(
                points: try items.map { (item: Node) throws(ModelFileError) in
                    let pair = try sequence(item, "a calibration point")
                    guard pair.count == 2 else { throw fail(item, "each calibration point is [score, probability], two numbers.") }
                    return Calibration.Point(
                        score: try number(pair[0], "a calibration point's score"),
                        probability: try unitInterval(pair[1], "a calibration point's probability"))
                })
        default:
            throw fail(methodNode, "calibration method is '\(methodNode.string ?? "")'; it must be platt or isotonic.")
        }
        do {
            return try Calibration(method: method)
        } catch {
            throw fail(node, .model(error))
        }
    }

    // MARK: Grading

    func grading(_ node: Node) throws(ModelFileError) -> GradingPolicy {
        let map = try mapping(
            node, "grading", allowed: ["value_bands", "difficulty_bands", "grid", "minimum_completeness", "ranking"])
        let valueBands = try bands(try required(map, "value_bands", in: "grading", at: node), "grading.value_bands")
        let difficultyBands = try bands(
            try required(map, "difficulty_bands", in: "grading", at: node), "grading.difficulty_bands")
        let gridNode = try required(map, "grid", in: "grading", at: node)
        let gridMap = try mapping(gridNode, "grading.grid", allowed: valueBands.names)
        var grid: [[Grade]] = []
        for name in valueBands.names {
            guard let row = gridMap[name] else {
                throw fail(
                    gridNode,
                    "grading.grid needs a row for the value band '\(name)' (one grade per difficulty band: \(difficultyBands.names.joined(separator: ", ")))."
                )
            }
            let cells = try sequence(row, "grading.grid.\(name)")
            guard cells.count == difficultyBands.names.count else {
                throw fail(
                    row,
                    "grading.grid.\(name) has \(cells.count) grades; it needs \(difficultyBands.names.count), one per difficulty band (\(difficultyBands.names.joined(separator: ", ")))."
                )
            }
            grid.append(
                try cells.map { (cell: Node) throws(ModelFileError) in
                    let text = try string(cell, "a grade")
                    guard let grade = Grade(letter: text), grade != .insufficient else {
                        throw fail(cell, "grade '\(text)' in grading.grid.\(name) must be A, B, C or D.")
                    }
                    return grade
                })
        }
        let completenessNode = map["minimum_completeness"]
        let completeness =
            try completenessNode.map { (n: Node) throws(ModelFileError) in try number(n, "grading.minimum_completeness") } ?? 0.6
        let ranking: RankingPolicy
        if let rankingNode = map["ranking"] {
            ranking = try self.ranking(rankingNode)
        } else {
            do { ranking = try RankingPolicy() } catch { throw fail(node, .model(error)) }
        }
        do {
            return try GradingPolicy(
                valueBands: valueBands, difficultyBands: difficultyBands, grid: grid,
                minimumCompleteness: completeness, ranking: ranking)
        } catch {
            throw fail(completenessNode ?? node, .model(error))
        }
    }

    func bands(_ node: Node, _ what: String) throws(ModelFileError) -> Bands {
        let map = try mapping(node, what, allowed: ["names", "cuts"])
        let names = try sequence(try required(map, "names", in: what, at: node), "\(what).names")
            .map { (n: Node) throws(ModelFileError) in try string(n, "a band name") }
        let cuts = try sequence(try required(map, "cuts", in: what, at: node), "\(what).cuts")
            .map { (n: Node) throws(ModelFileError) in try number(n, "a cut point") }
        do {
            return try Bands(names: names, cuts: cuts)
        } catch {
            throw fail(node, "\(what): \(error.description)")
        }
    }

    func ranking(_ node: Node) throws(ModelFileError) -> RankingPolicy {
        let map = try mapping(node, "grading.ranking", allowed: ["key", "grade_first", "difficulty_penalty"])
        let key =
            try map["key"].map { (n: Node) throws(ModelFileError) in try choice(n, "grading.ranking.key", RankingPolicy.Key.self) }
            ?? .priority
        let gradeFirst =
            try map["grade_first"].map { (n: Node) throws(ModelFileError) in try bool(n, "grading.ranking.grade_first") } ?? true
        let penalty =
            try map["difficulty_penalty"].map { (n: Node) throws(ModelFileError) in try number(n, "grading.ranking.difficulty_penalty") }
            ?? 0.5
        do {
            return try RankingPolicy(key: key, gradeFirst: gradeFirst, difficultyPenalty: penalty)
        } catch {
            throw fail(map["difficulty_penalty"] ?? node, .model(error))
        }
    }

    // MARK: Segments and scenarios

    func segment(_ node: Node) throws(ModelFileError) -> SegmentRule {
        let map = try mapping(node, "a segment", allowed: ["id", "label", "when"])
        let id = try string(try required(map, "id", in: "a segment", at: node), "the segment id")
        let label =
            try map["label"].map { (n: Node) throws(ModelFileError) in try self.label(n, "segment '\(id)' label") }
            ?? LocalizedLabel(en: id, zh: id)
        let whenNode = try required(map, "when", in: "segment '\(id)'", at: node)
        let groups = try sequence(whenNode, "segment '\(id)' when").map { (group: Node) throws(ModelFileError) in
            let items = group.sequence.map(Array.init) ?? [group]
            return try items.map { (item: Node) throws(ModelFileError) in try condition(item, segment: id) }
        }
        guard !groups.isEmpty else { throw fail(whenNode, "segment '\(id)' needs at least one condition.") }
        return SegmentRule(id: id, label: label, groups: groups)
    }

    /// Parses `column OP value`, `column present` or `column absent`.
    func condition(_ node: Node, segment: String) throws(ModelFileError) -> Condition {
        let text = try string(node, "a condition of segment '\(segment)'")
        let parts = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        let hint = "write 'column OP value' with OP one of ==, !=, >, >=, <, <= (spaces around OP), or 'column present' / 'column absent'."
        guard parts.count >= 2 else { throw fail(node, "condition '\(text)' of segment '\(segment)': \(hint)") }
        guard let comparison = Condition.Comparison(rawValue: parts[1]) else {
            throw fail(node, "condition '\(text)' of segment '\(segment)': '\(parts[1])' is not a comparison; \(hint)")
        }
        switch comparison {
        case .present, .absent:
            guard parts.count == 2 else { throw fail(node, "condition '\(text)' of segment '\(segment)': \(hint)") }
            return Condition(column: parts[0], comparison: comparison, operand: .none)
        default:
            guard parts.count >= 3 else { throw fail(node, "condition '\(text)' of segment '\(segment)': \(hint)") }
            let operandText = parts[2...].joined(separator: " ")
            if let number = Double(operandText) {
                return Condition(column: parts[0], comparison: comparison, operand: .number(number))
            }
            guard comparison == .equal || comparison == .notEqual else {
                throw fail(
                    node, "condition '\(text)' of segment '\(segment)': '\(comparison.rawValue)' needs a number, not '\(operandText)'.")
            }
            return Condition(column: parts[0], comparison: comparison, operand: .text(operandText))
        }
    }

    func scenario(_ node: Node) throws(ModelFileError) -> WeightScenario {
        let map = try mapping(node, "a scenario", allowed: ["name", "weights"])
        let name = try string(try required(map, "name", in: "a scenario", at: node), "the scenario name")
        guard name != "base" else { throw fail(node, "the scenario name 'base' is taken by the model's own weights; choose another.") }
        let weightsNode = try required(map, "weights", in: "scenario '\(name)'", at: node)
        guard let weights = weightsNode.mapping else {
            throw fail(weightsNode, "scenario '\(name)' weights must map factor ids to weights.")
        }
        var result: [String: Double] = [:]
        for (key, value) in weights {
            let id = key.string ?? ""
            let weight = try number(value, "weight for '\(id)' in scenario '\(name)'")
            guard weight >= 0 else {
                throw fail(value, .negativeWeight(what: "weight for '\(id)' in scenario '\(name)'", value: weight), key: id)
            }
            result[id] = weight
        }
        return WeightScenario(name: name, weights: result)
    }
}
