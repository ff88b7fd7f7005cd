import ScoringEngine
import ScoringIO

/// `kam allocate`: hours and expense per account and per person, shadow prices, and the
/// accounts that get nothing.
public struct AllocateReport: MultiViewReport {
    /// What `kam allocate` read, scored and forecast: the allocation problem and its inputs.
    public struct Input {
        public let problem: AllocationProblem
        public let assessment: BatchAssessment
        /// How many rows were rejected, and where they were written.
        public let rejects: Int
        public let rejectsPath: String?
        /// The rejected rows and the list's header (for the workbook's rejected sheet).
        public let rejectedRows: [Reject]
        public let header: [String]
        public let managerNames: [String]
        /// The label of the period the allocation is for (the one after the pipeline's
        /// history), when the history's calendar is known.
        public let periodLabel: String?
    }

    public enum View: String, CaseIterable, Sendable {
        case accounts
        case people
    }

    public let loaded: Input
    public let allocation: Allocation
    public let teamFile: String
    public let limit: Int
    public let language: Language

    public var problem: AllocationProblem { loaded.problem }
    public var team: Team { problem.team }
    public var zh: Bool { language == .zh }

    public typealias PersonLine = Allocation.PersonLine

    public var people: [PersonLine] { allocation.people(of: problem) }

    /// Accounts with effort, most hours first (ties: list order).
    public var workedRows: [Int] {
        let rows = allocation.efforts.indices.filter { allocation.efforts[$0] > 0 }
        return rows.sorted { lhs, rhs in
            let l = hours(lhs)
            let r = hours(rhs)
            return l != r ? l > r : lhs < rhs
        }
    }

    public func work(_ row: Int) -> Team.StageWork? { allocation.work(row, in: problem) }

    public func hours(_ row: Int) -> Double { allocation.hours(row, in: problem) }

    public func managerName(_ row: Int) -> String {
        managerID(row) ?? "–"
    }

    /// The account's manager in the team, `nil` when the team has none for it.
    public func managerID(_ row: Int) -> String? {
        problem.accounts[row].manager.map { team.managers[$0].name }
    }

    /// The account's expected won revenue with this period's effort and without it (as its
    /// deal eventually closes), or `nil` when it is not forecast (no stage, insufficient
    /// information, no deal value).
    public func expectedRevenues(_ row: Int) -> (withEffort: Double, withoutEffort: Double)? {
        guard allocation.reasons[row].map({ [.noStage, .insufficientInformation, .noDealValue].contains($0) }) != true,
            let stage = allocation.stages[row]
        else { return nil }
        return (
            problem.expectedRevenue(of: row, stage: stage, effort: allocation.efforts[row]),
            problem.expectedRevenue(of: row, stage: stage, effort: 0)
        )
    }

    public func roleLabel(_ role: Team.Role) -> String {
        switch role {
        case .director: return zh ? "大客户总监" : "director"
        case .manager: return zh ? "大客户经理" : "manager"
        case .specialist: return zh ? "大客户专员" : "specialist"
        }
    }

    public func reasonLabel(_ reason: Allocation.Reason) -> String {
        switch reason {
        case .noStage: return zh ? "无阶段：请填写阶段（1–5）" : "no stage: fill in the stage (1–5)"
        case .insufficientInformation: return zh ? "信息不足：先补充信息" : "insufficient information: gather it first"
        case .noDealValue: return zh ? "无成交金额" : "no deal value: nothing to gain"
        case .noManagerHours: return zh ? "负责经理无工时" : "its manager has no hours"
        case .noDirectorHours: return zh ? "总监无工时" : "the stage needs director hours; there are none"
        case .noSpecialistHours: return zh ? "专员无工时" : "the stage needs specialist hours; there are none"
        case .noBudget: return zh ? "无商务费用预算" : "the stage needs expense; the budget is 0"
        case .noGain: return zh ? "投入无收益" : "effort cannot raise its chance"
        case .gradePaused: return zh ? "D 级：暂缓观察" : "grade D: paused by the grade policy"
        case .notWorthPrice: return zh ? "边际价值低于工时和费用的影子价格" : "worth less than its hours and expense at the shadow prices"
        case .capacityUsedUp: return zh ? "工时或预算已用完" : "hours or budget used up by other accounts"
        }
    }

