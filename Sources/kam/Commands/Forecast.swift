import ArgumentParser
import Foundation
import Reports
import ScoringEngine
import ScoringIO

extension Kam {
    /// `kam forecast`: chance of winning, expected revenue and time to close for a prospect list.
    struct Forecast: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Forecast each account's chance of winning, expected revenue and time to close.",
            discussion: """
                For every account of the list: the probability of ending won (its stage's \
                chance from the pipeline model, shifted by its value and difficulty scores when \
                the pipeline has a conversion model), expected revenue = probability × deal \
                value, the probability of winning within --horizon periods, and the expected \
                period of the win. Accounts with insufficient information (信息不足) or without a \
                stage are flagged, not forecast.

                Totals of revenue won per period, for the team and by grade, manager and stage, \
                with Monte Carlo intervals P10/P50/P90 over --runs runs (same --seed, same \
                numbers). The expected totals are exact; the runs give the spread. The \
                intervals do not include the uncertainty of the fitted pipeline itself.

                Exit status: 0 ok, 64 usage, 65 bad data (or any reject with --strict), 66 \
                input missing, 70 internal failure.
                """)

        @OptionGroup var input: InputOptions
        @OptionGroup var modelOptions: ModelOptions

        @Option(name: .customLong("pipeline"), help: "The pipeline file (from `kam pipeline fit`). (default: models/pipeline.yaml)")
        var pipelinePath: String?

        /// The pipeline file to read (see ``BundledFiles``).
        var pipeline: String { BundledFiles.locate(pipelinePath, name: "pipeline.yaml") }

        @Option(help: "Periods ahead to forecast per period.")
        var horizon: Int = 12

        @Option(help: "Monte Carlo runs for the intervals of the totals.")
        var runs: Int = 1000

        @Option(help: "The random seed of the Monte Carlo runs.")
        var seed: UInt64 = 42

        @Option(help: "The day the forecast starts; period 1 is the period holding it (default: the day after the pipeline's history).")
        var asOf: CalendarDate?

        @Option(help: "Show only the first N accounts by expected revenue (default: 20 in a table, all in csv/json).")
        var top: Int?

        @Option(help: "The output format; xlsx writes a workbook (accounts, totals, stages, rejected and model sheets).")
        var format: WorkbookOutputFormat = .table

        @Option(help: "With --format csv: which table, accounts or totals.")
        var view: ForecastReport.View = .accounts

        @OptionGroup var destination: ReportOptions.Output

        @OptionGroup var labels: ReportOptions.Labels

        @OptionGroup var rejectsOptions: RejectsOptions

        @OptionGroup var messages: ReportOptions.Quiet

        @OptionGroup(visibility: .hidden) var diagnostics: DiagnosticOptions

        func validate() throws {
            guard horizon >= 1 else { throw ValidationError("Please specify a '--horizon' of at least 1.") }
            guard horizon <= 600 else { throw ValidationError("Please specify a '--horizon' of at most 600.") }
            guard runs >= 1 else { throw ValidationError("Please specify a '--runs' of at least 1.") }
            guard runs <= 100_000 else { throw ValidationError("Please specify a '--runs' of at most 100000.") }
            if let top, top < 1 { throw ValidationError("Please specify a '--top' of at least 1.") }
            try format.validate(output: destination.output)
        }

        func run() throws {
            try runReportingErrors {
                let progress = Progress(messages: messages, labels: labels, diagnostics: diagnostics)
                let model = try modelOptions.load()
                let (pipelineModel, forecaster) = try Self.forecaster(pipeline: pipeline, model: model, horizon: horizon)
                let loaded = try input.loadShowingReading(model: model, progress: progress)
                let rejectsPath = try rejectsOptions.write(
                    loaded.rejects, header: loaded.header, input: input.file, model: modelOptions.model)
                let (assessment, forecasts, totals) = try Self.forecast(
                    loaded: loaded, model: model, modelFile: modelOptions.model, pipeline: pipelineModel, forecaster: forecaster,
                    runs: runs, seed: seed, language: labels.lang, progress: progress)
                let start = asOf ?? pipelineModel.history.map { $0.observedUntil.adding(days: 1) }
                let limit = format.listedAccounts(top)
                progress.phase("writing", rows: loaded.batch.count)
                let report = ForecastReport(
                    forecaster: forecaster, pipelineFile: pipeline, assessment: assessment, forecasts: forecasts,
                    totals: totals, loaded: loaded, firstPeriod: start.map { forecaster.pipeline.period.index(of: $0) },
                    limit: limit, language: labels.lang, rejectsPath: rejectsPath)
                var sink = try FileSink.open(
                    destination.output, format: format.opened, protecting: protectedInputs(list: input.file, model: modelOptions.model))
                try report.write(format, view: view, to: &sink, output: destination.output)
                try sink.finish()
                progress.finish()
                if !messages.quiet, format.sendsSummaryToStandardError(output: destination.output) {
                    for line in report.summaryLines() { printError(line) }
                }
            }
        }

        /// Reads the pipeline file and builds its forecaster, checking that it was fitted for
        /// `model` (shared by `kam forecast` and `kam report`).
        static func forecaster(pipeline: String, model: ScoringModel, horizon: Int) throws -> (PipelineModel, PipelineForecaster) {
            let pipelineModel = try HistoryInput.pipeline(pipeline, for: model)
            return (pipelineModel, try HistoryInput.forecaster(of: pipelineModel, file: pipeline, horizon: horizon))
        }

        /// Scores the list as the pipeline's conversion model expects, forecasts every account
        /// and simulates the totals (shared by `kam forecast` and `kam report`).
        static func forecast(
            loaded: ProspectListLoader.Result, model: ScoringModel, modelFile: String, pipeline pipelineModel: PipelineModel,
            forecaster: PipelineForecaster, runs: Int, seed: UInt64, language: Language, progress: Progress
        ) throws -> (BatchAssessment, [AccountForecast], RevenueTotals) {
            progress.phase("scoring \(loaded.batch.count) accounts", rows: loaded.batch.count)
            let scoring = ScoringPipeline(model: model)
            let builder = UtilityBuilder(model: model)
            var statistics = builder.statistics(of: loaded.batch)
            if let conversion = pipelineModel.conversion {
                statistics = conversion.statistics(for: model, fallback: statistics)
            }
            let assessment = scoring.assess(loaded.batch, statistics: statistics)
            progress.phase("forecasting \(loaded.batch.count) accounts", rows: loaded.batch.count)
            let forecasts = (0..<assessment.count).map { row in
                forecaster.forecast(
                    PipelineForecaster.Account(
                        stage: assessment.accounts[row].stage, value: assessment.value(row),
                        difficulty: assessment.difficulty(row),
                        insufficientInformation: assessment.grades[row] == .insufficient,
                        dealValue: assessment.accounts[row].dealValue))
            }
            progress.phase("simulating \(runs) runs", rows: loaded.batch.count)
            let totals = ForecastReport.simulate(
                forecasts: forecasts, assessment: assessment, forecaster: forecaster, runs: runs, seed: seed,
                language: language)
            return (assessment, forecasts, totals)
        }
    }
}
