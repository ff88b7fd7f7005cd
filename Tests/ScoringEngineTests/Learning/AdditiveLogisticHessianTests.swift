import Foundation
import LinearAlgebra
import Testing

@testable import ScoringEngine

/// The binned GAM's Hessian, accumulated block by block from the terms' group histograms
/// (issue 13, speed at scale), against the brute-force XᵀWX + S of the dense one-hot design.
@Suite("AdditiveLogistic: block-accumulated Hessian")
struct AdditiveLogisticHessianTests {
    @Test("L Lᵀ of the first Newton step equals the dense XᵀW X + S at the start (relative 1e-12)")
    func hessianMatchesDenseProduct() throws {
        var random = SeededRandom(seed: 13)
        let n = 700
        let sizes = [6, 9, 1, 4]  // a one-group term too
        let chains: [[Int]] = [[0, 1, 2, 3, 4], [0, 1, 2, 3, 4, 5, 6, 7], [], [0, 1, 2]]
        var terms: [AdditiveLogistic.Term] = []
        for (t, size) in sizes.enumerated() {
            terms.append(
                AdditiveLogistic.Term(
                    groups: (0..<n).map { _ in UInt16.random(in: 0..<UInt16(size), using: &random) }, size: size,
                    chain: chains[t], ridge: (0..<size).map { _ in Double.random(in: 0.01...2, using: &random) },
                    smoothingScale: Double.random(in: 0.5...3, using: &random)))
        }
        let model = AdditiveLogistic(terms: terms)
        let p = model.parameterCount
        let outcomes = (0..<n).map { _ in Double.random(in: 0...1, using: &random) < 0.3 ? 1.0 : 0.0 }
        let rows = (0..<n).filter { $0 % 7 != 3 }  // a fold's training rows
        let start = (0..<p).map { _ in Double.random(in: -0.5...0.5, using: &random) }
        let lambda = 2.5
        let fit = try model.fit(rows: rows, outcomes: outcomes, lambda: lambda, start: start, maximumIterations: 1)
        let lower = try #require(fit.factor).lower

        // Brute force: the dense one-hot row of each fitted account, W at the start.
        var expected = [Double](repeating: 0, count: p * p)
        for row in rows {
            var x = [Double](repeating: 0, count: p)
            x[0] = 1
            for (t, term) in terms.enumerated() { x[model.offsets[t] + Int(term.groups[row])] = 1 }
            let eta = zip(x, start).reduce(0) { $0 + $1.0 * $1.1 }
            let probability = 1 / (1 + exp(-eta))
            let w = probability * (1 - probability)
            for a in 0..<p where x[a] != 0 { for b in 0..<p where x[b] != 0 { expected[a * p + b] += w } }
        }
        let data = expected
        // S: the ridges, and λ sₜ DᵀD of each chain's second differences.
        for (t, term) in terms.enumerated() {
            let o = model.offsets[t]
            for g in 0..<term.size { expected[(o + g) * p + o + g] += term.ridge[g] }
            guard term.chain.count >= 3 else { continue }
            for k in 0..<(term.chain.count - 2) {
                var d = [Double](repeating: 0, count: p)
                d[o + term.chain[k]] += 1
                d[o + term.chain[k + 1]] -= 2
                d[o + term.chain[k + 2]] += 1
                for a in 0..<p where d[a] != 0 {
                    for b in 0..<p where d[b] != 0 { expected[a * p + b] += lambda * term.smoothingScale * d[a] * d[b] }
                }
            }
        }
        var largest = 0.0
        for a in 0..<p {
            for b in 0..<p {
                var product = 0.0
                for k in 0..<p { product += lower[a, k] * lower[b, k] }
                largest = max(largest, abs(product - expected[a * p + b]) / max(abs(expected[a * p + b]), 1))
            }
        }
        #expect(largest <= 1e-12, "largest relative difference \(largest)")
        // The diagonal of XᵀWX alone (the information per group, which weighs the curves).
        for a in 0..<p { #expect(abs(fit.information[a] - data[a * p + a]) <= 1e-12 * max(data[a * p + a], 1)) }
    }

    @Test("fold fits along the λ path can leave out the Cholesky factor; the coefficients are the same")
    func factorOptional() throws {
        var random = SeededRandom(seed: 5)
        let n = 400
        let term = AdditiveLogistic.Term(
            groups: (0..<n).map { _ in UInt16.random(in: 0..<8, using: &random) }, size: 8, chain: Array(0..<8),
            ridge: [Double](repeating: 1e-3, count: 8), smoothingScale: 1)
        let model = AdditiveLogistic(terms: [term])
        let outcomes = (0..<n).map { _ in Double.random(in: 0...1, using: &random) < 0.4 ? 1.0 : 0.0 }
        let rows = Array(0..<n)
        let kept = try model.fit(rows: rows, outcomes: outcomes, lambda: 1, start: model.start(rate: 0.4))
        let lean = try model.fit(rows: rows, outcomes: outcomes, lambda: 1, start: model.start(rate: 0.4), keepsFactor: false)
        #expect(kept.factor != nil && lean.factor == nil)
        #expect(kept.coefficients == lean.coefficients)
    }
}
