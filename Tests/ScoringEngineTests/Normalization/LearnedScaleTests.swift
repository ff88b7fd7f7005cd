import Foundation
import RealModule
import ScoringEngine
import ScoringTestSupport
import Testing

/// The pieces of a model that `kam model fit` writes: binned scales, a categorical `other`,
/// a stated missing utility and a calibration map.
@Suite("Learned scales, stated missing utilities and calibration")
struct LearnedScaleTests {
    func utilities(_ factor: Factor, _ column: FactorColumn) -> [Double] {
        let other = ModelFixtures.factor("other", factor.side == .value ? .difficulty : .value, weight: 1)
        let model = try! ScoringModel(name: "t", factors: [factor, other], grading: ModelFixtures.grading())
        let batch = ProspectBatch(
            accounts: (0..<column.count).map { Account(id: "\($0)") },
            factorColumns: [column, .numeric(Array(repeating: 1, count: column.count))])
        let built = UtilityBuilder(model: model).build(batch)
        return (0..<column.count).map { built.matrix[$0, 0] }
    }

    static let bins: [Scale.Bin] = [
        .init(upper: 3, utility: 0.1), .init(upper: 9, utility: 0.5, evidence: Evidence(count: 10, won: 4)),
        .init(upper: nil, utility: 0.9),
    ]

