import ScoringEngine
import ScoringIO

extension RankReport {
    /// The ranking as an Excel workbook: the ranked accounts (the CSV's columns, numbers as
    /// numbers with their formats, grade cells coloured, missing values as empty cells), the
    /// rejected rows with their reasons, and the model used.
    ///
    /// `morePages` gives the further pages of a streamed ranking, as for ``writeCSV(to:morePages:)``.
    public func workbook(morePages: () throws -> RankReport? = { nil }) rethrows -> Workbook {
        let scenarioNames = assessment.scorer.scenarioNames
        let calibrated = model.calibration != nil
        let money = Workbook.NumberFormat.money(unit: Self.moneyUnit(model.columnUnits[model.columns.dealValue ?? ""]), digits: 2)
        let score = Workbook.NumberFormat.decimal(digits: 1)
        var columns: [Workbook.Column] = [
            .init("rank", format: .integer, width: 7), .init("account_id", width: 12), .init("name", width: 28),
            .init("industry", width: 12), .init("region", width: 10), .init("manager", width: 10),
            .init("stage", format: .integer, width: 7), .init("deal_value", format: money, width: 14),
            .init("grade", width: 7), .init("action", width: 16),
        ]
        if calibrated { columns.append(.init("probability", format: .percent(digits: 1), width: 11)) }
        columns += [
            .init("value", format: score), .init("difficulty", format: score), .init("priority", format: score),
            .init("completeness", format: .percent(digits: 0), width: 13), .init("segments", width: 14),
            .init("reasons_up", width: 40), .init("reasons_down", width: 30), .init("line", format: .integer),
        ]
        columns += model.factors.map { .init("points_\($0.id)", format: score) }
        for name in scenarioNames.dropFirst() {
            columns += [.init("value_\(name)", format: score), .init("difficulty_\(name)", format: score), .init("grade_\(name)")]
        }
        var ranked = Workbook.Sheet(name: language == .zh ? "排名" : "ranked", columns: columns, gradeColumn: 8)
        ranked.rows = workbookRows()
        while let page = try morePages() { ranked.rows += page.workbookRows() }

        let rejected = ReportWorkbook.rejectedSheet(loaded.rejects, header: loaded.header, language: language)
        let modelSheet = ReportWorkbook.modelSheet(model, language: language)
        return Workbook(sheets: [ranked, rejected, modelSheet])
    }

    /// The cells of `rows`, in the columns of ``workbook(morePages:)``.
    private func workbookRows() -> [[Workbook.Cell]] {
        let scenarioCount = assessment.scorer.scenarioCount
        let missing = Set(model.missingCodes.map { $0.lowercased() })
        func text(_ value: String) -> Workbook.Cell {
            value.isEmpty || missing.contains(value.lowercased()) ? .empty : .text(value)
        }
        return rows.map { rank, row in
            let account = assessment.accounts[row]
            let explanation = assessment.explanation(of: row)
            var cells: [Workbook.Cell] = [
                .number(Double(rank)), .text(account.id), text(account.name), text(account.industry), text(account.region),
                text(account.manager), account.stage.map { .number(Double($0)) } ?? .empty,
                account.dealValue.map { .number($0) } ?? .empty, .text(assessment.grades[row].letter),
                .text(assessment.grades[row].action(language)),
            ]
            if let probability = probability(row) { cells.append(.number(probability)) }
            cells += [
                .number(assessment.value(row)), .number(assessment.difficulty(row)), .number(assessment.priority(row)),
                .number(assessment.completeness(row)), text(segmentIDs(row).joined(separator: ";")),
                text(reasons(explanation.reasonsUp(), sign: "+")), text(reasons(explanation.reasonsDown(), sign: "-")),
                .number(Double(account.line)),
            ]
            cells += explanation.contributions.map { .number($0.points) }
            for scenario in 1..<max(scenarioCount, 1) {
                cells += [
                    .number(assessment.value(row, scenario: scenario)), .number(assessment.difficulty(row, scenario: scenario)),
                    .text(assessment.gradesByScenario[scenario][row].letter),
                ]
            }
            return cells
        }
    }

    public static func text(_ value: String) -> Workbook.Cell { value.isEmpty ? .empty : .text(value) }

    /// The money unit shown after amounts: the deal-value column's unit (万元 by default).
    public static func moneyUnit(_ unit: String?) -> String {
        switch unit {
        case "yuan": return "元"
        case "yi": return "亿元"
        default: return "万元"
        }
    }
}
