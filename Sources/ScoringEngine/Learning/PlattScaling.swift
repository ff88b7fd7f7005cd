import Foundation

/// Platt scaling: a one-variable logistic regression of outcomes on a score,
/// P(won) = σ(a + b · score), fitted by maximum likelihood.
///
/// ## Mathematical contract
///
/// Maximizes `Σ [yᵢ ln pᵢ + (1 − yᵢ) ln(1 − pᵢ)] − ½ ε b²` with a tiny ridge `ε = 1e-6` on the
/// slope (as ``WeightFit`` does), so the estimate stays finite when the score separates the
/// outcomes. Newton's method on the standardized score (`z = (score − mean) / sd`) with step
/// halving (at most 20 halvings); converged when the Newton step changes a coefficient by
/// less than 1e-9 or the Newton decrement per score is at most 1e-12 (the full step is
/// taken; at most 200 passes over the scores in all). With
/// all outcomes of one kind the result is the constant `a = logit` of the clipped rate, `b = 0`.
public enum PlattScaling {
    /// The fitted intercept `a` and slope `b` on the original score scale.
    public static func fit(scores: [Double], outcomes: [Double]) -> (intercept: Double, slope: Double) {
        precondition(scores.count == outcomes.count, "Platt scaling needs one outcome per score")
        let n = Double(scores.count)
        guard n > 0 else { return (0, 0) }
        var mean = 0.0
        var won = 0.0
        for index in scores.indices {
            mean += scores[index]
            won += outcomes[index]
        }
        mean /= n
        var variance = 0.0
        for score in scores { variance += (score - mean) * (score - mean) }
        let deviation = (variance / n).squareRoot()
        let rate = min(max(won / n, 1e-12), 1 - 1e-12)
        guard deviation > 0, won > 0, won < n else { return (log(rate / (1 - rate)), 0) }
        // ½ ε b² with b on the original scale is ½ (ε / sd²) b_z² for the standardized slope b_z.
        let ridge = 1e-6 / (deviation * deviation)
        var a = log(rate / (1 - rate))
        var b = 0.0
        var baseA = a
        var baseB = b
        var stepA = 0.0
        var stepB = 0.0
        var scale = 1.0
        var accepted = -Double.infinity
        for _ in 0..<200 {
            // One pass: the objective, gradient and Hessian at (a, b).
            var objective = 0.0
            var softplus = SoftplusSum()
            var ga = 0.0
            var gb = 0.0
            var haa = 0.0
            var hab = 0.0
            var hbb = 0.0
            for index in scores.indices {
                let z = (scores[index] - mean) / deviation
                let t = a + b * z
                let e = exp(-abs(t))
                let p = t >= 0 ? 1 / (1 + e) : e / (1 + e)
                objective += outcomes[index] * t - max(t, 0)
                softplus.add(e)
                let r = outcomes[index] - p
                let w = p * (1 - p)
                ga += r
                gb += r * z
                haa += w
                hab += w * z
                hbb += w * z * z
            }
            objective -= softplus.value + 0.5 * ridge * b * b
            if accepted.isFinite, objective < accepted - 1e-12 * abs(accepted) {
                scale /= 2
                if scale < 1e-6 {
                    (a, b) = (baseA, baseB)
                    break
                }
                a = baseA + scale * stepA
                b = baseB + scale * stepB
                continue
            }
            accepted = objective
            gb -= ridge * b
            hbb += ridge
            let determinant = haa * hbb - hab * hab
            guard determinant > 0 else { break }
            stepA = (hbb * ga - hab * gb) / determinant
            stepB = (haa * gb - hab * ga) / determinant
            (baseA, baseB) = (a, b)
            scale = 1
            a += stepA
            b += stepB
            // Converged on the step, or on the Newton decrement per score (which scales with n).
            let decrement = ga * stepA + gb * stepB
            if max(abs(stepA), abs(stepB)) < 1e-9 || decrement <= 1e-12 * n { break }
        }
        // σ(a + b (s − mean)/sd) = σ((a − b mean/sd) + (b/sd) s)
        return (a - b * mean / deviation, b / deviation)
    }
}
