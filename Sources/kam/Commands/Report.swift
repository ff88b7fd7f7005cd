import ArgumentParser
import Foundation
import Reports
import RunHistory
import ScoringEngine
import ScoringIO

extension Kam {
    /// `kam report`: the director's report, one self-contained HTML page.
    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the director's report: one self-contained HTML page with charts.",
            discussion: """
                One HTML file that works offline (charts as inline SVG, a little inline script \
                for sorting, filtering and hover; no network request, no external font): the \
                summary, the grade map (one dot per account, or a density above \
                --density-above accounts), the top --top ranked accounts with their reasons, \
                and, when their inputs are given, the pipeline (--pipeline: funnel and forecast \
                fan chart, as kam forecast), the team (--team: allocation, as kam allocate), \
                robustness (--robustness: as kam sensitivity), KPI scorecards (--kpi-plan and \
                --kpi-actuals: as kam kpi) and the changes since the previous recorded run \
                (--history: as kam changes). Every figure comes from the same engine results \
                as those commands' JSON. Exit status: 0 ok, 64 usage, 65 bad data, 66 input \
                missing, 70 internal failure, 73 output cannot be created, 74 write failed.
                """)

        @OptionGroup var input: InputOptions
        @OptionGroup var modelOptions: ModelOptions
        @OptionGroup var allocationOptions: AllocationOptions
        @OptionGroup var rejectsOptions: RejectsOptions

        @Option(help: "Rank by this weight scenario of the model (default: the model's own weights).")
        var scenario: String?

        @Option(help: "Accounts in the ranked table.")
        var top: Int = 200

        @Option(help: "Above this many accounts the grade map shows a density instead of dots.")
        var densityAbove: Int = 3000

        @Option(help: "Periods of the forecast (with --pipeline).")
        var horizon: Int = 12

        @Option(help: "Monte Carlo runs of the forecast (with --pipeline).")
        var runs: Int = 1000

        @Option(help: "The random seed of the forecast's runs (with --pipeline).")
        var seed: UInt64 = 42

        @Option(help: "The allocation policy (with --team): grade, proportional or optimal.")
        var policy: AllocationPolicy = .optimal

        @Flag(help: "Add the robustness section (kam sensitivity's weight draws; --samples, --robust-top, --robust-seed).")
        var robustness = false

        @Option(help: "Weight draws of the robustness section.")
        var samples: Int = 10_000

        @Option(help: "K of the robustness section's share of draws in the top K.")
        var robustTop: Int = 20

        @Option(help: "Seed of the robustness section's weight draws.")
        var robustSeed: UInt64 = 1

        @Option(help: "Accounts of the robustness section, in rank order.")
        var robustShow: Int = 20

        @Option(help: "The run history (SQLite) for the changes section: changes between its last two runs.")
        var history: String?

        @Option(help: "The KPI plan file (CSV), with --kpi-actuals, for the KPI section.")
        var kpiPlan: String?

        @Option(help: "The KPI actuals file (CSV), with --kpi-plan.")
        var kpiActuals: String?

        @Option(help: "The KPI scorecard file (YAML). (default: models/scorecard.yaml)")
        var scorecard: String?

        @Option(help: "The language of the page: en or zh.")
        var lang: Language = .en

        @Option(name: .shortAndLong, help: "The HTML file to write.")
        var output: String = "report.html"

        @OptionGroup var messages: ReportOptions.Quiet

        /// Reads the whole list into memory even for the ranking alone (the reference path
        /// the streamed report is tested against).
        @Flag(help: .hidden)
        var inMemory = false

        func validate() throws {
            if top < 1 { throw ValidationError("Please specify a '--top' of at least 1.") }
            if densityAbove < 0 { throw ValidationError("Please specify '--density-above' of at least 0.") }
            if !(1...600).contains(horizon) { throw ValidationError("Please specify a '--horizon' from 1 to 600.") }
            if !(1...100_000).contains(runs) { throw ValidationError("Please specify '--runs' from 1 to 100000.") }
            if samples < 1 { throw ValidationError("Please specify '--samples' of at least 1.") }
            if robustTop < 1 || robustShow < 1 { throw ValidationError("Please specify '--robust-top' and '--robust-show' of at least 1.") }
            if (kpiPlan == nil) != (kpiActuals == nil) {
                throw ValidationError("Please give '--kpi-plan' and '--kpi-actuals' together.")
            }
        }

        func run() throws {
            try runReportingErrors {
                let progress = Progress(enabled: !messages.quiet && standardErrorIsTerminal, timings: false, language: lang)
                let started = Date()
                var others: [(String, String)] = []
                if let team = allocationOptions.teamPath { others.append((team, "team file")) }
                if let pipeline = allocationOptions.pipelinePath { others.append((pipeline, "pipeline model")) }
                if let kpiPlan, let kpiActuals { others += [(kpiPlan, "plan"), (kpiActuals, "actuals file")] }
                if let history { others.append((history, "run history")) }
                var sink = try FileSink.open(
                    output, format: .csv, protecting: protectedInputs(list: input.file, model: modelOptions.model, others: others))
                let model = try modelOptions.load()
                let scoring = ScoringPipeline(model: model)
                var scenarioIndex = 0
                if let scenario {
                    guard let index = scoring.scorer.scenarioNames.firstIndex(of: scenario) else {
                        throw CLIError.usage(
                            "Please specify a '--scenario' the model defines: \(scoring.scorer.scenarioNames.joined(separator: ", ")).")
                    }
                    scenarioIndex = index
                }
                let size = (try? FileManager.default.attributesOfItem(atPath: input.file))?[.size] as? Int
                let source = { (hash: String?) in
                    HTMLReport.Source(
                        file: input.file, bytes: size, contentHash: hash, generatedAt: started,
                        kamVersion: Kam.configuration.version)
                }
                if streams(model: model) {
                    // The ranking alone: one streaming pass, as kam rank's.
                    let report = try streamedReport(
                        model: model, scoring: scoring, scenario: scenarioIndex, source: source, progress: progress)
                    try write(report, to: &sink, progress: progress)
                    return
                }
                let loaded = try input.loadShowingReading(model: model, progress: progress)
                _ = try rejectsOptions.write(loaded.rejects, header: loaded.header, input: input.file, model: modelOptions.model)
                progress.phase("scoring \(loaded.batch.count) accounts", rows: loaded.batch.count)
                let assessment = scoring.assess(loaded.batch, scenario: scenarioIndex)
                progress.phase("ranking", rows: loaded.batch.count)
                let ranked = assessment.rankedRows()
                let hash = input.file == "/dev/stdin" ? nil : ContentHash.ofFile(atPath: input.file)
                var report = HTMLReport(
                    language: lang, source: source(hash),
                    ranking: .init(
                        assessment: assessment, rowsRead: loaded.rowsRead, rejects: loaded.rejects,
                        unevaluatedSegments: loaded.unevaluatedSegments, rankedRows: ranked),
                    topCount: top, densityThreshold: densityAbove)
                if allocationOptions.pipelinePath != nil {
                    report.pipeline = try pipelineSection(loaded: loaded, model: model, progress: progress)
                }
                if allocationOptions.teamPath != nil {
                    let allocationInput = try AllocationInput.load(
                        input: input, modelOptions: modelOptions, options: allocationOptions, rejectsOptions: rejectsOptions,
                        progress: progress)
                    progress.phase("allocating", rows: allocationInput.problem.accounts.count)
                    report.team = .init(
                        problem: allocationInput.problem, allocation: Allocator(problem: allocationInput.problem).allocate(policy),
                        teamFile: allocationOptions.team)
                }
                if robustness {
                    var arguments = [input.file, "--samples", String(samples), "--top", String(robustTop), "--seed", String(robustSeed)]
                    arguments += ["--model", modelOptions.model]
                    let sensitivity = try Sensitivity.parse(arguments)
                    // As kam sensitivity: the model's own weights.
                    let base = scenarioIndex == 0 ? assessment : scoring.assess(loaded.batch)
                    Sensitivity.samplingPhase(progress, samples: samples, accounts: loaded.batch.count)
                    let result = try sensitivity.analyze(base, progress: progress)
                    report.robustness = .init(assessment: base, result: result, rows: Array(base.rankedRows().prefix(robustShow)))
                }
                if let kpiPlan, let kpiActuals {
                    var arguments = ["--plan", kpiPlan, "--actual", kpiActuals, "--quiet"]
                    if let scorecard { arguments += ["--scorecard", scorecard] }
                    let kpi = try KPI.parse(arguments)
                    let reviewed = try kpi.reviewed()
                    report.scorecards = .init(
                        review: reviewed.review, scorecard: reviewed.scorecard, planFile: kpiPlan, actualFile: kpiActuals)
                }
                if let history {
                    let store = try HistoryLocation.open(history, create: false)
                    report.changes = try store.changes(from: nil, to: nil, limit: 50, factorsPerAccount: 3)
                    report.historyFile = history
                }
                try write(report, to: &sink, progress: progress)
            }
        }

        /// Renders the page into the output and says so.
        func write(_ report: HTMLReport, to sink: inout FileSink, progress: Progress) throws {
            progress.phase("writing \(output)")
            sink.write(report.render())
            try sink.finish()
            progress.finish()
            if !messages.quiet {
                printError(
                    lang == .zh
                        ? "kam: \(report.ranking.overview.accepted) 个客户的报告（拒绝 \(report.ranking.rejects.count) 行）已写入 \(output)。"
                        : "kam: report of \(report.ranking.overview.accepted) accounts (\(report.ranking.rejects.count) rejected) written to \(output)."
                )
            }
        }

        /// Whether the report is made from one streaming pass over the list, as `kam rank`
        /// ranks it (``streamedReport(model:scoring:scenario:source:progress:)``): when it
        /// shows the ranking alone (the other sections need every account in memory) and the
        /// list can be streamed (a regular file; see ``Rank``).
        func streams(model: ScoringModel) -> Bool {
            allocationOptions.pipelinePath == nil && allocationOptions.teamPath == nil && !robustness && kpiPlan == nil
                && history == nil && !inMemory && ProspectStream.canStream(input.file)
                && model.factors.count <= ProspectStream.maximumFactors
        }

        /// The report of the ranking alone, from one streaming pass (in bounded memory): the
        /// pass counts the whole list into a ``ListOverview`` (counts and deal value per
        /// grade, grade cells, density bins), hashes the bytes it reads (``HashedContent``)
        /// and keeps the top `--top` accounts, or every account when there are at most
        /// `--density-above` (the grade map draws each); only those are read again and
        /// assessed, with the whole list's statistics.
        func streamedReport(
            model: ScoringModel, scoring: ScoringPipeline, scenario: Int, source: (String?) -> HTMLReport.Source,
            progress: Progress
        ) throws -> HTMLReport {
            progress.phase("reading and scoring \(input.file)", rows: input.estimatedRows)
            let grading = model.grading
            let ranking = try input.rank(
                model: model, scorer: scoring.scorer, scenario: scenario, limit: top, grades: nil,
                everyRowUpTo: densityAbove, observer: { ListOverview(grading: grading) }, contentObserver: { HashedContent() },
                progress: progress)
            _ = try rejectsOptions.write(ranking.rejects, header: ranking.header, input: input.file, model: modelOptions.model)
            guard let overview = ranking.observed as? ListOverview, let hash = ranking.contentObserved as? HashedContent,
                ranking.ranks.enumerated().allSatisfy({ $0.element == $0.offset + 1 })
            else { throw StreamedReportError() }
            progress.phase("explaining \(ranking.shown.count) accounts", rows: ranking.shown.count)
            let assessment = scoring.assess(ranking.shown, scenario: scenario, statistics: ranking.statistics)
            return HTMLReport(
                language: lang, source: source(hash.value),
                ranking: .init(
                    assessment: assessment, rowsRead: ranking.rowsRead, rejects: ranking.rejects,
                    unevaluatedSegments: ranking.unevaluatedSegments, rankedRows: Array(0..<assessment.count),
                    overview: overview),
                topCount: top, densityThreshold: densityAbove)
        }

        /// The pipeline section: the same forecast as `kam forecast` with these options.
        func pipelineSection(loaded: ProspectListLoader.Result, model: ScoringModel, progress: Progress) throws -> HTMLReport.Pipeline {
            let pipelineFile = allocationOptions.pipeline
            let (pipelineModel, forecaster) = try Forecast.forecaster(pipeline: pipelineFile, model: model, horizon: horizon)
            let (assessment, forecasts, totals) = try Forecast.forecast(
                loaded: loaded, model: model, modelFile: modelOptions.model, pipeline: pipelineModel, forecaster: forecaster,
                runs: runs, seed: seed, language: lang, progress: progress)
            let start = pipelineModel.history.map { $0.observedUntil.adding(days: 1) }
            let forecastReport = ForecastReport(
                forecaster: forecaster, pipelineFile: pipelineFile, assessment: assessment, forecasts: forecasts,
                totals: totals, loaded: loaded, firstPeriod: start.map { forecaster.pipeline.period.index(of: $0) },
                limit: 0, language: lang, rejectsPath: nil)
            return .init(
                totals: totals, forecasts: forecasts, pipelineFile: pipelineFile,
                periodLabels: (1...horizon).map(forecastReport.periodLabel))
        }
    }
}

/// The streamed ranking did not hand back what the report needs (its overview, the list's
/// content hash, and the first accounts of the whole ranking): a bug, reported as an
/// internal failure (70).
struct StreamedReportError: Error, CustomStringConvertible {
    var description: String { "the streamed ranking did not hold the report's overview, content hash and first ranks" }
}
