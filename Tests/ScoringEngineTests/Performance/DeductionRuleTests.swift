import ScoringEngine
import ScoringTestSupport
import Testing

/// Attendance, conduct and complaints (§2.2 工作态度, 服务意识) against hand-worked points.
@Suite("Scorecard deductions and ratings (§2.2)")
struct DeductionRuleTests {
    func rule(_ id: String) throws -> (DeductionRule, Double) {
        let item = try #require(PerformanceFixtures.seedItems().first { $0.id == id })
        guard case .deductions(let rule) = item.rule else { throw RuleMissing() }
        return (rule, item.maximum)
    }

    struct RuleMissing: Error {}

    @Test(
        "attendance: −1 per day absent, late 1–3 times in a month −1, 4 or more −2, unreported field days over 5 −1",
        arguments: [
            ([0.0], [0.0, 0.0, 0.0], [0.0], 5.0),
            ([1.0], [0.0, 1.0, 0.0], [0.0], 3.0),
            ([0.0], [2.0, 0.0, 5.0], [0.0], 2.0),  // 1 + 0 + 2
            ([0.0], [3.0], [0.0], 4.0),
            ([0.0], [4.0], [0.0], 3.0),
            ([0.0], [6.0], [0.0], 3.0),
            ([0.0], [9.0], [0.0], 3.0),  // beyond the seed's 6: still 2
            ([0.0], [0.0], [5.0], 5.0),  // up to 5 is allowed
            ([0.0], [0.0], [6.0, 0.0, 7.0], 3.0),  // two months over 5
            ([1.0], [2.0, 0.0, 5.0], [0.0, 7.0, 0.0], 0.0),  // 5 − 5
            ([4.0], [4.0, 4.0, 4.0], [0.0], 0.0),  // 5 − 10, floored
        ])
    func attendance(absent: [Double], late: [Double], unreported: [Double], points: Double) throws {
        let (rule, maximum) = try rule("attendance")
        let counts = ["absence_days": absent, "late_count": late, "unreported_field_days": unreported]
        let outcome = try rule.outcome(counts: counts, maximum: maximum).get()
        #expect(outcome.points == points)
    }

    @Test("conduct: −2 per violation, not below 0")
    func conduct() throws {
        let (rule, maximum) = try rule("conduct")
        #expect(try rule.outcome(counts: ["conduct_violations": [1]], maximum: maximum).get().points == 3)
        #expect(try rule.outcome(counts: ["conduct_violations": [3]], maximum: maximum).get().points == 0)
    }

    @Test("complaints: −5 each, with no floor, so a second complaint reaches into the total")
    func complaints() throws {
        let (rule, maximum) = try rule("service")
        #expect(try rule.outcome(counts: ["complaints": [0]], maximum: maximum).get().points == 5)
        #expect(try rule.outcome(counts: ["complaints": [1]], maximum: maximum).get().points == 0)
        #expect(try rule.outcome(counts: ["complaints": [2]], maximum: maximum).get().points == -5)
    }

    @Test("a count not recorded makes the item n/a, naming the column")
    func notRecorded() throws {
        let (rule, maximum) = try rule("attendance")
        let result = rule.outcome(counts: ["absence_days": [0], "late_count": [0]], maximum: maximum)
        #expect(throws: NotApplicable(.notRecorded(field: "unreported_field_days"))) { try result.get() }
    }

    @Test("ratings: levels are exact points or ranges within the maximum")
    func ratings() {
        let judgement = RatingRule(column: "judgement", levels: [4, 3.5, 3, 2.5].map { .init(points: $0...$0) })
        #expect(judgement.problem(with: 3.5, maximum: 4) == nil)
        #expect(judgement.problem(with: 3.2, maximum: 4) == .notALevel(levels: ["4", "3.5", "3", "2.5"]))
        #expect(judgement.problem(with: 5, maximum: 4) == .outOfRange(maximum: 4))
        let responsibility = RatingRule(
            column: "responsibility", levels: [.init(points: 5...5), .init(points: 4.5...4.5), .init(points: 0...3)])
        #expect(responsibility.problem(with: 2.5, maximum: 5) == nil)
        #expect(responsibility.problem(with: 4, maximum: 5) == .notALevel(levels: ["5", "4.5", "0–3"]))
        #expect(RatingRule(column: "teamwork").problem(with: 7.5, maximum: 10) == nil)
        #expect(RatingRule(column: "teamwork").problem(with: -1, maximum: 10) == .outOfRange(maximum: 10))
    }
}
