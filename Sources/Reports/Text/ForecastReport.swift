import Foundation
import ScoringEngine
import ScoringIO

/// `kam forecast`: per-account forecasts and per-period totals with Monte Carlo intervals.
public struct ForecastReport: MultiViewReport {
    /// Which table `--format csv` writes.
    public enum View: String, CaseIterable, Sendable {
        case accounts
        case totals
    }

    public let forecaster: PipelineForecaster
    public let pipelineFile: String
    public let assessment: BatchAssessment
    public let forecasts: [AccountForecast]
    public let totals: RevenueTotals
    public let loaded: ProspectListLoader.Result
    /// The index of forecast period 1, when the calendar is known.
    public let firstPeriod: Int?
    /// The most accounts to show.
    public let limit: Int
    public let language: Language
    public let rejectsPath: String?

    public var zh: Bool { language == .zh }
    public var period: PeriodLength { forecaster.pipeline.period }
    public var horizon: Int { forecaster.horizon }
    public var scoreAware: Bool { forecaster.pipeline.conversion != nil }
    /// The unit of money amounts: the model's deal-value unit (万元 by default).
    public var moneyUnit: String { ReportWorkbook.moneyUnit(assessment.model) }

    /// Dimension names and their labels.
    public static let dimensions = ["team", "grade", "manager", "stage"]

    public func dimensionLabel(_ name: String) -> String {
        zh ? ["team": "团队", "grade": "等级", "manager": "经理", "stage": "阶段"][name, default: name] : name
    }

    /// Runs the Monte Carlo totals for the forecast accounts.
    public static func simulate(
        forecasts: [AccountForecast], assessment: BatchAssessment, forecaster: PipelineForecaster, runs: Int,
        seed: UInt64, language: Language
    ) -> RevenueTotals {
        let rows = forecasts.indices.filter { forecasts[$0].status.isForecast }
        // A blank manager or one of the model's missing codes is "(none)".
        let missing = Set(assessment.model.missingCodes.map { $0.lowercased() })
        func manager(_ row: Int) -> String {
            let name = assessment.accounts[row].manager.trimmingCharacters(in: .whitespaces)
            return name.isEmpty || missing.contains(name.lowercased()) ? (language == .zh ? "（无）" : "(none)") : name
        }
        var managers: [String: Int32] = [:]
        for row in rows {
            let name = manager(row)
            if managers[name] == nil { managers[name] = 0 }
        }
        let managerNames = managers.keys.sorted()
        for (index, name) in managerNames.enumerated() { managers[name] = Int32(index) }
        let gradeNames = [Grade.a, .b, .c, .d]
        var timings: [[Double]] = []
        for stage in 1...PipelineState.stageCount {
            let timing = forecaster.winTiming(stage: stage)
            let total = timing.reduce(0, +)
            timings.append(total > 0 ? timing.map { $0 / total } : timing)
        }
        let stageOf = rows.map { (forecasts[$0].stage ?? 1) - 1 }
        let dimensions = [
            RevenueSimulation.Dimension(
                name: "team", groups: [language == .zh ? "团队" : "team"],
                membership: [Int32](repeating: 0, count: rows.count)),
            RevenueSimulation.Dimension(
                name: "grade", groups: gradeNames.map(\.rawValue),
                membership: rows.map { Int32(gradeNames.firstIndex(of: assessment.grades[$0]) ?? -1) }),
            RevenueSimulation.Dimension(
                name: "manager", groups: managerNames,
                membership: rows.map { managers[manager($0)] ?? -1 }),
            RevenueSimulation.Dimension(
                name: "stage", groups: (1...PipelineState.stageCount).map(String.init),
                membership: stageOf.map { Int32($0) }),
        ]
        return RevenueSimulation(runs: runs, seed: seed).simulate(
            probabilities: rows.map { forecasts[$0].probabilityWithinHorizon ?? 0 },
            values: rows.map { max(0, forecasts[$0].dealValue ?? 0) }, timingGroups: stageOf, timings: timings,
            dimensions: dimensions)
    }

