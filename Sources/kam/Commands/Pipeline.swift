import ArgumentParser
import Foundation
import Reports
import RunHistory
import ScoringEngine
import ScoringIO

extension RecordedStages.Dropped: ExpressibleByArgument {}

extension CalendarDate: ExpressibleByArgument {
    public init?(argument: String) {
        self.init(text: argument)
    }
}

extension PeriodLength: ExpressibleByArgument {}

extension Kam {
    /// `kam pipeline`: fit, inspect and simulate the development pipeline's Markov chain.
    struct Pipeline: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fit and inspect the pipeline model: stage transitions, win chances, time to close.",
            discussion: """
                The pipeline model is a Markov chain over the five development stages \
                (1 确定开发对象 … 5 促成成交) with won and lost as absorbing states, one step per \
                month or week, written as a readable YAML file (models/pipeline.yaml). \
                `kam forecast` and `kam backtest` use it.
                """,
            subcommands: [PipelineFit.self, Show.self, GenerateHistory.self])

        /// `kam pipeline fit`.
        struct PipelineFit: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "fit",
                abstract: "Estimate the per-period transition table from a stage-event log or from recorded runs.",
                discussion: """
                    EVENTS is a CSV stage-event log with columns account_id, date (YYYY-MM-DD), \
                    from_stage (1–5; blank when the account enters) and to_stage (1–5, won, \
                    lost). Every pair of consecutive periods an account was observed in counts \
                    as one transition, staying included; an account still open at the end of \
                    the log contributes only the periods it was observed (right-censoring). \
                    Each probability comes with its count and a Wilson confidence interval.

                    Without an event log, --runs DB takes the stages from the runs recorded by \
                    `kam rank --record` (lists with a stage column): each run is a snapshot of \
                    every account's stage on its day, an account whose stage differs from the \
                    run before moved on the later run's day. A prospect list holds no won or \
                    lost accounts, so --dropped says what leaving the lists means: censored \
                    (at the last run that held the account: nothing assumed, but then no \
                    account closes and the chain cannot be fitted unless some stage closes), \
                    lost, or stage5-won (won when it left from stage 5, lost from stages 1-4). \
                    Choose --period to match how often the runs were recorded.

                    With --snapshots (account snapshots: a prospect list with snapshot_date, \
                    outcome, outcome_date), the account-level conversion model is fitted too: \
                    the stage's log-odds of winning shifted by the value and difficulty scores \
                    of --model (logistic regression, IRLS through LAPACK). Accounts with \
                    insufficient information are left out, not guessed.

                    Rows that cannot be used are listed as file:line:column with the fix; an \
                    account with such a row is left out of the fit. Exit status: 0 ok, 64 \
                    usage, 65 bad data (or any reject with --strict), 66 input missing, 70 \
                    internal failure.
                    """)

            @Argument(help: "The stage-event log (CSV); omit it with --runs.")
            var events: String?

            @Option(
                help: ArgumentHelp(
                    "Take the stage moves from the runs recorded in this run history instead of an event log.",
                    valueName: "DB"))
            var runs: String?

            @Option(help: "With --runs: an account that leaves the recorded lists is censored, lost, or stage5-won.")
            var dropped: RecordedStages.Dropped?

            @OptionGroup var logOptions: EventLogOptions

            @Option(help: "Account snapshots (CSV) to fit the score-aware conversion model on.")
            var snapshots: String?

            @OptionGroup var modelOptions: ModelOptions

            @Option(help: "The confidence level of the intervals: 0.8, 0.9, 0.95 or 0.99.")
            var confidence: Double = 0.95

            @Option(name: .shortAndLong, help: "Where to write the pipeline file (YAML).")
            var output: String = "models/pipeline.yaml"

            @Option(help: "The output format of the report.")
            var format: OutputFormat = .table

            @Option(help: "With --format csv: which table, transitions or outlook.")
            var view: PipelineReport.View = .transitions

            @Option(help: "Periods ahead for the closing-period distribution in the report.")
            var horizon: Int = 12

            @OptionGroup var labels: ReportOptions.Labels

            @Flag(help: "Fail (exit 65) if any row is rejected.")
            var strict = false

            @OptionGroup var messages: ReportOptions.Quiet

            func validate() throws {
                guard (events == nil) != (runs == nil) else {
                    throw ValidationError(
                        "Please give either a stage-event log (EVENTS) or a run history (--runs DB), not both or neither.")
                }
                if runs != nil, dropped == nil {
                    throw ValidationError(
                        "Please say what leaving the recorded lists means: '--dropped censored', 'lost' or 'stage5-won'.")
                }
                guard ConfidenceInterval.supportedLevels.contains(confidence) else {
                    throw ValidationError("Please specify a '--confidence' of 0.8, 0.9, 0.95 or 0.99.")
                }
                guard horizon >= 1 else { throw ValidationError("Please specify a '--horizon' of at least 1.") }
            }

            func run() throws {
                try runReportingErrors {
                    let log = try runs.map(stagesFromRuns) ?? HistoryInput.events(events ?? "")
                    let source = log.file
                    let observedUntil = try logOptions.observedUntil(log)
                    let fit: TransitionEstimator.Fit
                    do throws(ForecastError) {
                        fit = try TransitionEstimator(period: logOptions.period, confidenceLevel: confidence).fit(
                            log.histories, observedUntil: observedUntil)
                    } catch {
                        throw CLIError.inFile(source, error)
                    }
                    var model = PipelineModel(
                        transitions: fit.table,
                        history: .init(
                            source: source, firstDate: fit.firstDate, observedUntil: observedUntil,
                            accounts: fit.accounts, won: fit.won, lost: fit.lost, censored: fit.censored))
                    var snapshotRejects: [HistoryReject] = []
                    var snapshotRows = 0
                    if let snapshots {
                        let scoring = try modelOptions.load()
                        let read = try HistoryInput.snapshots(snapshots, model: scoring)
                        snapshotRejects = read.rejects
                        snapshotRows = read.rowsRead
                        let scored = read.scores(model: scoring)
                        let lastPeriod = logOptions.period.lastCompletePeriod(observedUntil: observedUntil)
                        let observations = (0..<read.batch.count).map { row in
                            let known = read.outcomes[row] != .open && (read.outcomeDates[row].map { $0 <= observedUntil } ?? false)
                            return ConversionFitter.Observation(
                                stage: read.batch.accounts[row].stage, value: scored.value[row],
                                difficulty: scored.difficulty[row], insufficientInformation: scored.insufficient[row],
                                outcome: known ? read.outcomes[row] : .open,
                                periodsObserved: max(0, lastPeriod - logOptions.period.index(of: read.dates[row]) + 1))
                        }
                        do throws(ForecastError) {
                            let chain = try fit.table.chain()
                            model.conversion = try ConversionFitter().fit(
                                observations, chain: chain, scoringModel: scoring.name,
                                factorStatistics: ConversionModel.factorStatistics(scored.statistics, model: scoring),
                                source: snapshots)
                        } catch {
                            throw CLIError.inFile(snapshots, error)
                        }
                    }
                    let forecaster: PipelineForecaster
                    do throws(ForecastError) { forecaster = try PipelineForecaster(pipeline: model, horizon: horizon) } catch {
                        if runs != nil, fit.won + fit.lost == 0 {
                            throw CLIError.noClosedAccounts(file: source, error)
                        }
                        throw CLIError.inFile(source, error)
                    }
                    let command = (["kam", "pipeline", "fit"] + CommandLine.arguments.dropFirst(3)).joined(separator: " ")
                    try OutputFile.write(
                        PipelineFileWriter.yaml(model, command: command), to: output,
                        protecting: protectedInputs(
                            model: modelOptions.model,
                            others: [(source, runs == nil ? "event log" : "run history")]
                                + (snapshots.map { [($0, "snapshots file")] } ?? [])))
                    let report = PipelineReport(
                        forecaster: forecaster, pipelineFile: output, language: labels.lang,
                        fitted: .init(
                            log: log, fit: fit, snapshotFile: snapshots, snapshotRows: snapshotRows,
                            snapshotRejects: snapshotRejects))
                    try FileSink.write(report.render(format, view: view), format: format)
                    if !messages.quiet, format.sendsSummaryToStandardError(output: nil) {
                        for line in report.summaryLines() { printError(line) }
                    }
                    let rejected = log.rejects.count + snapshotRejects.count
                    if strict, rejected > 0 {
                        throw CLIError.strictHistoryRejects(count: rejected, first: (log.rejects + snapshotRejects)[0].description)
                    }
                }
            }

            /// The stage paths of the runs recorded in `path`, as an event log would give them.
            func stagesFromRuns(_ path: String) throws -> StageEventLogReader.Result {
                let store = try HistoryLocation.open(path, create: false, quiet: messages.quiet)
                defer { store.close() }
                let stages = try store.stageHistories(dropped: dropped ?? .censored)
                guard stages.runs.count >= 2 else {
                    throw CLIError.tooFewStagedRuns(
                        history: path, runs: stages.runs.count, withoutStages: stages.runsWithoutStages.count)
                }
                if !messages.quiet {
                    let ignored = stages.runsWithoutStages.isEmpty ? "" : "; \(stages.runsWithoutStages.count) runs without stages left out"
                    printError(
                        "kam: \(path): \(stages.runs.count) runs with stages (\(stages.firstDate.map(\.description) ?? "") to "
                            + "\(stages.lastDate.map(\.description) ?? "")), \(stages.histories.count) accounts, "
                            + "\(stages.left) left the lists (--dropped \((dropped ?? .censored).rawValue))"
                            + (stages.reappeared > 0 ? ", \(stages.reappeared) came back (used up to leaving)" : "") + ignored + ".")
                }
                return StageEventLogReader.Result(
                    file: path, histories: stages.histories, rowsRead: stages.observations, eventsUsed: stages.events,
                    firstDate: stages.firstDate, lastDate: stages.lastDate)
            }
        }

        /// `kam pipeline show`.
        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Show a pipeline file and what it implies: win chances and time to close per stage.",
                discussion: """
                    From the transition table: the probability of ending won from each stage, \
                    the expected number of periods to close and its standard deviation, the \
                    expected periods to win (if won), and the probability of being won by each \
                    period — all from the fundamental matrix (one LAPACK solve), not simulated.
                    """)

            @Option(name: .customLong("pipeline"), help: "The pipeline file. (default: models/pipeline.yaml)")
            var pipelinePath: String?

            /// The pipeline file to read (see ``BundledFiles``).
            var pipeline: String { BundledFiles.locate(pipelinePath, name: "pipeline.yaml") }

            @Option(help: "Periods ahead for the closing-period distribution.")
            var horizon: Int = 12

            @OptionGroup var formatting: ReportOptions.Format

            @Option(help: "With --format csv: which table, transitions or outlook.")
            var view: PipelineReport.View = .transitions

            @OptionGroup var labels: ReportOptions.Labels

            func validate() throws {
                guard horizon >= 1 else { throw ValidationError("Please specify a '--horizon' of at least 1.") }
            }

            func run() throws {
                try runReportingErrors {
                    let model = try HistoryInput.pipeline(pipeline)
                    let forecaster = try HistoryInput.forecaster(of: model, file: pipeline, horizon: horizon)
                    let report = PipelineReport(forecaster: forecaster, pipelineFile: pipeline, language: labels.lang, fitted: nil)
                    try FileSink.write(report.render(formatting.format, view: view), format: formatting.format)
                }
            }
        }

        /// `kam pipeline generate`.
        struct GenerateHistory: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "generate",
                abstract: "Write a synthetic history (event log and snapshots) with a known truth.",
                discussion: """
                    Accounts move through the pipeline by a fixed monthly transition table; their \
                    factor values are drawn from generated prospects, tilted by the outcome so \
                    that the score effect on the log-odds of winning is known exactly. Writes \
                    events.csv and snapshots.csv into --output-dir and prints the truth. The same \
                    options write the same bytes. datasets/history/README.md describes the files.
                    """)

            @Option(help: "The number of accounts.")
            var accounts: Int = 6000

            @Option(help: "The random seed.")
            var seed: UInt64 = 2012

            @Option(help: "The first month of the history (YYYY-MM-DD, the first of a month).")
            var start: CalendarDate = CalendarDate(year: 2021, month: 1, day: 1)!

            @Option(help: "The number of months of history.")
            var months: Int = 48

            @Option(help: "δ: the log-odds effect of 10 points of value score minus difficulty score.")
            var scoreEffect: Double = 0.9

            @Option(help: "The share of accounts whose snapshot lacks most factors (insufficient information).")
            var sparseRate: Double = 0.02

            @OptionGroup var modelOptions: ModelOptions

            @Option(help: "The folder to write events.csv and snapshots.csv into.")
            var outputDir: String = "."

            func validate() throws {
                guard accounts >= 1 else { throw ValidationError("Please specify '--accounts' of at least 1.") }
                guard months >= 2 else { throw ValidationError("Please specify '--months' of at least 2.") }
                guard start.components.day == 1 else {
                    throw ValidationError("Please specify a '--start' on the first day of a month, e.g. 2021-01-01.")
                }
                guard (0...1).contains(sparseRate) else {
                    throw ValidationError("Please specify a '--sparse-rate' between 0 and 1.")
                }
                guard scoreEffect.isFinite, abs(scoreEffect) <= 10 else {
                    throw ValidationError("Please specify a '--score-effect' between -10 and 10.")
                }
            }

            func run() throws {
                try runReportingErrors {
                    let model = try modelOptions.load()
                    let generator = PipelineHistoryGenerator(
                        options: .init(
                            accounts: accounts, seed: seed, firstMonth: start, months: months, scoreEffect: scoreEffect,
                            sparseRate: sparseRate),
                        model: model)
                    let output: PipelineHistoryGenerator.Output
                    do {
                        output = try generator.write(toDirectory: outputDir)
                    } catch let error as DatasetError {
                        throw error  // 65 (ErrorMapping.swift)
                    } catch let error as OutputFileError {
                        throw error
                    } catch {
                        // Any other problem generating or writing the files.
                        throw CLIError.cannotWrite(outputDir)
                    }
                    let truth = output.truth
                    var sink = FileSink.standardOutput()
                    sink.write(
                        "wrote \(outputDir)/events.csv (\(output.eventCount) events) and \(outputDir)/snapshots.csv (\(output.snapshotCount) snapshots)\n"
                    )
                    sink.write(
                        "observed until \(truth.observedUntil); truth: intercept \(formatDecimal(truth.intercept, digits: 4)), "
                            + "value \(formatDecimal(truth.valueCoefficient, digits: 4)), difficulty \(formatDecimal(truth.difficultyCoefficient, digits: 4)) "
                            + "(log-odds per 10 points); monthly transitions: PipelineHistoryGenerator.transitionProbabilities\n")
                    try sink.finish()
                }
            }
        }
    }
}

