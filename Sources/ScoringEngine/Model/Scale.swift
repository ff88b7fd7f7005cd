import Foundation

/// How a factor's raw value becomes a utility in 0...1 (before the factor's direction).
///
/// Fixed scales (`linear`, `log`, `piecewise`, `categorical`) give an account the same
/// utility whatever else is in the batch. The batch-relative scales (`minMax`, `zScore`)
/// depend on the other accounts scored with it: the same account scores differently in a
/// different list. Output says which scales were batch-relative.
public enum Scale: Sendable, Equatable, Codable {
    /// `(x − min) / (max − min)`, clamped to 0...1. Requires `min < max`.
    case linear(min: Double, max: Double)
    /// `ln(x − min + offset) / ln(max − min + offset)` after clamping x to min...max; for money,
    /// where the step from 10 to 100 matters as much as from 100 to 1,000. Requires
    /// `min < max` and `offset ≥ 1` so the utility is 0 at `min` only if offset is 1.
    case log(min: Double, max: Double, offset: Double)
    /// Linear interpolation between points `(x, u)` with strictly increasing x and u in
    /// 0...1; constant beyond the first and last point.
    case piecewise(points: [Point])
    /// A utility per category label (matched exactly after trimming, then ignoring case).
    /// `other` is the utility of every label not in the map (categories pooled or never
    /// seen when the scale was learned); without it an unknown label is rejected.
    case categorical(map: [Category], other: Category? = nil)
    /// A step function learned from outcomes: bin `i` holds the values
    /// `bins[i − 1].upper ≤ x < bins[i].upper`; the first bin starts at −∞ and the last one
    /// has no upper edge. Utilities in 0...1.
    case binned(bins: [Bin])
    /// A pairwise interaction: a small 2-D table of utilities over the groups of two other
    /// factors of the model (see ``Interaction``). The factor reads its first parent's column
    /// only to know whether it is present; its utility comes from both parents' raw values.
    case interaction(Interaction)
    /// Batch-relative: `(x − batch min) / (batch max − batch min)`; 0.5 when all are equal.
    case minMax
    /// Batch-relative: the z-score clipped to ±clip and mapped linearly onto 0...1
    /// (`(z + clip) / (2 clip)`); 0.5 when the batch has no spread.
    case zScore(clip: Double)

    public struct Point: Sendable, Equatable, Codable {
        public let x: Double
        public let utility: Double
        public init(x: Double, utility: Double) {
            self.x = x
            self.utility = utility
        }
    }

    public struct Category: Sendable, Equatable, Codable {
        public let label: String
        public let utility: Double
        /// The outcomes the utility was learned from, for learned scales.
        public let evidence: Evidence?
        public init(label: String, utility: Double, evidence: Evidence? = nil) {
            self.label = label
            self.utility = utility
            self.evidence = evidence
        }
    }

    /// One step of a ``Scale/binned(bins:)`` scale.
    public struct Bin: Sendable, Equatable, Codable {
        /// The bin holds values below this edge (and at or above the previous bin's);
        /// `nil` for the last bin.
        public let upper: Double?
        public let utility: Double
        /// The outcomes the utility was learned from.
        public let evidence: Evidence?
        public init(upper: Double?, utility: Double, evidence: Evidence? = nil) {
            self.upper = upper
            self.utility = utility
            self.evidence = evidence
        }
    }

    /// The label under which ``Scale/categorical(map:other:)``'s `other` utility is shown.
    public static let otherLabel = "other"

    /// The utilities of a categorical scale by category code: the map's, then `other`'s
    /// (code `map.count`) when there is one.
    public var categoryUtilities: [Double] {
        guard case .categorical(let map, let other) = self else { return [] }
        return map.map(\.utility) + (other.map { [$0.utility] } ?? [])
    }

    /// The labels of a categorical scale by category code (`other` last when there is one).
    public var categoryLabels: [String] {
        guard case .categorical(let map, let other) = self else { return [] }
        return map.map(\.label) + (other.map { [$0.label] } ?? [])
    }

    /// The pairwise interaction table, when the scale is one.
    public var interaction: Interaction? {
        if case .interaction(let table) = self { return table }
        return nil
    }

    /// Whether the utility of one account depends on the rest of the batch.
    public var isBatchRelative: Bool {
        switch self {
        case .minMax, .zScore: return true
        default: return false
        }
    }

    /// The short name used in model files and reports.
    public var kind: String {
        switch self {
        case .linear: return "linear"
        case .log: return "log"
        case .piecewise: return "piecewise"
        case .categorical: return "categorical"
        case .binned: return "binned"
        case .interaction: return "interaction"
        case .minMax: return "minmax"
        case .zScore: return "zscore"
        }
    }

    /// The utility of a raw value on a fixed scale, in 0...1.
    ///
    /// - Precondition: the scale is fixed (not batch-relative) and not categorical.
    public func utility(of x: Double) -> Double {
        switch self {
        case .linear(let low, let high):
            return Scale.clamp01((x - low) / (high - low))
        case .log(let low, let high, let offset):
            let clamped = Swift.min(Swift.max(x, low), high)
            return Scale.clamp01(Foundation.log(clamped - low + offset) / Foundation.log(high - low + offset))
        case .piecewise(let points):
            return Scale.interpolate(points, at: x)
        case .binned(let bins):
            return bins[Scale.binIndex(bins, of: x)].utility
        case .categorical, .minMax, .zScore, .interaction:
            preconditionFailure("Scale.utility(of:) needs a fixed numeric scale, not \(kind)")
        }
    }

    /// `value` clamped to 0...1.
    static func clamp01(_ value: Double) -> Double {
        Swift.min(Swift.max(value, 0), 1)
    }

    /// The index of the bin holding `x`: the first bin whose upper edge is above `x` (NaN
    /// goes to the last bin; callers treat NaN as missing before asking).
    static func binIndex(_ bins: [Bin], of x: Double) -> Int {
        var low = 0
        var high = bins.count - 1
        while low < high {
            let middle = (low + high) / 2
            if let upper = bins[middle].upper, x < upper { high = middle } else { low = middle + 1 }
        }
        return low
    }

    static func interpolate(_ points: [Point], at x: Double) -> Double {
        interpolate(points, at: x, x: \.x, y: \.utility)
    }

    /// Linear interpolation between points with strictly increasing x, constant beyond the
    /// first and last point; 0.5 without points. Shared by piecewise scales and isotonic
    /// calibration.
    @inline(__always)
    static func interpolate<P>(_ points: [P], at x: Double, x xOf: (P) -> Double, y yOf: (P) -> Double) -> Double {
        guard let first = points.first, let last = points.last else { return 0.5 }
        if x <= xOf(first) { return yOf(first) }
        if x >= xOf(last) { return yOf(last) }
        // Binary search for the segment containing x.
        var low = 0
        var high = points.count - 1
        while high - low > 1 {
            let middle = (low + high) / 2
            if xOf(points[middle]) <= x { low = middle } else { high = middle }
        }
        let left = points[low]
        let right = points[high]
        let t = (x - xOf(left)) / (xOf(right) - xOf(left))
        return yOf(left) + t * (yOf(right) - yOf(left))
    }
}
