import ScoringEngine
import ScoringIO

/// `kam explain`: one account's scores, contributions, and the single-factor changes that
/// would raise its grade.
public struct ExplainReport: FourFormatReport {
    public let assessment: BatchAssessment
    public let row: Int
    public let whatIf: WhatIfAnalysis
    public let batch: ProspectBatch
    public let file: String
    public let language: Language

    public var model: ScoringModel { assessment.model }
    public var zh: Bool { language == .zh }
    public var account: Account { assessment.accounts[row] }

    public func factorName(_ index: Int) -> String {
        model.factors[index].name(in: language)
    }

    /// A raw number in the factor's unit, e.g. "35%", "1,800万元" → plain "1800 万元".
    public func rawText(_ value: Double?, label: String?, factor index: Int) -> String {
        if let label { return label }
        guard let value, !value.isNaN else { return zh ? "缺失" : "missing" }
        var number = formatDecimal(value, digits: 2)
        if number.contains(".") {
            while number.hasSuffix("0") { number.removeLast() }
            if number.hasSuffix(".") { number.removeLast() }
        }
        switch model.factors[index].unit {
        case "percent": return number + "%"
        case "wan": return number + (zh ? " 万元" : " 万")
        case "yi": return number + " 亿"
        case "yuan": return number + " 元"
        default: return number
        }
    }

    public func currentRaw(_ index: Int) -> (Double?, String?) {
        if let table = model.factors[index].scale.interaction {
            // An interaction's line names the cell of its parents' groups.
            func group(_ axis: Interaction.Axis) -> String {
                guard let parent = model.factors.firstIndex(where: { $0.id == axis.factor }) else { return "?" }
                return axis.factor + " " + axis.groupLabel(axis.group(of: batch.factorColumns[parent].rawValue(row)))
            }
            return (nil, group(table.first) + " × " + group(table.second))
        }
        switch batch.factorColumns[index] {
        case .numeric(let values): return (values[row].isNaN ? nil : values[row], nil)
        case .categorical(let codes):
            guard codes[row] >= 0, case .categorical(let map, _) = model.factors[index].scale else { return (nil, nil) }
            return (nil, Int(codes[row]) < map.count ? map[Int(codes[row])].label : Scale.otherLabel)
        }
    }

    /// The special value the account's raw value of factor `index` is, if any.
    public func special(_ index: Int) -> SpecialValue? {
        guard case .numeric(let values) = batch.factorColumns[index], !values[row].isNaN else { return nil }
        return model.factors[index].specialValue(for: values[row])
    }

    public func gradeText(_ grade: Grade) -> String {
        "\(grade.letter) (\(grade.action(language)))"
    }

    public var rank: Int {
        (assessment.rankedRows().firstIndex(of: row) ?? 0) + 1
    }

    public func headerLines() -> [String] {
        let grade = assessment.grades[row]
        var lines: [String] = []
        lines.append("\(account.id) \(account.name)".trimmingCharacters(in: .whitespaces))
        lines.append(
            zh
                ? "等级 \(gradeText(grade))；价值 \(formatDecimal(assessment.value(row), digits: 1))，难度 \(formatDecimal(assessment.difficulty(row), digits: 1))，信息完整度 \(formatDecimal(100 * assessment.completeness(row), digits: 0))%；在 \(assessment.count) 个账户中排第 \(rank)。"
                : "Grade \(gradeText(grade)); value \(formatDecimal(assessment.value(row), digits: 1)), difficulty \(formatDecimal(assessment.difficulty(row), digits: 1)), information \(formatDecimal(100 * assessment.completeness(row), digits: 0))%; rank \(rank) of \(assessment.count)."
        )
        return lines
    }

