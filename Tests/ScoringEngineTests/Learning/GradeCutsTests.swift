import Foundation
import ScoringTestSupport
import Testing

@testable import ScoringEngine

@Suite("Learned grade cuts: win rates fall from A to D")
struct GradeCutsTests {
    /// Accounts whose difficulty tracks their value (big accounts are hard) and whose chance
    /// of winning falls steeply with difficulty: under the fixture's cuts (40, 60 on both
    /// scores) grade C wins more often than B.
    static func accounts(count: Int, seed: UInt64) -> (value: [Double], difficulty: [Double], outcomes: [Double]) {
        var random = SeededRandom(seed: seed)
        var value: [Double] = []
        var difficulty: [Double] = []
        var outcomes: [Double] = []
        for _ in 0..<count {
            let v = 100 * random.nextDouble()
            let d = min(100, max(0, v + 20 * random.nextGaussian()))
            let logit = -1 + 0.02 * (v - 50) - 0.1 * (d - 50)
            value.append(v)
            difficulty.append(d)
            outcomes.append(random.nextDouble() < 1 / (1 + exp(-logit)) ? 1 : 0)
        }
        return (value, difficulty, outcomes)
    }

    func rates(_ grading: GradingPolicy, _ data: (value: [Double], difficulty: [Double], outcomes: [Double])) -> [Grade: (Double, Double)] {
        var result: [Grade: (Double, Double)] = [:]
        for row in data.value.indices {
            let grade = grading.grade(value: data.value[row], difficulty: data.difficulty[row], completeness: 1)
            result[grade, default: (0, 0)].0 += 1
            result[grade, default: (0, 0)].1 += data.outcomes[row]
        }
        return result
    }

    @Test("where the base cuts leave the grades out of order, the searched cuts order A > B > C > D, also on fresh accounts")
    func monotone() throws {
        let base = ModelFixtures.grading()
        let training = Self.accounts(count: 20_000, seed: 3)
        let baseRates = rates(base, training)
        let b = try #require(baseRates[.b])
        let c = try #require(baseRates[.c])
        // The premise: under the base cuts the letters are out of order.
        #expect(c.1 / c.0 > b.1 / b.0)
        let baseGrades = training.value.indices.map {
            base.grade(value: training.value[$0], difficulty: training.difficulty[$0], completeness: 1)
        }
        let searched = try #require(
            ModelLearner.monotoneGrading(
                base: base, valueScores: training.value, difficultyScores: training.difficulty, outcomes: training.outcomes,
                baseGrades: baseGrades, penalty: 3))
        #expect(searched.grid == base.grid)
        #expect(searched.valueBands.names == base.valueBands.names)
        #expect(searched.ranking.difficultyPenalty == 3)
        for data in [training, Self.accounts(count: 20_000, seed: 4)] {
            let found = rates(searched, data)
            let ordered = [Grade.a, .b, .c, .d].map { found[$0].map { $0.1 / $0.0 } ?? .nan }
            #expect(zip(ordered, ordered.dropFirst()).allSatisfy { $0 > $1 }, "win rates \(ordered)")
            // Every grade keeps at least 1% of the accounts.
            for grade in [Grade.a, .b, .c, .d] { #expect((found[grade]?.0 ?? 0) >= 200) }
        }
    }

    @Test("when no cuts can order the grades (outcomes unrelated to the scores), there is no result")
    func impossible() {
        let base = ModelFixtures.grading()
        let value = (0..<400).map { Double($0 % 100) }
        let difficulty = (0..<400).map { Double(($0 * 37) % 100) }
        // Every account won: every grade has the same win rate, which cannot fall strictly.
        let outcomes = [Double](repeating: 1, count: 400)
        let grades = value.indices.map { base.grade(value: value[$0], difficulty: difficulty[$0], completeness: 1) }
        #expect(
            ModelLearner.monotoneGrading(
                base: base, valueScores: value, difficultyScores: difficulty, outcomes: outcomes, baseGrades: grades, penalty: 1)
                == nil)
    }
}
