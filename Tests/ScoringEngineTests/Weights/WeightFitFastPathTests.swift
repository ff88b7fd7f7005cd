import Foundation
import LinearAlgebra
import RealModule
import ScoringTestSupport
import Testing

@testable import ScoringEngine

/// The faster paths of `kam weights fit` (issue 21) against the plain computations they
/// replace: the radix sort against `Array.sort`, the AUC without weights against one sort of
/// every row and against counting every pair, the log-likelihood summed by groups against
/// the per-row sum, a warm start at the previous fit's predictors against one that
/// recomputes them.
@Suite("Weight fit: the fast paths equal the plain ones")
struct WeightFitFastPathTests {
    @Test(
        "the radix sort orders doubles as Array.sort does: signs, zeros, infinities, subnormals, ties",
        arguments: [0, 10, 65, 1_000, 100_003])
    func radixSort(count: Int) {
        var random = SeededRandom(seed: UInt64(count) + 1)
        let specials: [Double] = [
            0, -0.0, .infinity, -.infinity, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .leastNormalMagnitude,
            .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1, -1, 0.5,
        ]
        var values = (0..<count).map { _ -> Double in
            switch random.next() % 4 {
            case 0: return specials[Int(random.next() % UInt64(specials.count))]
            case 1: return Double(Int(random.next() % 21)) - 10
            case 2: return (random.nextDouble() - 0.5) * pow(10, Double(Int(random.next() % 41)) - 20)
            default: return random.nextDouble()
            }
        }
        let expected = values.sorted()
        RadixSort.sort(&values)
        #expect(values.count == expected.count)
        // Equal as numbers (−0 == +0); among zeros, −0 first.
        #expect(zip(values, expected).allSatisfy { $0 == $1 })
        #expect(zip(values, values.dropFirst()).allSatisfy { !($0 == 0 && $1 == 0 && $0.sign == .plus && $1.sign == .minus) })
    }

    /// Scores with ties, ±0 and a spread of values; outcomes drawn from the scores.
    static func scored(_ count: Int, seed: UInt64) -> (scores: [Double], outcomes: [Double]) {
        var random = SeededRandom(seed: seed)
        var scores = (0..<count).map { _ in
            random.next() % 3 == 0 ? Double(Int(random.next() % 51)) / 10 - 2.5 : random.nextGaussian()
        }
        scores[0] = -0.0
        scores[1] = 0.0
        var outcomes = scores.map { score in random.nextDouble() < 1 / (1 + exp(-score)) ? 1.0 : 0.0 }
        outcomes[0] = 1
        outcomes[1] = 0
        return (scores, outcomes)
    }

