import Foundation
import LinearAlgebra
import RealModule
import ScoringEngine
import ScoringTestSupport
import Testing

/// SMAA against a brute-force loop: one draw at a time, plain loops, a full sort per draw.
@Suite("Sensitivity (SMAA-2) against a brute-force loop")
struct SensitivityAnalysisTests {
    /// A model of `factors` linear factors (0...10) and a batch of `accounts` accounts with
    /// continuous values (no clamping, so no two accounts share a utility row), a few missing.
    static func fixture(accounts: Int, factors: Int, seed: UInt64, gradeFirst: Bool = true) -> (ScoringModel, BatchAssessment) {
        var random = SeededRandom(seed: seed)
        let list = (0..<factors).map { index in
            ModelFixtures.factor(
                "f\(index)", index % 3 == 2 ? .difficulty : (index == 1 ? .difficulty : .value), weight: 0.2 + random.nextDouble(),
                direction: index % 4 == 3 ? .decreasing : .increasing)
        }
        let model = try! ScoringModel(
            name: "t", factors: list, grading: ModelFixtures.grading(minimumCompleteness: 0.8, gradeFirst: gradeFirst))
        let columns: [FactorColumn] = list.map { _ in
            .numeric((0..<accounts).map { _ in random.nextDouble() < 0.04 ? .nan : 0.1 + 9.8 * random.nextDouble() })
        }
        let batch = ProspectBatch(
            accounts: (0..<accounts).map { Account(id: String(format: "A%05d", ($0 * 7919) % 100_003)) },
            factorColumns: columns)
        return (model, try! ScoringPipeline(model: model).assess(batch))
    }

    struct Reference {
        var gradeCounts: [[Int]]
        var topCounts: [Int]
        var rankSums: [Double]
        var ranks: [[Int]]
        var centralSums: [[Double]]
    }

    /// The brute force: for each draw, scores by plain loops, grades, a full sort.
    static func bruteForce(model: ScoringModel, assessment: BatchAssessment, draws: [Double], samples: Int, top: Int) -> Reference {
        let n = assessment.count
        let f = model.factors.count
        let u = assessment.utilities.matrix
        var reference = Reference(
            gradeCounts: Array(repeating: Array(repeating: 0, count: 5), count: n), topCounts: Array(repeating: 0, count: n),
            rankSums: Array(repeating: 0, count: n), ranks: Array(repeating: [], count: n),
            centralSums: Array(repeating: Array(repeating: 0, count: f), count: n))
        let grading = model.grading
        for m in 0..<samples {
            let w = Array(draws[(m * f)..<((m + 1) * f)])
            var grades: [Grade] = []
            var keys: [Double] = []
            for i in 0..<n {
                var value = 0.0
                var difficulty = 0.0
                for k in 0..<f {
                    if model.factors[k].side == .value { value += u[i, k] * (100 * w[k]) } else { difficulty += u[i, k] * (100 * w[k]) }
                }
                grades.append(grading.grade(value: value, difficulty: difficulty, completeness: assessment.completeness(i)))
                keys.append(grading.ranking.key(value: value, difficulty: difficulty))
            }
            let order = (0..<n).sorted { a, b in
                if grading.ranking.gradeFirst, grades[a] != grades[b] { return grades[a] < grades[b] }
                if keys[a] != keys[b] { return keys[a] > keys[b] }
                return assessment.accounts[a].id < assessment.accounts[b].id
            }
            for (position, i) in order.enumerated() {
                let rank = position + 1
                reference.gradeCounts[i][grades[i].order] += 1
                reference.rankSums[i] += Double(rank)
                reference.ranks[i].append(rank)
                if rank <= top {
                    reference.topCounts[i] += 1
                    for k in 0..<f { reference.centralSums[i][k] += w[k] }
                }
            }
        }
        return reference
    }

    /// Nearest-rank quantile: the ⌈q·M⌉-th smallest.
    static func quantile(_ values: [Int], _ q: Double) -> Int {
        let sorted = values.sorted()
        return sorted[max(1, Int((q * Double(values.count)).rounded(.up))) - 1]
    }

