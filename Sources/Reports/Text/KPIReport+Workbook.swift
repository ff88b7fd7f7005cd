import ScoringEngine
import ScoringIO

extension KPIReport {
    /// The review as an Excel workbook: one row per person (or team) and period with every
    /// indicator as a percentage (stored as a fraction: 110% is 1.1) and the scorecard's
    /// points, the indicators' formulas, the scorecard's items and the rejected rows.
    public func workbook() -> Workbook {
        let percent = Workbook.NumberFormat.percent(digits: 1)
        let points = ReportWorkbook.score
        func fraction(_ value: IndicatorValue) -> Workbook.Cell { ReportWorkbook.number(value.percent.map { $0 / 100 }) }
        let indicatorColumns = Indicator.allCases.map { Workbook.Column($0.id, format: percent, width: 10) }
        var main: Workbook.Sheet
        switch grouping {
        case .person:
            let columns: [Workbook.Column] =
                [
                    .init("period", width: 9), .init("person", width: 10), .init("role", width: 11), .init("team", width: 10),
                    .init("plan_line", format: .integer), .init("actual_line", format: .integer, width: 11),
                ] + indicatorColumns
                + [
                    .init("score_total", format: points, width: 11), .init("score_points", format: points, width: 12),
                    .init("score_possible", format: points, width: 14), .init("score_complete", width: 14),
                ] + scorecard.items.map { .init("score_\($0.id)", format: points, width: 12) } + [.init("notes", width: 60)]
            main = Workbook.Sheet(name: zh ? "人员考核" : "people", columns: columns)
            main.rows = review.people.map { person in
                let record = person.record
                var cells: [Workbook.Cell] = [
                    .text(record.period.label), .text(record.person), .text(record.role.rawValue), ReportWorkbook.text(record.team),
                    .number(Double(record.plan.line)), .number(Double(record.actual.line)),
                ]
                cells += person.indicators.map(fraction)
                var notes = indicatorNotes(person)
                switch person.scorecard {
                case .scored(let result):
                    cells += [
                        ReportWorkbook.number(result.total), ReportWorkbook.number(result.points),
                        ReportWorkbook.number(result.possible), .text(result.isComplete ? "yes" : "no"),
                    ]
                    cells += result.items.map { ReportWorkbook.number($0.points) }
                    notes += result.items.compactMap { score in
                        score.notApplicable.map {
                            "\(zh ? "评分" : "score") \(score.item.shortLabel.text(language)): \($0.message(language))"
                        }
                    }
                case .notScored(let reason):
                    cells += [.empty, .empty, .empty, .text("no")] + scorecard.items.map { _ in .empty }
                    notes.append((zh ? "不评分: " : "not scored: ") + reason.message(language))
                }
                return cells + [ReportWorkbook.text(notes.joined(separator: "; "))]
            }
        case .team:
            let columns: [Workbook.Column] =
                [.init("period", width: 9), .init("team", width: 10), .init("people", format: .integer)] + indicatorColumns
                + [
                    .init("scored", format: .integer), .init("score_mean", format: points, width: 11),
                    .init("score_min", format: points), .init("score_max", format: points),
                    .init("not_scored", format: .integer, width: 11), .init("notes", width: 60),
                ]
            main = Workbook.Sheet(name: zh ? "团队考核" : "teams", columns: columns)
            main.rows = review.teams.map { team in
                [.text(team.period.label), .text(team.team), .number(Double(team.members.count))]
                    + team.indicators.map { fraction($0.value) }
                    + [
                        .number(Double(team.scorecardTotals.count)), ReportWorkbook.number(team.meanTotal),
                        ReportWorkbook.number(team.scorecardTotals.min()), ReportWorkbook.number(team.scorecardTotals.max()),
                        .number(Double(team.notScored)), ReportWorkbook.text(teamNotes(team).joined(separator: "; ")),
                    ]
            }
        }
        var indicators = Workbook.Sheet(
            name: zh ? "指标" : "indicators",
            columns: [.init("id", width: 10), .init("label", width: 20), .init("formula", width: 60), .init("source", width: 12)])
        indicators.rows = Indicator.allCases.map {
            [.text($0.id), .text($0.label(language)), .text($0.formula(language)), .text($0.source)]
        }
        var items = Workbook.Sheet(
            name: zh ? "评分项" : "scorecard",
            columns: [.init("id", width: 16), .init("label", width: 24), .init("maximum", format: points), .init("source", width: 16)])
        items.rows = scorecard.items.map {
            [.text($0.id), .text($0.label.text(language)), ReportWorkbook.number($0.maximum), .text($0.source)]
        }
        func row(_ file: String, _ line: Int, _ column: String?, _ number: Int?, _ reason: String, _ message: String, _ fields: [String])
            -> ReportWorkbook.RejectedRow
        {
            ReportWorkbook.RejectedRow(
                file: file, line: line, column: column, columnNumber: number, reason: reason, message: message,
                fields: [fields.joined(separator: ",")])
        }
        let rejects =
            (loaded.planRejects + loaded.actualRejects).map {
                row($0.file, $0.line, $0.column, $0.columnNumber, $0.reason.code, $0.message, $0.fields)
            }
            + (prospects?.rejects ?? []).map {
                row($0.file, $0.line, $0.column, $0.columnNumber, $0.reason.code, $0.message, $0.fields)
            }
        let rejected = ReportWorkbook.rejectedSheet(rejects, header: ["fields"], language: language, withFile: true)
        return Workbook(sheets: [main, indicators, items, rejected])
    }
}
