import Foundation

/// Draws random weight vectors for a model: each side (value, difficulty) on its simplex.
///
/// - ``Distribution/uniform``: uniform on each side's simplex (Dirichlet(1, …, 1)), SMAA's
///   "no preference information".
/// - ``Distribution/dirichlet(concentration:)``: Dirichlet(C·w) around the model's
///   normalized weights `w` on each side: the mean is `w` and the variance of factor j's
///   weight is wⱼ(1 − wⱼ)/(C + 1), so a larger C keeps draws closer to the model. A factor
///   of weight 0 stays 0.
///
/// A Dirichlet draw is a vector of independent Gamma(αⱼ, 1) variates divided by their sum.
/// Gamma variates come from Marsaglia and Tsang's method ("A simple method for generating
/// gamma variables", ACM TOMS 26 (2000) 363–372), with the boost Gamma(α) =
/// Gamma(α + 1)·U^(1/α) for α < 1, driven by ``SeededRandom``: the same seed gives the same
/// draws (on one platform; `log` and `exp` come from the C library). The variates are kept as
/// logarithms and normalized by log-sum-exp, so a small concentration (C·wⱼ ≪ 1, where every
/// U^(1/α) underflows to 0) still gives draws from the Dirichlet: nearly all weight on one
/// factor, factor j with probability wⱼ, rather than silently the model's own weights.
public struct WeightSampler: Sendable, Equatable {
    public enum Distribution: Sendable, Equatable {
        case uniform
        case dirichlet(concentration: Double)
    }

    public let distribution: Distribution

    /// The concentrations accepted: 1e-6...1e12. Below, C·wⱼ can underflow to 0 and
    /// even log-space Gamma variates to −∞; above, C·wⱼ can overflow, and draws equal the
    /// model's weights to 6 digits long before.
    public static let concentrationRange: ClosedRange<Double> = 1e-6...1e12

    /// - Throws: ``SensitivityError/invalidSetting(name:value:allowed:)`` for a concentration
    ///   outside ``concentrationRange``.
    public init(distribution: Distribution) throws(SensitivityError) {
        if case .dirichlet(let concentration) = distribution, !Self.concentrationRange.contains(concentration) {
            throw .invalidSetting(name: "concentration", value: "\(concentration)", allowed: "a number from 0.000001 to 1000000000000")
        }
        self.distribution = distribution
    }

    /// `count` weight vectors for `model`, row-major `count × factors` in model factor
    /// order, each side summing to 1.
    ///
    /// Draw m uses the generator's outputs in order: the value side's factors in model
    /// order, then the difficulty side's; so draw m is the same whatever else is drawn.
    public func draws(count: Int, model: ScoringModel, seed: UInt64) -> [Double] {
        let factorCount = model.factors.count
        var result = [Double](repeating: 0, count: count * factorCount)
        var random = SeededRandom(seed: seed)
        let sides = Factor.Side.allCases.map { side in model.factors.indices.filter { model.factors[$0].side == side } }
        let shapes: [Double] = model.factors.map { factor in
            switch distribution {
            case .uniform: return 1
            case .dirichlet(let concentration): return concentration * factor.weight
            }
        }
        var logs = [Double](repeating: 0, count: factorCount)
        for draw in 0..<count {
            let base = draw * factorCount
            for indices in sides {
                // Normalize in log space (log-sum-exp): with tiny shapes the variates
                // themselves underflow to 0, their logarithms do not.
                var largest = -Double.infinity
                for index in indices {
                    let shape = shapes[index]
                    logs[index] = shape > 0 ? Self.logGamma(shape: shape, using: &random) : -.infinity
                    largest = Swift.max(largest, logs[index])
                }
                guard largest > -.infinity else { continue }  // every weight of the side is 0
                var total = 0.0
                for index in indices {
                    let value = exp(logs[index] - largest)
                    result[base + index] = value
                    total += value
                }
                for index in indices { result[base + index] /= total }
            }
        }
        return result
    }

    /// The logarithm of a Gamma(shape, 1) variate: log Gamma(α) = log Gamma(α + 1) +
    /// log(U)/α for α < 1, which stays finite where U^(1/α) underflows (α = 0.0003 gives
    /// U^3333, 0 in double precision for any U < 0.8).
    static func logGamma(shape: Double, using random: inout SeededRandom) -> Double {
        guard shape < 1 else { return log(gamma(shape: shape, using: &random)) }
        let boosted = gamma(shape: shape + 1, using: &random)
        var u = random.nextDouble()
        while u == 0 { u = random.nextDouble() }
        return log(boosted) + log(u) / shape
    }

    /// A Gamma(shape, 1) variate (Marsaglia–Tsang).
    static func gamma(shape: Double, using random: inout SeededRandom) -> Double {
        if shape < 1 {
            let boosted = gamma(shape: shape + 1, using: &random)
            var u = random.nextDouble()
            while u == 0 { u = random.nextDouble() }
            return boosted * pow(u, 1 / shape)
        }
        let d = shape - 1.0 / 3
        let c = 1 / (9 * d).squareRoot()
        while true {
            var x: Double
            var v: Double
            repeat {
                x = random.nextGaussian()
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = random.nextDouble()
            if u < 1 - 0.0331 * x * x * x * x { return d * v }
            if u > 0, log(u) < 0.5 * x * x + d * (1 - v + log(v)) { return d * v }
        }
    }
}
