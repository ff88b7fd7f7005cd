import Foundation
import ScoringTestSupport
import Testing

@testable import ScoringEngine

/// Histories with a known pairwise interaction: `a` (value, base factor, U(0, 10)), `b`
/// (candidate, U(0, 10)), `colour` (categorical candidate), `effort` (difficulty, base
/// factor) and noise, with log-odds
/// −1 + 0.15 a − 0.03 effort + 0.5 [colour = red] + strength · s(a) · s(b), s(x) = ±1 as
/// x ≥ 5 or not. The planted term has no marginal effect: only a pair can learn it.
enum InteractionFixtures {
    static func sign(_ x: Double) -> Double { x >= 5 ? 1 : -1 }

    static func baseModel() -> ScoringModel {
        try! ScoringModel(
            name: "pairs",
            factors: [
                ModelFixtures.factor("a", .value, weight: 1, scale: .linear(min: 0, max: 10)),
                ModelFixtures.factor("effort", .difficulty, weight: 1, scale: .linear(min: 0, max: 50)),
            ],
            grading: ModelFixtures.grading())
    }

    static func history(count n: Int, seed: UInt64, strength: Double) -> (data: LearningData, truth: [Double]) {
        var random = SeededRandom(seed: seed)
        var a = [Double]()
        var b = [Double]()
        var effort = [Double]()
        var noise = [Double]()
        var colour = [String?]()
        var outcomes = [Double]()
        var truth = [Double]()
        let colours = ["red", "green", "blue"]
        for _ in 0..<n {
            let x = 10 * random.nextDouble()
            let y = 10 * random.nextDouble()
            let e = 50 * random.nextDouble()
            let c = colours[min(2, Int(3 * random.nextDouble()))]
            let eta = -1 + 0.15 * x - 0.03 * e + (c == "red" ? 0.5 : 0) + strength * sign(x) * sign(y)
            outcomes.append(random.nextDouble() < 1 / (1 + exp(-eta)) ? 1 : 0)
            a.append(x)
            b.append(y)
            effort.append(e)
            colour.append(c)
            noise.append(random.nextGaussian())
            truth.append(eta)
        }
        let model = baseModel()
        return (
            LearningData(
                columns: [
                    LearningColumn(name: "a", values: .numeric(a), factor: model.factors[0]),
                    LearningColumn(name: "effort", values: .numeric(effort), factor: model.factors[1]),
                    LearningColumn(name: "b", values: .numeric(b)),
                    LearningColumn(name: "colour", values: .categorical(CategoryLabels(colour))),
                    LearningColumn(name: "noise", values: .numeric(noise)),
                ],
                outcomes: outcomes),
            truth
        )
    }

    static func learn(strength: Double, seed: UInt64 = 11, interactions: Int = 10) throws -> LearnedModel {
        var options = ModelLearner.Options()
        options.candidates = .all
        options.maximumInteractions = interactions
        let learner = try ModelLearner(options: options)
        return try learner.learn(history(count: 20_000, seed: seed, strength: strength).data, baseModel: baseModel())
    }
}

private enum PlantedShared {
    static let planted = Result { try InteractionFixtures.learn(strength: 0.7) }
    static let additive = Result { try InteractionFixtures.learn(strength: 0) }
}

