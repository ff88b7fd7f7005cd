import ScoringEngine
import ScoringIO

/// `kam backtest`: forecast quality of three methods on the accounts open at the cut.
public struct BacktestReport: MultiViewReport {
    /// Which table `--format csv` writes.
    public enum View: String, CaseIterable, Sendable {
        case summary
        case reliability
        case revenue
        case accounts
    }

    public let result: ScoringEngine.Backtest.Result
    public let cut: CalendarDate
    public let period: PeriodLength
    public let observedUntil: CalendarDate
    public let log: StageEventLogReader.Result
    public let snapshotFile: String
    public let snapshotRows: Int
    public let snapshotRejects: [HistoryReject]
    public let language: Language

    public var zh: Bool { language == .zh }
    public typealias Method = ScoringEngine.Backtest.Method

    public func methodName(_ method: Method) -> String {
        switch method {
        case .stageWinRate: return zh ? "阶段历史赢单率（基线）" : "stage win rate (naive)"
        case .stageOnly: return zh ? "管道模型（仅阶段）" : "pipeline, stage only"
        case .scoreAware: return zh ? "管道模型+评分" : "pipeline + scores"
        }
    }

    public var windowText: String {
        let first = period.label(of: result.firstPeriod)
        let last = period.label(of: result.firstPeriod + result.windowPeriods - 1)
        return language == .zh ? "\(first) 至 \(last)" : "\(first) to \(last)"
    }

    // MARK: Summary

    public func summaryLines() -> [String] {
        var lines: [String] = []
        if language == .zh {
            let training = result.training
            let conversion = result.conversion
            let months = period.unit(.zh, plural: true)
            lines.append(
                "\(log.file): 读取 \(log.rowsRead) 行，使用 \(log.eventsUsed) 个事件，拒绝 \(log.rejects.count) 行，排除 \(log.excludedAccounts.count) 个客户；"
                    + "\(snapshotFile): 读取 \(snapshotRows) 行，拒绝 \(snapshotRejects.count) 行。")
            for reject in (log.rejects + snapshotRejects).prefix(5) { lines.append("  拒绝 " + reject.description(.zh)) }
            lines.append(
                "用截止 \(cut) 前的事件拟合：\(training.accounts) 个客户（赢单 \(training.won)，丢单 \(training.lost)，"
                    + "截止时仍在途 \(training.censored)，按观察到的\(months)数计入）。")
            lines.append(
                "截止前拟合的转化模型：平移 \(formatDecimal(conversion.intercept.estimate, digits: 3))，"
                    + "价值 \(formatDecimal(conversion.value.estimate, digits: 3)) ± \(formatDecimal(conversion.value.standardError, digits: 3))，"
                    + "难度 \(formatDecimal(conversion.difficulty.estimate, digits: 3)) ± \(formatDecimal(conversion.difficulty.standardError, digits: 3))"
                    + "（每 10 分），基于 \(conversion.fitSummary?.used ?? 0) 个快照。")
            lines.append(
                "截止时在途 \(result.openAtCut) 个客户；评估 \(result.accounts.count) 个；排除："
                    + "\(result.withoutSnapshot) 个在截止日及之前没有快照，\(result.insufficientInformation) 个信息不足。")
            lines.append(
                "结果：截止后 \(result.windowPeriods) \(months)内（\(windowText)）是否赢单；事件日志止于 \(observedUntil)。")
            return lines
        }
        lines.append(
            "\(log.file): \(log.rowsRead) rows read, \(log.eventsUsed) events used, \(log.rejects.count) rejected, "
                + "\(ReportFormat.count(log.excludedAccounts.count, "account")) left out; \(snapshotFile): \(snapshotRows) rows read, \(snapshotRejects.count) rejected."
        )
        for reject in (log.rejects + snapshotRejects).prefix(5) { lines.append("  rejected \(reject)") }
        let training = result.training
        lines.append(
            "Fitted on events before \(cut): \(training.accounts) accounts (\(training.won) won, \(training.lost) lost, "
                + "\(training.censored) open at the cut, counted for the \(period.unit(.en, plural: true)) observed).")
        let conversion = result.conversion
        lines.append(
            "Conversion model fitted before the cut: shift \(formatDecimal(conversion.intercept.estimate, digits: 3)), "
                + "value \(formatDecimal(conversion.value.estimate, digits: 3)) ± \(formatDecimal(conversion.value.standardError, digits: 3)), "
                + "difficulty \(formatDecimal(conversion.difficulty.estimate, digits: 3)) ± \(formatDecimal(conversion.difficulty.standardError, digits: 3)) "
                + "per 10 points, on \(conversion.fitSummary?.used ?? 0) snapshots.")
        lines.append(
            "\(result.openAtCut) accounts open at the cut; evaluated \(result.accounts.count); left out: "
                + "\(result.withoutSnapshot) without a snapshot on or before the cut, \(result.insufficientInformation) with insufficient information."
        )
        lines.append(
            "Outcome: won within \(result.windowPeriods) \(period.unit(.en, plural: true)) after the cut (\(windowText)); the log ends \(observedUntil)."
        )
        return lines
    }

