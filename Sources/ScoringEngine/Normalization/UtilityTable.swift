import Foundation

/// Every factor's utility function in flat arrays: a raw value (or a category code) in, a
/// utility in 0...1 out, with the factor's direction applied.
///
/// ``UtilityBuilder`` computes every utility through it, and streaming readers, which build
/// utility rows one account at a time, use it too, so both get the same bits. The
/// parameters live in plain arrays of numbers (not in enum payloads or per-factor arrays),
/// so evaluating a factor copies and retains nothing.
///
/// ## Mathematical contract
///
/// With `u₀` the scale's utility (see ``Scale``): `utility = u₀` for an increasing factor
/// and `1 − u₀` for a decreasing one; a raw value equal to one of the factor's
/// ``Factor/specialValues`` gets that special value's utility instead (no direction). Each scale repeats the exact operations of
/// ``Scale/utility(of:)`` (same operands, same order). Batch-relative scales read their
/// statistics (minimum, maximum, mean and standard deviation of the batch's present raw
/// values) from the ``UtilityBuilder/Statistics`` given at creation; without spread
/// (`max = min`, zero deviation, or no value at all) they give 0.5.
public struct UtilityTable: Sendable {
    @usableFromInline
    enum Kind: UInt8, Sendable {
        case linear, log, piecewise, binned, categorical, minMax, zScore, interaction
    }

    @usableFromInline let kinds: [Kind]
    @usableFromInline let decreasing: [Bool]
    /// Four parameters per factor. linear: low, span; log: low, high, offset, denominator;
    /// minMax: low, span; zScore: mean, deviation, clip; piecewise, binned and categorical:
    /// the start and end of their entries in `xs`/`us`.
    @usableFromInline let parameters: [Double]
    /// Piecewise points (x, u), bins (upper edge, u; the last edge +∞), and categorical
    /// utilities (in `us`, `other` last), of all factors.
    @usableFromInline let xs: [Double]
    @usableFromInline let us: [Double]
    /// Per factor: its interaction table and the indices of its two parents (`nil` for a
    /// factor that is not an interaction).
    @usableFromInline let interactions: [Interaction?]
    @usableFromInline let parents: [(first: Int, second: Int)]
    /// Per factor: the start and end of its special values in `specialXs`/`specialUs` (equal
    /// when it has none); `specialUs` holds final utilities (direction already applied; a
    /// value without a stated utility gets the missing policy's, resolved here).
    @usableFromInline let specialRanges: [(start: Int, end: Int)]
    @usableFromInline let specialXs: [Double]
    @usableFromInline let specialUs: [Double]

