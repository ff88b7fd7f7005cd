import Foundation
import RealModule
import ScoringEngine
import ScoringTestSupport
import Testing

@Suite("Conversion model fit with stage offsets and censoring")
struct ConversionFitterTests {
    /// Snapshots drawn from the model itself: the outcome from the logistic link, the closing
    /// time from the chain given that outcome, and a follow-up of 1…36 periods that leaves
    /// late closers open.
    func observations(count: Int, intercept: Double, value: Double, difficulty: Double, seed: UInt64)
        throws -> (observations: [ConversionFitter.Observation], chain: AbsorbingChain)
    {
        let table = PipelineFixtures.table()
        let chain = try table.chain()
        let simulator = PipelineSimulator(table: table)
        var random = SeededRandom(seed: seed)
        var result: [ConversionFitter.Observation] = []
        for _ in 0..<count {
            let stage = 1 + Int(random.next() % 5)
            let scoreValue = 20 + 70 * random.nextDouble()
            let scoreDifficulty = 10 + 70 * random.nextDouble()
            let model = ConversionModel(
                scoringModel: "test", intercept: .init(estimate: intercept, standardError: 0),
                value: .init(estimate: value, standardError: 0), difficulty: .init(estimate: difficulty, standardError: 0))
            let p = model.probability(
                stageProbability: chain.absorptionProbabilities[stage - 1, 0], value: scoreValue, difficulty: scoreDifficulty)
            let won = random.nextDouble() < p
            // The closing time given the outcome: paths from the stage until one ends that way.
            var path: [PipelineState]
            repeat {
                path = simulator.path(from: stage, maximumPeriods: 10_000, using: &random)
            } while (path.last == .won) != won
            let followUp = 1 + Int(random.next() % 36)
            let outcome: ConversionFitter.Outcome = path.count <= followUp ? (won ? .won : .lost) : .open
            result.append(
                .init(
                    stage: stage, value: scoreValue, difficulty: scoreDifficulty, insufficientInformation: false,
                    outcome: outcome, periodsObserved: followUp))
        }
        return (result, chain)
    }

    @Test("known coefficients are recovered within 4 standard errors despite censoring")
    func recovery() throws {
        let (observations, chain) = try observations(count: 8000, intercept: -0.4, value: 0.7, difficulty: -0.5, seed: 31)
        #expect(observations.contains { $0.outcome == .open })
        let fitted = try ConversionFitter(penalty: 0).fit(observations, chain: chain, scoringModel: "test")
        #expect(abs(fitted.intercept.estimate + 0.4) <= 4 * fitted.intercept.standardError)
        #expect(abs(fitted.value.estimate - 0.7) <= 4 * fitted.value.standardError)
        #expect(abs(fitted.difficulty.estimate + 0.5) <= 4 * fitted.difficulty.standardError)
        #expect(fitted.value.standardError > 0 && fitted.value.standardError < 0.1)
        let summary = try #require(fitted.fitSummary)
        #expect(summary.used + summary.unresolved + summary.uninformative == 8000)
    }

    @Test("insufficient-information snapshots are left out and counted, not guessed")
    func insufficient() throws {
        var (observations, chain) = try observations(count: 600, intercept: 0, value: 0.5, difficulty: -0.5, seed: 4)
        observations = observations.enumerated().map { index, o in
            ConversionFitter.Observation(
                stage: o.stage, value: o.value, difficulty: o.difficulty, insufficientInformation: index % 10 == 0,
                outcome: o.outcome, periodsObserved: o.periodsObserved)
        }
        let fitted = try ConversionFitter().fit(observations, chain: chain, scoringModel: "test")
        #expect(fitted.fitSummary?.insufficientInformation == 60)
    }

    @Test("too few outcomes of one kind is an error that says how many there are")
    func tooFew() throws {
        let (observations, chain) = try observations(count: 30, intercept: 0, value: 0, difficulty: 0, seed: 2)
        #expect(throws: ForecastError.self) {
            try ConversionFitter(minimumPerOutcome: 50).fit(observations, chain: chain, scoringModel: "t")
        }
    }
}
