import Foundation
import Reports
import ScoringEngine
import ScoringIO
import ScoringTestSupport
import Testing

/// `kam allocate` in process: a generated 60-row prospect list (seed 7, two bad rows) scored
/// and forecast with the bundled model, pipeline and team files through
/// ``AllocateReport/Input/init(loaded:scoring:pipeline:forecaster:team:objective:rejectsPath:)``
/// (the path of `kam allocate` and `kam simulate`), compared with
/// `Tests/ReportsTests/Golden/allocate-<format>.txt`.
///
/// Re-record with `KAM_UPDATE_GOLDEN=1 swift test --filter AllocateReportGoldenTests`.
@Suite("Allocate report against golden files")
struct AllocateReportGoldenTests {
    /// The allocation problem of the generated list, as `kam allocate` builds it.
    static func input() throws -> AllocateReport.Input {
        let model = try TextReportGoldenTests.model()
        let pipeline = try PipelineFileReader().read(contentsOf: Paths.packageRoot + "/models/pipeline.yaml")
        let team = try TeamFileReader().read(contentsOf: Paths.packageRoot + "/models/team.yaml")
        let bytes = ProspectListGenerator(options: try GeneratorOptions(rows: 60, seed: 7, badRows: 2)).bytes()
        let table = try CSVReader().read(bytes: bytes, file: "generated.csv")
        let loaded = try ProspectListLoader(model: model).load(table)
        return try AllocateReport.Input(
            loaded: loaded, scoring: ScoringPipeline(model: model), pipeline: pipeline,
            forecaster: try PipelineForecaster(pipeline: pipeline, horizon: 12), team: team, objective: .revenue,
            rejectsPath: "generated.rejects.csv")
    }

    static func allocateReport(policy: AllocationPolicy = .optimal, limit: Int, language: Language = .en) throws -> AllocateReport {
        let input = try input()
        let allocation = Allocator(problem: input.problem).allocate(policy)
        return AllocateReport(loaded: input, allocation: allocation, teamFile: "models/team.yaml", limit: limit, language: language)
    }

    static func rendered(_ report: AllocateReport, _ format: OutputFormat, view: AllocateReport.View = .accounts) -> String {
        var sink = StringSink()
        report.write(format, view: view, to: &sink)
        return sink.text
    }

    static let formats = OutputFormat.allCases

    @Test("AllocateReport: kam allocate", arguments: formats)
    func allocateReport(format: OutputFormat) throws {
        let report = try Self.allocateReport(limit: format == .table || format == .markdown ? 20 : .max)
        TextReportGoldenTests.expectGolden(Self.rendered(report, format), "allocate-\(format)")
    }

    @Test("AllocateReport: kam allocate --format csv --view people, and --policy grade --lang zh")
    func allocateReportViews() throws {
        TextReportGoldenTests.expectGolden(Self.rendered(try Self.allocateReport(limit: .max), .csv, view: .people), "allocate-csv-people")
        let chinese = try Self.allocateReport(policy: .grade, limit: 20, language: .zh)
        TextReportGoldenTests.expectGolden(Self.rendered(chinese, .table), "allocate-grade-zh-table")
    }

    @Test("AllocateReport: the list's rows, the people's hours and the expense add up")
    func allocateTotals() throws {
        let report = try Self.allocateReport(limit: .max)
        let input = report.loaded
        #expect(input.assessment.count + input.rejects == 60)
        #expect(input.rejects == input.rejectedRows.count)
        #expect(input.problem.accounts.count == input.assessment.count)
        let accountHours = (0..<input.problem.accounts.count).reduce(0.0) { $0 + report.allocation.hours($1, in: input.problem) }
        let peopleHours = report.people.reduce(0.0) { $0 + $1.allocated }
        #expect(accountHours > 0)
        // Tolerance: relative 1e-9 (sums of the same products in another order).
        #expect(abs(peopleHours - accountHours) <= 1e-9 * accountHours)
        for line in report.people { #expect(line.allocated <= line.person.hours * (1 + 1e-9)) }
        let expense = (0..<input.problem.accounts.count).reduce(0.0) { $0 + report.allocation.expense($1, in: input.problem) }
        #expect(abs(expense - report.allocation.expense) <= 1e-9 * max(1, expense))
        #expect(report.allocation.expense <= input.problem.team.budget * (1 + 1e-9))
    }
}
