import Foundation
import Reports
import RunHistory
import ScoringEngine
import ScoringTestSupport
import Testing

/// `kam changes` in process, between the hand-built runs of ``PlantedHistory`` (1 and 2: the
/// same model; 2 and 3: a changed model), compared with
/// `Tests/ReportsTests/Golden/changes-<format>.txt`.
///
/// Re-record with `KAM_UPDATE_GOLDEN=1 swift test --filter ChangesReportGoldenTests`.
@Suite("Changes report against golden files")
struct ChangesReportGoldenTests {
    static let formats = OutputFormat.allCases

    @Test("ChangesReport: kam changes --from 1 --to 2", arguments: formats)
    func changesReport(format: OutputFormat) throws {
        let changes = try PlantedHistory.store().changes(from: 1, to: 2, limit: format == .table || format == .markdown ? 20 : nil)
        let report = ChangesReport(path: PlantedHistory.shownPath, changes: changes, language: .en)
        TextReportGoldenTests.expectGolden(report.render(format), "changes-\(format)")
    }

    @Test("ChangesReport: kam changes (a changed model, runs 2 and 3), in both languages")
    func changesReportChangedModel() throws {
        let changes = try PlantedHistory.store().changes(limit: 20)
        #expect(changes.from.id == 2 && changes.to.id == 3 && changes.model.isChanged)
        let english = ChangesReport(path: PlantedHistory.shownPath, changes: changes, language: .en)
        TextReportGoldenTests.expectGolden(english.render(.table), "changes-model-table")
        #expect(!english.modelLines().isEmpty)
        let chinese = ChangesReport(path: PlantedHistory.shownPath, changes: changes, language: .zh)
        TextReportGoldenTests.expectGolden(chinese.render(.table), "changes-zh-table")
    }

    @Test("ChangesReport: the counts are those of the planted moves")
    func changesCounts() throws {
        let changes = try PlantedHistory.store().changes(from: 1, to: 2)
        #expect(changes.gradeMoves.map(\.account) == ["A1"])
        #expect(changes.newAccounts.map(\.account) == ["N1"])
        #expect(changes.droppedAccounts.map(\.account) == ["D1"])
        #expect(changes.risingC.map(\.account) == ["C1", "C2"])
        // Every account of the earlier run is either matched (one cell of the grade
        // transitions) or dropped.
        #expect(changes.transitions.joined().reduce(0, +) + changes.droppedAccounts.count == PlantedHistory.first.count)
    }
}
