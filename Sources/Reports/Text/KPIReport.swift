import ScoringEngine
import ScoringIO

/// How `kam kpi` groups its rows (`--by`).
public enum KPIGrouping: String, CaseIterable, Sendable {
    /// One row per person and period, with the scorecard.
    case person
    /// One row per team and period: indicators from the members' sums, scorecard totals.
    case team
}

/// What was read from the prospect list for profile completeness.
public struct ProspectsRead {
    public let file: String
    public let modelName: String
    public let rowsRead: Int
    public let accepted: Int
    public let rejects: [Reject]
    public let rejectsPath: String?

    public init(file: String, modelName: String, rowsRead: Int, accepted: Int, rejects: [Reject], rejectsPath: String?) {
        self.file = file
        self.modelName = modelName
        self.rowsRead = rowsRead
        self.accepted = accepted
        self.rejects = rejects
        self.rejectsPath = rejectsPath
    }
}

/// A team performance review ready to render: indicators per person or team, the
/// scorecards, and what was read, rejected and left out.
public struct KPIReport {
    public let review: PerformanceReview
    public let loaded: PerformanceInputLoader.Result
    public let scorecard: Scorecard
    public let scorecardFile: String
    public let grouping: KPIGrouping
    public let language: Language
    public let prospects: ProspectsRead?
    /// Where rejected plan and actual rows were written, if any were.
    public let planRejectsPath: String?
    public let actualRejectsPath: String?

    public var zh: Bool { language == .zh }

    // MARK: Cells

    /// "110.0" for a percentage, "n/a" when not applicable.
    public func cell(_ value: IndicatorValue) -> String {
        value.percent.map { formatDecimal($0, digits: 1) } ?? "n/a"
    }

    public func points(_ value: Double?) -> String {
        value.map { formatDecimal($0, digits: 1) } ?? "n/a"
    }

    public func roleText(_ role: TeamRole) -> String { role.label(language) }

    /// "25", "4.5".
    public func compact(_ value: Double) -> String {
        formatDecimal(value, digits: value == value.rounded() ? 0 : 1)
    }

    /// People reviewed in `period`, in plan order.
    public func people(in period: ReviewPeriod) -> [PerformanceReview.PersonResult] {
        review.people.filter { $0.record.period == period }
    }

    public func teams(in period: ReviewPeriod) -> [PerformanceReview.TeamResult] {
        review.teams.filter { $0.period == period }
    }

    // MARK: Notes

    /// The indicators shown in tables: profile completeness only with a prospect list.
    public var shownIndicators: [Indicator] {
        Indicator.allCases.filter { $0 != .profileCompleteness || prospects != nil }
    }

    /// Why each not-applicable indicator of a person is not applicable (without a prospect
    /// list, profile completeness is n/a for everyone; the summary says so once).
    public func indicatorNotes(_ person: PerformanceReview.PersonResult) -> [String] {
        Indicator.allCases.enumerated().compactMap { index, indicator in
            guard let reason = person.indicators[index].notApplicable, reason.reason != .noProspectList else { return nil }
            return "\(indicator.shortLabel(language)): \(reason.message(language))"
        }
    }

    /// How the scorecard's computed items were scored, and why items are not applicable.
    /// Ratings are shown only when missing; deductions only when something was deducted.
    public func scorecardNotes(_ result: ScorecardResult) -> [String] {
        result.items.compactMap { score in
            let label = score.item.shortLabel.text(language)
            switch score.status {
            case .notApplicable: return "\(label): \(score.explanation(language))"
            case .scored(_, let detail):
                switch detail {
                case .stepped: return "\(label): \(score.explanation(language))"
                case .rating: return nil
                case .deductions(let outcome):
                    return outcome.lines.contains { $0.points > 0 } ? "\(label): \(score.explanation(language))" : nil
                }
            }
        }
    }

