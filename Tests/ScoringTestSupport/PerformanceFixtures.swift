import ScoringEngine

/// The seed's §2.2 scorecard built in code (what `models/scorecard.yaml` must read as), and
/// hand-checked plan and actual rows, for the performance tests.
public enum PerformanceFixtures {
    static func label(_ en: String, _ zh: String) -> LocalizedLabel { LocalizedLabel(en: en, zh: zh) }

    /// The seed's twelve items with the readings `models/scorecard.yaml` documents.
    public static func seedItems() -> [ScorecardItem] {
        [
            ScorecardItem(
                id: "sales_completion", label: label("Sales completion", "销售完成率"), shortLabel: label("sales", "销售"),
                maximum: 25, source: "§2.2 定量指标 销售完成率 25分",
                rule: .stepped(
                    SteppedRule(
                        measure: .salesCompletion, standard: 100, pointsAtStandard: 25, above: .init(step: 5, points: 1),
                        below: .init(step: 5, points: 1), partialSteps: .whole, bonusMayExceedMaximum: true, floor: 0))),
            ScorecardItem(
                id: "sales_growth", label: label("Sales growth", "销售增长率"), shortLabel: label("growth", "增长"), maximum: 10,
                source: "§2.2 定量指标 销售增长率 10分",
                rule: .stepped(
                    SteppedRule(
                        measure: .salesGrowth, standard: 0, pointsAtStandard: 0, above: .init(step: 10, points: 1), below: nil,
                        partialSteps: .whole, bonusMayExceedMaximum: false, floor: 0))),
            ScorecardItem(
                id: "new_customers", label: label("New customers", "新客户开发"), shortLabel: label("new", "新客"), maximum: 5,
                source: "§2.2 定量指标 新客户开发 5分",
                rule: .stepped(
                    SteppedRule(
                        measure: .newAccountsVersusPlan, standard: 0, pointsAtStandard: 5, above: .init(step: 1, points: 1),
                        below: .init(step: 2, points: 1), partialSteps: .whole, bonusMayExceedMaximum: true, floor: 0))),
            ScorecardItem(
                id: "market_information", label: label("Market information", "市场信息收集"), shortLabel: label("info", "信息"),
                maximum: 10, source: "", rule: .rating(RatingRule(column: "market_information"))),
            ScorecardItem(
                id: "teamwork", label: label("Teamwork", "团队协作"), shortLabel: label("team", "协作"), maximum: 10, source: "",
                rule: .rating(RatingRule(column: "teamwork"))),
            ScorecardItem(
                id: "knowledge", label: label("Professional knowledge", "专业知识"), shortLabel: label("know", "知识"),
                maximum: 10, source: "", rule: .rating(RatingRule(column: "knowledge"))),
            ScorecardItem(
                id: "judgement", label: label("Analysis and judgement", "分析判断能力"), shortLabel: label("judg", "判断"),
                maximum: 4, source: "",
                rule: .rating(RatingRule(column: "judgement", levels: [4, 3.5, 3, 2.5].map { .init(points: $0...$0) }))),
            ScorecardItem(
                id: "communication", label: label("Communication", "沟通能力"), shortLabel: label("comm", "沟通"), maximum: 6,
                source: "", rule: .rating(RatingRule(column: "communication", levels: [6, 5.5, 5, 4.5].map { .init(points: $0...$0) }))),
            ScorecardItem(
                id: "attendance", label: label("Attendance", "员工出勤率"), shortLabel: label("attend", "出勤"), maximum: 5,
                source: "",
                rule: .deductions(
                    DeductionRule(
                        deductions: [
                            .init(column: "absence_days", charge: .each(1)),
                            .init(
                                column: "late_count",
                                charge: .monthlyTiers([.init(from: 1, to: 3, points: 1), .init(from: 4, to: nil, points: 2)])),
                            .init(column: "unreported_field_days", charge: .monthlyTiers([.init(from: 6, to: nil, points: 1)])),
                        ], floor: 0))),
            ScorecardItem(
                id: "conduct", label: label("Conduct", "日常行为规范"), shortLabel: label("conduct", "规范"), maximum: 5, source: "",
                rule: .deductions(DeductionRule(deductions: [.init(column: "conduct_violations", charge: .each(2))], floor: 0))),
            ScorecardItem(
                id: "responsibility", label: label("Responsibility", "责任感"), shortLabel: label("resp", "责任"), maximum: 5,
                source: "",
                rule: .rating(
                    RatingRule(column: "responsibility", levels: [.init(points: 5...5), .init(points: 4.5...4.5), .init(points: 0...3)]))),
            ScorecardItem(
                id: "service", label: label("Service", "服务意识"), shortLabel: label("service", "服务"), maximum: 5, source: "",
                rule: .deductions(DeductionRule(deductions: [.init(column: "complaints", charge: .each(5))], floor: nil))),
        ]
    }

