import RealModule
import ScoringEngine
import ScoringTestSupport
import Testing

/// Whole scorecards (§2.2) of the bundled sample's people, worked by hand, and the checks
/// on scorecard rules.
@Suite("Scorecard (§2.2, 100 points)")
struct ScorecardTests {
    typealias F = PerformanceFixtures

    /// The bundled sample (datasets/kpi-plan.csv, kpi-actuals.csv) as records.
    static func samplePeople() -> [String: PerformanceRecord] {
        func inputs(
            _ ratings: [Double?], complaints: Double, absent: Double, late: [Double], unreported: [Double], conduct: Double
        ) -> [String: [Double]] {
            var values: [String: [Double]] = [
                "complaints": [complaints], "absence_days": [absent], "late_count": late,
                "unreported_field_days": unreported, "conduct_violations": [conduct],
            ]
            let columns = ["market_information", "teamwork", "knowledge", "judgement", "communication", "responsibility"]
            for (column, rating) in zip(columns, ratings) { if let rating { values[column] = [rating] } }
            return values
        }
        return [
            "王经理": F.record(
                F.plan("王经理", sales: 800, settlement: 700, developments: 12, newAccounts: 4, budget: 30),
                F.actual(
                    "王经理", sales: 880, newAccounts: 6, previousSales: 760,
                    inputs: inputs([9, 9, 9, 4, 5.5, 5], complaints: 0, absent: 0, late: [0, 1, 0], unreported: [0, 0, 0], conduct: 0))),
            "李经理": F.record(
                F.plan("李经理", sales: 600, newAccounts: 3, budget: 25),
                F.actual(
                    "李经理", sales: 552, newAccounts: 2, previousSales: 590,
                    inputs: inputs([7, 8, 7, 3.5, 5, 4.5], complaints: 1, absent: 1, late: [2, 0, 5], unreported: [0, 7, 0], conduct: 1))),
            "张经理": F.record(
                F.plan("张经理", sales: 500, newAccounts: 3, budget: 20),
                F.actual(
                    "张经理", sales: 475, newAccounts: 1, previousSales: nil,
                    inputs: inputs([8, 7, 8, 3, 4.5, 3], complaints: 2, absent: 0, late: [0, 0, 0], unreported: [0, 0, 0], conduct: 0))),
            "陈专员": F.record(
                F.plan("陈专员", role: .specialist, sales: 150, newAccounts: 1, budget: 6, growthStep: 5),
                F.actual(
                    "陈专员", sales: 160, newAccounts: 1, previousSales: 120,
                    inputs: inputs([8, 9, 6, 3, 5, 4.5], complaints: 0, absent: 2, late: [0], unreported: [0], conduct: 0))),
            "刘专员": F.record(
                F.plan("刘专员", role: .specialist, sales: 120, newAccounts: 1, budget: 5, growthStep: 5),
                F.actual(
                    "刘专员", sales: 96, newAccounts: 0, previousSales: 100,
                    inputs: inputs([6, 8, 5, 3, 5, 4.5], complaints: 0, absent: 0, late: [1, 1, 1], unreported: [0], conduct: 0))),
            "杨专员": F.record(
                F.plan("杨专员", role: .specialist, sales: 100, newAccounts: 1, budget: 5, growthStep: 5),
                F.actual(
                    "杨专员", sales: 103, newAccounts: 2, previousSales: 80,
                    inputs: inputs([7, 7, 6, 3, nil, 5], complaints: 0, absent: 0, late: [0, 0, 0], unreported: [0], conduct: 0))),
            "周专员": F.record(
                F.plan("周专员", role: .specialist, sales: 0, newAccounts: 0, budget: 4, growthStep: 5),
                F.actual(
                    "周专员", sales: 0, newAccounts: 0, previousSales: 0,
                    inputs: inputs([9, 10, 7, 3.5, 5.5, 5], complaints: 0, absent: 0, late: [0], unreported: [0], conduct: 0))),
            "赵总监": F.record(
                F.plan("赵总监", role: .director, sales: 1200, newAccounts: 2, budget: 40),
                F.actual("赵总监", sales: 1260, newAccounts: 2, previousSales: 1100, inputs: [:])),
        ]
    }

