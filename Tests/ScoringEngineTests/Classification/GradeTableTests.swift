import ScoringTestSupport
import Testing

@testable import ScoringEngine

/// ``GradeTable`` (the panel form of grading, used by SMAA and the in-memory pipeline) against
/// the definition, ``GradingPolicy/grade(value:difficulty:completeness:)`` and
/// ``RankingPolicy/key(value:difficulty:)``, account by account.
@Suite("Grade table: the panel loops equal the grading policy")
struct GradeTableTests {
    /// Scores on, just below and just above every cut, the ends of 0…100, NaN, and random
    /// scores, each with completeness at, below and above the minimum.
    static func edgeScores(_ cuts: [Double], random: inout SeededRandom) -> [Double] {
        var scores: [Double] = [0, 100, -0.0, .nan, 0.0.nextUp, 100.0.nextDown]
        for cut in cuts { scores += [cut, cut.nextDown, cut.nextUp] }
        for _ in 0..<200 { scores.append(random.nextDouble() * 100) }
        return scores
    }

    static func policies() throws -> [GradingPolicy] {
        let three = try Bands(names: ["low", "medium", "high"], cuts: [40, 60])
        let four = try Bands(names: ["1", "2", "3", "4"], cuts: [10, 50.5, 99])
        let one = try Bands(names: ["all"], cuts: [])
        return [
            ModelFixtures.grading(minimumCompleteness: 0.7),
            try GradingPolicy(
                valueBands: four, difficultyBands: three,
                grid: [[.d, .d, .d], [.c, .c, .d], [.b, .c, .c], [.a, .b, .b]], minimumCompleteness: 0.5,
                ranking: RankingPolicy(key: .valuePerDifficulty, gradeFirst: true)),
            try GradingPolicy(
                valueBands: three, difficultyBands: one, grid: [[.c], [.b], [.a]], minimumCompleteness: 0,
                ranking: RankingPolicy(key: .value, gradeFirst: false)),
            try GradingPolicy(
                valueBands: one, difficultyBands: four, grid: [[.a, .b, .c, .d]], minimumCompleteness: 1,
                ranking: RankingPolicy(key: .priority, gradeFirst: true, difficultyPenalty: 1.75)),
        ]
    }

    @Test("grades and keys equal the policy's for every pair of edge scores and completeness")
    func equalsPolicy() throws {
        var random = SeededRandom(seed: 7)
        for policy in try Self.policies() {
            let valueScores = Self.edgeScores(policy.valueBands.cuts, random: &random)
            let difficultyScores = Self.edgeScores(policy.difficultyBands.cuts, random: &random)
            var values: [Double] = []
            var difficulties: [Double] = []
            var completeness: [Double] = []
            let levels = [0, policy.minimumCompleteness.nextDown, policy.minimumCompleteness, policy.minimumCompleteness.nextUp, 1]
            for (index, value) in valueScores.enumerated() {
                for difficulty in difficultyScores {
                    values.append(value)
                    difficulties.append(difficulty)
                    completeness.append(levels[(index + values.count) % levels.count])
                }
            }
            let count = values.count
            var grades = [UInt8](repeating: 9, count: count)
            var keys = [Double](repeating: .nan, count: count)
            var cells = [Int64](repeating: 0, count: count)
            let table = GradeTable(policy)
            values.withUncheckedView { v in
                difficulties.withUncheckedView { d in
                    completeness.withUncheckedView { c in
                        cells.withUncheckedMutableView { cells in
                            grades.withUncheckedMutableView { g in
                                table.grades(values: v, difficulties: d, completeness: c, cells: cells, into: g)
                            }
                        }
                        keys.withUncheckedMutableView { k in table.keys(values: v, difficulties: d, into: k) }
                    }
                }
            }
            var mismatches = 0
            for i in 0..<count {
                let expected = policy.grade(value: values[i], difficulty: difficulties[i], completeness: completeness[i])
                let key = policy.ranking.key(value: values[i], difficulty: difficulties[i])
                if Int(grades[i]) != expected.order || key.bitPattern != keys[i].bitPattern && !(key.isNaN && keys[i].isNaN) {
                    mismatches += 1
                }
            }
            #expect(count > 10_000)
            #expect(mismatches == 0, "\(mismatches) of \(count) accounts differ")
        }
    }

