import Reports
import ScoringEngine
import ScoringIO

extension RankReport {
    /// The fields `--where` and `--sort` know for a ranking of `model`: the CSV's columns
    /// (text and numbers), `segment` (membership), `probability` for a calibrated model and
    /// `points_<factor>` for each factor.
    static func fieldKind(_ name: String, model: ScoringModel) -> ListValue.Kind? {
        switch name {
        case "account_id", "name", "industry", "region", "manager", "grade", "action": return .text
        case "segment", "segments": return .members
        case "rank", "stage", "deal_value", "value", "difficulty", "priority", "completeness", "line": return .number
        case "probability": return model.calibration == nil ? nil : .number
        default:
            if name.hasPrefix("points_"), model.factors.contains(where: { "points_" + $0.id == name }) { return .number }
            return nil
        }
    }

    /// The names ``fieldKind(_:model:)`` knows, for messages.
    static func fieldNames(model: ScoringModel) -> [String] {
        var names = [
            "rank", "account_id", "name", "industry", "region", "manager", "stage", "deal_value", "grade", "action",
        ]
        if model.calibration != nil { names.append("probability") }
        names += ["value", "difficulty", "priority", "completeness", "segment", "line"]
        return names + model.factors.map { "points_" + $0.id }
    }

    /// Checks `conditions` and `sort` against the model's fields: a usage message naming the
    /// fields there are, or `nil`.
    static func listProblem(conditions: [ListCondition], sort: ListSortKey?, model: ScoringModel) -> String? {
        let known = "fields: \(fieldNames(model: model).joined(separator: ", "))"
        for condition in conditions {
            guard let kind = fieldKind(condition.field, model: model) else {
                return "'--where \(condition.field)…': no field '\(condition.field)'; \(known)."
            }
            if let problem = condition.problem(kind: kind) { return problem }
        }
        if let sort, fieldKind(sort.field, model: model) == nil {
            return "'--sort \(sort.field)': no field '\(sort.field)'; \(known)."
        }
        return nil
    }

    /// Field `name` of the account at `row` (ranked `rank` in the whole list). Text that is
    /// blank or one of the model's missing codes is missing.
    func field(_ name: String, rank: Int, row: Int, missing: Set<String>) -> ListValue {
        let account = assessment.accounts[row]
        func text(_ value: String) -> ListValue {
            .text(JSONWriter.isMissing(value, missingCodes: missing) ? nil : value)
        }
        switch name {
        case "account_id": return .text(account.id)
        case "name": return text(account.name)
        case "industry": return text(account.industry)
        case "region": return text(account.region)
        case "manager": return text(account.manager)
        case "grade":
            // Both the letter and `I` name insufficient information.
            let grade = assessment.grades[row]
            return .text(grade == .insufficient ? "I" : grade.rawValue)
        case "action": return .text(assessment.grades[row].action(language))
        case "segment", "segments": return .members(segmentIDs(row))
        case "rank": return .number(Double(rank))
        case "stage": return .number(account.stage.map(Double.init))
        case "deal_value": return .number(account.dealValue)
        case "value": return .number(assessment.value(row))
        case "difficulty": return .number(assessment.difficulty(row))
        case "priority": return .number(assessment.priority(row))
        case "completeness": return .number(assessment.completeness(row))
        case "line": return .number(Double(account.line))
        case "probability": return .number(probability(row))
        default:
            guard name.hasPrefix("points_"), let index = model.factors.firstIndex(where: { "points_" + $0.id == name }) else {
                return .text(nil)
            }
            return .number(assessment.explanation(of: row).contributions[index].points)
        }
    }

    /// The rows of `rows` that satisfy every condition, in order.
    func rows(_ rows: [(rank: Int, row: Int)], matching conditions: [ListCondition]) -> [(rank: Int, row: Int)] {
        guard !conditions.isEmpty else { return rows }
        let missing = Set(model.missingCodes.map { $0.lowercased() })
        return rows.filter { rank, row in
            conditions.allSatisfy { condition in
                let value = field(condition.field, rank: rank, row: row, missing: missing)
                if condition.field == "grade", condition.value.lowercased() == "insufficient", case .text(let letter?) = value {
                    return (letter == "I") == (condition.op == .equal)
                }
                return condition.holds(for: value)
            }
        }
    }

    /// `rows` sorted by `key` (ties keep rank order).
    func sorted(_ rows: [(rank: Int, row: Int)], by key: ListSortKey) -> [(rank: Int, row: Int)] {
        let missing = Set(model.missingCodes.map { $0.lowercased() })
        let values = rows.map { field(key.field, rank: $0.rank, row: $0.row, missing: missing) }
        let order = rows.indices.sorted { a, b in
            key.before(values[a], values[b]) ?? (rows[a].rank < rows[b].rank)
        }
        return order.map { rows[$0] }
    }

    /// The same report showing `rows` instead.
    func showing(_ rows: [(rank: Int, row: Int)]) -> RankReport {
        var report = RankReport(
            assessment: assessment, rows: rows, loaded: loaded, language: language, rejectsPath: rejectsPath)
        report.wholeList = wholeList
        report.pagedTotals = pagedTotals
        report.digits = digits
        return report
    }
}