    // MARK: Table and Markdown

    public func text(markdown: Bool) -> String {
        let maxWidth = TerminalWidth.columns
        var text = ""
        let title =
            zh
            ? "回测：截止 \(cut) 前拟合，预测截止时在途的 \(result.accounts.count) 个客户，比较 \(windowText)（\(result.windowPeriods) \(period.unit(.zh, plural: true))）内的结果"
            : "Backtest: fitted before \(cut), forecast the \(result.accounts.count) accounts open then, compared over \(windowText) (\(result.windowPeriods) \(period.unit(.en, plural: true)))"
        text += (markdown ? [title] : DisplayWidth.wrap(title, width: maxWidth)).joined(separator: "\n") + "\n"
        var metrics = PlainTable(columns: [
            .init(zh ? "方法" : "method", maxWidth: 24), .init(zh ? "客户" : "accounts", alignRight: true),
            .init(zh ? "赢单" : "won", alignRight: true), .init("Brier", alignRight: true),
            .init(zh ? "对数损失" : "log loss", alignRight: true), .init("AUC", alignRight: true),
            .init(zh ? "预测收入" : "forecast", alignRight: true), .init(zh ? "实际收入" : "actual", alignRight: true),
            .init(zh ? "每期误差" : "MAE/period", alignRight: true),
        ])
        let mae = result.revenueMeanAbsoluteError
        for method in Method.allCases {
            let index = Method.allCases.firstIndex(of: method) ?? 0
            let evaluation = result.evaluations[index]
            let won = result.accounts.filter(\.wonInWindow).count
            let error: String
            switch method {
            case .stageWinRate: error = "–"
            case .stageOnly: error = ReportFormat.money(mae.stageOnly)
            case .scoreAware: error = ReportFormat.money(mae.scoreAware)
            }
            metrics.rows.append([
                methodName(method), ReportFormat.grouped(evaluation.count), ReportFormat.grouped(won),
                ReportFormat.decimal(evaluation.brierScore, 4), ReportFormat.decimal(evaluation.logLoss, 4),
                evaluation.areaUnderROC.map { ReportFormat.decimal($0, 3) } ?? "–",
                ReportFormat.money(result.forecastRevenue[index]), ReportFormat.money(result.actualRevenue), error,
            ])
        }
        text += metrics.text(markdown: markdown, maxWidth: maxWidth)
        let note =
            zh
            ? "Brier 与对数损失越低越好；AUC 0.5 为随机、1 为完美。预测/实际：窗口内赢单收入；每期误差：每期收入的平均绝对误差。"
            : "Lower Brier and log loss are better; AUC 0.5 is chance, 1 perfect. forecast, actual: revenue won in the window; MAE/period: mean absolute error of the revenue per period."
        text += (markdown ? [note] : DisplayWidth.wrap(note, width: maxWidth)).joined(separator: "\n") + "\n"
        text +=
            "\n"
            + (zh
                ? "可靠性（预测概率分十档：客户数 / 平均预测 / 实际赢单率）\n"
                : "Reliability (forecasts in ten bins: accounts / mean forecast / share won)\n")
        var reliability = PlainTable(
            columns: [.init(zh ? "预测区间" : "forecast")]
                + Method.allCases.flatMap { method -> [PlainTable.Column] in
                    let short =
                        method == .stageWinRate
                        ? (zh ? "基线" : "naive") : (method == .stageOnly ? (zh ? "阶段" : "stage") : (zh ? "评分" : "scores"))
                    return [
                        .init("\(short) n", alignRight: true), .init(zh ? "预测" : "fcst", alignRight: true),
                        .init(zh ? "实际" : "won", alignRight: true),
                    ]
                })
        for bin in 0..<ForecastEvaluation.binCount {
            let first = result.evaluations[0].reliability[bin]
            var row = [formatDecimal(first.lower, digits: 1) + "–" + formatDecimal(first.upper, digits: 1)]
            for evaluation in result.evaluations {
                let cell = evaluation.reliability[bin]
                row += [
                    ReportFormat.grouped(cell.count), cell.count > 0 ? ReportFormat.percent(cell.meanForecast, digits: 0) : "",
                    cell.count > 0 ? ReportFormat.percent(cell.observedRate, digits: 0) : "",
                ]
            }
            reliability.rows.append(row)
        }
        text += reliability.text(markdown: markdown, maxWidth: maxWidth)
        text += "\n" + (zh ? "每期赢单收入：实际与预测\n" : "Revenue won per \(period.rawValue): actual and forecast\n")
        var revenue = PlainTable(columns: [
            .init(zh ? "期间" : "period"), .init(zh ? "实际" : "actual", alignRight: true),
            .init(zh ? "仅阶段" : "stage only", alignRight: true), .init(zh ? "误差" : "error", alignRight: true),
            .init(zh ? "阶段+评分" : "with scores", alignRight: true), .init(zh ? "误差" : "error", alignRight: true),
        ])
        for row in result.revenue {
            revenue.rows.append([
                row.label, ReportFormat.money(row.actual), ReportFormat.money(row.stageOnly),
                ReportFormat.money(row.stageOnly - row.actual), ReportFormat.money(row.scoreAware),
                ReportFormat.money(row.scoreAware - row.actual),
            ])
        }
        text += revenue.text(markdown: markdown, maxWidth: maxWidth)
        text += "\n"
        text += ReportFormat.summary(summaryLines(), markdown: markdown, maxWidth: maxWidth)
        return text
    }

