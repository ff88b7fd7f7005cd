import Foundation

/// The steps that turn a column's outcomes into learned groups: quantile pre-bins, monotone
/// pooling, ChiMerge, and shrinkage of log-odds toward the overall rate.
///
/// Every step works on groups of decided accounts given as ``Evidence`` (count, won), in
/// the order of the column's values.
public enum OutcomeBinning {
    /// A run of accounts: the smallest raw value in it and its evidence.
    public struct Run: Sendable, Equatable {
        public var first: Double
        public var count: Int
        public var won: Int
        public init(first: Double, count: Int, won: Int) {
            self.first = first
            self.count = count
            self.won = won
        }
    }

    /// The shrunk win rate `(won + m p̄) / (count + m)`: a group with few accounts lands
    /// near the overall rate `p̄`, one with many near its own rate.
    @inline(__always)
    public static func shrunkRate(won: Int, count: Int, overallRate: Double, pseudoCounts: Double) -> Double {
        (Double(won) + pseudoCounts * overallRate) / (Double(count) + pseudoCounts)
    }

    /// `ln(r / (1 − r))` with r clipped to [1e-12, 1 − 1e-12].
    @inline(__always)
    public static func logit(_ rate: Double) -> Double {
        let r = min(max(rate, 1e-12), 1 - 1e-12)
        return log(r / (1 - r))
    }

    /// Pre-bins from runs of distinct values (ascending): bins close at the quantiles
    /// `k/maximumBins` of the accounts, never inside a run of tied values, and only once they
    /// hold `minimumCount` accounts; a last bin with fewer is merged into the one before. A run
    /// of tied values that alone holds a quantile's share starts a new bin when the bin before
    /// it already holds `minimumCount` accounts.
    ///
    /// - Returns: At most `maximumBins` bins (one when there are fewer than `2 × minimumCount`
    ///   accounts), each with at least `minimumCount` accounts unless there is only one.
    public static func preBins(runs: [Run], maximumBins: Int, minimumCount: Int) -> [Run] {
        guard let firstRun = runs.first else { return [] }
        let total = runs.reduce(0) { $0 + $1.count }
        var bins: [Run] = []
        var current = Run(first: firstRun.first, count: 0, won: 0)
        var cumulative = 0
        let quantileCount = Double(total) / Double(maximumBins)
        for run in runs {
            // A run that alone fills a quantile (a value on many rows, such as a code 999)
            // starts a bin of its own, so it is never pooled with the few values before it.
            if current.count >= minimumCount, Double(run.count) >= quantileCount, bins.count + 2 <= maximumBins {
                bins.append(current)
                current = Run(first: run.first, count: 0, won: 0)
            }
            if current.count == 0 { current.first = run.first }
            current.count += run.count
            current.won += run.won
            cumulative += run.count
            let boundary = Double(bins.count + 1) * Double(total) / Double(maximumBins)
            if Double(cumulative) >= boundary - 1e-9, current.count >= minimumCount, cumulative < total {
                bins.append(current)
                current = Run(first: 0, count: 0, won: 0)
            }
        }
        if current.count > 0 {
            if current.count < minimumCount, var last = bins.popLast() {
                last.count += current.count
                last.won += current.won
                bins.append(last)
            } else {
                bins.append(current)
            }
        }
        return bins
    }

    /// Pools adjacent bins until the shrunk win rate strictly increases (or strictly
    /// decreases) from bin to bin.
    ///
    /// Pool-adjacent-violators with the block value `(won + m p̄)/(count + m)` of the pooled
    /// counts: a bin is merged into the block before it while that block's rate is not
    /// below it (for increasing), so bins made equal are merged too. With `m = 0` this is the
    /// count-weighted isotonic regression of the bins' rates.
    public static func monotone(_ bins: [Run], increasing: Bool, overallRate: Double, pseudoCounts: Double) -> [Run] {
        var stack: [Run] = []
        func value(_ run: Run) -> Double {
            let rate = shrunkRate(won: run.won, count: run.count, overallRate: overallRate, pseudoCounts: pseudoCounts)
            return increasing ? rate : -rate
        }
        for bin in bins {
            var block = bin
            while let last = stack.last, value(last) >= value(block) {
                block = Run(first: last.first, count: last.count + block.count, won: last.won + block.won)
                stack.removeLast()
            }
            stack.append(block)
        }
        return stack
    }

