import Foundation
import RealModule
import ScoringEngine
import ScoringIO
import ScoringTestSupport
import Testing

@Suite("Judgement files (kam weights ahp)")
struct JudgementFileTests {
    static let model = try! ModelFileReader().read(contentsOf: Paths.packageRoot + "/models/default.yaml")

    func read(_ yaml: String) throws(WeightsFileError) -> JudgementFileReader.Contents {
        try JudgementFileReader(model: Self.model).read(yaml: yaml, file: "j.yaml")
    }

    @Test("the bundled sample reads: three judges, fractions, a blank pair, line numbers kept")
    func sample() throws {
        let contents = try JudgementFileReader(model: Self.model).read(contentsOf: Paths.packageRoot + "/datasets/judgements.yaml")
        #expect(contents.judges.map(\.name) == ["张总监", "王经理", "李经理"])
        #expect(contents.judges[0].judgements.count == 10 + 36)
        #expect(contents.judges[1].judgements.count == 10 + 9)  // one difficulty pair left as ~
        let analysis = try AHPAnalysis.analyze(model: Self.model, judges: contents.judges)
        #expect(analysis.sides.count == 2)
        #expect(analysis.sides.allSatisfy { $0.combined.isAcceptable })
        // 李经理 is inconsistent on the value side, and the report can point at his lines.
        let value = analysis.sides[0]
        guard case .success(let li) = value.judges[2].analysis else {
            Issue.record("李经理's value judgements should analyze")
            return
        }
        #expect(!li.isAcceptable)
        let worst = try #require(li.inconsistencies.first)
        let a = value.factorIndices[worst.row]
        let b = value.factorIndices[worst.column]
        #expect(contents.lines["2/\(a)/\(b)"] != nil)
    }

    @Test("judgement values: integers, decimals, fractions and ~")
    func values() throws {
        let contents = try read(
            """
            judges:
              - name: a
                value:
                  - [share, budget, 1/3]
                  - [share, strategic, 2.5]
                  - [share, margin, ~]
                  - [budget, strategic, 1 / 2]
            """)
        let values = contents.judges[0].judgements.map(\.value)
        #expect(values.count == 3)
        #expect(values[0].isApproximatelyEqual(to: 1.0 / 3, absoluteTolerance: 1e-15, relativeTolerance: 0))
        #expect(values[1] == 2.5)
        #expect(values[2] == 0.5)
    }

    struct BadCase: Sendable, CustomStringConvertible {
        let yaml: String
        let expected: String
        var description: String { expected }
    }

    @Test(
        "mistakes name the line and column and say what to write",
        arguments: [
            BadCase(
                yaml: "judges:\n  - name: a\n    value:\n      - [share, budgett, 3]\n",
                expected:
                    "j.yaml, line 4, column 17: 'budgett' is not a factor of the model; factors: share, budget, strategic, service_fit, margin, development_cost, deal_risk, incumbent, credit, payment_delay, tech_difficulty, decision_cycle, inside_contact, support."
            ),
            BadCase(
                yaml: "judges:\n  - name: a\n    value:\n      - [share, deal_risk, 3]\n",
                expected:
                    "j.yaml, line 4, column 17: 'deal_risk' is a difficulty factor, but this judgement is under 'value'; move it to the 'difficulty' list."
            ),
            BadCase(
                yaml: "judges:\n  - name: a\n    value:\n      - [share, budget, 12]\n",
                expected:
                    "j.yaml, line 4, column 25: '12' is off Saaty's scale; judgements run from 1/9 to 9 (1 equal, 3 moderate, 5 strong, 7 very strong, 9 extreme)."
            ),
            BadCase(
                yaml: "judges:\n  - name: a\n    value:\n      - [share, budget, lots]\n",
                expected:
                    "j.yaml, line 4, column 25: 'lots' is not a judgement; write a number from Saaty's scale such as 3, or 1/3 when the second factor is more important."
            ),
            BadCase(
                yaml: "judges:\n  - name: a\n    value:\n      - [share, budget, 3]\n      - [budget, share, 3]\n",
                expected:
                    "j.yaml, line 5, column 9: 'budget' vs 'share' is judged again here, differently from line 4 (a reversed pair counts as the same pair); keep one."
            ),
            BadCase(
                yaml: "judges:\n  - name: a\n    value:\n      - [share, share, 1]\n",
                expected: "j.yaml, line 4, column 9: 'share' is compared with itself; compare two different factors."),
            BadCase(
                yaml: "judges:\n  - name: a\n    value:\n      - [share, budget]\n",
                expected:
                    "j.yaml, line 4, column 9: a judgement must be a list of three: [factor A, factor B, how many times more important A is than B], e.g. [budget, share, 3]."
            ),
            BadCase(yaml: "judgez: []\n", expected: "j.yaml, line 1, column 1: unknown key 'judgez'; allowed keys: judges, description."),
        ])
    func mistakes(_ bad: BadCase) throws {
        #expect(throws: WeightsFileError.self) { try read(bad.yaml) }
        do {
            _ = try read(bad.yaml)
        } catch {
            #expect(error.description == bad.expected)
        }
    }
}

