import LinearAlgebra

/// Turns raw factor values into the utility matrix: one row per account, one column per
/// factor, every entry in 0...1, with missing values replaced by the factor's policy.
///
/// Batch-relative scales (`minMax`, `zScore`) and the `mean` missing policy take their
/// statistics from the batch being built; `Statistics` records them so that a chunk of a
/// larger file can be built with the statistics of the whole file. Per-value utilities
/// come from ``UtilityTable``, which streaming callers use too.
public struct UtilityBuilder: Sendable {
    public let model: ScoringModel

    public init(model: ScoringModel) {
        self.model = model
    }

    /// The statistics of one batch that batch-relative scales and the mean policy need.
    public struct Statistics: Sendable, Equatable, Codable {
        /// Per factor: minimum, maximum, mean and standard deviation of present raw values
        /// (NaN where no value is present or the factor is categorical).
        public var minimum: [Double]
        public var maximum: [Double]
        public var mean: [Double]
        public var standardDeviation: [Double]
        /// Per factor: mean utility of the accounts that have a value (0.5 when none has).
        public var meanUtility: [Double]

        public init(
            minimum: [Double], maximum: [Double], mean: [Double], standardDeviation: [Double],
            meanUtility: [Double]
        ) {
            self.minimum = minimum
            self.maximum = maximum
            self.mean = mean
            self.standardDeviation = standardDeviation
            self.meanUtility = meanUtility
        }
    }

    /// The utilities of a batch, with which entries were present.
    public struct Utilities: Sendable {
        /// accounts × factors, row-major, entries in 0...1.
        public let matrix: Matrix
        /// accounts × factors, row-major: whether the raw value was present.
        public let present: [Bool]
        /// Weighted share (0...1) of factors present per account, with both sides counted
        /// at their normalized weights (each side weighs one half).
        public let completeness: [Double]
        /// The statistics used.
        public let statistics: Statistics
    }

    /// Computes statistics of a batch's raw values for batch-relative scales.
    ///
    /// Raw statistics use Welford's update over the present values in row order; the mean
    /// utility of a `mean` factor is the plain sum of its present utilities in row order
    /// divided by their count. ``StatisticsAccumulator`` performs the same operations in the
    /// same order, so a streaming reader that feeds it accepted rows in file order gets
    /// the same bits.
    ///
    /// - Complexity: O(accounts × factors).
    public func statistics(of batch: ProspectBatch) -> Statistics {
        var accumulator = StatisticsAccumulator(model: model, rawFactors: Array(model.factors.indices))
        for (index, column) in batch.factorColumns.enumerated() {
            guard case .numeric(let values) = column else { continue }
            for x in values where !x.isNaN { accumulator.addRaw(x, factor: index) }
        }
        let raw = accumulator.rawStatistics()
        for index in model.factors.indices where model.factors[index].missing == .mean {
            let column = batch.factorColumns[index]
            let utilities = presentUtilities(column, factorIndex: index, statistics: raw)
            for row in 0..<batch.count where !column.isMissing(row) {
                accumulator.addUtility(utilities[row], factor: index)
            }
        }
        return accumulator.statistics()
    }

    /// Builds the utility matrix of a batch using the batch's own statistics.
    public func build(_ batch: ProspectBatch) -> Utilities {
        build(batch, statistics: statistics(of: batch))
    }

    /// Builds the utility matrix of a batch with given statistics.
    ///
    /// - Complexity: O(accounts × factors).
    public func build(_ batch: ProspectBatch, statistics: Statistics) -> Utilities {
        var unfilled = buildUnfilled(batch, statistics: statistics)
        unfilled.fillMeans(meanUtility: statistics.meanUtility)
        return unfilled.utilities
    }