    /// Prepares the utility functions of a model's factors.
    ///
    /// - Parameters:
    ///   - model: The model.
    ///   - statistics: The batch statistics for batch-relative scales; may be `nil` when no
    ///     factor's scale is batch-relative.
    /// - Precondition: `statistics` is given when a factor's scale is batch-relative.
    public init(model: ScoringModel, statistics: UtilityBuilder.Statistics?) {
        var kinds: [Kind] = []
        var parameters: [Double] = []
        var xs: [Double] = []
        var us: [Double] = []
        var interactions: [Interaction?] = []
        var parents: [(first: Int, second: Int)] = []
        for (index, factor) in model.factors.enumerated() {
            interactions.append(factor.scale.interaction)
            if let table = factor.scale.interaction {
                let first = model.factors.firstIndex { $0.id == table.first.factor }
                let second = model.factors.firstIndex { $0.id == table.second.factor }
                guard let first, let second else { preconditionFailure("An interaction's parents are factors of the model") }
                parents.append((first, second))
            } else {
                parents.append((-1, -1))
            }
            switch factor.scale {
            case .interaction:
                kinds.append(.interaction)
                parameters += [0, 0, 0, 0]
            case .linear(let low, let high):
                kinds.append(.linear)
                parameters += [low, high - low, 0, 0]
            case .log(let low, let high, let offset):
                kinds.append(.log)
                parameters += [low, high, offset, Foundation.log(high - low + offset)]
            case .piecewise(let points):
                kinds.append(.piecewise)
                parameters += [Double(xs.count), Double(xs.count + points.count), 0, 0]
                xs += points.map(\.x)
                us += points.map(\.utility)
            case .binned(let bins):
                kinds.append(.binned)
                parameters += [Double(xs.count), Double(xs.count + bins.count), 0, 0]
                xs += bins.map { $0.upper ?? .infinity }
                us += bins.map(\.utility)
            case .categorical:
                let utilities = factor.scale.categoryUtilities
                kinds.append(.categorical)
                parameters += [Double(us.count), Double(us.count + utilities.count), 0, 0]
                xs += utilities.map { _ in 0 }
                us += utilities
            case .minMax:
                guard let statistics else { preconditionFailure("A minmax scale needs batch statistics") }
                kinds.append(.minMax)
                let low = statistics.minimum[index]
                parameters += [low, statistics.maximum[index] - low, 0, 0]
            case .zScore(let clip):
                guard let statistics else { preconditionFailure("A zscore scale needs batch statistics") }
                kinds.append(.zScore)
                parameters += [statistics.mean[index], statistics.standardDeviation[index], clip, 0]
            }
        }
        self.kinds = kinds
        self.decreasing = model.factors.map { $0.direction == .decreasing }
        self.parameters = parameters
        self.xs = xs
        self.us = us
        self.interactions = interactions
        self.parents = parents
        var specialRanges: [(start: Int, end: Int)] = []
        var specialXs: [Double] = []
        var specialUs: [Double] = []
        let builder = UtilityBuilder(model: model)
        for factor in model.factors {
            let start = specialXs.count
            for special in factor.specialValues {
                specialXs.append(special.value)
                specialUs.append(special.utility ?? builder.missingUtility(factor: factor, meanUtility: 0.5))
            }
            specialRanges.append((start, specialXs.count))
        }
        self.specialRanges = specialRanges
        self.specialXs = specialXs
        self.specialUs = specialUs
    }

    /// Whether factor `factor` has special values.
    public func hasSpecialValues(_ factor: Int) -> Bool {
        specialRanges[factor].end > specialRanges[factor].start
    }

    /// The utility of the special value equal to `x` among factor `factor`'s, if any.
    @inlinable @inline(__always)
    func specialUtility(_ factor: Int, of x: Double) -> Double? {
        let (start, end) = specialRanges[factor]
        var index = start
        while index < end {
            if specialXs[index] == x { return specialUs[index] }
            index &+= 1
        }
        return nil
    }

    /// The parents (first, second) of factor `factor` when it is an interaction.
    public func interactionParents(_ factor: Int) -> (first: Int, second: Int)? {
        kinds[factor] == .interaction ? parents[factor] : nil
    }

    /// The utility of interaction factor `factor` from its parents' raw values (NaN when
    /// missing; category codes as `Double`), direction applied.
    ///
    /// - Precondition: the factor is an interaction.
    @inlinable @inline(__always)
    public func utility(_ factor: Int, first x: Double, second y: Double) -> Double {
        guard let table = interactions[factor] else { preconditionFailure("Factor \(factor) is not an interaction") }
        let base = table.utility(first: x, second: y)
        return decreasing[factor] ? 1 - base : base
    }

    /// Whether factor `factor` reads category codes rather than numbers.
    public func isCategorical(_ factor: Int) -> Bool { kinds[factor] == .categorical }

    /// The utility of a present raw value of factor `factor`, direction applied, in 0...1.
    ///
    /// - Precondition: the factor is numeric; `x` is not NaN.
    @inlinable @inline(__always)
    public func utility(_ factor: Int, of x: Double) -> Double {
        if let special = specialUtility(factor, of: x) { return special }
        let base = baseUtility(factor, of: x)
        return decreasing[factor] ? 1 - base : base
    }

