import ScoringEngine
import ScoringTestSupport
import Testing

@Suite("Joining plan and actual rows")
struct PerformanceJoinTests {
    typealias F = PerformanceFixtures

    @Test("rows join by period and person; the rest is sorted by why, none lost")
    func join() {
        let plans = [
            F.plan("A", line: 2), F.plan("B", line: 3), F.plan("C", period: "2024Q3", line: 4),
        ]
        let actuals = [
            F.actual("A", previousSales: nil, line: 2),  // joins; previous from the 2024Q1 row
            F.actual("A", sales: 700, previousSales: nil, period: "2024Q1", line: 3),  // previous period of A
            F.actual("D", line: 4),  // no plan
            F.actual("C", period: "2024Q3", line: 5),  // joins
            F.actual("E", period: "2023Q1", line: 6),  // a period the plan lacks
        ]
        let join = PerformanceJoin.join(plans: plans, actuals: actuals, period: nil)
        #expect(join.periods.map(\.label) == ["2024Q2", "2024Q3"])
        #expect(join.records.map(\.person) == ["A", "C"])
        #expect(join.records[0].previousSales == .previousRow(700, period: ReviewPeriod("2024Q1"), line: 3))
        #expect(join.records[1].previousSales == .stated(800))
        #expect(join.plansWithoutActuals.map(\.person) == ["B"])
        #expect(join.actualsWithoutPlans.map(\.line) == [4, 6])
        #expect(join.previousPeriodActuals.map(\.line) == [3])
        let accounted =
            join.records.count * 2 + join.plansWithoutActuals.count + join.actualsWithoutPlans.count
            + join.previousPeriodActuals.count + join.otherPeriodPlans.count + join.otherPeriodActuals.count
        #expect(accounted == plans.count + actuals.count)
    }

    @Test("a period filter leaves other periods out, counted")
    func filter() {
        let plans = [F.plan("A", line: 2), F.plan("A", period: "2024Q3", line: 3)]
        let actuals = [
            F.actual("A", previousSales: nil, line: 2), F.actual("A", period: "2024Q3", line: 3), F.actual("A", period: "2024Q4", line: 4),
        ]
        let join = PerformanceJoin.join(plans: plans, actuals: actuals, period: ReviewPeriod("2024-Q3"))
        #expect(join.records.map(\.plan.line) == [3])
        #expect(join.records[0].previousSales == .stated(800))
        #expect(join.otherPeriodPlans.map(\.line) == [2])
        #expect(join.otherPeriodActuals.map(\.line) == [2, 4])
    }

    @Test("a stated previous_sales wins over the previous period's row; none leaves growth unknown")
    func previous() {
        let plans = [F.plan("A"), F.plan("B", period: "H1")]
        let actuals = [
            F.actual("A", previousSales: 10), F.actual("A", sales: 99, previousSales: nil, period: "2024Q1", line: 3),
            F.actual("B", previousSales: nil, period: "H1", line: 4),
        ]
        let join = PerformanceJoin.join(plans: plans, actuals: actuals, period: nil)
        #expect(join.records[0].previousSales == .stated(10))
        #expect(join.records[1].previousSales == .unknown(previousPeriod: nil))
        // The 2024Q1 row was not needed, and no 2024Q1 plan: it is reported as without plan.
        #expect(join.actualsWithoutPlans.map(\.line) == [3])
    }

    @Test("a review groups people into teams with ratio-of-sums indicators and scorecard totals")
    func review() throws {
        let people = ScorecardTests.samplePeople()
        let order = ["赵总监", "王经理", "李经理", "张经理", "陈专员", "刘专员", "杨专员", "周专员"]
        let records = try order.map { try #require(people[$0]) }
        let review = PerformanceReview(records: records, scorecard: try F.seedScorecard(), profiles: nil)
        #expect(review.people.map(\.record.person) == order)
        let team = try #require(review.teams.first)
        #expect(review.teams.count == 1)
        #expect(team.members.count == 8)
        #expect(team.scorecardTotals == [99.5, 67, 66.5, 87.5, 69.5, 78, 60])
        #expect(team.notScored == 1)
        // Σ sales / Σ planned sales = 3526 / 3470.
        let sales = team.value(of: .salesCompletion)
        #expect(sales.covered == 8)
        #expect(sales.value == .percent(100 * 3526.0 / 3470, numerator: 3526, denominator: 3470))
        #expect(review.unassignedAccounts.isEmpty)
    }
}
