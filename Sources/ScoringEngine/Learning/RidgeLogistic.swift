import Foundation
import LinearAlgebra

/// A lean L2-regularized logistic regression for the learner's many refits (the λ path,
/// every fold, the contribution of every factor): the same objective and Newton method as
/// ``LogisticRegression``, without its per-fit data checks and copies, and with a warm start.
///
/// ## Mathematical contract
///
/// The design `Z` already holds the intercept column (a column of ones, penalty 0). Maximizes
///
///     Q(β) = Σᵢ [yᵢ ηᵢ − ln(1 + e^ηᵢ)] − ½ Σₖ Dₖ (βₖ − μₖ)²,   η = Zβ
///
/// by Newton steps `Δ = (ZᵀWZ + D)⁻¹ (Zᵀ(y − p) − D(β − μ))` (BLAS dsyrk/dgemv, LAPACK
/// Cholesky) with step halving (Armijo, at most 20 halvings; giving up is reported as not
/// converged unless the promised gain is below rounding). Converged when the Newton
/// decrement per row gᵀH⁻¹g / n is at most `tolerance`, or a full step moves no row's
/// log-odds and no coefficient (relative to 1 + |βₖ|) by more than √`tolerance`. With every feature penalized (Dₖ > 0) and both outcomes present, Q is
/// strictly concave and the optimum exists; the learner only calls it so.
struct RidgeLogistic {
    struct Fit {
        var coefficients: [Double]
        /// ZᵀWZ + D at the returned coefficients' last Newton iteration.
        var hessian: Matrix
        /// η = Zβ for the training rows.
        var linearPredictor: [Double]
        var iterations: Int
        var converged: Bool
    }

    /// - Parameter onePass: Whether each step reads the design once (``fitReadingOnce``);
    ///   `nil`: above ``onePassRows`` rows.
    static func fit(
        design: Matrix, outcomes: [Double], penalty: [Double], prior: [Double], start: [Double],
        maximumIterations: Int = 50, tolerance: Double = 1e-8, onePass: Bool? = nil
    ) throws(LearningError) -> Fit {
        let n = design.rows
        let terms = design.columns
        precondition(
            outcomes.count == n && penalty.count == terms && prior.count == terms && start.count == terms,
            "RidgeLogistic needs one outcome per row and one penalty, prior and start per term")
        if readsOnce(rows: n, onePass: onePass) {
            return try fitReadingOnce(
                design: design, outcomes: outcomes, penalty: penalty, prior: prior, start: start,
                maximumIterations: maximumIterations, tolerance: tolerance)
        }
        var beta = start
        var eta = design.multiplied(by: beta)
        var weights = [Double](repeating: 0, count: n)
        var residual = [Double](repeating: 0, count: n)
        var hessian = Matrix(rows: terms, columns: terms)
        var iterations = 0
        var converged = false
        // The last accepted point, the Newton step from it, and the fraction of it taken.
        var base = beta
        var baseEta = eta
        var step = [Double](repeating: 0, count: terms)
        var direction = [Double](repeating: 0, count: n)
        var scale = 1.0
        var decrement = 0.0
        var accepted = -Double.infinity
        let small = tolerance.squareRoot()
        while iterations < maximumIterations {
            // One pass: Q, p, W and the residual at β (one exp per row, one log per 8 rows).
            var objective = 0.0
            var softplus = SoftplusSum()
            for row in 0..<n {
                let part = rowTerms(eta[row], outcome: outcomes[row])
                objective += part.objective
                softplus.add(part.e)
                weights[row] = part.weight
                residual[row] = part.residual
            }
            objective = penalized(objective - softplus.value, beta: beta, penalty: penalty, prior: prior)
            if rejects(objective, accepted: accepted, scale: scale, decrement: decrement) {
                scale /= 2
                if scale < 1e-6 {
                    // The line search gave up after 20 halvings: converged only when the
                    // gain the Newton step promised (½ gᵀΔ) is below the objective's rounding.
                    beta = base
                    eta = baseEta
                    converged = 0.5 * decrement <= 1e-12 * abs(accepted)
                    break
                }
                for k in 0..<terms { beta[k] = base[k] + scale * step[k] }
                for row in 0..<n { eta[row] = baseEta[row] + scale * direction[row] }
                continue
            }
            accepted = objective
            iterations += 1
            hessian = design.weightedGram(weights)
            let newton = try newtonStep(
                gradient: design.transposeMultiplied(by: residual), hessian: &hessian, beta: beta, penalty: penalty,
                prior: prior)
            step = newton.step
            decrement = newton.decrement
            let coefficientChange = newton.coefficientChange
            direction = design.multiplied(by: step)
            var etaChange = 0.0
            for value in direction { etaChange = max(etaChange, abs(value)) }
            base = beta
            baseEta = eta
            scale = 1
            for k in 0..<terms { beta[k] += step[k] }
            for row in 0..<n { eta[row] += direction[row] }
            // Newton converges quadratically: once a full step is ≤ √tolerance the error left
            // after taking it is about tolerance, so no verifying iteration is needed.
            // Or by the Newton decrement per row (gᵀH⁻¹g / n ≤ tolerance), which scales with n.
            if decrement <= tolerance * Double(n) || (etaChange <= small && coefficientChange <= small) {
                converged = true
                break
            }
        }
        return Fit(coefficients: beta, hessian: hessian, linearPredictor: eta, iterations: iterations, converged: converged)
    }

