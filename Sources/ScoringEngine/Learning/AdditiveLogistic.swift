import Foundation
import LinearAlgebra

/// A penalized additive logistic regression on one-hot groups: the binned GAM behind the
/// learned curves.
///
/// ## Mathematical contract
///
/// Every term `t` puts each row in one of its groups `g = gₜ(i)` (a fine bin, a sentinel,
/// a category, missing). With one coefficient θₜ,g per group and an intercept β₀,
///
///     ηᵢ = β₀ + Σₜ θₜ,gₜ(i)
///
/// maximizes the penalized log-likelihood
///
///     Q = Σᵢ [yᵢ ηᵢ − ln(1 + e^ηᵢ)] − ½ Σₜ [ λ sₜ Σₖ (θₜ,cₖ − 2θₜ,cₖ₊₁ + θₜ,cₖ₊₂)² + Σ_g rₜ,g θₜ,g² ]
///
/// where c₀, c₁, … is the term's *chain* (its smooth bins in value order, tied by the
/// second-difference penalty of a P-spline with one-hot bins), sₜ the term's scale (the mean
/// information Σ p̄(1 − p̄) per chain bin, so that one λ means the same smoothness for every
/// term), and rₜ,g a ridge: `m p̄(1 − p̄)` for groups outside the chain (m pseudo-counts, the
/// shrinkage of a group with few accounts toward the others) and a tiny one on chain bins
/// (it only fixes the level of each term, which the intercept absorbs).
///
/// Newton's method with step halving: the Hessian XᵀWX + S is accumulated from the rows'
/// group pairs (a row has one 1 per term, so XᵀWX costs O(n T²) instead of the O(n p²) of a
/// dense product), the step solved by Cholesky (LAPACK `dpotrf`/`dpotrs`). All terms are
/// fitted jointly, so correlated columns share the signal instead of each claiming it.
///
/// The approximate posterior covariance of the coefficients is (XᵀWX + S)⁻¹ (Wood 2017,
/// §6.10), from which ``Fit/centeredCurve(term:)`` gives each group's standard error.
struct AdditiveLogistic: Sendable {
    struct Term: Sendable {
        /// The group of every row (all rows of the data, not only the ones fitted).
        var groups: [UInt16]
        var size: Int
        /// Local group indices tied by second differences, in value order.
        var chain: [Int]
        /// Per group ridge strength.
        var ridge: [Double]
        /// sₜ: the penalty scale of the chain.
        var smoothingScale: Double
    }

    let terms: [Term]
    /// Index of each term's first coefficient (the intercept is coefficient 0).
    let offsets: [Int]
    let parameterCount: Int

    init(terms: [Term]) {
        self.terms = terms
        var offsets: [Int] = []
        var next = 1
        for term in terms {
            offsets.append(next)
            next += term.size
        }
        self.offsets = offsets
        parameterCount = next
    }

    struct Fit: Sendable {
        var coefficients: [Double]
        /// Cholesky factor of XᵀWX + S at the last Newton iteration (`nil` when the fit was
        /// asked not to keep it: p² numbers per fit add up over the folds and the λ path).
        var factor: CholeskyFactorization?
        /// Σ wᵢ of each coefficient's rows (the diagonal of XᵀWX).
        var information: [Double]
        var iterations: Int
        /// The iterations that took XᵀWX afresh (all of them with ``Curvature/exact``).
        var curvaturePasses: Int
        var converged: Bool
        let offsets: [Int]
        let sizes: [Int]

        /// Term `t`'s coefficients.
        func curve(term t: Int) -> [Double] { Array(coefficients[offsets[t]..<(offsets[t] + sizes[t])]) }

