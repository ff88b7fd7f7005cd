import Foundation
import RealModule
import ScoringEngine
import ScoringIO
import ScoringTestSupport
import Testing

/// Degenerate model files (issue 14): each gives either the stated correct result or an error
/// that names the file and line.
@Suite("Degenerate model files")
struct DegenerateModelTests {
    static let base = """
        name: tiny
        factors:
          - id: share
            column: expected_share
            side: value
            weight: 2
            scale: {type: linear, min: 0, max: 60}
          - id: budget
            column: annual_ad_budget
            side: value
            weight: 1
            scale: {type: linear, min: 0, max: 5000}
          - id: risk
            column: deal_risk
            side: difficulty
            weight: 1
            scale: {type: linear, min: 1, max: 5}
          - id: credit
            column: credit_score
            side: difficulty
            weight: 3
            scale: {type: linear, min: 0, max: 10}
        grading:
          value_bands: {names: [low, high], cuts: [50]}
          difficulty_bands: {names: [low, high], cuts: [50]}
          grid:
            high: [A, B]
            low: [C, D]
          minimum_completeness: 0.5
          ranking: {key: priority, difficulty_penalty: 0.5}
        scenarios:
          - name: growth
            weights: {budget: 3}
          - name: cautious
            weights: {risk: 5}
        """

    func read(_ yaml: String) throws(ModelFileError) -> ScoringModel {
        try ModelFileReader().read(yaml: yaml, file: "models/test.yaml")
    }

    func failure(_ yaml: String) -> ModelFileError? {
        do {
            _ = try read(yaml)
            return nil
        } catch {
            return error
        }
    }

    @Test("weights of 1e308 each (their sum overflows) normalize like equal weights, not to 0")
    func hugeWeights() throws {
        let yaml = Self.base.replacingOccurrences(of: #"weight: \d\n"#, with: "weight: 1e308\n", options: .regularExpression)
        let model = try read(yaml)
        #expect(model.factors.map(\.weight) == [0.5, 0.5, 0.5, 0.5])
        // The scenarios are on the declared (1e308) scale: budget 3 against share 1e308 is
        // as good as 0; risk 5 likewise. They still normalize without overflow.
        let growth = try model.weights(for: model.scenarios[0])
        #expect(growth.allSatisfy { $0.isFinite })
        #expect(growth[0].isApproximatelyEqual(to: 1, absoluteTolerance: 1e-15, relativeTolerance: 0))
    }

    @Test("weights near the largest double keep their ratios: 1.5e308 and 0.5e308 give 0.75 and 0.25")
    func hugeUnequalWeights() throws {
        let yaml = Self.base.replacingOccurrences(of: "weight: 2", with: "weight: 1.5e308")
            .replacingOccurrences(
                of: "weight: 1\n    scale: {type: linear, min: 0, max: 5000}",
                with: "weight: 0.5e308\n    scale: {type: linear, min: 0, max: 5000}")
        let model = try read(yaml)
        #expect(model.factors[0].weight.isApproximatelyEqual(to: 0.75, absoluteTolerance: 1e-15, relativeTolerance: 0))
        #expect(model.factors[1].weight.isApproximatelyEqual(to: 0.25, absoluteTolerance: 1e-15, relativeTolerance: 0))
    }

    @Test("tiny weights (5e-324, the smallest subnormal) normalize too")
    func tinyWeights() throws {
        let yaml = Self.base.replacingOccurrences(of: "weight: 2", with: "weight: 5e-324")
            .replacingOccurrences(
                of: "weight: 1\n    scale: {type: linear, min: 0, max: 5000}",
                with: "weight: 5e-324\n    scale: {type: linear, min: 0, max: 5000}")
        let model = try read(yaml)
        #expect(model.factors[0].weight == 0.5)
        #expect(model.factors[1].weight == 0.5)
    }

    @Test("difficulty_penalty 1e308 is refused with its line; the bound 1e9 is accepted and keeps priorities finite")
    func hugePenalty() throws {
        let refused = failure(Self.base.replacingOccurrences(of: "difficulty_penalty: 0.5", with: "difficulty_penalty: 1e308"))
        #expect(refused?.line == 30)
        #expect(
            refused?.message
                == "difficulty_penalty is 1e+308; it must be a number from 0 to 1000000000 (a larger penalty leaves the value score no say in the order and its priorities overflow)."
        )
        let model = try read(Self.base.replacingOccurrences(of: "difficulty_penalty: 0.5", with: "difficulty_penalty: 1e9"))
        #expect(model.grading.ranking.key(value: 0, difficulty: 100).isFinite)
    }

    @Test("a scenario name used twice is refused on the second one's line, naming the first")
    func duplicateScenario() {
        let found = failure(Self.base.replacingOccurrences(of: "- name: cautious", with: "- name: growth"))
        #expect(found?.line == 34)
        #expect(
            found?.message
                == "scenario 'growth' is defined twice (first on line 32); give each scenario its own name, so that --scenario and the output columns name one set of weights."
        )
    }

    @Test("a scenario that leaves a side with weight 0 is refused at read time with its line")
    func zeroScenario() {
        let found = failure(Self.base.replacingOccurrences(of: "weights: {budget: 3}", with: "weights: {budget: 0, share: 0}"))
        #expect(found?.line == 32)
        #expect(
            found?.message
                == "scenario 'growth' gives every value factor weight 0; give at least one value factor a positive weight (a factor the scenario does not name keeps the model's weight)."
        )
        let difficulty = failure(Self.base.replacingOccurrences(of: "weights: {risk: 5}", with: "weights: {risk: 0, credit: 0}"))
        #expect(difficulty?.line == 34)
        #expect(difficulty?.message.hasPrefix("scenario 'cautious' gives every difficulty factor weight 0") == true)
    }

    @Test("the engine refuses the same models built in code")
    func engineChecks() throws {
        let model = try read(Self.base)
        #expect(throws: ModelError.duplicateScenario("growth")) {
            try ScoringModel(
                name: "x", factors: model.factors, grading: model.grading,
                scenarios: [WeightScenario(name: "growth", weights: [:]), WeightScenario(name: "growth", weights: ["risk": 2])])
        }
        #expect(throws: ModelError.scenarioWeightsZero(scenario: "none", side: .value)) {
            try ScoringModel(
                name: "x", factors: model.factors, grading: model.grading,
                scenarios: [WeightScenario(name: "none", weights: ["share": 0, "budget": 0])])
        }
        #expect(throws: ModelError.penaltyOutOfRange(1e10)) { try RankingPolicy(difficultyPenalty: 1e10) }
    }
}
