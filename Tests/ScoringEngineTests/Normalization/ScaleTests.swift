import Foundation
import RealModule
import ScoringEngine
import ScoringTestSupport
import Testing

@Suite("Scales and missing-value policies")
struct ScaleTests {
    func utilities(_ factor: Factor, _ column: FactorColumn, extra: Factor? = nil) -> [Double] {
        let other = extra ?? ModelFixtures.factor("other", factor.side == .value ? .difficulty : .value, weight: 1)
        let model = try! ScoringModel(name: "t", factors: [factor, other], grading: ModelFixtures.grading())
        let batch = ProspectBatch(
            accounts: (0..<column.count).map { Account(id: "\($0)") },
            factorColumns: [column, .numeric(Array(repeating: 1, count: column.count))])
        let built = UtilityBuilder(model: model).build(batch)
        return (0..<column.count).map { built.matrix[$0, 0] }
    }

    @Test("linear clamps below min and above max")
    func linear() {
        let factor = ModelFixtures.factor("x", .value, weight: 1, scale: .linear(min: 10, max: 30))
        let result = utilities(factor, .numeric([0, 10, 15, 30, 99]))
        #expect(result.isApproximatelyEqual(to: [0, 0, 0.25, 1, 1], absoluteTolerance: 1e-15, relativeTolerance: 0))
    }

    @Test("decreasing direction mirrors the utility")
    func decreasing() {
        let factor = ModelFixtures.factor("x", .difficulty, weight: 1, scale: .linear(min: -2, max: 2), direction: .decreasing)
        let result = utilities(factor, .numeric([-2, 0, 1, 2]))
        #expect(result.isApproximatelyEqual(to: [1, 0.5, 0.25, 0], absoluteTolerance: 1e-15, relativeTolerance: 0))
    }

    @Test("log scale: ln(x − min + offset) / ln(max − min + offset)")
    func logScale() {
        let factor = ModelFixtures.factor("x", .value, weight: 1, scale: .log(min: 0, max: 5000, offset: 1))
        let result = utilities(factor, .numeric([0, 1000, 5000, 9000, -5]))
        let expected = [0, log(1001.0) / log(5001.0), 1, 1, 0]
        #expect(result.isApproximatelyEqual(to: expected, absoluteTolerance: 1e-15, relativeTolerance: 1e-15))
        // The seed's 10,000,000 CNY line (1,000万) sits at 0.8111 on the default budget scale.
        #expect(result[1].isApproximatelyEqual(to: 0.81113, absoluteTolerance: 1e-5, relativeTolerance: 0))
    }

    @Test("piecewise interpolates between points and is flat outside them")
    func piecewise() {
        let points: [Scale.Point] = [
            .init(x: 0, utility: 0), .init(x: 30, utility: 0.2), .init(x: 90, utility: 0.7), .init(x: 180, utility: 1),
        ]
        let factor = ModelFixtures.factor("x", .difficulty, weight: 1, scale: .piecewise(points: points))
        let result = utilities(factor, .numeric([-10, 0, 15, 30, 60, 135, 180, 400]))
        let expected = [0, 0, 0.1, 0.2, 0.45, 0.85, 1, 1]
        #expect(result.isApproximatelyEqual(to: expected, absoluteTolerance: 1e-15, relativeTolerance: 0))
    }

    @Test("categorical maps codes to their utilities")
    func categorical() {
        let map: [Scale.Category] = [.init(label: "AAA", utility: 0), .init(label: "B", utility: 0.65), .init(label: "C", utility: 1)]
        let factor = ModelFixtures.factor("x", .difficulty, weight: 1, scale: .categorical(map: map))
        #expect(utilities(factor, .categorical([2, 0, 1])) == [1, 0, 0.65])
    }

    @Test("min-max is batch-relative; a batch without spread gets 0.5")
    func minMax() {
        let factor = ModelFixtures.factor("x", .value, weight: 1, scale: .minMax)
        #expect(
            utilities(factor, .numeric([5, 10, 7.5])).isApproximatelyEqual(to: [0, 1, 0.5], absoluteTolerance: 1e-15, relativeTolerance: 0))
        #expect(utilities(factor, .numeric([3, 3])) == [0.5, 0.5])
        #expect(Scale.minMax.isBatchRelative)
    }

    @Test("z-score maps ±clip onto 0...1 with the population standard deviation")
    func zScore() {
        // Values 2, 4, 4, 4, 5, 5, 7, 9: mean 5, population sd 2.
        let factor = ModelFixtures.factor("x", .value, weight: 1, scale: .zScore(clip: 1))
        let result = utilities(factor, .numeric([2, 4, 4, 4, 5, 5, 7, 9]))
        let expected = [0, 0.25, 0.25, 0.25, 0.5, 0.5, 1, 1]
        #expect(result.isApproximatelyEqual(to: expected, absoluteTolerance: 1e-12, relativeTolerance: 0))
    }

    @Test("missing values: worst is 0 on the value side and 1 on the difficulty side")
    func worst() {
        let value = ModelFixtures.factor("v", .value, weight: 1, missing: .worst)
        let difficulty = ModelFixtures.factor("d", .difficulty, weight: 1, missing: .worst)
        #expect(utilities(value, .numeric([.nan, 5])) == [0, 0.5])
        #expect(utilities(difficulty, .numeric([.nan, 5]), extra: ModelFixtures.factor("v", .value, weight: 1)) == [1, 0.5])
    }

    @Test("missing values: neutral is 0.5 and mean is the mean utility of the present values")
    func neutralAndMean() {
        let neutral = ModelFixtures.factor("n", .value, weight: 1, missing: .neutral)
        #expect(utilities(neutral, .numeric([.nan, 10])) == [0.5, 1])
        let mean = ModelFixtures.factor("m", .value, weight: 1, missing: .mean)
        let result = utilities(mean, .numeric([.nan, 10, 2, .nan]))
        #expect(result.isApproximatelyEqual(to: [0.6, 1, 0.2, 0.6], absoluteTolerance: 1e-15, relativeTolerance: 0))
        let categorical = ModelFixtures.factor(
            "c", .value, weight: 1, scale: .categorical(map: [.init(label: "x", utility: 0.2), .init(label: "y", utility: 0.8)]),
            missing: .mean)
        #expect(
            utilities(categorical, .categorical([-1, 0, 1, 1])).isApproximatelyEqual(
                to: [0.6, 0.2, 0.8, 0.8], absoluteTolerance: 1e-15, relativeTolerance: 0))
    }

    @Test("completeness is the weighted share of factors present, each side weighing one half")
    func completeness() throws {
        let model = try ScoringModel(
            name: "c",
            factors: [
                ModelFixtures.factor("a", .value, weight: 3), ModelFixtures.factor("b", .value, weight: 1),
                ModelFixtures.factor("d", .difficulty, weight: 1),
            ], grading: ModelFixtures.grading())
        let batch = ProspectBatch(
            accounts: [Account(id: "1"), Account(id: "2"), Account(id: "3")],
            factorColumns: [.numeric([1, .nan, .nan]), .numeric([1, 1, .nan]), .numeric([.nan, 1, .nan])])
        let built = UtilityBuilder(model: model).build(batch)
        #expect(built.completeness.isApproximatelyEqual(to: [0.5, 0.625, 0], absoluteTolerance: 1e-15, relativeTolerance: 0))
        #expect(built.present == [true, true, false, false, true, true, false, false, false])
    }
}
