import Foundation
import ScoringEngine
import Yams

/// Reads a pairwise judgement file (YAML) for `kam weights ahp`.
///
/// ```yaml
/// judges:
///   - name: 王总监
///     value:                       # pairs of value factors
///       - [budget, share, 2]       # budget is 2× as important as share
///       - [share, margin, 1/3]     # margin is 3× as important as share
///       - [strategic, margin, ~]   # not judged (the same as leaving the pair out)
///     difficulty:
///       - [deal_risk, credit, 3]
/// ```
///
/// Each judgement is `[factor A, factor B, x]`: A is `x` times as important as B on Saaty's
/// scale 1–9 (1 equal, 3 moderately, 5 strongly, 7 very strongly, 9 extremely more
/// important; 2, 4, 6, 8 in between), written as a number or a fraction `1/3` when B is the
/// more important one. A pair left out or written with `~` is not judged (Harker's method
/// fills it in). Factors are the model's factor ids, and both must be on the side named.
/// Every problem is reported with its line and column.
public struct JudgementFileReader: Sendable {
    public let model: ScoringModel

    public init(model: ScoringModel) {
        self.model = model
    }

    /// What a judgement file holds.
    public struct Contents: Sendable {
        /// The judges with judgements as model factor indices.
        public let judges: [AHPAnalysis.Judge]
        /// For each judge and side, the line of each judgement (for messages), keyed by
        /// "judge index/row/column" in model indices.
        public let lines: [String: Int]
    }