    @Test("keysRangeAndGrades equals keys, DrawRanker.range and grades called apart, bit for bit")
    func fusedEqualsApart() throws {
        var random = SeededRandom(seed: 11)
        for policy in try Self.policies() {
            let valueScores = Self.edgeScores(policy.valueBands.cuts, random: &random)
            let difficultyScores = Self.edgeScores(policy.difficultyBands.cuts, random: &random)
            let levels = [0, policy.minimumCompleteness.nextDown, policy.minimumCompleteness, policy.minimumCompleteness.nextUp, 1]
            // Panels of every length modulo 4 (the vector loop's tail), with and without NaN.
            for (offset, count) in [(0, 256), (3, 255), (17, 254), (5, 253), (9, 1), (0, 0), (40, 7)] {
                var values: [Double] = []
                var difficulties: [Double] = []
                var completeness: [Double] = []
                for i in 0..<count {
                    values.append(valueScores[(offset + 7 * i) % valueScores.count])
                    difficulties.append(difficultyScores[(offset + 13 * i) % difficultyScores.count])
                    completeness.append(levels[(offset + i) % levels.count])
                }
                let finite = values.indices.map { values[$0].isNaN || difficulties[$0].isNaN ? 50 : values[$0] }
                for scores in [values, finite] {
                    let table = GradeTable(policy)
                    var apartKeys = [Double](repeating: 0, count: count)
                    var fusedKeys = apartKeys
                    var apartGrades = [UInt8](repeating: 9, count: count)
                    var fusedGrades = apartGrades
                    var cells = [Int64](repeating: 0, count: count)
                    var apartRange = (low: 0.0, high: 0.0)
                    var fusedRange = (low: 0.0, high: 0.0)
                    scores.withUncheckedView { v in
                        difficulties.withUncheckedView { d in
                            completeness.withUncheckedView { c in
                                apartKeys.withUncheckedMutableView { k in
                                    table.keys(values: v, difficulties: d, into: k)
                                    apartRange = DrawRanker.range(k.readOnly)
                                }
                                cells.withUncheckedMutableView { cells in
                                    apartGrades.withUncheckedMutableView { g in
                                        table.grades(values: v, difficulties: d, completeness: c, cells: cells, into: g)
                                    }
                                }
                                fusedKeys.withUncheckedMutableView { k in
                                    fusedGrades.withUncheckedMutableView { g in
                                        fusedRange = table.keysRangeAndGrades(
                                            values: v, difficulties: d, completeness: c, keys: k, grades: g)
                                    }
                                }
                            }
                        }
                    }
                    #expect(
                        fusedKeys.map(\.bitPattern) == apartKeys.map(\.bitPattern)
                            || zip(fusedKeys, apartKeys).allSatisfy {
                                $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN)
                            })
                    #expect(fusedGrades == apartGrades)
                    #expect(fusedRange.low == apartRange.low && fusedRange.high == apartRange.high)
                }
            }
        }
    }

    @Test("SMAA's layout: value and difficulty scores as two slices of one product buffer")
    func sliceOfScores() throws {
        // The SMAA layout: one product buffer, value scores then difficulty scores.
        let policy = ModelFixtures.grading(minimumCompleteness: 0.7)
        let scores: [Double] = [70, 50, 20, 10, 65, 30]  // values 70, 50, 20; difficulties 10, 65, 30
        let completeness: [Double] = [1, 1, 0.5]
        var grades = [UInt8](repeating: 9, count: 3)
        var cells = [Int64](repeating: 0, count: 8)
        scores.withUncheckedView { s in
            completeness.withUncheckedView { c in
                cells.withUncheckedMutableView { cells in
                    grades.withUncheckedMutableView { g in
                        GradeTable(policy).grades(
                            values: s.slice(0..<3), difficulties: s.slice(3..<6), completeness: c, cells: cells, into: g)
                    }
                }
            }
        }
        #expect(
            grades.map(Int.init) == [
                policy.grade(value: 70, difficulty: 10, completeness: 1).order,
                policy.grade(value: 50, difficulty: 65, completeness: 1).order,
                Grade.insufficient.order,
            ])
    }
}
