import ScoringEngine
import ScoringIO

extension AllocateReport {
    /// The allocation as an Excel workbook: every account's packages, hours, expense and
    /// expected revenue (money in the model's unit), every person's hours and shadow price,
    /// the summary, the rejected rows and the model used.
    public func workbook() -> Workbook {
        let model = loaded.assessment.model
        let unit = ReportWorkbook.moneyUnit(model)
        let money = Workbook.NumberFormat.money(unit: unit, digits: 2)
        let accountColumns: [Workbook.Column] = [
            .init("account_id", width: 12), .init("manager", width: 10), .init("stage", format: .integer, width: 7),
            .init("grade", width: 8), .init("packages", format: .decimal(digits: 2), width: 10),
            .init("manager_hours", format: ReportWorkbook.hours, width: 14),
            .init("director_hours", format: ReportWorkbook.hours, width: 14),
            .init("specialist_hours", format: ReportWorkbook.hours, width: 16), .init("expense", format: money, width: 14),
            .init("expected_revenue", format: money, width: 17),
            .init("expected_revenue_without_effort", format: money, width: 30), .init("reason", width: 24),
        ]
        var accounts = Workbook.Sheet(name: zh ? "客户投入" : "accounts", columns: accountColumns, gradeColumn: 3)
        accounts.rows = problem.accounts.indices.map { row in
            let account = problem.accounts[row]
            let effort = allocation.efforts[row]
            let work = self.work(row)
            let revenue = expectedRevenues(row)
            return [
                .text(account.id), ReportWorkbook.text(managerID(row)), ReportWorkbook.integer(allocation.stages[row]),
                .text(account.grade.rawValue), .number(effort), .number(effort * (work?.managerHours ?? 0)),
                .number(effort * (work?.directorHours ?? 0)), .number(effort * (work?.specialistHours ?? 0)),
                .number(effort * (work?.expense ?? 0)), ReportWorkbook.number(revenue?.withEffort),
                ReportWorkbook.number(revenue?.withoutEffort), ReportWorkbook.text(allocation.reasons[row]?.rawValue),
            ]
        }
        let perHour = Workbook.NumberFormat.money(unit: unit + (zh ? "/小时" : " per hour"), digits: 3)
        var peopleSheet = Workbook.Sheet(
            name: zh ? "人员" : "people",
            columns: [
                .init("name", width: 10), .init("role", width: 11), .init("hours", format: ReportWorkbook.hours),
                .init("allocated", format: ReportWorkbook.hours, width: 10), .init("shadow_price", format: perHour, width: 22),
            ])
        peopleSheet.rows = people.map { line in
            [
                .text(line.person.name), .text(line.person.role.rawValue), .number(line.person.hours), .number(line.allocated),
                ReportWorkbook.number(line.shadowPrice),
            ]
        }
        let perMoney = Workbook.NumberFormat.money(unit: unit + (zh ? "/\(unit)" : " per \(unit)"), digits: 3)
        var summary = Workbook.Sheet(
            name: zh ? "汇总" : "summary",
            columns: [
                .init("policy", width: 12), .init("objective", width: 10), .init("period", width: 10),
                .init("accounts", format: .integer, width: 10), .init("accounts_with_effort", format: .integer, width: 20),
                .init("expected_revenue", format: money, width: 17), .init("expected_revenue_without_effort", format: money, width: 30),
                .init("gain", format: money, width: 14), .init("upper_bound", format: money, width: 14),
                .init("expense", format: money, width: 14), .init("budget", format: money, width: 14),
                .init("budget_shadow_price", format: perMoney, width: 22),
            ])
        summary.rows = [
            [
                .text(allocation.policy.rawValue), .text(problem.objective.rawValue), ReportWorkbook.text(loaded.periodLabel),
                .number(Double(problem.accounts.count)), .number(Double(allocation.efforts.filter { $0 > 0 }.count)),
                .number(allocation.expectedRevenue), .number(allocation.baselineRevenue), .number(allocation.gain),
                ReportWorkbook.number(allocation.upperBound), .number(allocation.expense), .number(team.budget),
                ReportWorkbook.number(allocation.shadowPrices?[problem.budgetIndex]),
            ]
        ]
        return Workbook(sheets: [
            accounts, peopleSheet, summary,
            ReportWorkbook.rejectedSheet(loaded.rejectedRows, header: loaded.header, language: language),
            ReportWorkbook.modelSheet(model, language: language),
        ])
    }
}