    @Test("the AUC without weights equals the AUC of one sort of every row, bit for bit", arguments: [50, 5_000, 150_000])
    func areaUnderROC(count: Int) throws {
        let (scores, outcomes) = Self.scored(count, seed: UInt64(count))
        let fast = try #require(BinaryOutcomeMetrics.areaUnderROC(scores: scores, outcomes: outcomes))
        let sorted = try #require(
            BinaryOutcomeMetrics.areaUnderROC(scores: scores, outcomes: outcomes, weights: Array(repeating: 1, count: count)))
        #expect(fast.bitPattern == sorted.bitPattern)
        guard count <= 5_000 else { return }
        // Every won-lost pair counted: the definition.
        var concordant = 0.0
        var pairs = 0.0
        for won in scores.indices where outcomes[won] == 1 {
            for lost in scores.indices where outcomes[lost] == 0 {
                concordant += scores[won] > scores[lost] ? 1 : scores[won] == scores[lost] ? 0.5 : 0
                pairs += 1
            }
        }
        #expect(fast == concordant / pairs)
    }

    @Test("the log-likelihood summed by groups of rows equals the per-row sum; unit weights (the per-row path) give the same fit")
    func groupedLogLikelihood() throws {
        // A wide spread of log-odds (|η| up to about 15), saturated rows included.
        let sample = LogisticSample.draw(rows: 20_003, intercept: -0.3, coefficients: [1.2, -0.8, 4.0, 0.1], seed: 31)
        let regression = try LogisticRegression(penalty: 0.5)
        let grouped = try regression.fit(sample.features, outcomes: sample.outcomes)
        let perRow = try regression.fit(
            sample.features, outcomes: sample.outcomes, sampleWeights: Array(repeating: 1, count: sample.outcomes.count))
        #expect(grouped.iterations == perRow.iterations)
        for (a, b) in zip(grouped.coefficients + [grouped.intercept ?? 0], perRow.coefficients + [perRow.intercept ?? 0]) {
            #expect(a.isApproximatelyEqual(to: b, absoluteTolerance: 1e-12, relativeTolerance: 1e-12))
        }
        #expect(grouped.logLikelihood.isApproximatelyEqual(to: perRow.logLikelihood, relativeTolerance: 1e-13))
        // And by hand at the fitted coefficients: Σ y·η − ln(1 + e^η), one log1p per row.
        var expected = 0.0
        for row in 0..<sample.features.rows {
            var eta = grouped.intercept ?? 0
            for column in 0..<sample.features.columns { eta += sample.features[row, column] * grouped.coefficients[column] }
            expected += sample.outcomes[row] * eta - (eta > 0 ? eta + log1p(exp(-eta)) : log1p(exp(eta)))
        }
        #expect(grouped.logLikelihood.isApproximatelyEqual(to: expected, relativeTolerance: 1e-12))
    }

    @Test("the fold layout of 150,000 rows (gathered in two halves side by side) holds each position's row and outcome")
    func foldLayout() {
        let rows = 150_001
        let columns = 3
        let elements = (0..<(rows * columns)).map { Double($0) }
        let outcomes = (0..<rows).map { Double($0 % 3 == 0 ? 1 : 0) }
        let assignment = WeightFit.stratifiedFolds(outcomes: outcomes, count: 5, seed: 9)
        let layout = WeightFit.FoldLayout(
            utilities: Matrix(rows: rows, columns: columns, elements: elements), outcomes: outcomes, assignment: assignment,
            foldCount: 5)
        let order = layout.order ?? []
        #expect(order.count == rows && Set(order).count == rows)
        #expect(layout.matrix.rows == rows && layout.matrix.columns == columns)
        var mismatches = 0
        for position in 0..<rows {
            let row = order[position]
            for column in 0..<columns where layout.matrix[position, column] != elements[row * columns + column] { mismatches += 1 }
            if layout.outcomes[position] != outcomes[row] { mismatches += 1 }
        }
        #expect(mismatches == 0)
        // Each fold is one range of positions, and its rows are the ones assigned to it.
        for (fold, range) in layout.folds.enumerated() {
            #expect(range.allSatisfy { assignment[order[$0]] == fold })
        }
    }

    @Test("a warm start at the previous fit's predictors equals one that recomputes them, with one pass fewer")
    func warmStartAtPredictors() throws {
        let sample = LogisticSample.draw(rows: 30_000, intercept: 0.2, coefficients: [0.7, -0.5, 0.3], seed: 32)
        let ranges = [0..<10_000, 15_000..<30_000]
        let prior: [Double] = [0.5, -0.5, 0]
        // The next strength of a cross-validation walk: the same rows.
        let (strong, predictors) = try LogisticRegression(penalty: 3_000, priorMean: prior)
            .fitRows(sample.features, rows: ranges, outcomes: sample.outcomes)
        let weak = try LogisticRegression(penalty: 1, priorMean: prior)
        let recomputed = try weak.fit(sample.features, rows: ranges, outcomes: sample.outcomes, start: strong)
        let reused = try weak.fitRows(
            sample.features, rows: ranges, outcomes: sample.outcomes, start: strong, startPredictors: predictors
        ).fitted
        // A fold of a fit on every row: the predictors of its positions.
        let (all, allPredictors) = try weak.fitRows(sample.features, rows: nil, outcomes: sample.outcomes)
        let fold = try weak.fitRows(
            sample.features, rows: ranges, outcomes: sample.outcomes, start: all, startPredictors: allPredictors.positions(ranges)
        ).fitted
        let foldRecomputed = try weak.fit(sample.features, rows: ranges, outcomes: sample.outcomes, start: all)
        for (fit, reference) in [(reused, recomputed), (fold, foldRecomputed)] {
            #expect(fit.converged)
            #expect(fit.iterations == reference.iterations)
            for (a, b) in zip(fit.coefficients + [fit.intercept ?? 0], reference.coefficients + [reference.intercept ?? 0]) {
                #expect(a.isApproximatelyEqual(to: b, absoluteTolerance: 1e-10, relativeTolerance: 1e-10))
            }
        }
        // Same rows: the objective is not evaluated at the start again; other rows: it is.
        #expect(reused.objectiveEvaluations == recomputed.objectiveEvaluations - 1)
        #expect(fold.objectiveEvaluations == foldRecomputed.objectiveEvaluations)
    }
}
