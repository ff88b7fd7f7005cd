import Foundation
import LinearAlgebra
import ScoringTestSupport
import Testing

@testable import ScoringEngine

/// SMAA's counts are bit for bit those of a straightforward reference for the same seed.
///
/// The reference computes each block's scores with the same panel products as the engine
/// (``BatchProduct`` on the same 256-account panels and the same 2B × F weights, so the
/// scores are the same bits), then does everything after them the plain way: grades by
/// ``GradingPolicy/grade(value:difficulty:completeness:)``, keys by
/// ``RankingPolicy/key(value:difficulty:)``, one comparison sort per draw (grade, key
/// highest first, id), and counts in draw order. Every output array must be equal (`==`),
/// not close: grade and top-K probabilities, mean ranks, P5/median/P95, central weights.
@Suite("SMAA counts equal a plain reference bit for bit")
struct SensitivityCountsTests {
    struct Reference {
        var gradeProbabilities: [Double]
        var topProbability: [Double]
        var meanRank: [Double]
        var quantiles: [[Int]]
        var centralWeights: [[Double]?]
    }

    /// A model of `factors` factors and `accounts` accounts; `duplicates` of them are copies
    /// of account 0's values under other ids, so that their scores are equal in every draw.
    static func fixture(
        accounts: Int, factors: Int, seed: UInt64, gradeFirst: Bool, duplicates: Int = 0, key: RankingPolicy.Key = .priority
    )
        -> (ScoringModel, BatchAssessment)
    {
        var random = SeededRandom(seed: seed)
        let list = (0..<factors).map { index in
            ModelFixtures.factor(
                "f\(index)", index % 3 == 2 || index == 1 ? .difficulty : .value, weight: 0.2 + random.nextDouble(),
                direction: index % 4 == 3 ? .decreasing : .increasing)
        }
        let model = try! ScoringModel(
            name: "t", factors: list, grading: ModelFixtures.grading(minimumCompleteness: 0.8, gradeFirst: gradeFirst, key: key))
        let columns: [FactorColumn] = list.map { _ in
            var values = (0..<accounts).map { _ in random.nextDouble() < 0.04 ? Double.nan : 0.1 + 9.8 * random.nextDouble() }
            for copy in 0..<min(duplicates, max(0, accounts - 1)) { values[accounts - 1 - copy] = values[0] }
            return .numeric(values)
        }
        let batch = ProspectBatch(
            accounts: (0..<accounts).map { Account(id: String(format: "A%06d", ($0 * 7919) % 1_000_003)) }, factorColumns: columns)
        return (model, try! ScoringPipeline(model: model).assess(batch))
    }

