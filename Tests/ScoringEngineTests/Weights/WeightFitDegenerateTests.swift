import Foundation
import LinearAlgebra
import ScoringEngine
import ScoringTestSupport
import Testing

/// Degenerate histories for `kam weights fit` (issue 14): a constant column gets no verdict,
/// separation is named (by factor, or by the current weights' score), and cross-validated
/// figures of a separating score are its ranks, not the base rate.
@Suite("Weight fit on degenerate histories")
struct WeightFitDegenerateTests {
    static let model = try! ScoringModel(
        name: "w",
        factors: [
            ModelFixtures.factor("a", .value, weight: 0.5), ModelFixtures.factor("b", .value, weight: 0.5),
            ModelFixtures.factor("c", .difficulty, weight: 0.5), ModelFixtures.factor("k", .difficulty, weight: 0.5),
        ],
        grading: ModelFixtures.grading())

    /// n rows of utilities in 0...1; column 3 (`k`) constant 0.4.
    static func utilities(_ n: Int, seed: UInt64) -> Matrix {
        var random = SeededRandom(seed: seed)
        var elements: [Double] = []
        for _ in 0..<n { elements += [random.nextDouble(), random.nextDouble(), random.nextDouble(), 0.4] }
        return Matrix(rows: n, columns: 4, elements: elements)
    }

    @Test("a constant column is named, gets no verdict, and is never 'contradicted'")
    func constantColumn() throws {
        let n = 400
        let u = Self.utilities(n, seed: 2)
        var random = SeededRandom(seed: 9)
        // Outcomes follow a and c (not separating): logit = 3a − 3c.
        let outcomes = (0..<n).map { i in random.nextDouble() < 1 / (1 + exp(-(3 * u[i, 0] - 3 * u[i, 2]))) ? 1.0 : 0.0 }
        let result = try WeightFit(strength: .fixed(1)).fit(utilities: u, outcomes: outcomes, model: Self.model)
        #expect(result.constantFactors == [3])
        #expect(!result.contradictedFactors.contains(3))
        #expect(result.separatingFactors.isEmpty)
        #expect(!result.currentWeightsSeparate)
    }

    @Test("one factor that separates won from lost is named with its direction; cross-validation still runs")
    func separatingFactor() throws {
        let n = 300
        let u = Self.utilities(n, seed: 4)
        let outcomes = (0..<n).map { u[$0, 1] > 0.6 ? 1.0 : 0.0 }
        let result = try WeightFit(strength: .crossValidated).fit(utilities: u, outcomes: outcomes, model: Self.model)
        #expect(result.separatingFactors.map(\.factor) == [1])
        #expect(result.separatingFactors.map(\.direction) == [1])
        #expect(result.constantFactors == [3])
    }

    @Test("current weights that separate the outcomes: the prior falls back for separation, not 'slope ≤ 0'; their out-of-fold AUC is 1")
    func currentWeightsSeparate() throws {
        let n = 300
        let u = Self.utilities(n, seed: 6)
        // The model's own score: 50 a + 50 b − 0.5 (50 c + 50 k); won above its median.
        let score = (0..<n).map { 50 * u[$0, 0] + 50 * u[$0, 1] - 0.5 * (50 * u[$0, 2] + 50 * u[$0, 3]) }
        let median = score.sorted()[n / 2]
        let outcomes = score.map { $0 > median ? 1.0 : 0.0 }
        let result = try WeightFit(strength: .crossValidated).fit(utilities: u, outcomes: outcomes, model: Self.model)
        #expect(result.currentWeightsSeparate)
        #expect(result.priorFellBack)
        #expect(result.priorSlope == nil)
        #expect(result.currentWeightsAreaUnderROC == 1)
        let comparison = try #require(result.comparison)
        #expect(try #require(comparison.current.areaUnderROC) > 0.99, "the current score ranks by itself, not at the base rate")
    }

    @Test("separation helpers: complete separation either way, overlap none")
    func helpers() {
        #expect(WeightFit.separation(score: [1, 2, 3, 4], outcomes: [0, 0, 1, 1]) == 1)
        #expect(WeightFit.separation(score: [1, 2, 3, 4], outcomes: [1, 1, 0, 0]) == -1)
        #expect(WeightFit.separation(score: [1, 2, 2, 4], outcomes: [0, 1, 0, 1]) == nil)
        #expect(WeightFit.separation(score: [1, 2], outcomes: [1, 1]) == nil)
    }
}