    /// Team notes: indicators covering only some members, and not-applicable ones.
    public func teamNotes(_ team: PerformanceReview.TeamResult) -> [String] {
        Indicator.allCases.enumerated().compactMap { index, indicator in
            let (value, covered) = team.indicators[index]
            let label = indicator.shortLabel(language)
            if let reason = value.notApplicable {
                return reason.reason == .noProspectList ? nil : "\(label): \(reason.message(language))"
            }
            guard covered < team.members.count else { return nil }
            return zh
                ? "\(label): 仅含 \(covered)/\(team.members.count) 人(其余人员未记录相关数据)"
                : "\(label): over \(covered) of \(team.members.count) people (the others lack the figures)"
        }
    }

    // MARK: Summary

    public func readLine(_ kind: String, file: String, read: Int, accepted: Int, rejected: Int, path: String?) -> String {
        "\(kind) \(file)\(zh ? "：" : ": ")"
            + RejectLines.readLine(rowsRead: read, accepted: accepted, rejected: rejected, path: path, language)
    }

    /// What was read, rejected, left out and assumed.
    public func summaryLines() -> [String] {
        var lines: [String] = []
        let join = loaded.join
        let planRejected = loaded.planRejects.count
        let actualRejected = loaded.actualRejects.count
        lines.append(
            readLine(
                zh ? "计划" : "Plan", file: loaded.plan.file, read: loaded.plan.rowsRead,
                accepted: loaded.plan.rowsRead - planRejected, rejected: planRejected, path: planRejectsPath))
        lines.append(
            readLine(
                zh ? "实际" : "Actuals", file: loaded.actual.file, read: loaded.actual.rowsRead,
                accepted: loaded.actual.rowsRead - actualRejected, rejected: actualRejected, path: actualRejectsPath))
        let rejects = loaded.planRejects + loaded.actualRejects
        lines += RejectLines.lines(rejects, limit: 8, language)
        let periods = join.periods.map(\.label).joined(separator: ", ")
        lines.append(
            zh ? "考核期间 \(periods):\(join.records.count) 人次(计划与实际已对应)。" : "Reviewed \(periods): \(join.records.count) plan row\(join.records.count == 1 ? "" : "s") joined with actuals.")
        if !join.previousPeriodActuals.isEmpty {
            lines.append(
                zh
                    ? "上期实际数据 \(join.previousPeriodActuals.count) 行,仅用于计算销售增长。"
                    : "\(join.previousPeriodActuals.count) actual row\(join.previousPeriodActuals.count == 1 ? "" : "s") of a previous period used only for sales growth.")
        }
        let skipped = join.otherPeriodPlans.count + join.otherPeriodActuals.count
        if skipped > 0 {
            lines.append(
                zh
                    ? "其他期间的行已按 --period 略过:计划 \(join.otherPeriodPlans.count) 行,实际 \(join.otherPeriodActuals.count) 行。"
                    : "Rows of other periods left out by --period: \(join.otherPeriodPlans.count) plan, \(join.otherPeriodActuals.count) actual.")
        }
        if prospects == nil {
            lines.append(
                zh
                    ? "大客户档案完整率:不适用,未提供客户名单(--prospects 与 --model)。"
                    : "Profile completeness: n/a, no prospect list was given (--prospects, with --model)."
            )
        }
        if let prospects {
            var line = readLine(
                zh ? "客户名单" : "Prospects", file: prospects.file, read: prospects.rowsRead, accepted: prospects.accepted,
                rejected: prospects.rejects.count, path: prospects.rejectsPath)
            line.removeLast()
            line += zh ? "，模型 \(prospects.modelName)。" : ", model \(prospects.modelName)."
            lines.append(line)
            for reject in prospects.rejects.prefix(3) { lines.append((zh ? "  拒绝 " : "  rejected ") + reject.description(language)) }
            if prospects.rejects.count > 3 {
                lines.append(zh ? "  … 另有 \(prospects.rejects.count - 3) 行" : "  … and \(prospects.rejects.count - 3) more")
            }
            if !review.unassignedAccounts.isEmpty {
                let list = review.unassignedAccounts.map {
                    "\($0.manager.isEmpty ? (zh ? "(空白)" : "(blank)") : $0.manager) \($0.accounts)"
                }.joined(separator: ", ")
                lines.append(
                    zh
                        ? "客户名单中经理不在考核范围内的客户(不计入档案完整率):\(list)。"
                        : "Accounts whose manager is not under review (not in profile completeness): \(list).")
            }
        }
        let bonusItems = scorecard.items.compactMap { item -> String? in
            guard case .stepped(let rule) = item.rule, rule.bonusMayExceedMaximum, rule.above != nil else { return nil }
            return item.label.text(language)
        }
        let partialRules = scorecard.items.compactMap { item -> SteppedRule.PartialSteps? in
            guard case .stepped(let rule) = item.rule else { return nil }
            return rule.partialSteps
        }
        let partial = SteppedRule.PartialSteps.allCases.filter(partialRules.contains).map { rule -> String in
            guard zh else { return rule.rawValue }
            switch rule {
            case .whole: return "只计完整档"
            case .started: return "开始即计一档"
            case .proportional: return "按比例计"
            }
        }.joined(separator: "/")
        let roles = scorecard.roles.map(roleText).joined(separator: zh ? "、" : ", ")
        let maximum = formatDecimal(scorecard.maximum, digits: 0)
        if zh {
            lines.append(
                "评分卡 \(scorecardFile)(\(scorecard.name),满分 \(maximum)):考核 \(roles);"
                    + (scorecard.notApplicable == .zero ? "不适用项计 0 分" : "不适用项按比例折算至满分")
                    + ";不足一档:\(partial);可超出该项满分的加分项:\(bonusItems.isEmpty ? "无" : bonusItems.joined(separator: "、"))。")
        } else {
            lines.append(
                "Scorecard \(scorecardFile) (\(scorecard.name), \(maximum) points): reviews \(roles); "
                    + (scorecard.notApplicable == .zero ? "n/a items score 0" : "totals rescaled over the items scored")
                    + "; partial steps: \(partial); bonus may pass the maximum: \(bonusItems.isEmpty ? "none" : bonusItems.joined(separator: ", ")).")
        }
        if !loaded.absentActualColumns.isEmpty || !loaded.absentPlanColumns.isEmpty {
            let absent = (loaded.absentPlanColumns + loaded.absentActualColumns).joined(separator: ", ")
            lines.append(
                zh ? "文件中没有的可选列(相关指标或评分项不适用):\(absent)。" : "Optional columns the files lack (what needs them is n/a): \(absent).")
        }
        let ignored = loaded.plan.ignoredColumns + loaded.actual.ignoredColumns
        if !ignored.isEmpty {
            lines.append(zh ? "未使用的列:\(ignored.joined(separator: ", "))。" : "Columns not used: \(ignored.joined(separator: ", ")).")
        }
        return lines
    }