    /// ChiMerge: repeatedly merges the adjacent pair of bins whose win rates differ least
    /// (smallest Pearson χ² of their 2 × 2 won/lost table, 1 degree of freedom) while that
    /// pair's p-value is above `significance`.
    public static func chiMerge(_ bins: [Run], significance: Double) -> [Run] {
        var bins = bins
        while bins.count > 1 {
            var best = 0
            var bestStatistic = Double.infinity
            for index in 0..<(bins.count - 1) {
                let statistic = chiSquare(bins[index], bins[index + 1])
                if statistic < bestStatistic {
                    bestStatistic = statistic
                    best = index
                }
            }
            guard chiSquarePValue(bestStatistic) > significance else { break }
            let merged = Run(
                first: bins[best].first, count: bins[best].count + bins[best + 1].count,
                won: bins[best].won + bins[best + 1].won)
            bins.replaceSubrange(best...(best + 1), with: [merged])
        }
        return bins
    }

    /// Pearson's χ² of the table [[won₁, lost₁], [won₂, lost₂]]: N (w₁l₂ − w₂l₁)² / (n₁ n₂ W L);
    /// 0 when a margin is empty (no evidence of a difference).
    public static func chiSquare(_ a: Run, _ b: Run) -> Double {
        let w1 = Double(a.won)
        let l1 = Double(a.count - a.won)
        let w2 = Double(b.won)
        let l2 = Double(b.count - b.won)
        let n1 = w1 + l1
        let n2 = w2 + l2
        let won = w1 + w2
        let lost = l1 + l2
        let denominator = n1 * n2 * won * lost
        guard denominator > 0 else { return 0 }
        let cross = w1 * l2 - w2 * l1
        return (n1 + n2) * cross * cross / denominator
    }

    /// The upper-tail probability of χ² with 1 degree of freedom: erfc(√(x/2)).
    public static func chiSquarePValue(_ statistic: Double) -> Double {
        erfc((max(statistic, 0) / 2).squareRoot())
    }

    /// Information value Σ (%wonᵢ − %lostᵢ) · WoEᵢ over groups given as (count, won), with
    /// WoEᵢ = ln(%wonᵢ / %lostᵢ), %wonᵢ = wonᵢ / W, %lostᵢ = lostᵢ / L. A group with no won or no
    /// lost account gets 0.5 added to both of its cells; empty groups are skipped.
    public static func informationValue(_ groups: [Evidence]) -> Double {
        let won = Double(groups.reduce(0) { $0 + $1.won })
        let lost = Double(groups.reduce(0) { $0 + $1.count - $1.won })
        guard won > 0, lost > 0 else { return 0 }
        var total = 0.0
        for group in groups where group.count > 0 {
            let (shareWon, shareLost) = shares(group, won: won, lost: lost)
            total += (shareWon - shareLost) * log(shareWon / shareLost)
        }
        return total
    }

    /// WoE = ln(%won / %lost) of one group (0 for an empty group or a single-class history).
    public static func weightOfEvidence(_ group: Evidence, won: Int, lost: Int) -> Double {
        guard group.count > 0, won > 0, lost > 0 else { return 0 }
        let (shareWon, shareLost) = shares(group, won: Double(won), lost: Double(lost))
        return log(shareWon / shareLost)
    }

    static func shares(_ group: Evidence, won: Double, lost: Double) -> (Double, Double) {
        var groupWon = Double(group.won)
        var groupLost = Double(group.count - group.won)
        if groupWon == 0 || groupLost == 0 {
            groupWon += 0.5
            groupLost += 0.5
        }
        return (groupWon / won, groupLost / lost)
    }
}
