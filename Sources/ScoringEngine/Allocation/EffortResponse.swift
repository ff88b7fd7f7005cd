import Foundation

/// How effort on an account in one stage changes its chance of advancing in one period.
///
/// The pipeline's fitted chain gives each stage `s` an advance rate `aₛ`: the probability
/// of moving forward (to a later stage or to won) in one period, under the effort the team
/// spent in the history. With `e ≥ 0` work packages in the period, the advance probability is
///
///     p(e) = p₀ + (p_max − p₀) · (1 − exp(−e / k)),   p₀ = neglect · aₛ,  p_max = ceiling · aₛ
///
/// — saturating with diminishing returns (p is increasing and concave in `e`), `p(0) = p₀`
/// the **neglect** rate, `p(∞) = p_max`. The forward moves keep their fitted proportions and
/// are scaled by `p(e)/aₛ`; the rest of the row (staying, falling back, lost) shares
/// `1 − p(e)` in its fitted proportions. So effort moves probability from stalling and
/// losing to advancing, and a row always sums to 1 (given `ceiling · aₛ ≤ 1`).
public struct EffortResponse: Sendable, Equatable {
    /// p₀ / aₛ: the advance rate with no effort, relative to the fitted rate (≥ 0).
    public let neglect: Double
    /// p_max / aₛ: the advance rate with unlimited effort, relative to the fitted rate (≥ neglect).
    public let ceiling: Double
    /// k > 0, in work packages: effort `k` gives 63% of the possible gain, `3k` 95%.
    public let scale: Double

    public init(neglect: Double, ceiling: Double, scale: Double) {
        precondition(neglect >= 0 && ceiling >= neglect && scale > 0, "Response needs 0 ≤ neglect ≤ ceiling and scale > 0")
        self.neglect = neglect
        self.ceiling = ceiling
        self.scale = scale
    }

    /// The multiplier m(e) = neglect + (ceiling − neglect)(1 − exp(−e/k)) of the fitted advance rate.
    @inline(__always)
    public func multiplier(effort: Double) -> Double {
        neglect + (ceiling - neglect) * (1 - exp(-max(0, effort) / scale))
    }

    /// The transition row (7 states) of stage `stage` (1...5) under `effort`, from the fitted row.
    public func row(_ fitted: [Double], stage: Int, effort: Double) -> [Double] {
        precondition(fitted.count == PipelineState.count, "A transition row has 7 entries")
        let forward = Self.forwardStates(stage: stage)
        let advance = forward.reduce(0) { $0 + fitted[$1] }
        let rest = 1 - advance
        let moved = advance * multiplier(effort: effort)
        var result = fitted
        for j in 0..<PipelineState.count {
            if forward.contains(j) {
                result[j] = fitted[j] * multiplier(effort: effort)
            } else {
                result[j] = rest > 0 ? fitted[j] * (1 - moved) / rest : 0
            }
        }
        return result
    }

    /// The matrix indices of the forward moves from stage `stage` (1...5): later stages and won.
    public static func forwardStates(stage: Int) -> [Int] {
        Array(stage..<PipelineState.stageCount) + [PipelineState.won.index]
    }
}