    public func changeSentence(_ change: WhatIfAnalysis.Change) -> String {
        let (value, label) = currentRaw(change.factorIndex)
        let now = rawText(value, label: label, factor: change.factorIndex)
        let to = rawText(change.newValue, label: change.newLabel, factor: change.factorIndex)
        return zh
            ? "把 \(factorName(change.factorIndex)) 从 \(now) 改为 \(to)，等级升为 \(gradeText(change.newGrade))（价值 \(formatDecimal(change.newValueScore, digits: 1))，难度 \(formatDecimal(change.newDifficultyScore, digits: 1))）。"
            : "change \(factorName(change.factorIndex)) from \(now) to \(to): grade \(gradeText(change.newGrade)) (value \(formatDecimal(change.newValueScore, digits: 1)), difficulty \(formatDecimal(change.newDifficultyScore, digits: 1))), verified by re-scoring."
    }

    public func conclusionLines() -> [String] {
        let grade = assessment.grades[row]
        if grade == .a {
            return [zh ? "已是 A 级，无需上调。" : "Already grade A: there is no higher grade."]
        }
        if grade == .insufficient {
            let names = whatIf.factorsToFill.map(factorName).joined(separator: ", ")
            return [
                zh
                    ? "信息不足，不评等级：先补齐 \(names) 的数据。"
                    : "Not graded for lack of information: collect \(names) first (then the account is graded)."
            ]
        }
        guard let best = whatIf.best else {
            return [
                zh
                    ? "没有任何单个因素的改变能让它升级；需要同时改变多个因素。"
                    : "No change of a single factor moves this account up a grade; it needs several factors to change together."
            ]
        }
        return [(zh ? "最小的单因素改变: " : "Smallest single-factor change: ") + changeSentence(best)]
    }

    // MARK: Table and Markdown

    public func text(markdown: Bool) -> String {
        var out = headerLines().joined(separator: "\n") + "\n\n"
        var table = PlainTable(columns: [
            .init(zh ? "因素" : "factor"), .init(zh ? "方" : "side"), .init(zh ? "原始值" : "raw", alignRight: true),
            .init(zh ? "效用" : "utility", alignRight: true), .init(zh ? "权重" : "weight", alignRight: true),
            .init(zh ? "得分" : "points", alignRight: true), .init(zh ? "影响" : "impact", alignRight: true),
        ])
        let explanation = assessment.explanation(of: row)
        for contribution in explanation.contributions {
            let (value, label) = currentRaw(contribution.factorIndex)
            table.rows.append([
                factorName(contribution.factorIndex), contribution.side.shortText(language),
                rawText(value, label: label, factor: contribution.factorIndex) + (contribution.present ? "" : "*")
                    + (special(contribution.factorIndex) == nil ? "" : "†"),
                formatDecimal(contribution.utility, digits: 3), formatDecimal(model.factors[contribution.factorIndex].weight, digits: 3),
                formatDecimal(contribution.points, digits: 1), ReportFormat.signed(contribution.impact, digits: 1),
            ])
        }
        out += table.text(markdown: markdown)
        if explanation.contributions.contains(where: { !$0.present }) {
            out += zh ? "* 缺失：按该因素的缺失规则取效用。\n" : "* missing: the factor's missing policy supplied the utility.\n"
        }
        for contribution in explanation.contributions {
            // A code, not a measurement: its own line says so ("pdays = 999 (never contacted)").
            let index = contribution.factorIndex
            guard let special = special(index), let value = currentRaw(index).0 else { continue }
            let raw = rawText(value, label: nil, factor: index)
            let meaning = special.label.map { " (\($0))" } ?? ""
            out +=
                zh
                ? "† \(model.factors[index].column) = \(raw)\(meaning)：特殊值，取其自身的效用 \(formatDecimal(contribution.utility, digits: 3))，不经标尺。\n"
                : "† \(model.factors[index].column) = \(raw)\(meaning): a special value with its own utility \(formatDecimal(contribution.utility, digits: 3)), not the scale's.\n"
        }
        if !whatIf.changes.isEmpty {
            out +=
                "\n"
                + (zh
                    ? "升级所需的单因素最小改变（每项都重新评分验证）:"
                    : "Single-factor changes that raise the grade (smallest first, each verified by re-scoring):") + "\n\n"
            var changes = PlainTable(columns: [
                .init(zh ? "因素" : "factor"), .init(zh ? "现值" : "now", alignRight: true), .init(zh ? "改为" : "change to", alignRight: true),
                .init(zh ? "效用变化" : "Δutility", alignRight: true), .init(zh ? "新等级" : "new grade"),
                .init(zh ? "价值" : "value", alignRight: true), .init(zh ? "难度" : "diff", alignRight: true),
            ])
            for change in whatIf.changes {
                let (value, label) = currentRaw(change.factorIndex)
                changes.rows.append([
                    factorName(change.factorIndex), rawText(value, label: label, factor: change.factorIndex),
                    rawText(change.newValue, label: change.newLabel, factor: change.factorIndex),
                    ReportFormat.signed(change.newUtility - change.currentUtility, digits: 3), change.newGrade.letter,
                    formatDecimal(change.newValueScore, digits: 1), formatDecimal(change.newDifficultyScore, digits: 1),
                ])
            }
            out += changes.text(markdown: markdown)
        }
        let blocked = whatIf.obstacles.filter { $0.obstacle != .zeroWeight }.map { factorName($0.factorIndex) }
        var notes = conclusionLines()
        if !blocked.isEmpty, assessment.grades[row] != .a, assessment.grades[row] != .insufficient {
            notes.append(
                (zh ? "单独改变也无法升级的因素: " : "Factors that cannot raise the grade on their own: ") + blocked.joined(separator: ", ") + ".")
        }
        out += "\n" + (markdown ? notes : notes.flatMap { DisplayWidth.wrap($0, width: 100) }).joined(separator: "\n") + "\n"
        return out
    }

