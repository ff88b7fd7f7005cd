import Dispatch
import Foundation

/// Goodness-of-fit measures for predictions of a binary outcome (won = 1, lost = 0).
///
/// Both measures accept optional non-negative sample weights (a row with weight 2 counts as
/// two identical rows).
public enum BinaryOutcomeMetrics {
    /// The mean negative log-likelihood (log loss, cross-entropy) in nats:
    /// `−Σ sᵢ [yᵢ ln pᵢ + (1 − yᵢ) ln(1 − pᵢ)] / Σ sᵢ`.
    ///
    /// Probabilities are clipped to `[1e-15, 1 − 1e-15]` first (as scikit-learn does), so a
    /// confident wrong prediction costs at most ln(1e15) ≈ 34.5 nats instead of ∞. A model
    /// that always predicts the base rate ȳ scores the binary entropy of ȳ (ln 2 ≈ 0.693 for
    /// ȳ = 0.5).
    ///
    /// - Parameters:
    ///   - probabilities: Predicted P(won), one per row.
    ///   - outcomes: 0 or 1 (or a proportion in 0...1), one per row.
    ///   - weights: Sample weights; `nil` means 1 for every row.
    /// - Returns: The log loss, or `nil` when the total weight is 0.
    public static func logLoss(
        probabilities: [Double], outcomes: [Double], weights: [Double]? = nil
    ) -> Double? {
        requireOneEntryPerRow(probabilities, "probability", outcomes: outcomes, weights: weights, in: "logLoss")
        return weightedMean(outcomes.indices, weights: weights) { index, weight in
            let p = min(max(probabilities[index], 1e-15), 1 - 1e-15)
            let y = outcomes[index]
            return -(weight * (y * log(p) + (1 - y) * log(1 - p)))
        }
    }

    /// The area under the ROC curve: the probability that a randomly chosen won row scores
    /// higher than a randomly chosen lost row, ties counting one half (the Mann–Whitney U
    /// statistic divided by the number of won–lost pairs).
    ///
    /// Rows are sorted once by score; tied scores share their pairs equally, so the result
    /// does not depend on the order of tied rows. Only the order of the scores matters: any
    /// increasing transformation (probabilities, log-odds, points) gives the same AUC.
    ///
    /// - Parameters:
    ///   - scores: Higher means more likely won; finite.
    ///   - outcomes: 1 for won, 0 for lost (values ≥ 0.5 count as won).
    ///   - weights: Sample weights; `nil` means 1 for every row.
    /// - Returns: AUC in 0...1 (0.5 is chance), or `nil` when there is no won or no lost row.
    /// - Complexity: O(n log n).
    public static func areaUnderROC(
        scores: [Double], outcomes: [Double], weights: [Double]? = nil
    ) -> Double? {
        requireOneEntryPerRow(scores, "score", outcomes: outcomes, weights: weights, in: "areaUnderROC")
        if weights == nil, !scores.contains(where: \.isNaN) {
            return unweightedAreaUnderROC(scores: scores, outcomes: outcomes)
        }
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        return ConcordanceCount.areaUnderROC(
            ofSorted: order.count, score: { scores[order[$0]] },
            weights: { index in
                let row = order[index]
                let weight = weights?[row] ?? 1
                return outcomes[row] >= 0.5 ? (won: weight, lost: 0) : (won: 0, lost: weight)
            })
    }
    /// ``areaUnderROC(scores:outcomes:weights:)`` without weights (and without NaN): the won
    /// and the lost scores sorted apart (radix sorts, side by side for large inputs) and
    /// merged. The counts are whole numbers and halves, exact in a `Double`, so the result
    /// is the same, bit for bit, as the one sort of every row by score.
    static func unweightedAreaUnderROC(scores: [Double], outcomes: [Double]) -> Double? {
        var sides: [[Double]] = [[], []]  // won, lost
        for index in scores.indices { sides[outcomes[index] >= 0.5 ? 0 : 1].append(scores[index]) }
        guard !sides[0].isEmpty, !sides[1].isEmpty else { return nil }
        if scores.count >= 100_000 {
            let boxes = [SortBox(sides[0]), SortBox(sides[1])]
            sides = []
            DispatchQueue.concurrentPerform(iterations: 2) { RadixSort.sort(&boxes[$0].values) }
            sides = boxes.map(\.values)
        } else {
            RadixSort.sort(&sides[0])
            RadixSort.sort(&sides[1])
        }
        let wonScores = sides[0]
        let lostScores = sides[1]
        var concordant = 0.0
        var below = 0  // lost scores strictly below the current won score
        var index = 0
        while index < wonScores.count {
            let score = wonScores[index]
            var end = index
            while end < wonScores.count, wonScores[end] == score { end += 1 }
            while below < lostScores.count, lostScores[below] < score { below += 1 }
            var equal = below
            while equal < lostScores.count, lostScores[equal] == score { equal += 1 }
            concordant += Double(end - index) * (Double(below) + 0.5 * Double(equal - below))
            index = end
        }
        return concordant / (Double(wonScores.count) * Double(lostScores.count))
    }