    // MARK: Ordering

    /// Whether row `a` comes before row `b`: forecast accounts first, by expected revenue
    /// (accounts without a deal value after those with one), then probability, then id.
    public func before(_ a: Int, _ b: Int) -> Bool {
        let left = forecasts[a]
        let right = forecasts[b]
        if left.status.isForecast != right.status.isForecast { return left.status.isForecast }
        switch (left.expectedRevenue, right.expectedRevenue) {
        case (let x?, let y?) where x != y: return x > y
        case (.some, nil): return true
        case (nil, .some): return false
        default: break
        }
        let (p, q) = (left.probability ?? -1, right.probability ?? -1)
        if p != q { return p > q }
        return assessment.accounts[a].id < assessment.accounts[b].id
    }

    /// The rows to show, in order: a bounded insertion for small limits, a sort otherwise.
    public var orderedRows: [Int] {
        let count = forecasts.count
        guard limit < count / 8 else { return Array((0..<count).sorted(by: before).prefix(limit)) }
        var best: [Int] = []
        best.reserveCapacity(limit + 1)
        for row in 0..<count {
            if best.count == limit, let last = best.last, !before(row, last) { continue }
            var low = 0
            var high = best.count
            while low < high {
                let middle = (low + high) / 2
                if before(best[middle], row) { low = middle + 1 } else { high = middle }
            }
            best.insert(row, at: low)
            if best.count > limit { best.removeLast() }
        }
        return best
    }

    // MARK: Labels

    public func periodLabel(_ t: Int) -> String {
        guard let firstPeriod else { return "+\(t)" }
        return period.label(of: firstPeriod + t - 1)
    }

    /// The period an expected time to win points at, counted from period 1.
    public func winPeriodLabel(_ periods: Double?) -> String {
        guard let periods, periods.isFinite else { return "–" }
        return periodLabel(max(1, Int(periods.rounded())))
    }

    public func statusText(_ status: AccountForecast.Status) -> String {
        switch status {
        case .scoreAware, .stageOnly: return ""
        case .insufficientInformation: return zh ? "信息不足" : "insufficient information"
        case .noStage: return zh ? "无阶段" : "no stage"
        }
    }

    // MARK: Summary

    public struct Counts {
        public var forecast = 0
        public var insufficient = 0
        public var insufficientDeal = 0.0
        public var noStage = 0
        public var noDeal = 0
        public var expectedRevenue = 0.0
        public var withinHorizon = 0.0
        public var expectedWins = 0.0
    }

    public var counts: Counts {
        var counts = Counts()
        for forecast in forecasts {
            switch forecast.status {
            case .scoreAware, .stageOnly:
                counts.forecast += 1
                counts.expectedWins += forecast.probability ?? 0
                if let revenue = forecast.expectedRevenue {
                    counts.expectedRevenue += revenue
                    counts.withinHorizon += forecast.expectedRevenueWithinHorizon ?? 0
                } else {
                    counts.noDeal += 1
                }
            case .insufficientInformation:
                counts.insufficient += 1
                counts.insufficientDeal += forecast.dealValue ?? 0
            case .noStage:
                counts.noStage += 1
            }
        }
        return counts
    }

