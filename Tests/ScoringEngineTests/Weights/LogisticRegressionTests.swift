import Foundation
import LinearAlgebra
import RealModule
import ScoringEngine
import ScoringTestSupport
import Testing

/// Synthetic data drawn from a logistic model with known coefficients.
struct LogisticSample {
    var features: Matrix
    var outcomes: [Double]

    /// `rows` rows of standard normal features; P(won) = σ(intercept + x·coefficients + offset).
    static func draw(
        rows: Int, intercept: Double, coefficients: [Double], offsets: [Double]? = nil, seed: UInt64
    ) -> LogisticSample {
        var random = SeededRandom(seed: seed)
        let columns = coefficients.count
        var elements = [Double](repeating: 0, count: rows * columns)
        var outcomes = [Double](repeating: 0, count: rows)
        for row in 0..<rows {
            var eta = intercept + (offsets?[row] ?? 0)
            for column in 0..<columns {
                let x = random.nextGaussian()
                elements[row * columns + column] = x
                eta += x * coefficients[column]
            }
            let p = 1 / (1 + exp(-eta))
            outcomes[row] = random.nextDouble() < p ? 1 : 0
        }
        return LogisticSample(
            features: Matrix(rows: rows, columns: columns, elements: elements), outcomes: outcomes)
    }
}

/// A plain Newton iteration for penalized logistic regression, written independently of the
/// engine: nested arrays, explicit loops, Gauss–Jordan elimination, no BLAS, no line search.
enum PlainNewton {
    struct Result {
        var coefficients: [Double]  // intercept first when present
        var standardErrors: [Double]
        var logLikelihood: Double
    }

    static func solve(_ a: [[Double]], _ b: [Double]) -> [Double] {
        let n = b.count
        var m = a.enumerated().map { $0.element + [b[$0.offset]] }
        for column in 0..<n {
            let pivot = (column..<n).max { abs(m[$0][column]) < abs(m[$1][column]) }!
            m.swapAt(column, pivot)
            for row in 0..<n where row != column {
                let factor = m[row][column] / m[column][column]
                for k in column...n { m[row][k] -= factor * m[column][k] }
            }
        }
        return (0..<n).map { m[$0][n] / m[$0][$0] }
    }

    static func inverse(_ a: [[Double]]) -> [[Double]] {
        let n = a.count
        var columns: [[Double]] = []
        for j in 0..<n {
            columns.append(solve(a, (0..<n).map { $0 == j ? 1 : 0 }))
        }
        return (0..<n).map { i in (0..<n).map { j in columns[j][i] } }
    }

    static func fit(
        x: [[Double]], y: [Double], weights: [Double]? = nil, offsets: [Double]? = nil,
        intercept: Bool, penalty: Double, prior: [Double]? = nil, iterations: Int = 60
    ) -> Result {
        let rows = x.map { (intercept ? [1.0] : []) + $0 }
        let p = rows[0].count
        let first = intercept ? 1 : 0
        var beta = [Double](repeating: 0, count: p)
        var mu = [Double](repeating: 0, count: p)
        if let prior { for j in prior.indices { mu[j + first] = prior[j] } }
        let d = (0..<p).map { $0 < first ? 0.0 : penalty }
        func probabilities(_ beta: [Double]) -> [Double] {
            rows.indices.map { i in
                let eta = zip(rows[i], beta).map { $0 * $1 }.reduce(0, +) + (offsets?[i] ?? 0)
                return 1 / (1 + exp(-eta))
            }
        }
        func hessian(_ prob: [Double]) -> [[Double]] {
            var h = [[Double]](repeating: [Double](repeating: 0, count: p), count: p)
            for i in rows.indices {
                let w = (weights?[i] ?? 1) * prob[i] * (1 - prob[i])
                for a in 0..<p { for b in 0..<p { h[a][b] += w * rows[i][a] * rows[i][b] } }
            }
            for a in 0..<p { h[a][a] += d[a] }
            return h
        }
        for _ in 0..<iterations {
            let prob = probabilities(beta)
            var g = [Double](repeating: 0, count: p)
            for i in rows.indices {
                for a in 0..<p { g[a] += (weights?[i] ?? 1) * (y[i] - prob[i]) * rows[i][a] }
            }
            for a in 0..<p { g[a] -= d[a] * (beta[a] - mu[a]) }
            let step = solve(hessian(prob), g)
            for a in 0..<p { beta[a] += step[a] }
        }
        let prob = probabilities(beta)
        let covariance = inverse(hessian(prob))
        var logLikelihood = 0.0
        for i in rows.indices {
            logLikelihood += (weights?[i] ?? 1) * (y[i] * log(prob[i]) + (1 - y[i]) * log(1 - prob[i]))
        }
        return Result(
            coefficients: beta, standardErrors: (0..<p).map { covariance[$0][$0].squareRoot() },
            logLikelihood: logLikelihood)
    }
}

