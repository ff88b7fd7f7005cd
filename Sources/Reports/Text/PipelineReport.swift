import ScoringEngine
import ScoringIO

/// `kam pipeline fit` and `kam pipeline show`: the transition table with counts and
/// intervals, and the absorbing-chain answers per stage.
public struct PipelineReport: ViewedFourFormatReport {
    /// Which table `--format csv` writes.
    public enum View: String, CaseIterable, Sendable {
        case transitions
        case outlook
    }

    /// What a fit read, for the summary.
    public struct Fitted {
        public let log: StageEventLogReader.Result
        public let fit: TransitionEstimator.Fit
        public let snapshotFile: String?
        public let snapshotRows: Int
        public let snapshotRejects: [HistoryReject]

        public init(
            log: StageEventLogReader.Result, fit: TransitionEstimator.Fit, snapshotFile: String?, snapshotRows: Int,
            snapshotRejects: [HistoryReject]
        ) {
            self.log = log
            self.fit = fit
            self.snapshotFile = snapshotFile
            self.snapshotRows = snapshotRows
            self.snapshotRejects = snapshotRejects
        }
    }

    public let forecaster: PipelineForecaster
    public let pipelineFile: String
    public let language: Language
    public let fitted: Fitted?

    public var model: PipelineModel { forecaster.pipeline }
    public var table: TransitionTable { model.transitions }
    public var period: PeriodLength { table.period }
    public var zh: Bool { language == .zh }

    /// Horizons shown in the table's "won by" columns.
    public var checkpoints: [Int] {
        let wanted = [1, 3, 6, 12, 24].filter { $0 <= forecaster.horizon }
        return wanted.contains(forecaster.horizon) ? wanted : wanted + [forecaster.horizon]
    }

    // MARK: Summary