    public func policyLabel(_ policy: AllocationPolicy) -> String {
        switch policy {
        case .grade: return zh ? "分级策略（A 全力以赴，B 控制投入，C 关注变化，D 暂缓观察）" : "grade policy (A all in, B limited, C maintain, D paused)"
        case .proportional: return zh ? "按预期收入比例" : "proportional to expected revenue"
        case .optimal:
            if problem.objective == .profit { return zh ? "最优（预期利润最大）" : "optimal (maximum expected profit)" }
            return zh ? "最优（预期赢单收入最大）" : "optimal (maximum expected won revenue)"
        }
    }

    /// Counts of accounts per reason for getting nothing, in the reasons' order.
    public var reasonCounts: [(Allocation.Reason, Int, [String])] {
        Allocation.Reason.allCases.compactMap { reason in
            let rows = allocation.reasons.indices.filter { allocation.reasons[$0] == reason }
            return rows.isEmpty ? nil : (reason, rows.count, rows.prefix(5).map { problem.accounts[$0].id })
        }
    }

    // MARK: Summary

    public func summaryLines() -> [String] {
        var lines: [String] = []
        let worked = allocation.efforts.filter { $0 > 0 }.count
        let n = problem.accounts.count
        let hoursAvailable = team.totalHours
        let hoursUsed = allocation.usage.dropLast().reduce(0, +)
        if zh {
            lines.append(
                "\(n) 个客户中 \(worked) 个获得投入；工时 \(ReportFormat.decimal(hoursUsed, 0)) / \(ReportFormat.decimal(hoursAvailable, 0)) 小时，商务费用 \(ReportFormat.decimal(allocation.expense, 1)) \(moneyUnit) / 预算 \(ReportFormat.decimal(team.budget, 1)) \(moneyUnit)。"
            )
            lines.append(
                "预期赢单收入 \(ReportFormat.money(allocation.expectedRevenue)) \(moneyUnit)（不投入为 \(ReportFormat.money(allocation.baselineRevenue)) \(moneyUnit)，\(periodName)的投入增加 \(ReportFormat.money(allocation.expectedRevenue - allocation.baselineRevenue)) \(moneyUnit)）；收入计在成交之时，不限于\(periodName)。"
            )
        } else {
            lines.append(
                "\(worked) of \(n) accounts get effort; hours \(ReportFormat.decimal(hoursUsed, 0)) of \(ReportFormat.decimal(hoursAvailable, 0)), expense \(ReportFormat.decimal(allocation.expense, 1)) \(moneyUnit) of a budget of \(ReportFormat.decimal(team.budget, 1)) \(moneyUnit)."
            )
            lines.append(
                "Expected won revenue \(ReportFormat.money(allocation.expectedRevenue)) \(moneyUnit) (with no effort \(ReportFormat.money(allocation.baselineRevenue)) \(moneyUnit): +\(ReportFormat.money(allocation.expectedRevenue - allocation.baselineRevenue)) \(moneyUnit) from the effort of \(periodName)); revenue counts when the deals close, not only within \(periodName)."
            )
        }
        if let bound = allocation.upperBound {
            let gap = max(0, bound - allocation.gain)
            lines.append(
                zh
                    ? "对偶上界：任何可行分配的增益不超过 \(ReportFormat.decimal(bound, 1)) \(moneyUnit)；本分配增益 \(ReportFormat.decimal(allocation.gain, 1)) \(moneyUnit)，差距 ≤ \(ReportFormat.decimal(gap, 3)) \(moneyUnit)。"
                    : "Dual bound: no allocation within these hours and budget gains more than \(ReportFormat.decimal(bound, 1)) \(moneyUnit); this one gains \(ReportFormat.decimal(allocation.gain, 1)) \(moneyUnit), within \(ReportFormat.decimal(gap, 3)) \(moneyUnit) of the best."
            )
        }
        if worked == 0 {
            lines.append(
                zh ? "没有客户获得投入：见下方原因。" : "No account gets effort: see the reasons below (no staff hours or no budget?).")
        }
        if loaded.rejects > 0 {
            lines.append(
                zh
                    ? "\(loaded.rejects) 行被拒绝，已写入 \(loaded.rejectsPath ?? "拒绝文件")。"
                    : "\(ReportFormat.count(loaded.rejects, "row")) rejected (written to \(loaded.rejectsPath ?? "the rejects file")).")
        }
        return lines
    }

