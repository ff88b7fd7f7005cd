import Foundation
import RealModule
import ScoringEngine
import ScoringTestSupport
import Testing

@Suite("AHP: pairwise comparison matrices")
struct PairwiseComparisonTests {
    /// Saaty (1990), "How to make a decision: The Analytic Hierarchy Process", EJOR 48, 9–26:
    /// the house-buying example, criteria matrix (size of house, transportation,
    /// neighbourhood, age, yard, modern facilities, general condition, financing).
    static let houseCriteria: [[Double]] = [
        [1, 5, 3, 7, 6, 6, 1.0 / 3, 1.0 / 4],
        [1.0 / 5, 1, 1.0 / 3, 5, 3, 3, 1.0 / 5, 1.0 / 7],
        [1.0 / 3, 3, 1, 6, 3, 4, 6, 1.0 / 5],
        [1.0 / 7, 1.0 / 5, 1.0 / 6, 1, 1.0 / 3, 1.0 / 4, 1.0 / 7, 1.0 / 8],
        [1.0 / 6, 1.0 / 3, 1.0 / 3, 3, 1, 1.0 / 2, 1.0 / 5, 1.0 / 6],
        [1.0 / 6, 1.0 / 3, 1.0 / 4, 4, 2, 1, 1.0 / 5, 1.0 / 6],
        [3, 5, 1.0 / 6, 7, 5, 5, 1, 1.0 / 2],
        [4, 7, 5, 8, 6, 6, 2, 1],
    ]

    /// Printed values are rounded to 3 decimals; we accept anything that rounds to them.
    static func matchesPrinted(_ value: Double, _ printed: Double) -> Bool {
        abs(value - printed) <= 0.0005 + 1e-12
    }

    @Test("Saaty's house example: weights .173 .054 .188 .018 .031 .036 .167 .333, λmax 9.669, CI 0.238, CR 0.169")
    func saatyHouseCriteria() throws {
        let analysis = try PairwiseComparisonMatrix(rows: Self.houseCriteria).analyzed()
        let printed = [0.173, 0.054, 0.188, 0.018, 0.031, 0.036, 0.167, 0.333]
        for (weight, expected) in zip(analysis.weights, printed) {
            #expect(Self.matchesPrinted(weight, expected), "weight \(weight) vs printed \(expected)")
        }
        #expect(Self.matchesPrinted(analysis.lambdaMax, 9.669))
        #expect(Self.matchesPrinted(analysis.consistencyIndex, 0.238))
        #expect(Self.matchesPrinted(try #require(analysis.consistencyRatio), 0.169))
        #expect(analysis.randomIndex == 1.41)
        #expect(!analysis.isAcceptable)
        #expect(analysis.weights.reduce(0, +).isApproximatelyEqual(to: 1, absoluteTolerance: 1e-12, relativeTolerance: 0))
    }

    @Test("Saaty's house example, size of house A B C: .754 .181 .065, λmax 3.136, CI 0.068, CR 0.117")
    func saatyHouseSize() throws {
        let analysis = try PairwiseComparisonMatrix(rows: [[1, 6, 8], [1.0 / 6, 1, 4], [1.0 / 8, 1.0 / 4, 1]]).analyzed()
        for (weight, expected) in zip(analysis.weights, [0.754, 0.181, 0.065]) {
            #expect(Self.matchesPrinted(weight, expected))
        }
        #expect(Self.matchesPrinted(analysis.lambdaMax, 3.136))
        #expect(Self.matchesPrinted(analysis.consistencyIndex, 0.068))
        #expect(Self.matchesPrinted(try #require(analysis.consistencyRatio), 0.117))
    }

