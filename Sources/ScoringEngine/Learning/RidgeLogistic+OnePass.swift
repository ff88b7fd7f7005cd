import Foundation
import LinearAlgebra

/// ``RidgeLogistic``'s Newton and chord steps with the design read once per step.
///
/// On a tall design the fits are bound by memory, not arithmetic: a Newton iteration read all
/// of `Z` three times (`Zᵀr` by `dgemv`, `ZᵀWZ` by panels and `dsyrk`, then `ZΔ` by `dgemv`)
/// and a chord step of the λ path twice. Here each step is one pass
/// (``DesignRows/stepProducts(along:gram:workers:fill:)``): on each panel of rows, `ZΔ` of the
/// step just solved, the log-odds it leads to, the objective's terms, `w` and `r` there, then
/// `Zᵀr` (and `ZᵀWZ`), while the panel is in cache. A Newton step's objective is still
/// checked (Armijo) before its gradient and Hessian are used; the products taken at a point
/// the line search rejects are discarded (rare).
///
/// The objective is summed row by row in the same order and with the same terms as
/// ``RidgeLogistic/fit(design:outcomes:penalty:prior:start:maximumIterations:tolerance:)``'s
/// pass, and the steps, line search and stopping rules are the same; `Zᵀr` and `ZᵀWZ` are
/// summed panel by panel instead of in one BLAS call, so the iterates differ from the
/// other path's in the last bits and the fits agree to the convergence tolerance (tests).
/// Used above ``RidgeLogistic/onePassRows`` rows: smaller fits keep their exact bits.
extension RidgeLogistic {
    /// Rows above which ``fit(design:outcomes:penalty:prior:start:maximumIterations:tolerance:onePass:)``
    /// and ``path(design:outcomes:lambdas:prior:start:tolerance:onePass:)`` read the design
    /// once per step (``ModelLearner/largeHistory``, where the lagged curvature starts too).
    static let onePassRows = 200_000

    /// Whether a fit on `rows` rows reads its design once per step (`onePass` forces it).
    static func readsOnce(rows: Int, onePass: Bool?) -> Bool { onePass ?? (rows > onePassRows) }

    /// What one pass over the rows computes, kept between the panels of a pass (which come
    /// one after the other, in row order: the passes use one worker, the folds being the
    /// parallel work). Each panel is copied in and out of the row arrays whole, so that the
    /// per-row work runs on local arrays.
    final class Rows: @unchecked Sendable {
        let outcomes: [Double]
        /// The log-odds of the point the pass evaluates (written by a pass that takes a step).
        var eta: [Double]
        /// The log-odds the step starts from, and the step's `ZΔ` (a Newton step's line search
        /// moves along it).
        var baseEta: [Double] = []
        var direction: [Double]
        // Sums of the pass.
        var objective = 0.0
        var softplus = SoftplusSum()
        var largestChange = 0.0

        init(outcomes: [Double], eta: [Double]) {
            self.outcomes = outcomes
            self.eta = eta
            direction = [Double](repeating: 0, count: eta.count)
        }

        func startPass() {
            objective = 0
            softplus = SoftplusSum()
            largestChange = 0
        }

        /// A Newton pass's panel: with a step (`direction` not empty) `η = η_base + ZΔ` first;
        /// then, as ``RidgeLogistic/fit(design:outcomes:penalty:prior:start:maximumIterations:tolerance:onePass:)``'s
        /// pass does row by row, the objective's terms, `w = p(1 − p)` and `r = y − p`.
        func newtonPanel(_ panel: Range<Int>, direction step: [Double], weights: inout [Double], residuals: inout [Double]) {
            var eta = Array(self.eta[panel])
            if !step.isEmpty {
                let base = self.baseEta[panel]
                var largest = largestChange
                for (i, start) in zip(eta.indices, base.indices) {
                    eta[i] = base[start] + step[i]
                    largest = max(largest, abs(step[i]))
                }
                largestChange = largest
                self.eta.replaceSubrange(panel, with: eta)
                direction.replaceSubrange(panel, with: step)
            }
            var objective = self.objective
            var softplus = self.softplus
            let outcomes = self.outcomes[panel]
            for (i, row) in zip(eta.indices, outcomes.indices) {
                let part = RidgeLogistic.rowTerms(eta[i], outcome: outcomes[row])
                objective += part.objective
                softplus.add(part.e)
                weights[i] = part.weight
                residuals[i] = part.residual
            }
            self.objective = objective
            self.softplus = softplus
        }