@Suite("Pairwise interactions")
struct InteractionTests {
    @Test("a planted interaction is learned as one table whose double difference is the truth's 4 × 0.7 = 2.8 within 0.5")
    func plantedInteractionIsRecovered() throws {
        let learned = try PlantedShared.planted.get()
        let pairs = learned.model.factors.filter { $0.scale.interaction != nil }
        let ab = try #require(
            pairs.first { factor in
                let table = factor.scale.interaction!
                return Set([table.first.factor, table.second.factor]) == ["a", "b"]
            }, "no a × b interaction among \(pairs.map(\.id))")
        let table = try #require(ab.scale.interaction)
        #expect(table.first.factor == "a" || table.first.factor == "b")
        // The cells wholly below or above 5 on each axis.
        func sides(_ axis: Interaction.Axis) -> (low: [Int], high: [Int]) {
            let edges = axis.edges
            let low = (0..<axis.presentGroups).filter { $0 < edges.count && edges[$0] <= 5 }
            let high = (0..<axis.presentGroups).filter { $0 >= 1 && edges[$0 - 1] >= 5 }
            return (low, high)
        }
        let first = sides(table.first)
        let second = sides(table.second)
        try #require(!first.low.isEmpty && !first.high.isEmpty && !second.low.isEmpty && !second.high.isEmpty)
        func mean(_ rows: [Int], _ columns: [Int]) -> Double {
            var total = 0.0
            for i in rows { for j in columns { total += table.utilities[i][j] } }
            return total / Double(rows.count * columns.count)
        }
        let scale = learned.valueCoefficientSum * ab.weight  // log-odds per unit of utility
        let doubleDifference =
            scale
            * (mean(first.high, second.high) - mean(first.high, second.low) - mean(first.low, second.high) + mean(first.low, second.low))
        #expect(abs(doubleDifference - 2.8) <= 0.5, "double difference \(doubleDifference)")
        // Only the planted pair is worth a table.
        #expect(pairs.count <= 2, "\(pairs.map(\.id))")
    }

    @Test("the interaction lifts held-out AUC to within 0.005 of the true log-odds' AUC")
    func plantedInteractionAUC() throws {
        let learned = try PlantedShared.planted.get()
        let fresh = InteractionFixtures.history(count: 20_000, seed: 99, strength: 0.7)
        let evaluation = try ModelLearner.evaluate(model: learned.model, on: fresh.data)
        let ceiling = try #require(BinaryOutcomeMetrics.areaUnderROC(scores: fresh.truth, outcomes: fresh.data.outcomes))
        let auc = try #require(evaluation.metrics.areaUnderROC)
        #expect(auc >= ceiling - 0.005, "AUC \(auc) against the truth's \(ceiling)")
    }

    @Test("without a planted interaction no table is learned")
    func noInteractionWithoutOne() throws {
        let learned = try PlantedShared.additive.get()
        let pairs = learned.model.factors.filter { $0.scale.interaction != nil }
        #expect(pairs.isEmpty, "learned \(pairs.map(\.id))")
    }

    @Test("the comparison shows the learned model with and without its interactions; with the planted one, with wins")
    func comparisonWithAndWithoutInteractions() throws {
        let planted = try PlantedShared.planted.get().comparison
        #expect(planted.written == .learnedWithInteractions)
        let with = try #require(planted.entry(.learnedWithInteractions))
        let without = try #require(planted.entry(.learned))
        // The truth's a × b effect (2.8 in log-odds between the corners) is invisible to the
        // additive curves: the paired fold difference is many standard errors.
        let difference = try #require(planted.difference(.learned, .learnedWithInteractions))
        #expect(difference.mean > 4 * difference.standardError && difference.mean > 0.005, "\(difference)")
        #expect(with.logLoss < without.logLoss)
        #expect(planted.best?.candidate == .learnedWithInteractions)
        // Without a planted interaction no table is learned, and the learned model is one row.
        let additive = try PlantedShared.additive.get().comparison
        #expect(additive.written == .learned && additive.entry(.learnedWithInteractions) == nil)
        #expect(additive.entries.map(\.candidate) == [.baseModel, .weightsOnly, .learned])
    }

    @Test("pairs that the same curves without them beat on the folds are left out: learned again without, and said")
    func interactionsThatDoNotPayAreLeftOut() throws {
        let planted = try PlantedShared.planted.get()
        try #require(planted.comparison.written == .learnedWithInteractions)
        let history = InteractionFixtures.history(count: 20_000, seed: 11, strength: 0.7)
        var options = ModelLearner.Options()
        options.candidates = .all
        let learner = try ModelLearner(options: options)
        // As learned (with beats without): kept as it is.
        let kept = try learner.withoutInteractionsWhenBetter(planted, data: history.data, baseModel: InteractionFixtures.baseModel())
        #expect(kept.model == planted.model && kept.notes == planted.notes)
        // A comparison in which the curves without the pairs do better (the truth's
        // probabilities for "without", the base rate for "with"): learned again without them.
        let outcomes = history.data.outcomes
        let rate = outcomes.reduce(0, +) / Double(outcomes.count)
        var doctored = planted
        doctored.comparison = ModelComparison(
            probabilities: [
                (.learned, history.truth.map { 1 / (1 + exp(-$0)) }),
                (.learnedWithInteractions, [Double](repeating: rate, count: outcomes.count)),
            ],
            outcomes: outcomes, assignment: (0..<outcomes.count).map { $0 % 5 }, folds: 5)
        let plain = try learner.withoutInteractionsWhenBetter(doctored, data: history.data, baseModel: InteractionFixtures.baseModel())
        #expect(!plain.model.factors.contains { $0.scale.interaction != nil })
        #expect(plain.comparison.written == .learned && plain.comparison.entry(.learnedWithInteractions) == nil)
        let note = try #require(plain.notes.first { $0.hasPrefix("Pairwise interactions found (") }, "\(plain.notes)")
        #expect(note.contains("were left out") && note.contains(" × "), "\(note)")
    }

    @Test("interactions off (0) learns none even when one is planted")
    func interactionsOff() throws {
        let learned = try InteractionFixtures.learn(strength: 0.7, interactions: 0)
        #expect(!learned.model.factors.contains { $0.scale.interaction != nil })
    }
}