        /// Term `t`'s coefficients centred on their `weights`-weighted mean (weights summing to
        /// anything positive), with the standard error of each centred value from the
        /// posterior covariance (XᵀWX + S)⁻¹.
        func centeredCurve(term t: Int, weights: [Double]) -> (values: [Double], standardErrors: [Double]) {
            let size = sizes[t]
            let total = weights.reduce(0, +)
            let v = weights.map { $0 / total }
            let theta = curve(term: t)
            let mean = zip(v, theta).reduce(0) { $0 + $1.0 * $1.1 }
            // The term's block of the inverse: solve with the block's unit vectors.
            let p = coefficients.count
            var unit = [Double](repeating: 0, count: p * size)
            for g in 0..<size { unit[(offsets[t] + g) * size + g] = 1 }
            guard let factor else { preconditionFailure("centeredCurve needs a fit that kept its Cholesky factor") }
            let solved = factor.solve(Matrix(rows: p, columns: size, elements: unit))
            var block = [Double](repeating: 0, count: size * size)
            for a in 0..<size { for b in 0..<size { block[a * size + b] = solved[offsets[t] + a, b] } }
            // Var(θ_g − vᵀθ) = Σgg − 2 (Σv)g + vᵀΣv.
            var sigmaV = [Double](repeating: 0, count: size)
            for a in 0..<size { for b in 0..<size { sigmaV[a] += block[a * size + b] * v[b] } }
            let vSigmaV = zip(v, sigmaV).reduce(0) { $0 + $1.0 * $1.1 }
            let errors = (0..<size).map { g in max(block[g * size + g] - 2 * sigmaV[g] + vSigmaV, 0).squareRoot() }
            return (theta.map { $0 - mean }, errors)
        }
    }

    /// The linear predictor of `rows`.
    func linearPredictor(rows: [Int], coefficients: [Double]) -> [Double] {
        var eta = [Double](repeating: coefficients[0], count: rows.count)
        for (t, term) in terms.enumerated() {
            let offset = offsets[t]
            let groups = term.groups
            for (position, row) in rows.enumerated() { eta[position] += coefficients[offset + Int(groups[row])] }
        }
        return eta
    }

    /// ½ βᵀSβ and, when asked, S β.
    func penalty(_ beta: [Double], lambda: Double) -> (value: Double, gradient: [Double]) {
        var gradient = [Double](repeating: 0, count: parameterCount)
        var value = 0.0
        for (t, term) in terms.enumerated() {
            let o = offsets[t]
            for g in 0..<term.size {
                let r = term.ridge[g]
                value += 0.5 * r * beta[o + g] * beta[o + g]
                gradient[o + g] += r * beta[o + g]
            }
            let strength = lambda * term.smoothingScale
            let chain = term.chain
            guard chain.count >= 3, strength > 0 else { continue }
            for k in 0..<(chain.count - 2) {
                let (a, b, c) = (o + chain[k], o + chain[k + 1], o + chain[k + 2])
                let d = beta[a] - 2 * beta[b] + beta[c]
                value += 0.5 * strength * d * d
                gradient[a] += strength * d
                gradient[b] -= 2 * strength * d
                gradient[c] += strength * d
            }
        }
        return (value, gradient)
    }

    /// Adds S to a flat p × p matrix.
    func addPenalty(to hessian: inout [Double], lambda: Double) {
        let p = parameterCount
        for (t, term) in terms.enumerated() {
            let o = offsets[t]
            for g in 0..<term.size { hessian[(o + g) * p + o + g] += term.ridge[g] }
            let strength = lambda * term.smoothingScale
            let chain = term.chain
            guard chain.count >= 3, strength > 0 else { continue }
            let d = [1.0, -2.0, 1.0]
            for k in 0..<(chain.count - 2) {
                let index = [o + chain[k], o + chain[k + 1], o + chain[k + 2]]
                for x in 0..<3 { for y in 0..<3 { hessian[index[x] * p + index[y]] += strength * d[x] * d[y] } }
            }
        }
    }

    /// How a fit gets the curvature XᵀWX of the log-likelihood.
    enum Curvature: Sendable {
        /// Newton's method: XᵀWX afresh at every iterate (quadratic convergence, one O(n T²)
        /// pass over the rows per iteration).
        case exact
        /// XᵀWX kept from an earlier iterate, and from the previous strength along a path
        /// (``fit(data:lambda:start:maximumIterations:tolerance:keepsFactor:curvature:gram:)``'s
        /// `gram`), with the Cholesky factor of XᵀWX + S kept while λ stays: an iteration is
        /// then one O(n T) pass for the gradient and a solve. The gradient is exact, so the
        /// fit converges to the same maximum; XᵀWX is taken afresh when a step needs halving,
        /// when no ascent is found along it, or when the Newton decrement falls by less than
        /// ``AdditiveLogistic/laggedContraction`` in an iteration. For large histories, where
        /// the O(n T²) pass is most of a fit (docs/model-fit.md).
        case lagged
    }

