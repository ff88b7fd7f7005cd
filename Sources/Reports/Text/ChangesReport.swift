import Foundation
import RunHistory
import ScoringEngine
import ScoringIO

/// `kam changes`: what changed between two recorded runs, rendered from ``RunChanges``.
public struct ChangesReport: FourFormatReport {
    public let path: String
    public let changes: RunChanges
    public let language: Language

    private var zh: Bool { language == .zh }

    public enum Section: String, CaseIterable {
        case gradeMove = "grade_move"
        case new
        case dropped
        case enteredInsufficient = "entered_insufficient"
        case leftInsufficient = "left_insufficient"
        case risingC = "rising_c"
    }

    public func accounts(_ section: Section) -> (list: [AccountChange], count: Int) {
        switch section {
        case .gradeMove: return (changes.gradeMoves, changes.gradeMoveCount)
        case .new: return (changes.newAccounts, changes.newCount)
        case .dropped: return (changes.droppedAccounts, changes.droppedCount)
        case .enteredInsufficient: return (changes.enteredInsufficient, changes.enteredInsufficientCount)
        case .leftInsufficient: return (changes.leftInsufficient, changes.leftInsufficientCount)
        case .risingC: return (changes.risingC, changes.risingCCount)
        }
    }

    public func title(_ section: Section) -> String {
        switch section {
        case .gradeMove: return zh ? "等级变动" : "Grade moves"
        case .new: return zh ? "新增客户" : "New accounts"
        case .dropped: return zh ? "不再出现的客户" : "Dropped accounts"
        case .enteredInsufficient: return zh ? "进入信息不足(需补充信息)" : "Entered insufficient information (go back and collect)"
        case .leftInsufficient: return zh ? "离开信息不足(已补充信息)" : "Left insufficient information (information collected)"
        case .risingC: return zh ? "优先级上升最多的 C 类客户(关注变化)" : "C accounts whose priority rose most (watch for changes)"
        }
    }

    // MARK: Model

    /// Plain sentences on how the two runs' models differ (empty list: the same model).
    public func modelLines() -> [String] {
        let model = changes.model
        guard model.isChanged else {
            return [
                zh
                    ? "模型相同:\(model.toName)(哈希 \(model.toHash))\(model.toScenario.isEmpty ? "" : ",情景 \(model.toScenario)")。"
                    : "Model: the same (\(model.toName), hash \(model.toHash)\(model.toScenario.isEmpty ? "" : ", scenario \(model.toScenario)"))."
            ]
        }
        var lines: [String] = []
        if model.fromHash == model.toHash {
            lines.append(
                zh
                    ? "权重已改变:同一模型 \(model.toName)(哈希 \(model.toHash)),但情景不同。等级变动可能来自权重,而非客户本身。"
                    : "WEIGHTS CHANGED: the same model \(model.toName) (hash \(model.toHash)) under another scenario. "
                        + "Grade moves may come from the weights, not from the accounts.")
        } else {
            lines.append(
                zh
                    ? "模型已改变:\(model.fromName)(哈希 \(model.fromHash))→ \(model.toName)(哈希 \(model.toHash))。等级变动可能来自模型,而非客户本身。"
                    : "MODEL CHANGED: \(model.fromName) (hash \(model.fromHash)) → \(model.toName) (hash \(model.toHash)). "
                        + "Grade moves may come from the model, not from the accounts.")
        }
        if model.fromScenario != model.toScenario {
            let from = model.fromScenario.isEmpty ? (zh ? "模型权重" : "model weights") : model.fromScenario
            let to = model.toScenario.isEmpty ? (zh ? "模型权重" : "model weights") : model.toScenario
            lines.append(zh ? "  情景:\(from) → \(to)" : "  scenario: \(from) → \(to)")
        }
        if !model.detailsKnown {
            lines.append(
                zh
                    ? "  其中一次运行由旧版 kam 记录,未保存权重与尺度;只能比较哈希。"
                    : "  One of the runs was recorded by an older kam without factor weights and scales; only the hashes can be compared.")
        }
        if !model.weights.isEmpty {
            let items = model.weights.map {
                "\($0.factor) \(ReportFormat.decimal($0.from, 3)) → \(ReportFormat.decimal($0.to, 3))"
            }
            lines.append((zh ? "  权重:" : "  weights: ") + items.joined(separator: ", "))
        }
        if !model.scales.isEmpty {
            lines.append((zh ? "  尺度不同:" : "  scales differ: ") + model.scales.map(\.factor).joined(separator: ", "))
            for scale in model.scales {
                lines.append("    \(scale.factor): \(scale.from) → \(scale.to)")
            }
        }
        if !model.added.isEmpty { lines.append((zh ? "  新增因素:" : "  factors added: ") + model.added.joined(separator: ", ")) }
        if !model.removed.isEmpty {
            lines.append((zh ? "  删除因素:" : "  factors removed: ") + model.removed.joined(separator: ", "))
        }
        if model.gradingChanged {
            lines.append(
                zh ? "  分级规则(分档、网格、完整度门槛或排序)已改变。" : "  the grading policy (bands, grid, completeness threshold or ranking) changed.")
        }
        if model.detailsKnown && model.weights.isEmpty && model.scales.isEmpty && model.added.isEmpty
            && model.removed.isEmpty && !model.gradingChanged && model.fromScenario == model.toScenario
        {
            lines.append(
                zh
                    ? "  权重、尺度与分级规则相同(其他部分不同,如列映射、分群规则或校准)。"
                    : "  weights, scales and grading are the same (something else differs: columns, segment rules or calibration).")
        }
        return lines
    }