    // MARK: Table and Markdown

    public func table(maxWidth: Int = TerminalWidth.columns, markdown: Bool = false) -> String {
        var text = ""
        for (index, period) in loaded.join.periods.enumerated() {
            if index > 0 { text += "\n" }
            switch grouping {
            case .person: text += personTables(period, maxWidth: maxWidth, markdown: markdown)
            case .team: text += teamTables(period, maxWidth: maxWidth, markdown: markdown)
            }
        }
        text += "\n" + legend(maxWidth: maxWidth, markdown: markdown)
        let summary = summaryLines()
        if markdown {
            // A list, so that Markdown keeps one line per statement.
            text += "\n" + summary.map { ($0.hasPrefix("  ") ? "  - " : "- ") + $0.drop { $0 == " " } }.joined(separator: "\n") + "\n"
        } else {
            text += "\n" + summary.flatMap { Self.wrap($0, width: maxWidth) }.joined(separator: "\n") + "\n"
        }
        return text
    }

    public func heading(_ text: String, markdown: Bool) -> String {
        markdown ? "### \(text)\n\n" : "\(text)\n"
    }

    public func indicatorColumns(first: [PlainTable.Column]) -> [PlainTable.Column] {
        first + shownIndicators.map { PlainTable.Column($0.shortLabel(language), alignRight: true) }
    }

