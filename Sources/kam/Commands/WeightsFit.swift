import ArgumentParser
import Dispatch
import Foundation
import Reports
import ScoringEngine
import ScoringIO

extension Kam.Weights {
    struct WeightsFit: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fit",
            abstract: "Fit factor weights to past won/lost outcomes (regularized logistic regression).",
            discussion: """
                HISTORY is a prospect list the model can score, with an outcome column (default \
                'outcome': won/lost, 1/0, 赢单/输单; blank while still open). The outcome is regressed \
                on the factor utilities by L2-regularized logistic regression (IRLS through LAPACK). \
                With --prior model (the default) the coefficients are shrunk toward the current \
                weights, scaled to log-odds, so a short history leans on the expert view and a long \
                one on the data; --prior none shrinks toward zero. The strength is chosen by \
                stratified k-fold cross-validation (--strength cv) or given (--strength 10). \
                The report gives coefficients with standard errors and Wald p-values, out-of-fold \
                AUC and log loss of the fit, of the current weights and of the proposed weights, \
                the proposed weights (sign-consistent, normalized per side), the factors the data \
                contradicts, and how many outcomes the result rests on.
                """)

        enum StrengthChoice: ExpressibleByArgument, Equatable {
            case crossValidated
            case fixed(Double)
            init?(argument: String) {
                if argument.lowercased() == "cv" {
                    self = .crossValidated
                } else if let value = Double(argument), value.isFinite, value >= 0 {
                    self = .fixed(value)
                } else {
                    return nil
                }
            }

            /// Shown in help as the value a user types (`cv`), not the case name.
            var defaultValueDescription: String {
                switch self {
                case .crossValidated: return "cv"
                case .fixed(let value): return "\(value)"
                }
            }
        }

        @OptionGroup var input: InputOptions
        @OptionGroup var modelOptions: ModelOptions

        @Option(help: "What the coefficients are shrunk toward: model (the current weights) or none (zero).")
        var prior: WeightFit.Prior = .model

        @Option(help: "The prior's strength λ ≥ 0, or cv to choose it by cross-validation.")
        var strength: StrengthChoice = .crossValidated

        @Option(help: "Folds for cross-validation.")
        var folds: Int = 5

        @Option(help: "Seed of the fold assignment.")
        var seed: UInt64 = 1

        @Option(help: "The column holding won/lost.")
        var outcomeColumn: String = "outcome"

        @Option(help: "Write a copy of the model with the proposed weights to this file.")
        var writeModel: String?

        @OptionGroup var formatting: ReportOptions.Format

        @OptionGroup var labels: ReportOptions.Labels

        @OptionGroup var messages: ReportOptions.Quiet

        @OptionGroup(visibility: .hidden) var diagnostics: DiagnosticOptions

        func validate() throws {
            if folds < 2 { throw ValidationError("Please specify '--folds' of at least 2.") }
        }

        func run() throws {
            try runReportingErrors {
                let wallStart = DispatchTime.now().uptimeNanoseconds
                let progress = Progress(messages: messages, labels: labels, diagnostics: diagnostics)
                let model = try modelOptions.load()
                progress.phase("reading \(input.file)", rows: input.estimatedRows)
                var history = try loadHistory(model: model, progress: progress)
                let decidedCount = history.decidedCount
                guard decidedCount > 0 else {
                    throw CLIError.nothingToFit(history: input.file, outcomeColumn: outcomeColumn, open: history.openCount)
                }
                progress.phase("utilities of \(decidedCount) accounts", rows: decidedCount)
                let (selected, outcomes) = history.decided(model: model)
                history.releaseColumns()  // the raw values are not needed any more
                let result: WeightFitResult
                progress.phase("fitting \(decidedCount) outcomes", rows: decidedCount)
                // A bad setting is reported as it is; a failed fit names the history.
                let weightFit = try estimator()
                do {
                    result = try weightFit.fit(utilities: selected, outcomes: outcomes, model: model)
                } catch let error as WeightFitError {
                    throw CLIError.weightFit(file: input.file, error)
                }
                var written: String?
                if let writeModel {
                    try write(model: model, weights: result.proposedWeights, to: writeModel)
                    written = writeModel
                }
                let report = WeightFitReport(
                    model: model, result: result, history: history, file: input.file, language: labels.lang, writtenModel: written)
                try FileSink.write(report.render(formatting.format), format: formatting.format)
                progress.finish()
                if !messages.quiet, formatting.format.sendsSummaryToStandardError(output: nil) {
                    for line in report.summaryLines() { printError(line) }
                }
                diagnostics.printTimings(since: wallStart) { wall in Self.timingLines(result, wall: wall) }
            }
        }

        /// `--timings`: every internal logistic regression (rows, Newton iterations,
        /// objective evaluations, how it stopped, seconds), then the whole command.
        static func timingLines(_ result: WeightFitResult, wall: Double) -> [String] {
            func seconds(_ value: Double) -> String { formatDecimal(value, digits: 3) }
            var lines = result.fits.map { fit in
                "kam: timing: \(fit.label): \(fit.rows) rows, \(fit.iterations) Newton iterations, "
                    + "\(fit.objectiveEvaluations) objective evaluations, \(fit.stopReason.rawValue), \(seconds(fit.seconds)) s"
            }
            let fitting = result.fits.reduce(0) { $0 + $1.seconds }
            lines.append(
                "kam: timing: \(result.fits.count) internal fits: \(seconds(fitting)) s, "
                    + "\(result.fits.reduce(0) { $0 + $1.iterations }) Newton iterations in all")
            lines.append("kam: timing: weights fit total (whole command): \(seconds(wall)) s")
            return lines
        }

        /// Reads the history: streamed in blocks on every core (``ProspectStream``) when the
        /// file can be streamed, otherwise whole (pipes, workbooks, compressed or UTF-16 files).
        func loadHistory(model: ScoringModel, progress: Progress? = nil) throws -> HistoryColumns {
            guard FileManager.default.fileExists(atPath: input.file) else {
                throw CLIError.inputMissing("\(input.file): no such file. Check the path of the history.")
            }
            let options = CSVOptions(delimiter: input.delimiter.flatMap(InputOptions.delimiterByte), encoding: input.encoding)
            if ProspectStream.canStream(input.file), model.factors.count <= ProspectStream.maximumFactors {
                return try ProspectStream(model: model, options: options)
                    .readHistory(contentsOf: input.file, scorer: Scorer(model: model), outcomeColumn: outcomeColumn)
            }
            let reader = CSVReader(options: options)
            let table = try reader.read(contentsOf: input.file)
            progress?.phase("mapping \(table.records.count) rows onto the model", rows: table.records.count)
            return HistoryColumns(loaded: try HistoryLoader(model: model, outcomeColumn: outcomeColumn).load(table), model: model)
        }

        /// The engine's estimator for the command line's choices.
        func estimator() throws -> WeightFit {
            let chosen: WeightFit.Strength
            switch strength {
            case .crossValidated: chosen = .crossValidated
            case .fixed(let value): chosen = .fixed(value)
            }
            return try WeightFit(prior: prior, strength: chosen, folds: folds, seed: seed)
        }

        func write(model: ScoringModel, weights: [Double], to path: String) throws {
            guard let data = FileManager.default.contents(atPath: modelOptions.model),
                let text = String(data: data, encoding: .utf8)
            else {
                throw CLIError.inputMissing("\(modelOptions.model): cannot read the model file to copy it.")
            }
            var byID: [String: Double] = [:]
            for (index, factor) in model.factors.enumerated() { byID[factor.id] = weights[index] }
            let rewritten = try ModelWeightWriter().rewrite(yaml: text, file: modelOptions.model, weights: byID)
            // The model in use may be rewritten with its new weights (it was read whole); the
            // other inputs may not be replaced.
            try OutputFile.write(rewritten, to: path, protecting: protectedInputs(list: input.file))
        }
    }
}

extension WeightFit.Prior: ExpressibleByArgument {}
