import Foundation
import ScoringEngine
import ScoringTestSupport
import Testing

@testable import ScoringIO

/// The accounts a streamed ranking keeps for a run history (``RecordedAccounts``) against the
/// in-memory ranking of the same file: every accepted account once, in id order, with its
/// rank in the whole list and the same scores to the bit, also when the ranking took a
/// statistics pass or a second scoring pass (too many rows waiting for mean fills).
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
        while let page = try recorded.next(upTo: 97) {
            let assessed = pipeline.assess(page.batch, scenario: 0, statistics: streamed.statistics)
            for index in 0..<page.batch.count {
                let id = page.batch.accounts[index].id
                ids.append(id)
                guard let row = rowOf[id] else {
                    mismatches.append("\(id) not accepted in memory")
                    continue
                }
                if page.ranks[index] != rankOf[id] { mismatches.append("\(id): rank \(page.ranks[index]) not \(rankOf[id]!)") }
                if assessed.value(index).bitPattern != assessment.value(row).bitPattern
                    || assessed.difficulty(index).bitPattern != assessment.difficulty(row).bitPattern
                    || assessed.grades[index] != assessment.grades[row]
                    || assessed.completeness(index).bitPattern != assessment.completeness(row).bitPattern
                    || assessed.segments[index] != assessment.segments[row]
                    || assessed.utilities.matrix.row(index).map(\.bitPattern)
                        != assessment.utilities.matrix.row(row).map(\.bitPattern)
                {
                    mismatches.append("\(id): scores differ")
                }
            }
        }
        #expect(mismatches.isEmpty, "\(context): \(mismatches.count) differ, first \(mismatches.prefix(3))")
        #expect(ids.count == assessment.count && Set(ids).count == ids.count, "\(context)")
        #expect(ids == ids.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }, "\(context): not in id order")
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