    public func summaryLines() -> [String] {
        var lines: [String] = []
        let rejected = loaded.rejects.count
        let money = moneyUnit
        if zh {
            var read = "读取 \(loaded.rowsRead) 行：接受 \(loaded.batch.count) 行，拒绝 \(rejected) 行"
            if rejected > 0 { read += rejectsPath.map { "（已写入 \($0)）" } ?? "" }
            lines.append(read + "。")
        } else {
            var read = "\(loaded.rowsRead) rows read: \(loaded.batch.count) accepted, \(rejected) rejected"
            if rejected > 0 { read += rejectsPath.map { " (written to \($0))" } ?? "" }
            lines.append(read + ".")
        }
        lines += RejectLines.lines(loaded.rejects, limit: 5, language)
        let c = counts
        let unit = period.unit(language, plural: true)
        if zh {
            lines.append(
                "预测 \(c.forecast) 个客户（\(scoreAware ? "阶段+评分" : "仅阶段：管道文件没有转化模型")）："
                    + "期望赢单 \(ReportFormat.decimal(c.expectedWins, 1)) 个，期望收入 \(ReportFormat.money(c.expectedRevenue)) \(money)，"
                    + "其中 \(horizon) \(unit)内 \(ReportFormat.money(c.withinHorizon)) \(money)。")
            if c.insufficient > 0 {
                lines.append(
                    "未预测：\(c.insufficient) 个信息不足的客户（成交额 \(ReportFormat.money(c.insufficientDeal)) \(money)）；请先补充信息（依据 §3.2.3 (五)(5)）。")
            }
            if c.noStage > 0 { lines.append("未预测：\(c.noStage) 个客户没有阶段；请填写阶段（1–5）。") }
            if c.noDeal > 0 { lines.append("\(c.noDeal) 个预测客户没有成交额：计入赢单概率，不计入收入。") }
            lines.append("区间：\(totals.runs) 次蒙特卡洛模拟，种子 \(totals.seed)；反映哪些客户成交及何时成交，不含管道拟合本身的不确定性。")
            return lines
        }
        lines.append(
            "Forecast \(c.forecast) accounts (\(scoreAware ? "stage and scores" : "stage only: the pipeline has no conversion model")): "
                + "expected wins \(ReportFormat.decimal(c.expectedWins, 1)), expected revenue \(ReportFormat.money(c.expectedRevenue)) \(money), "
                + "of which within \(horizon) \(unit) \(ReportFormat.money(c.withinHorizon)) \(money).")
        if c.insufficient > 0 {
            lines.append(
                "Not forecast: \(c.insufficient) accounts with insufficient information (deal value \(ReportFormat.money(c.insufficientDeal)) \(money)); "
                    + "gather their information first (seed §3.2.3 (五)(5)).")
        }
        if c.noStage > 0 { lines.append("Not forecast: \(c.noStage) accounts without a stage; fill in the stage (1–5).") }
        if c.noDeal > 0 {
            lines.append("\(c.noDeal) forecast accounts have no deal value: they count in win chances but not in revenue.")
        }
        lines.append(
            "Intervals: \(totals.runs) Monte Carlo runs, seed \(totals.seed); they reflect which accounts close and when, "
                + "not the uncertainty of the fitted pipeline.")
        return lines
    }

    // MARK: Table and Markdown

