import ScoringEngine
import ScoringIO
import ScoringTestSupport
import Testing

/// Plan and actuals files: what is read, and every kind of bad row with file:line:column.
@Suite("Plan and actuals files")
struct PerformanceFileReaderTests {
    func table(_ text: String, file: String) throws -> CSVTable {
        try CSVReader().read(bytes: Array(text.utf8), file: file)
    }

    static let planHeader =
        "period,person,role,team,planned_sales,planned_settlement,planned_developments,planned_new_accounts,expense_budget,growth_step\n"

    @Test("a plan row reads money in 万元 from any unit, counts, roles and optional blanks")
    func plan() throws {
        let text =
            Self.planHeader + """
                2024Q2,王经理,manager,华东组,"1,800",18000000元,12,4,30万,
                2024-Q2,陈专员,专员,,0.015亿,,,1,6,5
                """
        let result = try PlanFileReader().read(table(text, file: "plan.csv"))
        #expect(result.rejects.isEmpty)
        #expect(result.plans.count == 2)
        let wang = result.plans[0]
        #expect(wang.plannedSales == 1800)
        #expect(wang.plannedSettlement == 1800)
        #expect(wang.expenseBudget == 30)
        #expect(wang.plannedNewAccounts == 4)
        #expect(wang.team == "华东组")
        #expect(wang.growthStep == nil)
        #expect(wang.line == 2)
        let chen = result.plans[1]
        #expect(chen.period.label == "2024Q2")
        #expect(chen.role == .specialist)
        #expect(chen.team == "大客户部")
        #expect(chen.plannedSales == 150)
        #expect(chen.plannedSettlement == nil)
        #expect(chen.growthStep == 5)
    }

