/// The running count behind an area under the ROC curve (the Mann–Whitney U statistic):
/// groups of tied scores are added in increasing order of score, each with the weight of
/// its won and lost rows.
///
/// Each won row counts the lost rows with a strictly lower score, and one half of those
/// with the same score. The sums are added in one fixed order, so the area is the same, bit
/// for bit, however the groups were found.
struct ConcordanceCount {
    /// Weight of the lost rows added so far (all with a lower score than the next group).
    private var lostBelow = 0.0
    private var concordant = 0.0
    private var totalWon = 0.0
    private var totalLost = 0.0

    /// Adds the rows of the next score, higher than every score added before.
    ///
    /// - Parameters:
    ///   - won: The weight of the won rows with this score.
    ///   - lost: The weight of the lost rows with this score.
    mutating func addTies(won: Double, lost: Double) {
        concordant += won * (lostBelow + 0.5 * lost)
        lostBelow += lost
        totalWon += won
        totalLost += lost
    }

    /// The area under the ROC curve, in 0...1 (0.5 is chance), or `nil` when no won or no
    /// lost row was added.
    var areaUnderROC: Double? {
        guard totalWon > 0, totalLost > 0 else { return nil }
        return concordant / (totalWon * totalLost)
    }

    /// The area under the ROC curve of `count` items in increasing order of score, the items
    /// with equal scores added as one group of ties.
    ///
    /// - Parameters:
    ///   - count: The number of items.
    ///   - score: The score of item `i`; nondecreasing in `i`.
    ///   - weights: The won and the lost weight of item `i`.
    /// - Returns: See ``areaUnderROC``.
    /// - Complexity: O(`count`).
    static func areaUnderROC(
        ofSorted count: Int, score: (Int) -> Double, weights: (Int) -> (won: Double, lost: Double)
    ) -> Double? {
        var concordance = ConcordanceCount()
        var start = 0
        while start < count {
            var end = start
            var won = 0.0
            var lost = 0.0
            while end < count && score(end) == score(start) {
                let weight = weights(end)
                won += weight.won
                lost += weight.lost
                end += 1
            }
            concordance.addTies(won: won, lost: lost)
            start = end
        }
        return concordance.areaUnderROC
    }
}