    public func text(markdown: Bool) -> String {
        let maxWidth = TerminalWidth.columns
        var text = ""
        let unit = period.unit(language, plural: true)
        let from = firstPeriod.map { " from \(period.label(of: $0))" } ?? ""
        let title =
            zh
            ? "预测：\(counts.forecast) 个客户，\(horizon) \(unit)（\(scoreAware ? "阶段+评分" : "仅阶段")；\(pipelineFile)）；金额单位 \(moneyUnit)"
            : "Forecast: \(counts.forecast) accounts over \(horizon) \(unit)\(from) (\(scoreAware ? "stage and scores" : "stage only"); \(pipelineFile)); amounts in \(moneyUnit)"
        text += (markdown ? [title] : DisplayWidth.wrap(title, width: maxWidth)).joined(separator: "\n") + "\n"
        var accounts = PlainTable(columns: [
            .init("#", alignRight: true), .init(zh ? "账户" : "account", maxWidth: 10),
            .init(zh ? "名称" : "name", maxWidth: markdown ? nil : 12), .init(zh ? "阶段" : "stage", alignRight: true),
            .init(zh ? "等级" : "grade"), .init(zh ? "赢单率" : "P(won)", alignRight: true),
            .init(zh ? "期内" : "≤\(horizon)", alignRight: true), .init(zh ? "成交额" : "deal value", alignRight: true),
            .init(zh ? "期望收入" : "exp. revenue", alignRight: true), .init(zh ? "预计赢单" : "win in"),
        ])
        for (rank, row) in orderedRows.enumerated() {
            let forecast = forecasts[row]
            let account = assessment.accounts[row]
            let grade = assessment.grades[row]
            let flag = statusText(forecast.status)
            accounts.rows.append([
                String(rank + 1), account.id, account.name, forecast.stage.map(String.init) ?? "–",
                grade == .insufficient ? "–" : grade.rawValue,
                forecast.probability.map { ReportFormat.percent($0) } ?? "–",
                forecast.probabilityWithinHorizon.map { ReportFormat.percent($0) } ?? "–",
                forecast.dealValue.map(ReportFormat.money) ?? "–",
                forecast.expectedRevenue.map(ReportFormat.money) ?? "–",
                flag.isEmpty ? winPeriodLabel(forecast.expectedPeriodsToWin) : flag,
            ])
        }
        text += accounts.text(markdown: markdown, maxWidth: maxWidth)
        text += "\n"
        text +=
            zh
            ? "团队每\(period.unit(.zh))赢单收入（\(moneyUnit)；期望值；P10/P50/P90 来自 \(totals.runs) 次模拟，种子 \(totals.seed)）\n"
            : "Revenue won per \(period.rawValue), team (\(moneyUnit); expected; P10/P50/P90 of \(totals.runs) runs, seed \(totals.seed))\n"
        var perPeriod = PlainTable(columns: [
            .init(zh ? "期间" : "period"), .init(zh ? "期望" : "expected", alignRight: true), .init("P10", alignRight: true),
            .init("P50", alignRight: true), .init("P90", alignRight: true), .init(zh ? "累计期望" : "cumulative", alignRight: true),
            .init(zh ? "累计P10" : "cum P10", alignRight: true), .init(zh ? "累计P50" : "cum P50", alignRight: true),
            .init(zh ? "累计P90" : "cum P90", alignRight: true),
        ])
        if let team = totals.groups(of: "team").first {
            for t in 1...horizon {
                perPeriod.rows.append(
                    [periodLabel(t)] + (team.perPeriod[t - 1].figures + team.cumulative[t - 1].figures).map(ReportFormat.money))
            }
        }
        text += perPeriod.text(markdown: markdown, maxWidth: maxWidth)
        text += "\n"
        text +=
            zh
            ? "\(horizon) \(unit)内按等级、经理、阶段合计（\(moneyUnit)）\n"
            : "Within \(horizon) \(unit), by grade, manager and stage (\(moneyUnit))\n"
        var groups = PlainTable(columns: [
            .init(zh ? "分组" : "group", maxWidth: 24), .init(zh ? "客户" : "accounts", alignRight: true),
            .init(zh ? "成交额" : "deal value", alignRight: true), .init(zh ? "期望赢单" : "exp. wins", alignRight: true),
            .init(zh ? "期望收入" : "expected", alignRight: true), .init("P10", alignRight: true),
            .init("P50", alignRight: true), .init("P90", alignRight: true),
        ])
        for group in totals.groups where group.dimension != "team" && group.accounts > 0 {
            groups.rows.append(
                [
                    "\(dimensionLabel(group.dimension)) \(group.name)", ReportFormat.grouped(group.accounts),
                    ReportFormat.money(group.dealValue),
                    group.expectedWins >= 1000 ? ReportFormat.money(group.expectedWins) : ReportFormat.decimal(group.expectedWins, 1),
                ] + group.cumulative[horizon - 1].figures.map(ReportFormat.money))
        }
        text += groups.text(markdown: markdown, maxWidth: maxWidth)
        text += "\n"
        text += ReportFormat.summary(summaryLines(), markdown: markdown, maxWidth: maxWidth)
        return text
    }

