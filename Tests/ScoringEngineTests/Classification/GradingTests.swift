import ScoringEngine
import ScoringTestSupport
import Testing

@Suite("Grades, bands, ranking and segments")
struct GradingTests {
    let grading = ModelFixtures.grading(minimumCompleteness: 0.7)

    @Test(
        "the grid edges: a score equal to a cut falls in the band above",
        arguments: [
            (60.0, 39.999, Grade.a), (60, 40, .a), (60, 60, .b), (59.999, 0, .b), (40, 40, .c), (39.999, 0, .c),
            (39.999, 40, .d), (100, 100, .b), (0, 100, .d), (0, 0, .c),
        ])
    func gridEdges(value: Double, difficulty: Double, expected: Grade) {
        #expect(grading.grade(value: value, difficulty: difficulty, completeness: 1) == expected)
    }

    @Test("an account below the minimum completeness is not graded")
    func insufficient() {
        #expect(grading.grade(value: 90, difficulty: 0, completeness: 0.6999) == .insufficient)
        #expect(grading.grade(value: 90, difficulty: 0, completeness: 0.7) == .a)
    }

    @Test("bands, grids and completeness are checked when the policy is made")
    func validation() {
        #expect(throws: ModelError.bandCuts([60, 40])) { try Bands(names: ["l", "m", "h"], cuts: [60, 40]) }
        #expect(throws: ModelError.bandCount(names: 2, cuts: 2)) { try Bands(names: ["l", "h"], cuts: [40, 60]) }
        let bands = try! Bands(names: ["l", "h"], cuts: [50])
        #expect(throws: ModelError.gridShape(expectedRows: 2, expectedColumns: 2)) {
            try GradingPolicy(
                valueBands: bands, difficultyBands: bands, grid: [[.a, .b]], minimumCompleteness: 0.5, ranking: RankingPolicy())
        }
        #expect(throws: ModelError.completenessOutOfRange(1.5)) {
            try GradingPolicy(
                valueBands: bands, difficultyBands: bands, grid: [[.a, .b], [.c, .d]], minimumCompleteness: 1.5, ranking: RankingPolicy())
        }
        #expect(
            ModelError.bandCuts([60, 40]).description == "band cut points [\"60\", \"40\"] must increase strictly and lie within 0...100.")
    }

    @Test("weights: negative, NaN and an all-zero side are errors with a fix")
    func weights() {
        let grading = ModelFixtures.grading()
        #expect(throws: ModelError.negativeWeight(factor: "a", weight: -0.2)) {
            try ScoringModel(
                name: "m", factors: [ModelFixtures.factor("a", .value, weight: -0.2), ModelFixtures.factor("b", .difficulty, weight: 1)],
                grading: grading)
        }
        #expect(throws: ModelError.self) {
            try ScoringModel(
                name: "m", factors: [ModelFixtures.factor("a", .value, weight: .nan), ModelFixtures.factor("b", .difficulty, weight: 1)],
                grading: grading)
        }
        #expect(throws: ModelError.allWeightsZero(side: .difficulty)) {
            try ScoringModel(
                name: "m", factors: [ModelFixtures.factor("a", .value, weight: 1), ModelFixtures.factor("b", .difficulty, weight: 0)],
                grading: grading)
        }
        #expect(throws: ModelError.allWeightsZero(side: .difficulty)) {
            try ScoringModel(name: "m", factors: [ModelFixtures.factor("a", .value, weight: 1)], grading: grading)
        }
        #expect(
            ModelError.negativeWeight(factor: "engagement", weight: -0.2).description
                == "weight for 'engagement' is -0.2; weights must be finite numbers of at least 0.")
        #expect(
            ModelError.allWeightsZero(side: .value).description
                == "every value factor has weight 0 (or there is none); give at least one value factor a positive weight.")
    }

    @Test("malformed scales are rejected")
    func scales() {
        let grading = ModelFixtures.grading()
        func model(_ scale: Scale) throws -> ScoringModel {
            try ScoringModel(
                name: "m",
                factors: [ModelFixtures.factor("a", .value, weight: 1, scale: scale), ModelFixtures.factor("b", .difficulty, weight: 1)],
                grading: grading)
        }
        #expect(throws: ModelError.invalidScale(factor: "a", reason: "min (5) must be less than max (5).")) {
            try model(.linear(min: 5, max: 5))
        }
        #expect(throws: ModelError.self) { try model(.piecewise(points: [.init(x: 1, utility: 0), .init(x: 1, utility: 1)])) }
        #expect(throws: ModelError.self) { try model(.piecewise(points: [.init(x: 1, utility: 0), .init(x: 2, utility: 1.5)])) }
        #expect(throws: ModelError.self) { try model(.categorical(map: [.init(label: "x", utility: 2)])) }
        #expect(throws: ModelError.self) { try model(.zScore(clip: 0)) }
        #expect(throws: ModelError.self) { try model(.log(min: 0, max: 10, offset: 0.5)) }
    }

    @Test("ranking puts grades first, then the priority key, then account id")
    func ranking() throws {
        let model = try ScoringModel(
            name: "r",
            factors: [
                ModelFixtures.factor("v", .value, weight: 1, scale: .linear(min: 0, max: 100)),
                ModelFixtures.factor("d", .difficulty, weight: 1, scale: .linear(min: 0, max: 100)),
            ],
            grading: ModelFixtures.grading())
        // (value, difficulty): z = A (80,10, key 75); y = A (80,10, key 75, tie by id); x = B (50,0, key 50); w = A (70, 50 → A? medium diff → A, key 45)
        let batch = ProspectBatch(
            accounts: ["z", "x", "y", "w"].map { Account(id: $0) },
            factorColumns: [.numeric([80, 50, 80, 70]), .numeric([10, 0, 10, 50])])
        let assessment = ScoringPipeline(model: model).assess(batch)
        #expect(assessment.grades == [.a, .b, .a, .a])
        #expect(assessment.rankedRows().map { assessment.accounts[$0].id } == ["y", "z", "w", "x"])
        let keyOnly = try ScoringModel(name: "k", factors: model.factors, grading: ModelFixtures.grading(gradeFirst: false))
        let byKey = ScoringPipeline(model: keyOnly).assess(batch)
        #expect(byKey.rankedRows().map { byKey.accounts[$0].id } == ["y", "z", "x", "w"])
    }

    @Test("segment rules: groups are alternatives, conditions within a group all hold")
    func segments() {
        let premium = SegmentRule(
            id: "premium", label: LocalizedLabel(en: "Premium", zh: "优质客户"),
            groups: [
                [
                    Condition(column: "spend", comparison: .greater, operand: .number(1000)),
                    Condition(column: "payment", comparison: .equal, operand: .text("good")),
                ],
                [Condition(column: "referrals", comparison: .greaterOrEqual, operand: .number(1))],
            ])
        let data = SegmentData(columns: [
            "spend": [.number(1500), .number(1500), .number(1000), .missing],
            "payment": [.text("Good"), .text("poor"), .text("good"), .text("good")],
            "referrals": [.number(0), .number(0), .number(0), .number(2)],
        ])
        #expect((0..<4).map { premium.contains(row: $0, in: data) } == [true, false, false, true])
        let group = Condition(column: "parent", comparison: .present, operand: .none)
        #expect(group.holds(for: .text("华信控股")))
        #expect(!group.holds(for: .missing))
        #expect(premium.columns == ["spend", "payment", "referrals"])
    }
}