    // MARK: CSV

    /// One row per factor: the contribution and the factor's change (empty when it has none).
    public func csv() -> String {
        var out = CSVWriter.record([
            "account_id", "grade", "value", "difficulty", "completeness", "factor", "side", "raw", "utility", "weight",
            "points", "impact", "present", "change_to", "new_utility", "new_grade", "new_value", "new_difficulty", "obstacle",
        ])
        let explanation = assessment.explanation(of: row)
        for contribution in explanation.contributions {
            let index = contribution.factorIndex
            let (value, label) = currentRaw(index)
            let change = whatIf.changes.first { $0.factorIndex == index }
            let obstacle = whatIf.obstacles.first { $0.factorIndex == index }.map { obstacle -> String in
                switch obstacle.obstacle {
                case .noUtilityUpgrades: return "no_value_upgrades"
                case .zeroWeight: return "zero_weight"
                case .notReachable: return "not_reachable"
                }
            }
            let fields = [
                CSVWriter.field(account.id), assessment.grades[row].letter, formatDecimal(assessment.value(row), digits: 4),
                formatDecimal(assessment.difficulty(row), digits: 4), formatDecimal(assessment.completeness(row), digits: 4),
                CSVWriter.field(model.factors[index].id), contribution.side.rawValue,
                label.map { CSVWriter.field($0) } ?? value.map { formatPlainNumber($0) } ?? "",
                formatDecimal(contribution.utility, digits: 6), formatDecimal(model.factors[index].weight, digits: 6),
                formatDecimal(contribution.points, digits: 4), formatDecimal(contribution.impact, digits: 4),
                contribution.present ? "true" : "false",
                change.map { $0.newLabel.map { CSVWriter.field($0) } ?? $0.newValue.map { formatPlainNumber($0) } ?? "" } ?? "",
                change.map { formatDecimal($0.newUtility, digits: 6) } ?? "", change?.newGrade.letter ?? "",
                change.map { formatDecimal($0.newValueScore, digits: 4) } ?? "",
                change.map { formatDecimal($0.newDifficultyScore, digits: 4) } ?? "", obstacle ?? "",
            ]
            out += fields.joined(separator: ",") + "\n"
        }
        return out
    }

    public func formatPlainNumber(_ value: Double) -> String {
        formatDecimal(value, digits: value == value.rounded() ? 0 : 6)
    }