    // MARK: Output

    public func writeCSV(_ view: View, to sink: inout some OutputSink) {
        switch view {
        case .accounts: writeAccountsCSV(to: &sink)
        case .totals: writeTotalsCSV(to: &sink)
        }
    }

    public func number(_ value: Double?, _ digits: Int) -> String {
        value.map { CSVWriter.number($0, digits: digits) } ?? ""
    }

    public func writeAccountsCSV(to sink: inout some OutputSink) {
        sink.write(
            CSVWriter.record([
                "rank", "account_id", "name", "industry", "region", "manager", "stage", "grade", "value", "difficulty",
                "status", "stage_probability", "probability", "probability_within_horizon", "deal_value",
                "expected_revenue", "expected_revenue_within_horizon", "expected_periods_to_win", "expected_win_period",
                "line",
            ]))
        for (rank, row) in orderedRows.enumerated() {
            let forecast = forecasts[row]
            let account = assessment.accounts[row]
            let fields = [
                String(rank + 1), CSVWriter.field(account.id), CSVWriter.field(account.name),
                CSVWriter.field(account.industry), CSVWriter.field(account.region), CSVWriter.field(account.manager),
                forecast.stage.map(String.init) ?? "", assessment.grades[row].letter,
                CSVWriter.number(assessment.value(row), digits: 4), CSVWriter.number(assessment.difficulty(row), digits: 4),
                forecast.status.rawValue, number(forecast.stageProbability, 6), number(forecast.probability, 6),
                number(forecast.probabilityWithinHorizon, 6), number(forecast.dealValue, 2), number(forecast.expectedRevenue, 2),
                number(forecast.expectedRevenueWithinHorizon, 2), number(forecast.expectedPeriodsToWin, 4),
                forecast.status.isForecast ? CSVWriter.field(winPeriodLabel(forecast.expectedPeriodsToWin)) : "",
                String(account.line),
            ]
            sink.write(fields.joined(separator: ",") + "\n")
        }
    }

    public func writeTotalsCSV(to sink: inout some OutputSink) {
        sink.write(
            CSVWriter.record([
                "dimension", "group", "period", "label", "accounts", "deal_value", "expected_wins_within_horizon", "expected", "p10", "p50",
                "p90", "cumulative_expected", "cumulative_p10", "cumulative_p50", "cumulative_p90",
            ]))
        for group in totals.groups {
            for t in 1...horizon {
                let fields =
                    [
                        group.dimension, CSVWriter.field(group.name), String(t), CSVWriter.field(periodLabel(t)),
                        String(group.accounts), CSVWriter.number(group.dealValue, digits: 2),
                        CSVWriter.number(group.expectedWins, digits: 4),
                    ] + (group.perPeriod[t - 1].figures + group.cumulative[t - 1].figures).map { CSVWriter.number($0, digits: 2) }
                sink.write(fields.joined(separator: ",") + "\n")
            }
        }
    }

