import Foundation
import Reports
import ScoringEngine
import ScoringIO
import ScoringTestSupport
import Testing

/// `kam backtest` in process: a generated pipeline history (800 accounts over 30 months
/// from 2022-01, seed 2012) scored with the bundled model through
/// ``SnapshotReader/Result/backtestSnapshots(model:cut:)`` (the command's path), cut at
/// 2023-07-01, compared with `Tests/ReportsTests/Golden/backtest-<format>.txt`.
///
/// Re-record with `KAM_UPDATE_GOLDEN=1 swift test --filter BacktestReportGoldenTests`.
@Suite("Backtest report against golden files")
struct BacktestReportGoldenTests {
    static let cut = CalendarDate(year: 2023, month: 7, day: 1)!

    static func report(language: Language) throws -> BacktestReport {
        let model = try TextReportGoldenTests.model()
        let generated = try PipelineHistoryGenerator(
            options: .init(accounts: 800, seed: 2012, firstMonth: CalendarDate(year: 2022, month: 1, day: 1)!, months: 30),
            model: model
        ).generate()
        let log = try StageEventLogReader().read(try CSVReader().read(bytes: Array(generated.events.utf8), file: "events.csv"))
        let read = try SnapshotReader(model: model).read(
            try CSVReader().read(bytes: Array(generated.snapshots.utf8), file: "snapshots.csv"))
        // As `kam backtest` without --until: the end of the period of the log's last event.
        let lastDate = try #require(log.lastDate)
        let observedUntil = PeriodLength.month.lastDay(of: PeriodLength.month.index(of: lastDate))
        let (snapshots, scores) = read.backtestSnapshots(model: model, cut: cut)
        let result = try Backtest(period: .month, cut: cut).run(
            histories: log.histories, observedUntil: observedUntil, snapshots: snapshots, scoringModel: model.name,
            factorStatistics: ConversionModel.factorStatistics(scores.statistics, model: model))
        return BacktestReport(
            result: result, cut: cut, period: .month, observedUntil: observedUntil, log: log, snapshotFile: "snapshots.csv",
            snapshotRows: read.rowsRead, snapshotRejects: read.rejects, language: language)
    }

    static func rendered(_ report: BacktestReport, _ format: OutputFormat, view: BacktestReport.View = .summary) -> String {
        var sink = StringSink()
        report.write(format, view: view, to: &sink)
        return sink.text
    }

    @Test("BacktestReport: kam backtest", arguments: OutputFormat.allCases)
    func backtestReport(format: OutputFormat) throws {
        TextReportGoldenTests.expectGolden(Self.rendered(try Self.report(language: .en), format), "backtest-\(format)")
    }

    @Test("BacktestReport: kam backtest --format csv --view reliability|revenue|accounts, and --lang zh")
    func backtestReportViews() throws {
        let report = try Self.report(language: .en)
        for view in [BacktestReport.View.reliability, .revenue, .accounts] {
            TextReportGoldenTests.expectGolden(Self.rendered(report, .csv, view: view), "backtest-csv-\(view)")
        }
        TextReportGoldenTests.expectGolden(Self.rendered(try Self.report(language: .zh), .table), "backtest-zh-table")
    }

    @Test("BacktestReport: revenue per period adds up to the total, forecasts are probabilities")
    func backtestTotals() throws {
        let result = try Self.report(language: .en).result
        #expect(!result.accounts.isEmpty && !result.revenue.isEmpty)
        // Every account open at the cut is evaluated unless it has no snapshot or too little information.
        #expect(result.accounts.count == result.openAtCut - result.withoutSnapshot - result.insufficientInformation)
        let actual = result.revenue.reduce(0.0) { $0 + $1.actual }
        // Tolerance: relative 1e-9 (the same sums in another order).
        #expect(abs(actual - result.actualRevenue) <= 1e-9 * max(1, actual))
        for account in result.accounts {
            #expect(account.forecasts.allSatisfy { $0 >= 0 && $0 <= 1 })
        }
    }
}