    public func summaryLines() -> [String] {
        var lines: [String] = []
        let unit = period.unit(language, plural: true)
        if let fitted {
            let log = fitted.log
            lines.append(
                zh
                    ? "\(log.file): 读取 \(log.rowsRead) 行，使用 \(log.eventsUsed) 个事件（\(fitted.fit.accounts) 个客户），拒绝 \(log.rejects.count) 行，排除 \(log.excludedAccounts.count) 个客户。"
                    : "\(log.file): \(log.rowsRead) rows read, \(log.eventsUsed) events used (\(fitted.fit.accounts) accounts), \(log.rejects.count) rejected, \(ReportFormat.count(log.excludedAccounts.count, "account")) left out."
            )
            let rejected = zh ? "  拒绝 " : "  rejected "
            func more(_ count: Int) -> String { zh ? "  … 另有 \(count) 行" : "  … and \(count) more" }
            for reject in log.rejects.prefix(5) { lines.append(rejected + reject.description(language)) }
            if log.rejects.count > 5 { lines.append(more(log.rejects.count - 5)) }
            if let snapshotFile = fitted.snapshotFile {
                lines.append(
                    zh
                        ? "\(snapshotFile): 读取 \(fitted.snapshotRows) 行，拒绝 \(fitted.snapshotRejects.count) 行。"
                        : "\(snapshotFile): \(fitted.snapshotRows) rows read, \(fitted.snapshotRejects.count) rejected.")
                for reject in fitted.snapshotRejects.prefix(5) { lines.append(rejected + reject.description(language)) }
                if fitted.snapshotRejects.count > 5 { lines.append(more(fitted.snapshotRejects.count - 5)) }
            }
            lines.append(zh ? "管道模型已写入 \(pipelineFile)。" : "Pipeline written to \(pipelineFile).")
        }
        if let history = model.history {
            lines.append(
                zh
                    ? "观察期 \(history.firstDate) 至 \(history.observedUntil)（每\(period.unit(.zh))一步）：\(history.accounts) 个客户，赢单 \(history.won)，丢单 \(history.lost)，仍在进行（删失）\(history.censored)。"
                    : "Observed \(history.firstDate) to \(history.observedUntil), one step per \(period.rawValue): \(history.accounts) accounts, \(history.won) won, \(history.lost) lost, \(history.censored) still open (right-censored: counted for the \(unit) observed)."
            )
        }
        if table.counts == nil {
            lines.append(
                zh ? "概率为手工填写或修改：无计数和置信区间。" : "Probabilities written or edited by hand: no counts or intervals.")
        }
        if let conversion = model.conversion {
            let value = conversion.value
            let difficulty = conversion.difficulty
            if zh {
                lines.append(
                    "转化模型基于模型 '\(conversion.scoringModel)' 的评分，相对于阶段的对数几率："
                        + "截距 \(signed(conversion.intercept.estimate))（± \(ReportFormat.decimal(conversion.intercept.standardError, 3))），"
                        + "价值 \(signed(value.estimate))（± \(ReportFormat.decimal(value.standardError, 3))），"
                        + "难度 \(signed(difficulty.estimate))（± \(ReportFormat.decimal(difficulty.standardError, 3))），均为每 10 分。")
                if let summary = conversion.fitSummary {
                    lines.append(
                        "  拟合于 \(summary.used) 个快照（赢单 \(summary.won)）；排除：\(summary.unresolved) 个仍在进行，"
                            + "\(summary.insufficientInformation) 个信息不足，\(summary.uninformative) 个无信息。")
                }
                return lines
            }
            lines.append(
                "Conversion model on the scores of '\(conversion.scoringModel)', log-odds against the stage's: "
                    + "intercept \(signed(conversion.intercept.estimate)) (± \(ReportFormat.decimal(conversion.intercept.standardError, 3))), "
                    + "value \(signed(value.estimate)) (± \(ReportFormat.decimal(value.standardError, 3))) and "
                    + "difficulty \(signed(difficulty.estimate)) (± \(ReportFormat.decimal(difficulty.standardError, 3))) per 10 points.")
            if let summary = conversion.fitSummary {
                lines.append(
                    "  fitted on \(summary.used) snapshots (\(summary.won) won); left out: \(summary.unresolved) still open, "
                        + "\(summary.insufficientInformation) with insufficient information, \(summary.uninformative) uninformative.")
            }
        } else {
            lines.append(
                zh
                    ? "无转化模型：预测只用阶段（用 --snapshots 拟合）。"
                    : "No conversion model: forecasts use the stage only (fit one with --snapshots).")
        }
        return lines
    }

    public func signed(_ value: Double) -> String {
        (value >= 0 ? "+" : "−") + ReportFormat.decimal(abs(value), 3)
    }

    // MARK: Table and Markdown

    public func stageTitle(_ stage: Int) -> String {
        "\(stage) \(PipelineState.stage(stage).label(language))"
    }