@Suite("Logistic regression by IRLS")
struct LogisticRegressionTests {
    @Test("recovers known coefficients from 20,000 generated outcomes, each within 3.5 standard errors")
    func recoversKnownCoefficients() throws {
        let truth = [1.2, -0.8, 0.5, 0.0]
        let sample = LogisticSample.draw(rows: 20_000, intercept: -0.5, coefficients: truth, seed: 11)
        let fitted = try LogisticRegression().fit(sample.features, outcomes: sample.outcomes)
        #expect(fitted.converged)
        #expect(fitted.iterations <= 10)
        let intercept = try #require(fitted.intercept)
        let interceptError = try #require(fitted.interceptStandardError)
        #expect(abs(intercept - -0.5) <= 3.5 * interceptError)
        for (index, value) in truth.enumerated() {
            #expect(
                abs(fitted.coefficients[index] - value) <= 3.5 * fitted.standardErrors[index],
                "coefficient \(index): \(fitted.coefficients[index]) ± \(fitted.standardErrors[index]) vs \(value)")
            // 95% intervals from `estimates` agree with the raw numbers.
            let interval = fitted.estimates[index + 1].confidenceInterval()
            #expect(
                interval.lowerBound.isApproximatelyEqual(
                    to: fitted.coefficients[index] - 1.959963984540054 * fitted.standardErrors[index],
                    absoluteTolerance: 1e-12, relativeTolerance: 1e-12))
        }
        // Standard errors shrink like 1/√n: at n = 20,000 they are a few hundredths.
        #expect(fitted.standardErrors.allSatisfy { $0 > 0.01 && $0 < 0.05 })
        #expect(
            fitted.effectiveParameterCount.isApproximatelyEqual(
                to: 5, absoluteTolerance: 1e-9, relativeTolerance: 0))
        #expect(fitted.pValues[0] < 1e-10)
    }

    @Test("recovers coefficients with a fixed offset per row (stage log-odds)")
    func recoversWithOffsets() throws {
        var random = SeededRandom(seed: 3)
        let offsets = (0..<10_000).map { _ in Double(Int(random.nextDouble() * 5)) - 2 }
        let truth = [0.9, -1.1]
        let sample = LogisticSample.draw(
            rows: 10_000, intercept: 0.3, coefficients: truth, offsets: offsets, seed: 4)
        let fitted = try LogisticRegression().fit(sample.features, outcomes: sample.outcomes, offsets: offsets)
        for (index, value) in truth.enumerated() {
            #expect(abs(fitted.coefficients[index] - value) <= 3.5 * fitted.standardErrors[index])
        }
        #expect(abs(try #require(fitted.intercept) - 0.3) <= 3.5 * (fitted.interceptStandardError ?? 0))
    }

    struct SmallCase: Sendable, CustomStringConvertible {
        var rows: Int
        var intercept: Bool
        var penalty: Double
        var prior: [Double]?
        var weighted: Bool
        var offset: Bool
        var description: String {
            "n=\(rows) intercept=\(intercept) λ=\(penalty) prior=\(prior.map { "\($0)" } ?? "none") weights=\(weighted) offsets=\(offset)"
        }
    }

    @Test(
        "matches a plain Newton iteration on small cases to 1e-8",
        arguments: [
            SmallCase(rows: 30, intercept: true, penalty: 0, prior: nil, weighted: false, offset: false),
            SmallCase(rows: 12, intercept: true, penalty: 0.7, prior: nil, weighted: false, offset: false),
            SmallCase(rows: 25, intercept: false, penalty: 2, prior: [1.5, -0.5, 0.25], weighted: false, offset: false),
            SmallCase(rows: 40, intercept: true, penalty: 1, prior: [0.5, 0.5, 0.5], weighted: true, offset: true),
            SmallCase(rows: 8, intercept: true, penalty: 5, prior: [2, -2, 0], weighted: true, offset: false),
        ])
    func matchesPlainNewton(_ small: SmallCase) throws {
        let sample = LogisticSample.draw(
            rows: small.rows, intercept: 0.2, coefficients: [0.8, -0.6, 0.3], seed: UInt64(small.rows))
        var random = SeededRandom(seed: 99)
        let weights = small.weighted ? (0..<small.rows).map { _ in 0.5 + 2 * random.nextDouble() } : nil
        let offsets = small.offset ? (0..<small.rows).map { _ in random.nextGaussian() } : nil
        let regression = try LogisticRegression(
            penalty: small.penalty, fitsIntercept: small.intercept, priorMean: small.prior,
            tolerance: 1e-10)
        let fitted = try regression.fit(
            sample.features, outcomes: sample.outcomes, sampleWeights: weights, offsets: offsets)
        let x = (0..<small.rows).map { Array(sample.features.row($0)) }
        let reference = PlainNewton.fit(
            x: x, y: sample.outcomes, weights: weights, offsets: offsets, intercept: small.intercept,
            penalty: small.penalty, prior: small.prior)
        let ours = (fitted.intercept.map { [$0] } ?? []) + fitted.coefficients
        let ourErrors = (fitted.interceptStandardError.map { [$0] } ?? []) + fitted.standardErrors
        #expect(fitted.converged)
        #expect(ours.isApproximatelyEqual(to: reference.coefficients, absoluteTolerance: 1e-8, relativeTolerance: 1e-8))
        #expect(ourErrors.isApproximatelyEqual(to: reference.standardErrors, absoluteTolerance: 1e-8, relativeTolerance: 1e-8))
        #expect(
            fitted.logLikelihood.isApproximatelyEqual(
                to: reference.logLikelihood, absoluteTolerance: 1e-9, relativeTolerance: 1e-10))
        // The same predictions through both predict paths.
        let p = fitted.predict(sample.features, offsets: offsets)
        for row in 0..<small.rows {
            let single = fitted.predict(row: x[row], offset: offsets?[row] ?? 0)
            #expect(single.isApproximatelyEqual(to: p[row], absoluteTolerance: 1e-15, relativeTolerance: 1e-12))
        }
    }

    @Test("a strong prior pulls the coefficients to the prior mean; a weak one lets the data speak")
    func priorStrength() throws {
        let sample = LogisticSample.draw(rows: 400, intercept: 0, coefficients: [1, -1], seed: 8)
        let prior = [-0.5, 0.5]
        let strong = try LogisticRegression(penalty: 1e7, priorMean: prior)
            .fit(sample.features, outcomes: sample.outcomes)
        #expect(strong.coefficients.isApproximatelyEqual(to: prior, absoluteTolerance: 1e-4, relativeTolerance: 0))
        #expect(strong.effectiveParameterCount < 1.001)
        let weak = try LogisticRegression(penalty: 1e-6, priorMean: prior)
            .fit(sample.features, outcomes: sample.outcomes)
        let free = try LogisticRegression().fit(sample.features, outcomes: sample.outcomes)
        #expect(weak.coefficients.isApproximatelyEqual(to: free.coefficients, absoluteTolerance: 1e-6, relativeTolerance: 0))
    }

    @Test("perfectly separated outcomes are an error naming the factor, not NaNs")
    func separation() throws {
        let x = Matrix(rows: 6, columns: 2, elements: [1, 0.3, 2, 0.1, 3, 0.5, 4, 0.2, 5, 0.4, 6, 0.6])
        let y: [Double] = [0, 0, 0, 1, 1, 1]
        let error = #expect(throws: LogisticRegressionError.self) {
            try LogisticRegression().fit(x, outcomes: y, featureNames: ["budget", "noise"])
        }
        guard case .perfectSeparation(let terms, let rows, _) = error else {
            Issue.record("expected perfectSeparation, got \(String(describing: error))")
            return
        }
        #expect(terms.contains(.feature(0)))
        #expect(rows > 0)
        #expect(error?.description.contains("budget") == true)
    }

    @Test("quasi-complete separation is detected as well")
    func quasiSeparation() throws {
        // x ≤ 3 is always lost; at x = 3 both outcomes occur; above always won.
        let x = Matrix(rows: 8, columns: 1, elements: [1, 2, 3, 3, 4, 5, 6, 7])
        let y: [Double] = [0, 0, 0, 1, 1, 1, 1, 1]
        #expect {
            try LogisticRegression().fit(x, outcomes: y)
        } throws: { error in
            if case LogisticRegressionError.perfectSeparation = error { return true }
            return false
        }
    }

    @Test("with a penalty the separated data gives finite coefficients")
    func separationWithPenalty() throws {
        let x = Matrix(rows: 6, columns: 1, elements: [1, 2, 3, 4, 5, 6])
        let fitted = try LogisticRegression(penalty: 0.5)
            .fit(x, outcomes: [0, 0, 0, 1, 1, 1])
        #expect(fitted.converged)
        #expect(fitted.coefficients[0].isFinite && fitted.coefficients[0] > 0)
        #expect(fitted.standardErrors[0].isFinite)
    }

    @Test("all-won outcomes are rejected while an intercept is unpenalized")
    func singleClass() throws {
        let x = Matrix(rows: 3, columns: 1, elements: [1, 2, 3])
        #expect(throws: LogisticRegressionError.singleOutcomeClass(value: 1)) {
            try LogisticRegression(penalty: 1).fit(x, outcomes: [1, 1, 1])
        }
        // Without an intercept and with every feature penalized, the fit exists.
        let fitted = try LogisticRegression(penalty: 1, fitsIntercept: false).fit(x, outcomes: [1, 1, 1])
        #expect(fitted.coefficients[0] > 0)
    }

    @Test("collinear unpenalized factors are named")
    func rankDeficient() throws {
        var random = SeededRandom(seed: 5)
        var elements: [Double] = []
        var y: [Double] = []
        for row in 0..<50 {
            let a = random.nextGaussian()
            let b = random.nextGaussian()
            elements += [a, b, 2 * a - b]
            y.append(row % 3 == 0 ? 1 : 0)
        }
        let x = Matrix(rows: 50, columns: 3, elements: elements)
        #expect(
            throws: LogisticRegressionError.rankDeficient(
                terms: [.feature(0), .feature(1), .feature(2)], featureNames: ["a", "b", "c"])
        ) {
            try LogisticRegression().fit(x, outcomes: y, featureNames: ["a", "b", "c"])
        }
        // The same data with a penalty is identified.
        let fitted = try LogisticRegression(penalty: 1).fit(x, outcomes: y)
        #expect(fitted.coefficients.allSatisfy { $0.isFinite })
        // A constant column is collinear with the intercept.
        let constant = Matrix(rows: 4, columns: 1, elements: [2, 2, 2, 2])
        #expect(
            throws: LogisticRegressionError.rankDeficient(
                terms: [.intercept, .feature(0)], featureNames: [])
        ) {
            try LogisticRegression().fit(constant, outcomes: [0, 1, 0, 1])
        }
        let zero = Matrix(rows: 4, columns: 1, elements: [0, 0, 0, 0])
        #expect(throws: LogisticRegressionError.rankDeficient(terms: [.feature(0)], featureNames: [])) {
            try LogisticRegression().fit(zero, outcomes: [0, 1, 0, 1])
        }
    }

    @Test("bad hyperparameters and data are typed errors")
    func validation() throws {
        #expect(throws: LogisticRegressionError.self) { try LogisticRegression(penalty: -1) }
        #expect(throws: LogisticRegressionError.self) { try LogisticRegression(penalty: .nan) }
        #expect(throws: LogisticRegressionError.self) { try LogisticRegression(priorMean: [.infinity]) }
        #expect(throws: LogisticRegressionError.self) { try LogisticRegression(penaltyFactors: [-1]) }
        #expect(throws: LogisticRegressionError.self) { try LogisticRegression(maximumIterations: 0) }
        #expect(throws: LogisticRegressionError.self) { try LogisticRegression(tolerance: 0) }
        let x = Matrix(rows: 2, columns: 1, elements: [1, 2])
        #expect(throws: LogisticRegressionError.outcomeOutOfRange(row: 1, value: 2)) {
            try LogisticRegression().fit(x, outcomes: [0, 2])
        }
        #expect(throws: LogisticRegressionError.invalidSampleWeight(row: 0, value: -1)) {
            try LogisticRegression().fit(x, outcomes: [0, 1], sampleWeights: [-1, 1])
        }
        #expect(throws: LogisticRegressionError.noData) {
            try LogisticRegression().fit(x, outcomes: [0, 1], sampleWeights: [0, 0])
        }
        #expect(throws: LogisticRegressionError.nonFiniteFeature(row: 1, column: 0)) {
            try LogisticRegression().fit(Matrix(rows: 2, columns: 1, elements: [1, .nan]), outcomes: [0, 1])
        }
        #expect(throws: LogisticRegressionError.nonFiniteOffset(row: 0)) {
            try LogisticRegression().fit(x, outcomes: [0, 1], offsets: [.infinity, 0])
        }
    }

    @Test("zero-weight rows do not change the fit; weight 2 equals a duplicated row")
    func sampleWeightsMeaning() throws {
        let sample = LogisticSample.draw(rows: 60, intercept: 0.1, coefficients: [0.7, -0.4], seed: 21)
        var weights = [Double](repeating: 1, count: 60)
        weights[0] = 2
        weights[1] = 0
        let weighted = try LogisticRegression(tolerance: 1e-11).fit(
            sample.features, outcomes: sample.outcomes, sampleWeights: weights)
        var rows = (0..<60).filter { $0 != 1 }.map { Array(sample.features.row($0)) }
        var y = (0..<60).filter { $0 != 1 }.map { sample.outcomes[$0] }
        rows.append(Array(sample.features.row(0)))
        y.append(sample.outcomes[0])
        let duplicated = try LogisticRegression(tolerance: 1e-11).fit(Matrix(rows), outcomes: y)
        #expect(
            weighted.coefficients.isApproximatelyEqual(
                to: duplicated.coefficients, absoluteTolerance: 1e-10, relativeTolerance: 1e-9))
        #expect(weighted.totalWeight == 60)
    }

    @Test("extreme feature scales with a penalty give finite numbers")
    func extremeScale() throws {
        let sample = LogisticSample.draw(rows: 200, intercept: 0, coefficients: [1, 1], seed: 31)
        var elements = sample.features.elements
        for row in 0..<200 { elements[row * 2] *= 1e6 }
        let fitted = try LogisticRegression(penalty: 1e-3).fit(
            Matrix(rows: 200, columns: 2, elements: elements), outcomes: sample.outcomes)
        #expect(fitted.coefficients.allSatisfy { $0.isFinite })
        #expect(fitted.standardErrors.allSatisfy { $0.isFinite })
        #expect(fitted.logLikelihood.isFinite)
    }

    @Test("Fitted survives a JSON round trip")
    func codable() throws {
        let sample = LogisticSample.draw(rows: 100, intercept: 0, coefficients: [1], seed: 2)
        let fitted = try LogisticRegression(penalty: 0.1).fit(sample.features, outcomes: sample.outcomes, featureNames: ["share"])
        let data = try JSONEncoder().encode(fitted)
        let decoded = try JSONDecoder().decode(LogisticRegression.Fitted.self, from: data)
        #expect(decoded == fitted)
    }
}