    public func personTables(_ period: ReviewPeriod, maxWidth: Int, markdown: Bool) -> String {
        let people = people(in: period)
        var text = heading(
            zh ? "期间 \(period.label) · \(people.count) 人 · 考核指标(%)" : "Period \(period.label) · \(people.count) \(people.count == 1 ? "person" : "people") · indicators (%)",
            markdown: markdown)
        var indicators = PlainTable(
            columns: indicatorColumns(first: [.init(zh ? "人员" : "person", maxWidth: 10), .init(zh ? "岗位" : "role")]))
        for person in people {
            indicators.rows.append([person.record.person, roleText(person.record.role)] + shownIndicators.map { cell(person.value(of: $0)) })
        }
        text += markdown ? indicators.markdown() : indicators.render(maxWidth: maxWidth)
        let notes = people.flatMap { person in indicatorNotes(person).map { "\(person.record.person) \($0)" } }
        if !notes.isEmpty { text += "\n" + block(zh ? "不适用的指标" : "Not applicable", notes, maxWidth: maxWidth, markdown: markdown) }

        let scored = people.filter { $0.scorecard.result != nil }
        text += "\n" + heading(
            zh
                ? "评分卡(§2.2,满分 \(formatDecimal(scorecard.maximum, digits: 0)))"
                : "Scorecard (§2.2, \(formatDecimal(scorecard.maximum, digits: 0)) points)", markdown: markdown)
        var card = PlainTable(
            columns: [.init(zh ? "人员" : "person", maxWidth: 10), .init(zh ? "合计" : "total", alignRight: true)]
                + scorecard.items.map { PlainTable.Column($0.shortLabel.text(language), alignRight: true) })
        card.rows.append(
            [zh ? "满分" : "max", formatDecimal(scorecard.maximum, digits: 0)]
                + scorecard.items.map { compact($0.maximum) })
        for person in scored {
            guard let result = person.scorecard.result else { continue }
            card.rows.append([person.record.person, points(result.total)] + result.items.map { points($0.points) })
        }
        text += markdown ? card.markdown() : card.render(maxWidth: maxWidth)
        var how: [String] = []
        for person in people {
            switch person.scorecard {
            case .notScored(let reason):
                how.append("\(person.record.person) \(zh ? "不评分" : "not scored"): \(reason.message(language))")
            case .scored(let result):
                for note in scorecardNotes(result) { how.append("\(person.record.person) \(note)") }
                if scorecard.notApplicable == .rescale, !result.isComplete {
                    how.append(
                        "\(person.record.person) "
                            + (zh
                                ? "合计:\(points(result.points)) / \(points(result.possible)) × \(points(result.maximum))"
                                : "total: \(points(result.points)) of \(points(result.possible)) scaled to \(points(result.maximum))"))
                }
            }
        }
        if !how.isEmpty { text += "\n" + block(zh ? "评分说明" : "How the points were found", how, maxWidth: maxWidth, markdown: markdown) }
        return text
    }

