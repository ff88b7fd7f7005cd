import ArgumentParser
import Foundation
import Reports
import ScoringEngine
import ScoringIO

extension Kam.ModelCommand {
    struct ModelFit: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fit",
            abstract: "Learn the whole model from past won/lost outcomes: scales, weights, grade cuts and calibration.",
            discussion: """
                HISTORY is a prospect list with an outcome column (default 'outcome': won/lost, 1/0, \
                yes/no, 赢单/输单; blank while still open, left out). Starting from the base model \
                (--model), every factor's utility is learned from the outcomes: numeric columns as \
                bins (monotone when the model declares a direction, else merged where win rates do \
                not differ), categories by their shrunk log-odds (rare ones pooled into 'other'), \
                missing values as their own group; then the weights by regularized logistic \
                regression (--prior), the grade cuts, and a calibration from priority to \
                probability (Platt or isotonic, whichever cross-validates better). With \
                --candidates all every other column is tried too and reported with its information \
                value and cross-validated contribution; a column that predicts the outcome \
                suspiciously well (single-factor AUC above --leak-threshold) is flagged as a likely \
                leak and left out, as are columns that look like ids or whose name or values \
                suggest they were written after the outcome (a status, free-text notes) unless \
                --include names them. The report compares the base model as written, weights \
                fitted on its scales and the learned model on the same folds (log loss and AUC \
                with standard errors) and recommends the best; it says plainly when the learned \
                model is not better. The grade table shows the written model's grades of its \
                training accounts (exactly what kam rank gives them), the same cuts on the \
                out-of-fold scores, and held-out accounts. The learned model is written as a model file people can read \
                (--output, default <history name>.model.yaml in the current folder), read back and \
                checked to score the training accounts as the fit did (to 1e-12) before the report \
                is printed. --test FILE or --holdout FRACTION report held-out AUC, Brier score, log \
                loss, calibration error and win rate per grade.
                """)

        typealias CSVView = ModelFitReport.CSVView

        @OptionGroup var input: InputOptions
        @OptionGroup var modelOptions: ModelOptions

        @Option(help: "Where to write the learned model (default: <history name>.model.yaml in the current folder).")
        var output: String?

        @Option(
            help:
                "Columns to learn from: model (the base model's factors) or all (every column but id, name, stage, outcome and --exclude).")
        var candidates: ModelLearner.Candidates = .model

        @Option(help: "Columns never to learn from, comma-separated (repeatable); a base model factor reading one is left out too.")
        var exclude: [String] = []

        @Option(help: "Folds for cross-validation.")
        var folds: Int = 5

        @Option(help: "Seed of the folds and of --holdout's split.")
        var seed: UInt64 = 42

        @Option(help: "What the weights are shrunk toward: model (the base model's weights) or none (zero).")
        var prior: WeightFit.Prior = .model

        @Option(help: "The column holding won/lost.")
        var outcomeColumn: String = "outcome"

        @Option(help: "A held-out history to evaluate the learned model on (read like HISTORY).")
        var test: String?

        @Option(help: "Hold out this fraction of HISTORY (stratified by outcome, by --seed) and report on it.")
        var holdout: Double?

        @OptionGroup var formatting: ReportOptions.Format

        @Option(help: "With --format csv: which table (factors, groups, metrics, grades).")
        var view: CSVView = .factors

        @OptionGroup var labels: ReportOptions.Labels

        @Option(help: "Where to write rejected rows (default: <history name>.rejects.csv in the current folder, when there are any).")
        var rejects: String?

        @Option(help: "Single-factor out-of-fold AUC from which a column is flagged as a likely leak and left out.")
        var leakThreshold: Double = 0.90

        @Option(
            help:
                "Columns to learn from even though they look like an id or their name or values hint at a leak, comma-separated (repeatable)."
        )
        var include: [String] = []

        @Option(help: "Fewest accounts per learned bin (default: max(50, 2% of the decided accounts)).")
        var minBinCount: Int?

        @Option(
            help:
                "Most pairwise interactions to learn (each a small 2-D table over two factors; they join only while they lower the cross-validated log loss); 0 learns none."
        )
        var interactions: Int = 10

        @Option(
            help:
                "Outer bags of the final additive fit: its curves and tables are the mean of this many fits, each on a random 85% of the accounts (1 fits all accounts once)."
        )
        var bags: Int = 1

        @Flag(
            inversion: .prefixedNo,
            help:
                "Refine each numeric curve's smoothing by cross-validated log loss after the shared strength is chosen (skipped above 200,000 accounts)."
        )
        var smoothingPerFactor = true

        @OptionGroup var messages: ReportOptions.Quiet

        @OptionGroup(visibility: .hidden) var diagnostics: DiagnosticOptions

        /// The largest difference allowed between the written model's scores and the fit's.
        static let roundTripTolerance = 1e-12

        var excludedColumns: [String] {
            exclude.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty }
        }

        var includedColumns: [String] {
            include.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty }
        }

        func validate() throws {
            if let both = includedColumns.first(where: { excludedColumns.contains($0) }) {
                throw ValidationError("Please name '\(both)' in either '--include' or '--exclude', not both.")
            }
            if folds < 2 { throw ValidationError("Please specify a '--folds' of at least 2.") }
            if let holdout, !(holdout > 0 && holdout < 1) {
                throw ValidationError("Please specify a '--holdout' fraction between 0 and 1 (e.g. 0.3).")
            }
            if test != nil, holdout != nil {
                throw ValidationError("Please specify either '--test' or '--holdout', not both.")
            }
            if !(0.5...1).contains(leakThreshold) {
                throw ValidationError("Please specify a '--leak-threshold' between 0.5 and 1.")
            }
            if let minBinCount, minBinCount < 1 {
                throw ValidationError("Please specify a '--min-bin-count' of at least 1.")
            }
            if !(0...50).contains(interactions) {
                throw ValidationError("Please specify '--interactions' between 0 and 50.")
            }
            if !(1...100).contains(bags) {
                throw ValidationError("Please specify '--bags' between 1 and 100.")
            }
        }

        /// The default output path: `<history name>.model.yaml` in the current folder.
        var outputPath: String {
            output ?? URL(fileURLWithPath: input.file).deletingPathExtension().lastPathComponent + ".model.yaml"
        }

        func run() throws {
            try runReportingErrors {
                let progress = Progress(messages: messages, labels: labels, diagnostics: diagnostics)
                // Base factors whose column is excluded are left out of the base model too.
                let model: ScoringModel
                do {
                    model = try modelOptions.load().removing(factorsReading: Set(excludedColumns))
                } catch let error as ModelError {
                    throw CLIError.excludedEverySide(columns: excludedColumns, model: modelOptions.model, error)
                }
                // The history is read a part at a time (only one part's text is held), and read
                // again the same way for the check below.
                progress.phase("reading \(input.file)", rows: input.estimatedRows)
                let history = try load(input.file, what: "history", model: model, candidates: candidates, progress: progress)
                let rejectsPath = try writeRejects(history.rejects, header: history.header, for: input.file, path: rejects)
                guard !history.data.outcomes.isEmpty else {
                    throw CLIError.nothingToLearn(
                        history: input.file, outcomeColumn: outcomeColumn, open: history.openCount, rejected: history.rejects.count)
                }
                if history.wonCount == 0 || history.lostCount == 0 {
                    let kind = history.wonCount == 0 ? "lost" : "won"
                    throw CLIError.oneOutcomeOnly(
                        history: input.file, kind: kind, count: history.data.count, outcomeColumn: outcomeColumn)
                }

                // The rows to learn from, and those held out.
                var trainingRows = Array(0..<history.data.count)
                var heldOutRows: [Int] = []
                if let holdout {
                    let split = HoldoutSplit(outcomes: history.data.outcomes, fraction: holdout, seed: seed)
                    trainingRows = split.training
                    heldOutRows = split.heldOut
                }
                let training = heldOutRows.isEmpty ? history.data : history.data.rows(trainingRows)

                var options = ModelLearner.Options()
                options.candidates = candidates
                options.folds = folds
                options.seed = seed
                options.prior = prior
                options.leakThreshold = leakThreshold
                options.minimumBinCount = minBinCount
                options.maximumInteractions = interactions
                options.refinesSmoothing = smoothingPerFactor
                options.outerBags = bags
                options.includedColumns = Set(includedColumns)
                let learned: LearnedModel
                // Learning takes seconds from about a thousand accounts on: its line counts the
                // learner's steps (folds × smoothing strengths, weight paths, refits, grade cuts).
                progress.phase("learning from \(training.count) accounts", rows: training.count, unit: "steps", threshold: 1_000)
                do throws(LearningError) {
                    learned = try ModelLearner(options: options).learn(training, baseModel: model) { done, total in
                        progress.update(rows: done, of: total)
                    }
                } catch {
                    throw CLIError.inFile(input.file, error)
                }
                if diagnostics.timings {
                    for phase in learned.timings {
                        printError(
                            "kam: timing:   learner: \(phase.name): \(formatDecimal(phase.seconds, digits: 3)) s, "
                                + "\(formatDecimal(phase.processorSeconds, digits: 3)) s CPU")
                    }
                }

                var report = ModelFitReport(
                    file: input.file, modelFile: modelOptions.model, baseModel: model, history: history,
                    trainingCount: training.count, learned: learned, settings: settings(), outputPath: outputPath,
                    rejectsPath: rejectsPath, language: labels.lang)

                // Render, read back, and check that the model as written scores the training
                // rows as the fit did (and grades them as the report's table says) before writing.
                progress.phase("checking \(outputPath) before writing it", rows: training.count)
                let path = outputPath
                let annotations = report.annotations()
                let text: String
                do throws(ModelFileError) {
                    text = try ModelFileWriter().checkedText(learned.model, annotations: annotations, file: path)
                } catch {
                    throw InternalFailure(message: error.description)
                }
                let reread: ScoringModel
                do throws(ModelFileError) {
                    reread = try ModelFileReader().read(yaml: text, file: path)
                } catch {
                    throw InternalFailure(
                        message: "the learned model, as it would be written to \(path), cannot be read back: \(error.description)")
                }
                report.roundTrip = try verify(
                    reread, learned: learned, training: training, lines: trainingRows.map { history.lines[$0] },
                    progress: progress)
                // The base model may be replaced by its refit; the history may not.
                try OutputFile.write(text, to: path, protecting: protectedInputs(list: input.file))

                // Held-out evaluation.
                progress.phase("evaluating", rows: history.data.count - training.count + (test == nil ? 0 : input.estimatedRows))
                if let test {
                    let testHistory = try load(test, what: "test history", model: reread, candidates: .model)
                    guard !testHistory.data.outcomes.isEmpty else {
                        throw CLIError.nothingToEvaluate(history: test, outcomeColumn: outcomeColumn)
                    }
                    let testRejects = try writeRejects(testHistory.rejects, header: testHistory.header, for: test, path: nil)
                    report.heldOut = ModelFitReport.HeldOut(
                        source: test, evaluation: try evaluate(reread, on: testHistory.data), open: testHistory.openCount,
                        rejects: testHistory.rejects, rejectsPath: testRejects)
                } else if let holdout {
                    report.heldOut = ModelFitReport.HeldOut(
                        source: "holdout \(formatPlain(100 * holdout))%",
                        evaluation: try evaluate(reread, on: history.data.rows(heldOutRows)), open: 0, rejects: [],
                        rejectsPath: nil)
                }

                progress.phase("writing the report", rows: 0)
                try FileSink.write(report.render(formatting.format, view: view), format: formatting.format)
                progress.finish()
                if !messages.quiet {
                    for leak in report.leakWarnings() { printError("kam: warning: \(leak)") }
                    if formatting.format.sendsSummaryToStandardError(output: nil) {
                        for line in report.summaryLines() { printError(line) }
                    }
                }
            }
        }

        func settings() -> ModelFitReport.Settings {
            ModelFitReport.Settings(
                candidates: candidates, excluded: excludedColumns, folds: folds, seed: seed, prior: prior,
                outcomeColumn: outcomeColumn, leakThreshold: leakThreshold, holdout: holdout, test: test)
        }

        // MARK: Steps

        /// Loads a history file, read a part at a time.
        func load(
            _ path: String, what: String, model: ScoringModel, candidates: ModelLearner.Candidates, progress: Progress? = nil
        ) throws -> LearningHistoryLoader.Result {
            try checkExists(path, what: what)
            return try LearningHistoryLoader(
                model: model, outcomeColumn: outcomeColumn, candidates: candidates, excludedColumns: excludedColumns
            ).load(
                contentsOf: path, reader: CSVReader(options: input.csvOptions),
                progress: progress.map { progress in { progress.update(rows: $0) } })
        }

        func checkExists(_ path: String, what: String) throws {
            guard FileManager.default.fileExists(atPath: path) else {
                throw CLIError.inputMissing("\(path): no such file. Check the path of the \(what).")
            }
        }

        /// Writes rejected rows, if any, and returns where.
        func writeRejects(_ rejected: [LearningReject], header: [String], for file: String, path: String?) throws -> String? {
            try RejectsOptions.writeRejects(
                rejected, header: header, to: RejectsOptions.path(path, input: file),
                protecting: protectedInputs(list: file, model: modelOptions.model))
        }

        func evaluate(_ model: ScoringModel, on data: LearningData) throws -> LearnedModelEvaluation {
            do {
                return try ModelLearner.evaluate(model: model, on: data)
            } catch {
                throw CLIError.inFile(test ?? input.file, error)
            }
        }

        /// Checks that the model read back from the file scores the training accounts as the
        /// fit did in memory, within ``roundTripTolerance``
        /// (``ModelFitReport/RoundTrip/init(checking:learned:training:parts:lines:tolerance:partRecords:phase:)``),
        /// and grades them as the report's table says.
        ///
        /// - Throws: ``InternalFailure`` (exit 70) when a score differs by more, a grade differs
        ///   or the written model cannot be read in or scored.
        func verify(
            _ reread: ScoringModel, learned: LearnedModel, training: LearningData, lines: [Int], progress: Progress
        ) throws -> ModelFitReport.RoundTrip {
            let roundTrip: ModelFitReport.RoundTrip
            do {
                try checkExists(input.file, what: "history")
                if ProspectStream.canStream(input.file) && reread.factors.count <= ProspectStream.maximumFactors {
                    // The streaming reader `kam rank` ranks the file with.
                    roundTrip = try ModelFitReport.RoundTrip(
                        checking: reread, learned: learned, training: training, streaming: input.file,
                        options: input.csvOptions, lines: lines, tolerance: Self.roundTripTolerance,
                        phase: { progress.phase($0, rows: $1) })
                } else {
                    let reader = CSVReader(options: input.csvOptions)
                    roundTrip = try ModelFitReport.RoundTrip(
                        checking: reread, learned: learned, training: training,
                        parts: { try reader.forEachPart(contentsOf: input.file, $0) }, lines: lines,
                        tolerance: Self.roundTripTolerance, phase: { progress.phase($0, rows: $1) })
                }
            } catch let error as ModelFitReport.RoundTrip.Failure {
                switch error {
                case .notAProspectList(let error):
                    throw InternalFailure(
                        message: "the history cannot be read as a prospect list with the written model: \(error.description)")
                case .notEvaluable(let error):
                    throw InternalFailure(message: "the written model cannot score the training accounts: \(error.description)")
                }
            }
            let largest = roundTrip.largestDifference
            guard largest <= Self.roundTripTolerance, largest.isFinite else {
                throw InternalFailure(
                    message:
                        "the learned model, as written, scores the training accounts differently from the fit (largest difference \(largest), allowed \(Self.roundTripTolerance)); \(outputPath) was not written"
                )
            }
            // The grade table the report prints for the training accounts is the one the model as
            // written gives them, account by account.
            guard roundTrip.gradesDiffer == 0 else {
                throw InternalFailure(
                    message:
                        "the learned model, as written, grades \(roundTrip.gradesDiffer) training accounts differently from the table the report prints; \(outputPath) was not written"
                )
            }
            return roundTrip
        }
    }
}

extension ModelLearner.Candidates: ExpressibleByArgument {}
