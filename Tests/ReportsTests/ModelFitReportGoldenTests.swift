import Foundation
import Reports
import ScoringEngine
import ScoringIO
import ScoringTestSupport
import Testing

/// `kam model fit` in process: a generated 160-row history (seed 5) learned from with the
/// bundled model as the base (5 folds, seed 42, a stratified 25% held out), compared with
/// `Tests/ReportsTests/Golden/model-fit-<format>.txt`.
///
/// The learned model is written to text, read back and checked to score the training
/// accounts as the fit did, as the command does before it reports.
///
/// Re-record with `KAM_UPDATE_GOLDEN=1 swift test --filter ModelFitReportGoldenTests`.
@Suite("Model fit report against golden files")
struct ModelFitReportGoldenTests {
    static let holdout = 0.25
    static let seed: UInt64 = 42

    /// The fit the report is made of: the history, its training rows and the learned model.
    struct Fit {
        let model: ScoringModel
        let table: CSVTable
        let history: LearningHistoryLoader.Result
        let split: HoldoutSplit
        let training: LearningData
        let learned: LearnedModel
        /// The file line of each training account.
        var trainingLines: [Int] { split.training.map { history.lines[$0] } }
    }

    static func fit() throws -> Fit {
        let model = try TextReportGoldenTests.model()
        let bytes = HistoryGenerator(model: model, options: try GeneratorOptions(rows: 160, seed: 5)).bytes()
        let table = try CSVReader().read(bytes: bytes, file: "history.csv")
        let history = try LearningHistoryLoader(model: model).load(table)
        let split = HoldoutSplit(outcomes: history.data.outcomes, fraction: holdout, seed: seed)
        let training = history.data.rows(split.training)
        let learned = try ModelLearner(options: options()).learn(training, baseModel: model)
        return Fit(model: model, table: table, history: history, split: split, training: training, learned: learned)
    }

    /// The learner's options: the defaults with the seed.
    static func options() -> ModelLearner.Options {
        var options = ModelLearner.Options()
        options.seed = seed
        return options
    }

    /// The report of the fit, with the round trip's check and the held-out evaluation.
    static func report(language: Language) throws -> ModelFitReport {
        let fit = try fit()
        let (model, table, history, split, training, learned) =
            (fit.model, fit.table, fit.history, fit.split, fit.training, fit.learned)
        let options = Self.options()
        var report = ModelFitReport(
            file: "history.csv", modelFile: "models/default.yaml", baseModel: model, history: history,
            trainingCount: training.count, learned: learned,
            settings: ModelFitReport.Settings(
                candidates: .model, excluded: [], folds: options.folds, seed: seed, prior: .model, outcomeColumn: "outcome",
                leakThreshold: options.leakThreshold, holdout: holdout, test: nil),
            outputPath: "history.model.yaml", rejectsPath: history.rejects.isEmpty ? nil : "history.rejects.csv",
            language: language)
        let text = try ModelFileWriter().checkedText(learned.model, annotations: report.annotations(), file: "history.model.yaml")
        let reread = try ModelFileReader().read(yaml: text, file: "history.model.yaml")
        report.roundTrip = try ModelFitReport.RoundTrip(
            checking: reread, learned: learned, training: training, table: table, lines: fit.trainingLines,
            tolerance: 1e-12)
        report.heldOut = ModelFitReport.HeldOut(
            source: "holdout 25%", evaluation: try ModelLearner.evaluate(model: reread, on: history.data.rows(split.heldOut)),
            open: 0, rejects: [], rejectsPath: nil)
        return report
    }

    @Test("ModelFitReport: kam model fit --holdout 0.25", arguments: OutputFormat.allCases)
    func modelFitReport(format: OutputFormat) throws {
        TextReportGoldenTests.expectGolden(try Self.report(language: .en).render(format, view: .factors), "model-fit-\(format)")
    }

    @Test("ModelFitReport: --format csv --view groups|metrics|grades, and --lang zh")
    func modelFitReportViews() throws {
        let report = try Self.report(language: .en)
        for view in [ModelFitReport.CSVView.groups, .metrics, .grades] {
            TextReportGoldenTests.expectGolden(report.render(.csv, view: view), "model-fit-csv-\(view)")
        }
        TextReportGoldenTests.expectGolden(try Self.report(language: .zh).render(.table, view: .factors), "model-fit-zh-table")
    }

    @Test("ModelFitReport: the written model scores as the fit did, and the counts add up")
    func modelFitChecks() throws {
        let report = try Self.report(language: .en)
        let roundTrip = try #require(report.roundTrip)
        #expect(roundTrip.largestDifference <= 1e-12)
        #expect(roundTrip.gradesDiffer == 0)
        #expect(roundTrip.accounts == report.trainingCount && roundTrip.comparedThroughIngest <= roundTrip.accounts)
        let history = report.history
        #expect(history.wonCount + history.lostCount == history.data.count)
        #expect(history.wonCount > 0 && history.lostCount > 0)
        let heldOut = try #require(report.heldOut)
        #expect(report.trainingCount + heldOut.evaluation.scores.grades.count == history.data.count)
    }

    /// For the written model and for a wrong one (the base model).
    @Test("the round trip's check gives the same counts and differences a part at a time as on the whole table")
    func roundTripInParts() throws {
        let fit = try Self.fit()
        let text = try ModelFileWriter().checkedText(fit.learned.model, file: "history.model.yaml")
        let reread = try ModelFileReader().read(yaml: text, file: "history.model.yaml")
        // The base model is not the learned one: every comparison must find that, in parts too.
        for checked in [reread, fit.model] {
            let checks = try [fit.table.records.count, 1, 7, 64].map { part in
                try ModelFitReport.RoundTrip(
                    checking: checked, learned: fit.learned, training: fit.training, table: fit.table, lines: fit.trainingLines,
                    tolerance: 1e-12, partRecords: part)
            }
            // The history given as runs of records (as read from the file a part at a time).
            let records = fit.table.records
            let cut = try [1, 5, 64].map { run in
                try ModelFitReport.RoundTrip(
                    checking: checked, learned: fit.learned, training: fit.training,
                    parts: { body in
                        for start in stride(from: 0, to: records.count, by: run) {
                            try body(fit.table.withRecords(Array(records[start..<min(start + run, records.count)])))
                        }
                    }, lines: fit.trainingLines, tolerance: 1e-12, partRecords: 3)
            }
            // Through the streaming reader `kam rank` uses for a file (the command's check).
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("kam-roundtrip-\(UUID().uuidString).csv").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            let bytes = HistoryGenerator(model: fit.model, options: try GeneratorOptions(rows: 160, seed: 5)).bytes()
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let streamed = try ModelFitReport.RoundTrip(
                checking: checked, learned: fit.learned, training: fit.training, streaming: path, options: CSVOptions(),
                lines: fit.trainingLines, tolerance: 1e-12)
            for check in checks.dropFirst() + cut + [streamed] {
                #expect(check.comparedThroughIngest == checks[0].comparedThroughIngest)
                #expect(check.largestDifference.bitPattern == checks[0].largestDifference.bitPattern)
                #expect(check.gradesDiffer == checks[0].gradesDiffer)
            }
            #expect(checks[0].comparedThroughIngest == fit.training.count)
        }
        let wrong = try ModelFitReport.RoundTrip(
            checking: fit.model, learned: fit.learned, training: fit.training, table: fit.table, lines: fit.trainingLines,
            tolerance: 1e-12, partRecords: 7)
        #expect(wrong.largestDifference > 1e-6)
    }
}