    /// The seed's scorecard (n/a items score zero unless `policy` says otherwise).
    public static func seedScorecard(policy: Scorecard.NotApplicablePolicy = .zero) throws -> Scorecard {
        try Scorecard(name: "seed", roles: [.manager, .specialist], notApplicable: policy, items: seedItems())
    }

    /// A plan row of 2024Q2 with the given figures.
    public static func plan(
        _ person: String = "王经理", role: TeamRole = .manager, sales: Double = 800, settlement: Double? = 700,
        developments: Double? = 12, newAccounts: Double = 4, budget: Double = 30, growthStep: Double? = nil,
        period: String = "2024Q2", team: String = "大客户部", line: Int = 2
    ) -> PerformancePlan {
        PerformancePlan(
            period: ReviewPeriod(period), person: person, role: role, team: team, plannedSales: sales,
            plannedSettlement: settlement, plannedDevelopments: developments, plannedNewAccounts: newAccounts,
            expenseBudget: budget, growthStep: growthStep, line: line)
    }

    /// Full marks on every rating and no deductions, unless replaced.
    public static func scoreInputs(_ replacing: [String: [Double]] = [:]) -> [String: [Double]] {
        var inputs: [String: [Double]] = [
            "market_information": [10], "teamwork": [10], "knowledge": [10], "judgement": [4], "communication": [6],
            "responsibility": [5], "absence_days": [0], "late_count": [0, 0, 0], "unreported_field_days": [0, 0, 0],
            "conduct_violations": [0], "complaints": [0],
        ]
        for (key, value) in replacing { inputs[key] = value }
        return inputs
    }

    /// An actual row of 2024Q2 with the given figures.
    public static func actual(
        _ person: String = "王经理", sales: Double = 800, settled: Double? = 700, collected: Double? = 650,
        due: Double? = 700, expenses: Double? = 30, atStart: Double? = 20, developed: Double? = 12, newAccounts: Double = 4,
        lost: Double? = 1, previousSales: Double? = 800, inputs: [String: [Double]] = scoreInputs(),
        period: String = "2024Q2", line: Int = 2
    ) -> PerformanceActual {
        PerformanceActual(
            period: ReviewPeriod(period), person: person, sales: sales, settled: settled, cashCollected: collected,
            cashDue: due, expenses: expenses, accountsAtStart: atStart, accountsDeveloped: developed,
            newAccounts: newAccounts, accountsLost: lost, previousSales: previousSales, scoreInputs: inputs, line: line)
    }

    /// Joins a plan and an actual row, taking previous sales from the actual row.
    public static func record(_ plan: PerformancePlan, _ actual: PerformanceActual) -> PerformanceRecord {
        let previous: PerformanceRecord.PreviousSales =
            actual.previousSales.map { .stated($0) } ?? .unknown(previousPeriod: plan.period.previous)
        return PerformanceRecord(plan: plan, actual: actual, previousSales: previous)
    }
}