@Suite("Normal tail probabilities and binary-outcome metrics")
struct BinaryOutcomeMetricsTests {
    @Test("Φ and two-sided p-values match tabulated values")
    func normal() {
        #expect(NormalDistribution.cumulativeProbability(0) == 0.5)
        #expect(
            NormalDistribution.cumulativeProbability(1.959963984540054)
                .isApproximatelyEqual(to: 0.975, absoluteTolerance: 1e-15, relativeTolerance: 1e-14))
        #expect(
            NormalDistribution.cumulativeProbability(-1)
                .isApproximatelyEqual(to: 0.15865525393145707, absoluteTolerance: 0, relativeTolerance: 1e-14))
        #expect(
            NormalDistribution.twoSidedPValue(-1.959963984540054)
                .isApproximatelyEqual(to: 0.05, absoluteTolerance: 0, relativeTolerance: 1e-13))
        // Far tail: 2·Φ(−10) = 1.523970604832105e-23 (keeps relative precision).
        #expect(
            NormalDistribution.twoSidedPValue(10)
                .isApproximatelyEqual(to: 1.523970604832105e-23, absoluteTolerance: 0, relativeTolerance: 1e-12))
    }

    @Test("AUC equals the fraction of won–lost pairs ordered correctly, ties one half")
    func auc() throws {
        var random = SeededRandom(seed: 17)
        let n = 300
        let scores = (0..<n).map { _ in Double(Int(random.nextDouble() * 20)) }  // many ties
        let outcomes = (0..<n).map { _ in random.nextDouble() < 0.4 ? 1.0 : 0.0 }
        let weights = (0..<n).map { _ in 0.5 + random.nextDouble() }
        var concordant = 0.0
        var pairs = 0.0
        for i in 0..<n where outcomes[i] == 1 {
            for j in 0..<n where outcomes[j] == 0 {
                let w = weights[i] * weights[j]
                pairs += w
                concordant += scores[i] > scores[j] ? w : (scores[i] == scores[j] ? 0.5 * w : 0)
            }
        }
        let computed = try #require(BinaryOutcomeMetrics.areaUnderROC(scores: scores, outcomes: outcomes, weights: weights))
        #expect(computed.isApproximatelyEqual(to: concordant / pairs, absoluteTolerance: 1e-12, relativeTolerance: 0))
        #expect(BinaryOutcomeMetrics.areaUnderROC(scores: [1, 2], outcomes: [1, 1]) == nil)
        #expect(BinaryOutcomeMetrics.areaUnderROC(scores: [1, 2], outcomes: [0, 1]) == 1)
    }

    @Test("log loss of the base rate is the binary entropy")
    func logLoss() throws {
        let loss = try #require(BinaryOutcomeMetrics.logLoss(probabilities: [0.5, 0.5], outcomes: [0, 1]))
        #expect(loss.isApproximatelyEqual(to: log(2), absoluteTolerance: 1e-15, relativeTolerance: 0))
        let clipped = try #require(BinaryOutcomeMetrics.logLoss(probabilities: [0], outcomes: [1]))
        #expect(clipped.isApproximatelyEqual(to: -log(1e-15), absoluteTolerance: 1e-9, relativeTolerance: 0))
    }
}
