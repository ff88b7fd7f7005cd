import ScoringEngine
import ScoringIO

/// `kam simulate`: per policy, wins, won revenue and its spread, expense and its control,
/// hours by grade and by person, and the difference to the best policy.
public struct SimulateReport: FourFormatReport {
    public let problem: AllocationProblem
    public let summaries: [SimulationSummary]
    public let openAtStart: Int
    public let periods: Int
    public let runs: Int
    public let seed: UInt64
    public let teamFile: String
    public let rejects: Int
    public let rejectsPath: String?
    public let language: Language

    /// The unit of money amounts: the model's deal-value unit (万元 by default).
    public var moneyUnit = "万元"

    public var zh: Bool { language == .zh }
    public var team: Team { problem.team }

    public func policyLabel(_ policy: AllocationPolicy) -> String {
        switch policy {
        case .grade: return zh ? "分级（原办法）" : "grade (seed)"
        case .proportional: return zh ? "按预期收入" : "proportional"
        case .optimal: return zh ? "最优" : "optimal"
        }
    }

    /// Resource names in the problem's order.
    public var resourceNames: [String] {
        team.managers.map(\.name) + [zh ? "总监" : "director(s)", zh ? "专员" : "specialists", zh ? "预算" : "budget"]
    }

    /// Mean hours of each person over the horizon (pools split by the people's hours).
    public func hours(of person: Team.Person, in summary: SimulationSummary) -> Double {
        switch person.role {
        case .manager:
            guard let index = team.managers.firstIndex(where: { $0.name == person.name }) else { return 0 }
            return summary.usage[index]
        case .director:
            let total = team.hours(of: .director)
            return total > 0 ? summary.usage[problem.directorsIndex] * person.hours / total : 0
        case .specialist:
            let total = team.hours(of: .specialist)
            return total > 0 ? summary.usage[problem.specialistsIndex] * person.hours / total : 0
        }
    }

    /// Open accounts the forecast gives no probability (insufficient information).
    public var unforecastOpenAccounts: Int {
        problem.accounts.filter { $0.stage != nil && $0.probabilityByStage.isEmpty }.count
    }

    /// How winning is modelled, the same way as in `kam forecast` (issue 14: one set of numbers).
    public var winningModelText: String {
        let unforecast = unforecastOpenAccounts
        if zh {
            var text = "赢单与 kam forecast 同一模型：各客户按所在阶段的转移链（随投入调整）推进，赢单乘以其评分效应 p/π。"
            if unforecast > 0 { text += "\(unforecast) 个信息不足的客户按阶段概率计（forecast 不计入）。" }
            return text + "按管道拟合时的投入水平，预期赢单等于 kam forecast 的预测；各策略的差异只来自投入。"
        }
        var text =
            "Winning follows kam forecast's model: each account moves by its stage's chain under the effort it gets, and a win counts its score effect p/π (the forecast's P(won) over its stage's)."
        if unforecast > 0 {
            text +=
                " \(ReportFormat.count(unforecast, "open account")) with insufficient information count at their stage's chance (the forecast leaves them out)."
        }
        return text
            + " At the effort the pipeline was fitted on, expected wins and revenue equal the forecast's; the policies differ from it only by the effort they give."
    }

    public func summaryLines() -> [String] {
        var lines: [String] = []
        lines.append(
            zh
                ? "\(runs) 次蒙特卡洛模拟，种子 \(seed)；各策略使用相同的随机数，差异为配对差异。预期赢单收入按成交金额计，单位 \(moneyUnit)。"
                : "\(runs) Monte Carlo runs, seed \(seed); every policy sees the same random numbers, so differences are paired. Won revenue at deal value, in \(moneyUnit)."
        )
        lines.append(
            zh
                ? "最优策略：各期按第一期的影子价格分配，并按同一比例缩放价格，使最紧的资源每期用满。"
                : "The optimal policy allocates every period at the first period's shadow prices, scaled by one factor per period so that the tightest capacity is used up again."
        )
        lines.append(winningModelText)
        if team.totalHours <= 0 {
            lines.append(zh ? "团队没有工时：所有策略都不投入。" : "The team has no hours: no policy can put effort anywhere.")
        }
        if team.budget <= 0 {
            lines.append(
                zh
                    ? "预算为 0：只有不需要费用的工作可以进行；费用控制率无定义。"
                    : "The budget is 0: only work that needs no expense can be done; expense control is undefined (–).")
        }
        if rejects > 0 {
            let path = rejectsPath ?? "the rejects file"
            lines.append(zh ? "\(rejects) 行被拒绝，已写入 \(path)。" : "\(ReportFormat.count(rejects, "row")) rejected (written to \(path)).")
        }
        return lines
    }