    public func headerLines() -> [String] {
        let from = changes.from
        let to = changes.to
        func describe(_ run: RecordedRun) -> String {
            "\(zh ? "运行" : "run") \(run.id) (\(run.recordedAt), \(URL(fileURLWithPath: run.inputFile).lastPathComponent), "
                + "\(ReportFormat.grouped(run.accepted)) \(zh ? "个客户" : "accounts"))"
        }
        var lines = [
            zh ? "\(path):从 \(describe(from)) 到 \(describe(to))" : "\(path): from \(describe(from)) to \(describe(to))"
        ]
        lines += modelLines()
        if changes.sameInput {
            lines.append(zh ? "名单内容相同(同一哈希)。" : "The list is the same bytes (same hash).")
        }
        let kept = changes.sameGrade
        lines.append(
            zh
                ? "新增 \(changes.newCount),不再出现 \(changes.droppedCount),等级变动 \(changes.gradeMoveCount),进入信息不足 \(changes.enteredInsufficientCount),离开信息不足 \(changes.leftInsufficientCount),等级不变 \(kept)。"
                : "\(changes.newCount) new, \(changes.droppedCount) dropped, \(changes.gradeMoveCount) moved grade, "
                    + "\(changes.enteredInsufficientCount) entered and \(changes.leftInsufficientCount) left insufficient information, "
                    + "\(kept) kept their grade.")
        return lines
    }

    // MARK: Tables

    private func grade(_ snapshot: ScoreSnapshot?) -> String {
        guard let snapshot else { return "–" }
        return snapshot.grade == .insufficient ? (zh ? "信息不足" : "insufficient") : snapshot.grade.rawValue
    }

    private func arrow(_ from: String, _ to: String) -> String { from == to ? to : "\(from) → \(to)" }

    private func number(_ value: Double?, _ digits: Int = 1) -> String {
        value.map { ReportFormat.decimal($0, digits) } ?? "–"
    }

    private func signed(_ value: Double, _ digits: Int) -> String {
        (value >= 0 ? "+" : "") + ReportFormat.decimal(value, digits)
    }

    public func factorText(_ change: AccountChange) -> String {
        change.factorMoves.map { "\($0.factor) \(signed($0.change, 2))" }.joined(separator: ", ")
    }

    public func table(_ section: Section) -> PlainTable {
        let (list, _) = accounts(section)
        let account = PlainTable.Column(zh ? "客户" : "account")
        let name = PlainTable.Column(zh ? "名称" : "name", maxWidth: 24)
        let gradeColumn = PlainTable.Column(zh ? "等级" : "grade")
        let rank = PlainTable.Column(zh ? "排名" : "rank", alignRight: true)
        let value = PlainTable.Column(zh ? "价值" : "value", alignRight: true)
        let difficulty = PlainTable.Column(zh ? "难度" : "difficulty", alignRight: true)
        var table: PlainTable
        switch section {
        case .gradeMove, .risingC:
            table = PlainTable(columns: [
                account, name, gradeColumn, rank, value, difficulty,
                .init(zh ? "优先级" : "priority", alignRight: true), .init(zh ? "变化最大的因素" : "factors that moved most"),
            ])
            for change in list {
                let (from, to) = (change.from!, change.to!)
                table.rows.append([
                    change.account, change.name, arrow(grade(from), grade(to)), "\(from.rank) → \(to.rank)",
                    "\(number(from.value)) → \(number(to.value))", "\(number(from.difficulty)) → \(number(to.difficulty))",
                    signed(change.priorityChange ?? 0, 2), factorText(change),
                ])
            }
        case .new, .dropped:
            table = PlainTable(columns: [account, name, gradeColumn, rank, value, difficulty])
            for change in list {
                let side = (section == .new ? change.to : change.from)!
                table.rows.append([
                    change.account, change.name, grade(side), String(side.rank), number(side.value), number(side.difficulty),
                ])
            }
        case .enteredInsufficient, .leftInsufficient:
            table = PlainTable(columns: [
                account, name, gradeColumn, rank, .init(zh ? "完整度" : "completeness", alignRight: true),
                .init(
                    section == .enteredInsufficient
                        ? (zh ? "缺失的因素" : "information lost") : (zh ? "补充的因素" : "information collected")),
            ])
            for change in list {
                let (from, to) = (change.from!, change.to!)
                table.rows.append([
                    change.account, change.name, arrow(grade(from), grade(to)), "\(from.rank) → \(to.rank)",
                    "\(ReportFormat.percent(from.completeness, digits: 0)) → \(ReportFormat.percent(to.completeness, digits: 0))",
                    (section == .enteredInsufficient ? change.lost : change.collected).joined(separator: ", "),
                ])
            }
        }
        return table
    }

