import ScoringEngine
import ScoringIO
import ScoringTestSupport
import Testing

@Suite("Scorecard files")
struct ScorecardFileReaderTests {
    static let minimal = """
        name: tiny
        items:
          - id: sales
            maximum: 25
            stepped:
              measure: sales_completion
              standard: 100
              points_at_standard: 25
              below: {step: 5, points: 1}
              above: {step: 5, points: 1}
          - id: service
            maximum: 5
            deductions:
              floor: null
              rules:
                - {column: complaints, each: 5}
        """

    func read(_ yaml: String) throws(ModelFileError) -> Scorecard {
        try ScorecardFileReader().read(yaml: yaml, file: "models/test.yaml")
    }

    func error(_ yaml: String) -> ModelFileError? {
        do {
            _ = try read(yaml)
            return nil
        } catch {
            return error
        }
    }

    /// A rule with level labels removed, to compare rules with the code-built fixture.
    func bare(_ rule: ScorecardItem.Rule) -> ScorecardItem.Rule {
        guard case .rating(let rating) = rule else { return rule }
        return .rating(RatingRule(column: rating.column, levels: rating.levels.map { .init(points: $0.points) }))
    }

    @Test("models/scorecard.yaml reads as the seed's rules, item by item")
    func bundled() throws {
        let scorecard = try ScorecardFileReader().read(contentsOf: Paths.packageRoot + "/models/scorecard.yaml")
        let expected = try PerformanceFixtures.seedScorecard()
        #expect(scorecard.name == "seed")
        #expect(scorecard.roles == [.manager, .specialist])
        #expect(scorecard.notApplicable == .zero)
        #expect(scorecard.maximum == 100)
        #expect(scorecard.items.map(\.id) == expected.items.map(\.id))
        for (item, fixture) in zip(scorecard.items, expected.items) {
            #expect(item.maximum == fixture.maximum, "\(item.id)")
            #expect(item.label == fixture.label, "\(item.id)")
            #expect(item.shortLabel == fixture.shortLabel, "\(item.id)")
            #expect(bare(item.rule) == fixture.rule, "\(item.id)")
            #expect(item.source.hasPrefix("§2.2"), "\(item.id) needs its § reference")
        }
    }

    @Test("file-level defaults apply to stepped items; an item may override them")
    func defaults() throws {
        let scorecard = try read(
            "partial_steps: proportional\nbonus_may_exceed_maximum: false\nnot_applicable: rescale\nroles: [manager]\n" + Self.minimal)
        #expect(scorecard.notApplicable == .rescale)
        #expect(scorecard.roles == [.manager])
        guard case .stepped(let rule) = scorecard.items[0].rule else {
            Issue.record("not stepped")
            return
        }
        #expect(rule.partialSteps == .proportional)
        #expect(!rule.bonusMayExceedMaximum)
        #expect(rule.floor == 0)
        guard case .deductions(let service) = scorecard.items[1].rule else {
            Issue.record("not deductions")
            return
        }
        #expect(service.floor == nil)
        let overridden = try read(
            Self.minimal.replacingOccurrences(of: "      standard: 100", with: "      standard: 100\n      partial_steps: started"))
        guard case .stepped(let started) = overridden.items[0].rule else {
            Issue.record("not stepped")
            return
        }
        #expect(started.partialSteps == .started)
    }

    @Test(
        "mistakes name the line and say what to write",
        arguments: [
            (
                Self.minimal.replacingOccurrences(of: "standard: 100", with: "standrd: 100"), 7,
                "unknown key 'standrd' in item 'sales' stepped; allowed keys: measure, standard, points_at_standard, above, below, partial_steps, bonus_may_exceed_maximum, floor."
            ),
            (
                "partial_steps: most\n" + Self.minimal, 1,
                "partial_steps is 'most'; it must be one of: whole, started, proportional."
            ),
            (
                Self.minimal.replacingOccurrences(of: "measure: sales_completion", with: "measure: profit"), 6,
                "item 'sales' measure is 'profit'; it must be one of: sales_completion, sales_growth, new_accounts_vs_plan."
            ),
            (
                Self.minimal.replacingOccurrences(of: "below: {step: 5, points: 1}", with: "below: {step: 0, points: 1}"), 3,
                "a step of 'sales' is 0; steps must be more than 0."
            ),
            (
                Self.minimal.replacingOccurrences(of: "- id: service", with: "- id: sales"), 11,
                "item 'sales' is defined twice; give each item its own id."
            ),
            (
                Self.minimal.replacingOccurrences(of: "    maximum: 5\n", with: ""), 11,
                "item 'service' needs a 'maximum' key."
            ),
            (
                Self.minimal
                    + "\n  - id: late\n    maximum: 5\n    deductions:\n      rules:\n        - column: late_count\n          monthly_tiers:\n            - {from: 1, to: 3, points: 1}\n            - {from: 4, to: 6, points: 2}\n",
                17,
                "the tiers of 'late_count' in 'late' end at 6; remove the last tier's 'to' so that every higher count is charged too."
            ),
            (
                Self.minimal + "\n  - id: judgement\n    maximum: 4\n    rating:\n      column: judgement\n      levels: [{points: 5}]\n",
                17,
                "level 5 of 'judgement' lies outside 0–4; levels must be within the item's maximum."
            ),
            (
                Self.minimal + "\n  - id: both\n    maximum: 4\n    rating: {column: x}\n    deductions: {rules: []}\n", 17,
                "item 'both' needs exactly one of 'stepped', 'rating' or 'deductions', not rating and deductions."
            ),
            ("roles: [boss]\n" + Self.minimal, 1, "a role is 'boss'; it must be one of: director, manager, specialist."),
        ])
    func mistakes(yaml: String, line: Int, message: String) {
        let error = self.error(yaml)
        #expect(error?.line == line)
        #expect(error?.message == message)
        #expect(error?.description == "models/test.yaml, line \(line): \(message)")
    }
}
