import Foundation
import ScoringEngine
import ScoringIO
import ScoringTestSupport
import Testing

@Suite("Loading plan and actuals together")
struct PerformanceInputLoaderTests {
    func table(_ text: String, file: String) throws -> CSVTable {
        try CSVReader().read(bytes: Array(text.utf8), file: file)
    }

    let plan = """
        period,person,role,planned_sales,planned_new_accounts,expense_budget
        2024Q2,王经理,manager,800,4,30
        2024Q2,李经理,manager,600,3,25
        2024Q3,王经理,manager,900,4,30
        """

    let actual = """
        period,person,sales,new_accounts,cash_due
        2024Q1,王经理,760,3,500
        2024Q2,王经理,880,6,700
        2024Q2,张经理,475,1,400
        2024Q3,王经理,990,2,700
        2024Q4,王经理,990,2,700
        """

    @Test("plan rows without actuals and actual rows without a plan are rejects of their own file")
    func unmatched() throws {
        let loader = PerformanceInputLoader(scorecard: try PerformanceFixtures.seedScorecard())
        let result = try loader.load(plan: table(plan, file: "plan.csv"), actual: table(actual, file: "actual.csv"), period: nil)
        #expect(result.join.records.map { "\($0.period) \($0.person)" } == ["2024Q2 王经理", "2024Q3 王经理"])
        #expect(
            result.planRejects.map(\.description) == [
                "plan.csv:3:2: actual.csv has no row for 李经理 in 2024Q2; add one, or remove this plan row."
            ])
        #expect(
            result.actualRejects.map(\.description) == [
                "actual.csv:4:2: plan.csv has no row for 张经理 in 2024Q2; add one, or remove this row.",
                "actual.csv:6:2: plan.csv has no row for 王经理 in 2024Q4; add one, or remove this row.",
            ])
        #expect(result.actualRejects[0].fields == ["2024Q2", "张经理", "475", "1", "400"])
        // 2024Q1 supplied 王经理's previous sales for 2024Q2; 2024Q2 supplied 2024Q3's.
        #expect(result.join.records[0].previousSales == .previousRow(760, period: ReviewPeriod("2024Q1"), line: 2))
        #expect(result.join.records[1].previousSales == .previousRow(880, period: ReviewPeriod("2024Q2"), line: 3))
        #expect(result.join.previousPeriodActuals.map(\.line) == [2])
        #expect(result.absentPlanColumns == ["planned_settlement", "planned_developments", "growth_step"])
        #expect(result.absentActualColumns.contains("complaints"))
        #expect(!result.absentActualColumns.contains("cash_due"))
    }

    @Test("--period keeps one period; other rows are counted, not rejected")
    func period() throws {
        let loader = PerformanceInputLoader(scorecard: try PerformanceFixtures.seedScorecard())
        let result = try loader.load(
            plan: table(plan, file: "plan.csv"), actual: table(actual, file: "actual.csv"), period: ReviewPeriod("2024年第三季度"))
        #expect(result.join.records.map(\.person) == ["王经理"])
        #expect(result.planRejects.isEmpty)
        #expect(result.actualRejects.isEmpty)
        #expect(result.join.otherPeriodPlans.count == 2)
        #expect(result.join.otherPeriodActuals.map(\.line) == [2, 4, 6])
        #expect(result.join.previousPeriodActuals.map(\.line) == [3])
    }

    @Test("a period the plan does not have is an error naming the periods it has")
    func unknownPeriod() throws {
        let loader = PerformanceInputLoader(scorecard: try PerformanceFixtures.seedScorecard())
        #expect(
            throws: PerformanceDataError.periodNotInPlan(period: "2025Q1", file: "plan.csv", available: ["2024Q2", "2024Q3"])
        ) {
            try loader.load(plan: table(plan, file: "plan.csv"), actual: table(actual, file: "actual.csv"), period: ReviewPeriod("2025Q1"))
        }
        #expect(
            PerformanceDataError.periodNotInPlan(period: "2025Q1", file: "plan.csv", available: ["2024Q2", "2024Q3"]).description
                == "plan.csv: the plan has no row for the period 2025Q1; it has 2024Q2, 2024Q3. Choose one of those with --period.")
    }

    @Test("the rejects file holds where, why and the row as read")
    func rejectsFile() throws {
        let loader = PerformanceInputLoader(scorecard: try PerformanceFixtures.seedScorecard())
        let planTable = try table(plan, file: "plan.csv")
        let result = try loader.load(plan: planTable, actual: table(actual, file: "actual.csv"), period: nil)
        let text = RejectsWriter.render(result.planRejects, header: planTable.header)
        #expect(
            text == """
                line,column,reason,message,period,person,role,planned_sales,planned_new_accounts,expense_budget
                3,person,no_actual,"actual.csv has no row for 李经理 in 2024Q2; add one, or remove this plan row.",2024Q2,李经理,manager,600,3,25

                """)
    }

    @Test("the bundled sample reads without rejects and joins eight people")
    func bundled() throws {
        let scorecard = try ScorecardFileReader().read(contentsOf: Paths.packageRoot + "/models/scorecard.yaml")
        let planTable = try CSVReader().read(contentsOf: Paths.packageRoot + "/datasets/kpi-plan.csv")
        let actualTable = try CSVReader().read(contentsOf: Paths.packageRoot + "/datasets/kpi-actuals.csv")
        let result = try PerformanceInputLoader(scorecard: scorecard).load(plan: planTable, actual: actualTable, period: nil)
        #expect(result.planRejects.isEmpty)
        #expect(result.actualRejects.isEmpty)
        #expect(result.join.records.count == 8)
        #expect(result.absentActualColumns.isEmpty)
        #expect(result.absentPlanColumns.isEmpty)
        // The sample's people are the engine tests' hand-worked ones.
        let review = PerformanceReview(records: result.join.records, scorecard: scorecard, profiles: nil)
        let totals = review.people.map { $0.scorecard.result?.total }
        #expect(totals == [nil, 99.5, 67, 66.5, 87.5, 69.5, 78, 60])
    }
}
