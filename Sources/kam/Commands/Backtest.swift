import ArgumentParser
import Foundation
import Reports
import ScoringEngine
import ScoringIO

extension Kam {
    /// `kam backtest`: fit before a cut date, forecast the accounts open at it, compare.
    struct Backtest: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Test the forecast on history: fit before --cut, forecast, compare with what happened.",
            discussion: """
                Fits the pipeline on the events before --cut and the conversion model on the \
                snapshots before it (outcomes known before the cut only), then forecasts every \
                account open at the cut — its stage from the log, its scores from its latest \
                snapshot on or before the cut — and compares with what happened from the cut \
                to the end of the log: whether each account was won within that window, and \
                the revenue won per period.

                Three forecasts are compared on the same accounts: the stage win rate (the \
                naive baseline: the historical share won of accounts that were in the stage), \
                the pipeline by stage only, and the pipeline with scores. For each: Brier \
                score, log loss, AUC and a ten-bin reliability table; for the revenue, the \
                error per period. Put the cut on the first day of a period.

                Exit status: 0 ok, 64 usage, 65 bad data, 66 input missing, 70 internal failure.
                """)

        @Argument(help: "The stage-event log (CSV).")
        var events: String

        @Argument(help: "The account snapshots (CSV).")
        var snapshots: String

        @Option(help: "The cut date (YYYY-MM-DD): fit before it, evaluate after it.")
        var cut: CalendarDate

        @OptionGroup var modelOptions: ModelOptions

        @OptionGroup var logOptions: EventLogOptions

        @Option(help: "Evaluate at most this many periods after the cut (default: to the end of the log).")
        var horizon: Int?

        @OptionGroup var formatting: ReportOptions.Format

        @Option(help: "With --format csv: which table, summary, reliability, revenue or accounts.")
        var view: BacktestReport.View = .summary

        @OptionGroup var destination: ReportOptions.Output

        @OptionGroup var labels: ReportOptions.Labels

        @OptionGroup var messages: ReportOptions.Quiet

        func validate() throws {
            if let horizon, horizon < 1 { throw ValidationError("Please specify a '--horizon' of at least 1.") }
        }

        func run() throws {
            try runReportingErrors {
                let model = try modelOptions.load()
                let log = try HistoryInput.events(events)
                let observedUntil = try logOptions.observedUntil(log)
                guard cut <= observedUntil else {
                    throw ValidationError("Please specify a '--cut' on or before the end of the log (\(observedUntil)).")
                }
                let read = try HistoryInput.snapshots(snapshots, model: model)
                // Scores use statistics of the snapshots known at the cut only.
                let (snapshotList, scored) = read.backtestSnapshots(model: model, cut: cut)
                let result: ScoringEngine.Backtest.Result
                do throws(ForecastError) {
                    result = try ScoringEngine.Backtest(period: logOptions.period, cut: cut, horizon: horizon).run(
                        histories: log.histories, observedUntil: observedUntil, snapshots: snapshotList,
                        scoringModel: model.name,
                        factorStatistics: ConversionModel.factorStatistics(scored.statistics, model: model))
                } catch {
                    throw CLIError.inFile("\(events), \(snapshots)", error)
                }
                let report = BacktestReport(
                    result: result, cut: cut, period: logOptions.period, observedUntil: observedUntil, log: log,
                    snapshotFile: snapshots, snapshotRows: read.rowsRead, snapshotRejects: read.rejects, language: labels.lang)
                var sink = try FileSink.open(
                    destination.output, format: formatting.format,
                    protecting: protectedInputs(model: modelOptions.model, others: [(snapshots, "snapshots file")]))
                report.write(formatting.format, view: view, to: &sink)
                try sink.finish()
                if !messages.quiet, formatting.format.sendsSummaryToStandardError(output: destination.output) {
                    for line in report.summaryLines() { printError(line) }
                }
            }
        }
    }
}