    /// Reads the file at `path`.
    public func read(contentsOf path: String) throws(WeightsFileError) -> Contents {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw WeightsFileError(
                file: path, message: "cannot read the judgement file; check the path.", isUnreadable: true)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw WeightsFileError(file: path, message: "the judgement file is not UTF-8 text; save it as UTF-8.")
        }
        return try read(yaml: text, file: path)
    }

    /// Reads judgements from YAML text; `file` names it in errors.
    public func read(yaml: String, file: String) throws(WeightsFileError) -> Contents {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                throw WeightsFileError(file: file, message: "the judgement file is empty; see `kam weights ahp --help` for its format.")
            }
            root = node
        } catch let error as WeightsFileError {
            throw error
        } catch let error as YamlError {
            throw WeightsFileError(file: file, line: YAMLFile.line(of: error), message: "not valid YAML: \(YAMLFile.problem(of: error))")
        } catch {
            throw WeightsFileError(file: file, message: "not valid YAML: \(error)")
        }
        func fail(_ node: Node?, _ message: String) -> WeightsFileError {
            WeightsFileError(file: file, line: node?.mark?.line ?? 0, column: node?.mark?.column, message: message)
        }
        guard let top = root.mapping else {
            throw fail(root, "the judgement file must be a mapping with a 'judges' list.")
        }
        for key in top.keys where !["judges", "description"].contains(key.string ?? "") {
            throw fail(key, "unknown key '\(key.string ?? "")'; allowed keys: judges, description.")
        }
        guard let judgesNode = top["judges"] else {
            throw fail(root, "the judgement file needs a 'judges' list.")
        }
        guard let judgeNodes = judgesNode.sequence, !judgeNodes.isEmpty else {
            throw fail(judgesNode, "'judges' must be a list of judges, each with a name and value/difficulty judgements.")
        }
        var index: [String: Int] = [:]
        for (position, factor) in model.factors.enumerated() { index[factor.id] = position }
        var judges: [AHPAnalysis.Judge] = []
        var lines: [String: Int] = [:]
        var names = Set<String>()
        for (judgeIndex, judgeNode) in judgeNodes.enumerated() {
            guard let judgeMap = judgeNode.mapping else {
                throw fail(judgeNode, "a judge must be a mapping with 'name', 'value' and/or 'difficulty'.")
            }
            for key in judgeMap.keys where !["name", "value", "difficulty", "note"].contains(key.string ?? "") {
                throw fail(key, "unknown key '\(key.string ?? "")' in a judge; allowed keys: name, value, difficulty, note.")
            }
            let name = judgeMap["name"]?.scalar?.string ?? "judge \(judgeIndex + 1)"
            guard names.insert(name).inserted else {
                throw fail(judgeMap["name"] ?? judgeNode, "judge name '\(name)' appears twice; give each judge a distinct name.")
            }
            var judgements: [PairwiseComparisonMatrix.Judgement] = []
            var seen: [String: (value: Double, line: Int)] = [:]
            for side in Factor.Side.allCases {
                guard let sideNode = judgeMap[side.rawValue] else { continue }
                if sideNode.scalar?.string == "" || sideNode.null != nil { continue }
                guard let items = sideNode.sequence else {
                    throw fail(sideNode, "'\(side.rawValue)' must be a list of judgements like [budget, share, 3].")
                }
                for item in items {
                    guard let parts = item.sequence, parts.count == 3 else {
                        throw fail(
                            item,
                            "a judgement must be a list of three: [factor A, factor B, how many times more important A is than B], e.g. [budget, share, 3]."
                        )
                    }
                    var factors: [Int] = []
                    for part in parts.prefix(2) {
                        let id = part.scalar?.string.trimmingCharacters(in: .whitespaces) ?? ""
                        guard let position = index[id] else {
                            throw fail(
                                part, "'\(id)' is not a factor of the model; factors: \(model.factors.map(\.id).joined(separator: ", ")).")
                        }
                        guard model.factors[position].side == side else {
                            throw fail(
                                part,
                                "'\(id)' is a \(model.factors[position].side.rawValue) factor, but this judgement is under '\(side.rawValue)'; move it to the '\(model.factors[position].side.rawValue)' list."
                            )
                        }
                        factors.append(position)
                    }
                    let valueNode = parts[2]
                    let line = item.mark?.line ?? 0
                    guard let value = try Self.judgementValue(valueNode, fail: fail) else { continue }
                    guard factors[0] != factors[1] else {
                        throw fail(item, "'\(model.factors[factors[0]].id)' is compared with itself; compare two different factors.")
                    }
                    let key = "\(min(factors[0], factors[1]))/\(max(factors[0], factors[1]))"
                    let oriented = factors[0] < factors[1] ? value : 1 / value
                    if let earlier = seen[key] {
                        if abs(earlier.value - oriented) > 1e-9 * max(earlier.value, oriented) {
                            throw fail(
                                item,
                                "'\(model.factors[factors[0]].id)' vs '\(model.factors[factors[1]].id)' is judged again here, differently from line \(earlier.line) (a reversed pair counts as the same pair); keep one."
                            )
                        }
                        continue
                    }
                    seen[key] = (oriented, line)
                    judgements.append(.init(row: factors[0], column: factors[1], value: value))
                    lines["\(judgeIndex)/\(factors[0])/\(factors[1])"] = line
                    lines["\(judgeIndex)/\(factors[1])/\(factors[0])"] = line
                }
            }
            guard !judgements.isEmpty else {
                throw fail(judgeNode, "judge '\(name)' has no judgements; add a 'value' or 'difficulty' list of [factor A, factor B, x].")
            }
            judges.append(AHPAnalysis.Judge(name: name, judgements: judgements))
        }
        return Contents(judges: judges, lines: lines)
    }

    /// Parses `3`, `0.5`, `1/3`, `1 / 3`; `nil` for `~`, `null` or blank (not judged).
    static func judgementValue(_ node: Node, fail: (Node?, String) -> WeightsFileError) throws(WeightsFileError) -> Double? {
        guard let scalar = node.scalar else {
            throw fail(node, "the third entry of a judgement must be a number such as 3 or 1/3.")
        }
        let text = scalar.string.trimmingCharacters(in: .whitespaces)
        if text.isEmpty || text == "~" || text.lowercased() == "null" { return nil }
        var value: Double?
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count == 2,
            let numerator = Double(parts[0].trimmingCharacters(in: .whitespaces)),
            let denominator = Double(parts[1].trimmingCharacters(in: .whitespaces)), denominator != 0
        {
            value = numerator / denominator
        } else if parts.count == 1 {
            value = Double(text)
        }
        guard let value, value.isFinite else {
            throw fail(
                node,
                "'\(text)' is not a judgement; write a number from Saaty's scale such as 3, or 1/3 when the second factor is more important."
            )
        }
        guard PairwiseComparisonMatrix.scaleRange.contains(value) else {
            throw fail(
                node,
                "'\(text)' is off Saaty's scale; judgements run from 1/9 to 9 (1 equal, 3 moderate, 5 strong, 7 very strong, 9 extreme).")
        }
        return value
    }
}
