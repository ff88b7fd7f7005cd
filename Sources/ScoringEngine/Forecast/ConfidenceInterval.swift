import Foundation

/// Confidence intervals for a binomial proportion.
public enum ConfidenceInterval {
    /// The two-sided standard normal quantile z with P(|Z| ≤ z) = `level`, for the levels
    /// 0.80, 0.90, 0.95 and 0.99 (the ones pipeline files use).
    ///
    /// - Precondition: `level` is one of 0.8, 0.9, 0.95, 0.99.
    public static func normalQuantile(level: Double) -> Double {
        switch level {
        case 0.8: return 1.281_551_565_544_600_5
        case 0.9: return 1.644_853_626_951_472_7
        case 0.95: return 1.959_963_984_540_054
        case 0.99: return 2.575_829_303_548_900_4
        default: preconditionFailure("Confidence level must be 0.8, 0.9, 0.95 or 0.99 (got \(level))")
        }
    }

    /// The levels `normalQuantile(level:)` knows.
    public static let supportedLevels: [Double] = [0.8, 0.9, 0.95, 0.99]

    /// The Wilson score interval for `successes` out of `trials`.
    ///
    /// With p̂ = k/n and z the normal quantile of `level`:
    ///
    ///     centre = (p̂ + z²/2n) / (1 + z²/n)
    ///     half   = z / (1 + z²/n) · √(p̂(1 − p̂)/n + z²/4n²)
    ///
    /// Unlike the Wald interval p̂ ± z√(p̂(1−p̂)/n) it stays inside 0...1, is not empty for
    /// k = 0 or k = n, and covers close to its nominal level even for small n (Wilson 1927;
    /// Brown, Cai and DasGupta 2001). With no trials the interval is all of 0...1.
    ///
    /// - Parameters:
    ///   - successes: k, 0...trials.
    ///   - trials: n ≥ 0.
    ///   - level: The confidence level (see `normalQuantile(level:)`).
    public static func wilson(successes: Int, trials: Int, level: Double = 0.95) -> ClosedRange<Double> {
        precondition(trials >= 0 && successes >= 0 && successes <= trials, "Wilson interval needs 0 ≤ k ≤ n")
        guard trials > 0 else { return 0...1 }
        let z = normalQuantile(level: level)
        let n = Double(trials)
        let p = Double(successes) / n
        let z2 = z * z
        let denominator = 1 + z2 / n
        let centre = (p + z2 / (2 * n)) / denominator
        let half = z / denominator * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        // At k = 0 or k = n one end is exactly 0 or 1 in exact arithmetic; keep it so.
        let lower = successes == 0 ? 0 : max(0, centre - half)
        let upper = successes == trials ? 1 : min(1, centre + half)
        return lower...upper
    }
}
