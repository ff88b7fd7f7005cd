import Foundation
import Reports
import ScoringEngine
import ScoringIO
import ScoringTestSupport
import Testing

/// `kam simulate` in process: every policy over 3 periods, 40 runs, seed 42, on the
/// allocation problem of ``AllocateReportGoldenTests/input()`` (a generated 60-row list with
/// the bundled model, pipeline and team files), compared with
/// `Tests/ReportsTests/Golden/simulate-<format>.txt`.
///
/// Re-record with `KAM_UPDATE_GOLDEN=1 swift test --filter SimulateReportGoldenTests`.
@Suite("Simulate report against golden files")
struct SimulateReportGoldenTests {
    static let formats = OutputFormat.allCases

    /// `kam simulate --periods 3 --runs 40 --seed 42` on the generated list (every policy).
    static func simulateReport(language: Language) throws -> SimulateReport {
        let input = try AllocateReportGoldenTests.input()
        let simulator = AllocationSimulator(allocator: Allocator(problem: input.problem), periods: 3, runs: 40, seed: 42, threads: 1)
        let outcomes = AllocationPolicy.allCases.map { simulator.simulate($0) }
        let summaries = SimulationSummary.summarize(outcomes, problem: input.problem, periods: 3)
        var report = SimulateReport(
            problem: input.problem, summaries: summaries, openAtStart: outcomes.first?.openAtStart ?? 0, periods: 3, runs: 40,
            seed: 42, teamFile: "models/team.yaml", rejects: input.rejects, rejectsPath: input.rejectsPath, language: language)
        report.moneyUnit = ReportWorkbook.moneyUnit(input.assessment.model)
        return report
    }

    @Test("SimulateReport: kam simulate", arguments: formats)
    func simulateReport(format: OutputFormat) throws {
        TextReportGoldenTests.expectGolden(try Self.simulateReport(language: .en).render(format), "simulate-\(format)")
    }

    @Test("SimulateReport: kam simulate --lang zh")
    func simulateReportChinese() throws {
        TextReportGoldenTests.expectGolden(try Self.simulateReport(language: .zh).render(.table), "simulate-zh-table")
    }

    @Test("SimulateReport: one summary per policy, the best one its own reference, quantiles in order")
    func simulateSummaries() throws {
        let report = try Self.simulateReport(language: .en)
        #expect(report.summaries.map(\.policy) == AllocationPolicy.allCases)
        #expect(report.summaries.contains { $0.differenceToBest == 0 })
        for summary in report.summaries {
            #expect(summary.expectedWins >= 0 && summary.expectedWins <= Double(report.openAtStart))
            #expect(summary.revenueP10 <= summary.revenueP50 && summary.revenueP50 <= summary.revenueP90)
            #expect(summary.differenceToBest <= 0)
            #expect(summary.hoursByGrade.allSatisfy { $0.isFinite })
        }
    }
}