    static func reference(
        _ analysis: SensitivityAnalysis, _ assessment: BatchAssessment, blockDraws: Int, binning: SensitivityAnalysis.RankBinning?
    )
        -> Reference
    {
        let model = assessment.model
        let n = assessment.count
        let f = model.factors.count
        let m = analysis.samples
        let draws = analysis.draws(for: model)
        let grading = model.grading
        let order = (0..<n).sorted { assessment.accounts[$0].id < assessment.accounts[$1].id }
        let elements = assessment.utilities.matrix.elements
        var gradeCounts = [Int](repeating: 0, count: n * 5)
        var topCounts = [Int](repeating: 0, count: n)
        var rankSums = [Double](repeating: 0, count: n)
        var ranks = [[Int]](repeating: [], count: n)
        var centralSums = [Double](repeating: 0, count: n * f)
        var blockStart = 0
        while blockStart < m {
            let size = min(blockDraws, m - blockStart)
            var weights = [Double](repeating: 0, count: 2 * size * f)
            for b in 0..<size {
                for k in 0..<f {
                    weights[((model.factors[k].side == .value ? 0 : size) + b) * f + k] = 100 * draws[(blockStart + b) * f + k]
                }
            }
            // Scores of position i (ascending id) under draw b: [b][i] value, difficulty.
            var values = [[Double]](repeating: [Double](repeating: 0, count: n), count: size)
            var difficulties = values
            for panelStart in stride(from: 0, to: n, by: SensitivityAnalysis.panelRows) {
                let rows = min(SensitivityAnalysis.panelRows, n - panelStart)
                var panel = [Double]()
                for position in panelStart..<(panelStart + rows) {
                    panel += elements[(order[position] * f)..<((order[position] + 1) * f)]
                }
                var product = [Double](repeating: 0, count: 2 * size * rows)
                BLASThreads.withThreadCount(1) {
                    BatchProduct.multiply(weights, rows: 2 * size, inner: f, byTransposed: panel, columns: rows, into: &product)
                }
                for b in 0..<size {
                    for li in 0..<rows {
                        values[b][panelStart + li] = product[b * rows + li]
                        difficulties[b][panelStart + li] = product[(size + b) * rows + li]
                    }
                }
            }
            for b in 0..<size {
                let d = blockStart + b
                let grades = (0..<n).map {
                    grading.grade(value: values[b][$0], difficulty: difficulties[b][$0], completeness: assessment.completeness(order[$0]))
                }
                let keys = (0..<n).map { grading.ranking.key(value: values[b][$0], difficulty: difficulties[b][$0]) }
                let sorted = (0..<n).sorted { x, y in
                    if grading.ranking.gradeFirst, grades[x] != grades[y] { return grades[x].order < grades[y].order }
                    if keys[x] != keys[y] { return keys[x] > keys[y] }
                    return x < y
                }
                for (place, position) in sorted.enumerated() {
                    let rank = place + 1
                    gradeCounts[position * 5 + grades[position].order] += 1
                    rankSums[position] += Double(rank)
                    ranks[position].append(rank)
                    if rank <= analysis.topCount {
                        topCounts[position] += 1
                        for k in 0..<f { centralSums[position * f + k] += draws[d * f + k] }
                    }
                }
            }
            blockStart += size
        }
        var result = Reference(
            gradeProbabilities: [Double](repeating: 0, count: n * 5), topProbability: [Double](repeating: 0, count: n),
            meanRank: [Double](repeating: 0, count: n), quantiles: [[Int]](repeating: [], count: n),
            centralWeights: [[Double]?](repeating: nil, count: n))
        let targets = [0.05, 0.5, 0.95].map { max(1, Int(($0 * Double(m)).rounded(.up))) }
        for (position, row) in order.enumerated() {
            for g in 0..<5 { result.gradeProbabilities[row * 5 + g] = Double(gradeCounts[position * 5 + g]) / Double(m) }
            result.topProbability[row] = Double(topCounts[position]) / Double(m)
            result.meanRank[row] = rankSums[position] / Double(m)
            let own = ranks[position].sorted()
            if let binning {
                // Nearest-rank target in bin terms: the bin holding the target, interpolated.
                result.quantiles[row] = targets.map { target in
                    let rank = own[target - 1]
                    let bin = Int(binning.binOfRank[rank - 1])
                    let low = Int(binning.binStart[bin])
                    let width = Int(binning.binStart[bin + 1]) - low
                    let before = own.firstIndex { Int(binning.binOfRank[$0 - 1]) == bin }!
                    let inBin = own.lastIndex { Int(binning.binOfRank[$0 - 1]) == bin }! - before + 1
                    return width == 1 ? low : low + (width * (target - before - 1)) / inBin
                }
            } else {
                result.quantiles[row] = targets.map { own[$0 - 1] }
            }
            if topCounts[position] > 0 {
                result.centralWeights[row] = (0..<f).map { centralSums[position * f + $0] / Double(topCounts[position]) }
            }
        }
        return result
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var accounts: Int
        var factors = 7
        var samples: Int
        var top = 10
        var seed: UInt64 = 1
        var gradeFirst = true
        var duplicates = 0
        var threads = 2
        var blockDraws = 512
        var memoryMiB = 512
        var concentration: Double? = nil
        var key: RankingPolicy.Key = .priority
        /// Keys kept for windows of draws within a block (the path taken with many accounts).
        var keyWindowKiB: Int? = nil
        var testDescription: String {
            "\(accounts) accounts × \(samples) draws, K \(top), seed \(seed)\(gradeFirst ? "" : ", key only")"
                + "\(duplicates > 0 ? ", \(duplicates) tied copies" : ""), \(threads) threads, blocks ≤ \(blockDraws)"
                + "\(memoryMiB < 512 ? ", \(memoryMiB) MiB" : "")\(concentration.map { ", Dirichlet \($0)" } ?? "")"
                + "\(key == .priority ? "" : ", key \(key.rawValue)")"
                + "\(keyWindowKiB.map { ", keys window \($0) KiB" } ?? "")"
        }
    }