    /// The largest ratio of successive Newton decrements a kept XᵀWX may show before it is
    /// taken afresh (a lagged step that gains less than this is steering badly).
    static let laggedContraction = 0.3

    /// Fits on `rows` (outcomes indexed by row) at smoothing strength `lambda`.
    ///
    /// - Throws: ``LearningError`` when XᵀWX + S is not positive definite (it always is with
    ///   positive ridges; this guards against NaN input).
    func fit(
        rows: [Int], outcomes: [Double], lambda: Double, start: [Double], maximumIterations: Int = 40,
        tolerance: Double = 1e-7, keepsFactor: Bool = true, curvature: Curvature = .exact
    ) throws(LearningError) -> Fit {
        var gram: [Double]?
        return try fit(
            data: fittedRows(rows, outcomes: outcomes), lambda: lambda, start: start, maximumIterations: maximumIterations,
            tolerance: tolerance, keepsFactor: keepsFactor, curvature: curvature, gram: &gram)
    }

    /// Fits on `data` at smoothing strength `lambda`.
    ///
    /// - Parameters:
    ///   - maximumIterations: The most passes that take XᵀWX afresh (with ``Curvature/lagged``,
    ///     three times as many iterations in all).
    ///   - gram: With ``Curvature/lagged``: XᵀWX (unpenalized, p × p) kept from an earlier fit
    ///     on the same rows, used for the first steps and left as the last one taken; `nil`
    ///     takes it afresh. Untouched with ``Curvature/exact``.
    /// - Throws: ``LearningError`` when XᵀWX + S is not positive definite (it always is with
    ///   positive ridges; this guards against NaN input).
    func fit(
        data: FittedRows, lambda: Double, start: [Double], maximumIterations: Int = 40, tolerance: Double = 1e-7,
        keepsFactor: Bool = true, curvature: Curvature = .exact, gram: inout [Double]?
    ) throws(LearningError) -> Fit {
        let p = parameterCount
        let n = data.count
        let lagged = curvature == .lagged
        var beta = start
        var eta = fittedPredictor(beta, data: data)
        // e^−|ηᵢ| of the current point, from the objective's pass, for the weights' pass.
        var exponentials = [Double](repeating: 0, count: n)
        var current = penalizedLogLikelihood(eta: eta, beta: beta, data: data, lambda: lambda, exponentials: &exponentials)
        var iterations = 0
        var freshPasses = 0
        var converged = false
        var information = [Double](repeating: 0, count: p)
        // The factor of XᵀWX + S in use (with `lagged`, of the kept `gram` at this λ).
        var factor: CholeskyFactorization?
        var refresh = !lagged || gram == nil
        var previousDecrement = Double.infinity
        var weights = [Double](repeating: 0, count: n)
        var residuals = [Double](repeating: 0, count: n)
        let largestTerm = terms.map(\.size).max() ?? 0
        var block = [Double](repeating: 0, count: 2 * largestTerm * largestTerm)
        func cholesky(_ hessian: [Double]) throws(LearningError) -> CholeskyFactorization {
            do {
                return try Matrix(rows: p, columns: p, elements: hessian).cholesky()
            } catch {
                throw .weights(.regression(.numericallySingular(term: .intercept, featureNames: [])))
            }
        }
        while freshPasses < maximumIterations, iterations < (lagged ? 3 * maximumIterations : maximumIterations) {
            iterations += 1
            binomialWeights(
                eta: eta, exponentials: exponentials, outcomes: data.outcomes, weights: &weights, residuals: &residuals)
            var gradient: [Double]
            let fresh = refresh
            if fresh {
                var hessian: [Double]
                (gradient, hessian) = likelihoodDerivatives(weights: weights, residuals: residuals, data: data, block: &block)
                mirrorUpperTriangle(&hessian, diagonal: &information)
                if lagged { gram = hessian }
                addPenalty(to: &hessian, lambda: lambda)
                factor = try cholesky(hessian)
                freshPasses += 1
                refresh = !lagged
            } else {
                gradient = likelihoodGradient(weights: weights, residuals: residuals, data: data, diagonal: &information)
                if factor == nil, var hessian = gram {
                    addPenalty(to: &hessian, lambda: lambda)
                    factor = try cholesky(hessian)
                }
            }
            guard let factor else { break }
            let penaltyGradient = penalty(beta, lambda: lambda).gradient
            for k in 0..<p { gradient[k] -= penaltyGradient[k] }
            let step = factor.solve(gradient)
            var decrement = 0.0
            for k in 0..<p { decrement += gradient[k] * step[k] }
            guard
                let candidate = halvedStep(
                    from: beta, objective: current, step: step, decrement: decrement, data: data, lambda: lambda,
                    exponentials: &exponentials)
            else {
                if fresh {
                    converged = true
                    break
                }
                // The kept curvature found no ascent: take it afresh at this point (the
                // exponentials are the last candidate's, so the point's are recomputed).
                refresh = true
                current = penalizedLogLikelihood(eta: eta, beta: beta, data: data, lambda: lambda, exponentials: &exponentials)
                continue
            }
            var change = 0.0
            for i in 0..<n { change = max(change, abs(candidate.eta[i] - eta[i])) }
            beta = candidate.beta
            eta = candidate.eta
            current = candidate.objective
            // A kept curvature leaves a geometric tail rather than a quadratic one: its steps
            // stop at a tenth of the change.
            if change <= tolerance.squareRoot() * (fresh || !lagged ? 1e-1 : 1e-2) || decrement < tolerance {
                converged = true
                break
            }
            if lagged, !fresh, candidate.scale < 1 || decrement > Self.laggedContraction * previousDecrement {
                refresh = true
            }
            previousDecrement = decrement
        }
        guard let factor else { throw .weights(.regression(.numericallySingular(term: .intercept, featureNames: []))) }
        return Fit(
            coefficients: beta, factor: keepsFactor ? factor : nil, information: information, iterations: iterations,
            curvaturePasses: freshPasses, converged: converged, offsets: offsets, sizes: terms.map(\.size))
    }

