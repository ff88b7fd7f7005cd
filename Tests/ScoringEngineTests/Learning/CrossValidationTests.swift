import Foundation
import LinearAlgebra
import RealModule
import ScoringTestSupport
import Testing

@testable import ScoringEngine

@Suite("Learner cross-validation")
struct CrossValidationTests {
    @Test("out-of-fold log-odds of a fold do not change when that fold's outcomes change")
    func foldIsolation() throws {
        var random = SeededRandom(seed: 5)
        let n = 600
        let x = (0..<n).map { _ in random.nextDouble() }
        var outcomes = x.map { random.nextDouble() < 0.2 + 0.6 * $0 ? 1.0 : 0.0 }
        let assignment = WeightFit.stratifiedFolds(outcomes: outcomes, count: 3, seed: 9)
        let train = (0..<3).map { fold in (0..<n).filter { assignment[$0] != fold } }
        let test = (0..<3).map { fold in (0..<n).filter { assignment[$0] == fold } }
        let matrix = Matrix(rows: n, columns: 1, elements: x)
        let learner = try ModelLearner()
        func path(_ outcomes: [Double]) throws -> [Double] {
            try learner.crossValidatedPath(
                folds: 3, trainRows: train, testRows: test, outcomes: outcomes, grid: [10, 1, 0.1], expert: [100], n: n
            ) { _, rows in ModelLearner.design(rows: rows, matrix: matrix) }.outOfFold
        }
        let before = try path(outcomes)
        for row in test[0] { outcomes[row] = 1 - outcomes[row] }
        let after = try path(outcomes)
        #expect(test[0].allSatisfy { before[$0] == after[$0] })
        #expect(test[1].contains { before[$0] != after[$0] })
    }

    @Test("a fold's groups are learned from its training rows only")
    func groupIsolation() {
        var random = SeededRandom(seed: 8)
        let n = 2000
        let values = (0..<n).map { _ in 100 * random.nextDouble() }
        var outcomes = values.map { random.nextDouble() < $0 / 100 ? 1.0 : 0.0 }
        let assignment = WeightFit.stratifiedFolds(outcomes: outcomes, count: 4, seed: 3)
        let settings = ColumnFit.Settings(
            maximumPreBins: 20, minimumBinCount: 50, pseudoCounts: 20, mergeSignificance: 0.05, minimumCategoryCount: 30)
        func fit(_ outcomes: [Double]) -> ColumnFit {
            let column = PreparedColumn(LearningColumn(name: "x", values: .numeric(values)), outcomes: outcomes, assignment: assignment)
            return ColumnFit.learn(
                column, outcomes: outcomes, assignment: assignment, fold: 2, request: .monotone(increasing: true), settings: settings)
        }
        let before = fit(outcomes)
        for row in 0..<n where assignment[row] == 2 { outcomes[row] = 1 - outcomes[row] }
        let after = fit(outcomes)
        #expect(before.uppers == after.uppers)
        #expect(before.groups.map(\.evidence) == after.groups.map(\.evidence))
        #expect(before.groups.reduce(0) { $0 + $1.evidence.count } == (0..<n).filter { assignment[$0] != 2 }.count)
    }

    @Test("learned bins respect the minimum count and the declared direction on random data", arguments: 0..<20)
    func monotoneColumnProperty(seed: Int) {
        var random = SeededRandom(seed: UInt64(seed) + 77)
        let n = 300 + Int(random.next() % 4000)
        let increasing = random.nextDouble() < 0.5
        let minimum = 20 + Int(random.next() % 200)
        // A random-walk effect: the declared direction may be wrong for parts of the range.
        var walk = 0.0
        let effects = (0..<10).map { _ -> Double in
            walk += random.nextGaussian(mean: 0, standardDeviation: 0.4)
            return walk
        }
        let values = (0..<n).map { _ in Double(Int(random.next() % 1000)) / 10 }
        let outcomes = values.map { x -> Double in
            let eta = effects[min(Int(x / 10), 9)]
            return random.nextDouble() < 1 / (1 + exp(-eta)) ? 1.0 : 0.0
        }
        let assignment = [Int](repeating: 0, count: n)
        let column = PreparedColumn(LearningColumn(name: "x", values: .numeric(values)), outcomes: outcomes, assignment: assignment)
        let settings = ColumnFit.Settings(
            maximumPreBins: 20, minimumBinCount: minimum, pseudoCounts: 20, mergeSignificance: 0.05, minimumCategoryCount: 30)
        let fit = ColumnFit.learn(
            column, outcomes: outcomes, assignment: assignment, fold: -1, request: .monotone(increasing: increasing), settings: settings)
        let bins = fit.groups.dropLast().filter { $0.evidence.count > 0 }
        #expect(bins.reduce(0) { $0 + $1.evidence.count } == n)
        if bins.count > 1 { #expect(bins.allSatisfy { $0.evidence.count >= minimum }) }
        for (left, right) in zip(bins, bins.dropFirst()) {
            #expect(increasing ? left.logOdds < right.logOdds : left.logOdds > right.logOdds)
        }
        // Every row sits in the bin its value falls in by the scale's rule.
        for row in 0..<n {
            let bin = Int(fit.rowGroup[row])
            #expect(bin == fit.uppers.firstIndex { values[row] < $0 } ?? fit.uppers.count)
        }
    }
}
