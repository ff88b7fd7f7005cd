import Foundation
import Testing

@testable import ScoringEngine

/// The binned GAM fitted with a kept XᵀWX (``AdditiveLogistic/Curvature/lagged``, the λ path
/// of large histories) against Newton's method run to a much tighter tolerance: the gradient
/// is exact, so both must reach the same penalized maximum.
@Suite("AdditiveLogistic: lagged curvature reaches Newton's maximum")
struct AdditiveLogisticCurvatureTests {
    /// Four terms (smooth chains, a category-like term without a chain, a single group) on
    /// `n` rows whose log-odds follow a known curve per term.
    static func model(n: Int, seed: UInt64) -> (model: AdditiveLogistic, outcomes: [Double]) {
        var random = SeededRandom(seed: seed)
        let sizes = [24, 40, 7, 1]
        let chains: [[Int]] = [Array(0..<24), Array(0..<38), [], []]
        var terms: [AdditiveLogistic.Term] = []
        for (t, size) in sizes.enumerated() {
            terms.append(
                AdditiveLogistic.Term(
                    groups: (0..<n).map { _ in UInt16.random(in: 0..<UInt16(size), using: &random) }, size: size,
                    chain: chains[t], ridge: (0..<size).map { chains[t].contains($0) ? 1e-6 : 0.5 },
                    smoothingScale: Double(n) * 0.2 / Double(size)))
        }
        let truth: [(Int) -> Double] = [
            { g in sin(Double(g) / 4) }, { g in 0.002 * Double((g - 20) * (g - 20)) - 0.4 }, { g in Double(g % 3) - 1 },
            { _ in 0 },
        ]
        let outcomes = (0..<n).map { row -> Double in
            var eta = -0.8
            for (t, term) in terms.enumerated() { eta += truth[t](Int(term.groups[row])) }
            return Double.random(in: 0..<1, using: &random) < 1 / (1 + exp(-eta)) ? 1 : 0
        }
        return (AdditiveLogistic(terms: terms), outcomes)
    }

    /// The largest difference in any row's log-odds between two coefficient vectors, and the
    /// penalized log-likelihood of each.
    static func compare(
        _ model: AdditiveLogistic, _ data: AdditiveLogistic.FittedRows, _ a: [Double], _ b: [Double], lambda: Double
    ) -> (eta: Double, objectives: (Double, Double)) {
        let (etaA, etaB) = (model.fittedPredictor(a, data: data), model.fittedPredictor(b, data: data))
        var scratch = [Double](repeating: 0, count: data.count)
        let qA = model.penalizedLogLikelihood(eta: etaA, beta: a, data: data, lambda: lambda, exponentials: &scratch)
        let qB = model.penalizedLogLikelihood(eta: etaB, beta: b, data: data, lambda: lambda, exponentials: &scratch)
        return (zip(etaA, etaB).map { abs($0 - $1) }.max() ?? 0, (qA, qB))
    }

    @Test("a λ path that keeps XᵀWX from strength to strength ends where Newton ends, with fewer passes for XᵀWX")
    func pathMatchesNewton() throws {
        let n = 6000
        let (model, outcomes) = Self.model(n: n, seed: 21)
        let rows = (0..<n).filter { $0 % 5 != 2 }
        let data = model.fittedRows(rows, outcomes: outcomes)
        let rate = rows.reduce(0) { $0 + outcomes[$1] } / Double(rows.count)
        var gram: [Double]?
        var start = model.start(rate: rate)
        var reference = model.start(rate: rate)
        for (index, lambda) in [1e3, 1e1, 1e-1].enumerated() {
            let lagged = try model.fit(
                data: data, lambda: lambda, start: start, keepsFactor: false, curvature: .lagged, gram: &gram)
            var unused: [Double]?
            let newton = try model.fit(
                data: data, lambda: lambda, start: reference, maximumIterations: 100, tolerance: 1e-15, keepsFactor: false,
                curvature: .exact, gram: &unused)
            #expect(unused == nil, "an exact fit keeps no XᵀWX")
            #expect(lagged.converged && newton.converged)
            let (eta, objectives) = Self.compare(model, data, lagged.coefficients, newton.coefficients, lambda: lambda)
            // Both stop at a Newton decrement of 1e-7, so the shortfall in Q is under 1e-7 and
            // the rows' log-odds within 1e-4 (Newton alone, at that tolerance, is 2e-5 off here).
            #expect(eta <= 1e-4, "λ = \(lambda): largest log-odds difference \(eta)")
            #expect(objectives.1 - objectives.0 <= 1e-7, "λ = \(lambda): Q \(objectives.0) against Newton's \(objectives.1)")
            #expect(objectives.0 <= objectives.1 + 1e-9 * abs(objectives.1), "Newton's maximum is the maximum")
            if index > 0 {
                // The later strengths start from the kept XᵀWX: most steps take no new pass.
                #expect(lagged.curvaturePasses < lagged.iterations, "λ = \(lambda): \(lagged.curvaturePasses) passes")
            }
            #expect(newton.curvaturePasses == newton.iterations)
            start = lagged.coefficients
            reference = newton.coefficients
        }
    }