    /// A utility matrix whose entries for missing values of `mean` factors are still 0,
    /// with the list of those entries. Scoring uses it so that every path computes a score
    /// as `U₀ · W` plus the mean fills, whether or not the means were known when the row
    /// was scored (see ``MeanFill``).
    struct Unfilled {
        var matrix: Matrix
        let present: [Bool]
        let completeness: [Double]
        let statistics: Statistics
        /// Per row, the factor indices (ascending) whose utility is the batch mean.
        let meanMissing: [[Int]]

        /// Writes the mean utilities into the matrix.
        mutating func fillMeans(meanUtility: [Double]) {
            for (row, factors) in meanMissing.enumerated() {
                for factor in factors { matrix[row, factor] = meanUtility[factor] }
            }
        }

        var utilities: Utilities {
            Utilities(matrix: matrix, present: present, completeness: completeness, statistics: statistics)
        }
    }

    func buildUnfilled(_ batch: ProspectBatch, statistics: Statistics) -> Unfilled {
        let factors = model.factors
        let factorCount = factors.count
        let accountCount = batch.count
        precondition(batch.factorColumns.count == factorCount, "The batch needs one column per model factor")
        var elements = [Double](repeating: 0, count: accountCount * factorCount)
        var present = [Bool](repeating: true, count: accountCount * factorCount)
        var completeness = [Double](repeating: 0, count: accountCount)
        var meanMissing = [[Int]](repeating: [], count: accountCount)
        let shares = completenessShares
        let table = UtilityTable(model: model, statistics: statistics)
        for (index, factor) in factors.enumerated() {
            let column = batch.factorColumns[index]
            if let (first, second) = table.interactionParents(index) {
                // A derived factor: its utility comes from both parents' values (missing
                // included); it is present when its first parent is and adds nothing to
                // completeness (its share is 0).
                let firstColumn = batch.factorColumns[first]
                let secondColumn = batch.factorColumns[second]
                for row in 0..<accountCount {
                    let position = row * factorCount + index
                    present[position] = !column.isMissing(row)
                    elements[position] = table.utility(
                        index, first: firstColumn.rawValue(row), second: secondColumn.rawValue(row))
                }
                continue
            }
            let fill = factor.missing == .mean ? 0 : missingUtility(factor: factor, meanUtility: 0.5)
            let utilities = presentUtilities(column, factorIndex: index, statistics: statistics)
            for row in 0..<accountCount {
                let position = row * factorCount + index
                if column.isMissing(row) {
                    present[position] = false
                    elements[position] = fill
                    if factor.missing == .mean { meanMissing[row].append(index) }
                } else {
                    elements[position] = utilities[row]
                    completeness[row] += shares[index]
                }
            }
        }
        return Unfilled(
            matrix: Matrix(rows: accountCount, columns: factorCount, elements: elements), present: present,
            completeness: completeness.map { Swift.min($0, 1) }, statistics: statistics, meanMissing: meanMissing)
    }

    /// Each factor's share of completeness: its weight divided by the number of sides, so
    /// that each side weighs one half. An account's completeness is the sum of the shares
    /// of its present factors, in factor order, capped at 1.
    public var completenessShares: [Double] {
        let sideCount = Double(Set(model.factors.map(\.side)).count)
        guard model.factors.contains(where: { $0.scale.interaction != nil }) else {
            return model.factors.map { $0.weight / sideCount }
        }
        // Interactions add nothing (their parents count); the other factors of a side share
        // its half.
        var sideTotal: [Factor.Side: Double] = [:]
        for factor in model.factors where factor.scale.interaction == nil { sideTotal[factor.side, default: 0] += factor.weight }
        return model.factors.map { factor in
            guard factor.scale.interaction == nil, let total = sideTotal[factor.side], total > 0 else { return 0 }
            return factor.weight / total / sideCount
        }
    }

    /// The utility for a missing value under the factor's policy (`required` rows never
    /// reach the engine: ScoringIO rejects them).
    public func missingUtility(factor: Factor, meanUtility: Double) -> Double {
        switch factor.missing {
        case .worst: return factor.side == .value ? 0 : 1
        case .neutral, .required: return 0.5
        case .mean: return meanUtility
        case .fixed(let utility, _): return utility
        }
    }

