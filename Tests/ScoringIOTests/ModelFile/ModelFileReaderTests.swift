import Foundation
import ScoringEngine
import ScoringIO
import ScoringTestSupport
import Testing

@Suite("Model files")
struct ModelFileReaderTests {
    static let minimal = """
        name: tiny
        factors:
          - id: share
            label: {en: Share, zh: 份额}
            column: expected_share
            side: value
            weight: 2
            unit: percent
            scale: {type: linear, min: 0, max: 60}
          - id: risk
            column: deal_risk
            side: difficulty
            weight: 1
            missing: worst
            scale: {type: linear, min: 1, max: 5}
        grading:
          value_bands: {names: [low, high], cuts: [50]}
          difficulty_bands: {names: [low, high], cuts: [50]}
          grid:
            high: [A, B]
            low: [C, D]
          minimum_completeness: 0.5
        """

    func read(_ yaml: String) throws(ModelFileError) -> ScoringModel {
        try ModelFileReader().read(yaml: yaml, file: "models/test.yaml")
    }

    func error(_ yaml: String) -> ModelFileError? {
        do {
            _ = try read(yaml)
            return nil
        } catch {
            return error
        }
    }

    @Test("a minimal model loads with weights normalized per side and defaults filled in")
    func minimal() throws {
        let model = try read(Self.minimal)
        #expect(model.name == "tiny")
        #expect(model.factors.map(\.weight) == [1, 1])
        #expect(model.factors[0].label == LocalizedLabel(en: "Share", zh: "份额"))
        #expect(model.factors[1].label == LocalizedLabel(en: "risk", zh: "risk"))
        #expect(model.factors[1].missing == .worst)
        #expect(model.factors[0].missing == .neutral)
        #expect(model.grading.grid == [[.c, .d], [.a, .b]])
        #expect(model.grading.ranking == (try RankingPolicy()))
        #expect(model.columns == AccountColumns())
    }

    @Test("the bundled models load", arguments: ["models/default.yaml", "models/examples/crm-opportunities.yaml", "models/examples/bank-marketing.yaml"])
    func bundled(path: String) throws {
        let model = try ModelFileReader().read(contentsOf: Paths.packageRoot + "/" + path)
        #expect(model.factors.count >= 4)
        for side in Factor.Side.allCases {
            let total = model.factors(on: side).reduce(0) { $0 + $1.weight }
            #expect(total.isApproximatelyEqual(to: 1, absoluteTolerance: 1e-12, relativeTolerance: 0))
        }
    }

    @Test("the default model encodes the seed's seven factors A–G and its grid")
    func defaultModel() throws {
        let model = try ModelFileReader().read(contentsOf: Paths.packageRoot + "/models/default.yaml")
        let sources = model.factors.compactMap(\.source).joined(separator: " ")
        for letter in ["A", "B", "C", "D", "E", "F", "G"] { #expect(sources.contains("(五) \(letter)")) }
        #expect(model.segments.map(\.id) == ["premium", "high_value", "group", "strategic", "potential"])
        #expect(model.scenarios.map(\.name) == ["growth", "cautious"])
    }

    @Test("a negative weight names the line and the fix")
    func negativeWeight() {
        let yaml = Self.minimal.replacingOccurrences(of: "weight: 2", with: "weight: -0.2")
        #expect(error(yaml)?.description == "models/test.yaml, line 7: weight for 'share' is -0.2; weights must be finite numbers of at least 0.")
    }

    @Test("an all-zero side is an error")
    func zeroSide() {
        let yaml = Self.minimal.replacingOccurrences(of: "weight: 1\n", with: "weight: 0\n")
        #expect(error(yaml)?.message == "every difficulty factor has weight 0 (or there is none); give at least one difficulty factor a positive weight.")
    }

    @Test("an unknown key is reported with the keys allowed there")
    func unknownKey() {
        let yaml = Self.minimal.replacingOccurrences(of: "    weight: 2", with: "    wieght: 2")
        #expect(
            error(yaml)?.description
                == "models/test.yaml, line 7: unknown key 'wieght' in a factor; allowed keys: id, label, column, side, weight, direction, scale, missing, unit, source.")
    }

    @Test(
        "bad values name their line",
        arguments: [
            ("side: value\n    weight: 2", "side: valu\n    weight: 2", 6, "factor 'share' side is 'valu'; it must be one of: value, difficulty."),
            ("max: 60", "max: sixty", 9, "the scale of 'share' max is 'sixty'; it must be a number."),
            ("type: linear, min: 0, max: 60", "type: linar, min: 0, max: 60", 9, "the scale of 'share' type is 'linar'; it must be one of: linear, log, piecewise, categorical, minmax, zscore."),
            ("min: 0, max: 60", "min: 60, max: 0", 3, "scale of 'share': min (60) must be less than max (0)."),
            ("high: [A, B]", "high: [A]", 20, "grading.grid.high has 1 grades; it needs 2, one per difficulty band (low, high)."),
            ("high: [A, B]", "high: [A, E]", 20, "grade 'E' in grading.grid.high must be A, B, C or D."),
            ("minimum_completeness: 0.5", "minimum_completeness: 1.5", 22, "minimum_completeness is 1.5; it must be between 0 and 1."),
            ("unit: percent", "unit: percents", 8, "factor 'share' unit is 'percents'; it must be one of: none, percent, yuan, wan, yi."),
        ])
    func badValues(original: String, replacement: String, line: Int, message: String) {
        let found = error(Self.minimal.replacingOccurrences(of: original, with: replacement))
        #expect(found?.message == message)
        #expect(found?.line == line)
    }

    @Test("YAML syntax errors report the line")
    func syntax() {
        let found = error("name: x\nfactors: [\n  - id: a\n")
        #expect(found != nil)
        #expect((found?.line ?? 0) >= 2)
        #expect(found?.message.hasPrefix("not valid YAML") == true)
    }

    @Test("segment conditions parse comparisons, presence and text")
    func segments() throws {
        let yaml = Self.minimal + """

            segments:
              - id: premium
                label: {en: Premium, zh: 优质客户}
                when:
                  - [cumulative_consumption > 1000, payment_record == good]
                  - [parent_group present]
            """
        let model = try read(yaml)
        #expect(model.segments[0].groups[0] == [
            Condition(column: "cumulative_consumption", comparison: .greater, operand: .number(1000)),
            Condition(column: "payment_record", comparison: .equal, operand: .text("good")),
        ])
        #expect(model.segments[0].groups[1] == [Condition(column: "parent_group", comparison: .present, operand: .none)])
        let bad = yaml.replacingOccurrences(of: "payment_record == good", with: "payment_record ~ good")
        #expect(error(bad)?.message.contains("'~' is not a comparison") == true)
    }

    @Test("scenarios must name factors of the model")
    func scenarios() {
        let yaml = Self.minimal + "\nscenarios:\n  - name: growth\n    weights: {budget: 0.4}\n"
        #expect(error(yaml)?.message == "scenario 'growth' sets a weight for 'budget', which is not a factor of the model; factors: share, risk.")
    }
}
