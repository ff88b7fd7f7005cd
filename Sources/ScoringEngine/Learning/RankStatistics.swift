/// Fast AUC for the learner's many evaluations on large histories.
enum RankStatistics {
    /// The area under the ROC curve (ties count one half):
    /// ``BinaryOutcomeMetrics/areaUnderROC(scores:outcomes:weights:)`` without weights.
    static func areaUnderROC(scores: [Double], outcomes: [Double]) -> Double? {
        BinaryOutcomeMetrics.areaUnderROC(scores: scores, outcomes: outcomes)
    }

    /// The AUC of a score that takes few values: `groups` lists each value with the won and
    /// lost accounts that have it (ties count one half).
    static func areaUnderROC(groups: [(score: Double, won: Int, lost: Int)]) -> Double? {
        let sorted = groups.sorted { $0.score < $1.score }
        return ConcordanceCount.areaUnderROC(
            ofSorted: sorted.count, score: { sorted[$0].score },
            weights: { (won: Double(sorted[$0].won), lost: Double(sorted[$0].lost)) })
    }
}
