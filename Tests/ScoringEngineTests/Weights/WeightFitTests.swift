import Foundation
import LinearAlgebra
import RealModule
import ScoringEngine
import ScoringTestSupport
import Testing

@Suite("Fitting weights to won/lost outcomes")
struct WeightFitTests {
    /// Three value and three difficulty factors with equal weights.
    static let model = try! ScoringModel(
        name: "fit",
        factors: [
            ModelFixtures.factor("v1", .value, weight: 0.5), ModelFixtures.factor("v2", .value, weight: 0.3),
            ModelFixtures.factor("v3", .value, weight: 0.2), ModelFixtures.factor("d1", .difficulty, weight: 0.5),
            ModelFixtures.factor("d2", .difficulty, weight: 0.3), ModelFixtures.factor("d3", .difficulty, weight: 0.2),
        ],
        grading: ModelFixtures.grading())

    /// Uniform utilities and outcomes from σ(β₀ + u·β).
    static func sample(rows: Int, coefficients: [Double], intercept: Double = 0, seed: UInt64) -> (Matrix, [Double]) {
        var random = SeededRandom(seed: seed)
        var elements: [Double] = []
        var outcomes: [Double] = []
        for _ in 0..<rows {
            var eta = intercept
            for beta in coefficients {
                let u = random.nextDouble()
                elements.append(u)
                eta += beta * u
            }
            outcomes.append(random.nextDouble() < 1 / (1 + exp(-eta)) ? 1 : 0)
        }
        return (Matrix(rows: rows, columns: coefficients.count, elements: elements), outcomes)
    }

    @Test("proposed weights are sign-consistent and sum to 1 per side; the wrong-signed factor is contradicted")
    func proposal() throws {
        // d3 helps winning although it is a difficulty factor.
        let (u, y) = Self.sample(rows: 3000, coefficients: [3, 2, 1, -3, -1, 2], seed: 1)
        let result = try WeightFit(prior: .none, strength: .fixed(0.01)).fit(utilities: u, outcomes: y, model: Self.model)
        #expect(result.contradictedFactors == [5])
        #expect(result.proposedWeights[5] == 0)
        let value = result.proposedWeights[0..<3].reduce(0, +)
        let difficulty = result.proposedWeights[3..<6].reduce(0, +)
        #expect(value.isApproximatelyEqual(to: 1, absoluteTolerance: 1e-12, relativeTolerance: 0))
        #expect(difficulty.isApproximatelyEqual(to: 1, absoluteTolerance: 1e-12, relativeTolerance: 0))
        // Proportional to the (recovered) coefficients: v1 : v2 : v3 ≈ 3 : 2 : 1.
        #expect(abs(result.proposedWeights[0] - 0.5) < 0.08)
        #expect(abs(result.proposedWeights[3] - 0.75) < 0.1)
        #expect(result.comparison != nil)
        #expect(try #require(result.comparison?.fitted.areaUnderROC) > 0.7)
        #expect(result.effectiveOutcomes == min(result.wonCount, result.lostCount))
        #expect(result.dataShare > 0.99)
    }

    @Test("with a handful of outcomes a strong model prior keeps the expert weights; with many the data decides")
    func priorVersusData() throws {
        let truth = [1.0, 4.0, 1.0, -1.0, -1.0, -4.0]  // disagrees with the model's 0.5/0.3/0.2 proportions
        let (few, fewY) = Self.sample(rows: 20, coefficients: truth, seed: 2)
        let strong = try WeightFit(prior: .model, strength: .fixed(1000)).fit(utilities: few, outcomes: fewY, model: Self.model)
        if !strong.priorFellBack {
            #expect(
                strong.proposedWeights.isApproximatelyEqual(
                    to: Self.model.factors.map(\.weight), absoluteTolerance: 0.02, relativeTolerance: 0))
            #expect(strong.dataShare < 0.1)
            #expect(strong.priorEquivalentOutcomes > 180)
        }
        let (many, manyY) = Self.sample(rows: 20_000, coefficients: truth, seed: 3)
        let data = try WeightFit(prior: .model, strength: .fixed(1)).fit(utilities: many, outcomes: manyY, model: Self.model)
        #expect(abs(data.proposedWeights[1] - 4.0 / 6) < 0.05)
        #expect(abs(data.proposedWeights[5] - 4.0 / 6) < 0.05)
        #expect(data.dataShare > 0.95)
    }

    @Test("cross-validation picks a strength from the grid, the same one for the same seed")
    func crossValidation() throws {
        let (u, y) = Self.sample(rows: 150, coefficients: [2, 1, 1, -2, -1, -1], seed: 4)
        let fit = try WeightFit(prior: .model, strength: .crossValidated, folds: 5, seed: 9)
        let first = try fit.fit(utilities: u, outcomes: y, model: Self.model)
        let second = try fit.fit(utilities: u, outcomes: y, model: Self.model)
        #expect(first.strengthWasChosen)
        #expect(WeightFit.defaultGrid.contains(first.strength))
        #expect(first.strength == second.strength)
        #expect(first.strengthTable.count == WeightFit.defaultGrid.count)
        let best = first.strengthTable.map(\.logLoss).min()!
        #expect(first.strengthTable.first { $0.strength == first.strength }!.logLoss <= best + 1e-9)
        #expect(first.fitted.coefficients == second.fitted.coefficients)
    }

    @Test("stratified folds hold each outcome in equal shares")
    func folds() {
        let outcomes = (0..<53).map { $0 % 4 == 0 ? 1.0 : 0.0 }
        let assignment = WeightFit.stratifiedFolds(outcomes: outcomes, count: 5, seed: 1)
        for fold in 0..<5 {
            let won = outcomes.indices.filter { assignment[$0] == fold && outcomes[$0] == 1 }.count
            let lost = outcomes.indices.filter { assignment[$0] == fold && outcomes[$0] == 0 }.count
            #expect((2...3).contains(won))
            #expect((7...9).contains(lost))
        }
    }

    @Test("too few outcomes for cross-validation and bad settings are typed errors")
    func errors() throws {
        let (u, _) = Self.sample(rows: 10, coefficients: [1, 1, 1, -1, -1, -1], seed: 5)
        let y: [Double] = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        #expect(throws: WeightFitError.tooFewOutcomes(won: 1, lost: 9, needed: 2)) {
            try WeightFit(strength: .crossValidated).fit(utilities: u, outcomes: y, model: Self.model)
        }
        // A given strength still fits.
        let result = try WeightFit(strength: .fixed(5)).fit(utilities: u, outcomes: y, model: Self.model)
        #expect(result.comparison == nil)
        #expect(throws: WeightFitError.self) { try WeightFit(strength: .fixed(-1)) }
        #expect(throws: WeightFitError.self) { try WeightFit(folds: 1) }
    }
}
