/// Isotonic (monotone non-decreasing) regression by pool-adjacent-violators, and the
/// calibration points it gives.
///
/// ## Mathematical contract
///
/// For values `v₁…vₙ` in a fixed order with weights `w > 0`, ``poolAdjacentViolators(_:weights:)``
/// returns the non-decreasing sequence `f` minimizing `Σ wᵢ (vᵢ − fᵢ)²` (unique). The
/// algorithm keeps a stack of blocks with their weighted mean; a new value is pushed and
/// merged with the block below while the block below has a larger mean. Each value is
/// pushed once and merged at most once: O(n).
///
/// ``calibrationPoints(scores:outcomes:)`` follows scikit-learn's `IsotonicRegression`:
/// rows with equal scores are pooled first (their outcomes averaged), PAV runs over the
/// distinct scores in increasing order, and of each constant block only its first and last
/// score are kept as points (the interpolation between the kept points equals the fit on
/// every distinct score).
public enum IsotonicRegression {
    /// The weighted isotonic (non-decreasing) fit of `values` in the given order.
    ///
    /// - Precondition: one positive weight per value (or `nil` for 1 each).
    public static func poolAdjacentViolators(_ values: [Double], weights: [Double]? = nil) -> [Double] {
        precondition(weights.map { $0.count == values.count } ?? true, "PAV needs one weight per value")
        var means: [Double] = []
        var totals: [Double] = []
        var lengths: [Int] = []
        means.reserveCapacity(values.count)
        for index in values.indices {
            var mean = values[index]
            var total = weights?[index] ?? 1
            var length = 1
            while let last = means.last, last > mean {
                let lastTotal = totals[totals.count - 1]
                mean = (last * lastTotal + mean * total) / (lastTotal + total)
                total += lastTotal
                length += lengths[lengths.count - 1]
                means.removeLast()
                totals.removeLast()
                lengths.removeLast()
            }
            means.append(mean)
            totals.append(total)
            lengths.append(length)
        }
        var fitted: [Double] = []
        fitted.reserveCapacity(values.count)
        for (mean, length) in zip(means, lengths) {
            fitted.append(contentsOf: repeatElement(mean, count: length))
        }
        return fitted
    }

    /// The points of an isotonic calibration of `outcomes` (0/1) on `scores`.
    ///
    /// - Returns: Points with strictly increasing scores and non-decreasing probabilities;
    ///   at least 2 (when every score is equal, the single pooled rate is given at the score
    ///   and at the score + 1).
    /// - Complexity: O(n log n) for the sort.
    public static func calibrationPoints(scores: [Double], outcomes: [Double]) -> [Calibration.Point] {
        precondition(scores.count == outcomes.count, "Isotonic calibration needs one outcome per score")
        guard !scores.isEmpty else { return [] }
        var pairs: [(score: Double, outcome: Double)] = []
        pairs.reserveCapacity(scores.count)
        for index in scores.indices { pairs.append((scores[index], outcomes[index])) }
        pairs.sort { $0.score < $1.score }
        var distinct: [Double] = []
        var rates: [Double] = []
        var counts: [Double] = []
        var start = 0
        while start < pairs.count {
            let score = pairs[start].score
            var end = start
            var won = 0.0
            while end < pairs.count, pairs[end].score == score {
                won += pairs[end].outcome
                end += 1
            }
            distinct.append(score)
            rates.append(won / Double(end - start))
            counts.append(Double(end - start))
            start = end
        }
        let fitted = poolAdjacentViolators(rates, weights: counts)
        var points: [Calibration.Point] = []
        for index in distinct.indices {
            let isBlockStart = index == 0 || fitted[index - 1] != fitted[index]
            let isBlockEnd = index == distinct.count - 1 || fitted[index + 1] != fitted[index]
            if isBlockStart || isBlockEnd {
                points.append(Calibration.Point(score: distinct[index], probability: min(max(fitted[index], 0), 1)))
            }
        }
        if points.count == 1 {
            points.append(Calibration.Point(score: points[0].score + 1, probability: points[0].probability))
        }
        return points
    }
}