        /// A chord pass's panel: with a step, `η += ZΔ` first (and the largest change); then
        /// `r = y − p` as ``RidgeLogistic/path(design:outcomes:lambdas:prior:start:tolerance:onePass:)``
        /// computes it.
        func chordPanel(_ panel: Range<Int>, direction step: [Double], residuals: inout [Double]) {
            var eta = Array(self.eta[panel])
            if !step.isEmpty {
                var largest = largestChange
                for i in eta.indices {
                    eta[i] += step[i]
                    largest = max(largest, abs(step[i]))
                }
                largestChange = largest
                self.eta.replaceSubrange(panel, with: eta)
            }
            let outcomes = self.outcomes[panel]
            for (i, row) in zip(eta.indices, outcomes.indices) {
                let t = eta[i]
                let p = t >= 0 ? 1 / (1 + exp(-t)) : exp(t) / (1 + exp(t))
                residuals[i] = outcomes[row] - p
            }
        }
    }

    /// ``fit(design:outcomes:penalty:prior:start:maximumIterations:tolerance:onePass:)`` with
    /// one pass over the design per Newton step (see the extension's notes).
    static func fitReadingOnce(
        design: Matrix, outcomes: [Double], penalty: [Double], prior: [Double], start: [Double],
        maximumIterations: Int, tolerance: Double
    ) throws(LearningError) -> Fit {
        let n = design.rows
        let terms = design.columns
        let designRows = DesignRows(design, leadingOnes: false)
        let rows = Rows(outcomes: outcomes, eta: design.multiplied(by: start))
        var beta = start
        var hessian = Matrix(rows: terms, columns: terms)
        var iterations = 0
        var converged = false
        // The last accepted point, the Newton step from it, and the fraction of it taken.
        var base = beta
        var step = [Double](repeating: 0, count: terms)
        var scale = 1.0
        var decrement = 0.0
        var accepted = -Double.infinity
        let small = tolerance.squareRoot()
        // A full step whose `ZΔ` the next pass takes, and its largest relative coefficient change.
        var pending: (step: [Double], coefficientChange: Double)?
        while iterations < maximumIterations {
            rows.startPass()
            let (gram, product) = designRows.stepProducts(along: pending?.step, gram: true, workers: 1) {
                panel, direction, weights, residuals in
                rows.newtonPanel(panel, direction: direction, weights: &weights, residuals: &residuals)
            }
            if let taken = pending {
                // The step's stopping rule, now that its largest change of log-odds is known.
                pending = nil
                if rows.largestChange <= small && taken.coefficientChange <= small {
                    converged = true
                    break
                }
            }
            let objective = penalized(rows.objective - rows.softplus.value, beta: beta, penalty: penalty, prior: prior)
            // Armijo: halve the step while Q(β) < Q(base) + 10⁻⁴ t gᵀΔ.
            if rejects(objective, accepted: accepted, scale: scale, decrement: decrement) {
                scale /= 2
                if scale < 1e-6 {
                    beta = base
                    rows.eta = rows.baseEta
                    converged = 0.5 * decrement <= 1e-12 * abs(accepted)
                    break
                }
                for k in 0..<terms { beta[k] = base[k] + scale * step[k] }
                for row in 0..<n { rows.eta[row] = rows.baseEta[row] + scale * rows.direction[row] }
                continue
            }
            accepted = objective
            iterations += 1
            guard let gram else { preconditionFailure("RidgeLogistic: the pass takes ZᵀWZ") }
            hessian = gram
            let newton = try newtonStep(gradient: product, hessian: &hessian, beta: beta, penalty: penalty, prior: prior)
            step = newton.step
            decrement = newton.decrement
            base = beta
            rows.baseEta = rows.eta
            scale = 1
            for k in 0..<terms { beta[k] += step[k] }
            if decrement <= tolerance * Double(n) {
                // Converged by the Newton decrement: the log-odds along the full step, no more.
                moveAlong(step, design: design, rows: rows)
                converged = true
                break
            }
            pending = (step, newton.coefficientChange)
        }
        if let taken = pending {
            // The iterations ran out with a step taken but not yet applied to the rows.
            moveAlong(taken.step, design: design, rows: rows)
            converged = rows.largestChange <= small && taken.coefficientChange <= small
        }
        return Fit(coefficients: beta, hessian: hessian, linearPredictor: rows.eta, iterations: iterations, converged: converged)
    }

