import Foundation
import RealModule
import ScoringEngine
import ScoringTestSupport
import Testing

@Suite("Outcome binning")
struct OutcomeBinningTests {
    @Test("information value of a known WoE table matches the hand computation")
    func informationValue() {
        // W = L = 200: %won 0.1, 0.5, 0.4; %lost 0.4, 0.5, 0.1; WoE ln 0.25, 0, ln 4.
        let groups = [Evidence(count: 100, won: 20), Evidence(count: 200, won: 100), Evidence(count: 100, won: 80)]
        let expected = 0.3 * log(4.0) + 0.3 * log(4.0)
        #expect(
            OutcomeBinning.informationValue(groups).isApproximatelyEqual(to: expected, absoluteTolerance: 1e-14, relativeTolerance: 1e-14))
        #expect(
            OutcomeBinning.weightOfEvidence(groups[0], won: 200, lost: 200).isApproximatelyEqual(
                to: log(0.25), absoluteTolerance: 1e-14, relativeTolerance: 1e-14))
        // A group with no lost account gets 0.5 added to both cells: WoE = ln((10.5/W)/(0.5/L)).
        let pure = Evidence(count: 10, won: 10)
        #expect(
            OutcomeBinning.weightOfEvidence(pure, won: 100, lost: 50).isApproximatelyEqual(
                to: log((10.5 / 100) / (0.5 / 50)), absoluteTolerance: 1e-14, relativeTolerance: 1e-14))
    }

    @Test("χ² of a 2×2 table and its p-value match closed forms")
    func chiSquare() {
        // [[30, 70], [50, 50]]: N(ad − bc)²/(n₁n₂WL) = 200 (1500 − 3500)² / (100·100·80·120).
        let statistic = OutcomeBinning.chiSquare(.init(first: 0, count: 100, won: 30), .init(first: 1, count: 100, won: 50))
        let expected: Double = 200.0 * 4e6 / (100.0 * 100.0 * 80.0 * 120.0)
        #expect(statistic.isApproximatelyEqual(to: expected, absoluteTolerance: 1e-12, relativeTolerance: 1e-12))
        #expect(
            OutcomeBinning.chiSquarePValue(3.841458820694124).isApproximatelyEqual(to: 0.05, absoluteTolerance: 1e-9, relativeTolerance: 0))
    }

    @Test("shrunk rate: a group of 5 lands near the overall rate")
    func shrinkage() {
        let rate = OutcomeBinning.shrunkRate(won: 5, count: 5, overallRate: 0.3, pseudoCounts: 20)
        #expect(rate.isApproximatelyEqual(to: (5 + 20 * 0.3) / 25, absoluteTolerance: 1e-15, relativeTolerance: 0))
        // It moves only 5/25 of the way from the overall rate to its own rate 1.
        #expect(abs(rate - 0.3) <= 0.2 * 0.7 + 1e-12)
    }

    @Test("pre-bins hold at least the minimum count, never split ties, and number at most the maximum", arguments: 0..<25)
    func preBinsProperty(seed: Int) {
        var random = SeededRandom(seed: UInt64(seed) + 100)
        let n = 50 + Int(random.next() % 3000)
        let distinct = 2 + Int(random.next() % 200)
        let minimum = 1 + Int(random.next() % 120)
        let maximum = 2 + Int(random.next() % 30)
        var counts = [Int](repeating: 0, count: distinct)
        for _ in 0..<n { counts[Int(random.next() % UInt64(distinct))] += 1 }
        let runs = counts.enumerated().filter { $0.element > 0 }.map {
            OutcomeBinning.Run(first: Double($0.offset), count: $0.element, won: $0.element / 2)
        }
        let bins = OutcomeBinning.preBins(runs: runs, maximumBins: maximum, minimumCount: minimum)
        #expect(bins.count <= maximum)
        #expect(bins.reduce(0) { $0 + $1.count } == n)
        if bins.count > 1 { #expect(bins.allSatisfy { $0.count >= minimum }) }
        // Every bin starts at a run's first value (ties never split).
        #expect(bins.allSatisfy { bin in runs.contains { $0.first == bin.first } })
    }

    @Test("monotone pooling gives strictly monotone shrunk rates and keeps every account", arguments: 0..<25)
    func monotoneProperty(seed: Int) {
        var random = SeededRandom(seed: UInt64(seed) + 500)
        let increasing = seed % 2 == 0
        let bins = (0..<(2 + Int(random.next() % 20))).map { index -> OutcomeBinning.Run in
            let count = 30 + Int(random.next() % 500)
            return OutcomeBinning.Run(first: Double(index), count: count, won: Int(random.next() % UInt64(count + 1)))
        }
        let overall = Double(bins.reduce(0) { $0 + $1.won }) / Double(bins.reduce(0) { $0 + $1.count })
        let pooled = OutcomeBinning.monotone(bins, increasing: increasing, overallRate: overall, pseudoCounts: 20)
        let rates = pooled.map { OutcomeBinning.shrunkRate(won: $0.won, count: $0.count, overallRate: overall, pseudoCounts: 20) }
        for (left, right) in zip(rates, rates.dropFirst()) { #expect(increasing ? left < right : left > right) }
        #expect(pooled.reduce(0) { $0 + $1.count } == bins.reduce(0) { $0 + $1.count })
        #expect(pooled.reduce(0) { $0 + $1.won } == bins.reduce(0) { $0 + $1.won })
    }

    @Test("ChiMerge stops when every adjacent pair differs at the stated significance")
    func chiMergeStops() {
        let bins = [
            OutcomeBinning.Run(first: 0, count: 500, won: 100), .init(first: 1, count: 500, won: 105),
            .init(first: 2, count: 500, won: 300), .init(first: 3, count: 500, won: 295),
        ]
        let merged = OutcomeBinning.chiMerge(bins, significance: 0.05)
        #expect(merged.map(\.first) == [0, 2])
        #expect(merged.map(\.count) == [1000, 1000])
    }
}