    public func text(markdown: Bool) -> String {
        let maxWidth = TerminalWidth.columns
        var text =
            zh
            ? "模拟：\(openAtStart) 个在途客户，\(periods) 期，\(runs) 次，种子 \(seed)；团队 \(teamFile)\n金额单位：\(moneyUnit)。\n\n"
            : "Simulation: \(openAtStart) open accounts over \(periods) periods, \(runs) runs, seed \(seed); team \(teamFile)\nAmounts in \(moneyUnit).\n\n"
        var outcome = PlainTable(columns: [
            .init(zh ? "策略" : "policy"), .init(zh ? "预期赢单" : "exp. wins", alignRight: true),
            .init(zh ? "赢单收入" : "won revenue", alignRight: true), .init("P10", alignRight: true),
            .init("P50", alignRight: true), .init("P90", alignRight: true),
            .init(zh ? "与最优差" : "vs best", alignRight: true), .init(zh ? "标准误" : "± s.e.", alignRight: true),
        ])
        for s in summaries {
            outcome.rows.append([
                policyLabel(s.policy), ReportFormat.decimal(s.expectedWins, 1), ReportFormat.money(s.revenueMean),
                ReportFormat.money(s.revenueP10), ReportFormat.money(s.revenueP50), ReportFormat.money(s.revenueP90),
                s.differenceToBest == 0 && s.differenceStandardError == 0 ? (zh ? "最优" : "best") : ReportFormat.money(s.differenceToBest),
                ReportFormat.decimal(s.differenceStandardError, 1),
            ])
        }
        text += outcome.text(markdown: markdown, maxWidth: maxWidth)
        text += "\n"
        var spend = PlainTable(columns: [
            .init(zh ? "策略" : "policy"), .init(zh ? "费用" : "expense", alignRight: true),
            .init(zh ? "预算" : "budget", alignRight: true), .init(zh ? "费用控制" : "control", alignRight: true),
            .init(zh ? "费用回报" : "return", alignRight: true), .init(zh ? "A 工时" : "hours A", alignRight: true),
            .init("B", alignRight: true), .init("C", alignRight: true), .init("D", alignRight: true),
            .init(zh ? "利用率" : "used", alignRight: true),
        ])
        let capacity = team.totalHours * Double(periods)
        for s in summaries {
            let used = s.hoursByGrade.reduce(0, +)
            spend.rows.append([
                policyLabel(s.policy), ReportFormat.decimal(s.expense, 1), ReportFormat.decimal(s.budget, 0),
                ReportFormat.percent(s.expenseControl), ReportFormat.decimal(s.returnOnExpense, 1),
                ReportFormat.money(s.hoursByGrade[0]), ReportFormat.money(s.hoursByGrade[1]),
                ReportFormat.money(s.hoursByGrade[2]), ReportFormat.money(s.hoursByGrade[3]),
                capacity > 0 ? ReportFormat.percent(used / capacity) : "–",
            ])
        }
        text +=
            zh
            ? "费用（\(moneyUnit)）与工时（小时）（\(periods) 期合计，均值）；费用回报 = 赢单收入 / 费用\n"
            : "Expense (\(moneyUnit)) and hours, totals over \(periods) periods, mean of runs; return per \(moneyUnit) of expense\n"
        text += spend.text(markdown: markdown, maxWidth: maxWidth)
        text += "\n"
        var people = PlainTable(
            columns: [.init(zh ? "人员" : "person"), .init(zh ? "可用工时" : "hours", alignRight: true)]
                + summaries.map { .init(policyLabel($0.policy), alignRight: true) })
        for person in team.people {
            let available = person.hours * Double(periods)
            people.rows.append(
                [person.name, ReportFormat.money(available)]
                    + summaries.map { s in
                        let used = hours(of: person, in: s)
                        return "\(ReportFormat.money(used)) \(available > 0 ? ReportFormat.percent(used / available, digits: 0) : "–")"
                    })
        }
        text += zh ? "各人工时与利用率（\(periods) 期合计）\n" : "Hours and utilisation by person (totals over \(periods) periods)\n"
        text += people.text(markdown: markdown, maxWidth: maxWidth)
        text += "\n"
        text += ReportFormat.summary(summaryLines(), markdown: markdown, maxWidth: maxWidth)
        return text
    }