    /// The utility of a category code (an index into the factor's map), direction applied.
    ///
    /// - Precondition: the factor is categorical and `0 <= code < map.count` (`map.count`
    ///   is `other`'s code when the scale has one).
    @inlinable @inline(__always)
    public func utility(_ factor: Int, ofCategory code: Int32) -> Double {
        precondition(kinds[factor] == .categorical, "A numeric factor has numbers, not category codes")
        let base = us[Int(parameters[4 &* factor]) &+ Int(code)]
        return decreasing[factor] ? 1 - base : base
    }

    /// The scale's utility `u₀` of a raw value, before the direction.
    @inlinable @inline(__always)
    func baseUtility(_ factor: Int, of x: Double) -> Double {
        let p = 4 &* factor
        switch kinds[factor] {
        case .linear:
            return Self.linear(x, low: parameters[p], span: parameters[p &+ 1])
        case .log:
            return Self.log(
                x, low: parameters[p], high: parameters[p &+ 1], offset: parameters[p &+ 2],
                denominator: parameters[p &+ 3])
        case .piecewise:
            return interpolate(from: Int(parameters[p]), to: Int(parameters[p &+ 1]), at: x)
        case .binned:
            return bin(from: Int(parameters[p]), to: Int(parameters[p &+ 1]), at: x)
        case .minMax:
            return Self.minMax(x, low: parameters[p], span: parameters[p &+ 1])
        case .zScore:
            return Self.zScore(x, mean: parameters[p], deviation: parameters[p &+ 1], clip: parameters[p &+ 2])
        case .categorical:
            preconditionFailure("A categorical factor has category codes, not numbers")
        case .interaction:
            preconditionFailure("An interaction's utility needs both parents' values")
        }
    }

    // The scales' formulas, shared by the per-value and the per-panel paths so that both
    // perform the same operations in the same order.

    /// `Scale.clamp01((x − min) / (max − min))`.
    @inlinable @inline(__always)
    static func linear(_ x: Double, low: Double, span: Double) -> Double {
        Swift.min(Swift.max((x - low) / span, 0), 1)
    }

    /// `clamp01(log(clamp(x, min, max) − min + offset) / log(max − min + offset))`.
    @inlinable @inline(__always)
    static func log(_ x: Double, low: Double, high: Double, offset: Double, denominator: Double) -> Double {
        let clamped = Swift.min(Swift.max(x, low), high)
        return Swift.min(Swift.max(Foundation.log(clamped - low + offset) / denominator, 0), 1)
    }

    /// A linear map of the batch's range; 0.5 without spread.
    @inlinable @inline(__always)
    static func minMax(_ x: Double, low: Double, span: Double) -> Double {
        span > 0 ? Swift.min(Swift.max((x - low) / span, 0), 1) : 0.5
    }

    /// The clipped z-score mapped onto 0...1; 0.5 without spread.
    @inlinable @inline(__always)
    static func zScore(_ x: Double, mean: Double, deviation: Double, clip: Double) -> Double {
        guard deviation > 0 else { return 0.5 }
        let z = Swift.min(Swift.max((x - mean) / deviation, -clip), clip)
        return (z + clip) / (2 * clip)
    }

    /// `Scale.binIndex` over the bins `start..<end`: the utility of the first bin whose upper
    /// edge is above x (the last edge is +∞).
    @inlinable @inline(__always)
    func bin(from start: Int, to end: Int, at x: Double) -> Double {
        var low = start
        var high = end &- 1
        while low < high {
            let middle = (low &+ high) / 2
            if x < xs[middle] { high = middle } else { low = middle &+ 1 }
        }
        return us[low]
    }

