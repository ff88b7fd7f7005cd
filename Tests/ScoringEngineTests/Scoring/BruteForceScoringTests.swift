import Foundation
import RealModule
import ScoringEngine
import ScoringTestSupport
import Testing

/// Scores computed by one BLAS product must equal a plain per-row loop that implements the
/// scale formulas again, independently, without BLAS.
@Suite("Scores against a brute-force computation")
struct BruteForceScoringTests {
    /// The documented utility of one raw value, written out again from the Scale docs.
    static func referenceUtility(_ factor: Factor, column: FactorColumn, row: Int, batch: [Double]) -> Double? {
        var base: Double
        switch (factor.scale, column) {
        case (.categorical(let map, let other), .categorical(let codes)):
            guard codes[row] >= 0 else { return nil }
            base = Int(codes[row]) < map.count ? map[Int(codes[row])].utility : other!.utility
        case (_, .numeric(let values)):
            let x = values[row]
            guard !x.isNaN else { return nil }
            let present = batch.filter { !$0.isNaN }
            switch factor.scale {
            case .linear(let a, let b):
                base = min(max((x - a) / (b - a), 0), 1)
            case .log(let a, let b, let offset):
                let c = min(max(x, a), b)
                base = log(c - a + offset) / log(b - a + offset)
            case .piecewise(let points):
                if x <= points[0].x {
                    base = points[0].utility
                } else if x >= points.last!.x {
                    base = points.last!.utility
                } else {
                    let k = points.indices.last { points[$0].x <= x }!
                    let t = (x - points[k].x) / (points[k + 1].x - points[k].x)
                    base = points[k].utility * (1 - t) + points[k + 1].utility * t
                }
            case .minMax:
                let low = present.min()!
                let high = present.max()!
                base = high > low ? (x - low) / (high - low) : 0.5
            case .zScore(let clip):
                let mean = present.reduce(0, +) / Double(present.count)
                let sd = (present.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(present.count)).squareRoot()
                base = sd > 0 ? (min(max((x - mean) / sd, -clip), clip) + clip) / (2 * clip) : 0.5
            case .binned(let bins):
                // The first bin whose upper edge is above x; the last has none.
                base = (bins.first { $0.upper.map { x < $0 } ?? true })!.utility
            case .categorical, .interaction:
                fatalError("unreachable")
            }
        default:
            fatalError("column kind does not match the scale")
        }
        return factor.direction == .increasing ? base : 1 - base
    }

    /// Per row: value and difficulty scores under normalized `weights`, and completeness.
    static func referenceScores(model: ScoringModel, batch: ProspectBatch, weights: [Double])
        -> [(value: Double, difficulty: Double, completeness: Double)]
    {
        // Per-factor utilities for every row first (the mean policy needs the column's mean).
        var utilities: [[Double?]] = []
        for (index, factor) in model.factors.enumerated() {
            let column = batch.factorColumns[index]
            var raw: [Double] = []
            if case .numeric(let values) = column { raw = values }
            utilities.append((0..<batch.count).map { referenceUtility(factor, column: column, row: $0, batch: raw) })
        }
        return (0..<batch.count).map { row in
            var value = 0.0
            var difficulty = 0.0
            var present = 0.0
            for (index, factor) in model.factors.enumerated() {
                let utility: Double
                if let known = utilities[index][row] {
                    utility = known
                    present += factor.weight / 2
                } else {
                    switch factor.missing {
                    case .worst: utility = factor.side == .value ? 0 : 1
                    case .neutral, .required: utility = 0.5
                    case .mean:
                        let known = utilities[index].compactMap { $0 }
                        utility = known.isEmpty ? 0.5 : known.reduce(0, +) / Double(known.count)
                    case .fixed(let stated, _): utility = stated
                    }
                }
                if factor.side == .value { value += 100 * weights[index] * utility } else { difficulty += 100 * weights[index] * utility }
            }
            return (value, difficulty, present)
        }
    }

    @Test("value and difficulty scores of every scenario equal the per-row loop to 1e-9", arguments: 0..<12)
    func scoresMatchBruteForce(seed: Int) throws {
        var random = SeededRandom(seed: UInt64(1000 + seed))
        let model = ModelFixtures.randomModel(using: &random, scenarios: 3)
        let accounts = [1, 7, 255, 256, 257, 1000][seed % 6]
        let batch = ModelFixtures.randomBatch(for: model, accounts: accounts, using: &random)
        let pipeline = ScoringPipeline(model: model)
        let assessment = pipeline.assess(batch)
        #expect(pipeline.scorer.scenarioCount == 4)
        for scenario in 0..<pipeline.scorer.scenarioCount {
            let weights = pipeline.scorer.scenarioWeights[scenario]
            let expected = Self.referenceScores(model: model, batch: batch, weights: weights)
            for row in 0..<batch.count {
                #expect(
                    assessment.value(row, scenario: scenario).isApproximatelyEqual(
                        to: expected[row].value, absoluteTolerance: 1e-9, relativeTolerance: 0))
                #expect(
                    assessment.difficulty(row, scenario: scenario).isApproximatelyEqual(
                        to: expected[row].difficulty, absoluteTolerance: 1e-9, relativeTolerance: 0))
                #expect(
                    assessment.completeness(row).isApproximatelyEqual(
                        to: expected[row].completeness, absoluteTolerance: 1e-12, relativeTolerance: 0))
                // Within 0...100 up to the rounding of the product (1e-9).
                #expect((-1e-9...(100 + 1e-9)).contains(assessment.value(row, scenario: scenario)))
            }
        }
    }

    @Test("each account's contributions sum to its scores within 1e-9")
    func contributionsSumToScores() throws {
        var random = SeededRandom(seed: 77)
        let model = ModelFixtures.randomModel(using: &random)
        let batch = ModelFixtures.randomBatch(for: model, accounts: 300, using: &random)
        let assessment = ScoringPipeline(model: model).assess(batch)
        for row in 0..<batch.count {
            let explanation = assessment.explanation(of: row)
            #expect(
                explanation.total(.value).isApproximatelyEqual(to: assessment.value(row), absoluteTolerance: 1e-9, relativeTolerance: 0))
            #expect(
                explanation.total(.difficulty).isApproximatelyEqual(
                    to: assessment.difficulty(row), absoluteTolerance: 1e-9, relativeTolerance: 0))
            #expect(explanation.reasonsUp().allSatisfy { $0.impact > 0 })
            #expect(explanation.reasonsDown().allSatisfy { $0.impact < 0 })
        }
    }

    @Test("scenario weights not named keep the model's weight and each side is normalized again")
    func scenarioWeights() throws {
        let model = try ScoringModel(
            name: "m",
            factors: [
                ModelFixtures.factor("a", .value, weight: 1), ModelFixtures.factor("b", .value, weight: 3),
                ModelFixtures.factor("c", .difficulty, weight: 2),
            ],
            grading: ModelFixtures.grading(), scenarios: [WeightScenario(name: "s", weights: ["a": 3])])
        #expect(model.factors.map(\.weight) == [0.25, 0.75, 1])
        #expect(try model.weights(for: model.scenarios[0]) == [0.5, 0.5, 1])
        #expect(try model.weights(for: nil) == [0.25, 0.75, 1])
    }
}