    @Test("a binned scale is a step function: x below an edge belongs to that bin, the edge itself to the next")
    func binned() {
        let factor = ModelFixtures.factor("x", .value, weight: 1, scale: .binned(bins: Self.bins))
        let xs: [Double] = [-1e300, 0, 2.999, 3, 8.5, 9, 1e300]
        let expected = [0.1, 0.1, 0.1, 0.5, 0.5, 0.9, 0.9]
        #expect(utilities(factor, .numeric(xs)) == expected)
        // The table used by every scoring path and Scale.utility(of:) agree bit for bit.
        #expect(xs.map { Scale.binned(bins: Self.bins).utility(of: $0) } == expected)
        let decreasing = ModelFixtures.factor("x", .value, weight: 1, scale: .binned(bins: Self.bins), direction: .decreasing)
        #expect(
            utilities(decreasing, .numeric(xs)).isApproximatelyEqual(
                to: expected.map { 1 - $0 }, absoluteTolerance: 1e-15, relativeTolerance: 0))
    }

    @Test("binned scales are validated: edges increase, only the last bin is open, utilities in 0...1")
    func binnedValidation() {
        func invalid(_ bins: [Scale.Bin]) -> Bool {
            let factor = ModelFixtures.factor("x", .value, weight: 1, scale: .binned(bins: bins))
            let other = ModelFixtures.factor("y", .difficulty, weight: 1)
            return (try? ScoringModel(name: "t", factors: [factor, other], grading: ModelFixtures.grading())) == nil
        }
        #expect(!invalid(Self.bins))
        #expect(invalid([.init(upper: 9, utility: 0.1), .init(upper: 3, utility: 0.5), .init(upper: nil, utility: 1)]))
        #expect(invalid([.init(upper: 3, utility: 0.1), .init(upper: nil, utility: 0.5), .init(upper: nil, utility: 1)]))
        #expect(invalid([.init(upper: 3, utility: 0.1), .init(upper: 5, utility: 1)]))
        #expect(invalid([.init(upper: 3, utility: 1.2), .init(upper: nil, utility: 1)]))
        #expect(invalid([.init(upper: nil, utility: 1)]))
    }

    @Test("a categorical scale with other gives code map.count other's utility")
    func categoricalOther() {
        let map: [Scale.Category] = [.init(label: "a", utility: 0.2), .init(label: "b", utility: 0.6)]
        let scale = Scale.categorical(map: map, other: .init(label: Scale.otherLabel, utility: 0.45))
        #expect(scale.categoryUtilities == [0.2, 0.6, 0.45])
        let factor = ModelFixtures.factor("x", .value, weight: 1, scale: scale)
        #expect(utilities(factor, .categorical([0, 2, 1, -1])) == [0.2, 0.45, 0.6, 0.5])
    }

    @Test("a stated missing utility is used as written, whatever the side and direction")
    func fixedMissing() {
        let factor = Factor(
            id: "x", label: LocalizedLabel(en: "x", zh: "x"), column: "x", side: .difficulty, weight: 1,
            direction: .decreasing, scale: .linear(min: 0, max: 10), missing: .fixed(utility: 0.3, evidence: nil))
        #expect(utilities(factor, .numeric([.nan, 10])) == [0.3, 0])
        let bad = Factor(
            id: "x", label: LocalizedLabel(en: "x", zh: "x"), column: "x", side: .value, weight: 1,
            scale: .linear(min: 0, max: 10), missing: .fixed(utility: 1.5, evidence: nil))
        #expect(throws: ModelError.invalidMissingUtility(factor: "x", utility: 1.5)) {
            try ScoringModel(
                name: "t", factors: [bad, ModelFixtures.factor("y", .difficulty, weight: 1)], grading: ModelFixtures.grading())
        }
    }

    @Test("Platt calibration is the logistic function of intercept + slope × score")
    func platt() throws {
        let calibration = try Calibration(method: .platt(intercept: -2, slope: 0.05))
        for score in [-100.0, -10, 0, 40, 100] {
            let expected = 1 / (1 + exp(-(-2 + 0.05 * score)))
            #expect(
                calibration.probability(ofScore: score).isApproximatelyEqual(
                    to: expected, absoluteTolerance: 1e-15, relativeTolerance: 1e-14))
        }
        // Far in the tails the stable form neither overflows nor returns NaN.
        #expect(try Calibration(method: .platt(intercept: 0, slope: 1)).probability(ofScore: -1e4) == 0)
        #expect(try Calibration(method: .platt(intercept: 0, slope: 1)).probability(ofScore: 1e4) == 1)
    }

    @Test("isotonic calibration interpolates linearly between its points and is flat beyond them")
    func isotonic() throws {
        let points: [Calibration.Point] = [
            .init(score: -20, probability: 0.05), .init(score: 0, probability: 0.2), .init(score: 20, probability: 0.2),
            .init(score: 40, probability: 0.8),
        ]
        let calibration = try Calibration(method: .isotonic(points: points))
        let scores: [Double] = [-50, -20, -10, 0, 10, 30, 40, 90]
        let expected = [0.05, 0.05, 0.125, 0.2, 0.2, 0.5, 0.8, 0.8]
        #expect(
            scores.map(calibration.probability(ofScore:)).isApproximatelyEqual(to: expected, absoluteTolerance: 1e-15, relativeTolerance: 0)
        )
    }

    @Test(
        "malformed calibrations are refused",
        arguments: [
            Calibration.Method.isotonic(points: [.init(score: 0, probability: 0.5)]),
            .isotonic(points: [.init(score: 0, probability: 0.5), .init(score: 0, probability: 0.6)]),
            .isotonic(points: [.init(score: 0, probability: 0.5), .init(score: 1, probability: 0.4)]),
            .isotonic(points: [.init(score: 0, probability: 0.5), .init(score: 1, probability: 1.4)]),
            .platt(intercept: .nan, slope: 1),
        ])
    func malformed(method: Calibration.Method) {
        #expect(throws: ModelError.self) { try Calibration(method: method) }
    }

    @Test("a model's probability maps its ranking key through the calibration")
    func modelProbability() throws {
        let model = try ScoringModel(
            name: "t", factors: [ModelFixtures.factor("v", .value, weight: 1), ModelFixtures.factor("d", .difficulty, weight: 1)],
            grading: ModelFixtures.grading())
        #expect(model.probability(value: 60, difficulty: 20) == nil)
        let calibrated = try model.replacing(calibration: try Calibration(method: .platt(intercept: -1, slope: 0.02)))
        let key = model.grading.ranking.key(value: 60, difficulty: 20)
        let expected = 1 / (1 + exp(1 - 0.02 * key))
        #expect(
            try #require(calibrated.probability(value: 60, difficulty: 20)).isApproximatelyEqual(
                to: expected, absoluteTolerance: 1e-15, relativeTolerance: 1e-14))
        // Replacing nothing else keeps the rest of the model.
        #expect(calibrated.factors == model.factors)
        #expect(try calibrated.replacing(calibration: .some(nil)) == model)
    }
}
