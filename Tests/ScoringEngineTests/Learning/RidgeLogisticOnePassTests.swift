import Foundation
import LinearAlgebra
import Testing

@testable import ScoringEngine

/// Above ``RidgeLogistic/onePassRows`` rows the learner's logistic fits read the design once
/// per Newton or chord step (``RidgeLogistic/fitReadingOnce``, ``RidgeLogistic/pathReadingOnce``).
/// They must reach the same maximum as the fits that read it once per product: checked on
/// data drawn from known coefficients (which the fit must recover within its standard
/// errors), from a start far away (the line search halves), with the iterations cut short,
/// and along a λ path against Newton run to 1e-14.
@Suite("RidgeLogistic reading the design once per step: the same fits")
struct RidgeLogisticOnePassTests {
    static let truth = [-1.0, 1.5, -0.8, 0.6, 2.0, -1.2]

    /// 30,000 rows: a column of ones and five utilities in 0...1; outcomes drawn from the
    /// logistic model with ``truth``.
    static func data(seed: UInt64 = 42) -> (design: Matrix, outcomes: [Double]) {
        var random = SeededRandom(seed: seed)
        let n = 30_000
        var elements: [Double] = []
        elements.reserveCapacity(n * truth.count)
        var outcomes: [Double] = []
        for _ in 0..<n {
            var eta = truth[0]
            elements.append(1)
            for k in 1..<truth.count {
                let x = random.nextDouble()
                elements.append(x)
                eta += truth[k] * x
            }
            outcomes.append(random.nextDouble() < 1 / (1 + exp(-eta)) ? 1 : 0)
        }
        return (Matrix(rows: n, columns: truth.count, elements: elements), outcomes)
    }

    static let penalty = [0, 1e-3, 1e-3, 1e-3, 1e-3, 1e-3]
    static let zeros = [Double](repeating: 0, count: truth.count)

    func fit(_ data: (design: Matrix, outcomes: [Double]), onePass: Bool, start: [Double] = zeros, maximumIterations: Int = 50)
        throws -> RidgeLogistic.Fit
    {
        try RidgeLogistic.fit(
            design: data.design, outcomes: data.outcomes, penalty: Self.penalty, prior: Self.zeros, start: start,
            maximumIterations: maximumIterations, onePass: onePass)
    }

    static func largestDifference(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }

    @Test("The same maximum as the fit reading the design per product; the truth within 4 standard errors")
    func sameFit() throws {
        let data = Self.data()
        let once = try fit(data, onePass: true)
        let perProduct = try fit(data, onePass: false)
        #expect(once.converged && perProduct.converged)
        #expect(Self.largestDifference(once.coefficients, perProduct.coefficients) <= 1e-9)
        #expect(Self.largestDifference(once.hessian.elements, perProduct.hessian.elements) <= 1e-8 * 30_000)
        // The log-odds returned are the design times the coefficients returned.
        #expect(Self.largestDifference(once.linearPredictor, data.design.multiplied(by: once.coefficients)) <= 1e-12)
        // Standard errors from the inverse Hessian at the maximum.
        let factor = try once.hessian.cholesky()
        for k in Self.truth.indices {
            var unit = Self.zeros
            unit[k] = 1
            let standardError = factor.solve(unit)[k].squareRoot()
            #expect(
                abs(once.coefficients[k] - Self.truth[k]) <= 4 * standardError,
                "β[\(k)] = \(once.coefficients[k]), truth \(Self.truth[k]), SE \(standardError)")
        }
    }

    @Test("From a start far from the maximum (the line search halves) it still reaches it")
    func farStart() throws {
        let data = Self.data(seed: 7)
        let far = [Double](repeating: 6, count: Self.truth.count)
        let once = try fit(data, onePass: true, start: far)
        let perProduct = try fit(data, onePass: false, start: far)
        let fromZero = try fit(data, onePass: false)
        #expect(once.converged)
        #expect(Self.largestDifference(once.coefficients, fromZero.coefficients) <= 1e-8)
        #expect(Self.largestDifference(once.coefficients, perProduct.coefficients) <= 1e-8)
        #expect(once.iterations == perProduct.iterations)
    }

    @Test("Cut short after 1, 2 or 3 iterations: the same iterate and log-odds as the other fit", arguments: [1, 2, 3])
    func cutShort(iterations: Int) throws {
        let data = Self.data(seed: 11)
        let far = [Double](repeating: 2, count: Self.truth.count)
        let once = try fit(data, onePass: true, start: far, maximumIterations: iterations)
        let perProduct = try fit(data, onePass: false, start: far, maximumIterations: iterations)
        #expect(once.iterations == perProduct.iterations)
        #expect(once.converged == perProduct.converged)
        #expect(Self.largestDifference(once.coefficients, perProduct.coefficients) <= 1e-10)
        #expect(Self.largestDifference(once.linearPredictor, perProduct.linearPredictor) <= 1e-10)
        #expect(Self.largestDifference(once.linearPredictor, data.design.multiplied(by: once.coefficients)) <= 1e-12)
    }

    @Test("A λ path: each strength within 1e-5 of Newton run to 1e-14, as the other path is")
    func path() throws {
        let data = Self.data(seed: 3)
        let lambdas = [1e3, 10, 0.1, 1e-3]
        let start = Self.zeros
        let once = try RidgeLogistic.path(
            design: data.design, outcomes: data.outcomes, lambdas: lambdas, prior: Self.zeros, start: start, onePass: true)
        let perProduct = try RidgeLogistic.path(
            design: data.design, outcomes: data.outcomes, lambdas: lambdas, prior: Self.zeros, start: start, onePass: false)
        #expect(once.count == lambdas.count)
        for (index, lambda) in lambdas.enumerated() {
            let newton = try RidgeLogistic.fit(
                design: data.design, outcomes: data.outcomes, penalty: [0] + [Double](repeating: lambda, count: 5),
                prior: Self.zeros, start: start, tolerance: 1e-14, onePass: false)
            #expect(Self.largestDifference(once[index], newton.coefficients) <= 1e-5, "λ = \(lambda): \(once[index])")
            #expect(Self.largestDifference(perProduct[index], newton.coefficients) <= 1e-5, "λ = \(lambda)")
        }
        // The strengths matter on this data (the path is not one point repeated).
        #expect(Self.largestDifference(once[0], once[3]) > 0.1)
    }

    @Test("Which fits read the design once: above 200,000 rows, unless told")
    func dispatch() {
        #expect(!RidgeLogistic.readsOnce(rows: 200_000, onePass: nil))
        #expect(RidgeLogistic.readsOnce(rows: 200_001, onePass: nil))
        #expect(RidgeLogistic.readsOnce(rows: 10, onePass: true))
        #expect(!RidgeLogistic.readsOnce(rows: 1_000_000, onePass: false))
    }
}
