import Foundation
import ScoringEngine
import ScoringTestSupport
import Testing

@Suite("Learner edge cases")
struct LearnerEdgeCaseTests {
    @Test("a tiny history either learns a valid model or names the problem", arguments: [8, 40, 120])
    func tinyHistory(count: Int) {
        let history = LearningFixtures.history(count: count, seed: UInt64(count))
        do {
            let learned = try ModelLearner().learn(history.data, baseModel: LearningFixtures.baseModel())
            #expect(learned.model.calibration != nil)
            #expect(learned.trainingScores.probability.allSatisfy { (0...1).contains($0) })
        } catch {
            // Acceptable outcomes for so few accounts: too few of a class, or nothing to learn.
            #expect(error == .noSignal || { if case .tooFewOutcomes = error { return true } else { return false } }())
        }
    }

    @Test("outcomes all of one kind are refused with the counts")
    func oneClass() {
        let history = LearningFixtures.history(count: 200, seed: 1)
        let data = LearningData(columns: history.data.columns, outcomes: Array(repeating: 1, count: 200))
        #expect(throws: LearningError.tooFewOutcomes(won: 200, lost: 0, needed: 2)) {
            try ModelLearner().learn(data, baseModel: LearningFixtures.baseModel())
        }
    }

    @Test("a column holding labels where the factor reads numbers is named")
    func kindMismatch() {
        let data = LearningData(
            columns: [
                LearningColumn(name: "budget", values: .categorical(["a", "b", "a", "b"])),
                LearningColumn(name: "delay", values: .numeric([1, 2, 3, 4])),
            ], outcomes: [1, 0, 1, 0])
        #expect(throws: LearningError.columnKindMismatch(column: "budget", expected: "numbers")) {
            try ModelLearner().learn(data, baseModel: LearningFixtures.baseModel())
        }
    }

    @Test("with pure-noise columns the learner says there is nothing to learn")
    func noSignal() {
        var random = SeededRandom(seed: 3)
        let n = 3000
        let outcomes = (0..<n).map { _ in random.nextDouble() < 0.3 ? 1.0 : 0.0 }
        let constant = [Double](repeating: 5, count: n)
        let data = LearningData(
            columns: [
                LearningColumn(name: "budget", values: .numeric(constant)),
                LearningColumn(name: "delay", values: .numeric(constant)),
            ], outcomes: outcomes)
        #expect(throws: LearningError.noSignal) {
            try ModelLearner().learn(data, baseModel: LearningFixtures.baseModel())
        }
    }
}
