/// What ``SensitivityAnalysis/run(_:progress:)`` found, per account of the batch (rows in
/// batch order).
public struct SensitivityResult: Sendable {
    public let samples: Int
    public let topCount: Int
    public let stableProbability: Double
    public let distribution: WeightSampler.Distribution
    public let seed: UInt64
    /// accounts × 5: P(grade) in ``Grade/allCases`` order (A, B, C, D, insufficient).
    public let gradeProbabilities: [Double]
    /// P(rank ≤ K), the rank acceptability of the top K.
    public let topProbability: [Double]
    public let meanRank: [Double]
    /// P5 rank (nearest rank).
    public let lowRank: [Int]
    public let medianRank: [Int]
    /// P95 rank.
    public let highRank: [Int]
    /// Mean weight vector (model factor order, each side summing to 1) of the draws that put
    /// the account in the top K; `nil` when none did.
    public let centralWeights: [[Double]?]
    /// Grades and ranks with the model's own weights.
    public let baseGrades: [Grade]
    public let baseRanks: [Int]
    /// Rank quantiles up to this rank are exact (all ranks when they fit the budget).
    public let exactRankLimit: Int
    /// 1 when every rank quantile is exact; otherwise the widest histogram bin (in ranks).
    public let rankResolution: Int
    /// Beyond ``exactRankLimit``, a bin spans about this fraction of its rank (0 when exact).
    public let relativeRankResolution: Double
    public let timings: Timings

    public var count: Int { topProbability.count }

    /// P(grade) of one account.
    public func probability(of grade: Grade, row: Int) -> Double {
        gradeProbabilities[row * 5 + grade.order]
    }

    /// For an account graded A with the model's weights: whether P(A) ≥ the stable
    /// probability (`true`, stable) or not (`false`, borderline); `nil` for other grades.
    public func isStableA(_ row: Int) -> Bool? {
        guard baseGrades[row] == .a else { return nil }
        return probability(of: .a, row: row) >= stableProbability
    }

    /// Where the time went (seconds of wall time unless noted).
    public struct Timings: Sendable, Equatable {
        public var totalSeconds = 0.0
        /// Step 1 (panel products, grades and keys).
        public var scoringSeconds = 0.0
        /// Time inside the `dgemm` calls, averaged over workers (≈ wall time).
        public var productSeconds = 0.0
        public var rankingSeconds = 0.0
        public var countingSeconds = 0.0
        /// Floating-point operations of the products, 2 · N · F · 2 per draw.
        public var productFlops = 0.0
        public var passes = 0
        public var blockDraws = 0
        /// Draws whose keys are kept at once (= ``blockDraws`` unless the block's keys would
        /// not fit the cache).
        public var keyWindowDraws = 0
        public var workers = 0
        public init() {}
    }
}