    // MARK: Output

    public func writeCSV(_ view: View, to sink: inout some OutputSink) { sink.write(csv(view)) }

    public func writeJSON(to sink: inout some OutputSink) { sink.write(json()) }

    public func csv(_ view: View) -> String {
        var text = ""
        let mae = result.revenueMeanAbsoluteError
        switch view {
        case .summary:
            text += CSVWriter.record([
                "method", "accounts", "won", "base_rate", "brier", "log_loss", "auc", "forecast_revenue", "actual_revenue",
                "revenue_mae_per_period",
            ])
            for (index, method) in Method.allCases.enumerated() {
                let e = result.evaluations[index]
                let error =
                    method == .stageWinRate ? "" : CSVWriter.number(method == .stageOnly ? mae.stageOnly : mae.scoreAware, digits: 2)
                text +=
                    [
                        method.rawValue, String(e.count), String(result.accounts.filter(\.wonInWindow).count),
                        CSVWriter.number(e.baseRate, digits: 6), CSVWriter.number(e.brierScore, digits: 6),
                        CSVWriter.number(e.logLoss, digits: 6), e.areaUnderROC.map { CSVWriter.number($0, digits: 6) } ?? "",
                        CSVWriter.number(result.forecastRevenue[index], digits: 2), CSVWriter.number(result.actualRevenue, digits: 2),
                        error,
                    ].joined(separator: ",") + "\n"
            }
        case .reliability:
            text += CSVWriter.record(["method", "lower", "upper", "count", "mean_forecast", "observed_rate"])
            for (index, method) in Method.allCases.enumerated() {
                for bin in result.evaluations[index].reliability {
                    text +=
                        [
                            method.rawValue, CSVWriter.number(bin.lower, digits: 1), CSVWriter.number(bin.upper, digits: 1),
                            String(bin.count), CSVWriter.number(bin.meanForecast, digits: 6),
                            CSVWriter.number(bin.observedRate, digits: 6),
                        ].joined(separator: ",") + "\n"
                }
            }
        case .revenue:
            text += CSVWriter.record(["period", "label", "actual", "stage_only", "score_aware"])
            for row in result.revenue {
                text +=
                    [
                        String(row.period), row.label, CSVWriter.number(row.actual, digits: 2),
                        CSVWriter.number(row.stageOnly, digits: 2), CSVWriter.number(row.scoreAware, digits: 2),
                    ].joined(separator: ",") + "\n"
            }
        case .accounts:
            text += CSVWriter.record([
                "account_id", "stage_at_cut", "value", "difficulty", "deal_value", "stage_win_rate", "stage_only",
                "score_aware", "won_in_window", "won_period",
            ])
            for row in result.accounts {
                text +=
                    [
                        CSVWriter.field(row.accountID), String(row.stageAtCut), CSVWriter.number(row.value, digits: 4),
                        CSVWriter.number(row.difficulty, digits: 4), row.dealValue.map { CSVWriter.number($0, digits: 2) } ?? "",
                    ].joined(separator: ",") + ","
                    + row.forecasts.map { CSVWriter.number($0, digits: 6) }.joined(separator: ",")
                    + ",\(row.wonInWindow ? 1 : 0),\(row.wonPeriod.map(String.init) ?? "")\n"
            }
        }
        return text
    }

