import Foundation
import ScoringEngine
import ScoringIO
import ScoringTestSupport
import Testing

@Suite("Model file writer")
struct ModelFileWriterTests {
    func roundTrip(_ model: ScoringModel, annotations: ModelFileWriter.Annotations = .init()) throws -> (ScoringModel, String) {
        let text = ModelFileWriter().write(model, annotations: annotations)
        return (try ModelFileReader().read(yaml: text, file: "written.yaml"), text)
    }

    /// A model with every element a learned model has, and awkward text and numbers.
    static func learnedLookingModel() throws -> ScoringModel {
        let factors = [
            Factor(
                id: "budget", label: LocalizedLabel(en: "Annual ad budget", zh: "年度广告预算"), column: "annual_ad_budget",
                side: .value, weight: 0.4123456789012345,
                scale: .binned(bins: [
                    .init(upper: 12.5, utility: 0, evidence: Evidence(count: 412, won: 71)),
                    .init(upper: 100.00000000000001, utility: 0.31415926535897931, evidence: Evidence(count: 300, won: 90)),
                    .init(upper: 1e6, utility: 0.7, evidence: Evidence(count: 80, won: 40)),
                    .init(upper: nil, utility: 1, evidence: Evidence(count: 60, won: 60)),
                ]),
                missing: .fixed(utility: 0.1 + 0.2, evidence: Evidence(count: 30, won: 9)), unit: "wan",
                source: "learned from history.csv: 2,000 outcomes # not a comment"),
            Factor(
                id: "industry", label: LocalizedLabel(en: "Industry: sector", zh: "行业"), column: "industry", side: .value,
                weight: 1.0 / 3.0,
                scale: .categorical(
                    map: [
                        .init(label: "manufacturing", utility: 0.62, evidence: Evidence(count: 812, won: 301)),
                        .init(label: "yes", utility: 1e-7, evidence: Evidence(count: 40, won: 0)),
                        .init(label: "123", utility: 0.5, evidence: Evidence(count: 31, won: 10)),
                        .init(label: "a: b # c", utility: 0.25),
                        .init(label: "制造业", utility: 0.9, evidence: Evidence(count: 50, won: 30)),
                        .init(label: "\"quoted\" \\ back", utility: 0.125, evidence: Evidence(count: 33, won: 3)),
                        .init(label: "-dash", utility: 0.75, evidence: Evidence(count: 35, won: 12)),
                    ],
                    other: .init(label: Scale.otherLabel, utility: 0.44, evidence: Evidence(count: 44, won: 3))),
                missing: .fixed(utility: 0.5, evidence: nil)),
            Factor(
                id: "risk", label: LocalizedLabel(en: "Risk", zh: "风险"), column: "deal risk", side: .difficulty, weight: 0.6,
                direction: .decreasing,
                scale: .binned(bins: [
                    .init(upper: -0.5, utility: 0.2, evidence: nil), .init(upper: nil, utility: 0.8, evidence: Evidence(count: 0, won: 0)),
                ]),
                missing: .worst),
            Factor(
                id: "credit", label: LocalizedLabel(en: "Credit", zh: "信用"), column: "credit_rating", side: .difficulty,
                weight: 0.4,
                scale: .categorical(
                    map: [.init(label: "AAA", utility: 0), .init(label: "no", utility: 1)], other: .init(label: "other", utility: 0.5)),
                missing: .neutral),
        ]
        let bands = try Bands(names: ["low", "mid dle", "high"], cuts: [33.333333333333336, 66.7])
        let grading = try GradingPolicy(
            valueBands: bands, difficultyBands: try Bands(names: ["easy", "hard"], cuts: [41.5]),
            grid: [[.c, .d], [.b, .c], [.a, .b]], minimumCompleteness: 0.65,
            ranking: RankingPolicy(key: .priority, gradeFirst: false, difficultyPenalty: 0.7312345678901234))
        let segments = [
            SegmentRule(
                id: "premium", label: LocalizedLabel(en: "Premium", zh: "优质客户"),
                groups: [
                    [
                        Condition(column: "cumulative_consumption", comparison: .greater, operand: .number(1000.5)),
                        Condition(column: "payment_record", comparison: .equal, operand: .text("good")),
                    ],
                    [Condition(column: "parent_group", comparison: .present, operand: .none)],
                    [Condition(column: "region", comparison: .notEqual, operand: .text("华东 north"))],
                ])
        ]
        let calibration = try Calibration(
            method: .isotonic(points: [
                .init(score: -20.25, probability: 0.05), .init(score: 0, probability: 0.2),
                .init(score: 1.0 / 7.0, probability: 0.2), .init(score: 40, probability: 0.8123456789),
            ]))
        return try ScoringModel(
            name: "learned: from history", factors: factors, grading: grading, segments: segments,
            scenarios: [WeightScenario(name: "growth", weights: ["budget": 0.45, "risk": 0.1])],
            columns: AccountColumns(
                id: "@line", name: nil, industry: "industry", region: nil, manager: nil, stage: "stage", dealValue: nil),
            missingCodes: ["NA", "-", "unknown", "未知", "yes"], columnUnits: ["deal_value": "wan", "largest_contract": "yi"],
            calibration: calibration)
    }