    struct Missing: Error {}

    /// The scorecard of one sample person.
    func card(_ person: String, policy: Scorecard.NotApplicablePolicy = .zero) throws -> ScorecardResult {
        guard let record = Self.samplePeople()[person], let result = try F.seedScorecard(policy: policy).evaluate(record).result
        else { throw Missing() }
        return result
    }

    @Test(
        "each person's items and total, worked by hand",
        arguments: [
            // sales growth new info team know judg comm attend conduct resp service = total
            ("王经理", [27, 10, 7, 9, 9, 9, 4, 5.5, 4, 5, 5, 5], 99.5),  // 110%: +2; +120万: 12 capped 10; +2 new
            ("李经理", [24, 0, 5, 7, 8, 7, 3.5, 5, 0, 3, 4.5, 0], 67),  // 92%; fall; 1 short; 5 − (1+3+1)
            ("张经理", [24, nil, 4, 8, 7, 8, 3, 4.5, 5, 5, 3, -5], 66.5),  // 95% exactly; no previous; 2 short; 2 complaints
            ("陈专员", [26, 8, 5, 8, 9, 6, 3, 5, 3, 5, 4.5, 5], 87.5),  // 106.7%; +40万 / 5万; 2 days absent
            ("刘专员", [21, 0, 5, 6, 8, 5, 3, 5, 2, 5, 4.5, 5], 69.5),  // 80%; late 1/1/1
            ("杨专员", [25, 4, 6, 7, 7, 6, 3, nil, 5, 5, 5, 5], 78),  // 103%; +23万 / 5万; no communication rating
            ("周专员", [nil, 0, 5, 9, 10, 7, 3.5, 5.5, 5, 5, 5, 5], 60),  // plan of zero
        ] as [(String, [Double?], Double)])
    func samplePerson(person: String, items: [Double?], total: Double) throws {
        let record = try #require(Self.samplePeople()[person])
        let result = try #require(try F.seedScorecard().evaluate(record).result)
        #expect(result.items.map(\.points) == items)
        #expect(result.total == total)
        #expect(result.maximum == 100)
        #expect(result.isComplete == !items.contains(nil))
    }

    @Test("rescale: n/a items leave the total scaled to 100 over the items scored")
    func rescale() throws {
        let zhou = try card("周专员", policy: .rescale)
        #expect(zhou.points == 60)
        #expect(zhou.possible == 75)
        #expect(try #require(zhou.total).isApproximatelyEqual(to: 80, absoluteTolerance: 1e-12, relativeTolerance: 1e-12))
        let zhang = try card("张经理", policy: .rescale)
        #expect(try #require(zhang.total).isApproximatelyEqual(to: 66.5 * 100 / 90, absoluteTolerance: 1e-12, relativeTolerance: 1e-12))
    }

    @Test("the director is not on the §2.2 scorecard")
    func director() throws {
        let director = try #require(Self.samplePeople()["赵总监"])
        let outcome = try F.seedScorecard().evaluate(director)
        #expect(outcome == .notScored(NotApplicable(.roleNotScored(role: .director, scoredRoles: [.manager, .specialist]))))
        #expect(outcome.result == nil)
        if case .notScored(let reason) = outcome {
            #expect(reason.message(.en) == "the scorecard reviews manager, specialist, not a director")
            #expect(reason.message(.zh) == "评分卡适用于经理、专员,不适用于总监")
        }
    }