    static func expectMatches(
        _ result: SensitivityResult, _ reference: Reference, samples: Int, exactQuantiles: Bool
    ) {
        for i in 0..<result.count {
            for grade in Grade.allCases {
                #expect(
                    result.probability(of: grade, row: i).isApproximatelyEqual(
                        to: Double(reference.gradeCounts[i][grade.order]) / Double(samples), absoluteTolerance: 1e-12, relativeTolerance: 0)
                )
            }
            #expect(
                result.topProbability[i].isApproximatelyEqual(
                    to: Double(reference.topCounts[i]) / Double(samples), absoluteTolerance: 1e-12, relativeTolerance: 0))
            #expect(
                result.meanRank[i].isApproximatelyEqual(
                    to: reference.rankSums[i] / Double(samples), absoluteTolerance: 1e-9, relativeTolerance: 1e-12))
            let expected = [0.05, 0.5, 0.95].map { quantile(reference.ranks[i], $0) }
            let actual = [result.lowRank[i], result.medianRank[i], result.highRank[i]]
            if exactQuantiles {
                #expect(actual == expected, "account \(i): quantiles \(actual) vs brute force \(expected)")
            } else {
                for (a, e) in zip(actual, expected) {
                    if e <= result.exactRankLimit {
                        #expect(a == e, "account \(i): \(a) vs \(e) below the exact limit")
                    } else {
                        #expect(abs(a - e) <= result.rankResolution, "account \(i): \(a) vs \(e), resolution \(result.rankResolution)")
                    }
                }
            }
            if reference.topCounts[i] > 0 {
                let central = try! #require(result.centralWeights[i])
                let expectedCentral = reference.centralSums[i].map { $0 / Double(reference.topCounts[i]) }
                #expect(central.isApproximatelyEqual(to: expectedCentral, absoluteTolerance: 1e-12, relativeTolerance: 1e-12))
            } else {
                #expect(result.centralWeights[i] == nil)
            }
        }
    }

    @Test("uniform draws, blocks of 7 draws, 3 threads: equal to the brute force for the same seed")
    func uniformBlocks() throws {
        let (model, assessment) = Self.fixture(accounts: 300, factors: 7, seed: 1)
        let analysis = try SensitivityAnalysis(
            samples: 250, sampler: try WeightSampler(distribution: .uniform), topCount: 10, seed: 42, threads: 3,
            maximumBlockDraws: 7)
        let result = analysis.run(assessment)
        #expect(result.timings.passes == 1)
        #expect(result.rankResolution == 1)
        let reference = Self.bruteForce(model: model, assessment: assessment, draws: analysis.draws(for: model), samples: 250, top: 10)
        Self.expectMatches(result, reference, samples: 250, exactQuantiles: true)
        // Some accounts really move: not every probability is 0 or 1.
        #expect((0..<result.count).contains { (0.05...0.95).contains(result.probability(of: .a, row: $0)) })
    }

    @Test("Dirichlet draws, ranking by key alone, one thread: equal to the brute force")
    func dirichletNoGradeFirst() throws {
        let (model, assessment) = Self.fixture(accounts: 150, factors: 9, seed: 2, gradeFirst: false)
        let analysis = try SensitivityAnalysis(
            samples: 120, sampler: try WeightSampler(distribution: .dirichlet(concentration: 30)), topCount: 25, seed: 7,
            threads: 1, maximumBlockDraws: 50)
        let result = analysis.run(assessment)
        let reference = Self.bruteForce(model: model, assessment: assessment, draws: analysis.draws(for: model), samples: 120, top: 25)
        Self.expectMatches(result, reference, samples: 120, exactQuantiles: true)
    }

    @Test("when the ranks do not fit the budget, rank histograms with one bin per rank still give exact quantiles")
    func histogramsExact() throws {
        let (model, assessment) = Self.fixture(accounts: 200, factors: 6, seed: 3)
        // 200 × 700 × 4 bytes > 512 KiB (half of 1 MiB): histograms; 1310 bins ≥ 200 ranks.
        let analysis = try SensitivityAnalysis(
            samples: 700, sampler: try WeightSampler(distribution: .uniform), topCount: 5, seed: 11,
            memoryBudget: 1 << 20, threads: 2)
        let result = analysis.run(assessment)
        #expect(result.timings.passes == 1)
        #expect(result.rankResolution == 1)
        #expect(result.exactRankLimit == 200)
        let reference = Self.bruteForce(model: model, assessment: assessment, draws: analysis.draws(for: model), samples: 700, top: 5)
        Self.expectMatches(result, reference, samples: 700, exactQuantiles: true)
    }

    @Test("with fewer bins than ranks: exact up to the exact limit, else within the reported resolution")
    func histogramsBinned() throws {
        let (model, assessment) = Self.fixture(accounts: 2000, factors: 5, seed: 4)
        let analysis = try SensitivityAnalysis(
            samples: 80, sampler: try WeightSampler(distribution: .uniform), topCount: 50, seed: 5,
            memoryBudget: 1 << 20, threads: 2)
        let result = analysis.run(assessment)
        #expect(result.rankResolution > 1)
        #expect(result.exactRankLimit == 65)
        #expect(result.relativeRankResolution > 0 && result.relativeRankResolution < 0.1)
        let reference = Self.bruteForce(model: model, assessment: assessment, draws: analysis.draws(for: model), samples: 80, top: 50)
        Self.expectMatches(result, reference, samples: 80, exactQuantiles: false)
    }

    @Test("the result does not depend on the number of threads or the block size")
    func threadIndependence() throws {
        let (_, assessment) = Self.fixture(accounts: 700, factors: 8, seed: 6)
        let sampler = try WeightSampler(distribution: .dirichlet(concentration: 10))
        let one = try SensitivityAnalysis(samples: 60, sampler: sampler, seed: 9, threads: 1, maximumBlockDraws: 60).run(assessment)
        let many = try SensitivityAnalysis(samples: 60, sampler: sampler, seed: 9, threads: 4, maximumBlockDraws: 13).run(assessment)
        #expect(one.gradeProbabilities == many.gradeProbabilities)
        #expect(one.medianRank == many.medianRank && one.lowRank == many.lowRank && one.highRank == many.highRank)
        #expect(one.topProbability == many.topProbability)
    }

    @Test("base ranks are rankedRows' and a huge concentration reproduces the base grades")
    func concentratedDraws() throws {
        let (_, assessment) = Self.fixture(accounts: 120, factors: 6, seed: 8)
        let result = try SensitivityAnalysis(
            samples: 40, sampler: try WeightSampler(distribution: .dirichlet(concentration: 1e9)), topCount: 10, seed: 3
        ).run(assessment)
        for (position, row) in assessment.rankedRows().enumerated() {
            #expect(result.baseRanks[row] == position + 1)
            #expect(result.probability(of: assessment.grades[row], row: row) == 1)
            #expect(result.medianRank[row] == position + 1)
        }
        for row in 0..<result.count where assessment.grades[row] == .a { #expect(result.isStableA(row) == true) }
    }

    @Test("invalid settings are typed errors")
    func settings() throws {
        #expect(throws: SensitivityError.self) { try WeightSampler(distribution: .dirichlet(concentration: 0)) }
        let sampler = try WeightSampler(distribution: .uniform)
        #expect(throws: SensitivityError.self) { try SensitivityAnalysis(samples: 0, sampler: sampler) }
        #expect(throws: SensitivityError.self) { try SensitivityAnalysis(sampler: sampler, topCount: 0) }
        #expect(throws: SensitivityError.self) { try SensitivityAnalysis(sampler: sampler, memoryBudget: 1000) }
    }
}