    /// The rows a fit runs on: each term's local group of every fitted row, term by term (2
    /// bytes per row and term), and the rows' outcomes.
    struct FittedRows {
        let columns: [[UInt16]]
        let outcomes: [Double]
        var count: Int { outcomes.count }
    }

    /// The groups and outcomes of `rows` (outcomes indexed by row).
    func fittedRows(_ rows: [Int], outcomes: [Double]) -> FittedRows {
        let columns: [[UInt16]] = terms.map { term in
            let groups = term.groups
            return rows.map { groups[$0] }
        }
        return FittedRows(columns: columns, outcomes: rows.map { outcomes[$0] })
    }

    /// The linear predictor ηᵢ = β₀ + Σₜ θₜ,gₜ(i) of the fitted rows at `beta`.
    func fittedPredictor(_ beta: [Double], data: FittedRows) -> [Double] {
        let n = data.count
        var eta = [Double](repeating: beta[0], count: n)
        eta.withUncheckedMutableView { eta in
            for t in 0..<terms.count {
                let offset = offsets[t]
                data.columns[t].withUncheckedView { groups in
                    beta.withUncheckedView { beta in
                        for i in 0..<n { eta[i] += beta[offset + Int(groups[i])] }
                    }
                }
            }
        }
        return eta
    }

    /// Q: the log-likelihood of the fitted rows at the linear predictor `eta` minus ½ βᵀSβ;
    /// each row's e^−|ηᵢ| is left in `exponentials` (for ``binomialWeights``).
    func penalizedLogLikelihood(
        eta: [Double], beta: [Double], data: FittedRows, lambda: Double, exponentials: inout [Double]
    ) -> Double {
        let y = data.outcomes
        var total = 0.0
        var softplus = SoftplusSum()
        for i in 0..<data.count {
            let t = eta[i]
            let e = exp(-abs(t))
            exponentials[i] = e
            total += y[i] * t - max(t, 0)
            softplus.add(e)
        }
        return total - softplus.value - penalty(beta, lambda: lambda).value
    }

    /// Each row's binomial weight p(1 − p) and residual y − p at the linear predictor `eta`,
    /// whose e^−|ηᵢ| are `exponentials`.
    func binomialWeights(
        eta: [Double], exponentials: [Double], outcomes y: [Double], weights: inout [Double], residuals: inout [Double]
    ) {
        for i in 0..<y.count {
            let t = eta[i]
            let e = exponentials[i]
            let probability = t >= 0 ? 1 / (1 + e) : e / (1 + e)
            weights[i] = probability * (1 - probability)
            residuals[i] = y[i] - probability
        }
    }