    @Test(
        "the bundled models read back equal after writing",
        arguments: [
            "models/default.yaml", "models/examples/bank-marketing.yaml", "models/examples/crm-opportunities.yaml",
        ])
    func bundledModels(path: String) throws {
        let model = try ModelFileReader().read(contentsOf: Paths.packageRoot + "/" + path)
        let (reread, _) = try roundTrip(model)
        #expect(reread == model)
        #expect(reread.declaredWeights == model.declaredWeights)
    }

    @Test("a learned-looking model with every new element reads back exactly equal")
    func learnedModel() throws {
        let model = try Self.learnedLookingModel()
        let (reread, text) = try roundTrip(model)
        #expect(reread == model)
        // Bit-identical numbers, not just equal doubles.
        #expect(reread.factors.map(\.weight.bitPattern) == model.factors.map(\.weight.bitPattern))
        #expect(reread.calibration == model.calibration)
        #expect(text.contains("- {below: 12.5, utility: 0, count: 412, won: 71}"))
        #expect(text.contains("manufacturing: {utility: 0.62, count: 812, won: 301}"))
        #expect(text.contains("other: {utility: 0.44, count: 44, won: 3}"))
        #expect(text.contains("missing: {utility: 0.30000000000000004, count: 30, won: 9}"))
    }

    @Test("Platt calibration and every hand-set scale kind read back equal")
    func plattAndHandScales() throws {
        let factors = [
            ModelFixtures.factor("a", .value, weight: 2, scale: .log(min: 0, max: 5000, offset: 1.5)),
            ModelFixtures.factor(
                "b", .value, weight: 1, scale: .piecewise(points: [.init(x: -1, utility: 0.25), .init(x: 3.5, utility: 1)])),
            ModelFixtures.factor("c", .value, weight: 1, scale: .minMax, missing: .mean),
            ModelFixtures.factor("d", .difficulty, weight: 1, scale: .zScore(clip: 2.5), direction: .decreasing, missing: .required),
            ModelFixtures.factor("e", .difficulty, weight: 1e-3, scale: .linear(min: -2, max: 2)),
        ]
        let model = try ScoringModel(
            name: "hand", factors: factors, grading: ModelFixtures.grading(),
            calibration: try Calibration(method: .platt(intercept: -2.1000000000000001, slope: 0.052631578947368418)))
        let (reread, _) = try roundTrip(model)
        #expect(reread == model)
    }