    public func writeJSON(to sink: inout some OutputSink) {
        // Every number here is `null` when it is missing or not finite.
        func number(_ value: Double?) -> JSONNumber { .finite(value) }
        func cell(_ cell: RevenueTotals.Cell) -> CellJSON {
            CellJSON(expected: number(cell.expected), p10: number(cell.p10), p50: number(cell.p50), p90: number(cell.p90))
        }
        let encoder = ReportJSONEncoder()
        let missing = Set(assessment.model.missingCodes.map { $0.lowercased() })
        let c = counts
        let stages = forecaster.outlooks.map { o in
            StageJSON(
                stage: o.stage, probabilityWon: number(o.probabilityWon), expectedPeriods: number(o.expectedPeriods),
                standardDeviation: number(o.periodStandardDeviation), expectedPeriodsToWin: number(o.expectedPeriodsToWin),
                wonByPeriod: o.wonByPeriod.dropFirst().map { number($0) })
        }
        let head = HeadJSON(
            file: loaded.file, pipeline: pipelineFile, model: assessment.model.name, mode: scoreAware ? "score_aware" : "stage_only",
            period: period.rawValue, moneyUnit: moneyUnit, horizon: horizon, firstPeriod: firstPeriod.map { period.label(of: $0) },
            runs: totals.runs, seed: totals.seed,
            summary: SummaryJSON(
                rowsRead: loaded.rowsRead, accepted: loaded.batch.count, rejected: loaded.rejects.count, forecast: c.forecast,
                insufficientInformation: c.insufficient, noStage: c.noStage, noDealValue: c.noDeal,
                expectedWins: number(c.expectedWins), expectedRevenue: number(c.expectedRevenue),
                expectedRevenueWithinHorizon: number(c.withinHorizon)),
            stages: JSONLines(stages))
        sink.write("{\n" + encoder.leadingMembers(of: head, indent: 2))
        // The accounts and totals are written element by element, as they are many.
        sink.write("  \"accounts\": [")
        for (rank, row) in orderedRows.enumerated() {
            let forecast = forecasts[row]
            let account = assessment.accounts[row]
            let element = AccountJSON(
                rank: rank + 1, accountID: account.id, name: JSONWriter.present(account.name, missingCodes: missing),
                industry: JSONWriter.present(account.industry, missingCodes: missing),
                region: JSONWriter.present(account.region, missingCodes: missing),
                manager: JSONWriter.present(account.manager, missingCodes: missing), stage: forecast.stage,
                grade: assessment.grades[row].letter, value: number(assessment.value(row)),
                difficulty: number(assessment.difficulty(row)), line: account.line, status: forecast.status.rawValue,
                stageProbability: number(forecast.stageProbability), probability: number(forecast.probability),
                probabilityWithinHorizon: number(forecast.probabilityWithinHorizon), dealValue: number(forecast.dealValue),
                expectedRevenue: number(forecast.expectedRevenue),
                expectedRevenueWithinHorizon: number(forecast.expectedRevenueWithinHorizon),
                expectedPeriodsToWin: number(forecast.expectedPeriodsToWin),
                expectedWinPeriod: forecast.status.isForecast && forecast.expectedPeriodsToWin != nil
                    ? winPeriodLabel(forecast.expectedPeriodsToWin) : nil)
            sink.write((rank == 0 ? "\n    " : ",\n    ") + encoder.fragment(element, indent: 4))
        }
        sink.write(orderedRows.isEmpty ? "],\n" : "\n  ],\n")
        sink.write("  \"totals\": [")
        for (index, group) in totals.groups.enumerated() {
            let periods = (1...horizon).map { t in
                PeriodJSON(
                    period: t, label: periodLabel(t), revenue: cell(group.perPeriod[t - 1]), cumulative: cell(group.cumulative[t - 1]))
            }
            let element = GroupJSON(
                dimension: group.dimension, group: group.name, accounts: group.accounts, dealValue: number(group.dealValue),
                expectedWinsWithinHorizon: number(group.expectedWins), periods: PeriodsJSON(periods: periods))
            sink.write((index == 0 ? "\n    " : ",\n    ") + encoder.fragment(element, indent: 4))
        }
        sink.write(totals.groups.isEmpty ? "],\n" : "\n  ],\n")
        sink.write(RejectJSON.documentEnd(rejects: loaded.rejects))
    }

    /// The members of `kam forecast --format json` (`kam.forecast/1`) before the accounts.
    /// There are always five stages, so `stages` is never the empty `[]`.
    private struct HeadJSON: Encodable {
        let schema = "kam.forecast/1"
        let file: String
        let pipeline: String
        let model: String
        let mode: String
        let period: String
        let moneyUnit: String
        let horizon: Int
        let firstPeriod: String?
        let runs: Int
        let seed: UInt64
        let summary: SummaryJSON
        let stages: JSONLines<StageJSON>
    }

