import RealModule
import ScoringEngine
import ScoringTestSupport
import Testing

/// Each indicator against figures worked by hand (seed §2.1). Tolerance: 1e-12 relative;
/// the values are ratios of small decimals computed as 100 × n / d.
@Suite("Performance indicators (§2.1)")
struct IndicatorCalculatorTests {
    let calculator = IndicatorCalculator()

    func percent(_ value: IndicatorValue) -> Double? { value.percent }

    func close(_ value: IndicatorValue, _ expected: Double) -> Bool {
        guard let actual = value.percent else { return false }
        return actual.isApproximatelyEqual(to: expected, absoluteTolerance: 1e-12, relativeTolerance: 1e-12)
    }

    /// 李经理 of the bundled sample: plan 600 / 500 / 10 / 3 / 25; actual 552, settled 430,
    /// collected 480 of 600 due, expenses 27, 16 accounts at start, 7 developed, 2 new,
    /// 2 lost, previous sales 590.
    var sample: PerformanceRecord {
        PerformanceFixtures.record(
            PerformanceFixtures.plan("李经理", sales: 600, settlement: 500, developments: 10, newAccounts: 3, budget: 25),
            PerformanceFixtures.actual(
                "李经理", sales: 552, settled: 430, collected: 480, due: 600, expenses: 27, atStart: 16, developed: 7,
                newAccounts: 2, lost: 2, previousSales: 590))
    }

    @Test("every indicator of one manager, worked by hand")
    func handWorked() {
        let record = sample
        func value(_ indicator: Indicator) -> IndicatorValue { calculator.value(of: indicator, for: record, profile: nil) }
        #expect(close(value(.salesCompletion), 92))  // 552 / 600
        #expect(close(value(.developmentCompletion), 70))  // 7 / 10
        #expect(close(value(.settlementRate), 86))  // 430 / 500
        #expect(close(value(.collectionRate), 80))  // 480 / 600
        #expect(close(value(.expenseControl), 108))  // 27 / 25
        #expect(close(value(.churnRate), 12.5))  // 2 / 16
        #expect(close(value(.newAccountRate), 12.5))  // 2 / 16
        #expect(close(value(.salesGrowth), -3800.0 / 590))  // (552 − 590) / 590 = −6.44…
        #expect(value(.profileCompleteness) == .notApplicable(NotApplicable(.noProspectList)))
        #expect(value(.salesCompletion) == .percent(92, numerator: 552, denominator: 600))
    }

    @Test("more than 100% is reported as it is, not capped")
    func aboveHundred() {
        let record = PerformanceFixtures.record(
            PerformanceFixtures.plan(sales: 800), PerformanceFixtures.actual(sales: 880, collected: 420, due: 400))
        #expect(close(calculator.value(of: .salesCompletion, for: record, profile: nil), 110))
        #expect(close(calculator.value(of: .collectionRate, for: record, profile: nil), 105))
    }

    @Test("a plan of zero, no cash due, no budget and no accounts make indicators n/a, never NaN")
    func zeroDenominators() {
        let record = PerformanceFixtures.record(
            PerformanceFixtures.plan(sales: 0, settlement: 0, developments: 0, newAccounts: 0, budget: 0),
            PerformanceFixtures.actual(sales: 50, settled: 0, collected: 0, due: 0, expenses: 3, atStart: 0, previousSales: 0))
        let values = calculator.values(for: record, profile: ProfileSummary())
        for value in values {
            #expect(value.percent == nil)
            #expect(value.notApplicable != nil)
        }
        #expect(
            calculator.value(of: .salesCompletion, for: record, profile: nil)
                == .notApplicable(NotApplicable(.zeroDenominator(denominator: "planned_sales", numerator: "sales", numeratorValue: 50))))
        #expect(
            calculator.value(of: .collectionRate, for: record, profile: nil).notApplicable?.message(.en)
                == "'cash_due' is 0, so the ratio is undefined")
        #expect(
            calculator.value(of: .salesCompletion, for: record, profile: nil).notApplicable?.message(.en)
                == "'planned_sales' is 0, so the ratio is undefined ('sales' is 50)")
        #expect(
            calculator.value(of: .profileCompleteness, for: record, profile: ProfileSummary()).notApplicable == NotApplicable(.noAccounts))
    }

    @Test("a figure not recorded makes its indicators n/a with the field named")
    func notRecorded() {
        let record = PerformanceFixtures.record(
            PerformanceFixtures.plan(settlement: nil), PerformanceFixtures.actual(due: nil, atStart: nil, previousSales: nil))
        #expect(
            calculator.value(of: .settlementRate, for: record, profile: nil).notApplicable
                == NotApplicable(.notRecorded(field: "planned_settlement")))
        #expect(
            calculator.value(of: .collectionRate, for: record, profile: nil).notApplicable == NotApplicable(.notRecorded(field: "cash_due"))
        )
        #expect(
            calculator.value(of: .churnRate, for: record, profile: nil).notApplicable
                == NotApplicable(.notRecorded(field: "accounts_at_start")))
        #expect(
            calculator.value(of: .salesGrowth, for: record, profile: nil).notApplicable
                == NotApplicable(.noPreviousSales(previousPeriod: "2024Q1")))
        #expect(
            calculator.value(of: .salesGrowth, for: record, profile: nil).notApplicable?.message(.zh)
                == "无 'previous_sales',实际数据中也没有 2024Q1 的行")
    }

    @Test("profile completeness is the mean completeness of the person's accounts")
    func profile() {
        let accounts = ["王经理", "王经理", "李经理", " 王经理 ", "未知"].enumerated().map { Account(id: "K\($0.offset)", manager: $0.element) }
        let completeness = [1.0, 0.5, 0.9, 0.75, 1.0]
        let summaries = ProfileSummary.byManager(
            accounts: accounts, completeness: completeness, minimumCompleteness: 0.7, missingCodes: ["未知"])
        let wang = summaries["王经理"] ?? ProfileSummary()
        #expect(wang.accounts == 3)
        #expect(wang.complete == 1)
        #expect(wang.insufficient == 1)  // 0.5 < 0.7
        #expect(summaries[""]?.accounts == 1)  // 未知 is a missing code
        let value = calculator.value(of: .profileCompleteness, for: sample, profile: wang)
        #expect(close(value, 75))  // (1 + 0.5 + 0.75) / 3
    }

    @Test("a team's indicator is the ratio of its members' sums, over the members with figures")
    func team() {
        let first = PerformanceFixtures.record(
            PerformanceFixtures.plan("A", sales: 800), PerformanceFixtures.actual("A", sales: 880, due: 700))
        let second = PerformanceFixtures.record(
            PerformanceFixtures.plan("B", sales: 200), PerformanceFixtures.actual("B", sales: 100, due: nil))
        let members = [(record: first, profile: ProfileSummary?.none), (record: second, profile: ProfileSummary?.none)]
        let sales = calculator.teamValue(of: .salesCompletion, members: members)
        #expect(close(sales.value, 98))  // (880 + 100) / (800 + 200), not the mean of 110% and 50%
        #expect(sales.covered == 2)
        let collection = calculator.teamValue(of: .collectionRate, members: members)
        #expect(close(collection.value, 650.0 / 7))  // only A has cash due
        #expect(collection.covered == 1)
    }
}
