import Foundation
import RealModule
import ScoringEngine
import ScoringTestSupport
import Testing

@Suite("Calibration fitting and outcome metrics")
struct CalibrationFittingTests {
    /// Brute-force isotonic regression by the min–max formula
    /// fᵢ = max_{j ≤ i} min_{k ≥ i} mean(v_j…v_k) (weights 1).
    static func bruteForceIsotonic(_ values: [Double]) -> [Double] {
        var fitted: [Double] = []
        for i in values.indices {
            var best = -Double.infinity
            for j in 0...i {
                var smallest = Double.infinity
                for k in i..<values.count {
                    let mean: Double = values[j...k].reduce(0, +) / Double(k - j + 1)
                    smallest = min(smallest, mean)
                }
                best = max(best, smallest)
            }
            fitted.append(best)
        }
        return fitted
    }

    @Test("pool adjacent violators equals the brute-force isotonic fit", arguments: 0..<40)
    func pavMatchesBruteForce(seed: Int) {
        var random = SeededRandom(seed: UInt64(seed) + 1)
        let values = (0..<(1 + Int(random.next() % 7))).map { _ in Double(Int(random.next() % 5)) }
        let fitted = IsotonicRegression.poolAdjacentViolators(values)
        #expect(fitted.isApproximatelyEqual(to: Self.bruteForceIsotonic(values), absoluteTolerance: 1e-12, relativeTolerance: 0))
    }

    @Test("isotonic calibration points pool ties and keep the ends of constant blocks")
    func isotonicPoints() {
        let points = IsotonicRegression.calibrationPoints(scores: [1, 2, 3, 4, 4], outcomes: [0, 1, 0, 1, 1])
        // Rates per distinct score: 0, 1, 0, 1 → PAV 0, ½, ½, 1.
        #expect(points.map(\.score) == [1, 2, 3, 4])
        #expect(points.map(\.probability).isApproximatelyEqual(to: [0, 0.5, 0.5, 1], absoluteTolerance: 1e-15, relativeTolerance: 0))
    }

    @Test("Platt scaling on a two-valued score recovers the two empirical log-odds")
    func plattClosedForm() {
        // Score 0: 30 won of 100; score 1: 70 of 100 → a = logit 0.3, b = logit 0.7 − logit 0.3.
        var scores: [Double] = []
        var outcomes: [Double] = []
        for index in 0..<200 {
            let score = index < 100 ? 0.0 : 1.0
            scores.append(score)
            outcomes.append((index % 100) < (score == 0 ? 30 : 70) ? 1 : 0)
        }
        let fit = PlattScaling.fit(scores: scores, outcomes: outcomes)
        let logit = { (p: Double) in log(p / (1 - p)) }
        #expect(fit.intercept.isApproximatelyEqual(to: logit(0.3), absoluteTolerance: 1e-4, relativeTolerance: 0))
        #expect(fit.slope.isApproximatelyEqual(to: logit(0.7) - logit(0.3), absoluteTolerance: 1e-4, relativeTolerance: 0))
    }

    @Test("Brier score and expected calibration error of hand-computed examples")
    func metrics() {
        let brier = BinaryOutcomeMetrics.brierScore(probabilities: [0.2, 0.8, 0.5], outcomes: [0, 1, 1])
        #expect(brier?.isApproximatelyEqual(to: 0.11, absoluteTolerance: 1e-15, relativeTolerance: 0) == true)
        // Bins: [0, .1): p .05, y 0; [.1, .2): p .15, .12, y 1, 0; [.9, 1]: p .95, y 1.
        let ece = BinaryOutcomeMetrics.expectedCalibrationError(
            probabilities: [0.05, 0.15, 0.12, 0.95], outcomes: [0, 1, 0, 1], bins: 10)
        #expect(ece?.isApproximatelyEqual(to: (0.05 + 0.73 + 0.05) / 4, absoluteTolerance: 1e-15, relativeTolerance: 0) == true)
        #expect(BinaryOutcomeMetrics.expectedCalibrationError(probabilities: [1.0], outcomes: [1], bins: 10) == 0)
    }
}