@Suite("Writing a model with new weights")
struct ModelWeightWriterTests {
    static let defaultPath = Paths.packageRoot + "/models/default.yaml"

    @Test("only weight values change: every other line of models/default.yaml is byte-identical; scenarios follow")
    func defaultModel() throws {
        let text = try String(contentsOfFile: Self.defaultPath, encoding: .utf8)
        let model = try ModelFileReader().read(yaml: text, file: "default.yaml")
        var weights: [String: Double] = [:]
        for (index, factor) in model.factors.enumerated() { weights[factor.id] = 0.01 * Double(index + 1) }
        let rewritten = try ModelWeightWriter().rewrite(yaml: text, file: "default.yaml", weights: weights)
        let before = text.split(separator: "\n", omittingEmptySubsequences: false)
        let after = rewritten.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(before.count == after.count)
        var changed = 0
        var scenarioLines = 0
        for (old, new) in zip(before, after) where old != new {
            if old.contains("weight:") { changed += 1 } else { scenarioLines += 1 }
            #expect(old.contains("weight:") && new.contains("weight:") || old.contains("weights: {") && new.contains("weights: {"))
            // The indentation and any comment after the value survive.
            #expect(old.prefix { $0 == " " } == new.prefix { $0 == " " })
            #expect(old.split(separator: "#").dropFirst() == new.split(separator: "#").dropFirst())
        }
        #expect(changed == model.factors.count)
        #expect(scenarioLines == model.scenarios.count)
        let reread = try ModelFileReader().read(yaml: rewritten, file: "default.yaml")
        for (index, factor) in reread.factors.enumerated() {
            #expect(
                reread.declaredWeights[index].isApproximatelyEqual(to: weights[factor.id]!, absoluteTolerance: 1e-12, relativeTolerance: 0))
        }
        // Each scenario weight keeps its ratio to its factor's weight (written to 4 decimals).
        for (scenario, written) in zip(model.scenarios, reread.scenarios) {
            #expect(Set(written.weights.keys) == Set(scenario.weights.keys))
            for (id, weight) in scenario.weights {
                let index = try #require(model.factors.firstIndex { $0.id == id })
                let expected = weights[id]! * weight / model.declaredWeights[index]
                #expect(
                    try #require(written.weights[id]).isApproximatelyEqual(to: expected, absoluteTolerance: 0.5e-4, relativeTolerance: 0))
            }
        }
        // Grading and segments are untouched.
        #expect(reread.grading == model.grading)
        #expect(reread.segments == model.segments)
    }

    @Test("flow-style factors, quoted values, comments and CRLF line endings survive")
    func styles() throws {
        let yaml = [
            "name: m   # a comment",
            "factors:",
            "  - {id: a, column: a, side: value, weight: 0.5, scale: {type: linear, min: 0, max: 1}}",
            "  - id: b",
            "    column: b",
            "    side: value",
            "    weight: '0.5'   # quoted, with a comment",
            "    scale: {type: linear, min: 0, max: 1}",
            "  - id: c",
            "    column: c",
            "    side: difficulty",
            "    weight: 1",
            "    scale: {type: linear, min: 0, max: 1}",
            "grading:",
            "  value_bands: {names: [low, high], cuts: [50]}",
            "  difficulty_bands: {names: [low, high], cuts: [50]}",
            "  grid: {high: [A, B], low: [C, D]}",
            "",
        ].joined(separator: "\r\n")
        let rewritten = try ModelWeightWriter().rewrite(yaml: yaml, file: "m.yaml", weights: ["a": 0.25, "b": 0.75])
        let lines = rewritten.components(separatedBy: "\r\n")
        #expect(lines[2] == "  - {id: a, column: a, side: value, weight: 0.25, scale: {type: linear, min: 0, max: 1}}")
        #expect(lines[6] == "    weight: 0.75   # quoted, with a comment")
        #expect(lines[11] == "    weight: 1")
        #expect(rewritten.components(separatedBy: "\r\n").count == yaml.components(separatedBy: "\r\n").count)
        #expect(!rewritten.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
    }
}