    /// The utilities of a column's values with the factor's direction applied; entries for
    /// missing values are meaningless (the caller replaces them).
    ///
    /// The scale is resolved once per column, not per value, to keep the loop tight.
    func presentUtilities(_ column: FactorColumn, factorIndex index: Int, statistics: Statistics) -> [Double] {
        let factor = model.factors[index]
        let table = UtilityTable(model: model, statistics: statistics)
        switch column {
        case .categorical(let codes):
            precondition(table.isCategorical(index), "Factor '\(factor.id)' has category codes but a numeric scale")
            return codes.map { $0 >= 0 ? table.utility(index, ofCategory: $0) : 0.5 }
        case .numeric(let values):
            precondition(!table.isCategorical(index), "Factor '\(factor.id)' has numbers but a categorical scale")
            return values.map { $0.isNaN ? 0.5 : table.utility(index, of: $0) }
        }
    }
}

/// Accumulates the statistics of ``UtilityBuilder/Statistics`` one value at a time, so that
/// a reader can compute them while it streams through a file.
///
/// Raw statistics use Welford's update (stable for large batches); mean utilities are a
/// plain running sum. Values must be added per factor in row order for the result to equal
/// ``UtilityBuilder/statistics(of:)`` bit for bit; the order across factors does not matter.
public struct StatisticsAccumulator: Sendable {
    private var count: [Double]
    private var mean: [Double]
    private var sumSquares: [Double]
    private var low: [Double]
    private var high: [Double]
    private var utilityTotal: [Double]
    private var utilityCount: [Int]
    /// The factors whose raw statistics are kept (others stay NaN).
    public let rawFactors: [Int]

    /// Creates an empty accumulator for a model.
    ///
    /// - Parameters:
    ///   - model: The model whose factors are summarized.
    ///   - rawFactors: The factors whose raw statistics will be added (the in-memory
    ///     builder adds every numeric factor; a stream only the batch-relative ones).
    public init(model: ScoringModel, rawFactors: [Int]) {
        let factorCount = model.factors.count
        count = .init(repeating: 0, count: factorCount)
        mean = .init(repeating: 0, count: factorCount)
        sumSquares = .init(repeating: 0, count: factorCount)
        low = .init(repeating: .infinity, count: factorCount)
        high = .init(repeating: -.infinity, count: factorCount)
        utilityTotal = .init(repeating: 0, count: factorCount)
        utilityCount = .init(repeating: 0, count: factorCount)
        self.rawFactors = rawFactors
    }

    /// Adds a present raw value of a factor.
    @inline(__always)
    public mutating func addRaw(_ x: Double, factor index: Int) {
        var running = Running(of: self, factor: index)
        running.add(x)
        store(running, factor: index)
    }

