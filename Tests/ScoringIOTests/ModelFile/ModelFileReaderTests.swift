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

    func error(_ yaml: String) -> ModelFileError? { readingError(yaml, file: "models/test.yaml") }

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

    @Test(
        "the bundled models load",
        arguments: ["models/default.yaml", "models/examples/crm-opportunities.yaml", "models/examples/bank-marketing.yaml"])
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
        #expect(
            error(yaml)?.description
                == "models/test.yaml, line 7: weight for 'share' is -0.2; weights must be finite numbers of at least 0.")
    }

    @Test("an all-zero side is an error")
    func zeroSide() {
        let yaml = Self.minimal.replacingOccurrences(of: "weight: 1\n", with: "weight: 0\n")
        #expect(
            error(yaml)?.message
                == "every difficulty factor has weight 0 (or there is none); give at least one difficulty factor a positive weight.")
    }

    @Test("an unknown key is reported with the keys allowed there")
    func unknownKey() {
        let yaml = Self.minimal.replacingOccurrences(of: "    weight: 2", with: "    wieght: 2")
        #expect(
            error(yaml)?.description
                == "models/test.yaml, line 7: unknown key 'wieght' in a factor; allowed keys: id, label, column, side, weight, direction, scale, missing, special_values, unit, source."
        )
    }

    @Test(
        "bad values name their line",
        arguments: [
            (
                "side: value\n    weight: 2", "side: valu\n    weight: 2", 6,
                "factor 'share' side is 'valu'; it must be one of: value, difficulty."
            ),
            ("max: 60", "max: sixty", 9, "the scale of 'share' max is 'sixty'; it must be a number."),
            (
                "type: linear, min: 0, max: 60", "type: linar, min: 0, max: 60", 9,
                "the scale of 'share' type is 'linar'; it must be one of: linear, log, piecewise, binned, categorical, interaction, minmax, zscore."
            ),
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
        let yaml =
            Self.minimal + """

                segments:
                  - id: premium
                    label: {en: Premium, zh: 优质客户}
                    when:
                      - [cumulative_consumption > 1000, payment_record == good]
                      - [parent_group present]
                """
        let model = try read(yaml)
        #expect(
            model.segments[0].groups[0] == [
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
        #expect(
            error(yaml)?.message
                == "scenario 'growth' sets a weight for 'budget', which is not a factor of the model; factors: share, risk.")
    }
}

/// The elements `kam model fit` writes: binned scales, categorical `other`, stated missing
/// utilities with evidence, and the calibration.
@Suite("Model files: learned elements")
struct LearnedModelFileTests {
    static let learned =
        ModelFileReaderTests.minimal
        .replacingOccurrences(
            of: "    scale: {type: linear, min: 1, max: 5}",
            with: """
                    scale:
                      type: binned
                      bins:
                        - {below: 3, utility: 0.1, count: 120, won: 50, win_rate: 0.4167}
                        - {below: 9, utility: 0.5}
                        - {utility: 0.9, count: 80, won: 12}
                """
        )
        .replacingOccurrences(of: "    missing: worst\n", with: "    missing: {utility: 0.42, count: 30, won: 9}\n")
        .replacingOccurrences(
            of: "    scale: {type: linear, min: 0, max: 60}",
            with: """
                    scale:
                      type: categorical
                      map: {AAA: 0, AA: {utility: 0.1, count: 20, won: 5}}
                      other: {utility: 0.7, count: 44, won: 3}
                """
        )
        .replacingOccurrences(of: "    unit: percent\n", with: "")
            + """

            calibration:
              method: isotonic
              points: [[-20, 0.05], [0, 0.2], [40, 0.8]]
            """

    func read(_ yaml: String) throws(ModelFileError) -> ScoringModel {
        try ModelFileReader().read(yaml: yaml, file: "models/learned.yaml")
    }

    func error(_ yaml: String) -> ModelFileError? { readingError(yaml, file: "models/learned.yaml") }

