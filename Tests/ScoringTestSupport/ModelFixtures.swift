import ScoringEngine

/// Small models and batches for engine tests, built from literals.
public enum ModelFixtures {
    /// A grading policy with bands low < 40 ≤ medium < 60 ≤ high on both scores and the
    /// default model's grid.
    public static func grading(
        minimumCompleteness: Double = 0.5, gradeFirst: Bool = true, key: RankingPolicy.Key = .priority
    ) -> GradingPolicy {
        let bands = try! Bands(names: ["low", "medium", "high"], cuts: [40, 60])
        return try! GradingPolicy(
            valueBands: bands, difficultyBands: bands,
            grid: [[.c, .d, .d], [.b, .c, .c], [.a, .a, .b]],
            minimumCompleteness: minimumCompleteness,
            ranking: try! RankingPolicy(key: key, gradeFirst: gradeFirst, difficultyPenalty: 0.5))
    }

    /// A numeric factor with a linear scale.
    public static func factor(
        _ id: String, _ side: Factor.Side, weight: Double, scale: Scale = .linear(min: 0, max: 10),
        direction: Factor.Direction = .increasing, missing: MissingPolicy = .neutral
    ) -> Factor {
        Factor(
            id: id, label: LocalizedLabel(en: id, zh: id), column: id, side: side, weight: weight,
            direction: direction, scale: scale, missing: missing)
    }

    /// A random model: 2...maxFactors factors with every scale kind, missing policy
    /// (except `required`) and direction, both sides present, and `scenarios` weight scenarios.
    public static func randomModel(
        using random: inout SeededRandom, maxFactors: Int = 14, scenarios: Int = 2
    ) -> ScoringModel {
        let count = 2 + Int(random.next() % UInt64(maxFactors - 1))
        var factors: [Factor] = []
        for index in 0..<count {
            let side: Factor.Side = index == 0 ? .value : index == 1 ? .difficulty : (random.nextDouble() < 0.5 ? .value : .difficulty)
            let scale: Scale
            switch random.next() % 7 {
            case 0: scale = .linear(min: -5 + random.nextDouble(), max: 5 + 10 * random.nextDouble())
            case 1: scale = .log(min: 0, max: 100 + 1000 * random.nextDouble(), offset: 1 + random.nextDouble())
            case 2:
                scale = .piecewise(points: [
                    .init(x: -3, utility: random.nextDouble()), .init(x: 2, utility: random.nextDouble()),
                    .init(x: 8, utility: random.nextDouble()),
                ])
            case 3:
                scale = .categorical(map: ["a", "b", "c", "d"].map { .init(label: $0, utility: random.nextDouble()) })
            case 4: scale = .minMax
            case 5:
                scale = .binned(bins: [
                    .init(upper: -1, utility: random.nextDouble()), .init(upper: 0.5, utility: random.nextDouble()),
                    .init(upper: 4, utility: random.nextDouble()), .init(upper: nil, utility: random.nextDouble()),
                ])
            default: scale = .zScore(clip: 1 + 2 * random.nextDouble())
            }
            let policies: [MissingPolicy] = [.worst, .neutral, .mean, .fixed(utility: random.nextDouble(), evidence: nil)]
            factors.append(
                Factor(
                    id: "f\(index)", label: LocalizedLabel(en: "f\(index)", zh: "因素\(index)"), column: "f\(index)",
                    side: side, weight: 0.05 + random.nextDouble(),
                    direction: random.nextDouble() < 0.5 ? .increasing : .decreasing, scale: scale,
                    missing: policies[Int(random.next() % 4)]))
        }
        let scenarioList = (0..<scenarios).map { number in
            WeightScenario(
                name: "s\(number)",
                weights: Dictionary(
                    uniqueKeysWithValues: factors.filter { _ in random.nextDouble() < 0.6 }.map { ($0.id, random.nextDouble()) }))
        }
        return try! ScoringModel(name: "random", factors: factors, grading: grading(), scenarios: scenarioList)
    }

    /// A random batch for a model: numeric values spread around each scale, category codes,
    /// and about `missingRate` of the entries missing.
    public static func randomBatch(
        for model: ScoringModel, accounts: Int, missingRate: Double = 0.1, using random: inout SeededRandom
    ) -> ProspectBatch {
        let columns: [FactorColumn] = model.factors.map { factor in
            if case .categorical(let map, _) = factor.scale {
                return .categorical(
                    (0..<accounts).map { _ in
                        random.nextDouble() < missingRate ? -1 : Int32(random.next() % UInt64(map.count))
                    })
            }
            return .numeric(
                (0..<accounts).map { _ in
                    random.nextDouble() < missingRate ? .nan : -10 + 1200 * random.nextDouble() * random.nextDouble() * random.nextDouble()
                })
        }
        let accountList = (0..<accounts).map { Account(id: "K-" + String($0), line: $0 + 2) }
        return ProspectBatch(accounts: accountList, factorColumns: columns)
    }
}
