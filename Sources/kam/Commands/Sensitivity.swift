import ArgumentParser
import Dispatch
import Foundation
import Reports
import ScoringEngine
import ScoringIO

extension Kam {
    struct Sensitivity: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "How much grades and ranks depend on the weights (SMAA-2 weight sampling).",
            discussion: """
                Draws --samples weight vectors (uniform on each side's simplex, or with \
                --concentration C Dirichlet around the model's weights: mean the model's weights, \
                larger C = closer), scores every account under every draw in blocked BLAS products, \
                and reports per account the probability of each grade, the rank acceptability \
                P(rank ≤ K) for --top K, the median and P5–P95 rank, and the central weight vector \
                (the mean of the draws that put the account in the top K). Each account graded A \
                with the model's weights is stable when P(A) ≥ --stable-at, else borderline. Per \
                factor: the interval of its weight (others on its side rescaled) over which the \
                set of A accounts stays the same. Same input and seed, same output.
                """)

        @OptionGroup var input: InputOptions
        @OptionGroup var modelOptions: ModelOptions

        @Option(help: "Number of weight draws M.")
        var samples: Int = 10_000

        @Option(help: "Dirichlet concentration C around the model's weights (default: uniform draws).")
        var concentration: Double?

        @Option(help: "K of the rank acceptability P(rank ≤ K).")
        var top: Int = 20

        @Option(help: "Seed of the weight draws.")
        var seed: UInt64 = 1

        @Option(help: "An A account is stable when P(A) is at least this.")
        var stableAt: Double = 0.9

        @Option(help: "Accounts to list (default: 20 in a table, all in csv/json), in base rank order.")
        var show: Int?

        @Option(help: "Memory budget for the draw blocks and rank storage, in MiB.")
        var memory: Int = 512

        @OptionGroup var formatting: ReportOptions.Format

        @OptionGroup var destination: ReportOptions.Output

        @OptionGroup var labels: ReportOptions.Labels

        @OptionGroup var messages: ReportOptions.Quiet

        @OptionGroup(visibility: .hidden) var diagnostics: DiagnosticOptions

        func validate() throws {
            if samples < 1 { throw ValidationError("Please specify '--samples' of at least 1.") }
            if top < 1 { throw ValidationError("Please specify a '--top' of at least 1.") }
            if let concentration, !WeightSampler.concentrationRange.contains(concentration) {
                throw ValidationError("Please specify a '--concentration' from 0.000001 to 1000000000000.")
            }
            if !(0...1).contains(stableAt) { throw ValidationError("Please specify '--stable-at' between 0 and 1.") }
            if let show, show < 1 { throw ValidationError("Please specify '--show' of at least 1.") }
            if memory < 16 { throw ValidationError("Please specify '--memory' of at least 16 (MiB).") }
        }

        func run() throws {
            try runReportingErrors {
                let wallStart = DispatchTime.now().uptimeNanoseconds
                let progress = Progress(messages: messages, labels: labels, diagnostics: diagnostics)
                let model = try modelOptions.load()
                let loaded = try input.loadShowingReading(model: model, progress: progress)
                guard loaded.batch.count > 0 else {
                    throw CLIError.nothingToAnalyze(list: input.file)
                }
                let pipeline = ScoringPipeline(model: model)
                progress.phase("scoring \(loaded.batch.count) accounts", rows: loaded.batch.count)
                let assessment = pipeline.assess(loaded.batch)
                Self.samplingPhase(progress, samples: samples, accounts: loaded.batch.count)
                let result = try analyze(assessment, progress: progress)
                progress.phase("weight intervals")
                let intervals = FactorWeightInterval.intervals(for: assessment)
                progress.phase("writing")
                let limit = formatting.format.listedAccounts(show)
                let report = SensitivityReport(
                    assessment: assessment, result: result, intervals: intervals, loaded: loaded, language: labels.lang,
                    rows: Array(assessment.rankedRows().prefix(limit)))
                try FileSink.write(
                    report.render(formatting.format), to: destination.output, format: formatting.format,
                    protecting: protectedInputs(list: input.file, model: modelOptions.model))
                progress.finish()
                if !messages.quiet, formatting.format.sendsSummaryToStandardError(output: destination.output) {
                    for line in report.summaryLines() { printError(line) }
                }
                diagnostics.printTimings(since: wallStart) { wall in
                    Self.timingLines(result.timings, wall: wall, accounts: loaded.batch.count, factors: model.factors.count)
                }
            }
        }

        /// The weight-draw analysis of an assessed list with these options (shared by `kam
        /// sensitivity` and `kam report --robustness`).
        /// Announces the sampling phase: draws done, rate and time left on a terminal when
        /// the draws × accounts are more than 100,000.
        static func samplingPhase(_ progress: Progress, samples: Int, accounts: Int) {
            progress.phase(
                "sampling \(samples) weight vectors × \(accounts) accounts", rows: samples, unit: "draws",
                threshold: samples * accounts > 100_000 ? 0 : Int.max - 1)
        }

        func analyze(_ assessment: BatchAssessment, progress: Progress? = nil) throws -> SensitivityResult {
            let samples = self.samples
            let onFraction: (@Sendable (Double) -> Void)? = progress.map { progress in
                { @Sendable fraction in progress.update(rows: Int(fraction * Double(samples))) }
            }
            let sampler = try WeightSampler(distribution: concentration.map { .dirichlet(concentration: $0) } ?? .uniform)
            return try SensitivityAnalysis(
                samples: samples, sampler: sampler, topCount: top, seed: seed, memoryBudget: memory << 20,
                stableProbability: stableAt
            ).run(assessment, progress: onFraction)
        }

        /// `--timings`: where the time went, and the products' GFLOP/s against a dgemm peak
        /// measured in the same run.
        static func timingLines(_ t: SensitivityResult.Timings, wall: Double, accounts: Int, factors: Int) -> [String] {
            func seconds(_ value: Double) -> String { formatDecimal(value, digits: 3) }
            let gflops = t.productSeconds > 0 ? t.productFlops / t.productSeconds / 1e9 : 0
            let square = ProductPeak.square()
            let shaped = ProductPeak.panels(inner: factors, columns: 2 * t.blockDraws)
            return [
                "kam: timing: sensitivity total (whole command): \(seconds(wall)) s",
                "kam: timing: smaa: \(seconds(t.totalSeconds)) s in \(t.passes) pass(es), blocks of \(t.blockDraws) draws"
                    + "\(t.keyWindowDraws < t.blockDraws ? " (keys for \(t.keyWindowDraws) at a time)" : ""), \(t.workers) workers",
                "kam: timing: smaa scoring (products + grades + keys): \(seconds(t.scoringSeconds)) s; inside dgemm: \(seconds(t.productSeconds)) s",
                "kam: timing: smaa ranking: \(seconds(t.rankingSeconds)) s; counting: \(seconds(t.countingSeconds)) s",
                "kam: timing: scoring products: \(formatDecimal(t.productFlops / 1e9, digits: 1)) GFLOP at \(formatDecimal(gflops, digits: 1)) GFLOP/s",
                "kam: timing: dgemm peak, square 1000×1000×1000: \(formatDecimal(square, digits: 1)) GFLOP/s; "
                    + "(\(2 * t.blockDraws)×\(factors))·(\(factors)×256) panel products on one core: \(formatDecimal(shaped, digits: 1)) GFLOP/s",
                "kam: timing: the scoring products reach \(formatDecimal(square > 0 ? 100 * gflops / square : 0, digits: 0))% of the square dgemm peak",
            ]
        }
    }
}
