import Foundation
import ScoringTestSupport
import Testing

@testable import ScoringEngine

/// A history where one smoothing strength cannot suit both curves: `jagged` is a code-like
/// number (integers 0…39) whose win rate alternates between neighbours, `smooth` a gentle
/// S-curve on a continuous number. The per-factor refinement must smooth `jagged` less and
/// `smooth` more, and the refined curves must predict fresh accounts better.
private enum RefinementFixture {
    static func jagged(_ x: Double) -> Double { Int(x) % 2 == 0 ? 0.6 : -0.6 }
    static func smooth(_ x: Double) -> Double { 1.2 * tanh((x - 50) / 20) }

    static func history(count n: Int, seed: UInt64) -> (data: LearningData, truth: [Double]) {
        var random = SeededRandom(seed: seed)
        var jaggedValues = [Double]()
        var smoothValues = [Double]()
        var outcomes = [Double]()
        var truth = [Double]()
        for _ in 0..<n {
            let j = Double(Int(40 * random.nextDouble()))
            let s = 100 * random.nextDouble()
            let eta = -1 + jagged(j) + smooth(s)
            outcomes.append(random.nextDouble() < 1 / (1 + exp(-eta)) ? 1 : 0)
            jaggedValues.append(j)
            smoothValues.append(s)
            truth.append(eta)
        }
        return (
            LearningData(
                columns: [
                    LearningColumn(name: "jagged", values: .numeric(jaggedValues)),
                    LearningColumn(name: "smooth", values: .numeric(smoothValues)),
                ],
                outcomes: outcomes),
            truth
        )
    }

    /// The curves learned on `data`, with or without the per-factor refinement.
    static func curves(_ data: LearningData, refines: Bool, smoothing: Double? = nil) throws -> ModelLearner.Curves {
        var options = ModelLearner.Options()
        options.refinesSmoothing = refines
        options.smoothing = smoothing
        return try learnCurves(data, learner: ModelLearner(options: options)).0
    }

    /// Mean log loss on fresh accounts of the additive log-odds of `curves` (the final fit),
    /// each fresh value put in the bin of the nearest training value with the same bin.
    static func freshLogLoss(_ curves: ModelLearner.Curves, training: LearningData, fresh: LearningData) -> Double {
        var eta = [Double](repeating: curves.intercepts[0], count: fresh.outcomes.count)
        for (k, column) in training.columns.enumerated() {
            guard case .numeric(let trainValues) = column.values, case .numeric(let values) = fresh.columns[k].values
            else { return .nan }
            let fit = curves.fits[k][0]
            // Bin of a value: the group of the training row with the nearest value.
            let order = trainValues.indices.sorted { trainValues[$0] < trainValues[$1] }
            let sorted = order.map { trainValues[$0] }
            for (row, x) in values.enumerated() {
                var low = 0
                var high = sorted.count - 1
                while low < high {
                    let middle = (low + high) / 2
                    if sorted[middle] < x { low = middle + 1 } else { high = middle }
                }
                let group = Int(fit.rowGroup[order[low]])
                eta[row] += fit.groups[group].logOdds - curves.intercepts[0]
            }
        }
        var total = 0.0
        for (row, y) in fresh.outcomes.enumerated() {
            let p = 1 / (1 + exp(-eta[row]))
            total -= y >= 0.5 ? log(p) : log(1 - p)
        }
        return total / Double(fresh.outcomes.count)
    }
}

@Suite("Per-factor smoothing of the learned curves")
struct SmoothingRefinementTests {
    @Test("a code-like column whose win rate alternates is smoothed less, a gentle curve more; fresh accounts are predicted better")
    func refinesPerFactor() throws {
        let history = RefinementFixture.history(count: 20_000, seed: 11)
        let refined = try RefinementFixture.curves(history.data, refines: true)
        let shared = try RefinementFixture.curves(history.data, refines: false)
        #expect(shared.multipliers == [1, 1])
        #expect(refined.multipliers[0] < 1, "jagged: \(refined.multipliers)")
        #expect(refined.multipliers[1] > 1, "smooth: \(refined.multipliers)")
        // Multipliers are exact powers of ten.
        for multiplier in refined.multipliers {
            #expect(log10(multiplier).rounded() == log10(multiplier), "\(multiplier)")
        }
        // The alternation (true jump 1.2 between neighbours) is recovered within 0.2 after
        // refinement, where one shared λ flattens it.
        let fit = refined.fits[0][0]
        guard case .numeric(let values) = history.data.columns[0].values else { return }
        var byValue = [Int: Double]()
        for (row, x) in values.enumerated() { byValue[Int(x)] = fit.groups[Int(fit.rowGroup[row])].logOdds }
        let jumps = (0..<39).compactMap { v -> Double? in
            guard let a = byValue[v], let b = byValue[v + 1] else { return nil }
            return abs(a - b)
        }
        let meanJump = jumps.reduce(0, +) / Double(jumps.count)
        #expect(abs(meanJump - 1.2) < 0.2, "mean jump \(meanJump)")
        // Against the truth: fresh accounts from the same generator.
        let fresh = RefinementFixture.history(count: 20_000, seed: 12)
        let refinedLoss = RefinementFixture.freshLogLoss(refined, training: history.data, fresh: fresh.data)
        let sharedLoss = RefinementFixture.freshLogLoss(shared, training: history.data, fresh: fresh.data)
        var truthLoss = 0.0
        for (row, y) in fresh.data.outcomes.enumerated() {
            let p = 1 / (1 + exp(-fresh.truth[row]))
            truthLoss -= y >= 0.5 ? log(p) : log(1 - p)
        }
        truthLoss /= Double(fresh.data.outcomes.count)
        #expect(refinedLoss < sharedLoss, "refined \(refinedLoss) vs shared λ \(sharedLoss)")
        #expect(refinedLoss - truthLoss < 0.004, "refined \(refinedLoss) vs truth \(truthLoss)")
    }

    @Test("a smoothing strength given by the user is kept for every curve")
    func givenStrengthIsKept() throws {
        let history = RefinementFixture.history(count: 4_000, seed: 13)
        let curves = try RefinementFixture.curves(history.data, refines: true, smoothing: 1)
        #expect(curves.lambda == 1)
        #expect(curves.multipliers == [1, 1])
    }
}