    public func teamTables(_ period: ReviewPeriod, maxWidth: Int, markdown: Bool) -> String {
        let teams = teams(in: period)
        var text = heading(
            zh ? "期间 \(period.label) · \(teams.count) 个团队 · 考核指标(%)" : "Period \(period.label) · \(teams.count) team\(teams.count == 1 ? "" : "s") · indicators (%)",
            markdown: markdown)
        var indicators = PlainTable(
            columns: indicatorColumns(first: [.init(zh ? "团队" : "team", maxWidth: 12), .init(zh ? "人数" : "people", alignRight: true)]))
        for team in teams {
            indicators.rows.append([team.team, String(team.members.count)] + shownIndicators.map { cell(team.value(of: $0).value) })
        }
        text += markdown ? indicators.markdown() : indicators.render(maxWidth: maxWidth)
        let notes = teams.flatMap { team in teamNotes(team).map { "\(team.team) \($0)" } }
        if !notes.isEmpty { text += "\n" + block(zh ? "说明" : "Notes", notes, maxWidth: maxWidth, markdown: markdown) }
        text += "\n" + heading(zh ? "评分卡合计(§2.2)" : "Scorecard totals (§2.2)", markdown: markdown)
        var card = PlainTable(columns: [
            .init(zh ? "团队" : "team", maxWidth: 12), .init(zh ? "评分人数" : "scored", alignRight: true),
            .init(zh ? "平均" : "mean", alignRight: true), .init(zh ? "最低" : "min", alignRight: true),
            .init(zh ? "最高" : "max", alignRight: true), .init(zh ? "未评分" : "not scored", alignRight: true),
        ])
        for team in teams {
            card.rows.append([
                team.team, String(team.scorecardTotals.count), points(team.meanTotal), points(team.scorecardTotals.min()),
                points(team.scorecardTotals.max()), String(team.notScored),
            ])
        }
        text += markdown ? card.markdown() : card.render(maxWidth: maxWidth)
        return text
    }

    /// A titled list of notes, wrapped to the width (or as a Markdown list).
    public func block(_ title: String, _ notes: [String], maxWidth: Int, markdown: Bool) -> String {
        if markdown { return "**\(title)**\n\n" + notes.map { "- \($0)\n" }.joined() }
        var text = title + (zh ? ":\n" : ":\n")
        for note in notes { text += Self.wrap("  " + note, width: maxWidth, indent: "    ").joined(separator: "\n") + "\n" }
        return text
    }

    /// What the short column headings mean.
    public func legend(maxWidth: Int, markdown: Bool) -> String {
        let indicators = shownIndicators.map { "\($0.shortLabel(language)) = \($0.label(language))" }
        let items = scorecard.items.map { "\($0.shortLabel.text(language)) = \($0.label.text(language))" }
        let text =
            zh
            ? "指标:\(indicators.joined(separator: ",")),公式见 kam kpi --help。评分项:\(items.joined(separator: ","))。n/a = 不适用。"
            : "Indicators: \(indicators.joined(separator: ", ")); formulas in kam kpi --help. Items: \(items.joined(separator: ", ")). n/a = not applicable."
        return markdown ? text + "\n" : Self.wrap(text, width: maxWidth).joined(separator: "\n") + "\n"
    }

    /// Wraps at spaces, and between CJK characters where a line has no space to break at,
    /// so that no line is wider than `width` terminal columns.
    public static func wrap(_ text: String, width: Int, indent: String = "    ") -> [String] {
        var lines: [String] = []
        var current = ""
        var currentWidth = 0
        for character in text {
            let characterWidth = DisplayWidth.of(String(character))
            if currentWidth + characterWidth > width {
                // Break at the last space after the indent, else here.
                let floor = current.index(current.startIndex, offsetBy: min(indent.count, current.count))
                if let space = current[floor...].lastIndex(of: " "), character != " " {
                    let head = String(current[..<space])
                    let tail = String(current[current.index(after: space)...])
                    lines.append(head)
                    current = indent + tail
                } else {
                    lines.append(current)
                    current = indent
                }
                if character == " " {
                    currentWidth = DisplayWidth.of(current)
                    continue
                }
                currentWidth = DisplayWidth.of(current)
            }
            current.append(character)
            currentWidth += characterWidth
        }
        if !current.isEmpty && current != indent { lines.append(current) }
        return lines.map { $0.hasSuffix(" ") ? String($0.reversed().drop { $0 == " " }.reversed()) : $0 }
    }

    // MARK: CSV