    public func text(markdown: Bool) -> String {
        let maxWidth = 100
        var text = ""
        let unit = period.unit(language, plural: true)
        let level = Int((table.confidenceLevel * 100).rounded())
        text +=
            zh
            ? "每\(period.unit(.zh))转移概率（行：当前阶段；列：一\(period.unit(.zh))后的状态）\n"
            : "Transition probabilities per \(period.rawValue) (row: stage now; column: state one \(period.rawValue) later)\n"
        let targets = PipelineState.all
        var transitions = PlainTable(
            columns: [.init(zh ? "阶段" : "from stage", maxWidth: 22), .init(zh ? "观测期数" : "periods", alignRight: true)]
                + targets.map { .init(zh ? $0.label(.zh) : $0.description, alignRight: true) })
        let exposures = table.exposures
        for row in 0..<PipelineState.stageCount {
            transitions.rows.append(
                [stageTitle(row + 1), exposures.map { ReportFormat.grouped($0[row]) } ?? "–"]
                    + targets.indices.map { ReportFormat.percent(table.probabilities[row, $0]) })
        }
        text += transitions.text(markdown: markdown, maxWidth: maxWidth)
        if let intervals = table.intervals {
            text += "\n" + (zh ? "\(level)% Wilson 置信区间（百分比）\n" : "\(level)% Wilson intervals (percent)\n")
            var table = PlainTable(
                columns: [.init(zh ? "阶段" : "from stage", maxWidth: 22)]
                    + targets.map { .init(zh ? $0.label(.zh) : $0.description, alignRight: true) })
            for row in 0..<PipelineState.stageCount {
                table.rows.append(
                    [stageTitle(row + 1)]
                        + intervals[row].map {
                            ReportFormat.decimal(100 * $0.lowerBound, 1) + "–" + ReportFormat.decimal(100 * $0.upperBound, 1)
                        })
            }
            text += table.text(markdown: markdown, maxWidth: maxWidth)
        }
        text +=
            "\n"
            + (zh
                ? "各阶段前景（吸收链基本矩阵求解；期数单位：\(period.unit(.zh))）\n"
                : "Outlook per stage (absorbing chain, fundamental matrix by LAPACK; in \(unit))\n")
        var outlook = PlainTable(
            columns: [
                .init(zh ? "阶段" : "stage", maxWidth: 22), .init(zh ? "赢单率" : "P(won)", alignRight: true),
                .init(zh ? "期望期数" : "to close", alignRight: true), .init(zh ? "标准差" : "sd", alignRight: true),
                .init(zh ? "赢单期数" : "to win", alignRight: true),
            ] + checkpoints.map { .init(zh ? "\($0)期内赢" : "won ≤\($0)", alignRight: true) })
        for stage in 1...PipelineState.stageCount {
            let o = forecaster.outlook(stage: stage)
            outlook.rows.append(
                [
                    stageTitle(stage), ReportFormat.percent(o.probabilityWon), ReportFormat.decimal(o.expectedPeriods, 1),
                    ReportFormat.decimal(o.periodStandardDeviation, 1),
                    o.expectedPeriodsToWin.isNaN ? "–" : ReportFormat.decimal(o.expectedPeriodsToWin, 1),
                ] + checkpoints.map { ReportFormat.percent(o.wonByPeriod[$0]) })
        }
        text += outlook.text(markdown: markdown, maxWidth: maxWidth)
        let note =
            zh
            ? "期望期数 = 预计几\(period.unit(.zh, plural: true))后结束（赢或丢）；赢单期数 = 若赢单，预计几\(period.unit(.zh, plural: true))后赢单；n 期内赢 = n \(period.unit(.zh, plural: true))内赢单的概率。"
            : "to close: expected \(unit) until won or lost (sd: its standard deviation); to win: expected \(unit) until won, if won; won ≤N: P(won within N \(unit))."
        text += (markdown ? [note] : DisplayWidth.wrap(note, width: maxWidth)).joined(separator: "\n") + "\n"
        text += "\n"
        text += ReportFormat.summary(summaryLines(), markdown: markdown, maxWidth: maxWidth)
        return text
    }

    // MARK: CSV

    public func csv(_ view: View) -> String {
        var text = ""
        switch view {
        case .transitions:
            text += CSVWriter.record(["from_stage", "to_state", "probability", "count", "periods", "lower", "upper"])
            let intervals = table.intervals
            for row in 0..<PipelineState.stageCount {
                for column in 0..<PipelineState.count {
                    let target = PipelineState(index: column) ?? .lost
                    text +=
                        [
                            String(row + 1), target.description, CSVWriter.number(table.probabilities[row, column], digits: 6),
                            table.counts.map { String($0[row][column]) } ?? "",
                            table.exposures.map { String($0[row]) } ?? "",
                            intervals.map { CSVWriter.number($0[row][column].lowerBound, digits: 6) } ?? "",
                            intervals.map { CSVWriter.number($0[row][column].upperBound, digits: 6) } ?? "",
                        ].joined(separator: ",") + "\n"
                }
            }
        case .outlook:
            var header = [
                "stage", "probability_won", "probability_lost", "expected_periods", "standard_deviation",
                "expected_periods_to_win",
            ]
            header += (1...PipelineState.stageCount).map { "periods_in_stage_\($0)" }
            header += (1...forecaster.horizon).map { "won_by_\($0)" }
            text += CSVWriter.record(header)
            for stage in 1...PipelineState.stageCount {
                let o = forecaster.outlook(stage: stage)
                var fields = [
                    String(stage), CSVWriter.number(o.probabilityWon, digits: 6), CSVWriter.number(o.probabilityLost, digits: 6),
                    CSVWriter.number(o.expectedPeriods, digits: 4), CSVWriter.number(o.periodStandardDeviation, digits: 4),
                    CSVWriter.number(o.expectedPeriodsToWin, digits: 4),
                ]
                fields += o.expectedPeriodsInStage.map { CSVWriter.number($0, digits: 4) }
                fields += o.wonByPeriod.dropFirst().map { CSVWriter.number($0, digits: 6) }
                text += fields.joined(separator: ",") + "\n"
            }
        }
        return text
    }

