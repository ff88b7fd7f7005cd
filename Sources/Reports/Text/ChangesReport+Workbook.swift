import RunHistory
import ScoringEngine
import ScoringIO

extension ChangesReport {
    /// The changes as an Excel workbook: one row per listed account and section (the CSV's
    /// columns, scores with one decimal, completeness as a percentage, the later grade
    /// coloured), the grade transitions, and the runs and model compared.
    public func workbook() -> Workbook {
        let score = ReportWorkbook.score
        let columns: [Workbook.Column] = [
            .init("section", width: 20), .init("account", width: 12), .init("name", width: 28), .init("from_grade", width: 11),
            .init("to_grade", width: 11), .init("from_rank", format: .integer, width: 10),
            .init("to_rank", format: .integer, width: 10), .init("from_value", format: score, width: 11),
            .init("to_value", format: score, width: 11), .init("from_difficulty", format: score, width: 15),
            .init("to_difficulty", format: score, width: 15), .init("from_priority", format: score, width: 13),
            .init("to_priority", format: score, width: 13),
            .init("from_completeness", format: .percent(digits: 0), width: 17),
            .init("to_completeness", format: .percent(digits: 0), width: 17), .init("factor_moves", width: 40),
            .init("collected", width: 24), .init("lost", width: 24),
        ]
        var sheet = Workbook.Sheet(name: language == .zh ? "变化" : "changes", columns: columns, gradeColumn: 4)
        for section in Section.allCases {
            for change in accounts(section).list {
                sheet.rows.append([
                    .text(section.rawValue), .text(change.account), ReportWorkbook.text(change.name),
                    ReportWorkbook.text(change.from?.grade.letter), ReportWorkbook.text(change.to?.grade.letter),
                    ReportWorkbook.integer(change.from?.rank), ReportWorkbook.integer(change.to?.rank),
                    ReportWorkbook.number(change.from?.value), ReportWorkbook.number(change.to?.value),
                    ReportWorkbook.number(change.from?.difficulty), ReportWorkbook.number(change.to?.difficulty),
                    ReportWorkbook.number(change.from?.priority), ReportWorkbook.number(change.to?.priority),
                    ReportWorkbook.number(change.from?.completeness), ReportWorkbook.number(change.to?.completeness),
                    ReportWorkbook.text(
                        change.factorMoves.map { "\($0.factor):\(ReportFormat.decimal($0.change, 4))" }.joined(separator: ";")),
                    ReportWorkbook.text(change.collected.joined(separator: ";")), ReportWorkbook.text(change.lost.joined(separator: ";")),
                ])
            }
        }
        let grades = Grade.allCases
        var transitions = Workbook.Sheet(
            name: language == .zh ? "等级转移" : "transitions",
            columns: [Workbook.Column("from", width: 13)] + grades.map { Workbook.Column($0.letter, format: .integer, width: 13) })
        transitions.rows = grades.map { from -> [Workbook.Cell] in
            [Workbook.Cell.text(from.letter)]
                + grades.map { Workbook.Cell.number(Double(changes.transitions[from.order][$0.order])) }
        }
        var runs = Workbook.Sheet(name: language == .zh ? "运行与模型" : "runs", columns: [.init(language == .zh ? "说明" : "note", width: 120)])
        runs.rows = headerLines().map { [Workbook.Cell.text($0)] }
        return Workbook(sheets: [sheet, transitions, runs])
    }
}
