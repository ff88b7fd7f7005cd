import RealModule
import ScoringEngine
import ScoringTestSupport
import Testing

/// The quantitative items of §2.2 against hand-worked points.
@Suite("Scorecard stepped rules (§2.2 定量指标)")
struct SteppedRuleTests {
    func salesRule(partial: SteppedRule.PartialSteps = .whole, bonus: Bool = true, floor: Double? = 0) -> SteppedRule {
        SteppedRule(
            measure: .salesCompletion, standard: 100, pointsAtStandard: 25, above: .init(step: 5, points: 1),
            below: .init(step: 5, points: 1), partialSteps: partial, bonusMayExceedMaximum: bonus, floor: floor)
    }

    @Test(
        "sales completion, whole steps: 25 at 100%, −1 per full 5% below, +1 per full 5% above",
        arguments: [
            (100.0, 25.0), (99.0, 25.0), (96.0, 25.0), (95.0, 24.0), (94.0, 24.0), (92.0, 24.0), (90.01, 24.0),
            (90.0, 23.0), (80.0, 21.0), (50.0, 15.0), (0.0, 5.0), (103.0, 25.0), (104.99, 25.0), (105.0, 26.0),
            (106.67, 26.0), (110.0, 27.0), (200.0, 45.0),
        ])
    func wholeSteps(completion: Double, points: Double) {
        #expect(salesRule().outcome(measured: completion, maximum: 25).points == points)
    }

    @Test(
        "sales completion, started steps: any part of a step counts",
        arguments: [(100.0, 25.0), (99.0, 24.0), (95.0, 24.0), (94.0, 23.0), (101.0, 26.0), (110.0, 27.0)])
    func startedSteps(completion: Double, points: Double) {
        #expect(salesRule(partial: .started).outcome(measured: completion, maximum: 25).points == points)
    }

    @Test(
        "sales completion, proportional steps: 0.2 points per percent",
        arguments: [(97.0, 24.4), (92.0, 23.4), (107.5, 26.5), (100.0, 25.0)])
    func proportionalSteps(completion: Double, points: Double) {
        let scored = salesRule(partial: .proportional).outcome(measured: completion, maximum: 25).points
        #expect(scored.isApproximatelyEqual(to: points, absoluteTolerance: 1e-12, relativeTolerance: 0))
    }

    @Test("a completion a hair under a step boundary (rounding) still counts the step")
    func rounding() {
        // 100 × 0.95 is 95.00000000000001 in binary; 94.99999999999999 is the other side.
        #expect(salesRule().outcome(measured: 94.99999999999999, maximum: 25).points == 24)
        #expect(salesRule().outcome(measured: 100 * 0.95, maximum: 25).points == 24)
        #expect(salesRule(partial: .started).outcome(measured: 95.00000000000001, maximum: 25).points == 24)
    }

    @Test("with bonus capped, points above the standard stop at the item's maximum")
    func capped() {
        let outcome = salesRule(bonus: false).outcome(measured: 110, maximum: 25)
        #expect(outcome.points == 25)
        #expect(outcome.uncapped == 27)
        #expect(outcome.capped)
    }

    @Test("the floor stops deductions at 0; without a floor they go on")
    func floor() {
        let steep = SteppedRule(
            measure: .salesCompletion, standard: 100, pointsAtStandard: 25, above: nil, below: .init(step: 2, points: 1))
        #expect(steep.outcome(measured: 0, maximum: 25).points == 0)
        #expect(steep.outcome(measured: 0, maximum: 25).floored)
        let noFloor = SteppedRule(
            measure: .salesCompletion, standard: 100, pointsAtStandard: 25, above: nil, below: .init(step: 2, points: 1),
            floor: nil)
        #expect(noFloor.outcome(measured: 0, maximum: 25).points == -25)
    }

    @Test(
        "new customers: 5 at plan, +1 each above, −1 per two short (whole)",
        arguments: [(0.0, 5.0), (2.0, 7.0), (-1.0, 5.0), (-2.0, 4.0), (-3.0, 4.0), (-4.0, 3.0), (-10.0, 0.0), (-20.0, 0.0)])
    func newCustomers(difference: Double, points: Double) throws {
        let item = try #require(PerformanceFixtures.seedItems().first { $0.id == "new_customers" })
        guard case .stepped(let rule) = item.rule else {
            Issue.record("not stepped")
            return
        }
        #expect(rule.outcome(measured: difference, maximum: 5).points == points)
    }

    @Test(
        "sales growth: +1 per 10万 up to 10, no deduction for a fall",
        arguments: [(0.0, 0.0), (9.0, 0.0), (10.0, 1.0), (45.0, 4.0), (100.0, 10.0), (150.0, 10.0), (-38.0, 0.0)])
    func growth(increase: Double, points: Double) throws {
        let item = try #require(PerformanceFixtures.seedItems().first { $0.id == "sales_growth" })
        guard case .stepped(let rule) = item.rule else {
            Issue.record("not stepped")
            return
        }
        #expect(rule.outcome(measured: increase, maximum: 10).points == points)
        // A plan's growth step of 5万 doubles the points (still capped at 10).
        #expect(rule.outcome(measured: increase, maximum: 10, aboveStep: 5).points == min(10, max(0, (increase / 5).rounded(.down))))
    }
}
