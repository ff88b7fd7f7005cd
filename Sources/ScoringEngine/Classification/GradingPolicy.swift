/// How scores become grades: bands on each score, a grid from (value band, difficulty band)
/// to a grade, and the least information an account needs to be graded at all.
public struct GradingPolicy: Sendable, Equatable, Codable {
    /// Bands of the value score, from lowest to highest.
    public let valueBands: Bands
    /// Bands of the difficulty score, from lowest (easiest) to highest.
    public let difficultyBands: Bands
    /// `grid[v][d]` is the grade of an account in value band `v` and difficulty band `d`
    /// (both indices from lowest). Its shape is valueBands.count × difficultyBands.count.
    public let grid: [[Grade]]
    /// Weighted share of factors present (0...1) below which the account is not graded.
    public let minimumCompleteness: Double
    /// How accounts are ordered.
    public let ranking: RankingPolicy

    public init(
        valueBands: Bands, difficultyBands: Bands, grid: [[Grade]], minimumCompleteness: Double,
        ranking: RankingPolicy
    ) throws(ModelError) {
        guard grid.count == valueBands.names.count,
            grid.allSatisfy({ $0.count == difficultyBands.names.count })
        else {
            throw .gridShape(
                expectedRows: valueBands.names.count, expectedColumns: difficultyBands.names.count)
        }
        if grid.contains(where: { $0.contains(.insufficient) }) {
            throw .gridHoldsInsufficient
        }
        guard (0...1).contains(minimumCompleteness) else {
            throw .completenessOutOfRange(minimumCompleteness)
        }
        self.valueBands = valueBands
        self.difficultyBands = difficultyBands
        self.grid = grid
        self.minimumCompleteness = minimumCompleteness
        self.ranking = ranking
    }

    /// The grade for scores in 0...100 and completeness in 0...1.
    ///
    /// A score equal to a cut point falls in the band above it.
    @inlinable
    public func grade(value: Double, difficulty: Double, completeness: Double) -> Grade {
        if completeness < minimumCompleteness { return .insufficient }
        return grid[valueBands.index(of: value)][difficultyBands.index(of: difficulty)]
    }
}

/// Named bands of a 0...100 score separated by increasing cut points.
public struct Bands: Sendable, Equatable, Codable {
    /// Band names from lowest to highest, e.g. `low`, `medium`, `high`.
    public let names: [String]
    /// `names.count − 1` strictly increasing cut points inside 0...100.
    public let cuts: [Double]

    public init(names: [String], cuts: [Double]) throws(ModelError) {
        guard names.count == cuts.count + 1, !names.isEmpty else {
            throw .bandCount(names: names.count, cuts: cuts.count)
        }
        guard zip(cuts, cuts.dropFirst()).allSatisfy({ $0 < $1 }),
            cuts.allSatisfy({ (0...100).contains($0) })
        else { throw .bandCuts(cuts) }
        guard Set(names).count == names.count else { throw .bandCount(names: names.count, cuts: cuts.count) }
        self.names = names
        self.cuts = cuts
    }

    /// The index of the band a score falls in; a score equal to a cut goes to the upper band.
    @inlinable
    public func index(of score: Double) -> Int {
        // Counted without a branch per cut: which side of a cut a score falls is a coin
        // toss that a branch mispredicts.
        var index = 0
        for cut in cuts { index &+= score >= cut ? 1 : 0 }
        return index
    }
}

/// How accounts are ordered in a ranking.
public struct RankingPolicy: Sendable, Equatable, Codable {
    /// The key accounts are sorted by, highest first.
    public let key: Key
    /// Whether grade comes first (all A before any B) or the key alone decides.
    public let gradeFirst: Bool
    /// For `Key.priority`: how many points of value one point of difficulty costs, in
    /// 0...``maximumDifficultyPenalty``.
    public let difficultyPenalty: Double

    /// The largest difficulty penalty accepted: 1e9. Priorities then stay within ±1e11,
    /// finite and printable; a penalty of 1e308 would make them −inf (and JSON invalid).
    public static let maximumDifficultyPenalty = 1e9

    public init(key: Key = .priority, gradeFirst: Bool = true, difficultyPenalty: Double = 0.5)
        throws(ModelError)
    {
        guard difficultyPenalty >= 0, difficultyPenalty <= Self.maximumDifficultyPenalty else {
            throw .penaltyOutOfRange(difficultyPenalty)
        }
        self.key = key
        self.gradeFirst = gradeFirst
        self.difficultyPenalty = difficultyPenalty
    }

    public enum Key: String, Sendable, Codable, CaseIterable {
        /// The value score alone.
        case value
        /// `value − difficultyPenalty × difficulty`.
        case priority
        /// Expected deal value per point of difficulty is not modelled here; value over
        /// difficulty: `value / max(difficulty, 1)`.
        case valuePerDifficulty = "value_per_difficulty"
    }

    /// The sort key of an account (higher ranks first).
    @inlinable
    public func key(value: Double, difficulty: Double) -> Double {
        switch key {
        case .value: return value
        case .priority: return value - difficultyPenalty * difficulty
        case .valuePerDifficulty: return value / Swift.max(difficulty, 1)
        }
    }
}