    // MARK: Text

    public func text(markdown: Bool) -> String {
        let maxWidth = TerminalWidth.columns
        let title =
            zh
            ? "下一\(period)\(loaded.periodLabel.map { "（\($0)）" } ?? "")的资源分配：\(policyLabel(allocation.policy))；团队 \(teamFile)"
            : "Allocation for the next \(period)\(loaded.periodLabel.map { " (\($0))" } ?? ""): \(policyLabel(allocation.policy)); team \(teamFile)"
        var text = (markdown ? [title] : DisplayWidth.wrap(title, width: maxWidth)).joined(separator: "\n")
        text += zh ? "\n金额单位：\(moneyUnit)。\n\n" : "\nAmounts in \(moneyUnit).\n\n"
        var peopleTable = PlainTable(columns: [
            .init(zh ? "人员" : "person"), .init(zh ? "角色" : "role"), .init(zh ? "可用工时" : "hours", alignRight: true),
            .init(zh ? "已分配" : "allocated", alignRight: true), .init(zh ? "利用率" : "used", alignRight: true),
            .init(zh ? "影子价格" : "value of +1", alignRight: true),
        ])
        for line in people {
            peopleTable.rows.append([
                line.person.name, roleLabel(line.person.role), ReportFormat.decimal(line.person.hours, 0),
                ReportFormat.decimal(line.allocated, 1),
                line.person.hours > 0 ? ReportFormat.percent(line.allocated / line.person.hours) : "–",
                line.shadowPrice.map { ReportFormat.decimal($0, 3) } ?? "–",
            ])
        }
        let budgetPrice = allocation.shadowPrices?[problem.budgetIndex]
        peopleTable.rows.append([
            zh ? "商务费用预算" : "expense budget", "", ReportFormat.decimal(team.budget, 1),
            ReportFormat.decimal(allocation.expense, 1),
            team.budget > 0 ? ReportFormat.percent(allocation.expense / team.budget) : "–",
            budgetPrice.map { ReportFormat.decimal($0, 3) } ?? "–",
        ])
        text += peopleTable.text(markdown: markdown, maxWidth: maxWidth)
        if allocation.shadowPrices != nil {
            let note =
                zh
                ? "影子价格：人员行为每多一小时可增加的预期\(problem.objective == .profit ? "利润" : "赢单收入")（\(moneyUnit)/小时）；预算行为每多 1 \(moneyUnit)预算可增加的\(moneyUnit)数（\(moneyUnit)/\(moneyUnit)）。"
                : "Value of +1: on a person's line, the expected \(problem.objective == .profit ? "profit" : "won revenue") one more hour would add (\(moneyUnit) per hour); on the budget line, what one more \(moneyUnit) of budget would add (\(moneyUnit) per \(moneyUnit))."
            text += (markdown ? [note] : DisplayWidth.wrap(note, width: maxWidth)).joined(separator: "\n") + "\n"
        }
        text += "\n"
        let rows = workedRows
        var accounts = PlainTable(columns: [
            .init("#", alignRight: true), .init(zh ? "客户" : "account"), .init(zh ? "经理" : "manager"),
            .init(zh ? "阶段" : "stage", alignRight: true), .init(zh ? "等级" : "grade"),
            .init(zh ? "工作包" : "packages", alignRight: true), .init(zh ? "经理工时" : "mgr h", alignRight: true),
            .init(zh ? "总监工时" : "dir h", alignRight: true), .init(zh ? "专员工时" : "spec h", alignRight: true),
            .init(zh ? "费用" : "expense", alignRight: true), .init(zh ? "收入增量" : "exp. gain", alignRight: true),
        ])
        for (rank, row) in rows.prefix(limit).enumerated() {
            guard let work = work(row), let stage = allocation.stages[row] else { continue }
            let e = allocation.efforts[row]
            let gain =
                problem.expectedRevenue(of: row, stage: stage, effort: e)
                - problem.expectedRevenue(of: row, stage: stage, effort: 0)
            accounts.rows.append([
                String(rank + 1), problem.accounts[row].id, managerName(row), String(stage),
                problem.accounts[row].grade.rawValue, ReportFormat.decimal(e, 2), ReportFormat.decimal(e * work.managerHours, 1),
                ReportFormat.decimal(e * work.directorHours, 1), ReportFormat.decimal(e * work.specialistHours, 1),
                ReportFormat.decimal(e * work.expense, 2), ReportFormat.decimal(gain, 1),
            ])
        }
        text +=
            zh
            ? "各客户的投入（按工时排序，\(rows.count) 个客户；费用、收入增量单位 \(moneyUnit)）\n"
            : "Effort per account (most hours first; \(rows.count) accounts; \(moneyUnit))\n"
        text += accounts.text(markdown: markdown, maxWidth: maxWidth)
        if rows.count > limit {
            text +=
                zh
                ? "… 另有 \(rows.count - limit) 个（--top N 或 --format csv 查看全部）\n"
                : "… and \(rows.count - limit) more (--top N, or --format csv for all)\n"
        }
        text += "\n"
        let counts = reasonCounts
        if !counts.isEmpty {
            var nothing = PlainTable(columns: [
                .init(zh ? "未获投入的原因" : "why accounts get nothing"), .init(zh ? "客户数" : "accounts", alignRight: true),
                .init(zh ? "例如" : "for example"),
            ])
            for (reason, count, examples) in counts {
                nothing.rows.append([reasonLabel(reason), String(count), examples.joined(separator: " ")])
            }
            text += nothing.text(markdown: markdown, maxWidth: maxWidth)
            text += "\n"
        }
        text += ReportFormat.summary(summaryLines(), markdown: markdown, maxWidth: maxWidth)
        return text
    }

