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
    case categorical(map: [Category])
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
        public init(label: String, utility: Double) {
            self.label = label
            self.utility = utility
        }
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
        case .categorical, .minMax, .zScore:
            preconditionFailure("Scale.utility(of:) needs a fixed numeric scale, not \(kind)")
        }
    }

    /// The raw value at which a fixed, monotone scale reaches the utility `target`, if any
    /// (used to explain what change would move an account).
    static func clamp01(_ value: Double) -> Double {
        Swift.min(Swift.max(value, 0), 1)
    }

    static func interpolate(_ points: [Point], at x: Double) -> Double {
        guard let first = points.first, let last = points.last else { return 0.5 }
        if x <= first.x { return first.utility }
        if x >= last.x { return last.utility }
        // Binary search for the segment containing x.
        var low = 0
        var high = points.count - 1
        while high - low > 1 {
            let middle = (low + high) / 2
            if points[middle].x <= x { low = middle } else { high = middle }
        }
        let left = points[low]
        let right = points[high]
        let t = (x - left.x) / (right.x - left.x)
        return left.utility + t * (right.utility - left.utility)
    }
}