/// Loading the history files and pipeline files (their errors: 65 bad data, 66 missing; see ErrorMapping.swift).
enum HistoryInput {
    static func requireFile(_ path: String, what: String) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw CLIError.inputMissing("\(path): no such file. Check the path of the \(what).")
        }
    }

    /// Reads a stage-event log.
    static func events(_ path: String) throws -> StageEventLogReader.Result {
        try requireFile(path, what: "stage-event log")
        return try StageEventLogReader().read(contentsOf: path)
    }

    /// Reads account snapshots with a scoring model.
    static func snapshots(_ path: String, model: ScoringModel) throws -> SnapshotReader.Result {
        try requireFile(path, what: "snapshot file")
        return try SnapshotReader(model: model).read(contentsOf: path)
    }

    /// Reads a pipeline file.
    static func pipeline(_ path: String) throws -> PipelineModel {
        guard FileManager.default.fileExists(atPath: path) else {
            throw CLIError.inputMissing(
                "\(path): no such pipeline file. Fit one with `kam pipeline fit EVENTS --output \(path)` or give --pipeline.")
        }
        return try PipelineFileReader().read(contentsOf: path)
    }

    /// Reads a pipeline file, checking that its conversion model (if any) was fitted for
    /// `model` (shared by `kam forecast`, `kam allocate`, `kam simulate` and `kam report`).
    static func pipeline(_ path: String, for model: ScoringModel) throws -> PipelineModel {
        let pipelineModel = try pipeline(path)
        if let conversion = pipelineModel.conversion, conversion.scoringModel != model.name {
            throw CLIError.inFile(path, ForecastError.modelMismatch(expected: conversion.scoringModel, found: model.name))
        }
        return pipelineModel
    }

    /// The forecaster of a pipeline read from `path`, `horizon` periods ahead; its errors
    /// name the file.
    static func forecaster(of pipelineModel: PipelineModel, file path: String, horizon: Int) throws -> PipelineForecaster {
        do throws(ForecastError) {
            return try PipelineForecaster(pipeline: pipelineModel, horizon: horizon)
        } catch {
            throw CLIError.inFile(path, error)
        }
    }
}

/// The step length of a stage-event log and the last day it covers (`kam pipeline fit`,
/// `kam backtest`).
struct EventLogOptions: ParsableArguments {
    @Option(help: "The length of one step: month or week.")
    var period: PeriodLength = .month

    @Option(help: "The last day the log covers (default: the end of the period of its last event).")
    var until: CalendarDate?

    /// The last day `log` covers: `--until`, or the last day of the period of its last event.
    func observedUntil(_ log: StageEventLogReader.Result) throws -> CalendarDate {
        if let until { return until }
        guard let last = log.lastDate else {
            throw CLIError.noUsableEvent(log: log.file)
        }
        return period.lastDay(of: period.index(of: last))
    }
}
