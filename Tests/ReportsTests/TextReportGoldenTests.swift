import Foundation
import Reports
import ScoringEngine
import ScoringIO
import ScoringTestSupport
import Testing

/// The text reports in process: each report is built from engine results on the bundled
/// files and rendered in every format it has, compared byte for byte with
/// `Tests/ReportsTests/Golden/<report>-<format>.txt`.
///
/// The inputs are those of the matching `kam` command cases in
/// `Tests/KamTests/Golden/commands/`, so a golden file here is the standard output there
/// (file names are given as the command line gives them, relative to the package root).
/// Re-record with `KAM_UPDATE_GOLDEN=1 swift test --filter TextReportGoldenTests`.
@Suite("Text reports against golden files")
struct TextReportGoldenTests {
    /// Compares `text` with `Golden/<name>.txt`.
    static func expectGolden(_ text: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let path = Paths.packageRoot + "/Tests/ReportsTests/Golden/\(name).txt"
        if let problem = Golden.compare(Data(text.utf8), toFile: path) {
            Issue.record(Comment(rawValue: problem), sourceLocation: sourceLocation)
        }
    }

    static func model(_ file: String = "models/default.yaml") throws -> ScoringModel {
        try ModelFileReader().read(contentsOf: Paths.packageRoot + "/" + file)
    }

    /// The prospect list at `file` (relative to the package root), loaded as `kam` loads it.
    static func list(_ file: String, model: ScoringModel) throws -> ProspectListLoader.Result {
        let bytes = try #require(FileManager.default.contents(atPath: Paths.packageRoot + "/" + file))
        let table = try CSVReader().read(bytes: Array(bytes), file: file)
        return try ProspectListLoader(model: model).load(table)
    }

    static let formats = OutputFormat.allCases

    // MARK: kam model show

    @Test("ModelReport: kam model show", arguments: formats)
    func modelReport(format: OutputFormat) throws {
        let report = ModelReport(model: try Self.model(), language: .en)
        Self.expectGolden(report.render(format), "model-show-\(format)")
    }

    @Test("ModelReport: kam model show --lang zh")
    func modelReportChinese() throws {
        Self.expectGolden(ModelReport(model: try Self.model(), language: .zh).render(.table), "model-show-zh-table")
    }

    // MARK: kam sensitivity

    /// `kam sensitivity datasets/prospects.csv --samples 60 --show 6`.
    static func sensitivityReport() throws -> SensitivityReport {
        let model = try model()
        let loaded = try list("datasets/prospects.csv", model: model)
        let assessment = try ScoringPipeline(model: model).assess(loaded.batch)
        let result = try SensitivityAnalysis(samples: 60, sampler: try WeightSampler(distribution: .uniform)).run(assessment)
        return SensitivityReport(
            assessment: assessment, result: result, intervals: FactorWeightInterval.intervals(for: assessment), loaded: loaded,
            language: .en, rows: Array(assessment.rankedRows().prefix(6)))
    }

    @Test("SensitivityReport: kam sensitivity", arguments: formats)
    func sensitivityReport(format: OutputFormat) throws {
        Self.expectGolden(try Self.sensitivityReport().render(format), "sensitivity-\(format)")
    }

    // MARK: kam explain

    /// `kam explain ACCOUNT datasets/prospects.csv`.
    static func explainReport(_ accountID: String, language: Language) throws -> ExplainReport {
        let model = try model()
        let loaded = try list("datasets/prospects.csv", model: model)
        let row = try #require(loaded.batch.accounts.firstIndex { $0.id == accountID })
        let whatIf = try WhatIfAnalysis.analyze(batch: loaded.batch, row: row, model: model)
        let assessment = try ScoringPipeline(model: model).assess(loaded.batch)
        return ExplainReport(
            assessment: assessment, row: row, whatIf: whatIf, batch: loaded.batch, file: "datasets/prospects.csv", language: language)
    }

    @Test("ExplainReport: kam explain K-000010", arguments: formats)
    func explainReport(format: OutputFormat) throws {
        Self.expectGolden(try Self.explainReport("K-000010", language: .en).render(format), "explain-\(format)")
    }

    @Test("ExplainReport: kam explain K-000020 --lang zh")
    func explainReportChinese() throws {
        Self.expectGolden(try Self.explainReport("K-000020", language: .zh).render(.table), "explain-zh-table")
    }

    // MARK: kam pipeline show

    /// `kam pipeline show` (models/pipeline.yaml; `--horizon`, default 12).
    static func pipelineReport(language: Language, horizon: Int = 12) throws -> PipelineReport {
        let pipeline = try PipelineFileReader().read(contentsOf: Paths.packageRoot + "/models/pipeline.yaml")
        return PipelineReport(
            forecaster: try PipelineForecaster(pipeline: pipeline, horizon: horizon), pipelineFile: "models/pipeline.yaml",
            language: language, fitted: nil)
    }

    @Test("PipelineReport: kam pipeline show", arguments: formats)
    func pipelineReport(format: OutputFormat) throws {
        Self.expectGolden(try Self.pipelineReport(language: .en).render(format, view: .transitions), "pipeline-show-\(format)")
    }

    @Test("PipelineReport: kam pipeline show --format csv --view outlook, and --lang zh")
    func pipelineReportViews() throws {
        Self.expectGolden(try Self.pipelineReport(language: .en).render(.csv, view: .outlook), "pipeline-show-csv-outlook")
        Self.expectGolden(try Self.pipelineReport(language: .zh).render(.table, view: .transitions), "pipeline-show-zh-table")
    }

    // MARK: kam weights ahp

    /// `kam weights ahp datasets/judgements.yaml`.
    static func ahpReport() throws -> AHPReport {
        let model = try model()
        let contents = try JudgementFileReader(model: model).read(contentsOf: Paths.packageRoot + "/datasets/judgements.yaml")
        let analysis = try AHPAnalysis.analyze(model: model, judges: contents.judges, randomIndex: .auto)
        return AHPReport(
            model: model, analysis: analysis, contents: contents, file: "datasets/judgements.yaml", language: .en,
            writtenModel: nil, refusal: nil)
    }

    @Test("AHPReport: kam weights ahp", arguments: formats)
    func ahpReport(format: OutputFormat) throws {
        Self.expectGolden(try Self.ahpReport().render(format), "weights-ahp-\(format)")
    }
}