    public func text(markdown: Bool) -> String {
        var text = ""
        let header = headerLines()
        if markdown {
            text +=
                "## \(header[0])\n\n"
                + header.dropFirst().map { $0.hasPrefix("  ") ? "- " + $0.trimmingCharacters(in: .whitespaces) : $0 }
                .joined(separator: "\n") + "\n"
        } else {
            text += header.joined(separator: "\n") + "\n"
        }
        for section in Section.allCases {
            let (list, count) = accounts(section)
            let shown =
                list.count < count ? (zh ? "(显示前 \(list.count) 个,共 \(count) 个)" : " (first \(list.count) of \(count))") : " (\(count))"
            text += "\n" + (markdown ? "### " : "") + title(section) + shown + "\n"
            guard !list.isEmpty else {
                text += (markdown ? "\n" : "") + (zh ? "无\n" : "none\n")
                continue
            }
            text += markdown ? "\n" + table(section).markdown() : table(section).render(maxWidth: 160)
        }
        if changes.transitions.joined().reduce(0, +) > 0 {
            let grades = Grade.allCases
            // In Chinese the insufficient-information row and column say 不足, not I.
            func name(_ grade: Grade) -> String { zh && grade == .insufficient ? "不足" : grade.rawValue }
            var matrix = PlainTable(
                columns: [.init(zh ? "从 \\ 到" : "from \\ to")] + grades.map { .init(name($0), alignRight: true) })
            for from in grades {
                matrix.rows.append([name(from)] + grades.map { String(changes.transitions[from.order][$0.order]) })
            }
            text +=
                "\n" + (markdown ? "### " : "")
                + (zh ? "等级转移(两次都出现的客户;不足 = 信息不足)" : "Grade transitions (accounts in both runs; I = insufficient information)") + "\n"
            text += markdown ? "\n" + matrix.markdown() : matrix.render()
        }
        return text
    }

    // MARK: CSV

    public func csv() -> String {
        var buffer = CSVRecordBuffer()
        for field in [
            "section", "account", "name", "from_grade", "to_grade", "from_rank", "to_rank", "from_value", "to_value",
            "from_difficulty", "to_difficulty", "from_priority", "to_priority", "from_completeness", "to_completeness",
            "factor_moves", "collected", "lost",
        ] { buffer.plain(field) }
        buffer.endRecord()
        func optional(_ value: Double?, _ digits: Int) {
            if let value { buffer.number(value, digits: digits) } else { buffer.plain("") }
        }
        for section in Section.allCases {
            for change in accounts(section).list {
                buffer.plain(section.rawValue)
                buffer.text(change.account)
                buffer.text(change.name)
                buffer.plain(change.from?.grade.letter ?? "")
                buffer.plain(change.to?.grade.letter ?? "")
                if let rank = change.from?.rank { buffer.integer(rank) } else { buffer.plain("") }
                if let rank = change.to?.rank { buffer.integer(rank) } else { buffer.plain("") }
                optional(change.from?.value, 4)
                optional(change.to?.value, 4)
                optional(change.from?.difficulty, 4)
                optional(change.to?.difficulty, 4)
                optional(change.from?.priority, 4)
                optional(change.to?.priority, 4)
                optional(change.from?.completeness, 4)
                optional(change.to?.completeness, 4)
                buffer.text(change.factorMoves.map { "\($0.factor):\(signed($0.change, 4))" }.joined(separator: ";"))
                buffer.text(change.collected.joined(separator: ";"))
                buffer.text(change.lost.joined(separator: ";"))
                buffer.endRecord()
            }
        }
        return String(decoding: buffer.bytes, as: UTF8.self)
    }

