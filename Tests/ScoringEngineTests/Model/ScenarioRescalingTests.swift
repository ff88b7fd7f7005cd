import ScoringEngine
import ScoringTestSupport
import Testing

// Tolerance: a handful of products and one division of numbers near 1; 1e-12 relative.
@Suite("Scenarios follow replaced factors onto their new weights")
struct ScenarioRescalingTests {
    static func model(budget: Double, share: Double, risk: Double, credit: Double) throws -> ScoringModel {
        try ScoringModel(
            name: "m",
            factors: [
                ModelFixtures.factor("budget", .value, weight: budget), ModelFixtures.factor("share", .value, weight: share),
                ModelFixtures.factor("risk", .difficulty, weight: risk), ModelFixtures.factor("credit", .difficulty, weight: credit),
            ],
            grading: ModelFixtures.grading(),
            scenarios: [
                WeightScenario(name: "growth", weights: ["budget": 0.6]),  // budget × 1.5 against the base 0.4
                WeightScenario(name: "credit", weights: ["credit": 0.3, "share": 0.2]),  // credit was 0: share of total
            ])
    }

    @Test("a scenario keeps multiplying a factor's weight by the same ratio; a zero weight takes its share of the side")
    func rescaled() throws {
        let base = try Self.model(budget: 0.4, share: 0.6, risk: 1, credit: 0)
        // New declared weights, as a learner writes them (normalized per side, new factor 'new').
        let learned = [
            ModelFixtures.factor("budget", .value, weight: 0.8), ModelFixtures.factor("share", .value, weight: 0.1),
            ModelFixtures.factor("new", .value, weight: 0.1), ModelFixtures.factor("risk", .difficulty, weight: 0.7),
            ModelFixtures.factor("credit", .difficulty, weight: 0.3),
        ]
        let replaced = try base.replacing(factors: learned)
        let growth = try #require(replaced.scenarios.first { $0.name == "growth" })
        let budget = try #require(growth.weights["budget"])
        #expect(budget.isApproximatelyEqual(to: 0.8 * 0.6 / 0.4, relativeTolerance: 1e-12))
        // Under the scenario, budget's normalized weight rises above the learned one, as it
        // rose above the base one (0.6 / 1.2 = 0.5 > 0.4).
        let normalized = try replaced.weights(for: growth)
        #expect(normalized[0].isApproximatelyEqual(to: 1.2 / (1.2 + 0.1 + 0.1), relativeTolerance: 1e-12))
        #expect(normalized[0] > replaced.factors[0].weight)
        let credit = try #require(replaced.scenarios.first { $0.name == "credit" })
        // credit: declared 0 before, so 0.3 of the old difficulty total (1) becomes 0.3 of the new one (1).
        #expect(try #require(credit.weights["credit"]).isApproximatelyEqual(to: 0.3 * 1.0 / 1.0, relativeTolerance: 1e-12))
        #expect(try #require(credit.weights["share"]).isApproximatelyEqual(to: 0.1 * 0.2 / 0.6, relativeTolerance: 1e-12))
    }

    @Test("entries for dropped factors go; replacing other parts leaves scenarios as written")
    func droppedAndUnchanged() throws {
        let base = try Self.model(budget: 0.4, share: 0.6, risk: 1, credit: 0)
        let without = try base.replacing(factors: [
            ModelFixtures.factor("share", .value, weight: 1), ModelFixtures.factor("risk", .difficulty, weight: 1),
        ])
        #expect(without.scenarios.map(\.weights) == [[:], ["share": 1 * 0.2 / 0.6]])
        let renamed = try base.replacing(name: "renamed")
        #expect(renamed.scenarios == base.scenarios)
    }
}
