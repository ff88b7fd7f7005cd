import Foundation
import Reports
import RunHistory
import ScoringEngine
import ScoringTestSupport
import Testing

/// `kam runs` in process, on the three hand-built runs of ``PlantedHistory``, compared with
/// `Tests/ReportsTests/Golden/runs-<format>.txt`.
///
/// Re-record with `KAM_UPDATE_GOLDEN=1 swift test --filter RunsReportGoldenTests`.
@Suite("Runs report against golden files")
struct RunsReportGoldenTests {
    static let formats = OutputFormat.allCases

    @Test("RunsReport: kam runs", arguments: formats)
    func runsReport(format: OutputFormat) throws {
        let runs = try PlantedHistory.store().runs()
        TextReportGoldenTests.expectGolden(
            RunsReport(path: PlantedHistory.shownPath, runs: runs, language: .en).render(format), "runs-\(format)")
    }

    @Test("RunsReport: kam runs --lang zh")
    func runsReportChinese() throws {
        let runs = try PlantedHistory.store().runs()
        TextReportGoldenTests.expectGolden(
            RunsReport(path: PlantedHistory.shownPath, runs: runs, language: .zh).render(.table), "runs-zh-table")
    }

    @Test("RunsReport: the runs' counts are those recorded")
    func runsCounts() throws {
        let runs = try PlantedHistory.store().runs()
        #expect(runs.map(\.id) == [1, 2, 3])
        #expect(runs.map(\.accepted) == [PlantedHistory.first.count, PlantedHistory.second.count, PlantedHistory.third.count])
        #expect(runs.map(\.rejected) == [1, 0, 0])
        for (run, scores) in zip(runs, [PlantedHistory.first, PlantedHistory.second, PlantedHistory.third]) {
            #expect(run.gradeCounts.reduce(0, +) == run.accepted)
            #expect(run.gradeCounts == Grade.allCases.map { grade in scores.filter { $0.grade == grade }.count })
        }
    }
}
