import ArgumentParser
import Foundation
import Reports
import ScoringEngine
import ScoringIO

extension AllocationPolicy: ExpressibleByArgument {}
extension AllocationProblem.Objective: ExpressibleByArgument {}

/// Options shared by `kam allocate` and `kam simulate`: the team, the pipeline and the objective.
struct AllocationOptions: ParsableArguments {
    @Option(
        name: .customLong("team"),
        help: "The team file: people and hours, budget, work per stage, response, grade shares. (default: models/team.yaml)")
    var teamPath: String?

    @Option(name: .customLong("pipeline"), help: "The pipeline file (from `kam pipeline fit`). (default: models/pipeline.yaml)")
    var pipelinePath: String?

    /// The team file to read (see ``BundledFiles``).
    var team: String { BundledFiles.locate(teamPath, name: "team.yaml") }
    /// The pipeline file to read (see ``BundledFiles``).
    var pipeline: String { BundledFiles.locate(pipelinePath, name: "pipeline.yaml") }

    @Option(help: "What the optimizer maximizes: expected won revenue, or revenue minus expense.")
    var objective: AllocationProblem.Objective = .revenue
}

/// The inputs of `kam allocate` and `kam simulate`: the prospect list, the model, the team
/// and pipeline files and where rejected rows go; and how they are loaded into an allocation
/// problem.
struct AllocationInput: ParsableArguments {
    typealias Loaded = AllocateReport.Input

    @OptionGroup var input: InputOptions
    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var options: AllocationOptions
    @OptionGroup var rejectsOptions: RejectsOptions

    /// The files no output may replace: the list, the model, the team file and the pipeline.
    var protectedInputs: [ProtectedInput] {
        kam.protectedInputs(
            list: input.file, model: modelOptions.model, others: [(options.team, "team file"), (options.pipeline, "pipeline model")])
    }

    /// Loads the list, scores and forecasts it, and builds the allocation problem (see
    /// ``load(input:modelOptions:options:rejectsOptions:progress:)``).
    func load(progress: Progress) throws -> Loaded {
        try Self.load(input: input, modelOptions: modelOptions, options: options, rejectsOptions: rejectsOptions, progress: progress)
    }

    /// Loads a prospect list, scores and forecasts it, and builds the allocation problem
    /// (also for `kam report --team`, whose options are declared one group at a time).
    static func load(
        input: InputOptions, modelOptions: ModelOptions, options: AllocationOptions, rejectsOptions: RejectsOptions,
        progress: Progress
    ) throws -> Loaded {
        let model = try modelOptions.load()
        let pipelineModel = try HistoryInput.pipeline(options.pipeline, for: model)
        guard FileManager.default.fileExists(atPath: options.team) else {
            throw CLIError.inputMissing("\(options.team): no such file. Check the path of the team file (--team).")
        }
        let team = try TeamFileReader().read(contentsOf: options.team)
        let forecaster = try HistoryInput.forecaster(of: pipelineModel, file: options.pipeline, horizon: 12)
        let loaded = try input.loadShowingReading(model: model, progress: progress)
        let rejectsPath = try rejectsOptions.write(loaded.rejects, header: loaded.header, input: input.file, model: modelOptions.model)
        progress.phase("scoring \(loaded.batch.count) accounts", rows: loaded.batch.count)
        let scoring = ScoringPipeline(model: model)
        do throws(AllocationError) {
            return try Loaded(
                loaded: loaded, scoring: scoring, pipeline: pipelineModel, forecaster: forecaster, team: team,
                objective: options.objective, rejectsPath: rejectsPath)
        } catch {
            throw CLIError.inFile(options.team, error)
        }
    }
}

extension Kam {
    /// `kam allocate`: the recommended hours and expense per account and per person for the next period.
    struct Allocate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recommend the team's hours and expense per account and per person for the next period.",
            discussion: """
                Spreads the hours of every person in the team file and the business-expense \
                budget across the accounts of the list for the next period. The optimal policy \
                (default) maximizes expected won revenue (--objective profit: minus expense) \
                under every person's hours and the budget, by Lagrangian relaxation; it reports \
                the shadow price of one more hour of each person and of one more unit of \
                budget, and an upper bound no allocation can beat. --policy grade applies the \
                seed's rule (A all in, B limited, C maintain, D paused; shares in the team \
                file); --policy proportional splits each manager's hours by expected revenue. \
                Accounts that get nothing are listed with the reason.

                Rows that cannot be scored are written to the rejects file with their line, \
                column and reason. Exit status: 0 ok, 64 usage, 65 bad data (or any reject with \
                --strict), 66 input missing, 70 internal failure.
                """)

        @OptionGroup var inputs: AllocationInput

        @Option(help: "The policy: grade, proportional or optimal.")
        var policy: AllocationPolicy = .optimal

        @Option(help: "Show only the first N accounts by hours (default: 20 in a table, all in csv/json).")
        var top: Int?

        @Option(help: "The output format; xlsx writes a workbook (accounts, people, summary, rejected and model sheets).")
        var format: WorkbookOutputFormat = .table

        @Option(help: "With --format csv: which table, accounts or people.")
        var view: AllocateReport.View = .accounts

        @OptionGroup var destination: ReportOptions.Output

        @OptionGroup var labels: ReportOptions.Labels

        @OptionGroup var messages: ReportOptions.Quiet

        func validate() throws {
            if let top, top < 1 { throw ValidationError("Please specify a '--top' of at least 1.") }
            try format.validate(output: destination.output)
        }

        func run() throws {
            try runReportingErrors {
                let progress = Progress(enabled: !messages.quiet && standardErrorIsTerminal, timings: false, language: labels.lang)
                let loaded = try inputs.load(progress: progress)
                progress.phase("allocating", rows: loaded.problem.accounts.count)
                let allocator = Allocator(problem: loaded.problem)
                let allocation = allocator.allocate(policy)
                let limit = format.listedAccounts(top)
                let report = AllocateReport(
                    loaded: loaded, allocation: allocation, teamFile: inputs.options.team, limit: limit, language: labels.lang)
                var sink = try FileSink.open(destination.output, format: format.opened, protecting: inputs.protectedInputs)
                try report.write(format, view: view, to: &sink, output: destination.output)
                try sink.finish()
                progress.finish()
                if !messages.quiet, format.sendsSummaryToStandardError(output: destination.output) {
                    for line in report.summaryLines() { printError(line) }
                }
            }
        }
    }
}
