import Foundation
import ScoringEngine
import ScoringTestSupport
import Testing

/// A new column (not in the base model) enters the model with the sign the joint fit gives
/// it: reversed when, given the other factors, it lowers the chance of winning.
@Suite("Learner: orientation of new columns")
struct LearnerOrientationTests {
    /// x2 tracks x1 (corr ≈ 0.89); the truth is logit = 1.5 x1 − 0.8 x2 (+ budget's step), so
    /// on its own x2 goes with winning (cov(x2, η) = 1.5 − 0.8·1.25 > 0), yet given x1 it
    /// lowers the chance.
    static func history(count n: Int, seed: UInt64) -> LearningData {
        var random = SeededRandom(seed: seed)
        var budget = [Double]()
        var x1 = [Double]()
        var x2 = [Double]()
        var outcomes = [Double]()
        for _ in 0..<n {
            let b = 50 * random.nextDouble()
            let a = random.nextGaussian()
            let c = a + 0.5 * random.nextGaussian()
            let eta = -0.5 + LearningFixtures.budgetEffect(b) + 1.5 * a - 0.8 * c
            outcomes.append(random.nextDouble() < 1 / (1 + exp(-eta)) ? 1 : 0)
            budget.append(b)
            x1.append(a)
            x2.append(c)
        }
        let model = LearningFixtures.baseModel()
        let delay = [Double](repeating: 10, count: n)
        return LearningData(
            columns: [
                LearningColumn(name: "budget", values: .numeric(budget), factor: model.factors[0]),
                LearningColumn(name: "delay", values: .numeric(delay), factor: model.factors[1]),
                LearningColumn(name: "x1", values: .numeric(x1)),
                LearningColumn(name: "x2", values: .numeric(x2)),
            ],
            outcomes: outcomes)
    }

    /// With the coarse groups (`maximumCurveBins = 0`, each column's groups learned on its
    /// own) the column is reversed and the report says so; with the joint curves (the
    /// default) the curve is learned given the other factors, so it already falls with x2 and
    /// nothing needs reversing.
    @Test(
        "a suppressor column is kept with a positive weight and a falling utility (coarse groups: reversed, and the report says so)",
        arguments: [0, 256])
    func reversed(curveBins: Int) throws {
        var options = ModelLearner.Options()
        options.candidates = .all
        options.maximumCurveBins = curveBins
        let learned = try ModelLearner(options: options).learn(
            Self.history(count: 20_000, seed: 5), baseModel: LearningFixtures.baseModel())
        let x2 = try #require(learned.model.factors.first { $0.column == "x2" })
        #expect(x2.weight > 0)
        #expect(learned.notes.contains { $0.hasPrefix("Reversed") && $0.contains("x2") } == (curveBins == 0))
        #expect(!learned.notes.contains { $0.hasPrefix("Reversed") && $0.contains("x1") })
        // Reversed: the utility is higher at low x2 than at high x2, though on its own a
        // higher x2 wins more often (the evidence behind the bins says so).
        guard case .binned(let bins) = x2.scale else {
            Issue.record("x2 should be binned, is \(x2.scale.kind)")
            return
        }
        let first = try #require(bins.first)
        let last = try #require(bins.last)
        #expect(first.utility > last.utility)
        let firstRate = try #require(first.evidence?.winRate)
        let lastRate = try #require(last.evidence?.winRate)
        #expect(firstRate < lastRate)
        let x1 = try #require(learned.model.factors.first { $0.column == "x1" })
        #expect(x1.weight > x2.weight)
    }
}