@Suite("Weight draws")
struct WeightSamplerTests {
    static let model = try! ScoringModel(
        name: "w",
        factors: [
            ModelFixtures.factor("a", .value, weight: 0.5), ModelFixtures.factor("b", .value, weight: 0.3),
            ModelFixtures.factor("c", .value, weight: 0.2), ModelFixtures.factor("d", .difficulty, weight: 0.7),
            ModelFixtures.factor("e", .difficulty, weight: 0.3), ModelFixtures.factor("z", .difficulty, weight: 0),
        ],
        grading: ModelFixtures.grading())

    @Test("Dirichlet(C·w): each side sums to 1, mean w, variance w(1 − w)/(C + 1), zero weights stay zero")
    func dirichletMoments() throws {
        let count = 20_000
        let concentration = 20.0
        let draws = try WeightSampler(distribution: .dirichlet(concentration: concentration)).draws(
            count: count, model: Self.model, seed: 4)
        let weights = Self.model.factors.map(\.weight)
        for k in 0..<6 {
            let values = (0..<count).map { draws[$0 * 6 + k] }
            let mean = values.reduce(0, +) / Double(count)
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(count - 1)
            let expectedVariance = weights[k] * (1 - weights[k]) / (concentration + 1)
            // Mean within 5 standard errors; variance within 10%.
            #expect(abs(mean - weights[k]) <= 5 * (expectedVariance / Double(count)).squareRoot() + 1e-15)
            if weights[k] > 0 {
                #expect(variance.isApproximatelyEqual(to: expectedVariance, absoluteTolerance: 0, relativeTolerance: 0.1))
            } else {
                #expect(values.allSatisfy { $0 == 0 })
            }
        }
        for m in 0..<count {
            #expect(
                (draws[m * 6] + draws[m * 6 + 1] + draws[m * 6 + 2]).isApproximatelyEqual(
                    to: 1, absoluteTolerance: 1e-12, relativeTolerance: 0))
            #expect(
                (draws[m * 6 + 3] + draws[m * 6 + 4] + draws[m * 6 + 5]).isApproximatelyEqual(
                    to: 1, absoluteTolerance: 1e-12, relativeTolerance: 0))
        }
    }

    @Test("uniform on the simplex: mean 1/k, P(w₁ > 1/2) = (1/2)^(k−1) for k = 3")
    func uniformSimplex() throws {
        let count = 40_000
        let draws = try WeightSampler(distribution: .uniform).draws(count: count, model: Self.model, seed: 8)
        let first = (0..<count).map { draws[$0 * 6] }
        let mean = first.reduce(0, +) / Double(count)
        #expect(abs(mean - 1.0 / 3) < 0.005)
        let share = Double(first.filter { $0 > 0.5 }.count) / Double(count)
        #expect(abs(share - 0.25) < 0.01)
        // The zero-weight difficulty factor still varies under uniform draws.
        #expect((0..<count).contains { draws[$0 * 6 + 5] > 0.5 })
    }

    @Test("the same seed gives the same draws; another seed, others")
    func deterministic() throws {
        let sampler = try WeightSampler(distribution: .dirichlet(concentration: 0.5))
        #expect(sampler.draws(count: 50, model: Self.model, seed: 1) == sampler.draws(count: 50, model: Self.model, seed: 1))
        #expect(sampler.draws(count: 50, model: Self.model, seed: 1) != sampler.draws(count: 50, model: Self.model, seed: 2))
    }
}

