import ScoringEngine
import ScoringIO

extension ForecastReport {
    /// The forecast as an Excel workbook: the accounts (the JSON's fields, money in the
    /// model's unit, probabilities as percentages, grade cells coloured), the totals per
    /// group and period, each stage's outlook, the rejected rows and the model used.
    public func workbook() -> Workbook {
        let model = assessment.model
        let money = ReportWorkbook.money(model)
        let missing = ReportWorkbook.missingCodes(model)
        let accountColumns: [Workbook.Column] = [
            .init("rank", format: .integer, width: 7), .init("account_id", width: 12), .init("name", width: 28),
            .init("industry", width: 12), .init("region", width: 10), .init("manager", width: 10),
            .init("stage", format: .integer, width: 7), .init("grade", width: 8), .init("value", format: ReportWorkbook.score),
            .init("difficulty", format: ReportWorkbook.score), .init("line", format: .integer),
            .init("status", width: 24), .init("stage_probability", format: ReportWorkbook.percent, width: 17),
            .init("probability", format: ReportWorkbook.percent, width: 12),
            .init("probability_within_horizon", format: ReportWorkbook.percent, width: 26),
            .init("deal_value", format: money, width: 14), .init("expected_revenue", format: money, width: 17),
            .init("expected_revenue_within_horizon", format: money, width: 30),
            .init("expected_periods_to_win", format: ReportWorkbook.score, width: 23),
            .init("expected_win_period", width: 19),
        ]
        var accounts = Workbook.Sheet(name: zh ? "客户预测" : "accounts", columns: accountColumns, gradeColumn: 7)
        accounts.rows = orderedRows.enumerated().map { rank, row in
            let forecast = forecasts[row]
            let account = assessment.accounts[row]
            let winPeriod =
                forecast.status.isForecast && forecast.expectedPeriodsToWin != nil
                ? Workbook.Cell.text(winPeriodLabel(forecast.expectedPeriodsToWin)) : .empty
            return [
                .number(Double(rank + 1)), .text(account.id), ReportWorkbook.text(account.name, missingCodes: missing),
                ReportWorkbook.text(account.industry, missingCodes: missing),
                ReportWorkbook.text(account.region, missingCodes: missing),
                ReportWorkbook.text(account.manager, missingCodes: missing), ReportWorkbook.integer(forecast.stage),
                .text(assessment.grades[row].letter), .number(assessment.value(row)), .number(assessment.difficulty(row)),
                .number(Double(account.line)), .text(forecast.status.rawValue), ReportWorkbook.number(forecast.stageProbability),
                ReportWorkbook.number(forecast.probability), ReportWorkbook.number(forecast.probabilityWithinHorizon),
                ReportWorkbook.number(forecast.dealValue), ReportWorkbook.number(forecast.expectedRevenue),
                ReportWorkbook.number(forecast.expectedRevenueWithinHorizon),
                ReportWorkbook.number(forecast.expectedPeriodsToWin), winPeriod,
            ]
        }

        let totalColumns: [Workbook.Column] = [
            .init("dimension", width: 11), .init("group", width: 14), .init("period", format: .integer),
            .init("label", width: 10), .init("accounts", format: .integer, width: 10), .init("deal_value", format: money, width: 16),
            .init("expected_wins_within_horizon", format: ReportWorkbook.score, width: 28),
            .init("expected", format: money, width: 14), .init("p10", format: money, width: 14),
            .init("p50", format: money, width: 14), .init("p90", format: money, width: 14),
            .init("cumulative_expected", format: money, width: 19), .init("cumulative_p10", format: money, width: 16),
            .init("cumulative_p50", format: money, width: 16), .init("cumulative_p90", format: money, width: 16),
        ]
        var totalSheet = Workbook.Sheet(name: zh ? "合计" : "totals", columns: totalColumns)
        for group in totals.groups {
            for t in 1...horizon {
                totalSheet.rows.append(
                    [
                        .text(group.dimension), .text(group.name), .number(Double(t)), .text(periodLabel(t)),
                        .number(Double(group.accounts)), .number(group.dealValue), .number(group.expectedWins),
                    ] + (group.perPeriod[t - 1].figures + group.cumulative[t - 1].figures).map(ReportWorkbook.number))
            }
        }

        let stageColumns: [Workbook.Column] =
            [
                .init("stage", format: .integer), .init("probability_won", format: ReportWorkbook.percent, width: 16),
                .init("expected_periods", format: ReportWorkbook.score, width: 17),
                .init("standard_deviation", format: ReportWorkbook.score, width: 19),
                .init("expected_periods_to_win", format: ReportWorkbook.score, width: 23),
            ] + (1...horizon).map { .init("won_by_\($0)", format: ReportWorkbook.percent, width: 10) }
        var stages = Workbook.Sheet(name: zh ? "阶段" : "stages", columns: stageColumns)
        stages.rows = forecaster.outlooks.map { outlook in
            [
                .number(Double(outlook.stage)), ReportWorkbook.number(outlook.probabilityWon),
                ReportWorkbook.number(outlook.expectedPeriods), ReportWorkbook.number(outlook.periodStandardDeviation),
                ReportWorkbook.number(outlook.expectedPeriodsToWin),
            ] + outlook.wonByPeriod.dropFirst().map(ReportWorkbook.number)
        }
        return Workbook(sheets: [
            accounts, totalSheet, stages, ReportWorkbook.rejectedSheet(loaded.rejects, header: loaded.header, language: language),
            ReportWorkbook.modelSheet(model, language: language),
        ])
    }
}
