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
        let assessment = ScoringPipeline(model: model).assess(loaded.batch)
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
        let whatIf = WhatIfAnalysis.analyze(batch: loaded.batch, row: row, model: model)
        let assessment = ScoringPipeline(model: model).assess(loaded.batch)
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

    @Test("PipelineReport: kam pipeline show --format csv --view outlook --horizon 3, and --lang zh")
    func pipelineReportViews() throws {
        Self.expectGolden(try Self.pipelineReport(language: .en, horizon: 3).render(.csv, view: .outlook), "pipeline-show-csv-outlook")
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

    // MARK: kam rank

    /// `kam rank datasets/prospects.csv --top 12 --quiet --rejects rejects.csv`.
    static func rankReport() throws -> RankReport {
        let model = try model()
        let loaded = try list("datasets/prospects.csv", model: model)
        let assessment = ScoringPipeline(model: model).assess(loaded.batch)
        let rows = assessment.rankedRows().prefix(12).enumerated().map { (rank: $0.offset + 1, row: $0.element) }
        return RankReport(assessment: assessment, rows: rows, loaded: loaded, language: .en, rejectsPath: "rejects.csv")
    }

    /// What `kam rank --quiet` writes in `format`.
    static func rendered(_ report: RankReport, _ format: OutputFormat) throws -> String {
        var sink = StringSink()
        switch format {
        case .table: sink.write(report.table(summary: false))
        case .markdown: sink.write(report.table(markdown: true, summary: false))
        case .csv: try report.writeCSV(to: &sink)
        case .json: try report.writeJSON(to: &sink)
        }
        return sink.text
    }

    @Test("RankReport: kam rank --top 12", arguments: formats)
    func rankReport(format: OutputFormat) throws {
        Self.expectGolden(try Self.rendered(try Self.rankReport(), format), "rank-\(format)")
    }

    // MARK: kam kpi

    /// `kam kpi --plan datasets/kpi-plan.csv --actual datasets/kpi-actuals.csv --quiet`.
    static func kpiReport() throws -> KPIReport {
        let scorecard = try ScorecardFileReader().read(contentsOf: Paths.packageRoot + "/models/scorecard.yaml")
        func table(_ file: String) throws -> CSVTable {
            let bytes = try #require(FileManager.default.contents(atPath: Paths.packageRoot + "/" + file))
            return try CSVReader().read(bytes: Array(bytes), file: file)
        }
        let loaded = try PerformanceInputLoader(scorecard: scorecard).load(
            plan: try table("datasets/kpi-plan.csv"), actual: try table("datasets/kpi-actuals.csv"), period: nil)
        let review = PerformanceReview(records: loaded.join.records, scorecard: scorecard, profiles: nil)
        return KPIReport(
            review: review, loaded: loaded, scorecard: scorecard, scorecardFile: "models/scorecard.yaml", grouping: .person,
            language: .en, prospects: nil, planRejectsPath: nil, actualRejectsPath: nil)
    }

    @Test("KPIReport: kam kpi", arguments: formats)
    func kpiReport(format: OutputFormat) throws {
        let report = try Self.kpiReport()
        var sink = StringSink()
        switch format {
        case .table: sink.write(report.table())
        case .markdown: sink.write(report.table(markdown: true))
        case .csv: report.writeCSV(to: &sink)
        case .json: report.writeJSON(to: &sink)
        }
        Self.expectGolden(sink.text, "kpi-\(format)")
    }

    // MARK: kam forecast

    /// `kam forecast datasets/prospects.csv --quiet --rejects r.csv` (horizon 12, 1,000 runs,
    /// seed 42, models/pipeline.yaml).
    static func forecastReport(language: Language, limit: Int = 20) throws -> ForecastReport {
        let model = try model()
        let pipeline = try PipelineFileReader().read(contentsOf: Paths.packageRoot + "/models/pipeline.yaml")
        let forecaster = try PipelineForecaster(pipeline: pipeline, horizon: 12)
        let loaded = try list("datasets/prospects.csv", model: model)
        var statistics = UtilityBuilder(model: model).statistics(of: loaded.batch)
        if let conversion = pipeline.conversion { statistics = conversion.statistics(for: model, fallback: statistics) }
        let assessment = ScoringPipeline(model: model).assess(loaded.batch, statistics: statistics)
        let forecasts = (0..<assessment.count).map { row in
            forecaster.forecast(
                PipelineForecaster.Account(
                    stage: assessment.accounts[row].stage, value: assessment.value(row), difficulty: assessment.difficulty(row),
                    insufficientInformation: assessment.grades[row] == .insufficient, dealValue: assessment.accounts[row].dealValue))
        }
        let totals = ForecastReport.simulate(
            forecasts: forecasts, assessment: assessment, forecaster: forecaster, runs: 1000, seed: 42, language: language)
        return ForecastReport(
            forecaster: forecaster, pipelineFile: "models/pipeline.yaml", assessment: assessment, forecasts: forecasts,
            totals: totals, loaded: loaded,
            firstPeriod: pipeline.history.map { forecaster.pipeline.period.index(of: $0.observedUntil.adding(days: 1)) },
            limit: limit, language: language, rejectsPath: "r.csv")
    }

    @Test("ForecastReport: kam forecast", arguments: formats)
    func forecastReport(format: OutputFormat) throws {
        let report = try Self.forecastReport(language: .en, limit: format == .table || format == .markdown ? 20 : .max)
        var sink = StringSink()
        report.write(format, view: .accounts, to: &sink)
        Self.expectGolden(sink.text, "forecast-\(format)")
    }

    @Test("ForecastReport: kam forecast --format csv --view totals, and --lang zh")
    func forecastReportViews() throws {
        var totals = StringSink()
        try Self.forecastReport(language: .en, limit: .max).write(.csv, view: .totals, to: &totals)
        Self.expectGolden(totals.text, "forecast-csv-totals")
        var chinese = StringSink()
        try Self.forecastReport(language: .zh).write(.table, view: .accounts, to: &chinese)
        Self.expectGolden(chinese.text, "forecast-zh-table")
    }

    // MARK: kam weights fit

    /// `kam weights fit datasets/history-small.csv` (prior model, strength by 5-fold
    /// cross-validation, seed 1), through the in-memory history loader.
    static func weightFitReport() throws -> WeightFitReport {
        let model = try model()
        let bytes = try #require(FileManager.default.contents(atPath: Paths.packageRoot + "/datasets/history-small.csv"))
        let table = try CSVReader().read(bytes: Array(bytes), file: "datasets/history-small.csv")
        var history = HistoryColumns(loaded: try HistoryLoader(model: model).load(table), model: model)
        let (utilities, outcomes) = history.decided(model: model)
        history.releaseColumns()
        let result = try WeightFit().fit(utilities: utilities, outcomes: outcomes, model: model)
        return WeightFitReport(
            model: model, result: result, history: history, file: "datasets/history-small.csv", language: .en, writtenModel: nil)
    }

    @Test("WeightFitReport: kam weights fit", arguments: formats)
    func weightFitReport(format: OutputFormat) throws {
        Self.expectGolden(try Self.weightFitReport().render(format), "weights-fit-\(format)")
    }
}