@Suite("Per-factor weight intervals keeping the A set")
struct FactorWeightIntervalTests {
    /// The A set with factor j's weight set to t and the rest of its side rescaled, by plain loops.
    static func aSet(_ assessment: BatchAssessment, factor j: Int, weight t: Double) -> Set<Int> {
        let model = assessment.model
        let base = model.factors.map(\.weight)
        let side = model.factors[j].side
        var weights = base
        for k in weights.indices where model.factors[k].side == side {
            weights[k] = k == j ? t : base[k] * (1 - t) / (1 - base[j])
        }
        var result = Set<Int>()
        for i in 0..<assessment.count {
            var value = 0.0
            var difficulty = 0.0
            for k in weights.indices {
                let contribution = 100 * weights[k] * assessment.utilities.matrix[i, k]
                if model.factors[k].side == .value { value += contribution } else { difficulty += contribution }
            }
            if model.grading.grade(value: value, difficulty: difficulty, completeness: assessment.completeness(i)) == .a {
                result.insert(i)
            }
        }
        return result
    }

    @Test("inside the interval the A set is the model's; just outside an end it changes as reported")
    func bruteForceScan() throws {
        let (_, assessment) = SensitivityAnalysisTests.fixture(accounts: 400, factors: 7, seed: 12)
        let base = Set((0..<assessment.count).filter { assessment.grades[$0] == .a })
        #expect(!base.isEmpty)
        for interval in FactorWeightInterval.intervals(for: assessment) {
            #expect(interval.lower <= interval.weight && interval.weight <= interval.upper)
            for step in 1..<20 {
                let t = interval.lower + (interval.upper - interval.lower) * Double(step) / 20
                #expect(Self.aSet(assessment, factor: interval.factorIndex, weight: t) == base, "factor \(interval.factorIndex) at \(t)")
            }
            if interval.upper < 1, let account = interval.upperAccount {
                let beyond = Self.aSet(assessment, factor: interval.factorIndex, weight: min(1, interval.upper + 1e-9))
                #expect(beyond.contains(account) == (interval.upperAccountBecomesA ?? false))
                #expect(beyond != base)
            }
            if interval.lower > 0, let account = interval.lowerAccount {
                let beyond = Self.aSet(assessment, factor: interval.factorIndex, weight: max(0, interval.lower - 1e-9))
                #expect(beyond.contains(account) == (interval.lowerAccountBecomesA ?? false))
                #expect(beyond != base)
            }
        }
    }
}
