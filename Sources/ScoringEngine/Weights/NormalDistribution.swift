import Foundation

/// The standard normal distribution N(0, 1): the tail probabilities behind Wald tests.
///
/// Built on the C library's complementary error function `erfc`, which keeps full relative
/// precision in the far tails (a p-value of 1e-300 is not rounded to 0 the way
/// `1 − Φ(|z|)` would be).
public enum NormalDistribution {
    /// Φ(x) = P(Z ≤ x) = ½ · erfc(−x / √2), in 0...1.
    ///
    /// Accurate to a few ulps relative to the result in both tails (erfc's accuracy).
    /// Φ(−∞) = 0, Φ(+∞) = 1, Φ(NaN) = NaN.
    public static func cumulativeProbability(_ x: Double) -> Double {
        0.5 * erfc(-x / 2.0.squareRoot())
    }

    /// The two-sided tail probability P(|Z| ≥ |z|) = erfc(|z| / √2), in 0...1.
    ///
    /// This is the Wald test p-value of a coefficient whose estimate divided by its standard
    /// error is `z`. `twoSidedPValue(0) == 1`; for |z| = 1.959964 it is 0.05.
    public static func twoSidedPValue(_ z: Double) -> Double {
        erfc(abs(z) / 2.0.squareRoot())
    }
}
