import Foundation
import ScoringEngine
import ScoringIO
import ScoringTestSupport
import Testing

@Suite("A learned model written to a file scores like the fit")
struct LearnedModelRoundTripTests {
    @Test("history.csv: write the learned model, read it back, read the history as kam rank does: scores equal the fit's to 1e-12")
    func roundTrip() throws {
        let base = try ModelFileReader().read(contentsOf: Paths.packageRoot + "/models/default.yaml")
        let table = try CSVReader().read(contentsOf: Paths.packageRoot + "/datasets/history.csv")
        let history = try LearningHistoryLoader(model: base).load(table)
        #expect(history.data.count == 2000)
        let learned = try ModelLearner().learn(history.data, baseModel: base)

        let text = ModelFileWriter().write(learned.model)
        let reread = try ModelFileReader().read(yaml: text, file: "learned.yaml")
        #expect(reread == learned.model)

        // The ingest path of `kam rank`, row by row by line.
        let loaded = try ProspectListLoader(model: reread).load(table)
        #expect(loaded.rejects.isEmpty)
        let assessment = try ScoringPipeline(model: reread).assess(loaded.batch)
        var rowByLine: [Int: Int] = [:]
        for (row, account) in loaded.batch.accounts.enumerated() { rowByLine[account.line] = row }
        let rows = try history.lines.map { try #require(rowByLine[$0]) }
        let expected = learned.trainingScores
        let tolerance = 1e-12
        #expect(rows.map { assessment.value($0) }.isApproximatelyEqual(to: expected.value, absoluteTolerance: tolerance, relativeTolerance: 0))
        #expect(rows.map { assessment.difficulty($0) }.isApproximatelyEqual(to: expected.difficulty, absoluteTolerance: tolerance, relativeTolerance: 0))
        #expect(rows.map { assessment.priority($0) }.isApproximatelyEqual(to: expected.priority, absoluteTolerance: tolerance, relativeTolerance: 0))
        let probabilities = rows.map { reread.probability(value: assessment.value($0), difficulty: assessment.difficulty($0)) ?? -1 }
        #expect(probabilities.isApproximatelyEqual(to: expected.probability, absoluteTolerance: tolerance, relativeTolerance: 0))
        #expect(rows.map { assessment.grades[$0] } == expected.grades)
    }

    @Test("a stratified holdout keeps each class's share, is seeded, and partitions the rows")
    func holdoutSplit() {
        let outcomes = (0..<1000).map { Double($0 % 10 < 3 ? 1 : 0) }
        let split = HoldoutSplit(outcomes: outcomes, fraction: 0.3, seed: 42)
        #expect(split.heldOut.count == 300)
        #expect(split.heldOut.filter { outcomes[$0] == 1 }.count == 90)
        #expect(Set(split.training).union(split.heldOut) == Set(0..<1000))
        #expect(Set(split.training).isDisjoint(with: split.heldOut))
        #expect(split.training == split.training.sorted())
        #expect(HoldoutSplit(outcomes: outcomes, fraction: 0.3, seed: 42) == split)
        #expect(HoldoutSplit(outcomes: outcomes, fraction: 0.3, seed: 43) != split)
    }
}