    // MARK: JSON

    public func json() -> String {
        // Every number here is `null` when it is not finite.
        func number(_ value: Double) -> JSONNumber { .finite(value) }
        let history = model.history.map { history in
            HistoryJSON(
                events: history.source, firstDate: "\(history.firstDate)", observedUntil: "\(history.observedUntil)",
                accounts: history.accounts, won: history.won, lost: history.lost, censored: history.censored)
        }
        let intervals = table.intervals
        let transitions = (0..<PipelineState.stageCount).map { row in
            let entries = (0..<PipelineState.count).map { column in
                let target = PipelineState(index: column) ?? .lost
                var entry = TransitionEntryJSON(to: target.description, probability: number(table.probabilities[row, column]))
                if let counts = table.counts, let intervals {
                    entry.count = counts[row][column]
                    entry.lower = number(intervals[row][column].lowerBound)
                    entry.upper = number(intervals[row][column].upperBound)
                }
                return entry
            }
            return TransitionRowJSON(
                from: row + 1, label: PipelineState.stage(row + 1).label(language), periods: table.exposures.map { $0[row] },
                to: entries)
        }
        let outlook = forecaster.outlooks.map { o in
            OutlookJSON(
                stage: o.stage, probabilityWon: number(o.probabilityWon), probabilityLost: number(o.probabilityLost),
                expectedPeriods: number(o.expectedPeriods), standardDeviation: number(o.periodStandardDeviation),
                expectedPeriodsToWin: number(o.expectedPeriodsToWin), expectedPeriodsInStage: o.expectedPeriodsInStage.map(number),
                wonByPeriod: o.wonByPeriod.dropFirst().map(number), lostByPeriod: o.lostByPeriod.dropFirst().map(number))
        }
        let conversion = model.conversion.map { conversion in
            func coefficient(_ c: ConversionModel.Coefficient) -> CoefficientJSON {
                CoefficientJSON(estimate: number(c.estimate), standardError: number(c.standardError))
            }
            return ConversionJSON(
                scoringModel: conversion.scoringModel, intercept: coefficient(conversion.intercept),
                value: coefficient(conversion.value), difficulty: coefficient(conversion.difficulty),
                fittedOn: conversion.fitSummary.map { summary in
                    FittedOnJSON(
                        snapshots: summary.source, used: summary.used, won: summary.won,
                        insufficientInformation: summary.insufficientInformation, unresolved: summary.unresolved,
                        uninformative: summary.uninformative)
                })
        }
        let summary = fitted.map { fitted in
            SummaryJSON(
                rowsRead: fitted.log.rowsRead, eventsUsed: fitted.log.eventsUsed, rejected: fitted.log.rejects.count,
                accountsLeftOut: fitted.log.excludedAccounts.count, snapshotRowsRead: fitted.snapshotRows,
                snapshotRowsRejected: fitted.snapshotRejects.count)
        }
        let rejects = fitted.map { JSONLines(($0.log.rejects + $0.snapshotRejects).map(RejectJSON.init)) }
        return ReportJSONEncoder().encode(
            JSON(
                pipeline: pipelineFile, period: period.rawValue, confidenceLevel: number(table.confidenceLevel), history: history,
                transitions: JSONLines(transitions), horizon: forecaster.horizon, outlook: JSONLines(outlook),
                conversion: conversion, summary: summary, rejects: rejects))
    }

