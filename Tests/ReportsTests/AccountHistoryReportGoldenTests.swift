import Foundation
import Reports
import RunHistory
import ScoringEngine
import ScoringTestSupport
import Testing

/// `kam history ACCOUNT` in process, over the hand-built runs of ``PlantedHistory``, compared
/// with `Tests/ReportsTests/Golden/history-<format>.txt`.
///
/// Re-record with `KAM_UPDATE_GOLDEN=1 swift test --filter AccountHistoryReportGoldenTests`.
@Suite("Account history report against golden files")
struct AccountHistoryReportGoldenTests {
    static let formats = OutputFormat.allCases

    @Test("AccountHistoryReport: kam history L1", arguments: formats)
    func accountHistoryReport(format: OutputFormat) throws {
        let history = try PlantedHistory.store().history(of: "L1")
        let report = AccountHistoryReport(path: PlantedHistory.shownPath, history: history, language: .en)
        TextReportGoldenTests.expectGolden(report.render(format), "history-\(format)")
    }

    @Test("AccountHistoryReport: kam history D1 (dropped) and --lang zh")
    func accountHistoryReportDroppedChinese() throws {
        let store = try PlantedHistory.store()
        let dropped = try store.history(of: "D1")
        #expect(dropped.entries.map { $0.score?.rank } == [2, nil, nil])
        TextReportGoldenTests.expectGolden(
            AccountHistoryReport(path: PlantedHistory.shownPath, history: dropped, language: .en).render(.table), "history-dropped-table")
        TextReportGoldenTests.expectGolden(
            AccountHistoryReport(path: PlantedHistory.shownPath, history: try store.history(of: "L1"), language: .zh).render(.table),
            "history-zh-table")
    }

    @Test("AccountHistoryReport: one entry per run, the model change marked once")
    func accountHistoryEntries() throws {
        let history = try PlantedHistory.store().history(of: "L1")
        #expect(history.entries.map { $0.score?.grade } == [.insufficient, .b, .c])
        #expect(history.entries.map(\.missing) == [["f2"], [], []])
        #expect(history.entries.map(\.modelChanged) == [false, false, true])
    }
}