    @Test("a consistent matrix gives its generating weights, λmax = n and CR = 0", arguments: [3, 5, 9, 14])
    func consistent(order: Int) throws {
        let raw: [Double] = (0..<order).map { (item: Int) -> Double in
            let step = Double(item % 4)
            return 1 + step * (1 + 0.05 * Double(item))
        }
        let weights = raw.map { $0 / raw.reduce(0, +) }
        let rows = (0..<order).map { i in (0..<order).map { j in weights[i] / weights[j] } }
        // Some ratios exceed 9 for the larger orders; build the matrix from capped weights instead.
        let capped = rows.allSatisfy { $0.allSatisfy { $0 <= 9 && $0 >= 1.0 / 9 } }
        #expect(capped)
        let analysis = try PairwiseComparisonMatrix(rows: rows).analyzed()
        #expect(analysis.weights.isApproximatelyEqual(to: weights, absoluteTolerance: 1e-12, relativeTolerance: 1e-10))
        #expect(analysis.lambdaMax.isApproximatelyEqual(to: Double(order), absoluteTolerance: 1e-10, relativeTolerance: 0))
        #expect(try #require(analysis.consistencyRatio).isApproximatelyEqual(to: 0, absoluteTolerance: 1e-10, relativeTolerance: 0))
        #expect(analysis.isAcceptable)
    }

    @Test("each pair's share of the inconsistency sums to λmax − n, and the perturbed pair is named first")
    func inconsistencyShares() throws {
        let weights = [0.4, 0.3, 0.2, 0.1]
        var rows = (0..<4).map { i in (0..<4).map { j in weights[i] / weights[j] } }
        rows[0][3] = 1.0 / 2  // truly 4
        rows[3][0] = 2
        let analysis = try PairwiseComparisonMatrix(rows: rows).analyzed()
        let total = analysis.inconsistencies.reduce(0) { $0 + $1.lambdaShare }
        #expect(total.isApproximatelyEqual(to: analysis.lambdaMax - 4, absoluteTolerance: 1e-10, relativeTolerance: 1e-9))
        let worst = try #require(analysis.inconsistencies.first)
        #expect(worst.row == 0 && worst.column == 3)
        #expect(!analysis.isAcceptable)
        // The suggestion moves toward the truth (4), and revising to it fixes the CR.
        #expect(worst.consistentValue > 1)
        #expect(try #require(worst.consistencyRatioIfRevised) < RandomIndex.acceptableRatio)
        #expect(worst.consistentValue.isApproximatelyEqual(to: 4, absoluteTolerance: 1e-9, relativeTolerance: 1e-9))
        #expect(worst.nearestScaleValue == 4)
        #expect(try #require(worst.consistencyRatioIfRevised) < 1e-9)
    }

    @Test("Harker's method: a consistent matrix with missing pairs recovers the weights exactly")
    func harkerConsistent() throws {
        let weights = [0.35, 0.25, 0.2, 0.12, 0.08]
        var judgements: [PairwiseComparisonMatrix.Judgement] = []
        // A spanning set plus a few extra pairs; (0,4), (1,3), (2,4) and others are left blank.
        for (i, j) in [(0, 1), (1, 2), (2, 3), (3, 4), (0, 2), (1, 4)] {
            judgements.append(.init(row: i, column: j, value: weights[i] / weights[j]))
        }
        let matrix = try PairwiseComparisonMatrix(order: 5, judgements: judgements)
        #expect(matrix.missingPairs.count == 4)
        let analysis = try matrix.analyzed()
        #expect(analysis.weights.isApproximatelyEqual(to: weights, absoluteTolerance: 1e-12, relativeTolerance: 1e-10))
        #expect(try #require(analysis.consistencyRatio) < 1e-10)
        #expect(analysis.missingPairCount == 4)
    }