    public func csv() -> String {
        let names = resourceNames
        var text =
            CSVWriter.record(
                [
                    "policy", "expected_wins", "wins_standard_error", "revenue_mean", "revenue_standard_error", "revenue_p10",
                    "revenue_p50", "revenue_p90", "difference_to_best", "difference_standard_error", "expense", "budget",
                    "expense_control", "return_on_expense", "hours_a", "hours_b", "hours_c", "hours_d",
                ] + names.map { "used_\($0)" } + names.map { "utilisation_\($0)" }) + "\n"
        for s in summaries {
            let fields =
                [
                    s.policy.rawValue, n(s.expectedWins), n(s.winsStandardError), n(s.revenueMean), n(s.revenueStandardError),
                    n(s.revenueP10), n(s.revenueP50), n(s.revenueP90), n(s.differenceToBest), n(s.differenceStandardError),
                    n(s.expense), n(s.budget), n(s.expenseControl), n(s.returnOnExpense),
                ] + s.hoursByGrade.prefix(4).map(n) + s.usage.map(n) + s.utilisation.map(n)
            text += CSVWriter.record(fields) + "\n"
        }
        return text
    }

    public func n(_ value: Double) -> String { value.isFinite ? CSVWriter.number(value, digits: 6) : "" }

    public func json() -> String {
        // Every number here is `null` when it is not finite.
        func number(_ value: Double) -> JSONNumber { .finite(value) }
        let policies = summaries.map { s in
            PolicyJSON(
                policy: s.policy.rawValue, expectedWins: number(s.expectedWins), winsStandardError: number(s.winsStandardError),
                revenue: RevenueJSON(
                    mean: number(s.revenueMean), standardError: number(s.revenueStandardError), p10: number(s.revenueP10),
                    p50: number(s.revenueP50), p90: number(s.revenueP90)),
                differenceToBest: number(s.differenceToBest), differenceStandardError: number(s.differenceStandardError),
                expense: number(s.expense), budget: number(s.budget), expenseControl: number(s.expenseControl),
                returnOnExpense: number(s.returnOnExpense),
                hoursByGrade: JSONMembers(keys: ["A", "B", "C", "D"], values: s.hoursByGrade.prefix(4).map(number)),
                people: team.people.map { person in
                    let used = hours(of: person, in: s)
                    let available = person.hours * Double(periods)
                    return PersonJSON(
                        name: person.name, hours: number(available), used: number(used),
                        utilisation: number(available > 0 ? used / available : .nan))
                })
        }
        return ReportJSONEncoder().encode(
            JSON(
                moneyUnit: moneyUnit, openAccounts: openAtStart, periods: periods, runs: runs, seed: seed,
                winningModelNote: winningModelText, policies: JSONLines(policies)))
    }

    /// `kam simulate --format json` (`kam.simulation/1`): the run's settings share two lines.
    /// There is a summary for every policy, so `policies` is never the empty `[]`.
    private struct JSON: Encodable, JSONLayoutProviding {
        let schema = "kam.simulation/1"
        let moneyUnit: String
        let openAccounts: Int
        let periods: Int
        let runs: Int
        let seed: UInt64
        let winningModel = "forecast"
        let winningModelNote: String
        let policies: JSONLines<PolicyJSON>
        var jsonLayout: JSONLayout { .linesJoining(["periods", "runs", "seed", "winning_model_note"]) }
    }

    private struct PolicyJSON: Encodable {
        let policy: String
        let expectedWins: JSONNumber
        let winsStandardError: JSONNumber
        let revenue: RevenueJSON
        let differenceToBest: JSONNumber
        let differenceStandardError: JSONNumber
        let expense: JSONNumber
        let budget: JSONNumber
        let expenseControl: JSONNumber
        let returnOnExpense: JSONNumber
        let hoursByGrade: JSONMembers<JSONNumber>
        let people: [PersonJSON]
    }

    private struct RevenueJSON: Encodable {
        let mean: JSONNumber
        let standardError: JSONNumber
        let p10: JSONNumber
        let p50: JSONNumber
        let p90: JSONNumber
    }

    private struct PersonJSON: Encodable {
        let name: String
        let hours: JSONNumber
        let used: JSONNumber
        let utilisation: JSONNumber
    }

    /// A report from the values its command computed.
    public init(
        problem: AllocationProblem, summaries: [SimulationSummary], openAtStart: Int, periods: Int, runs: Int, seed: UInt64,
        teamFile: String, rejects: Int, rejectsPath: String?, language: Language, moneyUnit: String = "万元"
    ) {
        self.problem = problem
        self.summaries = summaries
        self.openAtStart = openAtStart
        self.periods = periods
        self.runs = runs
        self.seed = seed
        self.teamFile = teamFile
        self.rejects = rejects
        self.rejectsPath = rejectsPath
        self.language = language
        self.moneyUnit = moneyUnit
    }
}