    // MARK: JSON

    public func json() -> String {
        let explanation = assessment.explanation(of: row)
        let grade = assessment.grades[row]
        let missingCodes = Set(model.missingCodes.map { $0.lowercased() })
        let name: String? = JSONWriter.isMissing(account.name, missingCodes: missingCodes) ? nil : account.name
        let summary = AccountJSON(
            accountID: account.id, name: name, line: account.line, grade: grade.letter, action: grade.action(language),
            value: assessment.value(row), difficulty: assessment.difficulty(row), priority: assessment.priority(row),
            completeness: assessment.completeness(row), rank: rank)
        let contributions = explanation.contributions.map { contribution in
            let (value, label) = currentRaw(contribution.factorIndex)
            return ContributionJSON(
                factor: contribution.factorID, side: contribution.side.rawValue, raw: RawJSON(label: label, value: value),
                utility: contribution.utility, weight: model.factors[contribution.factorIndex].weight, points: contribution.points,
                impact: contribution.impact, present: contribution.present)
        }
        let changes = whatIf.changes.map { change in
            ChangeJSON(
                factor: model.factors[change.factorIndex].id, changeTo: RawJSON(label: change.newLabel, value: change.newValue),
                currentUtility: change.currentUtility, newUtility: change.newUtility, newGrade: change.newGrade.letter,
                newValue: change.newValueScore, newDifficulty: change.newDifficultyScore)
        }
        return ReportJSONEncoder().encode(
            JSON(
                model: model.name, file: file, account: summary, contributions: JSONLines(contributions), changes: JSONLines(changes),
                bestChange: whatIf.best.map { model.factors[$0.factorIndex].id },
                cannotAlone: whatIf.obstacles.filter { $0.obstacle != .zeroWeight }.map { model.factors[$0.factorIndex].id },
                factorsToFill: whatIf.factorsToFill.map { model.factors[$0].id }, conclusion: conclusionLines().joined(separator: " ")))
    }

    /// `kam explain --format json` (`kam.explain/1`). The model has at least one factor, so
    /// `contributions` is never the empty `[]`.
    private struct JSON: Encodable, JSONLayoutProviding {
        let schema = "kam.explain/1"
        let model: String
        let file: String
        let account: AccountJSON
        let contributions: JSONLines<ContributionJSON>
        let changes: JSONLines<ChangeJSON>
        let bestChange: String?
        let cannotAlone: [String]
        let factorsToFill: [String]
        let conclusion: String
        var jsonLayout: JSONLayout { .lines }
    }

    private struct AccountJSON: Encodable {
        let accountID: String
        /// `nil` (`null`) when blank or a missing code.
        let name: String?
        let line: Int
        let grade: String
        let action: String
        let value: Double
        let difficulty: Double
        let priority: Double
        let completeness: Double
        let rank: Int
    }

    private struct ContributionJSON: Encodable {
        let factor: String
        let side: String
        let raw: RawJSON
        let utility: Double
        let weight: Double
        let points: Double
        let impact: Double
        let present: Bool
    }

    private struct ChangeJSON: Encodable {
        let factor: String
        let changeTo: RawJSON
        let currentUtility: Double
        let newUtility: Double
        let newGrade: String
        let newValue: Double
        let newDifficulty: Double
        let verified = true
    }

    /// A raw value: the category's label, else the number (6 decimals), else `null`.
    private struct RawJSON: Encodable {
        let label: String?
        let value: Double?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            if let label {
                try container.encode(label)
            } else if let value {
                try container.encode(value)
            } else {
                try container.encodeNil()
            }
        }
    }

    /// A report from the values its command computed.
    public init(assessment: BatchAssessment, row: Int, whatIf: WhatIfAnalysis, batch: ProspectBatch, file: String, language: Language) {
        self.assessment = assessment
        self.row = row
        self.whatIf = whatIf
        self.batch = batch
        self.file = file
        self.language = language
    }
}
