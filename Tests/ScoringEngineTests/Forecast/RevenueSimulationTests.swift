import Foundation
import RealModule
import ScoringEngine
import Testing

@Suite("Monte Carlo revenue totals")
struct RevenueSimulationTests {
    /// Random accounts: probabilities over many magnitudes, values, stages.
    func accounts(_ count: Int, seed: UInt64) -> (q: [Double], v: [Double], stage: [Int]) {
        var random = SeededRandom(seed: seed)
        var q: [Double] = []
        var v: [Double] = []
        var stage: [Int] = []
        for _ in 0..<count {
            let kind = random.nextDouble()
            q.append(kind < 0.1 ? 0 : (kind < 0.2 ? 1 : pow(10, -4 * random.nextDouble())))
            v.append(10 + 990 * random.nextDouble())
            stage.append(Int(random.next() % 3))
        }
        return (q, v, stage)
    }

    let timings: [[Double]] = [[0.5, 0.3, 0.2], [0.1, 0.2, 0.7], [1, 0, 0]]

    func team(_ count: Int) -> RevenueSimulation.Dimension {
        .init(name: "team", groups: ["team"], membership: [Int32](repeating: 0, count: count))
    }

    @Test("each account wins with exactly its probability, across every bin of the thinning")
    func perAccountFrequencies() {
        // One group per account with value 1: a group's mean over the runs is the account's win frequency.
        let q = [1.0, 0.97, 0.5, 0.31, 0.1, 0.02, 3e-3, 1e-4, 0.0]
        let runs = 40_000
        let dimension = RevenueSimulation.Dimension(
            name: "account", groups: q.indices.map(String.init), membership: q.indices.map(Int32.init))
        let totals = RevenueSimulation(runs: runs, seed: 11).simulate(
            probabilities: q, values: [Double](repeating: 1, count: q.count), timingGroups: [Int](repeating: 0, count: q.count),
            timings: [[1]], dimensions: [dimension])
        for (index, group) in totals.groups.enumerated() {
            let frequency = group.perPeriod[0].simulatedMean
            let standardError = (q[index] * (1 - q[index]) / Double(runs)).squareRoot()
            #expect(abs(frequency - q[index]) <= 4 * standardError + 1e-12, "account \(index): \(frequency) vs \(q[index])")
        }
    }

    @Test("run means agree with the exact expectations within 4 standard errors, per period")
    func means() {
        let (q, v, stage) = accounts(3000, seed: 5)
        let runs = 2000
        let totals = RevenueSimulation(runs: runs, seed: 3).simulate(
            probabilities: q, values: v, timingGroups: stage, timings: timings, dimensions: [team(q.count)])
        let group = totals.groups[0]
        for t in 0..<3 {
            // Var of Σ vᵢ·Bernoulli(qᵢ cₛ(t)).
            var variance = 0.0
            var expected = 0.0
            for i in q.indices {
                let p = q[i] * timings[stage[i]][t]
                variance += v[i] * v[i] * p * (1 - p)
                expected += v[i] * p
            }
            #expect(group.perPeriod[t].expected.isApproximatelyEqual(to: expected, absoluteTolerance: 1e-6, relativeTolerance: 1e-12))
            let error = (variance / Double(runs)).squareRoot()
            #expect(abs(group.perPeriod[t].simulatedMean - expected) <= 4 * error, "period \(t + 1)")
            #expect(group.perPeriod[t].p10 <= group.perPeriod[t].p50 && group.perPeriod[t].p50 <= group.perPeriod[t].p90)
        }
        // Cumulative totals add up the periods.
        #expect(
            group.cumulative[2].expected.isApproximatelyEqual(
                to: group.perPeriod.map(\.expected).reduce(0, +), absoluteTolerance: 1e-6, relativeTolerance: 1e-12))
    }

    @Test("two accounts of 10 and 20 at one half: totals 0, 10, 20, 30 give P10 = 0 and P90 = 30")
    func smallDistribution() {
        let totals = RevenueSimulation(runs: 1000, seed: 9).simulate(
            probabilities: [0.5, 0.5], values: [10, 20], timingGroups: [0, 0], timings: [[1]], dimensions: [team(2)])
        let cell = totals.groups[0].perPeriod[0]
        #expect(cell.p10 == 0)
        #expect(cell.p90 == 30)
        #expect(cell.expected == 15)
    }

    @Test("the same seed gives the same totals whatever the number of threads; another seed differs")
    func deterministic() {
        let (q, v, stage) = accounts(500, seed: 8)
        func run(seed: UInt64, threads: Int) -> [Double] {
            let totals = RevenueSimulation(runs: 64, seed: seed, threads: threads).simulate(
                probabilities: q, values: v, timingGroups: stage, timings: timings, dimensions: [team(q.count)])
            return totals.groups[0].perPeriod.flatMap { [$0.p10, $0.p50, $0.p90, $0.simulatedMean] }
        }
        #expect(run(seed: 1, threads: 1) == run(seed: 1, threads: 4))
        #expect(run(seed: 1, threads: 2) == run(seed: 1, threads: 3))
        #expect(run(seed: 1, threads: 2) != run(seed: 2, threads: 2))
    }

    @Test("groups split the team: their expectations add up to the team's")
    func groups() {
        let (q, v, stage) = accounts(400, seed: 2)
        let byStage = RevenueSimulation.Dimension(name: "stage", groups: ["1", "2", "3"], membership: stage.map { Int32($0) })
        let totals = RevenueSimulation(runs: 10, seed: 1).simulate(
            probabilities: q, values: v, timingGroups: stage, timings: timings, dimensions: [team(q.count), byStage])
        let team = totals.groups(of: "team")[0]
        let parts = totals.groups(of: "stage")
        #expect(parts.map(\.accounts).reduce(0, +) == 400)
        for t in 0..<3 {
            #expect(
                team.perPeriod[t].expected.isApproximatelyEqual(
                    to: parts.map { $0.perPeriod[t].expected }.reduce(0, +), absoluteTolerance: 1e-6, relativeTolerance: 1e-12))
        }
    }
}