    @Test("random models of every scale, policy and scenario read back equal", arguments: 0..<40)
    func randomModels(seed: Int) throws {
        var random = SeededRandom(seed: UInt64(seed) + 1000)
        let model = ModelFixtures.randomModel(using: &random, maxFactors: 14, scenarios: 2)
        let (reread, _) = try roundTrip(model)
        #expect(reread == model)
    }

    @Test("scores, grades and probabilities under the read-back model equal those in memory")
    func scoresAgree() throws {
        let model = try Self.learnedLookingModel()
        let (reread, _) = try roundTrip(model)
        var random = SeededRandom(seed: 7)
        let batch = ModelFixtures.randomBatch(for: model, accounts: 500, missingRate: 0.15, using: &random)
        let before = ScoringPipeline(model: model).assess(batch)
        let after = ScoringPipeline(model: reread).assess(batch)
        let rows = Array(0..<batch.count)
        // Identical in practice; 1e-12 is the stated contract.
        #expect(
            rows.map { after.value($0) }.isApproximatelyEqual(
                to: rows.map { before.value($0) }, absoluteTolerance: 1e-12, relativeTolerance: 0))
        #expect(
            rows.map { after.difficulty($0) }.isApproximatelyEqual(
                to: rows.map { before.difficulty($0) }, absoluteTolerance: 1e-12, relativeTolerance: 0))
        let probabilities = { (assessment: BatchAssessment, m: ScoringModel) in
            rows.map { m.probability(value: assessment.value($0), difficulty: assessment.difficulty($0)) ?? -1 }
        }
        #expect(
            probabilities(after, reread).isApproximatelyEqual(
                to: probabilities(before, model), absoluteTolerance: 1e-12, relativeTolerance: 0))
        #expect(after.grades == before.grades)
    }

    @Test("learned tables carry the range, win rate and weight of evidence as comments")
    func comments() throws {
        let model = try Self.learnedLookingModel()
        let text = ModelFileWriter().write(
            model,
            annotations: .init(
                header: ["Learned by kam model fit from history.csv", "", "seed 42"],
                factorComments: ["budget": ["monotone: win rate rises with the budget"]], footer: ["left out: followup_status (leak)"]))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.prefix(3) == ["# Learned by kam model fit from history.csv", "#", "# seed 42"])
        // Budget: W = 71+90+40+60 (+9 missing) = 270 won, L = 341+210+40+0 (+21) = 612 lost.
        let first = try #require(lines.first { $0.contains("below: 12.5") })
        let woe = log((71.0 / 270) / (341.0 / 612))
        #expect(first.hasSuffix("# x < 12.5: 17.2% won, WoE " + formatDecimal(woe, digits: 2)))
        let last = try #require(lines.first { $0.contains("{utility: 1, count: 60, won: 60}") })
        // Zero lost: 0.5 added to both cells.
        let lastWoE = log((60.5 / 270) / (0.5 / 612))
        #expect(last.hasSuffix("# x ≥ 1000000: 100.0% won, WoE +" + formatDecimal(lastWoE, digits: 2)))
        #expect(text.contains("  # monotone: win rate rises with the budget\n  - id: budget"))
        #expect(text.hasSuffix("# left out: followup_status (leak)\n"))
        #expect(!text.contains("2026") && !text.contains("date"))
    }

    @Test("the same model and annotations give the same bytes")
    func deterministic() throws {
        let model = try Self.learnedLookingModel()
        #expect(ModelFileWriter().write(model) == ModelFileWriter().write(model))
    }

    @Test("writing to a file checks the round trip and writes atomically")
    func writeFile() throws {
        let model = try Self.learnedLookingModel()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kam-writer-\(UUID().uuidString).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ModelFileWriter().write(model, toFile: path)
        #expect(try ModelFileReader().read(contentsOf: path) == model)
        #expect(throws: ModelFileError.self) { try ModelFileWriter().write(model, toFile: "/nonexistent-folder/x.yaml") }
    }
}