    @Test("the explanation words the computation, in English and Chinese")
    func explanations() throws {
        let wang = try card("王经理")
        #expect(wang.items[0].explanation(.en) == "sales 880 of plan 800 = 110%: 2 whole steps of 5% above 100% → 25 + 2 = 27")
        #expect(wang.items[0].explanation(.zh) == "销售额 880 / 计划 800 = 110%:高于100% 2 个完整的5%档 → 25 + 2 = 27")
        #expect(
            wang.items[1].explanation(.en)
                == "sales 880 against 760 before: +120万: 12 whole steps of 10万 above the previous period → 0 + 12 = 12, capped at the maximum 10"
        )
        #expect(wang.items[8].explanation(.en) == "late_count 0/1/0 → −1; 5 − 1 = 4")
        #expect(wang.items[9].explanation(.en) == "nothing deducted (conduct_violations 0) → 5")
        #expect(wang.items[9].explanation(.zh) == "无扣分(conduct_violations 0)→ 5")
        let li = try card("李经理")
        #expect(li.items[2].explanation(.en) == "2 new accounts against a plan of 3: -1: less than one whole step of 2 below the plan → 5")
        #expect(li.items[1].explanation(.en) == "sales 552 against 590 before: -38万: below the standard, no deduction → 0")
        let zhang = try card("张经理")
        #expect(zhang.items[11].explanation(.en) == "complaints 2 → −10; 5 − 10 = -5")
        #expect(zhang.items[1].explanation(.en) == "n/a: no 'previous_sales' and no actual row for 2024Q1")
        #expect(zhang.items[6].explanation(.zh) == "评分 3(满分 4)")
    }

    @Test("inconsistent rules are refused with a message that says what to fix")
    func validation() {
        let items = F.seedItems()
        #expect(throws: ScorecardError.noItems) { try Scorecard(name: "x", roles: [.manager], notApplicable: .zero, items: []) }
        #expect(throws: ScorecardError.noRoles) { try Scorecard(name: "x", roles: [], notApplicable: .zero, items: items) }
        #expect(throws: ScorecardError.duplicateItem("teamwork")) {
            try Scorecard(name: "x", roles: [.manager], notApplicable: .zero, items: items + [items[4]])
        }
        func one(_ rule: ScorecardItem.Rule, maximum: Double = 5) throws {
            _ = try Scorecard(
                name: "x", roles: [.manager], notApplicable: .zero,
                items: [ScorecardItem(id: "x", label: LocalizedLabel(en: "x", zh: "x"), maximum: maximum, rule: rule)])
        }
        #expect(throws: ScorecardError.nonPositiveMaximum(item: "x", value: 0)) { try one(.rating(RatingRule(column: "x")), maximum: 0) }
        #expect(throws: ScorecardError.nonPositiveStep(item: "x", value: 0)) {
            try one(
                .stepped(
                    SteppedRule(measure: .salesCompletion, standard: 100, pointsAtStandard: 5, above: .init(step: 0, points: 1), below: nil)
                ))
        }
        #expect(throws: ScorecardError.pointsAtStandardOutOfRange(item: "x", value: 6, maximum: 5)) {
            try one(.stepped(SteppedRule(measure: .salesCompletion, standard: 100, pointsAtStandard: 6, above: nil, below: nil)))
        }
        #expect(throws: ScorecardError.levelOutOfRange(item: "x", level: "6", maximum: 5)) {
            try one(.rating(RatingRule(column: "x", levels: [.init(points: 6...6)])))
        }
        let closed = DeductionRule(deductions: [
            .init(column: "late", charge: .monthlyTiers([.init(from: 1, to: 3, points: 1), .init(from: 4, to: 6, points: 2)]))
        ])
        #expect(
            throws: ScorecardError.badTiers(
                item: "x", column: "late", problem: "end at 6; remove the last tier's 'to' so that every higher count is charged too.")
        ) { try one(.deductions(closed)) }
        let gap = DeductionRule(deductions: [
            .init(column: "late", charge: .monthlyTiers([.init(from: 1, to: 3, points: 1), .init(from: 5, points: 2)]))
        ])
        #expect(throws: (any Error).self) { try one(.deductions(gap)) }
        #expect(
            ScorecardError.badTiers(
                item: "attendance", column: "late_count",
                problem: "end at 6; remove the last tier's 'to' so that every higher count is charged too."
            ).description
                == "the tiers of 'late_count' in 'attendance' end at 6; remove the last tier's 'to' so that every higher count is charged too."
        )
    }
}