    /// The log-likelihood's gradient Xᵀ(y − p) and the upper triangle of XᵀWX, unpenalized.
    ///
    /// XᵀWX of a one-hot design, block by block, each block a weighted histogram of the rows'
    /// groups (in cache), summed in row order as a row-by-row pass would: the intercept row,
    /// the diagonal blocks (diagonal: one group per row and term) and the upper blocks of
    /// each pair of terms.
    ///
    /// - Parameter block: Scratch for two pairs of terms' blocks (twice the largest term's
    ///   size squared).
    func likelihoodDerivatives(
        weights: [Double], residuals: [Double], data: FittedRows, block: inout [Double]
    ) -> (gradient: [Double], hessian: [Double]) {
        let p = parameterCount
        let n = data.count
        var gradient = [Double](repeating: 0, count: p)
        var hessian = [Double](repeating: 0, count: p * p)
        weights.withUncheckedView { w in
            residuals.withUncheckedView { r in
                hessian.withUncheckedMutableView { h in
                    for i in 0..<n {
                        gradient[0] += r[i]
                        h[0] += w[i]
                    }
                    for a in 0..<terms.count {
                        addTerm(a, weights: w, residuals: r, data: data, gradient: &gradient, hessian: h, block: &block)
                    }
                }
            }
        }
        return (gradient, hessian)
    }

    /// The log-likelihood's gradient Xᵀ(y − p) and the diagonal of XᵀWX, in one O(n T) pass
    /// (the lagged iterations' pass; ``likelihoodDerivatives(weights:residuals:data:block:)``
    /// gives the same sums with XᵀWX).
    ///
    /// Each coefficient's rows are summed in four interleaved partial sums (rows i mod 4),
    /// added at the end: with one sum, consecutive rows of one group (a term of few groups)
    /// wait on each other's store. The order differs from a row-by-row sum by rounding only.
    func likelihoodGradient(
        weights: [Double], residuals: [Double], data: FittedRows, diagonal information: inout [Double]
    ) -> [Double] {
        let n = data.count
        let p = parameterCount
        // Per coefficient: four partial sums of residuals, then four of weights (one cache line).
        var partial = [Double](repeating: 0, count: 8 * p)
        weights.withUncheckedView { w in
            residuals.withUncheckedView { r in
                partial.withUncheckedMutableView { partial in
                    @inline(__always) func add(_ k: Int, _ i: Int, lane: Int) {
                        partial[k &* 8 &+ lane] += r[i]
                        partial[k &* 8 &+ 4 &+ lane] += w[i]
                    }
                    let whole = n & ~3
                    var i = 0
                    while i < whole {
                        for lane in 0..<4 { add(0, i &+ lane, lane: lane) }
                        i &+= 4
                    }
                    while i < n {
                        add(0, i, lane: 0)
                        i &+= 1
                    }
                    for t in terms.indices {
                        let offset = offsets[t]
                        data.columns[t].withUncheckedView { groups in
                            var i = 0
                            while i < whole {
                                for lane in 0..<4 { add(offset &+ Int(groups[i &+ lane]), i &+ lane, lane: lane) }
                                i &+= 4
                            }
                            while i < n {
                                add(offset &+ Int(groups[i]), i, lane: 0)
                                i &+= 1
                            }
                        }
                    }
                }
            }
        }
        var gradient = [Double](repeating: 0, count: p)
        for k in 0..<p {
            let base = 8 * k
            gradient[k] = (partial[base] + partial[base + 1]) + (partial[base + 2] + partial[base + 3])
            information[k] = (partial[base + 4] + partial[base + 5]) + (partial[base + 6] + partial[base + 7])
        }
        return gradient
    }

