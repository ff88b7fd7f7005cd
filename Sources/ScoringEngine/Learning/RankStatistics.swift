/// Fast AUC for the learner's many evaluations on large histories.
enum RankStatistics {
    /// The area under the ROC curve (ties count one half), computed by sorting the won and
    /// the lost scores separately (plain `Double` sorts) and merging; equal to
    /// ``BinaryOutcomeMetrics/areaUnderROC(scores:outcomes:weights:)`` without weights.
    static func areaUnderROC(scores: [Double], outcomes: [Double]) -> Double? {
        var wonScores: [Double] = []
        var lostScores: [Double] = []
        for index in scores.indices {
            if outcomes[index] >= 0.5 { wonScores.append(scores[index]) } else { lostScores.append(scores[index]) }
        }
        guard !wonScores.isEmpty, !lostScores.isEmpty else { return nil }
        wonScores.sort()
        lostScores.sort()
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

    /// The AUC of a score that takes few values: `groups` lists each value with the won and
    /// lost accounts that have it (ties count one half).
    static func areaUnderROC(groups: [(score: Double, won: Int, lost: Int)]) -> Double? {
        let sorted = groups.sorted { $0.score < $1.score }
        var totalWon = 0.0
        var totalLost = 0.0
        var lostBelow = 0.0
        var concordant = 0.0
        var index = 0
        while index < sorted.count {
            var end = index
            var won = 0.0
            var lost = 0.0
            while end < sorted.count, sorted[end].score == sorted[index].score {
                won += Double(sorted[end].won)
                lost += Double(sorted[end].lost)
                end += 1
            }
            concordant += won * (lostBelow + 0.5 * lost)
            lostBelow += lost
            totalWon += won
            totalLost += lost
            index = end
        }
        guard totalWon > 0, totalLost > 0 else { return nil }
        return concordant / (totalWon * totalLost)
    }
}