    public func writeCSV(to sink: inout some OutputSink) {
        switch grouping {
        case .person: writePersonCSV(to: &sink)
        case .team: writeTeamCSV(to: &sink)
        }
    }

    public func number(_ value: Double?) -> String {
        value.map { CSVWriter.number($0, digits: 4) } ?? ""
    }

    public func writePersonCSV(to sink: inout some OutputSink) {
        var header = ["period", "person", "role", "team", "plan_line", "actual_line"]
        header += Indicator.allCases.map(\.id)
        header += ["score_total", "score_points", "score_possible", "score_complete"]
        header += scorecard.items.map { "score_\($0.id)" }
        header += ["notes"]
        sink.write(CSVWriter.record(header))
        for person in review.people {
            let record = person.record
            var fields = [
                CSVWriter.field(record.period.label), CSVWriter.field(record.person), record.role.rawValue,
                CSVWriter.field(record.team), String(record.plan.line), String(record.actual.line),
            ]
            fields += person.indicators.map { number($0.percent) }
            var notes = indicatorNotes(person)
            switch person.scorecard {
            case .scored(let result):
                fields += [number(result.total), number(result.points), number(result.possible), result.isComplete ? "yes" : "no"]
                fields += result.items.map { number($0.points) }
                notes += result.items.compactMap { score in
                    score.notApplicable.map {
                        "\(zh ? "评分" : "score") \(score.item.shortLabel.text(language)): \($0.message(language))"
                    }
                }
            case .notScored(let reason):
                fields += ["", "", "", "no"] + scorecard.items.map { _ in "" }
                notes.append((zh ? "不评分: " : "not scored: ") + reason.message(language))
            }
            fields.append(CSVWriter.field(notes.joined(separator: "; ")))
            sink.write(fields.joined(separator: ",") + "\n")
        }
    }

    public func writeTeamCSV(to sink: inout some OutputSink) {
        var header = ["period", "team", "people"]
        header += Indicator.allCases.map(\.id)
        header += ["scored", "score_mean", "score_min", "score_max", "not_scored", "notes"]
        sink.write(CSVWriter.record(header))
        for team in review.teams {
            var fields = [CSVWriter.field(team.period.label), CSVWriter.field(team.team), String(team.members.count)]
            fields += team.indicators.map { number($0.value.percent) }
            fields += [
                String(team.scorecardTotals.count), number(team.meanTotal), number(team.scorecardTotals.min()),
                number(team.scorecardTotals.max()), String(team.notScored),
                CSVWriter.field(teamNotes(team).joined(separator: "; ")),
            ]
            sink.write(fields.joined(separator: ",") + "\n")
        }
    }

    // MARK: JSON