    @Test("Harker's weights are the eigenvector of the matrix completed with their own ratios")
    func harkerFixedPoint() throws {
        let judgements: [PairwiseComparisonMatrix.Judgement] = [
            .init(row: 0, column: 1, value: 3), .init(row: 1, column: 2, value: 2), .init(row: 0, column: 2, value: 9),
            .init(row: 2, column: 3, value: 1.0 / 2),
        ]
        let incomplete = try PairwiseComparisonMatrix(order: 4, judgements: judgements)
        let analysis = try incomplete.analyzed()
        var completed = incomplete
        for (i, j) in incomplete.missingPairs {
            completed = completed.replacing(row: i, column: j, with: analysis.weights[i] / analysis.weights[j])
        }
        let full = try completed.analyzed()
        #expect(full.weights.isApproximatelyEqual(to: analysis.weights, absoluteTolerance: 1e-10, relativeTolerance: 1e-9))
        #expect(full.lambdaMax.isApproximatelyEqual(to: analysis.lambdaMax, absoluteTolerance: 1e-9, relativeTolerance: 1e-9))
    }

    @Test("judgements that leave an item unlinked are rejected, naming the groups")
    func disconnected() throws {
        let matrix = try PairwiseComparisonMatrix(
            order: 4, judgements: [.init(row: 0, column: 1, value: 2), .init(row: 2, column: 3, value: 3)])
        #expect(throws: PairwiseComparisonError.disconnected(groups: [[0, 1], [2, 3]], names: ["a", "b", "c", "d"])) {
            try matrix.analyzed(names: ["a", "b", "c", "d"])
        }
    }

    @Test("off-scale, self and conflicting judgements are errors")
    func invalid() throws {
        #expect(throws: PairwiseComparisonError.outOfScale(row: 0, column: 1, value: 12, names: [])) {
            try PairwiseComparisonMatrix(order: 2, judgements: [.init(row: 0, column: 1, value: 12)])
        }
        #expect(throws: PairwiseComparisonError.selfComparison(item: 1, value: 3, names: [])) {
            try PairwiseComparisonMatrix(order: 2, judgements: [.init(row: 1, column: 1, value: 3)])
        }
        #expect(throws: PairwiseComparisonError.self) {
            try PairwiseComparisonMatrix(
                order: 2, judgements: [.init(row: 0, column: 1, value: 3), .init(row: 1, column: 0, value: 3)])
        }
        // The reciprocal given again, consistently, is fine.
        _ = try PairwiseComparisonMatrix(
            order: 2, judgements: [.init(row: 0, column: 1, value: 3), .init(row: 1, column: 0, value: 1.0 / 3)])
    }

    @Test("the geometric mean of consistent judges is consistent with the geometric mean of their weights")
    func geometricMeanOfJudges() throws {
        let first = [0.5, 0.3, 0.2]
        let second = [0.2, 0.3, 0.5]
        func matrix(_ w: [Double]) throws -> PairwiseComparisonMatrix {
            try PairwiseComparisonMatrix(rows: (0..<3).map { i in (0..<3).map { j in w[i] / w[j] } })
        }
        let combined = PairwiseComparisonMatrix.geometricMean([try matrix(first), try matrix(second)])
        let analysis = try combined.analyzed()
        let expected = zip(first, second).map { ($0 * $1).squareRoot() }
        let total = expected.reduce(0, +)
        #expect(analysis.weights.isApproximatelyEqual(to: expected.map { $0 / total }, absoluteTolerance: 1e-12, relativeTolerance: 1e-10))
        #expect(try #require(analysis.consistencyRatio) < 1e-10)
    }

    @Test("the random index table is Saaty's (1980) and covers n = 1…15")
    func randomIndexTable() {
        #expect(RandomIndex.value(forOrder: 3) == 0.58)
        #expect(RandomIndex.value(forOrder: 8) == 1.41)
        #expect(RandomIndex.value(forOrder: 10) == 1.49)
        #expect(RandomIndex.value(forOrder: 16) == nil)
        #expect(PairwiseAnalysis.nearestScaleValue(to: 3.4) == 3)
        #expect(PairwiseAnalysis.nearestScaleValue(to: 0.3) == 1.0 / 3)
        #expect(PairwiseAnalysis.scaleText(1.0 / 7) == "1/7")
    }
}
