import Foundation
import ScoringEngine
import ScoringTestSupport

/// Histories generated from known per-column log-odds effects, for the learner's tests.
enum LearningFixtures {
    /// The true step effect of `budget`: −1 below 10, +0.5 for 10 ≤ x < 30, +1.2 from 30.
    static func budgetEffect(_ x: Double) -> Double { x < 10 ? -1 : x < 30 ? 0.5 : 1.2 }
    /// The true effect of `delay` (a difficulty factor): −0.03 per day; missing: −0.6.
    static func delayEffect(_ x: Double) -> Double { x.isNaN ? -0.6 : -0.03 * x }
    /// A non-monotone step effect of the candidate `region_score`: 0, +1, −0.5 at 10 and 30.
    static func regionEffect(_ x: Double) -> Double { x < 10 ? 0 : x < 30 ? 1 : -0.5 }
    /// Category effects of the candidate `industry` (R is rare).
    static let industryEffects: [String: Double] = ["Alpha": 0.6, "Beta": 0, "Gamma": -0.6, "Rare": 2.5]
    static let intercept = -0.3

    /// The base model: `budget` (value, linear 0…50) and `delay` (difficulty, linear 0…60).
    static func baseModel() -> ScoringModel {
        try! ScoringModel(
            name: "base",
            factors: [
                ModelFixtures.factor("budget", .value, weight: 0.6, scale: .linear(min: 0, max: 50)),
                ModelFixtures.factor("delay", .difficulty, weight: 1, scale: .linear(min: 0, max: 60)),
            ],
            grading: ModelFixtures.grading())
    }

    struct History {
        var data: LearningData
        /// The true log-odds of every row.
        var truth: [Double]
    }

    /// `n` accounts: budget ~ U(0, 50), delay ~ U(0, 60) (10% missing), region_score ~ U(0, 50),
    /// industry (Rare on exactly 5 rows), noise ~ N(0, 1), and optionally a leak column equal to
    /// the outcome except on 2% of rows.
    static func history(count n: Int, seed: UInt64, leak: Bool = false, candidates: Bool = true) -> History {
        var random = SeededRandom(seed: seed)
        var budget = [Double]()
        var delay = [Double]()
        var region = [Double]()
        var noise = [Double]()
        var industry = [String?]()
        var truth = [Double]()
        var outcomes = [Double]()
        let labels = ["Alpha", "Beta", "Gamma"]
        for row in 0..<n {
            let b = 50 * random.nextDouble()
            let d = random.nextDouble() < 0.1 ? Double.nan : 60 * random.nextDouble()
            let r = 50 * random.nextDouble()
            let label = row % (n / 5) == 7 ? "Rare" : labels[Int(random.next() % 3)]
            var eta = intercept + budgetEffect(b) + delayEffect(d)
            if candidates { eta += regionEffect(r) + (industryEffects[label] ?? 0) }
            let won = random.nextDouble() < 1 / (1 + exp(-eta)) ? 1.0 : 0.0
            budget.append(b)
            delay.append(d)
            region.append(r)
            noise.append(random.nextGaussian())
            industry.append(label)
            truth.append(eta)
            outcomes.append(won)
        }
        let model = baseModel()
        var columns = [
            LearningColumn(name: "budget", values: .numeric(budget), factor: model.factors[0]),
            LearningColumn(name: "delay", values: .numeric(delay), factor: model.factors[1]),
            LearningColumn(name: "region_score", values: .numeric(region)),
            LearningColumn(name: "industry", values: .categorical(CategoryLabels(industry))),
            LearningColumn(name: "noise", values: .numeric(noise)),
        ]
        if leak {
            var leakValues = [String?]()
            for won in outcomes {
                let flip = random.nextDouble() < 0.02
                leakValues.append((won == 1) != flip ? "contract_signed" : "closed_no_deal")
            }
            columns.append(LearningColumn(name: "followup_status", values: .categorical(CategoryLabels(leakValues))))
        }
        return History(data: LearningData(columns: columns, outcomes: outcomes), truth: truth)
    }
}