    static let cases: [Case] = [
        Case(accounts: 300, samples: 250, seed: 42, threads: 3, blockDraws: 7),
        Case(accounts: 700, factors: 9, samples: 120, top: 25, seed: 7, gradeFirst: false, threads: 2, blockDraws: 50, concentration: 30),
        Case(accounts: 600, samples: 90, top: 5, seed: 3, duplicates: 40, threads: 2, blockDraws: 16),
        Case(accounts: 400, samples: 64, top: 1, seed: 9, gradeFirst: false, duplicates: 100, threads: 4, blockDraws: 10),
        Case(accounts: 1, samples: 30, top: 1, seed: 5),
        Case(accounts: 2, samples: 31, top: 5, seed: 6, duplicates: 1, threads: 1),
        Case(accounts: 50, samples: 40, top: 50, seed: 8, blockDraws: 3),
        Case(accounts: 90, samples: 25, top: 1000, seed: 10, gradeFirst: false),
        // 2,049 and 5,000 accounts: the other code widths of the ranker.
        Case(accounts: 2049, factors: 5, samples: 20, top: 30, seed: 11, duplicates: 9, blockDraws: 6),
        Case(accounts: 5000, factors: 12, samples: 12, top: 100, seed: 12, concentration: 3),
        // Ranks do not fit 1 MiB: rank histograms (one bin per rank here).
        Case(accounts: 200, factors: 6, samples: 700, top: 10, seed: 3, duplicates: 20, threads: 2, blockDraws: 100, memoryMiB: 1),
        // The other ranking keys (the engine writes each key's loop on its own).
        Case(accounts: 800, samples: 60, top: 15, seed: 13, duplicates: 5, blockDraws: 40, key: .valuePerDifficulty),
        Case(accounts: 300, samples: 50, top: 7, seed: 14, gradeFirst: false, duplicates: 3, blockDraws: 33, key: .value),
        // Keys kept for a window of draws: 3 draws in blocks of 64 (the last window of a block
        // shorter), and 32 draws (one full chunk) in blocks of 100.
        Case(accounts: 2049, factors: 6, samples: 150, top: 20, seed: 15, duplicates: 4, blockDraws: 64, keyWindowKiB: 64),
        Case(accounts: 700, samples: 230, top: 12, seed: 16, threads: 3, blockDraws: 100, concentration: 8, keyWindowKiB: 224),
    ]

    @Test("every output equals the reference's", arguments: cases)
    func equalsReference(_ c: Case) throws {
        let (_, assessment) = Self.fixture(
            accounts: c.accounts, factors: c.factors, seed: c.seed, gradeFirst: c.gradeFirst, duplicates: c.duplicates, key: c.key)
        let sampler = try WeightSampler(distribution: c.concentration.map { .dirichlet(concentration: $0) } ?? .uniform)
        var analysis = try SensitivityAnalysis(
            samples: c.samples, sampler: sampler, topCount: c.top, seed: c.seed, memoryBudget: c.memoryMiB << 20, threads: c.threads,
            maximumBlockDraws: c.blockDraws)
        if let kib = c.keyWindowKiB { analysis.keyWindowBytes = kib << 10 }
        let result = analysis.run(assessment)
        if c.keyWindowKiB != nil { #expect(result.timings.keyWindowDraws < result.timings.blockDraws) }
        let n = c.accounts
        let binning: SensitivityAnalysis.RankBinning? =
            n * c.samples * 4 <= analysis.memoryBudget / 2
            ? nil : SensitivityAnalysis.RankBinning(accounts: n, bins: max(2, (analysis.memoryBudget / 2) / (n * 2)))
        let reference = Self.reference(analysis, assessment, blockDraws: result.timings.blockDraws, binning: binning)
        #expect(result.gradeProbabilities == reference.gradeProbabilities)
        #expect(result.topProbability == reference.topProbability)
        #expect(result.meanRank == reference.meanRank)
        #expect((0..<n).map { [result.lowRank[$0], result.medianRank[$0], result.highRank[$0]] } == reference.quantiles)
        #expect(result.centralWeights == reference.centralWeights)
        if c.duplicates > 0 {
            // The tied copies really tie: same value and difficulty in every draw, so their
            // order is the id order, and their probabilities are equal.
            #expect(result.gradeProbabilities[(n - 1) * 5] == result.gradeProbabilities[0])
        }
        if c.top >= n { #expect(result.topProbability.allSatisfy { $0 == 1 }) }
    }
}