    /// Adds the present raw values of some rows of a row-major block exactly as
    /// ``addRaw(_:factor:)`` would, row by row: per factor the same operations in the same
    /// order, so the same bits. Four factors at a time, their running counts, means, sums of
    /// squares and ranges held in registers instead of read from and written to five arrays
    /// at every value (a stream's merging thread spent more on that than on the arithmetic),
    /// so that four chains of divisions run side by side.
    ///
    /// - Parameters:
    ///   - block: Rows of `width` values; the raw value of ``rawFactors``[p] in row `r` at
    ///     `r · width + columns[p]` (`r · width + p` without `columns`), NaN when missing.
    ///   - columns: Where each raw factor's value is within a row, when the rows hold more
    ///     than the raw factors (whole raw rows, `columns` = the factors' indices).
    ///   - rows: The rows to add, in order.
    public mutating func addRaw(_ block: [Double], width: Int, columns: [Int]? = nil, rows: [Int]) {
        precondition(columns == nil || columns?.count == rawFactors.count, "A column for every raw factor")
        var first = 0
        while first < rawFactors.count {
            let lanes = Swift.min(4, rawFactors.count - first)
            var running = (0..<4).map { lane in
                lane < lanes ? Running(of: self, factor: rawFactors[first + lane]) : Running()
            }
            var (r0, r1, r2, r3) = (running[0], running[1], running[2], running[3])
            let offsets = (0..<4).map { lane in lane < lanes ? columns?[first + lane] ?? first + lane : 0 }
            let (o0, o1, o2, o3) = (offsets[0], offsets[1], offsets[2], offsets[3])
            for row in rows {
                let base = row &* width
                r0.add(block[base &+ o0])
                if lanes > 1 { r1.add(block[base &+ o1]) }
                if lanes > 2 { r2.add(block[base &+ o2]) }
                if lanes > 3 { r3.add(block[base &+ o3]) }
            }
            running = [r0, r1, r2, r3]
            for lane in 0..<lanes { store(running[lane], factor: rawFactors[first + lane]) }
            first += lanes
        }
    }

    @inline(__always)
    private mutating func store(_ running: Running, factor: Int) {
        (count[factor], mean[factor], sumSquares[factor]) = (running.n, running.m, running.s)
        (low[factor], high[factor]) = (running.lowest, running.highest)
    }

    /// One factor's running raw statistics, as ``addRaw(_:factor:)`` updates them.
    private struct Running {
        var n = 0.0, m = 0.0, s = 0.0, lowest = Double.infinity, highest = -Double.infinity

        init() {}

        init(of accumulator: StatisticsAccumulator, factor: Int) {
            (n, m, s) = (accumulator.count[factor], accumulator.mean[factor], accumulator.sumSquares[factor])
            (lowest, highest) = (accumulator.low[factor], accumulator.high[factor])
        }

        /// Adds a value, unless it is NaN (missing).
        @inline(__always)
        mutating func add(_ x: Double) {
            if x.isNaN { return }
            n += 1
            let delta = x - m
            m += delta / n
            s += delta * (x - m)
            lowest = Swift.min(lowest, x)
            highest = Swift.max(highest, x)
        }
    }

    /// Adds the utility of a present value of a `mean` factor.
    @inline(__always)
    public mutating func addUtility(_ utility: Double, factor index: Int) {
        utilityTotal[index] += utility
        utilityCount[index] += 1
    }

    /// The raw statistics so far, with mean utilities left at 0.5.
    public func rawStatistics() -> UtilityBuilder.Statistics {
        let factorCount = count.count
        var statistics = UtilityBuilder.Statistics(
            minimum: .init(repeating: .nan, count: factorCount), maximum: .init(repeating: .nan, count: factorCount),
            mean: .init(repeating: .nan, count: factorCount),
            standardDeviation: .init(repeating: .nan, count: factorCount),
            meanUtility: .init(repeating: 0.5, count: factorCount))
        for index in 0..<factorCount where count[index] > 0 {
            statistics.minimum[index] = low[index]
            statistics.maximum[index] = high[index]
            statistics.mean[index] = mean[index]
            statistics.standardDeviation[index] = (sumSquares[index] / count[index]).squareRoot()
        }
        return statistics
    }

    /// The statistics so far: raw ones and the mean utilities (0.5 for a factor with none).
    public func statistics() -> UtilityBuilder.Statistics {
        var statistics = rawStatistics()
        for index in utilityCount.indices where utilityCount[index] > 0 {
            statistics.meanUtility[index] = utilityTotal[index] / Double(utilityCount[index])
        }
        return statistics
    }

    /// Replaces the raw statistics with those of another accumulator (a first pass), keeping
    /// this one's mean utilities.
    public mutating func takeRaw(from other: StatisticsAccumulator) {
        count = other.count
        mean = other.mean
        sumSquares = other.sumSquares
        low = other.low
        high = other.high
    }
}