    /// Adds term `a`'s rows to the gradient, to the intercept row and the diagonal of XᵀWX,
    /// and its blocks (a, b) with the later terms b to the upper triangle.
    func addTerm(
        _ a: Int, weights w: UncheckedView<Double>, residuals r: UncheckedView<Double>, data: FittedRows,
        gradient: inout [Double], hessian h: UncheckedMutableView<Double>, block: inout [Double]
    ) {
        let p = parameterCount
        let n = data.count
        let offsetA = offsets[a]
        data.columns[a].withUncheckedView { groupsA in
            for i in 0..<n {
                let ia = offsetA + Int(groupsA[i])
                gradient[ia] += r[i]
                h[ia] += w[i]
                h[ia * p + ia] += w[i]
            }
            // The blocks (a, b) of two later terms b at a time: one pass over term a's groups
            // and the weights fills both (each cell still sums its rows in row order).
            var b = a + 1
            while b < terms.count {
                let pair = b + 1 < terms.count
                let sizeB = terms[b].size
                let cells = terms[a].size * sizeB
                let sizeC = pair ? terms[b + 1].size : 0
                let cellsC = terms[a].size * sizeC
                block.withUncheckedMutableView { cell in
                    for k in 0..<(cells + cellsC) { cell[k] = 0 }
                    data.columns[b].withUncheckedView { groupsB in
                        if pair {
                            data.columns[b + 1].withUncheckedView { groupsC in
                                for i in 0..<n {
                                    let row = Int(groupsA[i])
                                    cell[row * sizeB + Int(groupsB[i])] += w[i]
                                    cell[cells + row * sizeC + Int(groupsC[i])] += w[i]
                                }
                            }
                        } else {
                            for i in 0..<n { cell[Int(groupsA[i]) * sizeB + Int(groupsB[i])] += w[i] }
                        }
                    }
                    for (term, size, start) in [(b, sizeB, 0), (b + 1, sizeC, cells)] where size > 0 {
                        let offset = offsets[term]
                        for g in 0..<terms[a].size {
                            let rowStart = (offsetA + g) * p + offset
                            for k in 0..<size { h[rowStart + k] = cell[start + g * size + k] }
                        }
                    }
                }
                b += pair ? 2 : 1
            }
        }
    }

    /// Mirrors the upper triangle of a flat p × p `hessian` into the lower one (entries (a, b)
    /// with a < b were added above only), after copying its diagonal into `information`.
    func mirrorUpperTriangle(_ hessian: inout [Double], diagonal information: inout [Double]) {
        let p = parameterCount
        for a in 0..<p {
            information[a] = hessian[a * p + a]
            for b in (a + 1)..<p where hessian[a * p + b] != 0 { hessian[b * p + a] = hessian[a * p + b] }
        }
    }

    /// Step halving (Armijo): the first of `beta + step`, `beta + step / 2`, … (down to 1e-10
    /// of the step) whose penalized log-likelihood exceeds `current` by enough, with its linear
    /// predictor, objective and the share of the step taken (its rows' e^−|ηᵢ| left in `exponentials`); `nil` when none
    /// does (`exponentials` then hold the last candidate's).
    func halvedStep(
        from beta: [Double], objective current: Double, step: [Double], decrement: Double, data: FittedRows, lambda: Double,
        exponentials: inout [Double]
    ) -> (beta: [Double], eta: [Double], objective: Double, scale: Double)? {
        var scale = 1.0
        var candidate = beta
        while scale >= 1e-10 {
            for k in 0..<parameterCount { candidate[k] = beta[k] + scale * step[k] }
            let candidateEta = fittedPredictor(candidate, data: data)
            let candidateObjective = penalizedLogLikelihood(
                eta: candidateEta, beta: candidate, data: data, lambda: lambda, exponentials: &exponentials)
            if candidateObjective >= current + 1e-4 * scale * decrement - 1e-12 * abs(current) {
                return (candidate, candidateEta, candidateObjective, scale)
            }
            scale /= 2
        }
        return nil
    }

    /// The intercept-only start.
    func start(rate: Double) -> [Double] {
        var start = [Double](repeating: 0, count: parameterCount)
        start[0] = OutcomeBinning.logit(rate)
        return start
    }
}

/// Weighted pool-adjacent-violators: the non-decreasing (or non-increasing) sequence closest
/// to `values` in weighted least squares.
func weightedIsotonic(_ values: [Double], weights: [Double], increasing: Bool) -> [Double] {
    var blocks: [(value: Double, weight: Double, count: Int)] = []
    for (value, weight) in zip(values, weights) {
        var block = (value: increasing ? value : -value, weight: max(weight, 1e-12), count: 1)
        while let last = blocks.last, last.value >= block.value {
            let total = last.weight + block.weight
            block = ((last.value * last.weight + block.value * block.weight) / total, total, last.count + block.count)
            blocks.removeLast()
        }
        blocks.append(block)
    }
    var result: [Double] = []
    for block in blocks { result += Array(repeating: increasing ? block.value : -block.value, count: block.count) }
    return result
}
