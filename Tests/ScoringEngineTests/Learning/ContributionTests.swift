import Foundation
import LinearAlgebra
import RealModule
import ScoringTestSupport
import Testing

@testable import ScoringEngine

@Suite("Learner contributions and baselines")
struct ContributionTests {
    @Test("the one-step refit without a factor is close to the exact refit (AUC within 0.002)")
    func oneStepMatchesRefit() throws {
        var random = SeededRandom(seed: 21)
        let n = 4000
        var elements: [Double] = []
        var outcomes: [Double] = []
        for _ in 0..<n {
            let a = random.nextDouble()
            let b = 0.6 * a + 0.4 * random.nextDouble()  // correlated with a
            let c = random.nextDouble()
            elements += [1, a, b, c]
            let eta = -1 + 1.5 * a + 1.0 * b - 0.8 * c
            outcomes.append(random.nextDouble() < 1 / (1 + exp(-eta)) ? 1 : 0)
        }
        let design = Matrix(rows: n, columns: 4, elements: elements)
        let penalty = [0.0, 1, 1, 1]
        let prior = [0.0, 0, 0, 0]
        let full = try RidgeLogistic.fit(design: design, outcomes: outcomes, penalty: penalty, prior: prior, start: [0, 0, 0, 0])
        for term in 1...3 {
            let approximate = ModelLearner.coefficientsWithout(term: term, coefficients: full.coefficients, hessian: full.hessian)
            let kept = (0..<4).filter { $0 != term }
            var reducedElements: [Double] = []
            for row in 0..<n { for k in kept { reducedElements.append(design[row, k]) } }
            let reduced = Matrix(rows: n, columns: 3, elements: reducedElements)
            let exact = try RidgeLogistic.fit(
                design: reduced, outcomes: outcomes, penalty: kept.map { penalty[$0] }, prior: [0, 0, 0], start: [0, 0, 0])
            let approximateAUC = try #require(RankStatistics.areaUnderROC(scores: design.multiplied(by: approximate), outcomes: outcomes))
            let exactAUC = try #require(RankStatistics.areaUnderROC(scores: reduced.multiplied(by: exact.coefficients), outcomes: outcomes))
            #expect(abs(approximateAUC - exactAUC) <= 0.002, "term \(term): \(approximateAUC) vs \(exactAUC)")
            #expect(approximate[term] == 0)
        }
    }

    @Test("the fast AUC equals BinaryOutcomeMetrics' AUC, ties included", arguments: 0..<10)
    func fastAUC(seed: Int) {
        var random = SeededRandom(seed: UInt64(seed) + 3)
        let n = 5 + Int(random.next() % 300)
        let scores = (0..<n).map { _ in Double(Int(random.next() % 7)) }
        var outcomes = (0..<n).map { _ in random.nextDouble() < 0.4 ? 1.0 : 0.0 }
        outcomes[0] = 1
        outcomes[1] = 0
        // With weights of 1 the AUC takes the path of one sort of every row.
        let expected = BinaryOutcomeMetrics.areaUnderROC(scores: scores, outcomes: outcomes, weights: Array(repeating: 1, count: n))
        let fast = RankStatistics.areaUnderROC(scores: scores, outcomes: outcomes)
        #expect(fast.map { $0.isApproximatelyEqual(to: expected ?? .nan, absoluteTolerance: 1e-14, relativeTolerance: 0) } == true)
    }

    @Test("the stage baseline predicts the training folds' shrunk win rate of each stage")
    func stageBaseline() throws {
        let history = LearningFixtures.history(count: 6000, seed: 4)
        // Stage 5 accounts are won far more often: the baseline must beat the base rate.
        var random = SeededRandom(seed: 2)
        var outcomes = history.data.outcomes
        var stages: [Int?] = []
        for row in outcomes.indices {
            let stage = 1 + Int(random.next() % 5)
            stages.append(row % 50 == 0 ? nil : stage)
            if stage == 5, random.nextDouble() < 0.5 { outcomes[row] = 1 }
        }
        let data = LearningData(columns: history.data.columns, outcomes: outcomes, stages: stages)
        let learned = try ModelLearner().learn(data, baseModel: LearningFixtures.baseModel())
        let stage = try #require(learned.metrics.stageBaseline)
        #expect((stage.areaUnderROC ?? 0) > 0.55)
        #expect(stage.logLoss < learned.metrics.baseRate.logLoss)
        #expect(learned.factors.first { $0.column == "region_score" }?.reason == .notConsidered)
    }
}

@Suite("Learner reuses WeightFit's recipe")
struct WeightFitRecipeTests {
    @Test("the prior mean and the proposed weights equal WeightFit's on the same utilities")
    func sameAsWeightFit() throws {
        var random = SeededRandom(seed: 31)
        let n = 3000
        var utilities: [Double] = []
        var outcomes: [Double] = []
        for _ in 0..<n {
            let row = (0..<3).map { _ in random.nextDouble() }
            utilities += row
            let eta = -0.5 + 1.2 * row[0] + 0.6 * row[1] - 0.9 * row[2]
            outcomes.append(random.nextDouble() < 1 / (1 + exp(-eta)) ? 1 : 0)
        }
        let matrix = Matrix(rows: n, columns: 3, elements: utilities)
        let model = try ScoringModel(
            name: "m",
            factors: [
                ModelFixtures.factor("a", .value, weight: 0.7), ModelFixtures.factor("b", .value, weight: 0.3),
                ModelFixtures.factor("c", .difficulty, weight: 1),
            ],
            grading: ModelFixtures.grading())
        let expert = WeightFit.expertDirection(model)
        let weightFit = try WeightFit(prior: .model)
        let (expected, _) = try weightFit.priorMean(utilities: matrix, outcomes: outcomes, expert: expert)
        let learner = try ModelLearner()
        let design = ModelLearner.design(rows: Array(0..<n), matrix: matrix)
        let mean = learner.priorMean(design: design, outcomes: outcomes, expert: expert)
        #expect(Array(mean.dropFirst()).isApproximatelyEqual(to: expected, absoluteTolerance: 1e-6, relativeTolerance: 1e-6))
        let coefficients = [1.1, 0.4, -0.7]
        let proposal = WeightFit.proposedWeights(coefficients: coefficients, model: model)
        let weights = ModelLearner.sideWeights([.value, .value, .difficulty], coefficients: coefficients)
        #expect(weights.weights.isApproximatelyEqual(to: proposal.weights, absoluteTolerance: 1e-15, relativeTolerance: 0))
        #expect(weights.penalty.isApproximatelyEqual(to: proposal.impliedPenalty ?? .nan, absoluteTolerance: 1e-15, relativeTolerance: 0))
    }
}
