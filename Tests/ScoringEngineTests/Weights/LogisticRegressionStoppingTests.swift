import Foundation
import LinearAlgebra
import RealModule
import ScoringTestSupport
import Testing

@testable import ScoringEngine

/// The stopping rule of ``LogisticRegression`` and ``WeightFit``'s internal fits at a
/// million rows: Newton decrement per unit weight, a bounded line search, warm starts.
@Suite("Logistic regression stopping rule at scale")
struct LogisticRegressionStoppingTests {
    /// Seven value and seven difficulty factors (14, as the default model).
    static let model = try! ScoringModel(
        name: "fourteen",
        factors: (1...7).map { ModelFixtures.factor("v\($0)", .value, weight: Double($0) / 28) }
            + (1...7).map { ModelFixtures.factor("d\($0)", .difficulty, weight: Double(8 - $0) / 28) },
        grading: ModelFixtures.grading())

    /// The known coefficients: value factors help, difficulty factors hurt, one of each is
    /// near zero.
    static let truth: [Double] = [1.2, 0.8, 0.5, 0.3, 0.1, 0.0, 0.9, -1.0, -0.7, -0.4, -0.2, 0.0, -0.6, -0.3]

    /// Uniform utilities and outcomes drawn from σ(−0.2 + u·truth).
    static func sample(rows: Int, seed: UInt64) -> (Matrix, [Double]) {
        var random = SeededRandom(seed: seed)
        let columns = truth.count
        var elements = [Double](repeating: 0, count: rows * columns)
        var outcomes = [Double](repeating: 0, count: rows)
        for row in 0..<rows {
            var eta = -0.2
            for column in 0..<columns {
                let u = random.nextDouble()
                elements[row * columns + column] = u
                eta += truth[column] * u
            }
            outcomes[row] = random.nextDouble() < 1 / (1 + exp(-eta)) ? 1 : 0
        }
        return (Matrix(rows: rows, columns: columns, elements: elements), outcomes)
    }

    /// Plain Newton's method, the textbook way (explicit design with a column of ones,
    /// `ZᵀWZ + D` and a Cholesky solve, full steps, no line search), until a step changes
    /// no coefficient by more than 1e-14 relative: the reference the fit is checked against.
    static func referenceNewton(
        _ features: Matrix, outcomes: [Double], penalty: Double, priorMean: [Double]
    ) throws -> (intercept: Double, coefficients: [Double], iterations: Int) {
        let n = features.rows
        let f = features.columns
        var elements = [Double](repeating: 1, count: n * (f + 1))
        for row in 0..<n {
            for column in 0..<f { elements[row * (f + 1) + column + 1] = features[row, column] }
        }
        let design = Matrix(rows: n, columns: f + 1, elements: elements)
        let mean = Double(outcomes.reduce(0, +)) / Double(n)
        var beta = [log(mean / (1 - mean))] + priorMean
        var iterations = 0
        while iterations < 50 {
            iterations += 1
            let eta = design.multiplied(by: beta)
            let p = eta.map { 1 / (1 + exp(-$0)) }
            var gradient = design.transposeMultiplied(by: zip(outcomes, p).map { $0 - $1 })
            var hessian = design.weightedGram(p.map { $0 * (1 - $0) })
            for k in 1...f {
                gradient[k] -= penalty * (beta[k] - priorMean[k - 1])
                hessian[k, k] += penalty
            }
            let step = try hessian.cholesky().solve(gradient)
            var largest = 0.0
            for k in beta.indices {
                beta[k] += step[k]
                largest = max(largest, abs(step[k]) / max(abs(beta[k]), 1))
            }
            if largest <= 1e-14 { break }
        }
        return (beta[0], Array(beta[1...]), iterations)
    }

    // A million rows in a debug build: drawing the data, the 17 internal fits and the
    // reference Newton take about a minute there (well under a second each in release).
    static let millionRows = 1_000_000

    @Test(
        "a million-row weight fit: every internal fit converges within 10 Newton steps; the final fit equals a plain reference Newton to 1e-8"
    )
    func millionRows() throws {
        let (utilities, outcomes) = Self.sample(rows: Self.millionRows, seed: 21)
        let result = try WeightFit(prior: .model, strength: .fixed(1), folds: 5, seed: 1)
            .fit(utilities: utilities, outcomes: outcomes, model: Self.model)
        // Two fits on all outcomes (calibration, final), and per fold its calibration, its
        // fit and the calibration of its proposed weights.
        #expect(result.fits.count == 2 + 3 * 5)
        for fit in result.fits {
            #expect(fit.iterations <= 10, "\(fit.label): \(fit.iterations) iterations")
            #expect(fit.stopReason == .converged || fit.stopReason == .roundingLimit, "\(fit.label): \(fit.stopReason)")
            #expect(fit.objectiveEvaluations <= 2 * fit.iterations + 1, "\(fit.label): \(fit.objectiveEvaluations) evaluations")
        }
        #expect(result.unconvergedFits.isEmpty)
        #expect(result.fitted.converged)

        let reference = try Self.referenceNewton(utilities, outcomes: outcomes, penalty: 1, priorMean: result.priorMean)
        let intercept = try #require(result.fitted.intercept)
        #expect(intercept.isApproximatelyEqual(to: reference.intercept, absoluteTolerance: 1e-8, relativeTolerance: 1e-8))
        for (fitted, expected) in zip(result.fitted.coefficients, reference.coefficients) {
            // 1e-8 relative, and 1e-8 absolute for the coefficients near zero.
            #expect(fitted.isApproximatelyEqual(to: expected, absoluteTolerance: 1e-8, relativeTolerance: 1e-8))
        }
        // And the known truth within sampling error (standard errors about 0.01 here).
        for (fitted, truth) in zip(result.fitted.coefficients, Self.truth) {
            #expect(abs(fitted - truth) < 0.08)
        }
    }

