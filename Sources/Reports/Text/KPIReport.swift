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
            zh
                ? "考核期间 \(periods):\(join.records.count) 人次(计划与实际已对应)。"
                : "Reviewed \(periods): \(join.records.count) plan row\(join.records.count == 1 ? "" : "s") joined with actuals.")
        if !join.previousPeriodActuals.isEmpty {
            lines.append(
                zh
                    ? "上期实际数据 \(join.previousPeriodActuals.count) 行,仅用于计算销售增长。"
                    : "\(join.previousPeriodActuals.count) actual row\(join.previousPeriodActuals.count == 1 ? "" : "s") of a previous period used only for sales growth."
            )
        }
        let skipped = join.otherPeriodPlans.count + join.otherPeriodActuals.count
        if skipped > 0 {
            lines.append(
                zh
                    ? "其他期间的行已按 --period 略过:计划 \(join.otherPeriodPlans.count) 行,实际 \(join.otherPeriodActuals.count) 行。"
                    : "Rows of other periods left out by --period: \(join.otherPeriodPlans.count) plan, \(join.otherPeriodActuals.count) actual."
            )
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
                    + "; partial steps: \(partial); bonus may pass the maximum: \(bonusItems.isEmpty ? "none" : bonusItems.joined(separator: ", "))."
            )
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
            zh
                ? "期间 \(period.label) · \(people.count) 人 · 考核指标(%)"
                : "Period \(period.label) · \(people.count) \(people.count == 1 ? "person" : "people") · indicators (%)",
            markdown: markdown)
        var indicators = PlainTable(
            columns: indicatorColumns(first: [.init(zh ? "人员" : "person", maxWidth: 10), .init(zh ? "岗位" : "role")]))
        for person in people {
            indicators.rows.append(
                [person.record.person, roleText(person.record.role)] + shownIndicators.map { cell(person.value(of: $0)) })
        }
        text += indicators.text(markdown: markdown, maxWidth: maxWidth)
        let notes = people.flatMap { person in indicatorNotes(person).map { "\(person.record.person) \($0)" } }
        if !notes.isEmpty { text += "\n" + block(zh ? "不适用的指标" : "Not applicable", notes, maxWidth: maxWidth, markdown: markdown) }

        let scored = people.filter { $0.scorecard.result != nil }
        text +=
            "\n"
            + heading(
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
        text += card.text(markdown: markdown, maxWidth: maxWidth)
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
            zh
                ? "期间 \(period.label) · \(teams.count) 个团队 · 考核指标(%)"
                : "Period \(period.label) · \(teams.count) team\(teams.count == 1 ? "" : "s") · indicators (%)",
            markdown: markdown)
        var indicators = PlainTable(
            columns: indicatorColumns(first: [.init(zh ? "团队" : "team", maxWidth: 12), .init(zh ? "人数" : "people", alignRight: true)]))
        for team in teams {
            indicators.rows.append([team.team, String(team.members.count)] + shownIndicators.map { cell(team.value(of: $0).value) })
        }
        text += indicators.text(markdown: markdown, maxWidth: maxWidth)
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
        text += card.text(markdown: markdown, maxWidth: maxWidth)
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
        // Numbers are written with 6 decimals as they are (`Double` in the encoder), `null` when missing.
        func indicatorsJSON(_ values: [IndicatorValue], covered: [Int]? = nil) -> JSONMembers<IndicatorJSON> {
            JSONMembers(
                keys: Indicator.allCases.map(\.id),
                values: Indicator.allCases.indices.map { index in
                    switch values[index] {
                    case .percent(let value, let numerator, let denominator):
                        return IndicatorJSON(
                            result: .percent(value: value, numerator: numerator, denominator: denominator), covered: covered?[index])
                    case .notApplicable(let reason):
                        return IndicatorJSON(
                            result: .notApplicable(reason: reason.code, message: reason.message(language)), covered: covered?[index])
                    }
                })
        }
        func profileJSON(_ profile: ProfileSummary?) -> ProfileJSON? {
            profile.map { ProfileJSON(accounts: $0.accounts, complete: $0.complete, insufficient: $0.insufficient) }
        }
        var people: [PersonJSON]?
        var teams: [TeamJSON]?
        if grouping == .person {
            people = review.people.map { person in
                let record = person.record
                let scorecard: PersonScorecardJSON
                switch person.scorecard {
                case .notScored(let reason):
                    scorecard = PersonScorecardJSON(outcome: .notScored(reason: reason.code, message: reason.message(language)))
                case .scored(let result):
                    scorecard = PersonScorecardJSON(
                        outcome: .scored(
                            total: result.total, points: result.points, possible: result.possible, maximum: result.maximum,
                            complete: result.isComplete,
                            items: ScoredItemsJSON(
                                items: result.items.map { score in
                                    ScoredItemJSON(
                                        id: score.item.id, maximum: score.item.maximum, points: score.points,
                                        reason: score.notApplicable?.code, explanation: score.explanation(language))
                                })))
                }
                return PersonJSON(
                    period: record.period.label, person: record.person, role: record.role.rawValue,
                    team: JSONWriter.present(record.team, missingCodes: []), planLine: record.plan.line,
                    actualLine: record.actual.line, previousSales: PreviousSalesJSON(record.previousSales),
                    indicators: indicatorsJSON(person.indicators), profiles: profileJSON(person.profile), scorecard: scorecard)
            }
        } else {
            teams = review.teams.map { team in
                TeamJSON(
                    period: team.period.label, team: team.team, members: team.members,
                    indicators: indicatorsJSON(team.indicators.map(\.value), covered: team.indicators.map(\.covered)),
                    profiles: profileJSON(team.profile),
                    scorecard: TeamScorecardJSON(
                        scored: team.scorecardTotals.count, notScored: team.notScored, mean: team.meanTotal,
                        min: team.scorecardTotals.min(), max: team.scorecardTotals.max()))
            }
        }
        let join = loaded.join
        let summary = SummaryJSON(
            planRowsRead: loaded.plan.rowsRead, planRejected: loaded.planRejects.count, actualRowsRead: loaded.actual.rowsRead,
            actualRejected: loaded.actualRejects.count, reviewed: join.records.count,
            previousPeriodRows: join.previousPeriodActuals.count, otherPeriodPlanRows: join.otherPeriodPlans.count,
            otherPeriodActualRows: join.otherPeriodActuals.count,
            absentColumns: loaded.absentPlanColumns + loaded.absentActualColumns,
            ignoredColumns: loaded.plan.ignoredColumns + loaded.actual.ignoredColumns,
            prospects: prospects.map { prospects in
                ProspectSummaryJSON(
                    prospectRowsRead: prospects.rowsRead, prospectRejected: prospects.rejects.count,
                    unassignedAccounts: JSONMembers(review.unassignedAccounts.map { (key: $0.manager, value: $0.accounts) }))
            })
        let json = JSON(
            plan: loaded.plan.file, actual: loaded.actual.file, prospects: prospects?.file, model: prospects?.modelName,
            by: grouping.rawValue, language: language.rawValue, periods: loaded.join.periods.map(\.label),
            scorecard: ScorecardJSON(
                file: scorecardFile, name: scorecard.name, maximum: scorecard.maximum, notApplicable: scorecard.notApplicable.rawValue,
                roles: scorecard.roles.map(\.rawValue),
                items: scorecard.items.map {
                    ScorecardItemJSON(id: $0.id, label: $0.label.text(language), maximum: $0.maximum, source: $0.source)
                }),
            indicators: Indicator.allCases.map {
                IndicatorDefinitionJSON(id: $0.id, label: $0.label(language), formula: $0.formula(language), source: $0.source)
            },
            people: people.map { JSONLines($0) }, teams: teams.map { JSONLines($0) }, summary: summary,
            rejects: JSONLines(
                (loaded.planRejects + loaded.actualRejects).map {
                    RejectJSON(
                        file: $0.file, line: $0.line, column: $0.column, columnNumber: $0.columnNumber, reason: $0.reason.code,
                        message: $0.message)
                }))
        sink.write(ReportJSONEncoder().encode(json))
    }

    /// `kam kpi --format json` (`kam.kpi/1`): `people` with `--by person`, `teams` otherwise.
    private struct JSON: Encodable, JSONLayoutProviding {
        let schema = "kam.kpi/1"
        let plan: String
        let actual: String
        let prospects: String?
        let model: String?
        let by: String
        let language: String
        let periods: [String]
        let scorecard: ScorecardJSON
        let indicators: [IndicatorDefinitionJSON]
        @OmittedWhenNil var people: JSONLines<PersonJSON>?
        @OmittedWhenNil var teams: JSONLines<TeamJSON>?
        let summary: SummaryJSON
        let rejects: JSONLines<RejectJSON>
        var jsonLayout: JSONLayout { .lines }
    }

    private struct ScorecardJSON: Encodable {
        let file: String
        let name: String
        let maximum: Double
        let notApplicable: String
        let roles: [String]
        let items: [ScorecardItemJSON]
    }

    private struct ScorecardItemJSON: Encodable {
        let id: String
        let label: String
        let maximum: Double
        let source: String
    }

    private struct IndicatorDefinitionJSON: Encodable {
        let id: String
        let label: String
        let formula: String
        let source: String
    }

    /// An indicator's value (or why it has none), and for a team how many members it covers.
    private struct IndicatorJSON: Encodable {
        enum Result {
            case percent(value: Double?, numerator: Double?, denominator: Double?)
            case notApplicable(reason: String, message: String)
        }

        let result: Result
        let covered: Int?

        private enum CodingKeys: String, CodingKey { case value, numerator, denominator, reason, message, covered }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            switch result {
            case .percent(let value, let numerator, let denominator):
                try container.encode(value, forKey: .value)
                try container.encode(numerator, forKey: .numerator)
                try container.encode(denominator, forKey: .denominator)
            case .notApplicable(let reason, let message):
                try container.encodeNil(forKey: .value)
                try container.encode(reason, forKey: .reason)
                try container.encode(message, forKey: .message)
            }
            if let covered { try container.encode(covered, forKey: .covered) }
        }
    }

    private struct ProfileJSON: Encodable {
        let accounts: Int
        let complete: Int
        let insufficient: Int
    }

    /// Last year's sales for the growth indicator, and where they came from.
    private struct PreviousSalesJSON: Encodable {
        let previous: PerformanceRecord.PreviousSales

        init(_ previous: PerformanceRecord.PreviousSales) { self.previous = previous }

        private enum CodingKeys: String, CodingKey { case value, source, period, line }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            switch previous {
            case .stated(let value):
                try container.encode(value, forKey: .value)
                try container.encode("previous_sales", forKey: .source)
            case .previousRow(let value, let period, let line):
                try container.encode(value, forKey: .value)
                try container.encode("actual_row", forKey: .source)
                try container.encode(period.label, forKey: .period)
                try container.encode(line, forKey: .line)
            case .unknown(let period):
                try container.encodeNil(forKey: .value)
                try container.encodeNil(forKey: .source)
                try container.encode(period?.label, forKey: .period)
            }
        }
    }

    /// A person's review; the previous sales, indicators, profiles and scorecard each start a
    /// line of their own.
    private struct PersonJSON: Encodable, JSONLayoutProviding {
        let period: String
        let person: String
        let role: String
        let team: String?
        let planLine: Int
        let actualLine: Int
        let previousSales: PreviousSalesJSON
        let indicators: JSONMembers<IndicatorJSON>
        @OmittedWhenNil var profiles: ProfileJSON?
        let scorecard: PersonScorecardJSON
        var jsonLayout: JSONLayout { .inlineBreaking(before: ["previous_sales", "indicators", "profiles", "scorecard"]) }
    }

    private struct PersonScorecardJSON: Encodable {
        enum Outcome {
            case notScored(reason: String, message: String)
            case scored(total: Double?, points: Double, possible: Double, maximum: Double, complete: Bool, items: ScoredItemsJSON)
        }

        let outcome: Outcome

        private enum CodingKeys: String, CodingKey { case scored, reason, message, total, points, possible, maximum, complete, items }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            switch outcome {
            case .notScored(let reason, let message):
                try container.encode(false, forKey: .scored)
                try container.encode(reason, forKey: .reason)
                try container.encode(message, forKey: .message)
            case .scored(let total, let points, let possible, let maximum, let complete, let items):
                try container.encode(true, forKey: .scored)
                try container.encode(total, forKey: .total)
                try container.encode(points, forKey: .points)
                try container.encode(possible, forKey: .possible)
                try container.encode(maximum, forKey: .maximum)
                try container.encode(complete, forKey: .complete)
                try container.encode(items, forKey: .items)
            }
        }
    }

    /// A scorecard's items, each on a line of its own two spaces deeper.
    private struct ScoredItemsJSON: Encodable, JSONLayoutProviding {
        let items: [ScoredItemJSON]
        var jsonLayout: JSONLayout { .eachOnNewLine(indent: 2) }

        func encode(to encoder: any Encoder) throws { try items.encode(to: encoder) }
    }

    /// An item's score; `reason` only when the item did not apply.
    private struct ScoredItemJSON: Encodable {
        let id: String
        let maximum: Double
        let points: Double?
        @OmittedWhenNil var reason: String?
        let explanation: String
    }

    /// A team's review; the indicators, profiles and scorecard each start a line of their own.
    private struct TeamJSON: Encodable, JSONLayoutProviding {
        let period: String
        let team: String
        let members: [String]
        let indicators: JSONMembers<IndicatorJSON>
        @OmittedWhenNil var profiles: ProfileJSON?
        let scorecard: TeamScorecardJSON
        var jsonLayout: JSONLayout { .inlineBreaking(before: ["indicators", "profiles", "scorecard"]) }
    }

    private struct TeamScorecardJSON: Encodable {
        let scored: Int
        let notScored: Int
        let mean: Double?
        let min: Double?
        let max: Double?
    }

    /// The rows read; the prospect list's members only when one was given.
    private struct SummaryJSON: Encodable {
        let planRowsRead: Int
        let planRejected: Int
        let actualRowsRead: Int
        let actualRejected: Int
        let reviewed: Int
        let previousPeriodRows: Int
        let otherPeriodPlanRows: Int
        let otherPeriodActualRows: Int
        let absentColumns: [String]
        let ignoredColumns: [String]
        @InlinedMembers var prospects: ProspectSummaryJSON?
    }

    private struct ProspectSummaryJSON: Encodable {
        let prospectRowsRead: Int
        let prospectRejected: Int
        let unassignedAccounts: JSONMembers<Int>
    }

    /// A report from the values its command computed.
    public init(
        review: PerformanceReview, loaded: PerformanceInputLoader.Result, scorecard: Scorecard, scorecardFile: String,
        grouping: KPIGrouping, language: Language, prospects: ProspectsRead?, planRejectsPath: String?, actualRejectsPath: String?
    ) {
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