    private struct SummaryJSON: Encodable {
        let rowsRead: Int
        let accepted: Int
        let rejected: Int
        let forecast: Int
        let insufficientInformation: Int
        let noStage: Int
        let noDealValue: Int
        let expectedWins: JSONNumber
        let expectedRevenue: JSONNumber
        let expectedRevenueWithinHorizon: JSONNumber
    }

    private struct StageJSON: Encodable {
        let stage: Int
        let probabilityWon: JSONNumber
        let expectedPeriods: JSONNumber
        let standardDeviation: JSONNumber
        let expectedPeriodsToWin: JSONNumber
        let wonByPeriod: [JSONNumber]
    }

    /// An account and its forecast; the forecast starts a line of its own.
    private struct AccountJSON: Encodable, JSONLayoutProviding {
        let rank: Int
        let accountID: String
        let name: String?
        let industry: String?
        let region: String?
        let manager: String?
        let stage: Int?
        let grade: String
        let value: JSONNumber
        let difficulty: JSONNumber
        let line: Int
        let status: String
        let stageProbability: JSONNumber
        let probability: JSONNumber
        let probabilityWithinHorizon: JSONNumber
        let dealValue: JSONNumber
        let expectedRevenue: JSONNumber
        let expectedRevenueWithinHorizon: JSONNumber
        let expectedPeriodsToWin: JSONNumber
        let expectedWinPeriod: String?
        var jsonLayout: JSONLayout { .inlineBreaking(before: ["status"]) }
    }

    /// A group's revenue by period; the periods start a line of their own, one to a line,
    /// aligned after `"periods": [`.
    private struct GroupJSON: Encodable, JSONLayoutProviding {
        let dimension: String
        let group: String
        let accounts: Int
        let dealValue: JSONNumber
        let expectedWinsWithinHorizon: JSONNumber
        let periods: PeriodsJSON
        var jsonLayout: JSONLayout { .inlineBreaking(before: ["periods"]) }
    }

    private struct PeriodsJSON: Encodable, JSONLayoutProviding {
        let periods: [PeriodJSON]
        // `     "periods": [` is 17 characters wide; the line it is on is indented 5.
        var jsonLayout: JSONLayout { .inlineBreakingEach(indent: 12) }

        func encode(to encoder: any Encoder) throws { try periods.encode(to: encoder) }
    }

    /// A period: the revenue won in it, then the revenue won up to its end.
    private struct PeriodJSON: Encodable {
        let period: Int
        let label: String
        @InlinedMembers var revenue: CellJSON?
        let cumulative: CellJSON
    }

    /// A revenue total: its expected value and the runs' percentiles.
    private struct CellJSON: Encodable {
        let expected: JSONNumber
        let p10: JSONNumber
        let p50: JSONNumber
        let p90: JSONNumber
    }

    /// A report from the values its command computed.
    public init(
        forecaster: PipelineForecaster, pipelineFile: String, assessment: BatchAssessment, forecasts: [AccountForecast],
        totals: RevenueTotals, loaded: ProspectListLoader.Result, firstPeriod: Int?, limit: Int, language: Language, rejectsPath: String?
    ) {
        self.forecaster = forecaster
        self.pipelineFile = pipelineFile
        self.assessment = assessment
        self.forecasts = forecasts
        self.totals = totals
        self.loaded = loaded
        self.firstPeriod = firstPeriod
        self.limit = limit
        self.language = language
        self.rejectsPath = rejectsPath
    }
}

extension RevenueTotals.Cell {
    /// The figures the reports show of a total, in their columns' order: the expectation
    /// and the runs' P10, P50 and P90.
    var figures: [Double] { [expected, p10, p50, p90] }
}