    public func json() -> String {
        // Every number here is `null` when it is missing or not finite.
        func number(_ value: Double?) -> JSONNumber { .finite(value) }
        let window = WindowJSON(
            periods: result.windowPeriods, first: period.label(of: result.firstPeriod),
            last: period.label(of: result.firstPeriod + result.windowPeriods - 1))
        let accounts = AccountsJSON(
            openAtCut: result.openAtCut, evaluated: result.accounts.count, withoutSnapshot: result.withoutSnapshot,
            insufficientInformation: result.insufficientInformation, wonInWindow: result.accounts.filter(\.wonInWindow).count)
        let c = result.conversion
        let conversion = ConversionJSON(
            intercept: number(c.intercept.estimate), value: number(c.value.estimate), valueStandardError: number(c.value.standardError),
            difficulty: number(c.difficulty.estimate), difficultyStandardError: number(c.difficulty.standardError),
            snapshotsUsed: c.fitSummary?.used ?? 0)
        let mae = result.revenueMeanAbsoluteError
        let methods = Method.allCases.enumerated().map { index, method in
            let e = result.evaluations[index]
            return MethodJSON(
                method: method.rawValue, brier: number(e.brierScore), logLoss: number(e.logLoss), auc: number(e.areaUnderROC),
                baseRate: number(e.baseRate), forecastRevenue: number(result.forecastRevenue[index]),
                revenueMAEPerPeriod: method == .stageWinRate ? .null : number(method == .stageOnly ? mae.stageOnly : mae.scoreAware),
                reliability: e.reliability.map {
                    BinJSON(
                        lower: number($0.lower), upper: number($0.upper), count: $0.count, meanForecast: number($0.meanForecast),
                        observedRate: number($0.observedRate))
                })
        }
        let revenue = result.revenue.map {
            RevenueJSON(
                period: $0.period, label: $0.label, actual: number($0.actual), stageOnly: number($0.stageOnly),
                scoreAware: number($0.scoreAware))
        }
        return ReportJSONEncoder().encode(
            JSON(
                events: log.file, snapshots: snapshotFile, cut: "\(cut)", period: period.rawValue, observedUntil: "\(observedUntil)",
                window: window, accounts: accounts, conversion: conversion, methods: JSONLines(methods),
                stageWinRates: result.stageWinRates.map { number($0) }, actualRevenue: number(result.actualRevenue),
                revenue: JSONLines(revenue), rejects: JSONLines((log.rejects + snapshotRejects).map(RejectJSON.init))))
    }

    /// `kam backtest --format json` (`kam.backtest/1`). `methods` has one element per
    /// ``Method`` and `revenue` one per window period (at least one), so neither is the empty `[]`.
    private struct JSON: Encodable, JSONLayoutProviding {
        let schema = "kam.backtest/1"
        let events: String
        let snapshots: String
        let cut: String
        let period: String
        let observedUntil: String
        let window: WindowJSON
        let accounts: AccountsJSON
        let conversion: ConversionJSON
        let methods: JSONLines<MethodJSON>
        let stageWinRates: [JSONNumber]
        let actualRevenue: JSONNumber
        let revenue: JSONLines<RevenueJSON>
        let rejects: JSONLines<RejectJSON>
        var jsonLayout: JSONLayout { .lines }
    }

    private struct WindowJSON: Encodable {
        let periods: Int
        let first: String
        let last: String
    }

    private struct AccountsJSON: Encodable {
        let openAtCut: Int
        let evaluated: Int
        let withoutSnapshot: Int
        let insufficientInformation: Int
        let wonInWindow: Int
    }

    private struct ConversionJSON: Encodable {
        let intercept: JSONNumber
        let value: JSONNumber
        let valueStandardError: JSONNumber
        let difficulty: JSONNumber
        let difficultyStandardError: JSONNumber
        let snapshotsUsed: Int
    }

    /// One method's scores, with its reliability bins on a line of their own.
    private struct MethodJSON: Encodable, JSONLayoutProviding {
        let method: String
        let brier: JSONNumber
        let logLoss: JSONNumber
        let auc: JSONNumber
        let baseRate: JSONNumber
        let forecastRevenue: JSONNumber
        let revenueMAEPerPeriod: JSONNumber
        let reliability: [BinJSON]
        var jsonLayout: JSONLayout { .inlineBreaking(before: ["reliability"]) }
    }

    private struct BinJSON: Encodable {
        let lower: JSONNumber
        let upper: JSONNumber
        let count: Int
        let meanForecast: JSONNumber
        let observedRate: JSONNumber
    }

    private struct RevenueJSON: Encodable {
        let period: Int
        let label: String
        let actual: JSONNumber
        let stageOnly: JSONNumber
        let scoreAware: JSONNumber
    }

    /// A report from the values its command computed.
    public init(
        result: ScoringEngine.Backtest.Result, cut: CalendarDate, period: PeriodLength, observedUntil: CalendarDate,
        log: StageEventLogReader.Result, snapshotFile: String, snapshotRows: Int, snapshotRejects: [HistoryReject], language: Language
    ) {
        self.result = result
        self.cut = cut
        self.period = period
        self.observedUntil = observedUntil
        self.log = log
        self.snapshotFile = snapshotFile
        self.snapshotRows = snapshotRows
        self.snapshotRejects = snapshotRejects
        self.language = language
    }
}