    public func writeJSON(to sink: inout some OutputSink) {
        let json = JSONWriter()
        func string(_ text: String) -> String { json.string(text) }
        func optional(_ value: Double?) -> String { value.map { formatDecimal($0, digits: 6) } ?? "null" }
        sink.write("{\n")
        sink.write("  \"schema\": \"kam.kpi/1\",\n")
        sink.write("  \"plan\": \(string(loaded.plan.file)),\n")
        sink.write("  \"actual\": \(string(loaded.actual.file)),\n")
        sink.write("  \"prospects\": \(prospects.map { string($0.file) } ?? "null"),\n")
        sink.write("  \"model\": \(prospects.map { string($0.modelName) } ?? "null"),\n")
        sink.write("  \"by\": \(string(grouping.rawValue)),\n")
        sink.write("  \"language\": \(string(language.rawValue)),\n")
        sink.write("  \"periods\": [\(loaded.join.periods.map { string($0.label) }.joined(separator: ", "))],\n")
        sink.write(
            "  \"scorecard\": {\"file\": \(string(scorecardFile)), \"name\": \(string(scorecard.name)), "
                + "\"maximum\": \(optional(scorecard.maximum)), \"not_applicable\": \(string(scorecard.notApplicable.rawValue)), "
                + "\"roles\": [\(scorecard.roles.map { string($0.rawValue) }.joined(separator: ", "))], \"items\": [")
        sink.write(
            scorecard.items.map {
                "{\"id\": \(string($0.id)), \"label\": \(string($0.label.text(language))), \"maximum\": \(optional($0.maximum)), \"source\": \(string($0.source))}"
            }.joined(separator: ", "))
        sink.write("]},\n")
        sink.write("  \"indicators\": [")
        sink.write(
            Indicator.allCases.map {
                "{\"id\": \(string($0.id)), \"label\": \(string($0.label(language))), \"formula\": \(string($0.formula(language))), \"source\": \(string($0.source))}"
            }.joined(separator: ", "))
        sink.write("],\n")
        func indicatorsJSON(_ values: [IndicatorValue], covered: [Int]? = nil) -> String {
            "{" + Indicator.allCases.enumerated().map { index, indicator in
                var text = "\(string(indicator.id)): "
                switch values[index] {
                case .percent(let value, let numerator, let denominator):
                    text += "{\"value\": \(optional(value)), \"numerator\": \(optional(numerator)), \"denominator\": \(optional(denominator))"
                case .notApplicable(let reason):
                    text += "{\"value\": null, \"reason\": \(string(reason.code)), \"message\": \(string(reason.message(language)))"
                }
                if let covered { text += ", \"covered\": \(covered[index])" }
                return text + "}"
            }.joined(separator: ", ") + "}"
        }
        if grouping == .person {
            sink.write("  \"people\": [")
            for (position, person) in review.people.enumerated() {
                sink.write(position == 0 ? "\n" : ",\n")
                let record = person.record
                var text = "    {\"period\": \(string(record.period.label)), \"person\": \(string(record.person)), "
                text += "\"role\": \(string(record.role.rawValue)), \"team\": \(json.optionalString(record.team, missingCodes: [])), "
                text += "\"plan_line\": \(record.plan.line), \"actual_line\": \(record.actual.line),\n"
                text += "     \"previous_sales\": \(previousSalesJSON(record.previousSales, string: string)),\n"
                text += "     \"indicators\": \(indicatorsJSON(person.indicators)),\n"
                if let profile = person.profile {
                    text += "     \"profiles\": {\"accounts\": \(profile.accounts), \"complete\": \(profile.complete), \"insufficient\": \(profile.insufficient)},\n"
                }
                switch person.scorecard {
                case .notScored(let reason):
                    text += "     \"scorecard\": {\"scored\": false, \"reason\": \(string(reason.code)), \"message\": \(string(reason.message(language)))}}"
                case .scored(let result):
                    text += "     \"scorecard\": {\"scored\": true, \"total\": \(optional(result.total)), \"points\": \(optional(result.points)), "
                    text += "\"possible\": \(optional(result.possible)), \"maximum\": \(optional(result.maximum)), \"complete\": \(result.isComplete), \"items\": ["
                    text += result.items.map { score in
                        var item = "\n       {\"id\": \(string(score.item.id)), \"maximum\": \(optional(score.item.maximum)), \"points\": \(optional(score.points)), "
                        if let reason = score.notApplicable { item += "\"reason\": \(string(reason.code)), " }
                        item += "\"explanation\": \(string(score.explanation(language)))}"
                        return item
                    }.joined(separator: ",")
                    text += "]}}"
                }
                sink.write(text)
            }
            sink.write(review.people.isEmpty ? "],\n" : "\n  ],\n")
        } else {
            sink.write("  \"teams\": [")
            for (position, team) in review.teams.enumerated() {
                sink.write(position == 0 ? "\n" : ",\n")
                var text = "    {\"period\": \(string(team.period.label)), \"team\": \(string(team.team)), "
                text += "\"members\": [\(team.members.map(string).joined(separator: ", "))],\n"
                text += "     \"indicators\": \(indicatorsJSON(team.indicators.map(\.value), covered: team.indicators.map(\.covered))),\n"
                if let profile = team.profile {
                    text += "     \"profiles\": {\"accounts\": \(profile.accounts), \"complete\": \(profile.complete), \"insufficient\": \(profile.insufficient)},\n"
                }
                text += "     \"scorecard\": {\"scored\": \(team.scorecardTotals.count), \"not_scored\": \(team.notScored), "
                text += "\"mean\": \(optional(team.meanTotal)), \"min\": \(optional(team.scorecardTotals.min())), \"max\": \(optional(team.scorecardTotals.max()))}}"
                sink.write(text)
            }
            sink.write(review.teams.isEmpty ? "],\n" : "\n  ],\n")
        }
        let join = loaded.join
        sink.write("  \"summary\": {")
        sink.write(
            "\"plan_rows_read\": \(loaded.plan.rowsRead), \"plan_rejected\": \(loaded.planRejects.count), "
                + "\"actual_rows_read\": \(loaded.actual.rowsRead), \"actual_rejected\": \(loaded.actualRejects.count), "
                + "\"reviewed\": \(join.records.count), \"previous_period_rows\": \(join.previousPeriodActuals.count), "
                + "\"other_period_plan_rows\": \(join.otherPeriodPlans.count), \"other_period_actual_rows\": \(join.otherPeriodActuals.count), "
                + "\"absent_columns\": [\((loaded.absentPlanColumns + loaded.absentActualColumns).map(string).joined(separator: ", "))], "
                + "\"ignored_columns\": [\((loaded.plan.ignoredColumns + loaded.actual.ignoredColumns).map(string).joined(separator: ", "))]")
        if let prospects {
            sink.write(
                ", \"prospect_rows_read\": \(prospects.rowsRead), \"prospect_rejected\": \(prospects.rejects.count), "
                    + "\"unassigned_accounts\": {\(review.unassignedAccounts.map { "\(string($0.manager)): \($0.accounts)" }.joined(separator: ", "))}")
        }
        sink.write("},\n")
        sink.write("  \"rejects\": [")
        let rejects = loaded.planRejects + loaded.actualRejects
        for (position, reject) in rejects.enumerated() {
            sink.write(position == 0 ? "\n" : ",\n")
            sink.write(
                "    {\"file\": \(string(reject.file)), \"line\": \(reject.line), \"column\": \(reject.column.map(string) ?? "null"), "
                    + "\"column_number\": \(reject.columnNumber.map(String.init) ?? "null"), "
                    + "\"reason\": \(string(reject.reason.code)), \"message\": \(string(reject.message))}")
        }
        sink.write(rejects.isEmpty ? "]\n" : "\n  ]\n")
        sink.write("}\n")
    }

    public func previousSalesJSON(_ previous: PerformanceRecord.PreviousSales, string: (String) -> String) -> String {
        switch previous {
        case .stated(let value): return "{\"value\": \(formatDecimal(value, digits: 6)), \"source\": \"previous_sales\"}"
        case .previousRow(let value, let period, let line):
            return "{\"value\": \(formatDecimal(value, digits: 6)), \"source\": \"actual_row\", \"period\": \(string(period.label)), \"line\": \(line)}"
        case .unknown(let period):
            return "{\"value\": null, \"source\": null, \"period\": \(period.map { string($0.label) } ?? "null")}"
        }
    }

    /// A report from the values its command computed.
    public init(review: PerformanceReview, loaded: PerformanceInputLoader.Result, scorecard: Scorecard, scorecardFile: String, grouping: KPIGrouping, language: Language, prospects: ProspectsRead?, planRejectsPath: String?, actualRejectsPath: String?) {
        self.review = review
        self.loaded = loaded
        self.scorecard = scorecard
        self.scorecardFile = scorecardFile
        self.grouping = grouping
        self.language = language
        self.prospects = prospects
        self.planRejectsPath = planRejectsPath
        self.actualRejectsPath = actualRejectsPath
    }
}