    /// One row's part of a Newton pass at log-odds `t` with outcome `y`: its term of
    /// Σ [yη − max(η, 0)], e^−|η| (for the softplus sum), `w = p(1 − p)` and `r = y − p`.
    @inline(__always)
    static func rowTerms(_ t: Double, outcome y: Double) -> (objective: Double, e: Double, weight: Double, residual: Double) {
        let e = exp(-abs(t))
        let p = t >= 0 ? 1 / (1 + e) : e / (1 + e)
        return (y * t - max(t, 0), e, p * (1 - p), y - p)
    }

    /// `Q(β)` from its data part: minus ½ Σₖ Dₖ (βₖ − μₖ)² over the penalized terms.
    static func penalized(_ data: Double, beta: [Double], penalty: [Double], prior: [Double]) -> Double {
        var objective = data
        for k in beta.indices where penalty[k] > 0 {
            let d = beta[k] - prior[k]
            objective -= 0.5 * penalty[k] * d * d
        }
        return objective
    }

    /// Armijo: whether a fraction `scale` of the Newton step from the point accepted at
    /// `accepted` falls short, Q(β) < Q(base) + 10⁻⁴ t gᵀΔ (never before a first point).
    static func rejects(_ objective: Double, accepted: Double, scale: Double, decrement: Double) -> Bool {
        accepted.isFinite && !(objective >= accepted + 1e-4 * scale * decrement - 1e-12 * abs(accepted))
    }

    /// The Newton step from `beta` given the data parts of the gradient (`Zᵀ(y − p)`) and
    /// of `hessian` (`ZᵀWZ`, to which the penalty is added in place): the step, its largest
    /// coefficient change relative to 1 + |βₖ|, and the decrement gᵀΔ.
    static func newtonStep(
        gradient data: [Double], hessian: inout Matrix, beta: [Double], penalty: [Double], prior: [Double]
    ) throws(LearningError) -> (step: [Double], coefficientChange: Double, decrement: Double) {
        var gradient = data
        for k in beta.indices {
            gradient[k] -= penalty[k] * (beta[k] - prior[k])
            hessian[k, k] += penalty[k]
        }
        let factor: CholeskyFactorization
        do {
            factor = try hessian.cholesky()
        } catch {
            throw .weights(.regression(.numericallySingular(term: .intercept, featureNames: [])))
        }
        let step = factor.solve(gradient)
        var coefficientChange = 0.0
        for k in beta.indices { coefficientChange = max(coefficientChange, abs(step[k]) / (1 + abs(beta[k]))) }
        var decrement = 0.0
        for k in beta.indices { decrement += gradient[k] * step[k] }
        return (step, coefficientChange, decrement)
    }