    public var period: String { zh ? "期" : "period" }

    /// The period the allocation is for, as a sentence names it: "2025-01", else "the next period".
    public var periodName: String {
        if let label = loaded.periodLabel { return label }
        return zh ? "下一期" : "the next period"
    }

    /// The unit of money amounts: the model's deal-value unit (万元 by default).
    public var moneyUnit: String { ReportWorkbook.moneyUnit(loaded.assessment.model) }

    // MARK: Output

    public func writeCSV(_ view: View, to sink: inout some OutputSink) {
        switch view {
        case .accounts: writeAccountsCSV(to: &sink)
        case .people: writePeopleCSV(to: &sink)
        }
    }

    public func writeAccountsCSV(to sink: inout some OutputSink) {
        sink.write(
            CSVWriter.record([
                "account_id", "manager", "stage", "grade", "packages", "manager_hours", "director_hours",
                "specialist_hours", "expense", "expected_revenue", "expected_revenue_without_effort", "reason",
            ]))
        for row in problem.accounts.indices {
            let account = problem.accounts[row]
            let e = allocation.efforts[row]
            let work = self.work(row)
            let revenues = expectedRevenues(row)
            let revenue = revenues.map { CSVWriter.number($0.withEffort, digits: 6) } ?? ""
            let baseline = revenues.map { CSVWriter.number($0.withoutEffort, digits: 6) } ?? ""
            sink.write(
                CSVWriter.record([
                    account.id, managerName(row), account.stage.map(String.init) ?? "", account.grade.rawValue,
                    CSVWriter.number(e, digits: 6), CSVWriter.number(e * (work?.managerHours ?? 0), digits: 6),
                    CSVWriter.number(e * (work?.directorHours ?? 0), digits: 6),
                    CSVWriter.number(e * (work?.specialistHours ?? 0), digits: 6),
                    CSVWriter.number(e * (work?.expense ?? 0), digits: 6), revenue, baseline,
                    allocation.reasons[row]?.rawValue ?? "",
                ]))
        }
    }

    public func writePeopleCSV(to sink: inout some OutputSink) {
        sink.write(CSVWriter.record(["name", "role", "hours", "allocated", "shadow_price"]))
        for line in people {
            sink.write(
                CSVWriter.record([
                    line.person.name, line.person.role.rawValue, CSVWriter.number(line.person.hours, digits: 6),
                    CSVWriter.number(line.allocated, digits: 6), line.shadowPrice.map { CSVWriter.number($0, digits: 6) } ?? "",
                ]))
        }
        let price = allocation.shadowPrices?[problem.budgetIndex]
        sink.write(
            CSVWriter.record([
                "budget", "budget", CSVWriter.number(team.budget, digits: 6), CSVWriter.number(allocation.expense, digits: 6),
                price.map { CSVWriter.number($0, digits: 6) } ?? "",
            ]))
    }

