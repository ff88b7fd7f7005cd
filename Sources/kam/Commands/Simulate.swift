import ArgumentParser
import Foundation
import Reports
import ScoringEngine
import ScoringIO

extension Kam {
    /// `kam simulate`: Monte Carlo of the pipeline over periods under allocation policies.
    struct Simulate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Simulate what allocation policies yield over the coming periods.",
            discussion: """
                Runs the pipeline forward --periods periods, --runs times: each period the \
                policy spreads the team's hours and expense budget over the open accounts, and \
                each account moves along its stage's transition row under its effort (the \
                team file's response model). Per policy: expected wins, won revenue \
                P10/P50/P90, expense and expense control (actual / budget), hours by grade and \
                by person, utilisation and return on expense. --compare (the default) sets the \
                grade, proportional and optimal policies side by side with the difference of \
                each to the best and its standard error (the runs share their random numbers, \
                so the differences are paired). Same --seed, same numbers.

                Rows that cannot be scored are written to the rejects file with their line, \
                column and reason. Exit status: 0 ok, 64 usage, 65 bad data (or any reject with \
                --strict), 66 input missing, 70 internal failure.
                """)

        @OptionGroup var inputs: AllocationInput

        @Option(help: "Simulate only this policy: grade, proportional or optimal.")
        var policy: AllocationPolicy?

        @Flag(help: "Compare all policies side by side (the default without --policy).")
        var compare = false

        @Option(help: "Periods to simulate.")
        var periods: Int = 12

        @Option(help: "Monte Carlo runs.")
        var runs: Int = 1000

        @Option(help: "The random seed.")
        var seed: UInt64 = 42

        @OptionGroup var formatting: ReportOptions.Format

        @OptionGroup var destination: ReportOptions.Output

        @OptionGroup var labels: ReportOptions.Labels

        @OptionGroup var messages: ReportOptions.Quiet

        @OptionGroup(visibility: .hidden) var diagnostics: DiagnosticOptions

        func validate() throws {
            if policy != nil && compare {
                throw ValidationError("Please specify either '--policy' or '--compare', not both.")
            }
            guard periods >= 1 else { throw ValidationError("Please specify a '--periods' of at least 1.") }
            guard periods <= 600 else { throw ValidationError("Please specify a '--periods' of at most 600.") }
            guard runs >= 1 else { throw ValidationError("Please specify a '--runs' of at least 1.") }
            guard runs <= 100_000 else { throw ValidationError("Please specify a '--runs' of at most 100000.") }
        }

        func run() throws {
            try runReportingErrors {
                let progress = Progress(messages: messages, labels: labels, diagnostics: diagnostics)
                let loaded = try inputs.load(progress: progress)
                let allocator = Allocator(problem: loaded.problem)
                var simulator = AllocationSimulator(
                    allocator: allocator, periods: periods, runs: runs, seed: seed,
                    threads: max(1, ProcessInfo.processInfo.activeProcessorCount))
                let policies = policy.map { [$0] } ?? AllocationPolicy.allCases
                var outcomes: [AllocationSimulator.Outcome] = []
                // Runs done, rate and time left, when the work (runs × periods × accounts)
                // is more than a million account-periods.
                let work = runs * periods * loaded.problem.accounts.count
                simulator.runFinished = { progress.update(rows: $0) }
                for policy in policies {
                    progress.phase(
                        "simulating the \(policy.rawValue) policy", rows: runs, unit: "runs",
                        threshold: work > 1_000_000 ? 0 : Int.max - 1)
                    outcomes.append(simulator.simulate(policy))
                }
                progress.phase("writing", rows: 0)
                let summaries = SimulationSummary.summarize(outcomes, problem: loaded.problem, periods: periods)
                var report = SimulateReport(
                    problem: loaded.problem, summaries: summaries, openAtStart: outcomes.first?.openAtStart ?? 0,
                    periods: periods, runs: runs, seed: seed, teamFile: inputs.options.team, rejects: loaded.rejects,
                    rejectsPath: loaded.rejectsPath,
                    language: labels.lang)
                report.moneyUnit = ReportWorkbook.moneyUnit(loaded.assessment.model)
                try FileSink.write(
                    report.render(formatting.format), to: destination.output, format: formatting.format,
                    protecting: inputs.protectedInputs)
                progress.finish()
            }
        }
    }
}
