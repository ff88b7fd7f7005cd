import Foundation
import ScoringEngine
import ScoringTestSupport
import Testing

@testable import ScoringIO

/// The accounts a streamed ranking keeps for a run history (``RecordedAccounts``) against the
/// in-memory ranking of the same file: every accepted account once, in id order, with its
/// rank in the whole list and the same scores to the bit, also when the ranking took a
/// statistics pass or a second scoring pass (too many rows waiting for mean fills); pages
/// mapped from their records and assessed again, and pages assembled from what the pass
/// computed (``PendingPage/assessed(by:scenario:statistics:)``), alike.
@Suite("RecordedAccounts: every accepted account of a streamed ranking, with its rank")
struct RecordedAccountsTests {
    func check(path: String, model: ScoringModel, limit: Int, deferredLimit: Int, passes: Int, _ context: String) throws {
        var configuration = ProspectStream.Configuration(blockSize: 900, workers: 2, deferredLimit: deferredLimit)
        configuration.keepsRecords = true
        let streamed = try ProspectStream(model: model, configuration: configuration)
            .rank(contentsOf: path, scorer: Scorer(model: model), limit: limit)
        #expect(streamed.passes == passes, "\(context)")
        let reference = try InMemoryRanking(path: path, model: model, scenario: 0, limit: 0, grades: nil)
        let assessment = reference.assessment
        var rankOf: [String: Int] = [:]
        var rowOf: [String: Int] = [:]
        for (position, row) in assessment.rankedRows().enumerated() {
            rankOf[assessment.accounts[row].id] = position + 1
            rowOf[assessment.accounts[row].id] = row
        }
        let recorded = try #require(streamed.recorded, "\(context)")
        #expect(recorded.count == assessment.count, "\(context)")
        var ids: [String] = []
        var mismatches: [String] = []
        let pipeline = ScoringPipeline(model: model)
        while let pending = recorded.take(upTo: 97) {
            // The mapped page (every column read again) and the page assembled from what the
            // pass kept (only the describing columns read): both must be the in-memory rows.
            let page = try pending.mapped()
            let mapped = pipeline.assess(page.batch, scenario: 0, statistics: streamed.statistics)
            let assembled = try pending.assessed(by: pipeline, scenario: 0, statistics: streamed.statistics)
            #expect(assembled.ranks == page.ranks, "\(context)")
            #expect(assembled.assessment.evaluatedSegments == assessment.evaluatedSegments, "\(context)")
            #expect(assembled.assessment.constantFactors == assessment.constantFactors, "\(context)")
            for index in 0..<page.batch.count {
                let id = page.batch.accounts[index].id
                ids.append(id)
                guard let row = rowOf[id] else {
                    mismatches.append("\(id) not accepted in memory")
                    continue
                }
                if page.ranks[index] != rankOf[id] { mismatches.append("\(id): rank \(page.ranks[index]) not \(rankOf[id]!)") }
                for (name, assessed, describedOnly) in [
                    ("mapped", mapped, false), ("assembled", assembled.assessment, true),
                ] where !Self.sameRow(assessed, index, assessment, row, describedOnly: describedOnly) {
                    mismatches.append("\(id): \(name) page differs")
                }
            }
        }
        #expect(mismatches.isEmpty, "\(context): \(mismatches.count) differ, first \(mismatches.prefix(3))")
        #expect(ids.count == assessment.count && Set(ids).count == ids.count, "\(context)")
        #expect(ids == ids.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }, "\(context): not in id order")
    }

    /// Whether row `i` of `a` and row `j` of `b` are the same account with the same
    /// assessment to the bit: scores and grades of every scenario, utilities, present
    /// factors, completeness and segments.
    ///
    /// - Parameter describedOnly: `a` is a page assembled for a run history, whose accounts
    ///   carry only what a history keeps: the same id, name, stage and line as `b`'s, and no
    ///   industry, region, manager or deal value.
    static func sameRow(_ a: BatchAssessment, _ i: Int, _ b: BatchAssessment, _ j: Int, describedOnly: Bool) -> Bool {
        let factors = a.model.factors.count
        let factorRange = { (row: Int) in (row * factors)..<((row + 1) * factors) }
        var expected = b.accounts[j]
        if describedOnly {
            (expected.industry, expected.region, expected.manager, expected.dealValue) = ("", "", "", nil)
        }
        return a.accounts[i] == expected
            && a.scores.row(i).map(\.bitPattern) == b.scores.row(j).map(\.bitPattern)
            && a.gradesByScenario.map { $0[i] } == b.gradesByScenario.map { $0[j] }
            && a.utilities.matrix.row(i).map(\.bitPattern) == b.utilities.matrix.row(j).map(\.bitPattern)
            && Array(a.utilities.present[factorRange(i)]) == Array(b.utilities.present[factorRange(j)])
            && a.completeness(i).bitPattern == b.completeness(j).bitPattern
            && a.segments[i] == b.segments[j]
    }

    @Test("One pass, a statistics pass, a second scoring pass, and both: the same accounts, ranks and scores")
    func passes() throws {
        let path = StreamTestFiles.scratchPath("recorded.csv")
        defer { CSVTestFiles.remove(path) }
        try CSVTestFiles.write(StreamTestFiles.difficultList(rows: 800, seed: 29, blankRate: 0.2), to: path)
        let relative = try relativeModelWithMeanFills()
        let model = StreamTestFiles.defaultModel
        try check(path: path, model: model, limit: 20, deferredLimit: 1 << 20, passes: 1, "default, top 20")
        try check(path: path, model: model, limit: .max, deferredLimit: 5, passes: 2, "mean fills after a second pass, every row")
        try check(path: path, model: relative, limit: 20, deferredLimit: 1 << 20, passes: 2, "minmax and zscore")
        try check(path: path, model: relative, limit: 20, deferredLimit: 5, passes: 3, "three passes")
    }
}