    @Test("a kept XᵀWX from far away is taken afresh, and the fit still reaches Newton's maximum")
    func staleCurvatureIsRefreshed() throws {
        let n = 4000
        let (model, outcomes) = Self.model(n: n, seed: 8)
        let rows = Array(0..<n)
        let data = model.fittedRows(rows, outcomes: outcomes)
        // XᵀWX at a point far from the maximum (every log-odds pushed to +6: weights near 0).
        var stale: [Double]?
        var far = [Double](repeating: 0, count: model.parameterCount)
        far[0] = 6
        _ = try model.fit(
            data: data, lambda: 10, start: far, maximumIterations: 1, keepsFactor: false, curvature: .lagged, gram: &stale)
        let staleGram = try #require(stale)
        var gram: [Double]? = staleGram
        let lagged = try model.fit(
            data: data, lambda: 10, start: model.start(rate: 0.4), keepsFactor: false, curvature: .lagged, gram: &gram)
        var unused: [Double]?
        let newton = try model.fit(
            data: data, lambda: 10, start: model.start(rate: 0.4), maximumIterations: 100, tolerance: 1e-15,
            keepsFactor: false, curvature: .exact, gram: &unused)
        #expect(lagged.converged)
        #expect(lagged.curvaturePasses >= 1, "the stale XᵀWX must be replaced")
        #expect(gram != staleGram, "the kept XᵀWX is the last one taken")
        let (eta, objectives) = Self.compare(model, data, lagged.coefficients, newton.coefficients, lambda: 10)
        #expect(eta <= 1e-4, "largest log-odds difference \(eta)")
        #expect(objectives.1 - objectives.0 <= 1e-7, "Q \(objectives.0) against Newton's \(objectives.1)")
    }

    @Test("the lagged pass's gradient and diagonal equal those of the pass with XᵀWX (relative 1e-12)")
    func gradientPassMatchesDerivatives() {
        let n = 4003  // not a multiple of the four partial sums
        let (model, outcomes) = Self.model(n: n, seed: 12)
        let rows = (0..<n).filter { $0 % 9 != 4 }
        let data = model.fittedRows(rows, outcomes: outcomes)
        var random = SeededRandom(seed: 4)
        let weights = (0..<data.count).map { _ in Double.random(in: 0.01...0.25, using: &random) }
        let residuals = (0..<data.count).map { _ in Double.random(in: -1...1, using: &random) }
        let largest = model.terms.map(\.size).max() ?? 0
        var block = [Double](repeating: 0, count: 2 * largest * largest)
        let (gradient, hessian) = model.likelihoodDerivatives(
            weights: weights, residuals: residuals, data: data, block: &block)
        var information = [Double](repeating: .nan, count: model.parameterCount)
        let lagged = model.likelihoodGradient(weights: weights, residuals: residuals, data: data, diagonal: &information)
        let p = model.parameterCount
        for k in 0..<p {
            #expect(abs(lagged[k] - gradient[k]) <= 1e-12 * max(abs(gradient[k]), 1), "gradient \(k)")
            let diagonal = hessian[k * p + k]
            #expect(abs(information[k] - diagonal) <= 1e-12 * max(diagonal, 1), "diagonal \(k)")
        }
    }

    @Test("an exact fit gives the same bits through both entry points")
    func exactEntryPointsAgree() throws {
        let n = 1500
        let (model, outcomes) = Self.model(n: n, seed: 3)
        let rows = (0..<n).filter { $0 % 3 != 0 }
        var unused: [Double]?
        let viaRows = try model.fit(rows: rows, outcomes: outcomes, lambda: 5, start: model.start(rate: 0.4))
        let viaData = try model.fit(
            data: model.fittedRows(rows, outcomes: outcomes), lambda: 5, start: model.start(rate: 0.4), gram: &unused)
        #expect(viaRows.coefficients == viaData.coefficients)
        #expect(viaRows.information == viaData.information)
        #expect(viaRows.iterations == viaData.iterations)
    }
}
