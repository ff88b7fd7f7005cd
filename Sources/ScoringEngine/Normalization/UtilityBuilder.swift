import LinearAlgebra

/// Turns raw factor values into the utility matrix: one row per account, one column per
/// factor, every entry in 0...1, with missing values replaced by the factor's policy.
///
/// Batch-relative scales (`minMax`, `zScore`) and the `mean` missing policy take their
/// statistics from the batch being built; `Fitted` records those statistics so a second
/// batch (a chunk of a larger file) can be built with the same ones.
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
    /// - Complexity: O(accounts × factors).
    public func statistics(of batch: ProspectBatch) -> Statistics {
        let factorCount = model.factors.count
        var statistics = Statistics(
            minimum: .init(repeating: .nan, count: factorCount), maximum: .init(repeating: .nan, count: factorCount),
            mean: .init(repeating: .nan, count: factorCount),
            standardDeviation: .init(repeating: .nan, count: factorCount),
            meanUtility: .init(repeating: 0.5, count: factorCount))
        for (index, column) in batch.factorColumns.enumerated() {
            guard case .numeric(let values) = column else { continue }
            var count = 0.0
            var mean = 0.0
            var sumSquares = 0.0
            var low = Double.infinity
            var high = -Double.infinity
            for x in values where !x.isNaN {
                // Welford's update: stable for large batches.
                count += 1
                let delta = x - mean
                mean += delta / count
                sumSquares += delta * (x - mean)
                low = Swift.min(low, x)
                high = Swift.max(high, x)
            }
            guard count > 0 else { continue }
            statistics.minimum[index] = low
            statistics.maximum[index] = high
            statistics.mean[index] = mean
            statistics.standardDeviation[index] = (sumSquares / count).squareRoot()
        }
        for index in model.factors.indices where model.factors[index].missing == .mean {
            let column = batch.factorColumns[index]
            let utilities = presentUtilities(column, factorIndex: index, statistics: statistics)
            var total = 0.0
            var count = 0
            for row in 0..<batch.count where !column.isMissing(row) {
                total += utilities[row]
                count += 1
            }
            statistics.meanUtility[index] = count > 0 ? total / Double(count) : 0.5
        }
        return statistics
    }

    /// Builds the utility matrix of a batch using the batch's own statistics.
    public func build(_ batch: ProspectBatch) -> Utilities {
        build(batch, statistics: statistics(of: batch))
    }

    /// Builds the utility matrix of a batch with given statistics.
    ///
    /// - Complexity: O(accounts × factors).
    public func build(_ batch: ProspectBatch, statistics: Statistics) -> Utilities {
        let factors = model.factors
        let factorCount = factors.count
        let accountCount = batch.count
        precondition(batch.factorColumns.count == factorCount, "The batch needs one column per model factor")
        var elements = [Double](repeating: 0, count: accountCount * factorCount)
        var present = [Bool](repeating: true, count: accountCount * factorCount)
        var completeness = [Double](repeating: 0, count: accountCount)
        // Each side's weights sum to 1; completeness weighs the two sides equally.
        let sideCount = Double(Set(factors.map(\.side)).count)
        for (index, factor) in factors.enumerated() {
            let column = batch.factorColumns[index]
            let fill = missingUtility(factor: factor, meanUtility: statistics.meanUtility[index])
            let share = factor.weight / sideCount
            let utilities = presentUtilities(column, factorIndex: index, statistics: statistics)
            for row in 0..<accountCount {
                let position = row * factorCount + index
                if column.isMissing(row) {
                    present[position] = false
                    elements[position] = fill
                } else {
                    elements[position] = utilities[row]
                    completeness[row] += share
                }
            }
        }
        return Utilities(
            matrix: Matrix(rows: accountCount, columns: factorCount, elements: elements), present: present,
            completeness: completeness.map { Swift.min($0, 1) }, statistics: statistics)
    }

    /// The utility for a missing value under the factor's policy (`required` rows never
    /// reach the engine: ScoringIO rejects them).
    func missingUtility(factor: Factor, meanUtility: Double) -> Double {
        switch factor.missing {
        case .worst: return factor.side == .value ? 0 : 1
        case .neutral, .required: return 0.5
        case .mean: return meanUtility
        }
    }

    /// The utilities of a column's values with the factor's direction applied; entries for
    /// missing values are meaningless (the caller replaces them).
    ///
    /// The scale is resolved once per column, not per value, to keep the loop tight.
    func presentUtilities(_ column: FactorColumn, factorIndex index: Int, statistics: Statistics) -> [Double] {
        let factor = model.factors[index]
        var base: [Double]
        switch (column, factor.scale) {
        case (.categorical(let codes), .categorical(let map)):
            let table = map.map(\.utility)
            base = codes.map { $0 >= 0 ? table[Int($0)] : 0.5 }
        case (.numeric(let values), .minMax):
            let low = statistics.minimum[index]
            let high = statistics.maximum[index]
            let span = high - low
            base = values.map { span > 0 ? Scale.clamp01(($0 - low) / span) : 0.5 }
        case (.numeric(let values), .zScore(let clip)):
            let deviation = statistics.standardDeviation[index]
            let mean = statistics.mean[index]
            base = values.map { x in
                guard deviation > 0 else { return 0.5 }
                let z = Swift.min(Swift.max((x - mean) / deviation, -clip), clip)
                return (z + clip) / (2 * clip)
            }
        case (.numeric(let values), let scale):
            base = values.map { $0.isNaN ? 0.5 : scale.utility(of: $0) }
        case (.categorical, _):
            preconditionFailure("Factor '\(factor.id)' has category codes but a numeric scale")
        }
        if factor.direction == .decreasing {
            for row in base.indices { base[row] = 1 - base[row] }
        }
        return base
    }
}