    @Test("bad plan rows are rejected with line, column and a fix; good rows still read")
    func badPlanRows() throws {
        let text =
            Self.planHeader + """
                2024Q2,A,manager,,800,700,12,4,30,
                2024Q2,B,boss,,800,700,12,4,30,
                2024Q2,C,manager,,,700,12,4,30,
                2024Q2,D,manager,,about 800,700,12,4,30,
                2024Q2,E,manager,,800,700,12,2.5,30,
                2024Q2,F,manager,,-800,700,12,4,30,
                2024Q2,A,manager,,800,700,12,4,30,
                2024Q2,G,manager,,800,700,12,4
                2024Q2,H,manager,,800,700,12,4,30,0
                2024Q2,I,manager,,800,700,12,4,35%,
                """
        let result = try PlanFileReader().read(table(text, file: "plan.csv"))
        #expect(result.plans.map(\.person) == ["A"])
        #expect(result.rowsRead == 10)
        #expect(
            result.rejects.map(\.description) == [
                "plan.csv:3:3: 'role' is 'boss'; write director, manager or specialist (or 总监, 经理, 专员).",
                "plan.csv:4:5: 'planned_sales' is blank, and every row needs it; fill it in (write 0 for none).",
                "plan.csv:5:5: 'planned_sales' is 'about 800', which is not a number; write digits such as 1800, 1,800 or 18.5.",
                "plan.csv:6:8: 'planned_new_accounts' is '2.5'; it is a count, so write a whole number.",
                "plan.csv:7:5: 'planned_sales' is '-800'; it must be at least 0.",
                "plan.csv:8:2: A already has a row for 2024Q2 on line 2; give each person one row per period.",
                "plan.csv:9: the row has 8 fields but the header has 10; check for a missing or extra delimiter, or quote fields that contain one.",
                "plan.csv:10:10: 'growth_step' is '0'; the sales growth that earns one point must be more than 0 (or leave it blank for the scorecard's step).",
                "plan.csv:11:9: 'expense_budget' is '35%', whose unit does not fit the column's unit (wan); write the amount in 万元 (or with 元, 万 or 亿).",
            ])
        #expect(
            result.rejects.map(\.reason.code) == [
                "unknown_role", "missing_value", "not_a_number", "not_whole", "negative", "duplicate_row", "field_count",
                "growth_step_not_positive", "wrong_unit",
            ])
    }

    @Test("a plan without a required column is refused, listing what the file has")
    func missingColumn() throws {
        #expect(throws: PerformanceDataError.self) {
            try PlanFileReader().read(try table("period,person,role,planned_sales\n2024Q2,A,manager,1\n", file: "plan.csv"))
        }
        let error = PerformanceDataError.missingColumns(
            file: "plan.csv", kind: "plan", missing: ["planned_new_accounts", "expense_budget"],
            available: ["period", "person", "role", "planned_sales"])
        #expect(
            error.description
                == "plan.csv: a plan needs the columns 'planned_new_accounts', 'expense_budget', which the file lacks. The file has: period, person, role, planned_sales. Rename the header (see `kam kpi --help`)."
        )
    }

    static let actualHeader =
        "period,person,sales,new_accounts,cash_due,accounts_at_start,accounts_lost,late_count,complaints,judgement,responsibility,notes\n"

    @Test("actuals read monthly count lists, ratings and not-recorded blanks")
    func actuals() throws {
        let text =
            Self.actualHeader + """
                2024Q2,王经理,880,6,0,20,1,2;0;5,0,3.5,0-3 ignored,
                2024Q2,李经理,552,2,,16,2,3,无,4,2.5,x
                """
        let result = try ActualFileReader(scorecard: try PerformanceFixtures.seedScorecard()).read(table(text, file: "actual.csv"))
        #expect(
            result.rejects.map(\.description) == [
                "actual.csv:2:11: 'responsibility' is '0-3 ignored', which is not a number; write digits such as 1800, 1,800 or 18.5."
            ])
        #expect(result.ignoredColumns == ["notes"])
        let li = try #require(result.actuals.first)
        #expect(li.person == "李经理")
        #expect(li.cashDue == nil)
        #expect(li.scoreInputs["late_count"] == [3])
        #expect(li.scoreInputs["complaints"] == nil)  // 无 is a missing code: not recorded
        #expect(li.scoreInputs["judgement"] == [4])
        #expect(li.scoreInputs["responsibility"] == [2.5])
        let fixed = try ActualFileReader(scorecard: try PerformanceFixtures.seedScorecard()).read(
            table(text.replacingOccurrences(of: "0-3 ignored", with: "5"), file: "actual.csv"))
        #expect(fixed.actuals[0].scoreInputs["late_count"] == [2, 0, 5])
        #expect(fixed.actuals[0].cashDue == 0)
    }

    @Test("bad actual rows: ratings off the scale, lists too long, lost accounts never held")
    func badActualRows() throws {
        let text =
            Self.actualHeader + """
                2024Q2,A,880,6,0,20,1,0,0,5,5,
                2024Q2,B,880,6,0,20,1,0,0,3.2,5,
                2024Q2,C,880,6,0,20,1,1;2;3;4,0,3,5,
                2024Q2,D,880,6,0,3,5,0,0,3,5,
                2024Q2,E,880,6,0,20,1,0,1;2,3,5,
                2024Q2,F,880,6,0,20,1,0,0,3,4,
                2024-06,G,880,6,0,20,1,1;2,0,3,5,
                """
        let result = try ActualFileReader(scorecard: try PerformanceFixtures.seedScorecard()).read(table(text, file: "actual.csv"))
        // Row 6 (E): complaints '1;2' is a list of monthly counts, which a count column accepts.
        #expect(result.actuals.map(\.person) == ["E"])
        #expect(result.actuals.first?.scoreInputs["complaints"] == [1, 2])
        #expect(
            result.rejects.map(\.description) == [
                "actual.csv:2:10: 'judgement' is '5', but 'judgement' is rated from 0 to 4; write a rating in that range.",
                "actual.csv:3:10: 'judgement' is '3.2', which is not a level of 'judgement'; use one of 4, 3.5, 3, 2.5 (see the scorecard file).",
                "actual.csv:4:8: 'late_count' is '1;2;3;4': 4 monthly values, but 2024Q2 has 3 months; write at most one value per month.",
                "actual.csv:5:7: 'accounts_lost' is 5 but 'accounts_at_start' is 3; accounts lost in a period were held at its start, so correct one of them.",
                "actual.csv:7:11: 'responsibility' is '4', which is not a level of 'responsibility'; use one of 5, 4.5, 0–3 (see the scorecard file).",
                "actual.csv:8:8: 'late_count' is '1;2': 2 monthly values, but 2024-06 has 1 month; write at most one value per month.",
            ])
    }
}