    // MARK: JSON

    public func json() -> String {
        let model = changes.model
        let modelJSON = ModelJSON(
            changed: model.isChanged, fromHash: model.fromHash, toHash: model.toHash, fromName: model.fromName,
            toName: model.toName, fromScenario: model.fromScenario, toScenario: model.toScenario,
            detailsKnown: model.detailsKnown,
            weights: model.weights.map { FactorChangeJSON(factor: $0.factor, from: JSONNumber.finite($0.from), to: .finite($0.to)) },
            scales: model.scales.map { FactorChangeJSON(factor: $0.factor, from: $0.from, to: $0.to) }, factorsAdded: model.added,
            factorsRemoved: model.removed, gradingChanged: model.gradingChanged)
        let transitions = JSONMembers(
            keys: Grade.allCases.map(\.letter),
            values: Grade.allCases.map { from in
                JSONMembers(keys: Grade.allCases.map(\.letter), values: Grade.allCases.map { changes.transitions[from.order][$0.order] })
            })
        let sections = JSONMembers(
            keys: Section.allCases.map(\.rawValue),
            values: Section.allCases.map { section in
                let (list, count) = accounts(section)
                return SectionJSON(count: count, accounts: JSONLines(list.map(AccountChangeJSON.init)))
            })
        return ReportJSONEncoder().encode(
            JSON(
                history: path, from: RunsReport.RunJSON(changes.from), to: RunsReport.RunJSON(changes.to),
                sameInput: changes.sameInput, model: modelJSON, sameGrade: changes.sameGrade, transitions: transitions,
                sections: sections))
    }

    /// `kam changes --format json` (`kam.changes/1`): the fixed members, then one member per
    /// ``Section`` (its raw value as key).
    private struct JSON: Encodable, JSONLayoutProviding {
        let history: String
        let from: RunsReport.RunJSON
        let to: RunsReport.RunJSON
        let sameInput: Bool
        let model: ModelJSON
        let sameGrade: Int
        let transitions: JSONMembers<JSONMembers<Int>>
        let sections: JSONMembers<SectionJSON>
        var jsonLayout: JSONLayout { .lines }

        private enum CodingKeys: String, CodingKey {
            case schema, history, from, to
            case sameInput
            case model
            case sameGrade
            case transitions
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode("kam.changes/1", forKey: .schema)
            try container.encode(history, forKey: .history)
            try container.encode(from, forKey: .from)
            try container.encode(to, forKey: .to)
            try container.encode(sameInput, forKey: .sameInput)
            try container.encode(model, forKey: .model)
            try container.encode(sameGrade, forKey: .sameGrade)
            try container.encode(transitions, forKey: .transitions)
            try sections.encode(to: encoder)
        }
    }

    private struct ModelJSON: Encodable {
        let changed: Bool
        let fromHash: String
        let toHash: String
        let fromName: String
        let toName: String
        let fromScenario: String
        let toScenario: String
        let detailsKnown: Bool
        let weights: [FactorChangeJSON<JSONNumber>]
        let scales: [FactorChangeJSON<String>]
        let factorsAdded: [String]
        let factorsRemoved: [String]
        let gradingChanged: Bool
    }

    /// A factor's value in the earlier and the later run: the model's weight or scale (its
    /// text), or an account's utility.
    private struct FactorChangeJSON<Value: Encodable>: Encodable {
        let factor: String
        let from: Value
        let to: Value
    }

    private struct SectionJSON: Encodable {
        let count: Int
        let accounts: JSONLines<AccountChangeJSON>
    }

    private struct AccountChangeJSON: Encodable {
        let account: String
        /// `nil` (`null`) when blank.
        let name: String?
        let from: ScoreSnapshotJSON?
        let to: ScoreSnapshotJSON?
        let factorMoves: [FactorChangeJSON<JSONNumber>]
        let collected: [String]
        let lost: [String]

        init(_ change: AccountChange) {
            account = change.account
            name = JSONWriter.present(change.name, missingCodes: [])
            from = change.from.map { ScoreSnapshotJSON($0) }
            to = change.to.map { ScoreSnapshotJSON($0) }
            factorMoves = change.factorMoves.map {
                FactorChangeJSON(factor: $0.factor, from: JSONNumber.finite($0.from), to: .finite($0.to))
            }
            collected = change.collected
            lost = change.lost
        }
    }

    /// A report from the values its command computed.
    public init(path: String, changes: RunChanges, language: Language) {
        self.path = path
        self.changes = changes
        self.language = language
    }
}