    @Test("restarted at its optimum, where the objective is flat to double precision, a fit stops after one step")
    func flatAtTheOptimum() throws {
        let sample = LogisticSample.draw(rows: 200_000, intercept: -0.5, coefficients: [0.8, -0.4, 0.3, 0.05], seed: 11)
        let regression = try LogisticRegression(penalty: 1)
        let optimum = try regression.fit(sample.features, outcomes: sample.outcomes)
        #expect(optimum.converged)
        #expect(optimum.iterations <= 8)
        // From the optimum the gain of any step is far below the rounding of Q (about 1e-11
        // of its 1e5 magnitude): a rule waiting for Q to increase could halve steps forever.
        let again = try regression.fit(sample.features, outcomes: sample.outcomes, start: optimum)
        #expect(again.iterations == 1)
        #expect(again.objectiveEvaluations == 2)
        #expect(again.converged)
        for (a, b) in zip(again.coefficients, optimum.coefficients) {
            #expect(a.isApproximatelyEqual(to: b, absoluteTolerance: 1e-12, relativeTolerance: 1e-12))
        }
    }

    @Test("a tolerance below double precision stops on the rounding limit within a few steps, not at the iteration cap")
    func toleranceBelowRounding() throws {
        let sample = LogisticSample.draw(rows: 100_000, intercept: 0.3, coefficients: [1.5, -0.7, 0.2], seed: 12)
        let fit = try LogisticRegression(penalty: 0.1, maximumIterations: 50, tolerance: 1e-300)
            .fit(sample.features, outcomes: sample.outcomes)
        #expect(fit.stopReason == .roundingLimit)
        #expect(fit.converged)
        #expect(fit.iterations <= 10)
        #expect(fit.objectiveEvaluations <= 2 * fit.iterations + 1)
        let ordinary = try LogisticRegression(penalty: 0.1).fit(sample.features, outcomes: sample.outcomes)
        for (a, b) in zip(fit.coefficients, ordinary.coefficients) {
            #expect(a.isApproximatelyEqual(to: b, absoluteTolerance: 1e-10, relativeTolerance: 1e-10))
        }
    }

    @Test("a fit stopped by its iteration cap says so and is not reported as converged")
    func iterationCap() throws {
        let sample = LogisticSample.draw(rows: 10_000, intercept: 0.3, coefficients: [2.5, -1.7], seed: 13)
        let fit = try LogisticRegression(maximumIterations: 1).fit(sample.features, outcomes: sample.outcomes)
        #expect(fit.stopReason == .iterationLimit)
        #expect(!fit.converged)
        #expect(fit.iterations == 1)
    }

    @Test("a fit on row ranges equals the fit on a copy of those rows; a warm start changes nothing but the work")
    func rowRangesAndWarmStart() throws {
        let sample = LogisticSample.draw(rows: 30_000, intercept: -0.1, coefficients: [0.6, -0.9, 0.4], seed: 14)
        let ranges = [0..<7_000, 12_000..<30_000]
        let indices = ranges.flatMap { Array($0) }
        let copy = WeightFit.rows(sample.features, indices)
        let regression = try LogisticRegression(penalty: 0.5, priorMean: [0.5, -0.5, 0])
        let onCopy = try regression.fit(copy, outcomes: indices.map { sample.outcomes[$0] })
        let onRanges = try regression.fit(sample.features, rows: ranges, outcomes: sample.outcomes)
        let warm = try regression.fit(sample.features, rows: ranges, outcomes: sample.outcomes, start: onCopy)
        for fit in [onRanges, warm] {
            #expect(fit.converged)
            for (a, b) in zip(fit.coefficients + [fit.intercept ?? 0], onCopy.coefficients + [onCopy.intercept ?? 0]) {
                #expect(a.isApproximatelyEqual(to: b, absoluteTolerance: 1e-10, relativeTolerance: 1e-10))
            }
        }
        #expect(warm.iterations <= 2)
        #expect(warm.iterations < onCopy.iterations)
    }
}