    /// The penalties of a path's fit at strength `lambda`: every feature by λ, the intercept
    /// (term 0) by nothing.
    static func pathPenalty(_ lambda: Double, terms: Int) -> [Double] { [0] + [Double](repeating: lambda, count: terms - 1) }

    /// The data part `ZᵀWZ` of a path fit's Hessian `ZᵀWZ + D(λ)`.
    static func dataPart(of hessian: Matrix, lambda: Double) -> Matrix {
        var data = hessian
        for k in 1..<hessian.rows { data[k, k] -= lambda }
        return data
    }

    /// The Cholesky factor of the chord iterations' matrix `ZᵀWZ + D(λ)`, kept for every step
    /// at `lambda`; `nil` when it is not positive definite (the strength is then refitted by
    /// Newton's method).
    static func chordFactor(_ dataHessian: Matrix, lambda: Double) -> CholeskyFactorization? {
        var matrix = dataHessian
        for k in 1..<dataHessian.rows { matrix[k, k] += lambda }
        return try? matrix.cholesky()
    }

    /// Fits a path of decreasing strengths `lambdas` (every feature penalized by λ, the
    /// intercept by nothing): Newton at the first λ, then for each next λ chord iterations
    /// that keep the data part ZᵀWZ of the Hessian from the previous solution,
    /// `Δ = (ZᵀWZ + D(λ))⁻¹ (Zᵀ(y − p) − D(λ)(β − μ))`, with the exact gradient at every
    /// step (two dgemv and no dsyrk per step), until max |ZΔ| ≤ `tolerance`. A λ whose chord
    /// iterations do not converge within 8 steps is refitted by Newton's method.
    ///
    /// - Parameter onePass: Whether each step reads the design once (``pathReadingOnce``);
    ///   `nil`: above ``onePassRows`` rows.
    /// - Returns: The coefficients at each λ, in the order given.
    static func path(
        design: Matrix, outcomes: [Double], lambdas: [Double], prior: [Double], start: [Double], tolerance: Double = 1e-6,
        onePass: Bool? = nil
    ) throws(LearningError) -> [[Double]] {
        if readsOnce(rows: design.rows, onePass: onePass) {
            return try pathReadingOnce(
                design: design, outcomes: outcomes, lambdas: lambdas, prior: prior, start: start, tolerance: tolerance)
        }
        let n = design.rows
        let terms = design.columns
        guard let first = lambdas.first else { return [] }
        var fit = try RidgeLogistic.fit(
            design: design, outcomes: outcomes, penalty: pathPenalty(first, terms: terms), prior: prior, start: start)
        var results = [fit.coefficients]
        var dataHessian = dataPart(of: fit.hessian, lambda: first)
        var beta = fit.coefficients
        var eta = fit.linearPredictor
        var residual = [Double](repeating: 0, count: n)
        for lambda in lambdas.dropFirst() {
            var converged = false
            if let factor = chordFactor(dataHessian, lambda: lambda) {
                for _ in 0..<8 {
                    for row in 0..<n {
                        let t = eta[row]
                        let p = t >= 0 ? 1 / (1 + exp(-t)) : exp(t) / (1 + exp(t))
                        residual[row] = outcomes[row] - p
                    }
                    var gradient = design.transposeMultiplied(by: residual)
                    for k in 1..<terms { gradient[k] -= lambda * (beta[k] - prior[k]) }
                    let step = factor.solve(gradient)
                    let change = design.multiplied(by: step)
                    var largest = 0.0
                    for row in 0..<n {
                        eta[row] += change[row]
                        largest = max(largest, abs(change[row]))
                    }
                    for k in 0..<terms { beta[k] += step[k] }
                    if !largest.isFinite { break }
                    if largest <= tolerance {
                        converged = true
                        break
                    }
                }
            }
            if !converged {
                fit = try RidgeLogistic.fit(
                    design: design, outcomes: outcomes, penalty: pathPenalty(lambda, terms: terms), prior: prior,
                    start: beta.allSatisfy(\.isFinite) ? beta : start)
                beta = fit.coefficients
                eta = fit.linearPredictor
                dataHessian = dataPart(of: fit.hessian, lambda: lambda)
            }
            results.append(beta)
        }
        return results
    }
}
