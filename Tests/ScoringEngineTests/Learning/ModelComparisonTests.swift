import Foundation
import ScoringTestSupport
import Testing

@testable import ScoringEngine

/// Never recommend a worse model (issue 13, item 4).
@Suite("Model comparison: the best model by cross-validated log loss")
struct ModelComparisonTests {
    @Test("mean and standard error over folds: known answer")
    func standardError() {
        let (mean, standardError) = ModelComparison.meanAndStandardError([1, 2, 3, 4, 5])
        #expect(mean == 3)
        // sqrt(Σ (mᵢ − 3)² / (5 · 4)) = sqrt(10 / 20)
        #expect(abs(standardError - 0.5.squareRoot()) < 1e-15)
        #expect(ModelComparison.meanAndStandardError([2]).standardError == 0)
    }

    @Test("per-fold log loss and the best entry, on hand-made probabilities")
    func knownFolds() throws {
        let outcomes: [Double] = [1, 0, 1, 0]
        let assignment = [0, 0, 1, 1]
        let good: [Double] = [0.9, 0.1, 0.8, 0.2]
        let poor: [Double] = [0.6, 0.4, 0.5, 0.5]
        let comparison = ModelComparison(
            probabilities: [(.weightsOnly, good), (.learned, poor)], outcomes: outcomes, assignment: assignment, folds: 2)
        let weights = try #require(comparison.entry(.weightsOnly))
        let fold0 = -log(0.9)
        let fold1 = -log(0.8)
        #expect(abs(weights.foldLogLoss[0] - fold0) < 1e-12 && abs(weights.foldLogLoss[1] - fold1) < 1e-12)
        #expect(abs(weights.logLoss - (fold0 + fold1) / 2) < 1e-12)
        #expect(abs(weights.logLossStandardError - abs(fold0 - fold1) / 2) < 1e-12)
        #expect(comparison.best?.candidate == .weightsOnly)
        #expect(!comparison.recommendsLearned)
        let difference = try #require(comparison.difference(.learned, .weightsOnly))
        #expect(difference.mean > 0)
    }

    /// A history whose truth is linear in eight factors that the base model's linear scales
    /// read exactly: learned bins (at least 50 accounts each) can only blur what the base
    /// scales already say, so fitting weights alone is better.
    static func linearHistory(count n: Int, seed: UInt64) -> (LearningData, ScoringModel) {
        var random = SeededRandom(seed: seed)
        let names = (0..<8).map { "f\($0)" }
        var values = names.map { _ in [Double]() }
        var outcomes: [Double] = []
        for _ in 0..<n {
            var eta = -0.2
            for j in names.indices {
                let x = 10 * random.nextDouble()
                values[j].append(x)
                eta += (j < 5 ? 0.25 : -0.25) * (x - 5)
            }
            outcomes.append(random.nextDouble() < 1 / (1 + exp(-eta)) ? 1 : 0)
        }
        let factors = names.indices.map { j in
            ModelFixtures.factor(names[j], j < 5 ? .value : .difficulty, weight: j < 5 ? 0.2 : 1.0 / 3)
        }
        let model = try! ScoringModel(name: "linear", factors: factors, grading: ModelFixtures.grading())
        let columns = names.indices.map { LearningColumn(name: names[$0], values: .numeric(values[$0]), factor: factors[$0]) }
        return (LearningData(columns: columns, outcomes: outcomes), model)
    }

    @Test("a generated history where learning the curves loses to fitting weights alone: weights only is recommended")
    func learnedWorse() throws {
        let (data, model) = Self.linearHistory(count: 1_500, seed: 9)
        let learned = try ModelLearner().learn(data, baseModel: model)
        let comparison = learned.comparison
        #expect(comparison.entries.map(\.candidate) == [.baseModel, .weightsOnly, .learned])
        let weights = try #require(comparison.entry(.weightsOnly))
        let learnedEntry = try #require(comparison.entry(.learned))
        #expect(weights.logLoss < learnedEntry.logLoss, "weights \(weights.logLoss), learned \(learnedEntry.logLoss)")
        #expect(comparison.best?.candidate == .weightsOnly)
        #expect(!comparison.recommendsLearned)
        // The fold means agree with the pooled out-of-fold figures of the metrics table to within
        // the fold-size weighting (folds differ by at most one account in size).
        #expect(abs(weights.logLoss - (learned.metrics.weightsOnly?.logLoss ?? 0)) < 1e-3)
        #expect(abs(learnedEntry.logLoss - learned.metrics.learned.logLoss) < 1e-3)
    }

    @Test("a history with steps the base scales cannot follow: the learned model is recommended")
    func learnedBetter() throws {
        let history = LearningFixtures.history(count: 6_000, seed: 12)
        let learned = try ModelLearner().learn(history.data, baseModel: LearningFixtures.baseModel())
        #expect(learned.comparison.recommendsLearned, "\(learned.comparison.entries)")
    }
}
