import LinearAlgebra
import RealModule

// Elementwise approximate comparison for arrays and matrices, built on RealModule's
// `isApproximatelyEqual(to:absoluteTolerance:relativeTolerance:)`: two entries `a` and `b`
// match when `|a − b| <= max(absoluteTolerance, relativeTolerance · max(|a|, |b|))`.
// Tests state both tolerances at the call site; there is no hidden default.

extension Array where Element == Double {
    /// Whether `self` and `other` have the same count and every pair of entries is
    /// approximately equal under RealModule's rule with the given tolerances.
    ///
    /// - Parameters:
    ///   - other: The expected values.
    ///   - absoluteTolerance: Allowed absolute difference, for entries near zero; non-negative.
    ///   - relativeTolerance: Allowed difference relative to the larger magnitude; in 0...1.
    public func isApproximatelyEqual(
        to other: [Double], absoluteTolerance: Double, relativeTolerance: Double
    ) -> Bool {
        count == other.count
            && zip(self, other).allSatisfy { actual, expected in
                actual.isApproximatelyEqual(
                    to: expected, absoluteTolerance: absoluteTolerance,
                    relativeTolerance: relativeTolerance)
            }
    }
}

extension ArraySlice where Element == Double {
    /// Whether the slice matches `other` entry by entry; see `Array.isApproximatelyEqual`.
    public func isApproximatelyEqual(
        to other: [Double], absoluteTolerance: Double, relativeTolerance: Double
    ) -> Bool {
        Array(self).isApproximatelyEqual(
            to: other, absoluteTolerance: absoluteTolerance, relativeTolerance: relativeTolerance)
    }
}

extension Matrix {
    /// Whether `self` and `other` have the same shape and every pair of entries is
    /// approximately equal under RealModule's rule with the given tolerances.
    public func isApproximatelyEqual(
        to other: Matrix, absoluteTolerance: Double, relativeTolerance: Double
    ) -> Bool {
        rows == other.rows && columns == other.columns
            && elements.isApproximatelyEqual(
                to: other.elements, absoluteTolerance: absoluteTolerance,
                relativeTolerance: relativeTolerance)
    }
}
