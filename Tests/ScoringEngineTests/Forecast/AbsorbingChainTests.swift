import Foundation
import LinearAlgebra
import RealModule
import ScoringEngine
import ScoringTestSupport
import Testing

@Suite("Absorbing chains: closed forms from the fundamental matrix")
struct AbsorbingChainTests {
    /// Gambler's ruin on 0…n: from i, up with p, down with q = 1 − p; 0 and n absorb.
    func ruin(n: Int, p: Double) throws -> AbsorbingChain {
        var transient = Matrix(rows: n - 1, columns: n - 1)
        var absorbing = Matrix(rows: n - 1, columns: 2)  // columns: reach n, reach 0
        for i in 1..<n {
            let row = i - 1
            if i + 1 == n { absorbing[row, 0] = p } else { transient[row, row + 1] = p }
            if i - 1 == 0 { absorbing[row, 1] = 1 - p } else { transient[row, row - 1] = 1 - p }
        }
        return try AbsorbingChain(transient: transient, absorbing: absorbing)
    }

    @Test("gambler's ruin: absorption probabilities and expected durations match the textbook formulas", arguments: [0.5, 0.4, 0.7])
    func gamblersRuin(p: Double) throws {
        let n = 8
        let chain = try ruin(n: n, p: p)
        let q = 1 - p
        for i in 1..<n {
            let win: Double
            let duration: Double
            if p == 0.5 {
                win = Double(i) / Double(n)
                duration = Double(i * (n - i))
            } else {
                let ratio = q / p
                win = (1 - pow(ratio, Double(i))) / (1 - pow(ratio, Double(n)))
                duration = Double(i) / (q - p) - Double(n) / (q - p) * win
            }
            #expect(
                chain.absorptionProbabilities[i - 1, 0].isApproximatelyEqual(to: win, absoluteTolerance: 1e-12, relativeTolerance: 1e-12))
            #expect(chain.expectedPeriods[i - 1].isApproximatelyEqual(to: duration, absoluteTolerance: 1e-11, relativeTolerance: 1e-12))
        }
    }

    @Test("one stage with stay s, win w, lose l: geometric closed forms for every answer")
    func singleStage() throws {
        let (s, w, l) = (0.6, 0.3, 0.1)
        let chain = try AbsorbingChain(transient: Matrix([[s]]), absorbing: Matrix([[w, l]]))
        let tolerance = (absolute: 1e-13, relative: 1e-13)
        #expect(
            chain.fundamental[0, 0].isApproximatelyEqual(
                to: 1 / (1 - s), absoluteTolerance: tolerance.absolute, relativeTolerance: tolerance.relative))
        #expect(
            chain.absorptionProbabilities[0, 0].isApproximatelyEqual(
                to: w / (1 - s), absoluteTolerance: tolerance.absolute, relativeTolerance: tolerance.relative))
        #expect(
            chain.expectedPeriods[0].isApproximatelyEqual(
                to: 1 / (1 - s), absoluteTolerance: tolerance.absolute, relativeTolerance: tolerance.relative))
        // T is geometric on 1, 2, …: Var = s / (1 − s)².
        #expect(
            chain.periodVariances[0].isApproximatelyEqual(to: s / ((1 - s) * (1 - s)), absoluteTolerance: 1e-12, relativeTolerance: 1e-12))
        // The outcome is independent of the time: E[T | won] = E[T].
        #expect(
            chain.expectedPeriodsGivenOutcome[0, 0].isApproximatelyEqual(
                to: 1 / (1 - s), absoluteTolerance: 1e-12, relativeTolerance: 1e-12))
        let cumulative = chain.absorptionByPeriod(horizon: 6)
        for t in 0...6 {
            let expected = w * (1 - pow(s, Double(t))) / (1 - s)
            #expect(cumulative[t][0, 0].isApproximatelyEqual(to: expected, absoluteTolerance: 1e-14, relativeTolerance: 1e-13))
        }
    }

    @Test("a two-stage chain matches answers worked by hand")
    func twoStages() throws {
        // Stage 1: stay 0.5, → 2 0.3, lost 0.2.  Stage 2: back 0.1, stay 0.4, won 0.4, lost 0.1.
        let chain = try AbsorbingChain(
            transient: Matrix([[0.5, 0.3], [0.1, 0.4]]), absorbing: Matrix([[0, 0.2], [0.4, 0.1]]))
        // I − Q = [[0.5, −0.3], [−0.1, 0.6]], det = 0.27, N = [[0.6, 0.3], [0.1, 0.5]] / 0.27.
        let expectedN = Matrix([[0.6 / 0.27, 0.3 / 0.27], [0.1 / 0.27, 0.5 / 0.27]])
        #expect(chain.fundamental.isApproximatelyEqual(to: expectedN, absoluteTolerance: 1e-13, relativeTolerance: 1e-13))
        // B = N R: P(won | 1) = 0.12/0.27 = 4/9, P(won | 2) = 0.2/0.27 = 20/27.
        #expect(chain.absorptionProbabilities[0, 0].isApproximatelyEqual(to: 4.0 / 9, absoluteTolerance: 1e-13, relativeTolerance: 1e-13))
        #expect(chain.absorptionProbabilities[1, 0].isApproximatelyEqual(to: 20.0 / 27, absoluteTolerance: 1e-13, relativeTolerance: 1e-13))
        // t = N 1: 0.9/0.27 = 10/3 and 0.6/0.27 = 20/9.
        #expect(chain.expectedPeriods.isApproximatelyEqual(to: [10.0 / 3, 20.0 / 9], absoluteTolerance: 1e-13, relativeTolerance: 1e-13))
        // F(1) = R, F(2) = (I − Q²) B = R + Q R.
        let cumulative = chain.absorptionByPeriod(horizon: 2)
        #expect(
            cumulative[1].isApproximatelyEqual(to: Matrix([[0, 0.2], [0.4, 0.1]]), absoluteTolerance: 1e-14, relativeTolerance: 1e-13))
        let twoSteps = Matrix([
            [0 + 0.5 * 0 + 0.3 * 0.4, 0.2 + 0.5 * 0.2 + 0.3 * 0.1], [0.4 + 0.1 * 0 + 0.4 * 0.4, 0.1 + 0.1 * 0.2 + 0.4 * 0.1],
        ])
        #expect(cumulative[2].isApproximatelyEqual(to: twoSteps, absoluteTolerance: 1e-14, relativeTolerance: 1e-13))
    }

    @Test("the five-stage pipeline agrees with a simulation of 200,000 accounts within 4 standard errors")
    func simulation() throws {
        let table = PipelineFixtures.table()
        let chain = try table.chain()
        let simulator = PipelineSimulator(table: table)
        var random = SeededRandom(seed: 2024)
        let runs = 200_000
        let checkpoints = [1, 3, 6, 12, 24]
        for stage in [1, 3, 5] {
            var won = 0.0
            var periods = 0.0
            var squares = 0.0
            var wonPeriods = 0.0
            var wonBy = [Double](repeating: 0, count: checkpoints.count)
            for _ in 0..<runs {
                let path = simulator.path(from: stage, maximumPeriods: 10_000, using: &random)
                let t = Double(path.count)
                periods += t
                squares += t * t
                if path.last == .won {
                    won += 1
                    wonPeriods += t
                    for (index, checkpoint) in checkpoints.enumerated() where path.count <= checkpoint { wonBy[index] += 1 }
                }
            }
            let n = Double(runs)
            let pWon = won / n
            let meanT = periods / n
            let varianceT = squares / n - meanT * meanT
            let row = stage - 1
            // P(won): binomial standard error.
            let exact = chain.absorptionProbabilities[row, 0]
            #expect(abs(pWon - exact) <= 4 * (exact * (1 - exact) / n).squareRoot(), "stage \(stage) P(won) \(pWon) vs \(exact)")
            // E[T]: the standard error is √(Var T / n), with the closed-form variance.
            let exactVariance = chain.periodVariances[row]
            #expect(abs(meanT - chain.expectedPeriods[row]) <= 4 * (exactVariance / n).squareRoot(), "stage \(stage) E[T]")
            // Var T: sample variance within 5% (its standard error is about √(2/n)·σ²·√kurtosis).
            #expect(varianceT.isApproximatelyEqual(to: exactVariance, absoluteTolerance: 0, relativeTolerance: 0.05))
            // E[T | won].
            let conditional = chain.expectedPeriodsGivenOutcome[row, 0]
            #expect(abs(wonPeriods / won - conditional) <= 4 * (exactVariance / won).squareRoot(), "stage \(stage) E[T | won]")
            // The closing-period distribution at several horizons.
            let cumulative = chain.absorptionByPeriod(horizon: checkpoints.last!)
            for (index, checkpoint) in checkpoints.enumerated() {
                let expected = cumulative[checkpoint][row, 0]
                let observed = wonBy[index] / n
                #expect(
                    abs(observed - expected) <= 4 * (max(expected * (1 - expected), 1e-6) / n).squareRoot(),
                    "stage \(stage), t = \(checkpoint)")
            }
        }
    }

    @Test("a stage that can never close is reported by number, not solved into nonsense")
    func neverCloses() throws {
        // Stages 2 and 3 pass accounts back and forth forever.
        var rows = PipelineFixtures.probabilities
        rows[1] = [0, 0.5, 0.5, 0, 0, 0, 0]
        rows[2] = [0, 0.5, 0.5, 0, 0, 0, 0]
        let table = try TransitionTable(period: .month, probabilities: Matrix(rows))
        #expect(throws: ForecastError.stageNeverCloses(stage: 2)) { try table.chain() }
        #expect(ForecastError.stageNeverCloses(stage: 2).description.contains("give stage 2"))
    }

    @Test("rows that do not sum to 1 are rejected with the stage and the sum")
    func badRows() {
        var rows = PipelineFixtures.probabilities
        rows[3][3] = 0.5
        #expect(throws: ForecastError.rowSum(stage: 4, sum: 0.9)) {
            try TransitionTable(period: .month, probabilities: Matrix(rows))
        }
        rows[3][3] = -0.1
        #expect(throws: ForecastError.self) { try TransitionTable(period: .month, probabilities: Matrix(rows)) }
    }
}