    /// Replaces a panel of raw values with their utilities, in place, one factor (column)
    /// at a time: the streaming reader's path, which chooses each factor's formula once per
    /// panel instead of once per value.
    ///
    /// Entry `(r, f)` is `values[r × factors + f]`. On entry it holds factor `f`'s raw value
    /// (numeric factors), its category code as a `Double` (categorical factors, an exact
    /// small integer), or NaN when the value is missing. On return it holds
    /// ``utility(_:of:)`` of the raw value, ``utility(_:ofCategory:)`` of the code, or
    /// `missingFill[f]` for NaN: the same bits as evaluating each entry on its own.
    ///
    /// - Parameters:
    ///   - values: `rows × factors` entries, row-major (at least that many).
    ///   - rows: The number of rows to convert.
    ///   - missingFill: Per factor, the utility of a missing value.
    /// - Precondition: `values.count >= rows × factors`; `missingFill` has one entry per
    ///   factor; category codes index their factor's map.
    /// - Complexity: O(rows × factors).
    public func convertToUtilities(_ values: inout [Double], rows: Int, missingFill: [Double]) {
        let factorCount = kinds.count
        precondition(values.count >= rows * factorCount, "The panel needs rows × factors entries")
        precondition(missingFill.count == factorCount, "One missing fill per factor")
        // Interactions first, while their parents' entries still hold raw values; their own
        // entry is replaced whether or not their first parent is present (the missing group).
        for factor in 0..<factorCount where kinds[factor] == .interaction {
            let (first, second) = parents[factor]
            var index = 0
            for _ in 0..<rows {
                values[index &+ factor] = utility(factor, first: values[index &+ first], second: values[index &+ second])
                index &+= factorCount
            }
        }
        for factor in 0..<factorCount where kinds[factor] != .interaction {
            let p = 4 &* factor
            let fill = missingFill[factor]
            let flips = decreasing[factor]
            let (a, b, c, d) = (parameters[p], parameters[p &+ 1], parameters[p &+ 2], parameters[p &+ 3])
            let specials = hasSpecialValues(factor)
            // One loop per formula; `convert` applies the special values, the direction and
            // the fill.
            @inline(__always)
            func convert(_ formula: (Double) -> Double) {
                var index = factor
                if specials {
                    for _ in 0..<rows {
                        let x = values[index]
                        if x.isNaN {
                            values[index] = fill
                        } else if let special = specialUtility(factor, of: x) {
                            values[index] = special
                        } else {
                            let base = formula(x)
                            values[index] = flips ? 1 - base : base
                        }
                        index &+= factorCount
                    }
                    return
                }
                for _ in 0..<rows {
                    let x = values[index]
                    if x.isNaN {
                        values[index] = fill
                    } else {
                        let base = formula(x)
                        values[index] = flips ? 1 - base : base
                    }
                    index &+= factorCount
                }
            }
            switch kinds[factor] {
            case .linear: convert { Self.linear($0, low: a, span: b) }
            case .log: convert { Self.log($0, low: a, high: b, offset: c, denominator: d) }
            case .piecewise:
                let (start, end) = (Int(a), Int(b))
                convert { interpolate(from: start, to: end, at: $0) }
            case .binned:
                let (start, end) = (Int(a), Int(b))
                convert { bin(from: start, to: end, at: $0) }
            case .minMax: convert { Self.minMax($0, low: a, span: b) }
            case .zScore: convert { Self.zScore($0, mean: a, deviation: b, clip: c) }
            case .categorical:
                let start = Int(a)
                convert { us[start &+ Int($0)] }
            case .interaction:
                break
            }
        }
    }

    /// `Scale.interpolate` over the points `start..<end` of `xs`/`us`, with the same
    /// operations.
    @inlinable @inline(__always)
    func interpolate(from start: Int, to end: Int, at x: Double) -> Double {
        guard end > start else { return 0.5 }
        if x <= xs[start] { return us[start] }
        if x >= xs[end &- 1] { return us[end &- 1] }
        var low = start
        var high = end &- 1
        while high &- low > 1 {
            let middle = (low &+ high) / 2
            if xs[middle] <= x { low = middle } else { high = middle }
        }
        let t = (x - xs[low]) / (xs[high] - xs[low])
        return us[low] + t * (us[high] - us[low])
    }
}