    /// `η = η_base + ZΔ` for every row, with the largest change.
    private static func moveAlong(_ step: [Double], design: Matrix, rows: Rows) {
        let direction = design.multiplied(by: step)
        var largest = 0.0
        for row in direction.indices {
            rows.eta[row] = rows.baseEta[row] + direction[row]
            largest = max(largest, abs(direction[row]))
        }
        rows.direction = direction
        rows.largestChange = largest
    }

    /// ``path(design:outcomes:lambdas:prior:start:tolerance:onePass:)`` with one pass over the
    /// design per chord step: the step's `ZΔ`, the log-odds and residuals it leads to, and
    /// `Zᵀr` there (the next step's gradient, and the first one of the next λ when the step
    /// converged: the data part of the gradient does not depend on λ).
    static func pathReadingOnce(
        design: Matrix, outcomes: [Double], lambdas: [Double], prior: [Double], start: [Double], tolerance: Double
    ) throws(LearningError) -> [[Double]] {
        let terms = design.columns
        guard let first = lambdas.first else { return [] }
        var fit = try fitReadingOnce(
            design: design, outcomes: outcomes, penalty: pathPenalty(first, terms: terms), prior: prior, start: start,
            maximumIterations: 50,
            tolerance: 1e-8)
        var results = [fit.coefficients]
        var dataHessian = dataPart(of: fit.hessian, lambda: first)
        var beta = fit.coefficients
        let designRows = DesignRows(design, leadingOnes: false)
        let rows = Rows(outcomes: outcomes, eta: fit.linearPredictor)
        // Zᵀ(y − p) at the current log-odds, once a pass has taken it.
        var dataGradient: [Double]?
        func pass(along step: [Double]?) -> [Double] {
            rows.startPass()
            return designRows.stepProducts(along: step, gram: false, workers: 1) { panel, direction, _, residuals in
                rows.chordPanel(panel, direction: direction, residuals: &residuals)
            }.product
        }
        for lambda in lambdas.dropFirst() {
            var converged = false
            if let factor = chordFactor(dataHessian, lambda: lambda) {
                for _ in 0..<8 {
                    var gradient = dataGradient ?? pass(along: nil)
                    for k in 1..<terms { gradient[k] -= lambda * (beta[k] - prior[k]) }
                    let step = factor.solve(gradient)
                    dataGradient = pass(along: step)
                    for k in 0..<terms { beta[k] += step[k] }
                    let largest = rows.largestChange
                    if !largest.isFinite { break }
                    if largest <= tolerance {
                        converged = true
                        break
                    }
                }
            }
            if !converged {
                fit = try fitReadingOnce(
                    design: design, outcomes: outcomes, penalty: pathPenalty(lambda, terms: terms), prior: prior,
                    start: beta.allSatisfy(\.isFinite) ? beta : start, maximumIterations: 50, tolerance: 1e-8)
                beta = fit.coefficients
                rows.eta = fit.linearPredictor
                dataGradient = nil
                dataHessian = dataPart(of: fit.hessian, lambda: lambda)
            }
            results.append(beta)
        }
        return results
    }
}