    @Test("binned scales, other, stated missing utilities and calibration read with their evidence")
    func reads() throws {
        let model = try read(Self.learned)
        #expect(
            model.factors[1].scale
                == .binned(bins: [
                    .init(upper: 3, utility: 0.1, evidence: Evidence(count: 120, won: 50)), .init(upper: 9, utility: 0.5),
                    .init(upper: nil, utility: 0.9, evidence: Evidence(count: 80, won: 12)),
                ]))
        #expect(model.factors[1].missing == .fixed(utility: 0.42, evidence: Evidence(count: 30, won: 9)))
        #expect(
            model.factors[0].scale
                == .categorical(
                    map: [.init(label: "AAA", utility: 0), .init(label: "AA", utility: 0.1, evidence: Evidence(count: 20, won: 5))],
                    other: .init(label: Scale.otherLabel, utility: 0.7, evidence: Evidence(count: 44, won: 3))))
        #expect(
            model.calibration
                == (try Calibration(
                    method: .isotonic(points: [
                        .init(score: -20, probability: 0.05), .init(score: 0, probability: 0.2), .init(score: 40, probability: 0.8),
                    ]))))
        let platt = try read(
            Self.learned.replacingOccurrences(
                of: "  method: isotonic\n  points: [[-20, 0.05], [0, 0.2], [40, 0.8]]",
                with: "  method: platt\n  intercept: -2.5\n  slope: 0.04"))
        #expect(platt.calibration == (try Calibration(method: .platt(intercept: -2.5, slope: 0.04))))
    }

    @Test(
        "mistakes in learned elements name their line and the fix",
        arguments: [
            (
                "        - {below: 9, utility: 0.5}", "        - {utility: 0.5}", 21,
                "bin 2 of the scale of 'risk' needs 'below', its upper edge; only the last bin has none."
            ),
            (
                "        - {utility: 0.9, count: 80, won: 12}", "        - {below: 20, utility: 0.9}", 22,
                "bin 3 of the scale of 'risk' is the last bin, which holds every larger value: remove its 'below'."
            ),
            ("won: 12}", "won: 81}", 22, "bin 3 of the scale of 'risk' won (81) is more than its count (80)."),
            (
                "{below: 9, utility: 0.5}", "{below: 9, utility: 1.5}", 21,
                "bin 2 of the scale of 'risk' utility is 1.5; it must be between 0 and 1."
            ),
            (
                "{below: 9, utility: 0.5}", "{below: 9, utility: 0.5, won: 3}", 21,
                "bin 2 of the scale of 'risk' gives 'won' without 'count'; give both or neither."
            ),
            (
                "{below: 9, utility: 0.5}", "{below: 2, utility: 0.5}", 12,
                "scale of 'risk': the bins' upper edges must be finite and increase strictly."
            ),
            (
                "missing: {utility: 0.42, count: 30, won: 9}", "missing: sometimes", 16,
                "factor 'risk' missing is 'sometimes'; it must be one of: required, worst, neutral, mean, or {utility: u} for a stated utility between 0 and 1."
            ),
            (
                "other: {utility: 0.7, count: 44, won: 3}", "other: {utility: 0.7, cnt: 44}", 11,
                "unknown key 'cnt' in the scale of 'share' other; allowed keys: utility, count, won, win_rate."
            ),
            ("method: isotonic", "method: spline", 31, "calibration method is 'spline'; it must be platt or isotonic."),
            ("[40, 0.8]", "[-30, 0.8]", 31, "calibration: the points' scores must increase strictly."),
            ("[40, 0.8]", "[40, 0.1]", 31, "calibration: the points' probabilities must not decrease."),
        ])
    func mistakes(original: String, replacement: String, line: Int, message: String) {
        let yaml = Self.learned.replacingOccurrences(of: original, with: replacement)
        #expect(yaml != Self.learned)
        let found = error(yaml)
        #expect(found?.message == message)
        #expect(found?.line == line)
    }
}

/// The error reading `yaml` as the model file `file` gives, or `nil` when it reads.
func readingError(_ yaml: String, file: String) -> ModelFileError? {
    do {
        _ = try ModelFileReader().read(yaml: yaml, file: file)
        return nil
    } catch {
        return error
    }
}
