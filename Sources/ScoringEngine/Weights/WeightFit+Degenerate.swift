import LinearAlgebra

/// Degenerate histories (issue 14): columns that carry no information and outcomes that a
/// factor, or the current weights, separate completely. The fit stays finite under a prior,
/// but its verdicts must say why a coefficient is what it is.
extension WeightFit {
    /// Factors whose utility is the same for every outcome row: the data says nothing about
    /// them, so their coefficient is the prior's.
    public static func constantColumns(_ utilities: Matrix) -> [Int] {
        guard utilities.rows > 0 else { return [] }
        let columns = utilities.columns
        let elements = utilities.elements
        var constant = [Bool](repeating: true, count: columns)
        var left = columns
        var row = 1
        // One pass in row order (the matrix's layout), until no column is left.
        while row < utilities.rows, left > 0 {
            for column in 0..<columns where constant[column] && !(elements[row * columns + column] == elements[column]) {
                constant[column] = false
                left -= 1
            }
            row += 1
        }
        return (0..<columns).filter { constant[$0] }
    }

    /// Whether `score` separates the outcomes completely: every won row scores above every
    /// lost row (`direction` +1) or below (`direction` −1). Then the maximum-likelihood
    /// log-odds slope is infinite. `nil` when it does not, or the outcomes are of one kind.
    public static func separation(score: [Double], outcomes: [Double]) -> Int? {
        var ranges = SideRanges()
        for (value, outcome) in zip(score, outcomes) { ranges.add(value, won: outcome >= 0.5) }
        return ranges.separation
    }

    /// The smallest and largest score of the won and of the lost rows.
    struct SideRanges {
        var minWon = Double.infinity, maxWon = -Double.infinity
        var minLost = Double.infinity, maxLost = -Double.infinity

        mutating func add(_ value: Double, won: Bool) {
            if won {
                minWon = min(minWon, value)
                maxWon = max(maxWon, value)
            } else {
                minLost = min(minLost, value)
                maxLost = max(maxLost, value)
            }
        }

        /// +1 when every won score is above every lost one, −1 when below, else `nil` (also
        /// when one side has no row).
        var separation: Int? {
            guard minWon.isFinite, minLost.isFinite else { return nil }
            if minWon > maxLost { return 1 }
            if maxWon < minLost { return -1 }
            return nil
        }
    }

    /// Factors whose utility alone separates won from lost, with the direction (+1: won
    /// higher), in model order.
    public static func separatingColumns(_ utilities: Matrix, outcomes: [Double]) -> [(factor: Int, direction: Int)] {
        let columns = utilities.columns
        let elements = utilities.elements
        var ranges = [SideRanges](repeating: SideRanges(), count: columns)
        // One pass in row order (the matrix's layout).
        for row in 0..<utilities.rows {
            let won = outcomes[row] >= 0.5
            for column in 0..<columns { ranges[column].add(elements[row * columns + column], won: won) }
        }
        return (0..<columns).compactMap { column in ranges[column].separation.map { (column, $0) } }
    }

    /// `calibrate(score:outcomes:)` that stays finite and rank-preserving when the score
    /// separates the outcomes: the tiny ridge first, then stronger ones (1e-3, 1), so a
    /// separating score predicts by its ranks instead of falling back to the base rate.
    ///
    /// The stronger ridges act on the standardized score (penalties 1e-3·n, 0.1·n, 10·n on
    /// the slope per standard deviation), so they bind whatever the score's scale.
    static func calibrateAllowingSeparation(score: [Double], outcomes: [Double]) -> (intercept: Double, slope: Double)? {
        if let plain = calibrate(score: score, outcomes: outcomes) { return plain }
        let n = Double(score.count)
        guard n > 1 else { return nil }
        let mean = score.reduce(0, +) / n
        let deviation = (score.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / (n - 1)).squareRoot()
        guard deviation > 0, deviation.isFinite else { return nil }
        let standardized = Matrix(rows: score.count, columns: 1, elements: score.map { ($0 - mean) / deviation })
        for penalty in [1e-3 * n, 0.1 * n, 10 * n] {
            if let regression = try? LogisticRegression(penalty: penalty),
                let fitted = try? regression.fit(standardized, outcomes: outcomes)
            {
                // Back to the raw score: a + b·(x − m)/s = (a − b m/s) + (b/s)·x.
                let slope = fitted.coefficients[0] / deviation
                return ((fitted.intercept ?? 0) - slope * mean, slope)
            }
        }
        return nil
    }
}
