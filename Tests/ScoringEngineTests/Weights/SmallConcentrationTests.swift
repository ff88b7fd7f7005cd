import Foundation
import RealModule
import ScoringEngine
import ScoringTestSupport
import Testing

/// Dirichlet draws at small concentrations (issue 14): every Gamma variate C·wⱼ ≪ 1 underflows
/// in double precision, so the sampler works with logarithms. As C → 0, Dirichlet(C·w) puts
/// (almost) all weight on one factor, factor j with probability wⱼ / Σw: the closed form the
/// tests check against.
@Suite("Weight draws at small concentrations")
struct SmallConcentrationTests {
    static let model = try! ScoringModel(
        name: "w",
        factors: [
            ModelFixtures.factor("a", .value, weight: 0.5), ModelFixtures.factor("b", .value, weight: 0.3),
            ModelFixtures.factor("c", .value, weight: 0.2), ModelFixtures.factor("d", .difficulty, weight: 0.7),
            ModelFixtures.factor("e", .difficulty, weight: 0.3),
        ],
        grading: ModelFixtures.grading())

    @Test("concentration 0.001: each draw is (nearly) a vertex, vertex j with probability wⱼ; never the model's own weights")
    func vertices() throws {
        let count = 20_000
        let draws = try WeightSampler(distribution: .dirichlet(concentration: 0.001)).draws(count: count, model: Self.model, seed: 11)
        var vertexCounts = [Int](repeating: 0, count: 5)
        for m in 0..<count {
            let row = Array(draws[(m * 5)..<(m * 5 + 5)])
            #expect(row.allSatisfy { $0.isFinite && $0 >= 0 })
            #expect((row[0] + row[1] + row[2]).isApproximatelyEqual(to: 1, absoluteTolerance: 1e-12, relativeTolerance: 0))
            #expect((row[3] + row[4]).isApproximatelyEqual(to: 1, absoluteTolerance: 1e-12, relativeTolerance: 0))
            for k in 0..<5 where row[k] > 0.999 { vertexCounts[k] += 1 }
        }
        // P(no weight above 0.999) is O(C) = O(0.001): at most a few dozen draws.
        #expect(vertexCounts[0] + vertexCounts[1] + vertexCounts[2] >= count - 100)
        for (k, weight) in [0.5, 0.3, 0.2, 0.7, 0.3].enumerated() {
            let share = Double(vertexCounts[k]) / Double(count)
            // Within 5 binomial standard errors (≤ 0.018).
            let tolerance = 5 * (weight * (1 - weight) / Double(count)).squareRoot()
            #expect(abs(share - weight) <= tolerance, "factor \(k): \(share) vs \(weight)")
        }
    }

    @Test("SMAA at concentration 0.001: P(A) is 0.50 where the truth is 0.50 (it was 0 or 1 from the model's weights)")
    func gradeProbability() throws {
        // Value factors a and b weigh 0.5 each; account 0 has utility 1 on a and 0 on b, and
        // difficulty 0. A draw that puts the value weight on a gives value 100 (grade A), on b
        // value 0 (grade C): P(A) = w_a = 0.5. The model's own weights give value 50 (grade B).
        let model = try ScoringModel(
            name: "p",
            factors: [
                ModelFixtures.factor("a", .value, weight: 0.5), ModelFixtures.factor("b", .value, weight: 0.5),
                ModelFixtures.factor("d", .difficulty, weight: 1),
            ],
            grading: ModelFixtures.grading())
        let batch = ProspectBatch(
            accounts: [Account(id: "K1"), Account(id: "K2")],
            factorColumns: [.numeric([10, 5]), .numeric([0, 5]), .numeric([0, 0])])
        let assessment = ScoringPipeline(model: model).assess(batch)
        #expect(assessment.grades[0] == .b)
        let samples = 4000
        let result = try SensitivityAnalysis(
            samples: samples, sampler: try WeightSampler(distribution: .dirichlet(concentration: 0.001)), topCount: 1, seed: 5
        ).run(assessment)
        let probability = result.probability(of: .a, row: 0)
        // Binomial standard error at 0.5 and 4000 draws: 0.0079; 5 of them is 0.04.
        #expect(abs(probability - 0.5) <= 0.04, "P(A) = \(probability)")
        #expect(abs(result.probability(of: .c, row: 0) - 0.5) <= 0.04)
        // Account 1 has value 50 whatever the draw: always B.
        #expect(result.probability(of: .b, row: 1) == 1)
    }

    @Test("concentrations outside 1e-6…1e12 are refused: their C·wⱼ under- or overflows")
    func range() {
        #expect(throws: SensitivityError.self) { try WeightSampler(distribution: .dirichlet(concentration: 1e-7)) }
        #expect(throws: SensitivityError.self) { try WeightSampler(distribution: .dirichlet(concentration: 1e13)) }
        #expect(throws: Never.self) { try WeightSampler(distribution: .dirichlet(concentration: 1e-6)) }
    }
}