    /// `kam pipeline show` and `kam pipeline fit --format json` (`kam.pipeline-report/1`);
    /// `summary` and `rejects` only after a fit. There are always five stages, so
    /// `transitions` and `outlook` are never the empty `[]`.
    private struct JSON: Encodable, JSONLayoutProviding {
        let schema = "kam.pipeline-report/1"
        let pipeline: String
        let period: String
        let confidenceLevel: JSONNumber
        let history: HistoryJSON?
        let transitions: JSONLines<TransitionRowJSON>
        let horizon: Int
        let outlook: JSONLines<OutlookJSON>
        let conversion: ConversionJSON?
        @OmittedWhenNil var summary: SummaryJSON?
        @OmittedWhenNil var rejects: JSONLines<RejectJSON>?
        var jsonLayout: JSONLayout { .lines }
    }

    private struct HistoryJSON: Encodable {
        let events: String
        let firstDate: String
        let observedUntil: String
        let accounts: Int
        let won: Int
        let lost: Int
        let censored: Int
    }

    /// A stage's row of the transition table; the entries go on a line of their own.
    private struct TransitionRowJSON: Encodable, JSONLayoutProviding {
        let from: Int
        let label: String
        /// Periods observed in the stage; `nil` (`null`) without counts.
        let periods: Int?
        let to: [TransitionEntryJSON]
        var jsonLayout: JSONLayout { .inlineBreaking(before: ["to"]) }
    }

    /// One transition: `count`, `lower` and `upper` only when the table was counted.
    private struct TransitionEntryJSON: Encodable {
        let to: String
        let probability: JSONNumber
        @OmittedWhenNil var count: Int? = nil
        @OmittedWhenNil var lower: JSONNumber? = nil
        @OmittedWhenNil var upper: JSONNumber? = nil
    }

    /// A stage's outlook; each per-period list goes on a line of its own.
    private struct OutlookJSON: Encodable, JSONLayoutProviding {
        let stage: Int
        let probabilityWon: JSONNumber
        let probabilityLost: JSONNumber
        let expectedPeriods: JSONNumber
        let standardDeviation: JSONNumber
        let expectedPeriodsToWin: JSONNumber
        let expectedPeriodsInStage: [JSONNumber]
        let wonByPeriod: [JSONNumber]
        let lostByPeriod: [JSONNumber]
        var jsonLayout: JSONLayout { .inlineBreaking(before: ["expected_periods_in_stage", "won_by_period", "lost_by_period"]) }
    }

    private struct CoefficientJSON: Encodable {
        let estimate: JSONNumber
        let standardError: JSONNumber
    }

    /// The conversion model; `fitted_on` only when it was fitted on snapshots.
    private struct ConversionJSON: Encodable {
        let scoringModel: String
        let intercept: CoefficientJSON
        let value: CoefficientJSON
        let difficulty: CoefficientJSON
        @OmittedWhenNil var fittedOn: FittedOnJSON?
    }

    private struct FittedOnJSON: Encodable {
        let snapshots: String
        let used: Int
        let won: Int
        let insufficientInformation: Int
        let unresolved: Int
        let uninformative: Int
    }

    private struct SummaryJSON: Encodable {
        let rowsRead: Int
        let eventsUsed: Int
        let rejected: Int
        let accountsLeftOut: Int
        let snapshotRowsRead: Int
        let snapshotRowsRejected: Int
    }

    /// A report from the values its command computed.
    public init(forecaster: PipelineForecaster, pipelineFile: String, language: Language, fitted: Fitted?) {
        self.forecaster = forecaster
        self.pipelineFile = pipelineFile
        self.language = language
        self.fitted = fitted
    }
}