    public func writeJSON(to sink: inout some OutputSink) {
        // Every number here is `null` when it is missing or not finite.
        func number(_ value: Double?) -> JSONNumber { .finite(value) }
        let encoder = ReportJSONEncoder()
        let head = HeadJSON(
            policy: allocation.policy.rawValue, objective: problem.objective.rawValue, period: loaded.periodLabel,
            moneyUnit: moneyUnit,
            summary: SummaryJSON(
                accounts: problem.accounts.count, accountsWithEffort: allocation.efforts.filter { $0 > 0 }.count,
                expectedRevenue: number(allocation.expectedRevenue), expectedRevenueWithoutEffort: number(allocation.baselineRevenue),
                gain: number(allocation.gain), upperBound: number(allocation.upperBound), expense: number(allocation.expense),
                budget: number(team.budget), budgetShadowPrice: number(allocation.shadowPrices?[problem.budgetIndex])))
        // `people` and `accounts` keep the brackets they have always had, also when empty
        // (`[\n\n  ]` and `[\n  ]`); their elements go through the encoder.
        var text = "{\n" + encoder.leadingMembers(of: head, indent: 2)
        text += "  \"people\": [\n"
        text += people.map { line in
            "    "
                + encoder.fragment(
                    PersonJSON(
                        name: line.person.name, role: line.person.role.rawValue, hours: number(line.person.hours),
                        allocated: number(line.allocated), shadowPrice: number(line.shadowPrice)))
        }.joined(separator: ",\n")
        text += "\n  ],\n  \"accounts\": [\n"
        sink.write(text)
        for row in problem.accounts.indices {
            let e = allocation.efforts[row]
            let work = self.work(row)
            let revenues = expectedRevenues(row)
            let element = AccountJSON(
                accountID: problem.accounts[row].id, manager: managerID(row), stage: allocation.stages[row],
                grade: problem.accounts[row].grade.rawValue, packages: number(e), managerHours: number(e * (work?.managerHours ?? 0)),
                directorHours: number(e * (work?.directorHours ?? 0)), specialistHours: number(e * (work?.specialistHours ?? 0)),
                expense: number(e * (work?.expense ?? 0)), expectedRevenue: number(revenues?.withEffort),
                expectedRevenueWithoutEffort: number(revenues?.withoutEffort), reason: allocation.reasons[row]?.rawValue)
            sink.write("    " + encoder.fragment(element) + (row == problem.accounts.count - 1 ? "\n" : ",\n"))
        }
        sink.write("  ],\n")
        sink.write(RejectJSON.documentEnd(rejects: loaded.rejectedRows))
    }

    /// The members of `kam allocate --format json` (`kam.allocation/1`) before the people.
    private struct HeadJSON: Encodable {
        let schema = "kam.allocation/1"
        let policy: String
        let objective: String
        let period: String?
        let moneyUnit: String
        let summary: SummaryJSON
    }

    private struct SummaryJSON: Encodable {
        let accounts: Int
        let accountsWithEffort: Int
        let expectedRevenue: JSONNumber
        let expectedRevenueWithoutEffort: JSONNumber
        let gain: JSONNumber
        let upperBound: JSONNumber
        let expense: JSONNumber
        let budget: JSONNumber
        let budgetShadowPrice: JSONNumber
    }

    private struct PersonJSON: Encodable {
        let name: String
        let role: String
        let hours: JSONNumber
        let allocated: JSONNumber
        let shadowPrice: JSONNumber
    }

    private struct AccountJSON: Encodable {
        let accountID: String
        let manager: String?
        let stage: Int?
        let grade: String
        let packages: JSONNumber
        let managerHours: JSONNumber
        let directorHours: JSONNumber
        let specialistHours: JSONNumber
        let expense: JSONNumber
        let expectedRevenue: JSONNumber
        let expectedRevenueWithoutEffort: JSONNumber
        let reason: String?
    }

    /// A report from the values its command computed.
    public init(loaded: Input, allocation: Allocation, teamFile: String, limit: Int, language: Language) {
        self.loaded = loaded
        self.allocation = allocation
        self.teamFile = teamFile
        self.limit = limit
        self.language = language
    }
}