    /// One side's scores, sorted on a thread of its own.
    private final class SortBox: @unchecked Sendable {
        var values: [Double]
        init(_ values: [Double]) { self.values = values }
    }

    /// The Brier score: the mean squared difference between predicted probability and
    /// outcome, `Σ sᵢ (pᵢ − yᵢ)² / Σ sᵢ`, in 0...1 (0 perfect; always predicting the base
    /// rate ȳ scores ȳ(1 − ȳ)).
    ///
    /// - Returns: The score, or `nil` when the total weight is 0.
    public static func brierScore(
        probabilities: [Double], outcomes: [Double], weights: [Double]? = nil
    ) -> Double? {
        requireOneEntryPerRow(probabilities, "probability", outcomes: outcomes, weights: weights, in: "brierScore")
        return weightedMean(outcomes.indices, weights: weights) { index, weight in
            let difference = probabilities[index] - outcomes[index]
            return weight * difference * difference
        }
    }

    /// Stops the program unless `predictions` (named `name`), `outcomes` and `weights` (when
    /// given) have one entry per row: the precondition of the measure `measure`.
    private static func requireOneEntryPerRow(
        _ predictions: [Double], _ name: String, outcomes: [Double], weights: [Double]?, in measure: String
    ) {
        precondition(
            predictions.count == outcomes.count && (weights?.count ?? outcomes.count) == outcomes.count,
            "BinaryOutcomeMetrics.\(measure) needs one \(name), outcome and weight per row")
    }

    /// `Σ sᵢ lossᵢ / Σ sᵢ` over the rows of positive weight, in row order (`nil` weights: 1 a
    /// row), or `nil` when the total weight is 0; `weightedLoss(i, sᵢ)` gives the term
    /// `sᵢ lossᵢ`.
    @inline(__always)
    private static func weightedMean(
        _ rows: Range<Int>, weights: [Double]?, _ weightedLoss: (_ row: Int, _ weight: Double) -> Double
    ) -> Double? {
        var total = 0.0
        var weightSum = 0.0
        for index in rows {
            let weight = weights?[index] ?? 1
            guard weight > 0 else { continue }
            total += weightedLoss(index, weight)
            weightSum += weight
        }
        return weightSum > 0 ? total / weightSum : nil
    }

    /// The expected calibration error over `bins` equal-width probability bins:
    /// `Σ_b (n_b / n) |mean(p in b) − mean(y in b)|`.
    ///
    /// Bin `b` (0-based) holds the probabilities in `[b/B, (b+1)/B)`; the last bin also
    /// holds 1. Empty bins contribute nothing. 0 is perfectly calibrated; the result is in 0...1.
    ///
    /// - Returns: The ECE, or `nil` when there is no row.
    /// - Precondition: `bins ≥ 1`.
    public static func expectedCalibrationError(
        probabilities: [Double], outcomes: [Double], bins: Int = 10
    ) -> Double? {
        precondition(bins >= 1, "BinaryOutcomeMetrics.expectedCalibrationError needs at least one bin")
        precondition(
            probabilities.count == outcomes.count,
            "BinaryOutcomeMetrics.expectedCalibrationError needs one probability and outcome per row")
        guard !outcomes.isEmpty else { return nil }
        var count = [Double](repeating: 0, count: bins)
        var probabilitySum = [Double](repeating: 0, count: bins)
        var outcomeSum = [Double](repeating: 0, count: bins)
        for index in outcomes.indices {
            let p = probabilities[index]
            let bin = min(max(Int(p * Double(bins)), 0), bins - 1)
            count[bin] += 1
            probabilitySum[bin] += p
            outcomeSum[bin] += outcomes[index]
        }
        var error = 0.0
        for bin in 0..<bins where count[bin] > 0 {
            error += abs(probabilitySum[bin] - outcomeSum[bin])
        }
        return error / Double(outcomes.count)
    }
}
