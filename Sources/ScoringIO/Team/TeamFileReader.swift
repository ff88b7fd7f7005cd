import Foundation
import ScoringEngine
import Yams

/// Reads a team file (YAML, schema `kam.team/1`, e.g. `models/team.yaml`) into a ``Team``,
/// checking every key and value; errors name the file and line and say what to write.
///
/// ```yaml
/// schema: kam.team/1
/// budget: 40                  # business expense per period, in the list's money unit
/// maximum_packages: 4         # most work packages one account takes per period
/// people:
///   - {name: 赵总监, role: director, hours: 60}
///   - {name: 张经理, role: manager, hours: 120}
/// stages:                     # one work package of each stage: hours and expense
///   stage_1: {work: "first contact", manager_hours: 3, director_hours: 0, specialist_hours: 1, expense: 0.1}
///   …
/// response:                   # p(e) = a·(neglect + (ceiling − neglect)(1 − exp(−e/scale)))
///   stage_1: {neglect: 0.5, ceiling: 1.8, scale: 0.5}
///   …
/// grade_shares: {A: 0.6, B: 0.25, C: 0.15, D: 0}
/// ```
public struct TeamFileReader: YAMLFileReader {
    /// The schema this reader accepts.
    public static let schema = "kam.team/1"

    public static let format = YAMLFileFormat(kind: "team", option: "--team") {
        root, file throws(ModelFileError) in try TeamFileParser(parser: ModelFileParser(file: file)).team(from: root)
    }

    public init() {}
}

/// Walks the YAML tree of a team file.
struct TeamFileParser {
    let parser: ModelFileParser

    func nonNegative(_ node: Node, _ what: String) throws(ModelFileError) -> Double {
        let value = try parser.number(node, what)
        guard value >= 0 else { throw parser.fail(node, "\(what) is \(value); it must be at least 0.") }
        return value
    }

    func team(from root: Node) throws(ModelFileError) -> Team {
        let top = try parser.mapping(
            root, "the team file",
            allowed: ["schema", "budget", "maximum_packages", "people", "stages", "response", "grade_shares"])
        let schemaNode = try parser.required(top, "schema", in: "the team file", at: root)
        let schema = try parser.string(schemaNode, "schema")
        guard schema == TeamFileReader.schema else {
            throw parser.fail(schemaNode, "schema is '\(schema)'; this kam reads '\(TeamFileReader.schema)'.")
        }
        let budget = try nonNegative(try parser.required(top, "budget", in: "the team file", at: root), "budget")
        var maximum = 4.0
        if let node = top["maximum_packages"] {
            maximum = try parser.number(node, "maximum_packages")
            guard maximum > 0 else {
                throw parser.fail(node, "maximum_packages is \(maximum); it must be more than 0 (work packages per account and period).")
            }
        }
        let peopleNode = try parser.required(top, "people", in: "the team file", at: root)
        var people: [Team.Person] = []
        if peopleNode.scalar.map({ $0.string.trimmingCharacters(in: .whitespaces).isEmpty || $0.string == "[]" }) != true {
            for (index, node) in try parser.sequence(peopleNode, "people").enumerated() {
                let what = "people[\(index + 1)]"
                let map = try parser.mapping(node, what, allowed: ["name", "role", "hours"])
                let name = try parser.string(try parser.required(map, "name", in: what, at: node), "\(what).name")
                guard !name.isEmpty else { throw parser.fail(node, "\(what).name is empty; give each person a name.") }
                let role = try parser.choice(try parser.required(map, "role", in: what, at: node), "\(what).role", Team.Role.self)
                let hours = try nonNegative(try parser.required(map, "hours", in: what, at: node), "\(what).hours")
                if people.contains(where: { $0.name == name }) {
                    throw parser.fail(node, "\(what).name '\(name)' appears twice; give each person a different name.")
                }
                people.append(Team.Person(name: name, role: role, hours: hours))
            }
        }
        let stageKeys = (1...PipelineState.stageCount).map { "stage_\($0)" }
        let stagesNode = try parser.required(top, "stages", in: "the team file", at: root)
        let stagesMap = try parser.mapping(stagesNode, "stages", allowed: stageKeys)
        var stages: [Team.StageWork] = []
        for key in stageKeys {
            guard let node = stagesMap[key] else {
                throw parser.fail(stagesNode, "stages needs '\(key)': the hours and expense of one work package of every stage 1…5.")
            }
            let what = "stages.\(key)"
            let map = try parser.mapping(
                node, what, allowed: ["work", "manager_hours", "director_hours", "specialist_hours", "expense"])
            func value(_ field: String) throws(ModelFileError) -> Double {
                try map[field].map { (n: Node) throws(ModelFileError) in try nonNegative(n, "\(what).\(field)") } ?? 0
            }
            let work = try map["work"].map { (n: Node) throws(ModelFileError) in try parser.string(n, "\(what).work") } ?? ""
            stages.append(
                Team.StageWork(
                    managerHours: try value("manager_hours"), directorHours: try value("director_hours"),
                    specialistHours: try value("specialist_hours"), expense: try value("expense"), work: work))
        }
        let responseNode = try parser.required(top, "response", in: "the team file", at: root)
        let responseMap = try parser.mapping(responseNode, "response", allowed: stageKeys)
        var response: [EffortResponse] = []
        for key in stageKeys {
            guard let node = responseMap[key] else {
                throw parser.fail(responseNode, "response needs '\(key)': neglect, ceiling and scale of every stage 1…5.")
            }
            let what = "response.\(key)"
            let map = try parser.mapping(node, what, allowed: ["neglect", "ceiling", "scale"])
            let neglect = try nonNegative(try parser.required(map, "neglect", in: what, at: node), "\(what).neglect")
            let ceilingNode = try parser.required(map, "ceiling", in: what, at: node)
            let ceiling = try parser.number(ceilingNode, "\(what).ceiling")
            guard ceiling >= neglect else {
                throw parser.fail(
                    ceilingNode, "\(what).ceiling is \(ceiling), below its neglect \(neglect); full effort cannot do worse than none.")
            }
            let scaleNode = try parser.required(map, "scale", in: what, at: node)
            let scale = try parser.number(scaleNode, "\(what).scale")
            guard scale > 0 else {
                throw parser.fail(scaleNode, "\(what).scale is \(scale); it must be more than 0 (work packages for 63% of the gain).")
            }
            response.append(EffortResponse(neglect: neglect, ceiling: ceiling, scale: scale))
        }
        var shares: [Grade: Double] = [.a: 0.6, .b: 0.25, .c: 0.15, .d: 0]
        if let node = top["grade_shares"] {
            let map = try parser.mapping(node, "grade_shares", allowed: ["A", "B", "C", "D"])
            var total = 0.0
            for grade in [Grade.a, .b, .c, .d] {
                let share =
                    try map[grade.rawValue].map { (n: Node) throws(ModelFileError) in try nonNegative(n, "grade_shares.\(grade.rawValue)") }
                    ?? 0
                shares[grade] = share
                total += share
            }
            guard total <= 1 + 1e-9 else {
                throw parser.fail(node, "grade_shares add up to \(total); the shares of a manager's hours must add up to at most 1.")
            }
        }
        return Team(
            people: people, budget: budget, stages: stages, response: response, gradeShares: shares, maximumPackages: maximum)
    }
}
