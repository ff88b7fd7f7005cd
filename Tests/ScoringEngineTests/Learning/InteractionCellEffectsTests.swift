import Foundation
import Testing

@testable import ScoringEngine

/// A pair's cell effects and log loss computed from each row's e^−η taken once
/// (``ModelLearner/Offsets``) against the textbook form with one exponential per row and
/// Newton step (p = logistic(η + δ), ln(1 + e^(η+δ)) − y(η + δ)).
@Suite("Interactions: cell effects from the offsets' exponentials")
struct InteractionCellEffectsTests {
    /// The textbook Newton steps per cell.
    static func referenceEffects(
        cell: [UInt16], cellCount: Int, eta: [Double], rows: [Int], outcomes: [Double], ridge: Double
    ) -> [Double] {
        var delta = [Double](repeating: 0, count: cellCount)
        for _ in 0..<5 {
            var gradient = [Double](repeating: 0, count: cellCount)
            var information = [Double](repeating: 0, count: cellCount)
            for row in rows {
                let c = Int(cell[row])
                let t = eta[row] + delta[c]
                let p = t >= 0 ? 1 / (1 + exp(-t)) : exp(t) / (1 + exp(t))
                gradient[c] += outcomes[row] - p
                information[c] += p * (1 - p)
            }
            for c in 0..<cellCount { delta[c] += (gradient[c] - ridge * delta[c]) / (information[c] + ridge) }
        }
        return delta
    }

    /// −Σ log-likelihood, one log1p and one exponential per row.
    static func referenceLoss(rows: [Int], eta: [Double], outcomes: [Double], cell: [UInt16], delta: [Double]) -> Double {
        rows.reduce(0.0) { total, row in
            let t = eta[row] + delta[Int(cell[row])]
            return total + max(t, 0) + log1p(exp(-abs(t))) - outcomes[row] * t
        }
    }

    @Test("δ and the log loss equal the one-exponential-per-row forms (relative 1e-12), offsets of ±800 included")
    func matchesTextbookForm() {
        var random = SeededRandom(seed: 77)
        let n = 20_000
        let cellCount = 12
        let cell = (0..<n).map { _ in UInt16.random(in: 0..<UInt16(cellCount), using: &random) }
        var eta = (0..<n).map { _ in Double.random(in: -4...3, using: &random) }
        // Offsets whose exponentials are +∞ or 0 in a double, in two cells' rows.
        for row in stride(from: 0, to: n, by: 97) { eta[row] = cell[row] == 3 ? 800 : (cell[row] == 5 ? -800 : eta[row]) }
        let outcomes = eta.map { t in Double.random(in: 0..<1, using: &random) < 1 / (1 + exp(-(t + 0.3))) ? 1.0 : 0.0 }
        let rows = (0..<n).filter { $0 % 4 != 1 }
        let held = (0..<n).filter { $0 % 4 == 1 }
        let offsets = ModelLearner.Offsets([eta])
        #expect(offsets.negatedExponentials[0].contains(.infinity) && offsets.negatedExponentials[0].contains(0))
        let effects = ModelLearner.cellEffects(
            cell: cell, cellCount: cellCount, negatedExponentials: offsets.negatedExponentials[0], rows: rows,
            outcomes: outcomes, ridge: 0.4)
        let expected = Self.referenceEffects(
            cell: cell, cellCount: cellCount, eta: eta, rows: rows, outcomes: outcomes, ridge: 0.4)
        for c in 0..<cellCount {
            #expect(abs(effects.delta[c] - expected[c]) <= 1e-12 * max(abs(expected[c]), 1), "cell \(c)")
            #expect(abs(effects.negatedExponentials[c] - exp(-effects.delta[c])) <= 1e-15 * exp(-effects.delta[c]))
        }
        // The effects must have moved: a pair that explains something.
        #expect(expected.contains { abs($0) > 0.05 })
        let loss = ModelLearner.logLoss(
            rows: held, eta: eta, negatedExponentials: offsets.negatedExponentials[0], outcomes: outcomes, cell: cell,
            effects: effects)
        let expectedLoss = Self.referenceLoss(rows: held, eta: eta, outcomes: outcomes, cell: cell, delta: effects.delta)
        #expect(loss.isFinite && abs(loss - expectedLoss) <= 1e-12 * expectedLoss, "\(loss) against \(expectedLoss)")
        let before = ModelLearner.logLoss(
            rows: held, eta: eta, negatedExponentials: offsets.negatedExponentials[0], outcomes: outcomes)
        let expectedBefore = Self.referenceLoss(
            rows: held, eta: eta, outcomes: outcomes, cell: cell, delta: [Double](repeating: 0, count: cellCount))
        #expect(abs(before - expectedBefore) <= 1e-12 * expectedBefore, "\(before) against \(expectedBefore)")
    }
}