@Suite("Interaction scale")
struct InteractionScaleTests {
    static func model() throws -> ScoringModel {
        let colour = Factor(
            id: "colour", label: LocalizedLabel(en: "colour", zh: "colour"), column: "colour", side: .value, weight: 1,
            scale: .categorical(
                map: [Scale.Category(label: "red", utility: 1), Scale.Category(label: "blue", utility: 0.2)],
                other: Scale.Category(label: Scale.otherLabel, utility: 0.5)))
        let table = Interaction(
            first: Interaction.Axis(factor: "a", edges: [3, 6]),
            second: Interaction.Axis(factor: "colour", labels: ["red", "blue", "other"]),
            utilities: [[0, 0.1, 0.2, 0.3], [0.4, 0.5, 0.6, 0.7], [0.8, 0.9, 1, 0.25], [0.05, 0.15, 0.35, 0.45]])
        return try ScoringModel(
            name: "pair",
            factors: [
                ModelFixtures.factor("a", .value, weight: 1, scale: .linear(min: 0, max: 10)),
                colour,
                ModelFixtures.factor("effort", .difficulty, weight: 1, scale: .linear(min: 0, max: 50)),
                Factor(
                    id: "a_x_colour", label: LocalizedLabel(en: "a × colour", zh: "a × colour"), column: "a", side: .value,
                    weight: 0.5, scale: .interaction(table)),
            ],
            grading: ModelFixtures.grading())
    }

    @Test("a cell's utility is the table's: edges close below, categories by code, missing last")
    func lookup() throws {
        let table = try #require(try Self.model().factors[3].scale.interaction)
        #expect(table.utility(first: 2.9, second: 0) == 0)
        #expect(table.utility(first: 3, second: 1) == 0.5)
        #expect(table.utility(first: 6, second: 2) == 1)
        #expect(table.utility(first: 100, second: .nan) == 0.25)
        #expect(table.utility(first: .nan, second: 1) == 0.15)
    }

    @Test("in memory and streaming panels give the same bits, and contributions sum to the score")
    func pathsAgree() throws {
        let model = try Self.model()
        let a: [Double] = [1, 4, 7, .nan, 9.5, 3]
        let colour: [Int32] = [0, 1, 2, 0, -1, 2]
        let effort: [Double] = [10, 20, .nan, 40, 5, 0]
        let batch = ProspectBatch(
            accounts: a.indices.map { Account(id: "k\($0)") },
            factorColumns: [.numeric(a), .categorical(colour), .numeric(effort), .numeric(a)])
        let built = UtilityBuilder(model: model).build(batch)
        let table = UtilityTable(model: model, statistics: built.statistics)
        var panel: [Double] = []
        for row in a.indices {
            panel += [a[row], colour[row] < 0 ? .nan : Double(colour[row]), effort[row], a[row]]
        }
        let fill = model.factors.map { UtilityBuilder(model: model).missingUtility(factor: $0, meanUtility: 0.5) }
        table.convertToUtilities(&panel, rows: a.count, missingFill: fill)
        for row in a.indices {
            for factor in 0..<4 {
                #expect(panel[row * 4 + factor].bitPattern == built.matrix[row, factor].bitPattern, "row \(row) factor \(factor)")
            }
        }
        let assessment = ScoringPipeline(model: model).assess(batch)
        for row in a.indices {
            let explanation = assessment.explanation(of: row)
            let value = explanation.contributions.filter { $0.side == .value }.reduce(0) { $0 + $1.points }
            #expect(abs(value - assessment.value(row)) <= 1e-9)
        }
        // The interaction adds nothing to completeness: a row with every parent present is complete.
        #expect(abs(built.completeness[0] - 1) <= 1e-12)
    }

    @Test("an interaction whose categories differ from its parent's is refused, naming the fix")
    func validation() throws {
        let good = try Self.model()
        var factors = good.factors
        let table = try #require(factors[3].scale.interaction)
        factors[3] = Factor(
            id: "a_x_colour", label: factors[3].label, column: "a", side: .value, weight: 0.5,
            scale: .interaction(
                Interaction(
                    first: table.first, second: Interaction.Axis(factor: "colour", labels: ["blue", "red", "other"]),
                    utilities: table.utilities)))
        #expect(throws: ModelError.self) { try good.replacing(factors: factors) }
        factors[3] = Factor(
            id: "a_x_colour", label: factors[3].label, column: "colour", side: .value, weight: 0.5, scale: .interaction(table))
        #expect(throws: ModelError.self) { try good.replacing(factors: factors) }
    }
}
